// The load test's bundle (dist/loadtest.js, from src/ui/loadtestCommands.ts): the plan model, both
// engines and the live view's host side, loaded on the first Run Load Test or Summarize Results.
import { lazyBundle } from './lazyBundle';

export type LoadtestUi = typeof import('./loadtestCommands');

export const loadtestBundle = lazyBundle<LoadtestUi>('loadtest.js');
