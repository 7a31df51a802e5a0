// The editor's side of the lint server (dist/lintServer.js, its own process): sends what to lint,
// gets Findings per file back. Plain Node, no vscode, so tests and benchmarks drive it as the editor
// does. A newer request for the same scope supersedes an older one (its answer resolves undefined
// and is never shown); a crash rejects what was in flight, is reported once, and the server starts
// again with the next request, at most a few times a minute, never in a loop.
import { fork, type ChildProcess } from 'node:child_process';
import { t } from '../../core/text/l10n';
import {
  l10nBundleEnv,
  type FileFindings,
  type LintParams,
  type LintRequest,
  type ServerMessage,
  type ServerStats,
} from './protocol';

export interface LintProcessOptions {
  /** dist/lintServer.js. */
  serverModule: string;
  /** The translation bundle (l10n/bundle.l10n.<locale>.json) the server's findings are written from; English without. */
  l10nBundle?: string;
  /** The server's Node options; by default a 1 GB heap cap, so a runaway lint ends the server, not the editor. */
  execArgv?: string[];
  /** A sentence for the user, once per crash and once more when restarting stops. */
  onCrash?: (message: string) => void;
  /** Restarts allowed within restartWindowMs before the process is left stopped (3 a minute by default). */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** A request unanswered this long ends the server, reported like a crash (60 s by default). */
  requestTimeoutMs?: number;
  now?: () => number;
}

export interface LintAnswer {
  files: FileFindings[];
  note?: string;
  /** The server's time for this request, ms. */
  ms: number;
  stats: ServerStats;
}

/** The server ended (crash, out of memory, killed) while this request was in flight. */
export class LintProcessCrashed extends Error {}
/** The server is not running and will not be started again (disposed, or crashing too often). */
export class LintProcessStopped extends Error {}

interface Pending {
  key: string;
  resolve(answer: LintAnswer | undefined): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout | undefined;
}

const defaultHeapMb = 1024;

export class LintProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The newest request id per key: any older one is stale. */
  private readonly latest = new Map<string, number>();
  private readonly restartTimes: number[] = [];
  private crashes = 0;
  private stopped = false;
  private disposed = false;
  private stderrTail = '';
  private killedBecause: string | undefined;
  /** The server's figures from its last answer. */
  lastStats: ServerStats | undefined;

  constructor(private readonly o: LintProcessOptions) {}

  /** The server's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Findings per file for a scope; undefined when a newer request for the same key superseded this one. */
  lint(params: LintParams): Promise<LintAnswer | undefined> {
    if (this.disposed) return Promise.reject(new LintProcessStopped(t`The lint process has been shut down.`));
    let child: ChildProcess;
    try {
      child = this.ensureStarted();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    const id = this.nextId++;
    const key = params.key ?? params.scope?.dir ?? params.documents[0]?.file ?? '';
    const previous = this.latest.get(key);
    if (previous !== undefined) this.settle(previous)?.resolve(undefined);
    this.latest.set(key, id);
    const request: LintRequest = { ...params, type: 'lint', id, key };
    return new Promise<LintAnswer | undefined>((resolve, reject) => {
      const timeoutMs = this.o.requestTimeoutMs ?? 60_000;
      const timer =
        timeoutMs > 0
          ? setTimeout(() => this.kill(t`did not answer within ${Math.round(timeoutMs / 1000)} s`), timeoutMs)
          : undefined;
      this.pending.set(id, { key, resolve, reject, timer });
      child.send(request, (err) => {
        // A closed channel: the exit handler reports it; anything else fails this request alone.
        if (err && child.connected) this.settle(id)?.reject(err);
      });
    });
  }

  /** Ends the server; in-flight requests reject with LintProcessStopped. Resolves once it has exited. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const id of [...this.pending.keys()])
      this.settle(id)?.reject(new LintProcessStopped(t`The lint process has been shut down.`));
    const child = this.child;
    if (!child) return;
    child.kill();
    const hard = setTimeout(() => child.kill('SIGKILL'), 2_000);
    await this.exited;
    clearTimeout(hard);
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (this.latest.get(p.key) === id) this.latest.delete(p.key);
    return p;
  }

  private kill(reason: string): void {
    this.killedBecause ??= reason;
    this.child?.kill('SIGKILL');
  }

  private ensureStarted(): ChildProcess {
    if (this.child) return this.child;
    if (this.stopped)
      throw new LintProcessStopped(
        t`Linting is stopped after repeated crashes of the lint process; reload the window to try again.`,
      );
    if (this.crashes > 0) {
      const now = (this.o.now ?? Date.now)();
      const window = this.o.restartWindowMs ?? 60_000;
      const max = this.o.maxRestarts ?? 3;
      const recent = this.restartTimes.filter((at) => now - at < window);
      if (recent.length >= max) {
        this.stopped = true;
        const message = t`The lint process crashed ${recent.length + 1} times within ${Math.round(window / 1000)} s, \
so linting is stopped; reload the window to try again.`;
        this.o.onCrash?.(message);
        throw new LintProcessStopped(message);
      }
      this.restartTimes.push(now);
    }
    this.stderrTail = '';
    this.killedBecause = undefined;
    const child = fork(this.o.serverModule, [], {
      execArgv: this.o.execArgv ?? [`--max-old-space-size=${defaultHeapMb}`],
      // Inside the editor process.execPath is Electron: run it as Node, as vscode-languageclient does.
      env: {
        ...process.env,
        ELECTRON_RUN_AS_NODE: '1',
        ...(this.o.l10nBundle ? { [l10nBundleEnv]: this.o.l10nBundle } : {}),
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-4_000);
    });
    child.on('message', (m) => this.onMessage(m as ServerMessage));
    let ended = false;
    this.exited = new Promise<void>((resolve) => {
      const end = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (ended) return;
        ended = true;
        this.onExit(child, code, signal);
        resolve();
      };
      child.once('exit', end);
      // A process that could not start at all emits only 'error'.
      child.once('error', (e) => {
        this.stderrTail += e.message;
        if (child.pid === undefined) end(null, null);
      });
    });
    this.child = child;
    return child;
  }

  private onMessage(m: ServerMessage): void {
    if (m.type === 'lint') this.lastStats = m.stats;
    const p = this.settle(m.id);
    if (!p) return; // superseded, timed out or disposed: the answer is stale
    if (m.type === 'failed') p.reject(new Error(m.message));
    else if (!m.files) p.resolve(undefined);
    else p.resolve({ files: m.files, ...(m.note ? { note: m.note } : {}), ms: m.ms, stats: m.stats });
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = undefined;
    if (this.disposed) return;
    const message = this.describeExit(code, signal);
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(new LintProcessCrashed(message));
    this.crashes++;
    this.o.onCrash?.(message);
  }

  private describeExit(code: number | null, signal: NodeJS.Signals | null): string {
    if (this.killedBecause)
      return t`The lint process ${this.killedBecause} and was stopped; it starts again with the next edit.`;
    if (/heap out of memory|Reached heap limit|Allocation failed/i.test(this.stderrTail)) {
      const cap = /--max-old-space-size=(\d+)/.exec(
        (this.o.execArgv ?? [`--max-old-space-size=${defaultHeapMb}`]).join(' '),
      )?.[1];
      return cap
        ? t`The lint process ran out of memory (its cap is ${cap} MB); it starts again with the next edit.`
        : t`The lint process ran out of memory; it starts again with the next edit.`;
    }
    if (signal) return t`The lint process was ended by ${signal}; it starts again with the next edit.`;
    const last = this.stderrTail.trim().split('\n').filter(Boolean).pop();
    const exitCode = code ?? t`unknown`;
    return last
      ? t`The lint process exited with code ${exitCode} (${last.trim()}); it starts again with the next edit.`
      : t`The lint process exited with code ${exitCode}; it starts again with the next edit.`;
  }
}
