// The built-in engine's worker run from source, for tests and benches that use src/ rather than
// dist/: its TypeScript entry with tsx's CommonJS hook. The product knows nothing of tsx; it runs
// dist/loadgenWorker.js unless handed this.
import { join } from 'node:path';
import type { LoadgenWorkerScript } from '../../src/node/loadtest/loadgenThread';

export const sourceWorker: LoadgenWorkerScript = {
  file: join(__dirname, '..', '..', 'src', 'node', 'loadtest', 'loadgenWorker.ts'),
  execArgv: ['--require', require.resolve('tsx/cjs')],
};
