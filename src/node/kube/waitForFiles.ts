// Waiting for a file that another program is still writing (a kubeconfig named by KUBECONFIG
// while the cluster is being made): polls with the one abortable sleep, so a cancel ends it at once.
import { existsSync } from 'node:fs';
import { sleep } from '../process/sleep';

export type FileWaitOutcome = 'appeared' | 'aborted' | 'timed-out';

export interface FileWaitOptions {
  intervalMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Once a file exists: is it usable yet (it may be half written)? Default: yes. */
  ready?: () => boolean;
  /** Called after each look with the time waited so far. */
  onTick?: (waitedMs: number) => void;
}

/** Resolves 'appeared' once any of `files` exists and is ready, 'aborted' on the signal, 'timed-out' after timeoutMs. */
export async function waitForFiles(files: readonly string[], opts: FileWaitOptions): Promise<FileWaitOutcome> {
  const start = Date.now();
  const ready = opts.ready ?? (() => true);
  for (;;) {
    if (opts.signal?.aborted) return 'aborted';
    if (files.some((f) => existsSync(f)) && ready()) return 'appeared';
    const waited = Date.now() - start;
    opts.onTick?.(waited);
    const left = opts.timeoutMs - waited;
    if (left <= 0) return 'timed-out';
    await sleep(Math.min(opts.intervalMs, left), opts.signal);
  }
}
