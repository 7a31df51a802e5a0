// The built-in engine's semantics on virtual time and a fake transport: ramp-up, duration and
// loops, on_sample_error, progress every second, cancellation that keeps partial results; and
// the histogram behind the live percentiles.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Histogram } from '../../src/core/loadtest/histogram';
import { ResponseParser, type PreparedRequest } from '../../src/core/loadtest/http';
import type { JtlSample } from '../../src/core/loadtest/jtl';
import { loadPlan } from '../../src/core/loadtest/plan';
import {
  runPlan,
  type Channel,
  type Clock,
  type Exchange,
  type RunResult,
  type Transport,
} from '../../src/core/loadtest/runner';
import { runNotes } from '../../src/core/loadtest/runNotes';
import type { Progress } from '../../src/core/loadtest/stats';
import { concurrentThreads, threadBudget, threadLimitProblem } from '../../src/core/loadtest/threadBudget';
import { parseOpenFileLimit } from '../../src/node/loadtest/fileHandles';
import { systemClock } from '../../src/node/loadtest/loadgen';

const root = join(__dirname, '..', '..');
const SCAFFOLDED = readFileSync(join(root, 'templates', 'jmeter', 'hash-load.jmx'), 'utf8');
const ORDINARY = readFileSync(join(root, 'test', 'fixtures', 'jmx', 'ordinary-get.jmx'), 'utf8');

/** Time that moves only when every task waits on it: a run of minutes takes milliseconds. */
class VirtualClock implements Clock {
  t = 0;
  private timers: { at: number; fire: () => void }[] = [];
  private seed = 7;
  now(): number {
    return this.t;
  }
  epochMs(): number {
    return 1_800_000_000_000 + this.t;
  }
  random(): number {
    this.seed = (Math.imul(this.seed, 1664525) + 1013904223) >>> 0;
    return this.seed / 2 ** 32;
  }
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.timers = this.timers.filter((x) => x !== timer);
        resolve();
      };
      const timer = {
        at: this.t + Math.max(0, ms),
        fire: (): void => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
  yield(): Promise<void> {
    return new Promise((r) => setImmediate(r));
  }
  /** Runs until `task` settles, jumping to the next timer whenever everything waits. */
  async drive<T>(task: Promise<T>, hooks: { at: number; run: () => void }[] = []): Promise<T> {
    let done = false;
    void task.finally(() => (done = true));
    while (!done) {
      await new Promise((r) => setImmediate(r));
      if (done) break;
      if (!this.timers.length) continue;
      const next = Math.min(...this.timers.map((x) => x.at));
      const hook = hooks.find((h) => h.at <= next);
      if (hook) {
        this.t = Math.max(this.t, hook.at);
        hooks.splice(hooks.indexOf(hook), 1);
        hook.run();
        continue;
      }
      this.t = next;
      const due = this.timers.filter((x) => x.at <= this.t);
      this.timers = this.timers.filter((x) => x.at > this.t);
      for (const x of due) x.fire();
    }
    return task;
  }
}

interface Sent {
  at: number;
  text: string;
  channel: number;
}

/** Answers every request after `latencyMs` of virtual time with `status`. */
class FakeTransport implements Transport {
  sent: Sent[] = [];
  channels = 0;
  closed = 0;
  constructor(
    private readonly clock: VirtualClock,
    private readonly latencyMs = 10,
    private readonly status: (n: number) => number = () => 200,
  ) {}
  channel(): Channel {
    const id = ++this.channels;
    return {
      exchange: async (req: PreparedRequest, _keepBody: boolean, signal: AbortSignal): Promise<Exchange> => {
        const start = this.clock.now();
        this.sent.push({ at: start, text: new TextDecoder().decode(req.bytes), channel: id });
        const status = this.status(this.sent.length);
        await this.clock.sleep(this.latencyMs, signal);
        const base = {
          startEpochMs: this.clock.epochMs() - (this.clock.now() - start),
          connectMs: 0,
          latencyMs: this.latencyMs,
          elapsedMs: this.clock.now() - start,
          sentBytes: req.bytes.length,
        };
        if (signal.aborted) return { ...base, interrupted: true };
        const body = new TextEncoder().encode('{"items":[]}');
        return {
          ...base,
          response: {
            status,
            reason: status === 200 ? 'OK' : 'ERR',
            headers: [['Content-Type', 'application/json']],
            bytes: 100,
            body,
            close: false,
          },
        };
      },
      close: () => {
        this.closed++;
      },
    };
  }
}

/** Fails every request at once (no I/O, no time) with `code`, or never answers until the request is cut. */
class FailingTransport implements Transport {
  sent: number[] = [];
  constructor(
    private readonly clock: Clock,
    private readonly failure: { code: string } | 'never',
  ) {}
  channel(): Channel {
    return {
      exchange: (req: PreparedRequest, _keepBody: boolean, signal: AbortSignal): Promise<Exchange> => {
        const start = this.clock.now();
        this.sent.push(start);
        const base = (): Exchange => ({
          startEpochMs: this.clock.epochMs(),
          connectMs: 0,
          latencyMs: 0,
          elapsedMs: this.clock.now() - start,
          sentBytes: req.bytes.length,
        });
        const failure = this.failure;
        if (failure !== 'never')
          return Promise.resolve({
            ...base(),
            error: { code: failure.code, message: `connect ${failure.code} 127.0.0.1:1` },
          });
        return new Promise((resolve) =>
          signal.addEventListener('abort', () => resolve({ ...base(), interrupted: true }), { once: true }),
        );
      },
      close: () => undefined,
    };
  }
}

async function run(
  text: string,
  props: Record<string, string>,
  opts: { latencyMs?: number; status?: (n: number) => number; cancelAt?: number } = {},
): Promise<{
  result: RunResult;
  samples: JtlSample[];
  progress: Progress[];
  transport: FakeTransport;
  clock: VirtualClock;
}> {
  const clock = new VirtualClock();
  const transport = new FakeTransport(clock, opts.latencyMs, opts.status);
  const samples: JtlSample[] = [];
  const progress: Progress[] = [];
  const abort = new AbortController();
  const plan = loadPlan(text, { props });
  const task = runPlan(plan, transport, clock, {
    signal: abort.signal,
    onSample: (s) => samples.push(s),
    onProgress: (p) => progress.push(p),
    graceMs: 1000,
  });
  const result = await clock.drive(
    task,
    opts.cancelAt !== undefined ? [{ at: opts.cancelAt, run: () => abort.abort() }] : [],
  );
  return { result, samples, progress, transport, clock };
}

describe('built-in engine semantics (virtual time)', () => {
  it('starts threads on a linear ramp-up and stops sending when the duration ends', async () => {
    const { result, samples, transport } = await run(
      SCAFFOLDED,
      { SERVER: '127.0.0.1', PORT: '80', THREADS: '4', RAMP: '2', DURATION: '5' },
      { latencyMs: 100 },
    );
    const firstBy = new Map<number, number>();
    for (const s of transport.sent) if (!firstBy.has(s.channel)) firstBy.set(s.channel, s.at);
    assert.deepEqual([...firstBy.values()], [0, 500, 1000, 1500]);
    assert.ok(
      transport.sent.every((s) => s.at < 5000),
      'nothing starts after the duration',
    );
    // Each thread sends back to back (100 ms each) from its start until 5 s.
    assert.equal(result.samples, 50 + 45 + 40 + 35);
    assert.equal(result.stoppedBy, 'completed');
    assert.equal(transport.closed, 4, 'every thread closes its connection');
    assert.deepEqual(
      new Set(samples.map((s) => s.threadName)),
      new Set(['Users 1-1', 'Users 1-2', 'Users 1-3', 'Users 1-4']),
    );
    assert.ok(
      samples.every(
        (s) => s.success && s.label === 'POST /hash' && s.URL === 'http://127.0.0.1/hash' && s.elapsed === 100,
      ),
    );
    assert.equal(result.latencyMs.p50, 100);
  });

  it("runs a loop count, with the timer's think time before each sample", async () => {
    const { result, transport } = await run(ORDINARY, { USERS: '2' }, { latencyMs: 10 });
    assert.equal(result.samples, 2 * 5, 'two users, five loops, one sampler');
    // The constant timer waits 100 ms before each sample: 110 ms per iteration.
    const t1 = transport.sent.filter((s) => s.channel === 1).map((s) => s.at);
    assert.deepEqual(t1, [100, 210, 320, 430, 540]);
    assert.match(transport.sent[0]?.text ?? '', /^GET \/items\?category=books&q=war\+%26\+peace HTTP\/1\.1\r\n/);
  });

  it('checks assertions and records failures with their message', async () => {
    const { samples } = await run(
      SCAFFOLDED,
      { SERVER: '127.0.0.1', THREADS: '1', RAMP: '0', DURATION: '1' },
      { latencyMs: 100, status: (n) => (n % 2 ? 200 : 201) },
    );
    const failed = samples.filter((s) => !s.success);
    assert.equal(failed.length, 5);
    assert.ok(
      failed.every(
        (s) => s.responseCode === '201' && /code expected to equal \/200\/, received 201/.test(s.failureMessage),
      ),
    );
  });

  it('reports progress every second: rps over the last second and percentiles over the window', async () => {
    const { progress } = await run(
      SCAFFOLDED,
      { SERVER: '127.0.0.1', THREADS: '2', RAMP: '0', DURATION: '3' },
      { latencyMs: 20 },
    );
    assert.deepEqual(
      progress.map((p) => p.elapsedSec),
      [1, 2, 3],
    );
    // A sample counts in the second it ends in: the first second holds 49 per thread (20 ms .. 980 ms).
    assert.deepEqual(
      progress.map((p) => p.rps),
      [98, 100, 100],
    );
    for (const p of progress) {
      assert.equal(p.window.p50, 20);
      assert.equal(p.errorRate, 0);
    }
    // At 3 s: 149 per thread have ended, and the two ending at 3 s itself may be counted yet or not.
    assert.ok([298, 300].includes(progress[2]?.overall.samples ?? 0), String(progress[2]?.overall.samples));
  });

  it('keeps every finished sample when cancelled half-way, and cuts the requests in flight', async () => {
    const { result, samples, transport } = await run(
      SCAFFOLDED,
      { SERVER: '127.0.0.1', THREADS: '3', RAMP: '0', DURATION: '10' },
      { latencyMs: 100, cancelAt: 1050 },
    );
    assert.equal(result.stoppedBy, 'cancelled');
    assert.equal(result.samples, 30);
    assert.equal(samples.length, 30);
    assert.equal(result.interrupted, 3);
    assert.equal(transport.closed, 3);
  });

  it('stops the whole test on a failed sample when on_sample_error is stoptest', async () => {
    const plan = SCAFFOLDED.replace(
      '<stringProp name="ThreadGroup.on_sample_error">continue</stringProp>',
      '<stringProp name="ThreadGroup.on_sample_error">stoptest</stringProp>',
    );
    const { result } = await run(
      plan,
      { SERVER: '127.0.0.1', THREADS: '2', RAMP: '0', DURATION: '10' },
      { latencyMs: 10, status: (n) => (n === 7 ? 500 : 200) },
    );
    assert.equal(result.stoppedBy, 'stoptest');
    assert.ok(result.samples >= 7 && result.samples <= 8, String(result.samples));
    assert.match(result.firstError ?? '', /^500: ERR/);
  });
});

describe('built-in engine under failures', () => {
  it('waits after each refused connection, doubling to 1 s, and says how many the target refused', async () => {
    const clock = new VirtualClock();
    const transport = new FailingTransport(clock, { code: 'ECONNREFUSED' });
    const plan = loadPlan(SCAFFOLDED, {
      props: { SERVER: '127.0.0.1', PORT: '1', THREADS: '2', RAMP: '0', DURATION: '10' },
    });
    const result = await clock.drive(runPlan(plan, transport, clock, { graceMs: 1000 }));
    // Per thread: at 0, 10, 30, 70, 150, 310, 630, 1270 ms, then once a second until 10 s.
    const perThread = transport.sent.filter((_, i) => i % 2 === 0);
    assert.deepEqual(perThread.slice(0, 9), [0, 10, 30, 70, 150, 310, 630, 1270, 2270]);
    assert.equal(result.samples, 2 * 16);
    assert.equal(result.errors, result.samples);
    assert.deepEqual(result.failuresByCode, { ECONNREFUSED: 32 });
    assert.match(runNotes(result).join('\n'), /^the target refused 32 connections: .*up to 1 s\.$/);
  });

  it('lets timers and I/O run between failures that come back at once, so the run ends on time', async function () {
    this.timeout(10_000);
    // EPROTO is not a refusal: no wait, but the thread must still yield (it spun on microtasks before).
    const transport = new FailingTransport(systemClock, { code: 'EPROTO' });
    const plan = loadPlan(SCAFFOLDED, {
      props: { SERVER: '127.0.0.1', PORT: '1', THREADS: '4', RAMP: '0', DURATION: '1' },
    });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 50);
    const started = Date.now();
    const progress: Progress[] = [];
    try {
      const result = await runPlan(plan, transport, systemClock, {
        graceMs: 200,
        progressIntervalMs: 250,
        onProgress: (p) => progress.push(p),
      });
      assert.ok(result.samples > 100 && result.errors === result.samples, String(result.samples));
      assert.deepEqual(Object.keys(result.failuresByCode), ['EPROTO']);
    } finally {
      clearInterval(ticker);
    }
    const took = Date.now() - started;
    assert.ok(took < 2500, `ended ${took} ms after starting a 1 s run`);
    assert.ok(ticks >= 10, `other timers ran during the run: ${ticks}`);
    assert.ok(progress.length >= 3, `progress during the run: ${progress.length}`);
  });

  it('records requests a target never answered as errors when the run ends, not as nothing sent', async () => {
    const clock = new VirtualClock();
    const transport = new FailingTransport(clock, 'never');
    const plan = loadPlan(SCAFFOLDED, {
      props: { SERVER: '127.0.0.1', PORT: '1', THREADS: '3', RAMP: '0', DURATION: '2' },
    });
    const samples: JtlSample[] = [];
    const result = await clock.drive(
      runPlan(plan, transport, clock, { graceMs: 1000, onSample: (s) => samples.push(s) }),
    );
    assert.equal(result.samples, 3);
    assert.equal(result.errors, 3);
    assert.equal(result.interrupted, 0);
    assert.deepEqual(result.failuresByCode, { NoAnswer: 3 });
    for (const s of samples) {
      assert.equal(s.success, false);
      assert.equal(s.responseCode, 'Non HTTP response code: NoAnswer');
      assert.equal(s.responseMessage, 'Non HTTP response message: no answer within the run (waited 3000 ms)');
      assert.equal(s.elapsed, 3000);
    }
    assert.match(runNotes(result).join('\n'), /3 requests had no answer within the run/);
  });

  it('does not count requests cut by Stop as samples, and says how many were waiting', async () => {
    const clock = new VirtualClock();
    const transport = new FailingTransport(clock, 'never');
    const plan = loadPlan(SCAFFOLDED, {
      props: { SERVER: '127.0.0.1', PORT: '1', THREADS: '2', RAMP: '0', DURATION: '10' },
    });
    const abort = new AbortController();
    const result = await clock.drive(runPlan(plan, transport, clock, { signal: abort.signal }), [
      { at: 500, run: () => abort.abort() },
    ]);
    assert.equal(result.samples, 0);
    assert.equal(result.interrupted, 2);
    assert.deepEqual(runNotes(result), [
      '2 requests still waiting for an answer when the run was stopped (not counted as samples).',
    ]);
  });
});

describe('thread cap by file handles', () => {
  const plan = (threads: string, extra = ''): Parameters<typeof concurrentThreads>[0] =>
    loadPlan(SCAFFOLDED.replace('</hashTree>\n</jmeterTestPlan>', `${extra}</hashTree>\n</jmeterTestPlan>`), {
      props: { SERVER: '127.0.0.1', THREADS: threads, RAMP: '0', DURATION: '1' },
    });

  it('reads the soft limit from /proc/self/limits', () => {
    const limits =
      'Limit                     Soft Limit           Hard Limit           Units     \nMax cpu time              unlimited            unlimited            seconds   \nMax open files            1024                 1048576              files     \n';
    assert.equal(parseOpenFileLimit(limits), 1024);
    assert.equal(parseOpenFileLimit(limits.replace('1024 ', 'unlimited ')), undefined);
    assert.equal(parseOpenFileLimit(''), undefined);
  });

  it('leaves headroom for the rest of the process', () => {
    assert.equal(threadBudget({ limit: 1024, inUse: 100 }), 1024 - 100 - 103);
    assert.equal(threadBudget({ limit: 64, inUse: 20 }), 12);
    assert.equal(threadBudget({ limit: 64, inUse: 40 }), 0);
  });

  it('counts the threads a plan runs at once', () => {
    assert.equal(concurrentThreads(plan('7')), 7);
  });

  it('refuses more threads than fit, saying the limit, what is in use and what to do', () => {
    assert.equal(threadLimitProblem(500, { limit: 1024, inUse: 100 }), undefined);
    assert.equal(threadLimitProblem(10_000, undefined), undefined, 'no reading (not Linux): no cap');
    const why = threadLimitProblem(10_000, { limit: 1024, inUse: 100 }) ?? '';
    assert.match(
      why,
      /^10000 threads need 10000 connections at once, but this process may have only 1024 files open \(ulimit -n\) and has 100 open already; keeping 103 free for the rest, at most 821 thread\(s\) fit\. Run fewer threads, or raise the open-file limit \(ulimit -n\)/,
    );
  });
});

describe('latency histogram', () => {
  it('is exact below 256 and within 0.4% above, by nearest rank', () => {
    const h = new Histogram();
    const values: number[] = [];
    let seed = 3;
    for (let i = 0; i < 20_000; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const v = Math.floor(Math.exp((seed / 2 ** 32) * 16)); // 1 us .. 9 s, log-spread
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const p of [1, 50, 90, 95, 99, 99.9, 100]) {
      const exact = values[Math.max(1, Math.ceil((p / 100) * values.length)) - 1] ?? 0;
      const got = h.percentile(p);
      assert.ok(Math.abs(got - exact) <= Math.max(0.5, exact * 0.004), `p${p}: ${got} vs ${exact}`);
    }
    assert.equal(h.min, values[0]);
    assert.equal(h.max, values.at(-1));
    const small = new Histogram();
    for (const v of [5, 1, 3, 2, 4]) small.record(v);
    assert.deepEqual([small.percentile(50), small.percentile(100), small.percentile(0)], [3, 5, 1]);
    const merged = new Histogram();
    merged.add(small);
    merged.add(h);
    assert.equal(merged.count, 20_005);
  });
});

describe('HTTP response parser', () => {
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
  /** Feeds `text` in pieces of `size` bytes, as a socket may deliver it. */
  function feed(text: string, size: number, opts: { expectBody?: boolean; close?: boolean } = {}): ResponseParser {
    const p = new ResponseParser(opts.expectBody ?? true, true);
    const all = bytes(text);
    let done = false;
    for (let i = 0; i < all.length && !done; i += size) done = p.push(all.subarray(i, i + size));
    if (!done && opts.close) p.end();
    return p;
  }

  it('reads Content-Length, chunked and read-until-close bodies, split anywhere', () => {
    const cl = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}';
    const chunked =
      'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"ok\r\n7;ext=1\r\n":true}\r\n0\r\nX-Trailer: 1\r\n\r\n';
    const untilClose = 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it';
    for (const size of [1, 2, 3, 5, 1000]) {
      const a = feed(cl, size);
      assert.ok(a.done, `content-length in ${size}-byte pieces`);
      assert.equal(new TextDecoder().decode(a.response?.body), '{"ok":true}');
      assert.equal(a.response?.bytes, cl.length);
      assert.equal(a.response?.close, false);
      const b = feed(chunked, size);
      assert.ok(b.done, `chunked in ${size}-byte pieces`);
      assert.equal(b.response?.status, 201);
      assert.equal(new TextDecoder().decode(b.response?.body), '{"ok":true}');
      assert.equal(b.response?.bytes, chunked.length);
      const c = feed(untilClose, size, { close: true });
      assert.ok(c.done);
      assert.equal(new TextDecoder().decode(c.response?.body), 'all of it');
      assert.equal(c.response?.close, true);
    }
  });

  it('reads from a reused read buffer up to its end, keeping nothing the next read overwrites', () => {
    const first =
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nX-Run: one\r\n\r\n{"ok":true}';
    const second =
      'HTTP/1.1 503 Busy\r\nContent-Type: text/plain\r\nContent-Length: 4\r\nX-Run: two\r\nConnection: close\r\n\r\nbusy';
    // A Buffer, as a socket's own read buffer would be: its slice() is a view, not a copy.
    const readBuffer = Buffer.alloc(64, 0x41);
    const p = new ResponseParser(true, true);
    for (const size of [1, 3, 7, 64]) {
      for (const [text, status, body, run, close] of [
        [first, 200, '{"ok":true}', 'one', false],
        [second, 503, 'busy', 'two', true],
      ] as const) {
        p.reset(true, true);
        const all = bytes(text);
        let done = false;
        for (let i = 0; i < all.length && !done; i += size) {
          const piece = all.subarray(i, i + size);
          readBuffer.set(piece);
          done = p.push(readBuffer, piece.length);
          readBuffer.fill(0x41);
        }
        assert.ok(done, `${status} in ${size}-byte pieces`);
        assert.equal(p.response?.status, status);
        assert.equal(new TextDecoder().decode(p.response?.body), body);
        assert.equal(p.response?.bytes, text.length);
        assert.equal(p.response?.close, close);
        assert.deepEqual(
          p.response?.headers.find(([k]) => k === 'X-Run'),
          ['X-Run', run],
        );
      }
    }
  });

  it('skips a 100 Continue, reads no body for HEAD or 204, and sees Connection: close', () => {
    const p = feed(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok',
      4,
    );
    assert.equal(p.response?.status, 200);
    assert.equal(p.response?.close, true);
    assert.ok(feed('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', 7, { expectBody: false }).done);
    assert.ok(feed('HTTP/1.1 204 No Content\r\n\r\n', 7).done);
    assert.throws(() => feed('SSH-2.0-OpenSSH\r\n\r\n', 100), /not an HTTP response/);
  });
});
