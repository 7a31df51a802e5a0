// The load generator's own figures in Prometheus' text exposition format (version 0.0.4), so the
// sandbox's Prometheus can scrape the client beside the server and one chart can hold both p95s.
// Fed from .jtl rows (JMeter's and the built-in engine's alike), by sampler label. The latency
// histogram uses the app's own bucket bounds, so histogram_quantile interpolates the client's and
// the server's p95 in the same buckets and the two lines compare; `le` is written as Prometheus 3
// stores it ("1.0", not "1"), so a matcher copied from either side matches the other.
import { appMetrics } from '../facts';
import type { JtlSample } from './jtl';

export const clientMetricNames = {
  requests: 'obslab_loadtest_requests_total',
  errors: 'obslab_loadtest_errors_total',
  duration: 'obslab_loadtest_request_duration_seconds',
} as const;

/** The scrape job the sandbox's Prometheus gives the generator's endpoint. */
export const clientMetricsJob = 'obslab-loadtest';

/**
 * The bounds (seconds) of the app's http.server.request.duration histogram, the OpenTelemetry
 * semantic conventions' advice that opentelemetry-instrumentation-flask 0.66b1 applies: what
 * test/integration/sandbox.test.ts reads from the real app's series (checked 2026-12-05).
 */
export const clientDurationBuckets: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** Labels beyond this many (a plan that names samplers by a counter) are summed under `otherLabel`. */
export const maxClientLabels = 100;
export const otherLabel = '(other labels)';

/**
 * A bound as Prometheus 3 writes `le` when it scrapes a classic histogram (model/labels
 * FormatOpenMetricsFloat, 3.14.0, read 2026-12-05): 1 → "1.0", 0.005 → "0.005".
 */
export function formatLe(bound: number): string {
  if (bound === Infinity) return '+Inf';
  return Number.isInteger(bound) ? `${bound}.0` : String(bound);
}

/** A label value in the exposition: backslash, double quote and line feed escaped. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A HELP text: backslash and line feed escaped. */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** The response code as a short label value: "Non HTTP response code: ECONNREFUSED" becomes "ECONNREFUSED". */
export function codeLabel(responseCode: string): string {
  const m = /^Non HTTP response code: (.*)$/s.exec(responseCode);
  return (m ? m[1] : responseCode) || 'none';
}

const boundsMs = clientDurationBuckets.map((b) => Math.round(b * 1000));

interface LabelFigures {
  codes: Map<string, number>;
  errors: number;
  /** Samples per bucket, not cumulative; the last is above the largest bound. */
  buckets: number[];
  sumMs: number;
  count: number;
}

/** Counts samples as they come and writes them out on each scrape. */
export class ClientMetrics {
  private readonly byLabel = new Map<string, LabelFigures>();

  /** @param sinceMs Rows that started before this (epoch ms) belong to an earlier run in the same file and are not counted. */
  constructor(private readonly sinceMs = 0) {}

  get samples(): number {
    let n = 0;
    for (const f of this.byLabel.values()) n += f.count;
    return n;
  }

  record(s: JtlSample): void {
    if (s.timeStamp < this.sinceMs) return;
    let label = s.label;
    let f = this.byLabel.get(label);
    if (!f && this.byLabel.size >= maxClientLabels) {
      label = otherLabel;
      f = this.byLabel.get(label);
    }
    if (!f) {
      f = { codes: new Map(), errors: 0, buckets: new Array<number>(boundsMs.length + 1).fill(0), sumMs: 0, count: 0 };
      this.byLabel.set(label, f);
    }
    const code = codeLabel(s.responseCode);
    f.codes.set(code, (f.codes.get(code) ?? 0) + 1);
    if (!s.success) f.errors++;
    const ms = Math.max(0, s.elapsed);
    let i = boundsMs.findIndex((b) => ms <= b);
    if (i < 0) i = boundsMs.length;
    f.buckets[i] = (f.buckets[i] ?? 0) + 1;
    f.sumMs += ms;
    f.count++;
  }

  /** The text a scrape gets: HELP and TYPE once per family, then its samples, labels sorted. */
  exposition(): string {
    const labels = [...this.byLabel.keys()].sort();
    const out: string[] = [];
    const family = (name: string, type: 'counter' | 'histogram', help: string): void => {
      out.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
    };
    const l = (label: string): string => `label="${escapeLabelValue(label)}"`;

    family(
      clientMetricNames.requests,
      'counter',
      'Requests the load generator finished, by sampler label and response code.',
    );
    for (const label of labels) {
      const f = this.byLabel.get(label);
      for (const [code, n] of [...(f?.codes ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        out.push(`${clientMetricNames.requests}{${l(label)},code="${escapeLabelValue(code)}"} ${n}`);
    }

    family(
      clientMetricNames.errors,
      'counter',
      'Requests the load generator counted as failed (a code that is not 2xx/3xx, a failed assertion, no answer), by sampler label.',
    );
    for (const label of labels)
      out.push(`${clientMetricNames.errors}{${l(label)}} ${this.byLabel.get(label)?.errors ?? 0}`);

    const d = clientMetricNames.duration;
    family(
      d,
      'histogram',
      "Request latency as the load generator measured it (JMeter's elapsed), by sampler label, in the app's buckets.",
    );
    for (const label of labels) {
      const f = this.byLabel.get(label);
      if (!f) continue;
      let cumulative = 0;
      boundsMs.forEach((_, i) => {
        cumulative += f.buckets[i] ?? 0;
        out.push(`${d}_bucket{${l(label)},le="${formatLe(clientDurationBuckets[i] ?? 0)}"} ${cumulative}`);
      });
      out.push(`${d}_bucket{${l(label)},le="+Inf"} ${f.count}`);
      out.push(`${d}_sum{${l(label)}} ${f.sumMs / 1000}`);
      out.push(`${d}_count{${l(label)}} ${f.count}`);
    }
    return `${out.join('\n')}\n`;
  }
}

/**
 * The Content-Type of the text format. Prometheus 3 fails a scrape whose Content-Type is missing or
 * unknown unless the job sets fallback_scrape_protocol (model/textparse extractMediaType, 3.14.0,
 * read 2026-12-05).
 */
export const expositionContentType = 'text/plain; version=0.0.4; charset=utf-8';

/** A file_sd target file: the endpoint and the labels each of its series gets. */
export function clientMetricsTargets(hostPort: string, labels: Record<string, string>): string {
  return `${JSON.stringify([{ targets: [hostPort], labels }], null, 2)}\n`;
}

/** The p95 over `window` of one histogram, all its series summed. */
function p95(bucketSeries: string, window: string): string {
  return `histogram_quantile(0.95, sum by (le) (rate(${bucketSeries}[${window}])))`;
}

/**
 * One expression, two series: the client's p95 (side="client") and the server's
 * (side="server"), label_replace giving each its own label so `or` keeps both.
 */
export function clientServerP95Query(window = '1m'): string {
  return (
    `label_replace(${p95(`${clientMetricNames.duration}_bucket`, window)}, "side", "client", "", "")\n` +
    `or\n` +
    `label_replace(${p95(`${appMetrics.durationBase}_bucket`, window)}, "side", "server", "", "")`
  );
}
