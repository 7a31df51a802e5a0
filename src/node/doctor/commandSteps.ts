// Running a doctor fix's command: each step a program with its arguments, spawned directly (no
// shell ever sees the words, so a value holding `;`, `$(...)` or a quote is just a value), one
// after another while each succeeds; a program that runs alongside them (a port-forward) is
// started first and stopped after them.
import { spawn, type ChildProcess } from 'node:child_process';
import type { CommandFix } from '../../core/doctor/report';
import { t } from '../../core/text/l10n';

/** Where a program word is run from: the editor maps `npx obslab` to its own bundled CLI. */
export type ProgramResolver = (argv: readonly string[]) => { file: string; args: string[]; env?: NodeJS.ProcessEnv };

export interface StepsOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Output of every program, as it comes. */
  output(text: string): void;
  signal?: AbortSignal;
  resolve?: ProgramResolver;
  /** How long the alongside program gets to start before the steps (default 2 s). */
  alongsideStartMs?: number;
}

export interface StepsResult {
  ok: boolean;
  /** The exit code of the last step run (null when it was stopped by a signal or did not start). */
  code: number | null;
  /** The step that failed, when one did. */
  failed?: string[];
  message: string;
}

const direct: ProgramResolver = (argv) => ({ file: argv[0] ?? '', args: argv.slice(1) });

/**
 * `npx obslab …` as the bundled CLI `cli` run by this Node (the editor's, which needs
 * ELECTRON_RUN_AS_NODE to act as Node): npx in a folder without obslab installed would fetch a
 * package of that name from the registry. Every other program runs as named.
 */
export function bundledCliResolver(cli: string, node = process.execPath): ProgramResolver {
  return (argv) => {
    if (argv[0] === 'npx' && argv[1] === 'obslab')
      return { file: node, args: [cli, ...argv.slice(2)], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } };
    return direct(argv);
  };
}

interface Running {
  child: ChildProcess;
  /** Settles once, when the program has closed or could not start. */
  done: Promise<{ code: number | null; error?: Error }>;
  over: boolean;
}

function start(argv: readonly string[], opts: StepsOptions): Running {
  const { file, args, env } = (opts.resolve ?? direct)(argv);
  const child = spawn(file, args, {
    cwd: opts.cwd,
    env: env ?? opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: false,
    windowsHide: true,
  });
  child.stdout?.on('data', (d: Buffer) => opts.output(d.toString()));
  child.stderr?.on('data', (d: Buffer) => opts.output(d.toString()));
  const running: Running = { child, over: false, done: Promise.resolve({ code: null }) };
  running.done = new Promise((resolve) => {
    const settle = (r: { code: number | null; error?: Error }): void => {
      running.over = true;
      resolve(r);
    };
    child.once('error', (error) => settle({ code: null, error }));
    child.once('close', (code) => settle({ code }));
  });
  return running;
}

/** Waits for the program, stopping it when `signal` aborts. */
async function finished(r: Running, signal: AbortSignal | undefined): Promise<{ code: number | null; error?: Error }> {
  const onAbort = (): void => void r.child.kill('SIGTERM');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await r.done;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Runs the fix's steps; never throws: the result says what happened. */
export async function runCommandSteps(
  fix: Pick<CommandFix, 'steps' | 'alongside'>,
  opts: StepsOptions,
): Promise<StepsResult> {
  let alongside: Running | undefined;
  try {
    if (fix.alongside) {
      alongside = start(fix.alongside, opts);
      const ended = await Promise.race([
        alongside.done,
        new Promise<undefined>((r) => setTimeout(r, opts.alongsideStartMs ?? 2000)),
      ]);
      if (ended) {
        const program = fix.alongside.join(' ');
        return {
          ok: false,
          code: ended.code,
          failed: fix.alongside,
          message: ended.error
            ? t`${program} could not start (${ended.error.message})`
            : ended.code !== null
              ? t`${program} ended at once (exit ${ended.code})`
              : t`${program} ended at once (exit by a signal)`,
        };
      }
    }
    let code: number | null = 0;
    for (const step of fix.steps) {
      if (opts.signal?.aborted) return { ok: false, code: null, failed: step, message: t`Stopped.` };
      const r = await finished(start(step, opts), opts.signal);
      code = r.code;
      if (r.error)
        return {
          ok: false,
          code: null,
          failed: step,
          message:
            (r.error as NodeJS.ErrnoException).code === 'ENOENT'
              ? t`${step[0] ?? ''} could not start (not found on PATH)`
              : t`${step[0] ?? ''} could not start (${r.error.message})`,
        };
      if (opts.signal?.aborted) return { ok: false, code, failed: step, message: t`Stopped.` };
      if (code !== 0)
        return {
          ok: false,
          code,
          failed: step,
          message:
            code !== null
              ? t`${step.slice(0, 3).join(' ')} failed (exit ${code})`
              : t`${step.slice(0, 3).join(' ')} failed (exit by a signal)`,
        };
    }
    return { ok: true, code, message: t`Done.` };
  } finally {
    if (alongside && !alongside.over) {
      alongside.child.kill('SIGTERM');
      await alongside.done;
    }
  }
}
