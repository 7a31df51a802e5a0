// The sandbox commands' bundle (dist/sandbox.js, from src/ui/sandboxCommands.ts): starting and
// stopping the app, the collector and Prometheus, with the config rendering (and its YAML parser).
import { lazyBundle } from './lazyBundle';

export type SandboxUi = typeof import('./sandboxCommands');

export const sandboxBundle = lazyBundle<SandboxUi>('sandbox.js');
