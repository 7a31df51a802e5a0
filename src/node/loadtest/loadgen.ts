// The built-in engine's sockets: each JMeter thread is one raw TCP (or TLS) connection carrying
// one request at a time, reused while keep-alive allows, with TCP_NODELAY and each request
// written in one piece. Raw sockets rather than http.Agent: no per-request objects or header
// parsing beyond what a sample needs, which keeps the generator close to autocannon's rate.
import { createWriteStream, type WriteStream } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';
import { ResponseParser, type PreparedRequest } from '../../core/loadtest/http';
import { formatJtlRow, jtlHeader, type JtlSample } from '../../core/loadtest/jtl';
import type { LoadPlan } from '../../core/loadtest/plan';
import { sleep } from '../process/sleep';
import {
  runPlan,
  type Channel,
  type Clock,
  type Exchange,
  type RunOptions,
  type RunResult,
  type Transport,
} from '../../core/loadtest/runner';

interface Pending {
  request: PreparedRequest;
  keepBody: boolean;
  signal: AbortSignal;
  t0: number;
  startEpochMs: number;
  connectMs: number;
  latencyMs: number;
  received: boolean;
  reused: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve: (e: Exchange) => void;
}

const errorCode = (e: unknown): string =>
  e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' ? e.code : 'Error';
const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

class SocketChannel implements Channel {
  private socket: Socket | undefined;
  private target: { protocol: string; host: string; port: number } = { protocol: '', host: '', port: 0 };
  private reusable = false;
  private pending: Pending | undefined;
  /** One parser per connection, reset for each response. */
  private readonly parser = new ResponseParser(true, false);
  /** One listener per channel and signal, not one per request. */
  private signal: AbortSignal | undefined;
  /** A constant request's bytes and the Buffer written for them, reused (socket.write would wrap the bytes anew each time). */
  private lastBytes: Uint8Array | undefined;
  private lastBuffer: Buffer = Buffer.alloc(0);
  private readonly onAbort = (): void => {
    this.drop();
    this.finish({ interrupted: true });
  };

  constructor(
    private readonly open: Set<Socket>,
    /**
     * What plain TCP reads into, one for every channel of a transport: Node calls `onread` as soon
     * as it has read, and the parser copies what it keeps (a Uint8Array, whose slice() copies; a
     * Buffer's would not), so no read outlives the next. 64 KB per connection would cost the open
     * model's pool, grown in a hurry, more than its requests do.
     */
    private readonly readBuffer: Uint8Array,
  ) {}

  exchange(request: PreparedRequest, keepBody: boolean, signal: AbortSignal): Promise<Exchange> {
    return new Promise((resolve) => this.start(request, keepBody, signal, resolve, false));
  }

  close(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = undefined;
    this.drop();
  }

  private drop(): void {
    const s = this.socket;
    this.socket = undefined;
    this.reusable = false;
    if (s) {
      s.destroy();
      this.open.delete(s);
    }
  }

  private connect(request: PreparedRequest): Socket {
    this.drop();
    const s: Socket =
      request.protocol === 'https'
        ? // JMeter trusts any server certificate by default; a load generator must reach test servers with self-signed ones.
          tlsConnect({
            host: request.host,
            port: request.port,
            servername: /^[\d.:]+$/.test(request.host) ? undefined : request.host,
            rejectUnauthorized: false,
          })
        : // Plain TCP reads into the channel's own buffer: no Buffer and no stream bookkeeping per read.
          netConnect({
            host: request.host,
            port: request.port,
            onread: {
              buffer: this.readBuffer,
              callback: (n: number, b: Uint8Array) => this.socket !== s || this.onData(b, n),
            },
          });
    s.setNoDelay(true);
    this.open.add(s);
    this.socket = s;
    this.target = { protocol: request.protocol, host: request.host, port: request.port };
    s.on(request.protocol === 'https' ? 'secureConnect' : 'connect', () => {
      const p = this.pending;
      if (p && this.socket === s) p.connectMs = performance.now() - p.t0;
    });
    if (request.protocol === 'https') s.on('data', (d: Buffer) => this.socket === s && this.onData(d, d.length));
    s.on('error', (e) => this.socket === s && this.fail(e));
    s.on('close', () => {
      this.open.delete(s);
      if (this.socket === s) this.onClose();
    });
    return s;
  }

  private start(
    request: PreparedRequest,
    keepBody: boolean,
    signal: AbortSignal,
    resolve: (e: Exchange) => void,
    forceNew: boolean,
  ): void {
    const t0 = performance.now();
    const startEpochMs = Date.now();
    if (signal.aborted) {
      resolve({ interrupted: true, startEpochMs, connectMs: 0, latencyMs: 0, elapsedMs: 0, sentBytes: 0 });
      return;
    }
    const same =
      this.target.protocol === request.protocol &&
      this.target.host === request.host &&
      this.target.port === request.port;
    const reused = !forceNew && this.reusable && same && !!this.socket && !this.socket.destroyed;
    if (this.signal !== signal) {
      this.signal?.removeEventListener('abort', this.onAbort);
      this.signal = signal;
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    this.parser.reset(request.expectBody, keepBody);
    this.pending = {
      request,
      keepBody,
      signal,
      t0,
      startEpochMs,
      connectMs: 0,
      latencyMs: 0,
      received: false,
      reused,
      timer: undefined,
      resolve,
    };
    const socket = reused && this.socket ? this.socket : this.connect(request);
    this.reusable = false;
    const timeout =
      request.connectTimeoutMs !== undefined && !reused
        ? request.connectTimeoutMs + (request.responseTimeoutMs ?? 0)
        : request.responseTimeoutMs;
    if (timeout !== undefined) {
      this.pending.timer = setTimeout(() => {
        this.drop();
        this.finish({ error: { code: 'ETIMEDOUT', message: `no complete response within ${timeout} ms` } });
      }, timeout);
    }
    const bytes = request.bytes;
    if (bytes === this.lastBytes) socket.write(this.lastBuffer);
    else {
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
      // Kept only when the bytes own their memory: a view on a shared slab would keep the whole slab alive.
      if (bytes.byteLength === bytes.buffer.byteLength) {
        this.lastBytes = bytes;
        this.lastBuffer = buffer;
      }
      socket.write(buffer);
    }
  }

  private onData(d: Uint8Array, length: number): true {
    const p = this.pending;
    if (!p) return true; // nothing asked for: a server talking out of turn
    if (!p.received) {
      p.received = true;
      p.latencyMs = performance.now() - p.t0;
    }
    let done: boolean;
    try {
      done = this.parser.push(d, length);
    } catch (e) {
      this.drop();
      this.finish({ error: { code: 'ProtocolError', message: errorMessage(e) } });
      return true;
    }
    if (done) {
      const response = this.parser.response;
      const keep = !!response && !response.close && p.request.keepAlive;
      if (!keep) this.drop();
      else this.reusable = true;
      this.finish({ response });
    }
    return true;
  }

  private fail(e: unknown): void {
    const p = this.pending;
    this.drop();
    if (!p) return;
    if (p.reused && !p.received && ['ECONNRESET', 'EPIPE'].includes(errorCode(e))) this.finish('stale');
    else this.finish({ error: { code: errorCode(e), message: errorMessage(e) } });
  }

  private onClose(): void {
    const p = this.pending;
    this.socket = undefined;
    this.reusable = false;
    if (!p) return;
    if (this.parser.end()) this.finish({ response: this.parser.response });
    else if (p.reused && !p.received) this.finish('stale');
    else
      this.finish({
        error: {
          code: 'ECONNRESET',
          message: p.received
            ? 'the connection closed in the middle of the response'
            : 'the target server closed the connection without responding',
        },
      });
  }

  private finish(result: Partial<Exchange> | 'stale'): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    if (p.timer) clearTimeout(p.timer);
    if (result === 'stale') {
      // The server closed an idle keep-alive connection as we reused it: send again on a new one.
      this.start(p.request, p.keepBody, p.signal, p.resolve, true);
      return;
    }
    const elapsedMs = performance.now() - p.t0;
    const e: Exchange = {
      startEpochMs: p.startEpochMs,
      connectMs: p.reused ? 0 : p.connectMs,
      latencyMs: p.received ? p.latencyMs : 0,
      elapsedMs,
      sentBytes: p.request.bytes.length,
    };
    if (result.response) e.response = result.response;
    if (result.error) e.error = result.error;
    if (result.interrupted) e.interrupted = true;
    p.resolve(e);
  }
}

/** Raw-socket transport; `open` holds every socket not yet closed, so a run can prove it left none. */
export class SocketTransport implements Transport {
  readonly open = new Set<Socket>();
  private readonly readBuffer = new Uint8Array(64 * 1024);
  channel(): Channel {
    return new SocketChannel(this.open, this.readBuffer);
  }
  /** Destroys whatever is still open (after a run nothing should be). */
  closeAll(): void {
    for (const s of this.open) s.destroy();
    this.open.clear();
  }
}

export const systemClock: Clock = {
  now: () => performance.now(),
  epochMs: () => Date.now(),
  random: Math.random,
  sleep,
  yield: () => new Promise<void>((resolve) => setImmediate(resolve)),
};

/** Writes JMeter-format CSV rows, batching them so a fast run is not one write per sample. */
class JtlWriter {
  private buffer: string[] = [];
  private size = 0;
  private readonly stream: WriteStream;
  constructor(path: string) {
    this.stream = createWriteStream(path, { flags: 'w' });
    this.stream.write(`${jtlHeader}\n`);
  }
  add(s: JtlSample): void {
    const line = formatJtlRow(s);
    this.buffer.push(line);
    this.size += line.length;
    if (this.size > 64 * 1024) this.flush();
  }
  flush(): void {
    if (!this.buffer.length) return;
    this.stream.write(`${this.buffer.join('\n')}\n`);
    this.buffer = [];
    this.size = 0;
  }
  async close(): Promise<void> {
    this.flush();
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
  }
}

export interface BuiltinRunOptions extends RunOptions {
  /** Where to write the CSV .jtl (JMeter's default columns and header); none when undefined. */
  jtl?: string;
  transport?: SocketTransport;
  clock?: Clock;
}

export interface BuiltinRunResult extends RunResult {
  /** Sockets still open after the run (always 0 unless something is wrong). */
  leftOpen: number;
}

/** Runs a plan with the built-in engine, writing the .jtl as it goes; partial results survive a cancellation. */
export async function runBuiltin(plan: LoadPlan, opts: BuiltinRunOptions = {}): Promise<BuiltinRunResult> {
  const transport = opts.transport ?? new SocketTransport();
  const writer = opts.jtl ? new JtlWriter(opts.jtl) : undefined;
  const onSample = opts.onSample;
  let result: RunResult;
  try {
    result = await runPlan(plan, transport, opts.clock ?? systemClock, {
      ...opts,
      onSample: (s) => {
        writer?.add(s);
        onSample?.(s);
      },
      onProgress: (p) => {
        writer?.flush();
        opts.onProgress?.(p);
      },
    });
  } finally {
    await writer?.close();
  }
  const leftOpen = transport.open.size;
  transport.closeAll();
  return { ...result, leftOpen };
}
