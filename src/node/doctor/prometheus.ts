// The doctor's view of Prometheus: targets, metric names, the series the collector's metrics
// endpoint holds, whether the collector still receives points, and its version (the chain offers
// the Prometheus 3 `le`/`quantile` rewrites unless it is a 2.x). A failure becomes the reason the
// Prometheus links are skipped.
import { PrometheusClient, PrometheusError, type FetchLike } from '../../core/prometheus/client';
import { appMetrics } from '../../core/facts';
import type { DoctorSnapshot, PrometheusState } from '../../core/doctor/snapshot';
import { t } from '../../core/text/l10n';

export interface PrometheusGatherOptions {
  url: string;
  service: string;
  namespace: string;
  metricsPort: string;
  /** The increase() range for freshness: a few export intervals of the app. */
  window: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  hint?: string;
}

/**
 * The doctor's own PromQL for the collector's Service: no `le` or `quantile` matcher, so it means
 * the same on Prometheus 2 and 3 (test/unit/doctor-prometheus3.test.ts holds it to that).
 */
export function doctorQueries(sel: string, window: string): { accepted: string; newestAge: string; uptime: string } {
  return {
    accepted: `sum(increase({__name__=~"otelcol_receiver_accepted_metric_points(_total)?", ${sel}}[${window}]))`,
    newestAge: `time() - max(timestamp({__name__="${appMetrics.durationBase}_count", ${sel}}))`,
    // otelcol_process_uptime in 0.155.0 (the pull reader drops type suffixes), _seconds_total before.
    uptime: `max({__name__=~"otelcol_process_uptime(_seconds_total)?", ${sel}})`,
  };
}

/** The single float of an instant answer; undefined for none, a native histogram, or not a number. */
function scalar(v: { data: { resultType: string; result: unknown } }): number | undefined {
  if (v.data.resultType !== 'vector' || !Array.isArray(v.data.result)) return undefined;
  const first = v.data.result[0] as { value?: [number, string] } | undefined;
  const n = first?.value ? Number(first.value[1]) : undefined;
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

export async function gatherPrometheus(
  o: PrometheusGatherOptions,
): Promise<{ prometheus?: PrometheusState; problem?: string }> {
  const client = new PrometheusClient({
    baseUrl: o.url,
    fetch: o.fetch ?? ((u, init) => fetch(u, init)),
    timeoutMs: o.timeoutMs ?? 5000,
    unreachableHint: o.hint ?? t`check the URL, and that the port-forward or Prometheus is running`,
  });
  const sel = `service="${o.service}", namespace="${o.namespace}"`;
  const q = doctorQueries(sel, o.window);
  try {
    const now = Date.now() / 1000;
    const [targets, names, series, accepted, age, build, uptime] = await Promise.all([
      client.targets({ state: 'active' }),
      client.metricNames(),
      client.series([`{${sel}, endpoint="${o.metricsPort}"}`], { start: now - 300, end: now }),
      client.query(q.accepted).catch(() => undefined),
      client.query(q.newestAge).catch(() => undefined),
      client.buildInfo().catch(() => undefined),
      client.query(q.uptime).catch(() => undefined),
    ]);
    const collectorUptimeSeconds = uptime ? scalar(uptime) : undefined;
    const acceptedPointsIncrease = accepted ? scalar(accepted) : undefined;
    const newest = age ? scalar(age) : undefined;
    return {
      prometheus: {
        url: client.baseUrl,
        ...(build ? { version: build.version } : {}),
        targets: targets.activeTargets.map((t) => ({
          scrapePool: t.scrapePool,
          scrapeUrl: t.scrapeUrl,
          health: t.health,
          lastError: t.lastError,
          lastScrape: t.lastScrape,
          labels: t.labels,
        })),
        metricNames: names,
        appSeries: [...new Set(series.map((l) => l['__name__'] ?? '').filter(Boolean))].sort(),
        ...(acceptedPointsIncrease !== undefined ? { acceptedPointsIncrease } : {}),
        freshnessWindow: o.window,
        ...(collectorUptimeSeconds !== undefined ? { collectorUptimeSeconds } : {}),
        ...(newest !== undefined
          ? { newestAppSampleAgeSeconds: newest, freshnessMetric: `${appMetrics.durationBase}_count` }
          : {}),
      },
    };
  } catch (e) {
    return {
      problem:
        e instanceof PrometheusError
          ? e.message
          : t`Prometheus at ${o.url} could not be read: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

/** Puts a gathered Prometheus (or why not) into a snapshot. */
export function withPrometheus(s: DoctorSnapshot, r: { prometheus?: PrometheusState; problem?: string }): void {
  if (r.prometheus) s.prometheus = r.prometheus;
  else s.unavailable.prometheus = r.problem ?? t`Prometheus was not read`;
}
