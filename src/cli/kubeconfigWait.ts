// The commands that reach a cluster load the kubeconfig through here: when KUBECONFIG names a file
// that does not exist yet (eksctl create cluster or a local control plane may still be writing
// it), --wait-for-kubeconfig waits for it, with one line on stderr when it starts and one when the
// file is there; without the flag the error says the flag exists.
import {
  kubeconfigAppearedText,
  kubeconfigPollMs,
  kubeconfigToWaitFor,
  stillBeingWritten,
  waitEndedMessage,
  waitingTitle,
  withWaitFlagHint,
} from '../core/kube/kubeconfigWait';
import { waitForFiles } from '../node/files/waitForFiles';
import { KubeError, loadKube, type KubeTarget, type LoadedKube } from '../node/kube/config';
import type { Io } from './io';

export interface KubeconfigWaitOptions {
  /** "obslab apply": the prefix of the lines on stderr. */
  command: string;
  io: Io;
  /** The bound from --wait-for-kubeconfig; undefined: do not wait. */
  waitMs?: number | undefined;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** How often to look (the tests look more often). */
  pollMs?: number;
}

/** loadKube(target), waiting for a kubeconfig KUBECONFIG names when asked to; every failure is a KubeError. */
export async function loadKubeWaiting(target: KubeTarget, opts: KubeconfigWaitOptions): Promise<LoadedKube> {
  const env = opts.env ?? process.env;
  let first: KubeError;
  try {
    return loadKube(target, env);
  } catch (e) {
    if (!(e instanceof KubeError)) throw e;
    first = e;
  }
  const files = kubeconfigToWaitFor(first.kubeconfig);
  if (!files) throw first;
  if (opts.waitMs === undefined) throw new KubeError(withWaitFlagHint(first.message), first.failure, first.kubeconfig);

  opts.io.err(`${opts.command}: ${waitingTitle(files, opts.waitMs)}`);
  let loaded: LoadedKube | undefined;
  let failure: KubeError | undefined;
  // Half-written files keep the wait going; any other failure ends it and is thrown below.
  const ready = (): boolean => {
    try {
      loaded = loadKube(target, env);
      return true;
    } catch (err) {
      if (err instanceof KubeError && stillBeingWritten(err.kubeconfig)) return false;
      failure = err instanceof KubeError ? err : new KubeError(err instanceof Error ? err.message : String(err));
      return true;
    }
  };
  const started = Date.now();
  const outcome = await waitForFiles(files, {
    intervalMs: opts.pollMs ?? kubeconfigPollMs,
    timeoutMs: opts.waitMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ready,
  });
  if (outcome !== 'appeared')
    throw new KubeError(
      waitEndedMessage(outcome === 'aborted' ? 'cancelled' : 'timed-out', files, opts.waitMs),
      undefined,
      first.kubeconfig,
    );
  opts.io.err(`${opts.command}: ${kubeconfigAppearedText(files, Date.now() - started)}`);
  if (failure) throw failure;
  return loaded ?? loadKube(target, env);
}
