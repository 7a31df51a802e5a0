// The built-in engine's semantics, free of sockets and timers: Thread Groups with JMeter's
// linear ramp-up (thread i starts at i * ramp / threads), a duration or a loop count, the
// samplers in order with their timers and assertions, on_sample_error, and cancellation that
// keeps every finished sample. Sockets (Transport) and time (Clock) are handed in. Unlike
// JMeter, a thread waits after refused connections (growing to 1 s) instead of hammering, and a
// request the run's end cuts off unanswered is an error sample, so a silent target is not silence.
// The open model (opts.open) replaces the main groups' threads with an arrival schedule: each
// request starts at its intended time on a pool of connections that grows to a cap, and its
// latency counts from that intended time, so a stalled server shows as latency, not as fewer requests.
import {
  arrivalTimeMs,
  openDurationSec,
  openGroups,
  connectionWaitMs,
  intendedTotal,
  openModelProblem,
  littleCap,
  poolBehindMs,
  poolGrowth,
  serviceFloorWindowMs,
  rateAt,
  rateDip,
  type OpenModel,
  type RateDip,
} from './arrivals';
import {
  compileSampler,
  dataType,
  isRequestError,
  type CompiledSampler,
  type ParsedResponse,
  type PreparedRequest,
  type RequestError,
} from './http';
import { t } from '../text/l10n';
import type { JtlSample } from './jtl';
import { resolveVariables, type LoadPlan, type ResponseAssertion, type ThreadGroupPlan } from './plan';
import { LiveStats, type Progress } from './stats';
import { evaluate, type EvalContext } from './template';

export interface Exchange {
  response?: ParsedResponse;
  /** A failure below HTTP: refused, reset, timed out, or an answer that is not HTTP. */
  error?: { code: string; message: string };
  /** The run was stopped while this request was in flight: it is not a sample. */
  interrupted?: boolean;
  startEpochMs: number;
  /** Milliseconds from the start of the exchange: connection set up (0 on a reused one), first response byte, last byte. */
  connectMs: number;
  latencyMs: number;
  elapsedMs: number;
  sentBytes: number;
}

/** One JMeter thread's connection: requests go one after another, reusing it while keep-alive allows. */
export interface Channel {
  /** Resolves with a new Exchange for each request: the caller may change it. */
  exchange(request: PreparedRequest, keepBody: boolean, signal: AbortSignal): Promise<Exchange>;
  close(): void;
}

export interface Transport {
  channel(): Channel;
}

export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  epochMs(): number;
  random(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Lets timers and I/O run (a thread whose samples fail without I/O must not starve the rest). */
  yield(): Promise<void>;
}

export interface RunOptions {
  signal?: AbortSignal;
  onSample?: (s: JtlSample) => void;
  onProgress?: (p: Progress) => void;
  progressIntervalMs?: number;
  /** How long requests still in flight when a duration ends may take to finish. */
  graceMs?: number;
  windowSec?: number;
  /** Send the main groups' samplers at an arrival rate instead of with their threads (the open model). */
  open?: OpenModel;
}

export type StopReason = 'completed' | 'cancelled' | 'stoptest';

/** The error code of a request the target had not answered when the run's grace period ended. */
export const noAnswerCode = 'NoAnswer';

/**
 * Failures after which a thread waits before its next request, doubling from 10 ms to 1 s: the
 * target refused or reset the connection, or this process ran out of file handles or local ports.
 * Without the wait such a failure comes back at once and a thread spins (thousands a second).
 */
export const backoffCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EMFILE',
  'ENFILE',
  'EADDRNOTAVAIL',
  'ENOBUFS',
]);
export const backoffMaxMs = 1000;

export function backoffDelayMs(consecutiveFailures: number): number {
  return Math.min(backoffMaxMs, 10 * 2 ** Math.max(0, Math.min(consecutiveFailures, 20) - 1));
}

export interface RunResult {
  samples: number;
  errors: number;
  /** Requests cut off by a cancellation or the end of the grace period (not samples). */
  interrupted: number;
  stoppedBy: StopReason;
  durationMs: number;
  latencyMs: { min: number; mean: number; p50: number; p95: number; p99: number; max: number };
  /** The response code and message of the first failed sample, to explain a failed run. */
  firstError: string | undefined;
  /** Samples that failed below HTTP, by error code (ECONNREFUSED, EMFILE, ETIMEDOUT, NoAnswer...). */
  failuresByCode: Record<string, number>;
  progress: Progress;
  /** The open model's figures; absent in the closed model. */
  open?: OpenFigures;
  /** The closed model: the longest stretch whose rate fell below half the usual, if any. */
  rateDip?: RateDip;
}

/** What an open run intended and achieved. */
export interface OpenFigures extends Omit<OpenModel, 'maxConnections'> {
  durationSec: number;
  /** Requests the schedule started, and their rate over the open phase. */
  intended: number;
  intendedRps: number;
  /** Requests sent, and their rate over the open phase. */
  sent: number;
  achievedRps: number;
  /** Sent only after waiting for a free connection, the pool being at its cap (their latency includes the wait). */
  late: number;
  /** Never sent: the queue for a connection was full, or the run ended while they waited. */
  dropped: number;
  /** The most connections the pool grew to, and its cap. */
  connections: number;
  maxConnections: number;
}

const bodyDecoder = new TextDecoder();
/** Compiled patterns, by flags and source: an assertion's patterns are the same for every sample. */
const patterns = new Map<string, RegExp>();
function regex(source: string, whole: boolean): RegExp {
  const key = `${whole ? 'm' : 'f'}${source}`;
  let r = patterns.get(key);
  if (!r) {
    r = whole ? new RegExp(`^(?:${source})$`, 's') : new RegExp(source, 's');
    if (patterns.size < 1000) patterns.set(key, r);
  }
  return r;
}

function failure(a: ResponseAssertion, response: ParsedResponse, ctx: EvalContext): string | undefined {
  const subject =
    a.field === 'code'
      ? String(response.status)
      : a.field === 'message'
        ? response.reason
        : a.field === 'headers'
          ? response.headers.map(([k, v]) => `${k}: ${v}`).join('\n')
          : bodyDecoder.decode(response.body ?? new Uint8Array());
  const not = (a.type & 4) !== 0;
  const or = (a.type & 32) !== 0;
  const kind = a.type & 27;
  // Every pattern is evaluated (functions in them run once per sample); the first failing one is reported.
  let passes = 0;
  let bad: string | undefined;
  for (const p of a.patterns) {
    const pattern = evaluate(p, ctx);
    let pass: boolean;
    try {
      pass =
        kind & 8
          ? subject === pattern
          : kind & 16
            ? subject.includes(pattern)
            : regex(pattern, (kind & 1) !== 0).test(subject);
    } catch {
      pass = false;
    }
    if (not ? !pass : pass) passes++;
    else bad ??= pattern;
  }
  const ok = a.patterns.length === 0 || (or ? passes > 0 : passes === a.patterns.length);
  if (ok) return undefined;
  if (a.customMessage) return a.customMessage;
  const verb = kind & 8 ? 'equal' : kind & 16 ? 'contain' : kind & 1 ? 'match' : 'contain /regex/';
  const received = subject.length > 100 ? `${subject.slice(0, 100)}…` : subject;
  return `Test failed: ${a.field} expected ${not ? 'not ' : ''}to ${verb} /${bad ?? ''}/, received ${received}`;
}

interface Counters {
  all: number;
  group: Map<number, number>;
}

export async function runPlan(
  plan: LoadPlan,
  transport: Transport,
  clock: Clock,
  opts: RunOptions = {},
): Promise<RunResult> {
  const startMs = clock.now();
  const stats = new LiveStats(startMs, opts.windowSec ?? 5);
  // Each thread has its own pair of signals, aborted from here: one shared signal with a listener
  // per thread would trip Node's listener-leak warning with more than ten threads.
  interface ThreadSignals {
    group: number;
    /** No new samples. */
    stop: AbortController;
    /** stop.signal.aborted, as a plain field: the loop reads it per sample. */
    stopped: boolean;
    /** The request in flight is cut. */
    cut: AbortController;
  }
  const threadSignals = new Set<ThreadSignals>();
  const soft = new AbortController(); // the test stops: no thread starts another sample
  const hard = new AbortController(); // and requests in flight are cut
  const stopThreads = (group: number | undefined, cutToo: boolean): void => {
    for (const t of threadSignals) {
      if (group !== undefined && t.group !== group) continue;
      t.stop.abort();
      t.stopped = true;
      if (cutToo) t.cut.abort();
    }
  };
  const stopTest = (cutToo: boolean): void => {
    soft.abort();
    if (cutToo) hard.abort();
    stopThreads(undefined, cutToo);
  };
  let stoppedBy: StopReason = 'completed';
  const cancel = (): void => {
    if (stoppedBy === 'completed') stoppedBy = 'cancelled';
    stopTest(true);
  };
  if (opts.signal?.aborted) cancel();
  opts.signal?.addEventListener('abort', cancel, { once: true });
  const graceMs = opts.graceMs ?? 2000;
  const active: Counters = { all: 0, group: new Map() };
  const baseVars = resolveVariables(plan, clock);
  const sharedCounters = new Map<number, number>();
  let interrupted = 0;
  let firstError: string | undefined;
  const failuresByCode: Record<string, number> = {};

  const record = (s: JtlSample, latencyUs: number): void => {
    stats.record(clock.now(), latencyUs, s.success);
    if (!s.success && firstError === undefined)
      firstError = `${s.responseCode}: ${s.responseMessage}${s.failureMessage ? ` (${s.failureMessage})` : ''}`;
    opts.onSample?.(s);
  };

  const runThread = async (
    group: ThreadGroupPlan,
    groupNo: number,
    i: number,
    startAt: number,
    signals: ThreadSignals,
  ): Promise<void> => {
    const stop = signals.stop.signal;
    const cut = signals.cut.signal;
    await clock.sleep(startAt - clock.now(), stop);
    if (stop.aborted) return;
    const threadName = `${group.name} ${groupNo}-${i + 1}`;
    const ctx: EvalContext = {
      props: plan.props,
      vars: new Map(baseVars),
      threadNum: i + 1,
      random: () => clock.random(),
      epochMs: () => clock.epochMs(),
      sharedCounters,
      threadCounters: new Map(),
    };
    let channel = transport.channel();
    const samplers = group.samplers.map((s) => compileSampler(s, ctx, plan.dynamicVariables));
    active.all++;
    active.group.set(groupNo, (active.group.get(groupNo) ?? 0) + 1);
    const loops = group.loops ?? 0;
    /** Refusals (or exhausted handles or ports) in a row: how long this thread waits before the next request. */
    let failuresInARow = 0;
    try {
      let iteration = 0;
      outer: while (!signals.stopped && (loops === -1 || iteration < loops)) {
        if (iteration > 0 && !group.sameUserOnNextIteration) {
          channel.close();
          channel = transport.channel();
        }
        iteration++;
        let ioThisIteration = false;
        for (const s of samplers) {
          if (signals.stopped) break outer;
          const delay = timerDelay(s, ctx);
          if (delay > 0) {
            await clock.sleep(delay, stop);
            ioThisIteration = true;
            if (stop.aborted) break outer;
          }
          const req = s.build(ctx);
          let sample: JtlSample;
          let latencyUs = 0;
          let failedBelowHttp: string | undefined;
          if (isRequestError(req)) sample = errorSample(req, threadName, groupNo);
          else {
            let ex = await channel.exchange(req, s.keepBody, cut);
            if (ex.interrupted) {
              // Stopped by the student or the plan: not a sample. Cut at the end of the grace period
              // after the run's duration: the target never answered, which is an error to report.
              if (hard.signal.aborted || !ex.sentBytes) {
                interrupted++;
                break outer;
              }
              ex = {
                ...ex,
                interrupted: false,
                error: {
                  code: noAnswerCode,
                  message: `no answer within the run (waited ${Math.round(ex.elapsedMs)} ms)`,
                },
              };
              latencyUs = ex.elapsedMs * 1000;
              sample = toSample(ex, req, s, ctx, threadName, groupNo);
              failuresByCode[noAnswerCode] = (failuresByCode[noAnswerCode] ?? 0) + 1;
              record(sample, latencyUs);
              break outer;
            }
            ioThisIteration = true;
            latencyUs = ex.elapsedMs * 1000;
            sample = toSample(ex, req, s, ctx, threadName, groupNo);
            if (!ex.response) failedBelowHttp = ex.error?.code ?? 'Error';
          }
          record(sample, latencyUs);
          if (failedBelowHttp !== undefined) {
            failuresByCode[failedBelowHttp] = (failuresByCode[failedBelowHttp] ?? 0) + 1;
            if (backoffCodes.has(failedBelowHttp)) await clock.sleep(backoffDelayMs(++failuresInARow), stop);
            // A failure that came back without I/O (a refusal, no file handle) must still let timers and I/O run.
            else await clock.yield();
          } else {
            failuresInARow = 0;
            if (isRequestError(req)) await clock.yield();
          }
          if (!sample.success) {
            if (group.onSampleError === 'startnextloop') continue outer;
            if (group.onSampleError === 'stopthread') break outer;
            if (group.onSampleError === 'stoptest' || group.onSampleError === 'stoptestnow') {
              if (stoppedBy === 'completed') stoppedBy = 'stoptest';
              stopTest(group.onSampleError === 'stoptestnow');
              break outer;
            }
          }
        }
        if (!ioThisIteration) await clock.yield();
      }
    } finally {
      channel.close();
      active.all--;
      active.group.set(groupNo, (active.group.get(groupNo) ?? 1) - 1);
    }
  };

  const errorSample = (req: RequestError, threadName: string, groupNo: number): JtlSample => ({
    timeStamp: Math.round(clock.epochMs()),
    elapsed: 0,
    label: req.label,
    responseCode: req.responseCode,
    responseMessage: req.responseMessage,
    threadName,
    dataType: 'text',
    success: false,
    failureMessage: '',
    bytes: 0,
    sentBytes: 0,
    grpThreads: active.group.get(groupNo) ?? 0,
    allThreads: active.all,
    URL: req.url,
    Latency: 0,
    IdleTime: 0,
    Connect: 0,
  });

  const toSample = (
    ex: Exchange,
    req: PreparedRequest,
    s: CompiledSampler,
    ctx: EvalContext,
    threadName: string,
    groupNo: number,
  ): JtlSample => {
    const r = ex.response;
    let responseCode: string;
    let responseMessage: string;
    let success = false;
    let failureMessage = '';
    if (!r) {
      const e = ex.error ?? { code: 'Error', message: 'no response' };
      responseCode = `Non HTTP response code: ${e.code}`;
      responseMessage = `Non HTTP response message: ${e.message}`;
    } else {
      responseCode = String(r.status);
      responseMessage = r.reason;
      success = s.assumeSuccess || (r.status >= 200 && r.status <= 399);
      for (const a of s.sampler.assertions) {
        const why = failure(a, r, ctx);
        if (why) {
          success = false;
          failureMessage ||= why;
        }
      }
    }
    return {
      timeStamp: Math.round(ex.startEpochMs),
      elapsed: Math.round(ex.elapsedMs),
      label: req.label,
      responseCode,
      responseMessage,
      threadName,
      dataType: r ? dataType(r.headers) : 'text',
      success,
      failureMessage,
      bytes: r ? r.bytes : 0,
      sentBytes: ex.sentBytes,
      grpThreads: active.group.get(groupNo) ?? 0,
      allThreads: active.all,
      URL: req.url,
      Latency: Math.round(ex.latencyMs),
      IdleTime: 0,
      Connect: Math.round(ex.connectMs),
    };
  };

  const timerDelay = (s: CompiledSampler, ctx: EvalContext): number => {
    let delay = 0;
    for (const t of s.sampler.timers) {
      const d = Number(evaluate(t.delay, ctx));
      delay += (Number.isFinite(d) ? d : 0) + (t.range > 0 ? clock.random() * t.range : 0);
    }
    return delay;
  };

  const runGroup = async (group: ThreadGroupPlan, groupNo: number): Promise<void> => {
    if (group.loops === undefined || group.loops === 0 || group.threads <= 0 || !group.samplers.length) return;
    const done = new AbortController();
    const groupStart = clock.now() + group.delaySec * 1000;
    const perThreadMs = group.threads ? (group.rampUpSec * 1000) / group.threads : 0;
    if (group.durationSec !== undefined) {
      const endAt = groupStart + group.durationSec * 1000;
      const until = AbortSignal.any([done.signal, hard.signal]);
      void (async () => {
        await clock.sleep(endAt - clock.now(), until);
        if (until.aborted) return;
        stopThreads(groupNo, false);
        await clock.sleep(graceMs, until);
        if (!until.aborted) stopThreads(groupNo, true);
      })();
    }
    const threads: Promise<void>[] = [];
    const mine: ThreadSignals[] = [];
    for (let i = 0; i < group.threads; i++) {
      const signals: ThreadSignals = {
        group: groupNo,
        stop: new AbortController(),
        stopped: false,
        cut: new AbortController(),
      };
      if (soft.signal.aborted) {
        signals.stop.abort();
        signals.stopped = true;
      }
      if (hard.signal.aborted) signals.cut.abort();
      threadSignals.add(signals);
      mine.push(signals);
      threads.push(runThread(group, groupNo, i, groupStart + Math.round(i * perThreadMs), signals));
    }
    await Promise.all(threads);
    for (const t of mine) threadSignals.delete(t);
    done.abort();
  };

  /** The open phase's pool while it runs: connections open now and the cap (for progress). */
  let pool: { size: number; cap: number } | undefined;
  let openFigures: OpenFigures | undefined;

  const runOpen = async (open: OpenModel): Promise<void> => {
    const groups = openGroups(plan);
    const durationSec = openDurationSec(plan);
    if (durationSec === undefined) throw new Error(openModelProblem(plan) ?? t`the open model has nothing to send`);
    // One request per arrival, through the main groups' samplers in the plan's order, round and round.
    const steps = groups.flatMap((g) => g.samplers.map((s) => ({ g, no: plan.threadGroups.indexOf(g) + 1, s })));
    const cap = Math.max(1, Math.floor(open.maxConnections));
    interface Slot {
      id: number;
      ctx: EvalContext;
      samplers: CompiledSampler[];
      /** Each step's thread name on this connection, made once rather than per request. */
      names: string[];
      channel: Channel;
      cut: AbortController;
    }
    const all: Slot[] = [];
    const idle: Slot[] = [];
    /** Arrivals waiting for a free connection, oldest first; atCap: the pool was at its cap when it began to wait. */
    interface Waiting {
      n: number;
      at: number;
      queuedAt: number;
      atCap: boolean;
    }
    let waiting: Waiting[] = [];
    let head = 0;
    const state = { size: 0, cap };
    pool = state;
    const start = clock.now();
    const endAt = start + durationSec * 1000;
    // Requests in flight are cut (Stop, or the end of the grace period) through each connection's own
    // signal: one signal shared by hundreds of connections would trip Node's listener-leak warning.
    let cutting = false;
    // One reason for every connection: abort() without one makes a DOMException, and its stack, per connection.
    const cutReason = new Error('the request was cut');
    const cut = (): void => {
      cutting = true;
      for (const slot of all) slot.cut.abort(cutReason);
    };
    const onHard = (): void => cut();
    if (hard.signal.aborted) cut();
    else hard.signal.addEventListener('abort', onHard, { once: true });
    let inFlight = 0;
    let drained: (() => void) | undefined;

    /** Connections the pool may still open now (a token bucket: poolGrowth's burst, refilled at its rate). */
    let growth = poolGrowth.burst;
    let grownAt = start;
    const mayGrow = (now: number): boolean => {
      if (all.length >= cap) return false;
      growth = Math.min(poolGrowth.burst, growth + ((now - grownAt) * poolGrowth.perSec) / 1000);
      grownAt = now;
      if (growth < 1) return false;
      growth--;
      return true;
    };
    /** When mayGrow can next say yes (the bucket's next whole connection). */
    const growthAt = (now: number): number => (growth >= 1 ? now : now + ((1 - growth) * 1000) / poolGrowth.perSec);
    /** When a request last went out on a connection: while requests wait, a sign the pool still turns over. */
    let lastSendAt = -Infinity;
    /** How many requests may wait for a connection: a pause of the generator of up to a second is caught up. */
    const maxWaiting = Math.max(cap, Math.ceil(Math.max(open.startRps, open.targetRps)));
    /** The next request's intended start: when it is past, this process is behind its schedule. */
    let nextAt = start + arrivalTimeMs(0, open);
    /** How long an answer takes on average (from the send, a moving mean): what a connection carries a second. */
    let serviceMs = 0;
    /** The lowest serviceMs in this window and the one before it (see littleCap). */
    const floor = { now: Infinity, before: Infinity, from: start };
    const noteService = (elapsedMs: number, at: number): void => {
      serviceMs = serviceMs ? serviceMs + (elapsedMs - serviceMs) / 32 : elapsedMs;
      if (at - floor.from >= serviceFloorWindowMs) {
        floor.before = floor.now;
        floor.now = Infinity;
        floor.from = at;
      }
      if (serviceMs < floor.now) floor.now = serviceMs;
    };
    /**
     * The pool, at the pace its answers come, carries less than the rate: more connections would help. When it
     * carries enough, or this process is behind its own schedule (a busy machine, whose lag also slows the answers
     * it reads), requests wait because of this process, and a connection more would only cost it more.
     */
    const poolTooSmall = (now: number): boolean => {
      const rps = rateAt(open, (now - start) / 1000);
      return (
        (all.length * 1000) / Math.max(serviceMs, 0.01) < 1.25 * rps &&
        all.length < littleCap(rps, Math.min(floor.now, floor.before))
      );
    };
    /**
     * When a waiting request gets a new connection: once none has freed for connectionWaitMs (a stall:
     * the connections are stuck), or once it has waited poolBehindMs (they turn over, but too few for the rate).
     */
    const growFrom = (w: Waiting, now: number): number =>
      // Behind its own schedule this process also reads answers late: no connection looks free, but none would help.
      now - nextAt >= connectionWaitMs
        ? Infinity
        : Math.min(
            Math.max(w.queuedAt, lastSendAt) + connectionWaitMs,
            poolTooSmall(now) ? w.queuedAt + poolBehindMs : Infinity,
          );
    const takeWaiting = (): Waiting | undefined => {
      const w = waiting[head++];
      if (w?.atCap) stats.late++;
      if (head > 1024 && head * 2 > waiting.length) {
        waiting = waiting.slice(head);
        head = 0;
      }
      return w;
    };

    const newSlot = (): Slot => {
      const id = all.length + 1;
      const ctx: EvalContext = {
        props: plan.props,
        vars: new Map(baseVars),
        threadNum: id,
        random: () => clock.random(),
        epochMs: () => clock.epochMs(),
        sharedCounters,
        threadCounters: new Map(),
      };
      const slot: Slot = {
        id,
        ctx,
        samplers: steps.map((st) => compileSampler(st.s, ctx, plan.dynamicVariables)),
        names: steps.map((st) => `${st.g.name} ${st.no}-${id}`),
        channel: transport.channel(),
        cut: new AbortController(),
      };
      if (cutting) slot.cut.abort(cutReason);
      all.push(slot);
      state.size = all.length;
      return slot;
    };

    const send = async (slot: Slot, first: { n: number; at: number }): Promise<void> => {
      let next: { n: number; at: number } | undefined = first;
      while (next) {
        const n: number = next.n;
        const at: number = next.at;
        const k = n % steps.length;
        const step = steps[k];
        const compiled = slot.samplers[k];
        if (!step || !compiled) break;
        const threadName = slot.names[k] ?? '';
        inFlight++;
        active.all++;
        active.group.set(step.no, (active.group.get(step.no) ?? 0) + 1);
        const sentAt = clock.now();
        lastSendAt = sentAt;
        stats.sending(sentAt);
        /** How late the request went out: its latency counts from when it should have. */
        const lag = Math.max(0, sentAt - at);
        const req = compiled.build(slot.ctx);
        let sample: JtlSample | undefined;
        let latencyUs = lag * 1000;
        if (isRequestError(req)) sample = errorSample(req, threadName, step.no);
        else {
          let ex = await slot.channel.exchange(req, compiled.keepBody, slot.cut.signal);
          noteService(ex.elapsedMs, clock.now());
          if (ex.interrupted && (hard.signal.aborted || !ex.sentBytes)) interrupted++;
          else {
            if (ex.interrupted) {
              ex = {
                ...ex,
                interrupted: false,
                error: {
                  code: noAnswerCode,
                  message: `no answer within the run (waited ${Math.round(ex.elapsedMs)} ms)`,
                },
              };
            }
            // The exchange is this request's own: its times move by the lag in place, not in a copy per request.
            ex.startEpochMs -= lag;
            ex.elapsedMs += lag;
            if (ex.latencyMs) ex.latencyMs += lag;
            latencyUs = ex.elapsedMs * 1000;
            sample = toSample(ex, req, compiled, slot.ctx, threadName, step.no);
            if (!ex.response) {
              const code = ex.error?.code ?? 'Error';
              failuresByCode[code] = (failuresByCode[code] ?? 0) + 1;
            }
          }
        }
        inFlight--;
        active.all--;
        active.group.set(step.no, (active.group.get(step.no) ?? 1) - 1);
        if (sample) {
          record(sample, latencyUs);
          const onError = step.g.onSampleError;
          if (!sample.success && (onError === 'stoptest' || onError === 'stoptestnow')) {
            if (stoppedBy === 'completed') stoppedBy = 'stoptest';
            stopTest(onError === 'stoptestnow');
          }
        }
        next =
          !soft.signal.aborted && !cutting && head < waiting.length && clock.now() < endAt ? takeWaiting() : undefined;
      }
      idle.push(slot);
      if (inFlight === 0) drained?.();
    };

    try {
      let n = 0;
      /** I/O ran since the last look at the queue: answers already read have freed their connections. */
      let caughtUp = false;
      for (;;) {
        if (soft.signal.aborted) break;
        let now = clock.now();
        if (now >= endAt) {
          // The duration is over: what the schedule still had to start (a generator far behind) is never sent.
          const unsent = Math.max(0, intendedTotal(open, durationSec) - n);
          stats.intended += unsent;
          stats.dropped += unsent;
          break;
        }
        const overdue = waiting[head];
        if (overdue && all.length < cap && now >= growFrom(overdue, now) && !caughtUp) {
          // A timer fires before the I/O that came in meanwhile: let it run before opening a connection
          // that an answer waiting to be read may make needless (a lagging event loop would grow the pool).
          await clock.yield();
          caughtUp = true;
          continue;
        }
        caughtUp = false;
        now = clock.now();
        // A request that waited connectionWaitMs for a connection to free gets a new one, as the pool may grow.
        while (head < waiting.length && all.length < cap) {
          const w = waiting[head];
          if (!w || now < growFrom(w, now) || !mayGrow(now)) break;
          takeWaiting();
          void send(newSlot(), w);
        }
        if (nextAt < endAt && nextAt <= now) {
          stats.arrival(nextAt);
          const slot = head < waiting.length ? undefined : (idle.pop() ?? (all.length ? undefined : newSlot()));
          if (slot) void send(slot, { n, at: nextAt });
          // Every connection is busy: wait for one (at most a second's requests, or the cap if more), else dropped.
          else if (waiting.length - head < maxWaiting)
            waiting.push({ n, at: nextAt, queuedAt: now, atCap: all.length >= cap });
          else stats.dropped++;
          n++;
          nextAt = start + arrivalTimeMs(n, open);
          if ((n & 255) === 0 && nextAt <= now) await clock.yield(); // far behind: still let I/O run
          continue;
        }
        // Requests waiting for a connection may still go until the duration ends.
        if (!(nextAt < endAt) && (head >= waiting.length || now >= endAt)) break;
        let wake = Math.min(nextAt, endAt);
        const w = waiting[head];
        if (w && all.length < cap) wake = Math.min(wake, Math.max(growFrom(w, now), growthAt(now)));
        await clock.sleep(wake - now, soft.signal);
      }
      // What still waits for a connection when the duration ends is never sent.
      stats.dropped += waiting.length - head;
      waiting = [];
      head = 0;
      if (inFlight > 0) {
        const done = new Promise<void>((resolve) => (drained = resolve));
        const over = new AbortController();
        void done.then(() => over.abort());
        const graceFrom = soft.signal.aborted ? clock.now() : Math.max(endAt, clock.now());
        await clock.sleep(graceFrom + graceMs - clock.now(), over.signal);
        cut();
        if (inFlight > 0) await done;
      }
    } finally {
      hard.signal.removeEventListener('abort', onHard);
      for (const slot of all) slot.channel.close();
      // The schedule's whole duration, or as far as it got when the run was stopped.
      const phaseSec = soft.signal.aborted
        ? Math.max(0.001, (Math.min(clock.now(), endAt) - start) / 1000)
        : durationSec;
      openFigures = {
        startRps: open.startRps,
        targetRps: open.targetRps,
        rampSec: open.rampSec,
        durationSec,
        intended: stats.intended,
        intendedRps: Math.round((stats.intended / phaseSec) * 10) / 10,
        sent: stats.sent,
        achievedRps: Math.round((stats.sent / phaseSec) * 10) / 10,
        late: stats.late,
        dropped: stats.dropped,
        connections: all.length,
        maxConnections: cap,
      };
      pool = undefined;
    }
  };

  const finished = new AbortController();
  const interval = opts.progressIntervalMs ?? 1000;
  const ticker = (async () => {
    if (!opts.onProgress) return;
    let next = startMs + interval;
    for (;;) {
      await clock.sleep(next - clock.now(), finished.signal);
      if (finished.signal.aborted) return;
      // Timers may fire a little early; report as of the tick, so each report closes a whole second.
      const at = Math.max(clock.now(), next);
      next += interval;
      const p = stats.progress(at, active.all);
      if (pool) p.open = stats.openProgress(at, pool.size, pool.cap);
      opts.onProgress(p);
    }
  })();

  try {
    const phases: ThreadGroupPlan['kind'][] = ['setup', 'main', 'teardown'];
    for (const phase of phases) {
      const groups = plan.threadGroups.map((g, i) => ({ g, no: i + 1 })).filter(({ g }) => g.kind === phase);
      if (phase === 'main' && opts.open) {
        if (!soft.signal.aborted) await runOpen(opts.open);
      } else if (plan.serializeThreadGroups) {
        for (const { g, no } of groups) {
          if (soft.signal.aborted) break;
          await runGroup(g, no);
        }
      } else {
        await Promise.all(groups.map(({ g, no }) => runGroup(g, no)));
      }
      // A cancelled or stopped test starts no further phase.
      if (soft.signal.aborted) break;
    }
  } finally {
    finished.abort();
    await ticker;
    opts.signal?.removeEventListener('abort', cancel);
  }
  const progress = stats.progress(clock.now(), 0);
  if (openFigures) progress.open = stats.openProgress(clock.now(), 0, openFigures.maxConnections);
  // A closed run whose rate fell (a stalled server gets fewer requests): the ramp-up is not a dip.
  const rampedBySec = Math.max(
    0,
    ...plan.threadGroups.filter((g) => g.kind === 'main').map((g) => g.delaySec + g.rampUpSec),
  );
  const dip = opts.open ? undefined : rateDip(stats.perSecond, rampedBySec);
  const h = stats.overall;
  const ms = (us: number): number => Math.round(us / 10) / 100;
  return {
    samples: stats.samples,
    errors: stats.errors,
    interrupted,
    stoppedBy,
    durationMs: clock.now() - startMs,
    latencyMs: {
      min: h.count ? ms(h.min) : 0,
      mean: ms(h.mean),
      p50: ms(h.percentile(50)),
      p95: ms(h.percentile(95)),
      p99: ms(h.percentile(99)),
      max: h.count ? ms(h.max) : 0,
    },
    firstError,
    failuresByCode,
    progress,
    ...(openFigures ? { open: openFigures } : {}),
    ...(dip ? { rateDip: dip } : {}),
  };
}
