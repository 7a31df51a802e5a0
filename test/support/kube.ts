// One real control plane per mocha process, shared by the integration files that need one:
// starting it costs tens of seconds, and each file cleans up the namespaces it made. The root
// hook in test/hooks.ts stops it after the last test, even when tests failed.
import { installKube, startKube, type RunningKube } from '../harness/kube';

let starting: Promise<RunningKube> | undefined;

/** Starts the control plane on first use (building it if the cache is cold) and returns it. */
export function sharedKube(): Promise<RunningKube> {
  starting ??= (async () => {
    await installKube(true);
    return startKube();
  })();
  return starting;
}

/** Stops the shared control plane, if one was started. Called by the root after-all hook. */
export async function stopSharedKube(): Promise<void> {
  const s = starting;
  starting = undefined;
  const k = await s?.catch(() => undefined);
  await k?.stop();
}

/** A namespace name unique to this run, so files do not collide and cleanup is exact. */
export function uniqueNamespace(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
}
