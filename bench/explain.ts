// Query explain's cost (issue 19): parsing a lab query with lezer-promql, building its tree in words
// and running every part as its own instant query, against Prometheus 3.14.0 scraping the real app
// through the real collector (the harness' parts, on 127.0.0.1). Goal: under 500 ms per query.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parser } from '@prometheus-io/lezer-promql';
import { PrometheusClient } from '../src/core/prometheus/client';
import { explainQuery, flattenExplain, runExplain } from '../src/core/promql/explain';
import { renderLabQueries } from '../src/core/promql/labQueries';
import { defaultParams } from '../src/core/scaffold/params';
import { startApp, type RunningApp } from '../test/harness/app';
import { repoRoot, sleep } from '../test/harness/lib';
import {
  collectorVersions,
  defaultCollectorConfig,
  freeCollectorPorts,
  startCollector,
  type RunningCollector,
} from '../test/harness/otelcol';
import { startPrometheus, type RunningPrometheus } from '../test/harness/prometheus';

const goalMs = 500;

function row(what: string, value: string, note = ''): void {
  console.log(`${what.padEnd(64)} ${value.padStart(14)}  ${note}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

export async function benchExplain(): Promise<void> {
  const queries = renderLabQueries(
    readFileSync(join(repoRoot, 'templates', 'lab', 'queries', 'lab-queries.promql'), 'utf8'),
    defaultParams,
  );
  let collector: RunningCollector | undefined;
  let app: RunningApp | undefined;
  let prom: RunningPrometheus | undefined;
  try {
    const p = await freeCollectorPorts();
    collector = await startCollector(collectorVersions.recent, defaultCollectorConfig(p));
    app = await startApp({
      name: `app-bench-explain-${process.pid}`,
      env: {
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${p.otlpGrpc}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
      },
    });
    prom = await startPrometheus(
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: otel-collector\n    static_configs:\n` +
        `      - targets: ['127.0.0.1:${p.prometheus}', '127.0.0.1:${p.telemetry}']\n` +
        `        labels: {namespace: ${defaultParams.monitoringNamespace}, service: otel-collector}\n`,
    );
    const client = new PrometheusClient({ baseUrl: prom.url, fetch: (u, init) => fetch(u, init) });
    // Data for every query first (bounded: 60 s), so each part answers with real series.
    const deadline = Date.now() + 60_000;
    for (;;) {
      await (
        await fetch(`${app.url}/hash`, { method: 'POST', body: new URLSearchParams({ data: 'b' }) })
      ).arrayBuffer();
      const counts = await Promise.all(
        queries.map(async (q) => {
          const r = await client.query(q.expr).catch(() => undefined);
          return r?.data.resultType === 'vector' ? r.data.result.length : 0;
        }),
      );
      if (counts.filter((n) => n > 0).length >= queries.length - 1 || Date.now() > deadline) break;
      await sleep(1000);
    }
    const perQuery: number[] = [];
    let nodes = 0;
    for (const q of queries) {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        const root = explainQuery(q.expr, parser.parse(q.expr).topNode).root;
        const flat = root ? flattenExplain(root) : [];
        await runExplain(client, flat, { time: Date.now() / 1000 });
        times.push(performance.now() - t0);
        if (i === 0) nodes += flat.length;
      }
      perQuery.push(median(times));
    }
    const worst = Math.max(...perQuery);
    row(
      `explain with counts, the lab's ${queries.length} queries (${nodes} parts), worst median of 7`,
      `${worst.toFixed(1)} ms`,
      `${(worst / goalMs).toFixed(3)}× of the ${goalMs} ms goal per query (all six: ${perQuery
        .reduce((a, b) => a + b, 0)
        .toFixed(1)} ms)`,
    );
  } finally {
    await prom?.stop();
    await app?.stop();
    await collector?.stop();
  }
}

if (require.main === module) void benchExplain();
