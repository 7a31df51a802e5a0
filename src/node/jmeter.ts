// Runs real JMeter in non-GUI mode for `obslab loadtest --engine jmeter`: the launcher from
// OBSLAB_JMETER or `jmeter` on PATH, started with an argument array (never a shell string).
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, unlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Progress } from '../core/loadtest/stats';
import { followJtl, type JtlFollower } from './jtlTail';

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

/**
 * Starts JMeter and resolves when it exits, handing each output line to `onLine`. An existing
 * .jtl is removed first: JMeter appends to it, and then writes no header. `signal` stops JMeter
 * (SIGTERM; JMeter's shutdown hook still closes the .jtl). With `onProgress` (and `jtl`), the .jtl
 * is read as it grows and progress reported every second, the last once JMeter has exited.
 */
export function runJmeter(launcher: string, args: string[], opts: { cwd?: string; onLine?: (line: string) => void; signal?: AbortSignal; jtl?: string; onProgress?: (p: Progress) => void } = {}): Promise<JmeterRun> {
  if (opts.jtl && existsSync(opts.jtl)) unlinkSync(opts.jtl);
  return new Promise((resolve, reject) => {
    const child = spawn(launcher, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let follower: JtlFollower | undefined = opts.jtl && opts.onProgress ? followJtl(opts.jtl, { startMs: Date.now(), onProgress: opts.onProgress }) : undefined;
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
    const stop = (): void => {
      child.kill('SIGTERM');
    };
    opts.signal?.addEventListener('abort', stop, { once: true });
    child.on('error', (e) => {
      opts.signal?.removeEventListener('abort', stop);
      unfollow();
      reject(new Error(`could not start JMeter (${launcher}): ${e.message}`));
    });
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', stop);
      if (rest) opts.onLine?.(rest);
      unfollow();
      resolve({ code, signal });
    });
  });
}
