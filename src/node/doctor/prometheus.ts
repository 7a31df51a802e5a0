// The doctor's view of Prometheus: targets, metric names, the series the collector's metrics
// endpoint holds, and whether the collector still receives points. A failure becomes the reason
// the Prometheus links are skipped.
import { PrometheusClient, PrometheusError, type FetchLike } from '../../core/prometheus/client';
import { appMetrics } from '../../core/facts';
import type { DoctorSnapshot, PrometheusState } from '../../core/doctor/snapshot';

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
    unreachableHint: o.hint ?? 'check the URL, and that the port-forward or Prometheus is running',
  });
  const sel = `service="${o.service}", namespace="${o.namespace}"`;
  try {
    const now = Date.now() / 1000;
    const [targets, names, series, accepted, age, build, uptime] = await Promise.all([
      client.targets({ state: 'active' }),
      client.metricNames(),
      client.series([`{${sel}, endpoint="${o.metricsPort}"}`], { start: now - 300, end: now }),
      client
        .query(`sum(increase({__name__=~"otelcol_receiver_accepted_metric_points(_total)?", ${sel}}[${o.window}]))`)
        .catch(() => undefined),
      client
        .query(`time() - max(timestamp({__name__="${appMetrics.durationBase}_count", ${sel}}))`)
        .catch(() => undefined),
      client.buildInfo().catch(() => undefined),
      // otelcol_process_uptime in 0.155.0 (the pull reader drops type suffixes), _seconds_total before.
      client.query(`max({__name__=~"otelcol_process_uptime(_seconds_total)?", ${sel}})`).catch(() => undefined),
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
          : `Prometheus at ${o.url} could not be read: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

/** Puts a gathered Prometheus (or why not) into a snapshot. */
export function withPrometheus(s: DoctorSnapshot, r: { prometheus?: PrometheusState; problem?: string }): void {
  if (r.prometheus) s.prometheus = r.prometheus;
  else s.unavailable.prometheus = r.problem ?? 'Prometheus was not read';
}
