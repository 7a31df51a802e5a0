import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { JsonFinding } from '../../src/cli/lint';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('obslab lint', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-lint-'));
    mkdirSync(join(dir, 'k8s'));
    writeFileSync(join(dir, 'k8s', 'sm.yaml'), 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: sm\n  labels:\n    release: kps\nspec:\n  selector:\n    matchLabels:\n      app: otel-collector\n  endpoints:\n    - port: metrics\n');
    writeFileSync(join(dir, 'notes.txt'), 'not linted');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints findings as JSON with 1-based positions and exits 1 on an error', async () => {
    const r = await run(['lint', dir, '--format', 'json']);
    assert.equal(r.code, 1);
    const findings = JSON.parse(r.out) as JsonFinding[];
    const f = findings.find((x) => x.code === 'servicemonitor/release-label-missing');
    assert.ok(f);
    assert.deepEqual(Object.keys(f).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'severity']);
    assert.equal(f.line, 6);
    assert.equal(f.column, 14);
    assert.match(f.file, /k8s\/sm\.yaml$/);
  });

  it('takes the Helm release name from --release, and exits 0 without errors', async () => {
    const r = await run(['lint', join(dir, 'k8s', 'sm.yaml'), '--release', 'kps']);
    assert.equal(r.code, 0);
    assert.match(r.out, /1 file\(s\) checked: 0 error\(s\)/);
  });

  it('exits 2 with a one-line reason for a path that does not exist, or bad usage', async () => {
    const missing = await run(['lint', join(dir, 'nope.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /nope\.yaml: no such file or folder/);
    assert.equal((await run(['lint'])).code, 2);
    assert.equal((await run(['lint', dir, '--format', 'xml'])).code, 2);
  });
});
