// Live statistics of a run: an HDR-style histogram of latencies (microseconds) overall and per
// second, so progress can report p50/p95/p99 over the last few seconds without keeping samples.
import { t } from '../text/l10n';
import { Histogram } from './histogram';

export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface Progress {
  /** Seconds since the run started. */
  elapsedSec: number;
  activeThreads: number;
  /** Over the last whole second. */
  rps: number;
  errorRate: number;
  /** Milliseconds, over the last `windowSec` seconds. */
  window: LatencyPercentiles & { seconds: number; samples: number };
  overall: LatencyPercentiles & { samples: number; errors: number; rps: number };
  /** The open model's figures; absent in the closed model. */
  open?: OpenProgress;
}

/** The open model as it goes: the schedule's rate against what was sent, and what could not go on time. */
export interface OpenProgress {
  /** Requests the schedule started in the last whole second, and those sent in it. */
  intendedRps: number;
  achievedRps: number;
  /** Since the start: requests the schedule started, sent, waited for a free connection (late), never sent (dropped). */
  intended: number;
  sent: number;
  late: number;
  dropped: number;
  /** Connections open now, and the cap. */
  connections: number;
  maxConnections: number;
}

const toMs = (us: number): number => Math.round(us / 10) / 100;

function percentiles(h: Histogram): LatencyPercentiles {
  return { p50: toMs(h.percentile(50)), p95: toMs(h.percentile(95)), p99: toMs(h.percentile(99)) };
}

interface Second {
  index: number;
  histogram: Histogram;
  samples: number;
  errors: number;
  /** The open model: requests the schedule started in this second, and those sent. */
  intended: number;
  sent: number;
}

export class LiveStats {
  readonly overall = new Histogram();
  samples = 0;
  errors = 0;
  /** Requests completed in each second of the run, from the start: what a closed run's rate dip is read from. */
  readonly perSecond: number[] = [];
  /** The open model's totals. */
  intended = 0;
  sent = 0;
  late = 0;
  dropped = 0;
  private seconds: Second[] = [];
  /** Where figures for a second no longer kept go. */
  private readonly stale: Second = {
    index: -1,
    histogram: new Histogram(),
    samples: 0,
    errors: 0,
    intended: 0,
    sent: 0,
  };

  constructor(
    private readonly startMs: number,
    readonly windowSec = 5,
  ) {}

  private second(nowMs: number): Second {
    const index = Math.floor((nowMs - this.startMs) / 1000);
    let s = this.seconds.at(-1);
    if (s && index < s.index) {
      // The open model counts a late request in the second it was due: an earlier, kept second (or none).
      let i = this.seconds.length - 1;
      while (i >= 0 && (this.seconds[i]?.index ?? -Infinity) > index) i--;
      const found = this.seconds[i];
      if (found?.index === index) return found;
      // Older than every second kept: counted in the totals only (a new histogram per call would churn memory).
      if (i < 0 && this.seconds.length >= this.windowSec + 2) return this.stale;
      const fresh: Second = { index, histogram: new Histogram(), samples: 0, errors: 0, intended: 0, sent: 0 };
      this.seconds.splice(i + 1, 0, fresh);
      while (this.seconds.length > this.windowSec + 2) this.seconds.shift();
      return fresh;
    }
    if (!s || s.index !== index) {
      s = { index, histogram: new Histogram(), samples: 0, errors: 0, intended: 0, sent: 0 };
      this.seconds.push(s);
      // Keep the window and the second before it: enough for "last whole second".
      while (this.seconds.length > this.windowSec + 2) this.seconds.shift();
    }
    return s;
  }

  record(endMs: number, latencyUs: number, ok: boolean): void {
    this.overall.record(latencyUs);
    this.samples++;
    if (!ok) this.errors++;
    const s = this.second(endMs);
    s.histogram.record(latencyUs);
    s.samples++;
    if (!ok) s.errors++;
    if (s.index >= 0 && s.index < 1_000_000) {
      while (this.perSecond.length <= s.index) this.perSecond.push(0);
      this.perSecond[s.index] = (this.perSecond[s.index] ?? 0) + 1;
    }
  }

  /** The open model: a request the schedule starts at `atMs` (its intended start). */
  arrival(atMs: number): void {
    this.intended++;
    this.second(atMs).intended++;
  }

  /** The open model: a request went out at `nowMs`. */
  sending(nowMs: number): void {
    this.sent++;
    this.second(nowMs).sent++;
  }

  /** The open model's figures as of `nowMs`. */
  openProgress(nowMs: number, connections: number, maxConnections: number): OpenProgress {
    const last = this.seconds.find((s) => s.index === Math.floor((nowMs - this.startMs) / 1000) - 1);
    return {
      intendedRps: last?.intended ?? 0,
      achievedRps: last?.sent ?? 0,
      intended: this.intended,
      sent: this.sent,
      late: this.late,
      dropped: this.dropped,
      connections,
      maxConnections,
    };
  }

  progress(nowMs: number, activeThreads: number): Progress {
    const current = Math.floor((nowMs - this.startMs) / 1000);
    const last = this.seconds.find((s) => s.index === current - 1);
    const window = new Histogram();
    let windowSamples = 0;
    for (const s of this.seconds) {
      if (s.index >= current - this.windowSec && s.index < current) {
        window.add(s.histogram);
        windowSamples += s.samples;
      }
    }
    const elapsedSec = Math.max(0, (nowMs - this.startMs) / 1000);
    return {
      elapsedSec: Math.round(elapsedSec * 10) / 10,
      activeThreads,
      rps: last?.samples ?? 0,
      errorRate: last?.samples ? last.errors / last.samples : 0,
      window: { seconds: this.windowSec, samples: windowSamples, ...percentiles(window) },
      overall: {
        samples: this.samples,
        errors: this.errors,
        rps: elapsedSec > 0 ? Math.round((this.samples / elapsedSec) * 10) / 10 : 0,
        ...percentiles(this.overall),
      },
    };
  }
}

/** The status bar's text while a run goes: requests per second, the recent p95 and the error share. */
export function progressStatusText(p: Progress): string {
  return t`$(pulse) ${p.rps} req/s · p95 ${p.window.p95} ms · ${(p.errorRate * 100).toFixed(1)}% err`;
}
