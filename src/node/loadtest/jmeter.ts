// Runs real JMeter in non-GUI mode for `obslab loadtest --engine jmeter`: the launcher from
// OBSLAB_JMETER or `jmeter` on PATH, started with an argument array (never a shell string), in a
// process group of its own: Apache's bin/jmeter starts java without exec, so Stop signals the
// whole group (the script and its JVM), TERM first and KILL after a grace period.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, unlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Progress } from '../../core/loadtest/stats';
import { t } from '../../core/text/l10n';
import { followJtl, type JtlFollower } from './jtlTail';

/** The editor's launcher: the obslab.jmeterPath setting when it names a file that is there (undefined when it does not), else `jmeter` on PATH. */
export function configuredJmeter(setting: string | undefined, path = process.env['PATH'] ?? ''): string | undefined {
  const configured = setting?.trim();
  if (configured) return existsSync(configured) ? configured : undefined;
  return findJmeter({ PATH: path });
}

/** The JMeter launcher to use, or undefined when there is none. */
export function findJmeter(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env['OBSLAB_JMETER'];
  if (configured) return configured;
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'jmeter');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** JMeter's arguments: -n -t plan -l jtl -j log -Jk=v ... */
export function jmeterArgs(plan: string, jtl: string, log: string, props: Record<string, string>): string[] {
  return ['-n', '-t', plan, '-l', jtl, '-j', log, ...Object.entries(props).map(([k, v]) => `-J${k}=${v}`)];
}

export interface JmeterRun {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface JmeterRunOptions {
  cwd?: string;
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  jtl?: string;
  onProgress?: (p: Progress) => void;
  /** After SIGTERM, how long JMeter may take to write its last samples and exit before SIGKILL (default 5 s). */
  killGraceMs?: number;
  /** JMeter's environment (default this process's): JMETER_HEAP, JAVA_HOME… */
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts JMeter and resolves when it exits (the launcher and the JVM, whose output pipes close
 * last), handing each output line to `onLine`. An existing .jtl is removed first: JMeter appends
 * to it, and then writes no header. `signal` stops JMeter: SIGTERM to its process group (the
 * JVM's shutdown hook still closes the .jtl), SIGKILL to the group after `killGraceMs`. With
 * `onProgress` (and `jtl`), the .jtl is read as it grows and progress reported every second, the
 * last once JMeter has exited.
 */
export function runJmeter(launcher: string, args: string[], opts: JmeterRunOptions = {}): Promise<JmeterRun> {
  if (opts.jtl && existsSync(opts.jtl)) unlinkSync(opts.jtl);
  return new Promise((resolve, reject) => {
    // Its own process group (not on Windows, which has none): a signal to -pid reaches the JVM too.
    const group = process.platform !== 'win32';
    const child = spawn(launcher, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: group,
      windowsHide: true,
    });
    let closed = false;
    let killTimer: NodeJS.Timeout | undefined;
    let follower: JtlFollower | undefined =
      opts.jtl && opts.onProgress
        ? followJtl(opts.jtl, { startMs: Date.now(), onProgress: opts.onProgress })
        : undefined;
    const unfollow = (): void => {
      follower?.stop();
      follower = undefined;
    };
    let rest = '';
    const onData = (d: Buffer): void => {
      const text = rest + d.toString();
      const lines = text.split(/\r?\n/);
      rest = lines.pop() ?? '';
      for (const l of lines) opts.onLine?.(l);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    // The group outlives the launcher when the JVM is still running: signal it until the pipes close.
    const send = (sig: NodeJS.Signals): void => {
      if (closed || child.pid === undefined) return;
      try {
        if (group) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // every process of the group has exited
      }
    };
    const stop = (): void => {
      send('SIGTERM');
      killTimer = setTimeout(() => send('SIGKILL'), opts.killGraceMs ?? 5000);
    };
    if (opts.signal?.aborted) stop();
    else opts.signal?.addEventListener('abort', stop, { once: true });
    const done = (): void => {
      closed = true;
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', stop);
      unfollow();
    };
    child.on('error', (e) => {
      done();
      reject(new Error(t`could not start JMeter (${launcher}): ${e.message}`));
    });
    child.on('close', (code, signal) => {
      if (rest) opts.onLine?.(rest);
      done();
      // The launcher exited and its pipes closed; a JVM that closed its own pipes early is still ended.
      if (opts.signal?.aborted && group && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // nothing left in the group: the usual case
        }
      }
      resolve({ code, signal });
    });
  });
}
