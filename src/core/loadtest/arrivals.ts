// The open model's schedule, as arithmetic: when the n-th request should start at a constant or
// linearly ramping arrival rate (k6's constant- and ramping-arrival-rate, wrk2's -R), how the CLI
// writes a rate, how long an open run lasts, and the dip a closed run's rate shows when the server
// stalls (a closed model sends less while the server is slow, which its latencies alone hide).
import { t } from '../text/l10n';
import type { LoadPlan } from './plan';
import { handleHeadroom, threadBudget, type FileHandles } from './threadBudget';

/** Requests start at an arrival rate, whatever the server's pace, on a pool of connections that grows to a cap. */
export interface OpenModel {
  /** Requests per second at the start. */
  startRps: number;
  /** Requests per second once the ramp is over (startRps for a constant rate). */
  targetRps: number;
  /** Seconds from startRps to targetRps, linearly; 0: a constant rate. */
  rampSec: number;
  /** The most connections the pool grows to; past it requests wait for a free one (late) or are dropped. */
  maxConnections: number;
}

/** Milliseconds from the open phase's start to the intended start of request `n` (0-based). */
export function arrivalTimeMs(n: number, m: Pick<OpenModel, 'startRps' | 'targetRps' | 'rampSec'>): number {
  const r0 = m.startRps;
  const r1 = m.targetRps;
  const ramp = m.rampSec > 0 && r0 !== r1 ? m.rampSec : 0;
  if (ramp > 0) {
    // Arrivals by time t within the ramp: r0·t + (r1 − r0)·t²/(2·ramp); solved for t in its stable form.
    const a = (r1 - r0) / (2 * ramp);
    const inRamp = r0 * ramp + a * ramp * ramp;
    if (n < inRamp) {
      const root = Math.sqrt(Math.max(0, r0 * r0 + 4 * a * n));
      return n === 0 ? 0 : ((2 * n) / (r0 + root)) * 1000;
    }
    return r1 > 0 ? (ramp + (n - inRamp) / r1) * 1000 : Infinity;
  }
  return r1 > 0 ? (n / r1) * 1000 : Infinity;
}

/** How many requests the schedule starts in `durationSec` (the open run's intended total). */
export function intendedTotal(m: Pick<OpenModel, 'startRps' | 'targetRps' | 'rampSec'>, durationSec: number): number {
  const ramp = Math.min(m.rampSec, durationSec);
  const a = m.rampSec > 0 ? (m.targetRps - m.startRps) / (2 * m.rampSec) : 0;
  const inRamp = m.startRps * ramp + a * ramp * ramp;
  return Math.ceil(inRamp + m.targetRps * Math.max(0, durationSec - ramp) - 1e-9);
}

/** The schedule's rate at second `sec` (for the intended-rate line and messages). */
export function rateAt(m: Pick<OpenModel, 'startRps' | 'targetRps' | 'rampSec'>, sec: number): number {
  if (m.rampSec <= 0 || sec >= m.rampSec) return m.targetRps;
  return m.startRps + ((m.targetRps - m.startRps) * Math.max(0, sec)) / m.rampSec;
}

/** The open model's default cap on connections, before the file-handle budget lowers it. */
export const defaultMaxConnections = 1000;

/**
 * How the pool grows. A request due while every connection is busy waits for one to free. It gets a
 * new connection once no connection has freed for connectionWaitMs (the server is stuck: a stall;
 * shorter pauses are a busy machine's scheduling), or, when the connections at their answers' pace
 * carry less than the rate, once it has waited poolBehindMs; at most 16 at once and 1000 a
 * second. Opening a connection costs more than a request: a generator that fell behind (a pause, a
 * busy machine) and opened one for every request due would fall further behind, in a storm of
 * connects that overflows the server's accept queue. The wait is in the request's latency, which
 * counts from its intended start.
 */
export const connectionWaitMs = 20;
export const poolBehindMs = 50;

/**
 * How far the pool grows because it carries too little (not for a stall): by Little's law a rate of
 * r req/s at a service time of s holds r·s connections busy; the pool may hold four times that, plus
 * one, with s the lowest mean service time seen lately (BBR's minimum round-trip, over two windows of
 * serviceFloorWindowMs). Four, not BBR's two: at 80% of a machine's maximum the answers take several
 * times their unloaded time, and twice held 98.5-99.98% of the rate where four held 99.98% (bench).
 * The lowest, not the current: near a server's maximum, each connection more only lengthens its
 * queue, the mean service time grows with the pool, and a pool sized by the current mean would grow
 * without end while carrying less (more connections cost both sides CPU).
 */
export const serviceFloorWindowMs = 2500;
export function littleCap(rps: number, serviceFloorMs: number): number {
  return Number.isFinite(serviceFloorMs) ? Math.ceil((4 * rps * serviceFloorMs) / 1000) + 1 : Infinity;
}
export const poolGrowth = { burst: 16, perSec: 1000 };

/** The cap when none is given: the default, or fewer when this process's file handles allow fewer. */
export function defaultConnectionCap(h: FileHandles | undefined): number {
  return Math.max(1, Math.min(defaultMaxConnections, h ? threadBudget(h) : defaultMaxConnections));
}

/** Why a pool of `max` connections cannot run in this process, or undefined when it fits. */
export function connectionCapProblem(max: number, h: FileHandles | undefined): string | undefined {
  if (!h || max <= threadBudget(h)) return undefined;
  return t`--max-connections ${max} may need ${max} connections at once, but this process may have only ${h.limit} files \
open (ulimit -n) and has ${h.inUse} open already; keeping ${handleHeadroom(h.limit)} free for the rest, at most \
${threadBudget(h)} fit. Give a lower --max-connections, or raise the open-file limit (ulimit -n).`;
}

const rateNumber = /^\d+(?:\.\d+)?$/;

/**
 * `--rate 100` (constant) or `--rate 10..100` with `--ramp 30s` (10 to 100 req/s over 30 s, then
 * 100). A sentence naming the problem when the words are not that.
 */
export function parseRate(rate: string, ramp: string | undefined): Omit<OpenModel, 'maxConnections'> | string {
  const parts = rate.trim().split('..');
  if (parts.length > 2 || !parts.every((p) => rateNumber.test(p.trim())))
    return t`--rate takes requests per second, 100, or a ramp from one rate to another, 10..100; not '${rate}'`;
  const [from, to] = parts.map((p) => Number(p.trim()));
  const startRps = from ?? 0;
  const targetRps = to ?? startRps;
  if (targetRps <= 0) return t`--rate must end above 0 requests per second; not '${rate}'`;
  if (targetRps > 1_000_000) return t`--rate is at most 1000000 requests per second; not '${rate}'`;
  if (to === undefined) {
    if (ramp !== undefined) return t`--ramp goes with a ramping rate such as --rate 10..${rate.trim()}`;
    return { startRps, targetRps, rampSec: 0 };
  }
  if (ramp === undefined) return t`--rate ${rate.trim()} ramps: say over how long with --ramp, such as --ramp 30s`;
  const seconds = parseSeconds(ramp);
  if (seconds === undefined || seconds <= 0) return t`--ramp takes a duration such as 30s, 2m or 45; not '${ramp}'`;
  return { startRps, targetRps, rampSec: seconds };
}

/** "30s", "2m", "1h" or plain seconds. */
export function parseSeconds(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return unit === 'ms' ? n / 1000 : unit === 'm' ? n * 60 : unit === 'h' ? n * 3600 : n;
}

/** The main thread groups whose samplers the open model sends, in the plan's order. */
export function openGroups(plan: Pick<LoadPlan, 'threadGroups'>): LoadPlan['threadGroups'] {
  return plan.threadGroups.filter(
    (g) => g.kind === 'main' && g.loops !== undefined && g.loops !== 0 && g.threads > 0 && g.samplers.length > 0,
  );
}

/** How long the open phase lasts: the longest of the main groups' start delay plus duration. */
export function openDurationSec(plan: Pick<LoadPlan, 'threadGroups'>): number | undefined {
  const ends = openGroups(plan)
    .filter((g) => g.durationSec !== undefined)
    .map((g) => g.delaySec + (g.durationSec ?? 0));
  return ends.length ? Math.max(...ends) : undefined;
}

/** Why the open model cannot run this plan, or undefined. */
export function openModelProblem(plan: Pick<LoadPlan, 'threadGroups'>): string | undefined {
  if (!openGroups(plan).length) return t`the plan has no Thread Group with samplers to send at a rate`;
  if (openDurationSec(plan) === undefined)
    return t`the open model runs for a duration, and the plan's Thread Groups end by loop count: give one a duration \
(the scheduler, ThreadGroup.duration; the lab's plan reads it from -J DURATION=60), or run the closed model`;
  return undefined;
}

/** A stretch of a closed run whose rate fell well below its usual rate. */
export interface RateDip {
  /** Seconds into the run the dip began. */
  fromSec: number;
  seconds: number;
  /** The run's usual rate (the median second) and the dip's mean, requests per second. */
  usualRps: number;
  dipRps: number;
  /** How far the rate fell, in percent of the usual rate. */
  dropPercent: number;
}

/**
 * The longest stretch of whole seconds whose completed requests fell below half the run's median
 * second, skipping the ramp-up and the last, partial second; undefined when the rate held (or there
 * is too little to judge). `perSecond[i]` is the requests completed in second i.
 */
export function rateDip(perSecond: readonly number[], skipSec = 0): RateDip | undefined {
  const from = Math.max(1, Math.ceil(skipSec));
  const seconds = perSecond.slice(from, -1);
  if (seconds.length < 3) return undefined;
  const sorted = [...seconds].sort((a, b) => a - b);
  const usual = sorted[Math.floor(sorted.length / 2)] ?? 0;
  if (usual < 5) return undefined;
  let best: { start: number; length: number; sum: number } | undefined;
  let start = -1;
  let sum = 0;
  for (let i = 0; i <= seconds.length; i++) {
    const c = seconds[i];
    if (c !== undefined && c < usual / 2) {
      if (start < 0) {
        start = i;
        sum = 0;
      }
      sum += c;
      continue;
    }
    if (start >= 0 && (!best || i - start > best.length)) best = { start, length: i - start, sum };
    start = -1;
  }
  if (!best) return undefined;
  const dipRps = best.sum / best.length;
  return {
    fromSec: from + best.start,
    seconds: best.length,
    usualRps: usual,
    dipRps: Math.round(dipRps * 10) / 10,
    dropPercent: Math.round((1 - dipRps / usual) * 100),
  };
}
