// Running the helm CLI: found through the setting obslab.helmPath or PATH, started with an
// argument array (never a shell), its output streamed line by line, and stopped cleanly on
// cancellation. What the output means is decided in src/core/helm/helm.ts.
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import {
  describeHelmFailure,
  helmMissingMessage,
  parseHelmVersion,
  uninstallArgs,
  type HelmStep,
  type HelmVersion,
} from '../../core/helm/helm';

/** helm could not be found or started; the message says how to get it. */
export class HelmNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HelmNotFound';
  }
}

function executable(file: string): 'ok' | 'not-found' | 'not-executable' {
  try {
    if (!statSync(file).isFile()) return 'not-executable';
  } catch {
    return 'not-found';
  }
  if (process.platform === 'win32') return 'ok';
  try {
    accessSync(file, constants.X_OK);
    return 'ok';
  } catch {
    return 'not-executable';
  }
}

/** The helm to run: `helmPath` (the setting) when given, else the first `helm` on PATH. */
export function findHelm(opts: { helmPath?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const env = opts.env ?? process.env;
  const setting = opts.helmPath?.trim();
  if (setting) {
    const file = setting.startsWith('~/') ? join(homedir(), setting.slice(2)) : resolve(setting);
    const state = executable(file);
    if (state !== 'ok') throw new HelmNotFound(helmMissingMessage({ helmPath: file, reason: state }));
    return file;
  }
  const exts = process.platform === 'win32' ? (env['PATHEXT'] ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    for (const ext of exts) {
      const file = join(dir, `helm${ext}`);
      if (executable(file) === 'ok') return file;
    }
  }
  throw new HelmNotFound(helmMissingMessage({}));
}

export interface HelmRunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Each line of output as it comes. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Aborting sends helm SIGTERM (it cancels and marks the release failed), then SIGKILL after `killGraceMs`. */
  signal?: AbortSignal;
  killGraceMs?: number;
}

export interface HelmRunResult {
  /** null when helm was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
  cancelled: boolean;
}

/** Runs helm once; resolves when it exits, whatever its exit code. Rejects with HelmNotFound when it cannot start. */
export function runHelm(bin: string, args: readonly string[], opts: HelmRunOptions = {}): Promise<HelmRunResult> {
  return new Promise((resolvePromise, reject) => {
    if (opts.signal?.aborted) {
      resolvePromise({ code: null, signal: null, output: '', cancelled: true });
      return;
    }
    // Its own process group, so cancelling also ends what helm started (credential plugins such as `aws eks get-token`).
    const group = process.platform !== 'win32';
    const child = spawn(bin, [...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: group,
      windowsHide: true,
    });
    let output = '';
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const partial = { stdout: '', stderr: '' };
    const onData =
      (stream: 'stdout' | 'stderr') =>
      (d: Buffer): void => {
        const text = d.toString();
        output += text;
        const lines = (partial[stream] + text).split(/\r?\n/);
        partial[stream] = lines.pop() ?? '';
        for (const l of lines) opts.onLine?.(l, stream);
      };
    child.stdout.on('data', onData('stdout'));
    child.stderr.on('data', onData('stderr'));
    const send = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        if (group) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // already gone
      }
    };
    const onAbort = (): void => {
      cancelled = true;
      send('SIGTERM');
      killTimer = setTimeout(() => send('SIGKILL'), opts.killGraceMs ?? 10_000);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (): void => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish();
      if (e.code === 'ENOENT' || e.code === 'EACCES')
        reject(
          new HelmNotFound(
            helmMissingMessage({ helmPath: bin, reason: e.code === 'ENOENT' ? 'not-found' : 'not-executable' }),
          ),
        );
      else reject(e);
    });
    child.on('close', (code, signal) => {
      finish();
      for (const stream of ['stdout', 'stderr'] as const) if (partial[stream]) opts.onLine?.(partial[stream], stream);
      resolvePromise({ code, signal, output, cancelled });
    });
  });
}

/** `helm version --short`, parsed; undefined when helm answers with something unexpected. */
export async function helmVersion(bin: string, env?: NodeJS.ProcessEnv): Promise<HelmVersion | undefined> {
  const r = await runHelm(bin, ['version', '--short'], env ? { env } : {});
  return r.code === 0 ? parseHelmVersion(r.output) : undefined;
}

export type HelmStepsResult =
  | { ok: true; runs: HelmRunResult[] }
  /** `failed` is the step that failed (or was cancelled); the steps after it did not run. */
  | { ok: false; failed: HelmStep; run: HelmRunResult; runs: HelmRunResult[] };

/** Runs the steps in order and stops at the first that fails or is cancelled. */
export async function runHelmSteps(
  bin: string,
  steps: readonly HelmStep[],
  opts: HelmRunOptions & { onStep?: (step: HelmStep, index: number) => void } = {},
): Promise<HelmStepsResult> {
  const runs: HelmRunResult[] = [];
  for (const [i, step] of steps.entries()) {
    opts.onStep?.(step, i);
    const run = await runHelm(bin, step.args, opts);
    runs.push(run);
    if (run.cancelled || run.code !== 0) return { ok: false, failed: step, run, runs };
  }
  return { ok: true, runs };
}

/** `helm uninstall` as Clean Up runs it; a failure is thrown as the student-facing message. */
export async function uninstallRelease(
  bin: string,
  spec: { release: string; namespace: string; kubeconfig?: string; kubeContext?: string; server?: string },
  opts: HelmRunOptions = {},
): Promise<void> {
  const result = await runHelm(bin, uninstallArgs(spec), opts);
  if (result.code === 0) return;
  // "not found" means someone removed it meanwhile: the goal is reached.
  if (/release: not found|not found/i.test(result.output) && !/cluster unreachable/i.test(result.output)) return;
  const failure = describeHelmFailure(
    result.output,
    {
      release: spec.release,
      namespace: spec.namespace,
      chart: '',
      ...(spec.kubeContext ? { kubeContext: spec.kubeContext } : {}),
      ...(spec.server ? { server: spec.server } : {}),
    },
    { cancelled: result.cancelled },
  );
  throw new Error(failure.message);
}

/** Clean Up's uninstaller: each release removed by helm in the cluster Clean Up looked at. */
export function releaseUninstaller(
  bin: string,
  cluster: { context: string; server: string; kubeconfig?: string | undefined },
  opts: HelmRunOptions = {},
): (r: { name: string; namespace: string }) => Promise<void> {
  return (r) =>
    uninstallRelease(
      bin,
      {
        release: r.name,
        namespace: r.namespace,
        kubeContext: cluster.context,
        server: cluster.server,
        ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
      },
      opts,
    );
}
