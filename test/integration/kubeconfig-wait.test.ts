import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForFiles } from '../../src/node/kube/waitForFiles';

describe('waiting for a kubeconfig another program is still writing', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-filewait-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves once the file appears, a second later', async () => {
    const f = join(dir, 'config');
    const writer = setTimeout(() => writeFileSync(f, 'apiVersion: v1\n'), 1000);
    const ticks: number[] = [];
    const started = Date.now();
    try {
      const outcome = await waitForFiles([join(dir, 'other'), f], {
        intervalMs: 100,
        timeoutMs: 30_000,
        onTick: (ms) => ticks.push(ms),
      });
      assert.equal(outcome, 'appeared');
    } finally {
      clearTimeout(writer);
    }
    assert.ok(Date.now() - started >= 900, 'it waited for the file');
    assert.ok(ticks.length >= 5, `it reported the time waited (${ticks.length} ticks)`);
  });

  it('keeps waiting while the file is there but not ready', async () => {
    const f = join(dir, 'config');
    writeFileSync(f, 'half');
    let looks = 0;
    const outcome = await waitForFiles([f], { intervalMs: 50, timeoutMs: 30_000, ready: () => ++looks >= 3 });
    assert.equal(outcome, 'appeared');
    assert.equal(looks, 3);
  });

  it('ends at once when aborted', async () => {
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(), 200);
    const outcome = await waitForFiles([join(dir, 'never')], {
      intervalMs: 2000,
      timeoutMs: 60 * 60_000,
      signal: abort.signal,
    });
    assert.equal(outcome, 'aborted');
    assert.ok(Date.now() - started < 1500, 'the abort did not wait for the next look');
  });

  it('ends when the time is up', async () => {
    const started = Date.now();
    const outcome = await waitForFiles([join(dir, 'never')], { intervalMs: 100, timeoutMs: 500 });
    assert.equal(outcome, 'timed-out');
    assert.ok(Date.now() - started >= 450);
  });
});
