// The summary of a .jtl, whoever wrote it (JMeter or the built-in engine): counts, throughput as
// JMeter computes it (samples over the span from the first start to the last end), and exact
// latency percentiles by nearest rank over `elapsed`, overall, by label and by response code.
import { t } from '../text/l10n';
import { scanJtl, type JtlSample } from './jtl';

export interface LatencyMs {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LabelSummary {
  samples: number;
  errors: number;
  throughputPerSec: number;
  latencyMs: LatencyMs;
}

export interface Summary extends LabelSummary {
  /** errors / samples, 0..1 (0 without samples). */
  errorRate: number;
  /** From the first sample's start to the last sample's end. */
  durationSec: number;
  byLabel: Record<string, LabelSummary>;
  byResponseCode: Record<string, number>;
  /** Whether the file had its header line (without one, JMeter's default column order is assumed). */
  header: boolean;
  /** Records skipped as unreadable, and the line numbers of the first few. */
  broken: number;
  brokenLines: number[];
}

/** A growable array of numbers, so a million samples cost 8 MB, not a million objects. */
class Values {
  private data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

class Accumulator {
  samples = 0;
  errors = 0;
  sum = 0;
  firstStart = Infinity;
  lastEnd = -Infinity;
  elapsed = new Values();

  add(s: JtlSample): void {
    this.samples++;
    if (!s.success) this.errors++;
    this.sum += s.elapsed;
    this.elapsed.push(s.elapsed);
    this.firstStart = Math.min(this.firstStart, s.timeStamp);
    this.lastEnd = Math.max(this.lastEnd, s.timeStamp + s.elapsed);
  }

  get spanMs(): number {
    return this.samples ? Math.max(1, this.lastEnd - this.firstStart) : 0;
  }

  result(): LabelSummary {
    const sorted = this.elapsed.sorted();
    const at = (p: number): number =>
      sorted.length ? (sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] ?? 0) : 0;
    return {
      samples: this.samples,
      errors: this.errors,
      throughputPerSec: this.samples ? round2((this.samples * 1000) / this.spanMs) : 0,
      latencyMs: {
        min: sorted[0] ?? 0,
        mean: this.samples ? round2(this.sum / this.samples) : 0,
        p50: at(50),
        p90: at(90),
        p95: at(95),
        p99: at(99),
        max: sorted[sorted.length - 1] ?? 0,
      },
    };
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Summarizes samples one by one; `summarizeJtl` feeds it from a file's text. */
export class SummaryBuilder {
  private all = new Accumulator();
  private labels = new Map<string, Accumulator>();
  private codes = new Map<string, number>();

  add(s: JtlSample): void {
    this.all.add(s);
    let acc = this.labels.get(s.label);
    if (!acc) this.labels.set(s.label, (acc = new Accumulator()));
    acc.add(s);
    this.codes.set(s.responseCode, (this.codes.get(s.responseCode) ?? 0) + 1);
  }

  result(
    scan: { header: boolean; broken: number; brokenLines: number[] } = { header: true, broken: 0, brokenLines: [] },
  ): Summary {
    const overall = this.all.result();
    return {
      ...overall,
      errorRate: overall.samples ? round2((overall.errors / overall.samples) * 10_000) / 10_000 : 0,
      durationSec: round2(this.all.spanMs / 1000),
      byLabel: Object.fromEntries([...this.labels].map(([label, acc]) => [label, acc.result()])),
      byResponseCode: Object.fromEntries(this.codes),
      header: scan.header,
      broken: scan.broken,
      brokenLines: scan.brokenLines,
    };
  }
}

export function summarizeJtl(text: string): Summary {
  const builder = new SummaryBuilder();
  const scan = scanJtl(text, (s) => builder.add(s));
  return builder.result(scan);
}

/** The summary as a few lines of text for a terminal. */
export function formatSummary(s: Summary): string[] {
  const lat = (l: LatencyMs): string =>
    t`min ${l.min}  mean ${l.mean}  p50 ${l.p50}  p90 ${l.p90}  p95 ${l.p95}  p99 ${l.p99}  max ${l.max} ms`;
  const lines = [
    t`${s.samples} samples, ${s.errors} errors (${(s.errorRate * 100).toFixed(2)}%), ${s.throughputPerSec}/s over ${s.durationSec} s`,
  ];
  if (s.samples) lines.push(t`latency: ${lat(s.latencyMs)}`);
  for (const [label, l] of Object.entries(s.byLabel))
    lines.push(
      '  ' +
        t`${label || t`(no label)`}: ${l.samples} samples, ${l.errors} errors, ${l.throughputPerSec}/s, \
p50 ${l.latencyMs.p50} p95 ${l.latencyMs.p95} p99 ${l.latencyMs.p99} ms`,
    );
  const codes = Object.entries(s.byResponseCode).sort((a, b) => b[1] - a[1]);
  if (codes.length) lines.push(t`response codes: ${codes.map(([c, n]) => `${c || t`(none)`} ×${n}`).join(', ')}`);
  if (!s.header) lines.push(t`note: the file has no header line; read with JMeter's default column order`);
  if (s.broken)
    lines.push(t`note: ${s.broken} unreadable record(s) skipped (first at line ${s.brokenLines.join(', ')})`);
  return lines;
}
