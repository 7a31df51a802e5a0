// What every harness part shares: where the cache lives, how to run a program with an
// argument array, how to start a daemon on 127.0.0.1 and stop exactly what we started: a
// recorded pid is signalled only while its command line still carries the daemon's marker
// (src/node/process/processes.ts isOurProcess), so a pid the system gave to another program is left alone.
import { spawn, type SpawnOptions } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, runDir } from '../../src/node/files/cache';
import {
  freePort,
  httpAnswers,
  isAlive,
  isOurProcess,
  stopGroup,
  tail,
  waitFor,
} from '../../src/node/process/processes';
import { sleep } from '../../src/node/process/sleep';

// The extension's own process helpers (src/node) serve the harness too.
export { cacheDir, freePort, isAlive, runDir, sleep, tail, waitFor };
export const httpOk = httpAnswers;

export interface PartStatus {
  name: string;
  /** installed: built or downloaded into the cache but not running; missing: not installed. */
  state: 'running' | 'stopped' | 'installed' | 'missing';
  url?: string;
  pid?: number;
  detail?: string;
  /** Variables a shell or a test sets to use the part (KUBECONFIG=...), printed one per line for `eval`. */
  env?: Record<string, string>;
}

export interface Part {
  name: string;
  description: string;
  /** Installs or builds into the cache; does nothing when the cached copy is already there. */
  install(): Promise<void>;
  /** Starts on 127.0.0.1 (installing first if needed) and says how to reach it. Parts that are tools, not servers, return their path. */
  up(): Promise<PartStatus>;
  down(): Promise<void>;
  status(): Promise<PartStatus>;
}

export const repoRoot = join(__dirname, '..', '..');

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly code: number | null,
    readonly output: string,
  ) {
    super(`${command} exited with ${code ?? 'a signal'}:\n${output.slice(-4000)}`);
  }
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Stream output to our stderr as it comes (long installs), besides collecting it. */
  echo?: boolean;
  timeoutMs?: number;
  input?: string;
}

/** Runs a program with an argument array (never a shell string) and resolves with its output. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (opts.echo) process.stderr.write(d);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new CommandError(`${cmd} ${args.join(' ')}`, null, e.message));
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new CommandError(`${cmd} ${args.join(' ')}`, code, out));
    });
    // A child that exits before reading its input must not crash the test run (EPIPE).
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export interface DaemonRecord {
  name: string;
  pid: number;
  /** A word of the daemon's command line only it has (a path in the cache): checked before any signal. */
  marker?: string;
  url?: string;
  log: string;
  extra?: Record<string, string | number>;
}

/** Every daemon this Node process started, so a failing test run still ends them all. */
const started = new Map<string, { pid: number; alive: () => boolean }>();

function recordPath(name: string): string {
  return join(runDir(), `${name}.json`);
}

export function readRecord(name: string): DaemonRecord | undefined {
  const p = recordPath(name);
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as DaemonRecord;
  } catch {
    return undefined;
  }
}

export interface DaemonOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  url?: string;
  extra?: Record<string, string | number>;
  /** What identifies the daemon's command line; by default its longest word holding a path. */
  marker?: string;
}

/** The word of a command line most likely to be the daemon's alone: a config or entry path. */
export function defaultMarker(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].filter((a) => a.includes('/')).sort((a, b) => b.length - a.length)[0] ?? cmd;
}

/** True while the recorded process is still the daemon that was started (not a reused pid). */
export function recordIsRunning(rec: DaemonRecord): boolean {
  // A record written before markers existed cannot be told apart from a reused pid.
  return rec.marker !== undefined && isOurProcess(rec.pid, rec.marker);
}

/**
 * Starts a long-running program in its own process group, with its output in a log file in
 * the run directory, and records its pid so `stopDaemon` (from any process) ends exactly it.
 */
export function startDaemon(
  name: string,
  cmd: string,
  args: readonly string[],
  opts: DaemonOptions = {},
): { pid: number; log: string; alive: () => boolean } {
  const existing = readRecord(name);
  if (existing && recordIsRunning(existing))
    throw new Error(`${name} is already running (pid ${existing.pid}); run 'npm run harness -- ${name} down' first`);
  const log = join(runDir(), `${name}.log`);
  const fd = openSync(log, 'w');
  const spawnOpts: SpawnOptions = {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', fd, fd],
  };
  const child = spawn(cmd, args, spawnOpts);
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${cmd}`);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  child.on('error', () => {
    exited = true;
  });
  child.unref();
  const alive = (): boolean => !exited && isAlive(child.pid ?? -1);
  started.set(name, { pid: child.pid, alive });
  const record: DaemonRecord = {
    name,
    pid: child.pid,
    marker: opts.marker ?? defaultMarker(cmd, args),
    log,
    ...(opts.url ? { url: opts.url } : {}),
    ...(opts.extra ? { extra: opts.extra } : {}),
  };
  writeFileSync(recordPath(name), JSON.stringify(record, null, 2));
  return { pid: child.pid, log, alive };
}

/**
 * Ends the daemon's whole process group (TERM, then KILL after a grace period) and forgets it.
 * Signals only a process this Node process started and saw still running, or one whose command
 * line still has the record's marker: `npm run stop` never signals a pid reused by another program.
 */
export async function stopDaemon(name: string): Promise<void> {
  const here = started.get(name);
  const rec = readRecord(name);
  if (here?.alive()) await stopGroup(here.pid);
  else if (rec && recordIsRunning(rec)) await stopGroup(rec.pid);
  else if (rec && isAlive(rec.pid))
    console.error(
      `${name}: pid ${rec.pid} is not the program that was started (its command line lacks ${rec.marker ?? 'a marker: the record predates them'}); not signalling it`,
    );
  started.delete(name);
  rmSync(recordPath(name), { force: true });
}

/** Stops whatever this process started; the mocha root hook calls it even after failures. */
export async function stopAllStarted(): Promise<void> {
  for (const name of [...started.keys()]) await stopDaemon(name);
}

export function daemonStatus(name: string, installed: boolean): PartStatus {
  const rec = readRecord(name);
  if (rec && recordIsRunning(rec))
    return { name, state: 'running', pid: rec.pid, ...(rec.url ? { url: rec.url } : {}), detail: `log: ${rec.log}` };
  return { name, state: installed ? 'installed' : 'missing' };
}

/** A marker file written after a successful install, so an interrupted install is redone. */
export function installed(dir: string): boolean {
  return existsSync(join(dir, '.obslab-installed'));
}

export function markInstalled(dir: string): void {
  writeFileSync(join(dir, '.obslab-installed'), new Date().toISOString());
}

export function appendLog(file: string): NodeJS.WritableStream {
  return createWriteStream(file, { flags: 'a' });
}
