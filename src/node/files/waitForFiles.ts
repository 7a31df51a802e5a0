// Waiting for files another program is still writing (a kubeconfig named by KUBECONFIG while the
// cluster is being made, a sandbox program a setting names while it is being built): polls with
// the one abortable sleep, so a cancel ends it at once.
import { accessSync, constants, statSync } from 'node:fs';
import type { ProgramLook } from '../../core/sandbox/programWait';
import { sleep } from '../process/sleep';

export type FileWaitOutcome = 'appeared' | 'aborted' | 'timed-out';

export interface FileWaitOptions {
  intervalMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Wait until every file exists, not just one of them (a kubeconfig list needs one; a sandbox needs each program). */
  all?: boolean;
  /** Once the files exist: are they usable yet (they may be half written)? Default: yes. */
  ready?: () => boolean;
  /** Called after each look with the time waited so far. */
  onTick?: (waitedMs: number) => void;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Resolves 'appeared' once any (or, with `all`, every) file exists and is ready, 'aborted' on the signal, 'timed-out' after timeoutMs. */
export async function waitForFiles(files: readonly string[], opts: FileWaitOptions): Promise<FileWaitOutcome> {
  const start = Date.now();
  const ready = opts.ready ?? (() => true);
  for (;;) {
    if (opts.signal?.aborted) return 'aborted';
    const there = opts.all ? files.every(exists) : files.some(exists);
    if (there && ready()) return 'appeared';
    const waited = Date.now() - start;
    opts.onTick?.(waited);
    const left = opts.timeoutMs - waited;
    if (left <= 0) return 'timed-out';
    await sleep(Math.min(opts.intervalMs, left), opts.signal);
  }
}

/** One look at a program's path: there, a file, executable (Windows has no x bit), its size and time. */
export function lookAtProgram(path: string, platform: string = process.platform): ProgramLook {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return { exists: false, isFile: false, executable: false, size: 0, mtimeMs: 0 };
  }
  let executable = platform === 'win32';
  if (!executable && stat.isFile())
    try {
      accessSync(path, constants.X_OK);
      executable = true;
    } catch {
      executable = false;
    }
  return { exists: true, isFile: stat.isFile(), executable, size: stat.size, mtimeMs: stat.mtimeMs };
}
