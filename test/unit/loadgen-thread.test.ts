// Where the built-in engine's worker thread comes from: the product runs dist/loadgenWorker.js,
// the bundle beside its own, and knows nothing of how the tests load TypeScript; code run from
// source hands it the worker's script. A script that is not there is a clear message, not a crash.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadPlan } from '../../src/core/loadtest/plan';
import {
  bundledWorkerScript,
  runBuiltinInWorker,
  WorkerScriptMissingError,
} from '../../src/node/loadtest/loadgenThread';

const root = join(__dirname, '..', '..');
const plan = loadPlan(readFileSync(join(root, 'templates', 'jmeter', 'hash-load.jmx'), 'utf8'), {
  props: { SERVER: '127.0.0.1', PORT: '9', THREADS: '1', RAMP: '0', DURATION: '1' },
});

describe("the built-in engine's worker script", () => {
  it('is the bundle beside the module that starts it, with no Node options of its own', () => {
    const bundled = bundledWorkerScript();
    assert.equal(
      bundled.file,
      join(root, 'src', 'node', 'loadtest', 'loadgenWorker.js'),
      'dist/loadgenWorker.js once bundled',
    );
    assert.deepEqual(bundled.execArgv, []);
  });

  it('refuses to start when its script is missing, naming the file and what to do, before any thread runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'obslab-worker-'));
    try {
      const file = join(dir, 'loadgenWorker.js');
      await assert.rejects(
        runBuiltinInWorker(plan, { worker: { file, execArgv: [] }, fileHandles: false }),
        (e: unknown) =>
          e instanceof WorkerScriptMissingError &&
          e.file === file &&
          e.message.includes(`its worker script ${file} is missing`) &&
          /Reinstall the extension \(or the obslab package\)/.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lives in a product that never names the tests' TypeScript loader (tsx)", () => {
    const src = join(root, 'src');
    const naming = readdirSync(src, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => join(e.parentPath, e.name))
      .filter((f) => /(^|[^.\w])tsx\b/m.test(readFileSync(f, 'utf8'))) // tsx, tsx/cjs; not a .tsx file name
      .map((f) => relative(root, f));
    assert.deepEqual(naming, []);
  });
});
