// Starting long-running programs and stopping exactly them: each in its own process group with
// its output in a log file, run from an argument array (never a shell string), on 127.0.0.1.
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { sleep } from './sleep';
import { t } from '../../core/text/l10n';

/** Asks the kernel for a free port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error(t`the kernel gave no port`)),
      );
    });
  });
}

/** True when nothing listens on 127.0.0.1:port (we could bind it ourselves): the sandbox's fixed ports, port-forward's next free port. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, but someone else's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is still the program we started, not a later one that reused the number:
 * its command line must contain `marker` (a path only our process has). Where /proc does not
 * exist, being alive is all we can check.
 */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  const file = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(file, 'utf8')
      .split('\0')
      .some((arg) => arg.includes(marker));
  } catch {
    return false;
  }
}

export interface Detached {
  pid: number;
  /** False once the process has exited (known from the exit event in this Node process). */
  alive(): boolean;
}

export interface DetachedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr go here (truncated first). */
  log: string;
}

/** Starts `cmd args` in its own process group, so it outlives us and `stopGroup` ends it and its children. */
export function startDetached(cmd: string, args: readonly string[], opts: DetachedOptions): Detached {
  const fd = openSync(opts.log, 'w');
  let exited = false;
  try {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.on('exit', () => {
      exited = true;
    });
    child.on('error', () => {
      exited = true;
    });
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(t`could not start ${cmd}`);
    return { pid, alive: () => !exited && isAlive(pid) };
  } finally {
    closeSync(fd);
  }
}

/** Ends the process group led by `pid`: TERM, then KILL after `graceMs`. Resolves once it is gone. */
export async function stopGroup(pid: number, graceMs = 5000): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) {
    signal('SIGKILL');
    const killDeadline = Date.now() + 2000;
    while (isAlive(pid) && Date.now() < killDeadline) await sleep(50);
  }
}

/** Polls `probe` every 100 ms until it is true; throws after `timeoutMs`, or as soon as `alive()` says the process died. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  alive?: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (alive && !alive()) throw new ExitedEarly(what);
    try {
      if (await probe()) return;
    } catch {
      // not answering yet
    }
    if (Date.now() >= deadline) throw new Error(t`${what}: not ready after ${Math.round(timeoutMs / 1000)} s`);
    await sleep(100);
  }
}

export class ExitedEarly extends Error {
  constructor(readonly what: string) {
    super(t`${what}: the process exited before it was ready`);
  }
}

/** True when GET url answers at all with a status below 500 (within 2 s). */
export async function httpAnswers(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  // Only the status matters: the body is not read (whatever answers there, however much).
  await res.body?.cancel();
  return res.status < 500;
}

/** The last `lines` lines of a log file ('' when there is none). */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export class ProgramFailed extends Error {
  constructor(
    readonly command: string,
    readonly output: string,
    /** "was not found", "failed (...)", "was stopped after N ms" */
    readonly reason: string,
  ) {
    super(`${command} ${reason}:\n${output.slice(-4000)}`);
  }
}

/** Runs a program to completion with an argument array; resolves with stdout+stderr, rejects with ProgramFailed. */
export function runProgram(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        timeout: opts.timeoutMs ?? 0,
        maxBuffer: 64 * 1024 * 1024,
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (!error) return resolve(output);
        const code = (error as NodeJS.ErrnoException).code;
        const reason =
          code === 'ENOENT'
            ? t`was not found`
            : error.killed
              ? t`was stopped after ${opts.timeoutMs ?? 0} ms`
              : t`failed (${error.message.split('\n')[0] ?? ''})`;
        reject(new ProgramFailed(`${cmd} ${args.join(' ')}`, output, reason));
      },
    );
  });
}
