// OTLP/HTTP JSON metric exports for the tests that feed a real collector and then read its own
// figures (the pipeline view's live and forward tests): `points` data points per request, so the
// collector's accepted-points counter is known in advance.
import { strict as assert } from 'node:assert';

export interface OtlpExportOptions {
  /** The resource's service.name. */
  service: string;
  /** A gauge `queue_depth`, or a cumulative monotonic sum `requests`. */
  kind: 'gauge' | 'sum';
}

/** One export request with `points` data points of one metric. */
export function otlpMetricsRequest(points: number, opts: OtlpExportOptions): string {
  const now = `${Date.now()}000000`;
  const dataPoints = Array.from({ length: points }, (_v, i) => ({
    asInt: String(opts.kind === 'sum' ? i + 1 : i),
    timeUnixNano: now,
    attributes: [{ key: 'n', value: { intValue: String(i) } }],
  }));
  const metric =
    opts.kind === 'sum'
      ? { name: 'requests', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints } }
      : { name: 'queue_depth', gauge: { dataPoints } };
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: opts.service } }] },
        scopeMetrics: [{ scope: { name: 'test' }, metrics: [metric] }],
      },
    ],
  });
}

/** Sends `requests` export requests of `points` points to the collector's OTLP/HTTP port; each must be accepted. */
export async function sendOtlpMetrics(
  port: number,
  requests: number,
  points: number,
  opts: OtlpExportOptions,
): Promise<void> {
  for (let i = 0; i < requests; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/v1/metrics`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: otlpMetricsRequest(points, opts),
    });
    assert.equal(res.status, 200, `the collector accepts request ${i + 1}`);
  }
}
