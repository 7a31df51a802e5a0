// The built-in engine off the caller's thread: Run Load Test and `obslab loadtest` start it in a
// worker_threads Worker (dist/loadgenWorker.js), which opens the sockets and writes the .jtl
// while this side only gets a progress message a second and the result. However the engine
// behaves (a loop that never yields, memory that grows), Stop ends it: it is asked to stop, and
// terminated when it has not within `stopTimeoutMs`; its heap is capped, so it cannot take the
// editor with it. Threads are capped first by the process's file-handle limit. The worker's script
// is the bundle beside this one unless the caller hands another (code run from source hands its own).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { connectionCapProblem, type OpenModel } from '../../core/loadtest/arrivals';
import type { LoadPlan } from '../../core/loadtest/plan';
import type { StopReason } from '../../core/loadtest/runner';
import type { Progress } from '../../core/loadtest/stats';
import { concurrentThreads, threadLimitProblem, type FileHandles } from '../../core/loadtest/threadBudget';
import { isRecord } from '../../core/isRecord';
import { t } from '../../core/text/l10n';
import { fileHandles } from './fileHandles';
import type { BuiltinRunResult } from './loadgen';

/** The worker thread's script and the Node options it starts with. */
export interface LoadgenWorkerScript {
  file: string;
  execArgv: string[];
}

/** What the editor and the CLI run: dist/loadgenWorker.js, beside the bundle this module is in. */
export function bundledWorkerScript(): LoadgenWorkerScript {
  return { file: join(__dirname, 'loadgenWorker.js'), execArgv: [] };
}

/** What the worker is started with (workerData). */
export interface LoadgenWorkerInput {
  plan: LoadPlan;
  jtl?: string;
  progressIntervalMs?: number;
  graceMs?: number;
  open?: OpenModel;
}

/** What the worker posts: progress a second, then one of done or failed. */
export type LoadgenWorkerMessage =
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; result: BuiltinRunResult }
  | { type: 'failed'; message: string };

/** What this side posts: stop (keep the results so far). */
export interface LoadgenStopMessage {
  type: 'stop';
}

/** The plan needs more threads than the process's file handles allow; nothing was started. */
export class ThreadLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ThreadLimitError';
  }
}

export interface WorkerRunOptions {
  jtl?: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  progressIntervalMs?: number;
  graceMs?: number;
  /** How long a stopped engine may take to finish on its own before it is terminated (default 750 ms; 0: terminated at once). */
  stopTimeoutMs?: number;
  /** The file-handle reading the thread cap uses; false skips the cap (tests that exhaust handles on purpose). */
  fileHandles?: FileHandles | false;
  /** The worker's heap limit in MB (default 512). */
  maxHeapMb?: number;
  /** The worker's script (default: bundledWorkerScript()). */
  worker?: LoadgenWorkerScript;
  /** The open model: the main groups' samplers at an arrival rate (the cap is checked against the file handles). */
  open?: OpenModel;
}

export interface WorkerRunResult extends BuiltinRunResult {
  /** The engine did not stop within stopTimeoutMs and was terminated: the figures are its last progress report's, and the .jtl ends at its last flush. */
  terminated: boolean;
}

/** The engine's thread could not start: its script is not where it should be. */
export class WorkerScriptMissingError extends Error {
  constructor(readonly file: string) {
    super(
      t`the load engine cannot start: its worker script ${file} is missing, so this installation of \
Observability Lab is incomplete. Reinstall the extension (or the obslab package), or run JMeter instead.`,
    );
    this.name = 'WorkerScriptMissingError';
  }
}

/** The cap on threads by file handles: a ThreadLimitError when the plan needs more. */
export function checkThreadLimit(
  plan: LoadPlan,
  handles: FileHandles | undefined = fileHandles(),
  open?: OpenModel,
): void {
  const problem = open
    ? (connectionCapProblem(open.maxConnections, handles) ??
      threadLimitProblem(
        concurrentThreads({ ...plan, threadGroups: plan.threadGroups.filter((g) => g.kind !== 'main') }),
        handles,
      ))
    : threadLimitProblem(concurrentThreads(plan), handles);
  if (problem) throw new ThreadLimitError(problem);
}

function fromProgress(p: Progress | undefined, durationMs: number): WorkerRunResult {
  const o = p?.overall;
  return {
    samples: o?.samples ?? 0,
    errors: o?.errors ?? 0,
    interrupted: 0,
    stoppedBy: 'cancelled' satisfies StopReason,
    durationMs,
    latencyMs: { min: 0, mean: 0, p50: o?.p50 ?? 0, p95: o?.p95 ?? 0, p99: o?.p99 ?? 0, max: 0 },
    firstError: undefined,
    failuresByCode: {},
    progress: p ?? {
      elapsedSec: durationMs / 1000,
      activeThreads: 0,
      rps: 0,
      errorRate: 0,
      window: { p50: 0, p95: 0, p99: 0, seconds: 0, samples: 0 },
      overall: { p50: 0, p95: 0, p99: 0, samples: 0, errors: 0, rps: 0 },
    },
    leftOpen: 0,
    terminated: true,
  };
}

/** Runs the plan with the built-in engine in a worker thread; resolves with the result once it has ended. */
export function runBuiltinInWorker(plan: LoadPlan, opts: WorkerRunOptions = {}): Promise<WorkerRunResult> {
  if (opts.fileHandles !== false) checkThreadLimit(plan, opts.fileHandles ?? fileHandles(), opts.open);
  const entry = opts.worker ?? bundledWorkerScript();
  if (!existsSync(entry.file)) return Promise.reject(new WorkerScriptMissingError(entry.file));
  const input: LoadgenWorkerInput = {
    plan,
    ...(opts.jtl ? { jtl: opts.jtl } : {}),
    ...(opts.progressIntervalMs === undefined ? {} : { progressIntervalMs: opts.progressIntervalMs }),
    ...(opts.graceMs === undefined ? {} : { graceMs: opts.graceMs }),
    ...(opts.open ? { open: opts.open } : {}),
  };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry.file, {
      workerData: input,
      execArgv: entry.execArgv,
      resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 512 },
    });
    let last: Progress | undefined;
    let settled = false;
    let terminating = false;
    let killTimer: NodeJS.Timeout | undefined;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', stop);
      if (killTimer) clearTimeout(killTimer);
      f();
      void worker.terminate();
    };
    function stop(): void {
      if (settled || killTimer) return;
      const grace = opts.stopTimeoutMs ?? 750;
      const terminate = (): void => {
        terminating = true;
        void worker.terminate();
      };
      if (grace <= 0) return terminate();
      worker.postMessage({ type: 'stop' } satisfies LoadgenStopMessage);
      killTimer = setTimeout(terminate, grace);
    }
    worker.on('message', (m: unknown) => {
      if (!isRecord(m)) return;
      const msg = m as LoadgenWorkerMessage;
      if (msg.type === 'progress') {
        last = msg.progress;
        if (!settled) opts.onProgress?.(msg.progress);
      } else if (msg.type === 'done') settle(() => resolve({ ...msg.result, terminated: false }));
      else if (msg.type === 'failed') settle(() => reject(new Error(t`the load engine failed: ${msg.message}`)));
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const why =
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? t`it ran out of memory (its limit is ${opts.maxHeapMb ?? 512} MB) and was ended`
          : e.message;
      settle(() => reject(new Error(t`the load engine failed: ${why}`)));
    });
    worker.on('exit', (code) => {
      if (terminating) settle(() => resolve(fromProgress(last, Date.now() - started)));
      else settle(() => reject(new Error(t`the load engine's thread ended without a result (exit code ${code})`)));
    });
    if (opts.signal?.aborted) stop();
    else opts.signal?.addEventListener('abort', stop, { once: true });
  });
}
