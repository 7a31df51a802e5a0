// How many threads the built-in engine may run at once: each holds a socket, which is a file
// handle, and the editor (or CLI) process shares one limit (ulimit -n) with everything else it
// has open. Past the limit connects fail with EMFILE at once; so a run that would need more is
// refused up front, with room left for the rest of the process. The node layer reads the limit.
import { t } from '../text/l10n';
import type { LoadPlan } from './plan';

export interface FileHandles {
  /** The process's soft limit on open files. */
  limit: number;
  /** Files, sockets and pipes open now. */
  inUse: number;
}

/** Kept free for the rest of the process (the editor's files, its language servers' pipes, the .jtl). */
export function handleHeadroom(limit: number): number {
  return Math.max(32, Math.ceil(limit * 0.1));
}

export function threadBudget(h: FileHandles): number {
  return Math.max(0, h.limit - h.inUse - handleHeadroom(h.limit));
}

/** The most threads the plan has running at once: its main groups together (or the largest, when serialized), or a setUp or tearDown phase. */
export function concurrentThreads(plan: Pick<LoadPlan, 'threadGroups' | 'serializeThreadGroups'>): number {
  const phase = (kind: LoadPlan['threadGroups'][number]['kind']): number => {
    const sizes = plan.threadGroups
      .filter((g) => g.kind === kind && g.loops !== undefined && g.loops !== 0 && g.samplers.length)
      .map((g) => Math.max(0, g.threads));
    return plan.serializeThreadGroups ? Math.max(0, ...sizes) : sizes.reduce((a, b) => a + b, 0);
  };
  return Math.max(phase('setup'), phase('main'), phase('teardown'));
}

/** Why `threads` cannot run in this process, or undefined when they fit. */
export function threadLimitProblem(threads: number, h: FileHandles | undefined): string | undefined {
  if (!h) return undefined;
  const budget = threadBudget(h);
  if (threads <= budget) return undefined;
  return t`${threads} threads need ${threads} connections at once, but this process may have only ${h.limit} files \
open (ulimit -n) and has ${h.inUse} open already; keeping ${handleHeadroom(h.limit)} free for the rest, \
at most ${budget} thread(s) fit. Run fewer threads, or raise the open-file limit (ulimit -n) before starting \
the editor or the CLI.`;
}
