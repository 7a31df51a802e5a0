// A process of its own for the load-engine tests that need one (a low `ulimit -n`): runs the
// scaffolded plan with the built-in engine in its worker thread against 127.0.0.1:PORT, prints
// each progress report and then the result as JSON lines, and stops the run when its stdin says
// "stop". Usage: loadgenChild.ts PORT THREADS DURATION_SEC cap|nocap
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlan } from '../../src/core/loadtest/plan';
import { runNotes } from '../../src/core/loadtest/runNotes';
import { runBuiltinInWorker } from '../../src/node/loadtest/loadgenThread';
import { sourceWorker } from './loadgenWorkerScript';

const [port = '', threads = '1', duration = '1', cap = 'cap'] = process.argv.slice(2);
const plan = loadPlan(readFileSync(join(__dirname, '..', '..', 'templates', 'jmeter', 'hash-load.jmx'), 'utf8'), {
  props: { SERVER: '127.0.0.1', PORT: port, THREADS: threads, RAMP: '0', DURATION: duration },
});
const abort = new AbortController();
let stopAt = 0;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => {
  if (d.includes('stop')) {
    stopAt = Date.now();
    abort.abort();
  }
});
const line = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
runBuiltinInWorker(plan, {
  worker: sourceWorker,
  signal: abort.signal,
  onProgress: (p) => line({ progress: p }),
  ...(cap === 'nocap' ? { fileHandles: false as const } : {}),
})
  .then((result) => line({ result, notes: runNotes(result), stopMs: stopAt ? Date.now() - stopAt : undefined }))
  .catch((e: unknown) => line({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }))
  .finally(() => process.stdin.destroy());
