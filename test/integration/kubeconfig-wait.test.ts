import { strict as assert } from 'node:assert';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { programState, type ProgramLook } from '../../src/core/sandbox/programWait';
import { lookAtProgram, waitForFiles } from '../../src/node/files/waitForFiles';

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

describe('waiting for a sandbox program another program is still building', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-programwait-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for every program when told to, not just the first to appear', async () => {
    const a = join(dir, 'otelcol');
    const b = join(dir, 'prometheus');
    writeFileSync(a, '#!/bin/sh\n');
    const writer = setTimeout(() => writeFileSync(b, '#!/bin/sh\n'), 600);
    const started = Date.now();
    try {
      assert.equal(await waitForFiles([a, b], { intervalMs: 100, timeoutMs: 30_000, all: true }), 'appeared');
    } finally {
      clearTimeout(writer);
    }
    assert.ok(Date.now() - started >= 500, 'it waited for the second one');
  });

  it('sees a path as missing, a folder, a file without the x bit, then a program', () => {
    const p = join(dir, 'otelcol');
    assert.equal(lookAtProgram(p, 'linux').exists, false);
    mkdirSync(join(dir, 'folder'));
    assert.equal(programState(lookAtProgram(join(dir, 'folder'), 'linux')), 'not-a-file');
    writeFileSync(p, '#!/bin/sh\n', { mode: 0o644 });
    assert.equal(programState(lookAtProgram(p, 'linux')), 'not-executable');
    assert.equal(lookAtProgram(p, 'win32').executable, true, 'Windows has no x bit');
    chmodSync(p, 0o755);
    const look = lookAtProgram(p, 'linux');
    assert.deepEqual([look.exists, look.isFile, look.executable, look.size], [true, true, true, 10]);
    assert.equal(programState(look), 'ready');
  });

  it('runs a program that appears only once it has stopped growing', async () => {
    const p = join(dir, 'prometheus');
    let before: ProgramLook = lookAtProgram(p, 'linux');
    const seen: string[] = [];
    // A build writing the program in three pieces, one between each two looks, then leaving it alone.
    let pieces = 0;
    const build = (): void => {
      if (pieces === 0) writeFileSync(p, 'x'.repeat(1000), { mode: 0o755 });
      else if (pieces < 3) appendFileSync(p, 'y'.repeat(1000));
      pieces++;
    };
    const outcome = await waitForFiles([p], {
      intervalMs: 50,
      timeoutMs: 30_000,
      ready: () => {
        const now = lookAtProgram(p, 'linux');
        const state = programState(now, before);
        before = now;
        seen.push(state);
        return state === 'ready';
      },
      onTick: build,
    });
    assert.equal(outcome, 'appeared');
    assert.deepEqual(seen, ['growing', 'growing', 'growing', 'ready']);
    assert.equal(seen.at(-1), 'ready');
    assert.ok(seen.includes('growing'), `it saw the program grow first: ${seen.join(', ')}`);
    assert.equal(lookAtProgram(p, 'linux').size, 3000, 'it ran once the whole program was there');
  });
});
