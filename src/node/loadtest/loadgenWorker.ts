// The built-in engine's own thread (dist/loadgenWorker.js, started by loadgenThread.ts): runs the
// plan it is handed, writes the .jtl, posts progress each second and the result at the end, and
// stops (keeping the results so far) when told to.
import { parentPort, workerData } from 'node:worker_threads';
import { isRecord } from '../../core/isRecord';
import { runBuiltin } from './loadgen';
import type { LoadgenWorkerInput, LoadgenWorkerMessage } from './loadgenThread';

const port = parentPort;
if (!port) throw new Error('loadgenWorker.js runs as a worker thread (see loadgenThread.ts)');
const input = workerData as LoadgenWorkerInput;
const abort = new AbortController();
const post = (m: LoadgenWorkerMessage): void => port.postMessage(m);
port.on('message', (m: unknown) => {
  if (isRecord(m) && m['type'] === 'stop') abort.abort();
});
runBuiltin(input.plan, {
  ...(input.jtl ? { jtl: input.jtl } : {}),
  ...(input.progressIntervalMs === undefined ? {} : { progressIntervalMs: input.progressIntervalMs }),
  ...(input.graceMs === undefined ? {} : { graceMs: input.graceMs }),
  ...(input.open ? { open: input.open } : {}),
  signal: abort.signal,
  onProgress: (progress) => post({ type: 'progress', progress }),
})
  .then(
    (result) => post({ type: 'done', result }),
    (e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e) }),
  )
  .finally(() => port.close());
