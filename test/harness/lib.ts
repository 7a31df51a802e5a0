// What every harness part shares: where the cache lives, how to run a program with an
// argument array, how to start a daemon on 127.0.0.1 and stop exactly what we started.
import { spawn, type SpawnOptions } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface PartStatus {
  name: string;
  /** installed: built or downloaded into the cache but not running; missing: not installed. */
  state: 'running' | 'stopped' | 'installed' | 'missing';
  url?: string;
  pid?: number;
  detail?: string;
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

/** Built parts are cached outside the repository, keyed by version, so warm runs skip the build. */
export function cacheDir(...sub: string[]): string {
  const root = process.env['OBSLAB_CACHE'] ?? join(homedir(), '.cache', 'obslab');
  const dir = join(root, ...sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Where daemons record their pid and address, so `down` in another process finds them. */
export function runDir(): string {
  return cacheDir('run');
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
    child.stdin.end(opts.input ?? '');
  });
}

/** Asks the kernel for a free port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `probe` resolves true, or throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, isAlive?: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (isAlive && !isAlive()) throw new Error(`${what}: the process exited before it was ready`);
    try {
      if (await probe()) return;
    } catch {
      // not yet
    }
    await sleep(200);
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms`);
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status < 500;
}

interface DaemonRecord {
  name: string;
  pid: number;
  url?: string;
  log: string;
  extra?: Record<string, string | number>;
}

/** Every daemon this Node process started, so a failing test run still ends them all. */
const started = new Map<string, number>();

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

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface DaemonOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  url?: string;
  extra?: Record<string, string | number>;
}

/**
 * Starts a long-running program in its own process group, with its output in a log file in
 * the run directory, and records its pid so `stopDaemon` (from any process) ends exactly it.
 */
export function startDaemon(name: string, cmd: string, args: readonly string[], opts: DaemonOptions = {}): { pid: number; log: string; alive: () => boolean } {
  const existing = readRecord(name);
  if (existing && isAlive(existing.pid)) throw new Error(`${name} is already running (pid ${existing.pid}); run 'npm run harness -- ${name} down' first`);
  const log = join(runDir(), `${name}.log`);
  const fd = openSync(log, 'w');
  const spawnOpts: SpawnOptions = { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', fd, fd] };
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
  started.set(name, child.pid);
  const record: DaemonRecord = { name, pid: child.pid, log, ...(opts.url ? { url: opts.url } : {}), ...(opts.extra ? { extra: opts.extra } : {}) };
  writeFileSync(recordPath(name), JSON.stringify(record, null, 2));
  return { pid: child.pid, log, alive: () => !exited && isAlive(child.pid ?? -1) };
}

/** Ends the daemon's whole process group (TERM, then KILL after a grace period) and forgets it. */
export async function stopDaemon(name: string): Promise<void> {
  const rec = readRecord(name);
  const pid = rec?.pid ?? started.get(name);
  if (pid !== undefined) {
    const kill = (sig: NodeJS.Signals): void => {
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
    kill('SIGTERM');
    const deadline = Date.now() + 5000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) kill('SIGKILL');
  }
  started.delete(name);
  rmSync(recordPath(name), { force: true });
}

/** Stops whatever this process started; the mocha root hook calls it even after failures. */
export async function stopAllStarted(): Promise<void> {
  for (const name of [...started.keys()]) await stopDaemon(name);
}

export function daemonStatus(name: string, installed: boolean): PartStatus {
  const rec = readRecord(name);
  if (rec && isAlive(rec.pid)) return { name, state: 'running', pid: rec.pid, ...(rec.url ? { url: rec.url } : {}), detail: `log: ${rec.log}` };
  return { name, state: installed ? 'installed' : 'missing' };
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
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
