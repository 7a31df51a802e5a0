// The Prometheus the lab runs (3.14.0, what kube-prometheus-stack 88.5.3 deploys), built by the
// harness from its Go module, against what the product writes and suggests for it: the version
// it reports, `le` values stored as floats (so `le="1"` matches nothing and our rewrite does),
// and a UTF-8 metric name from a real scrape target (the app → collector 0.155.0 with
// translation_strategy NoUTF8EscapingWithSuffixes), found only through the quoted form we suggest,
// with its UTF-8 label's values asked as completion asks them; `obslab query` naming the le
// rewrite; native histograms off by default and, once on, answered as "histogram" samples that
// the client and the CLI read; and the lab's six queries, which must all return data on the lab's
// own pipeline.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { PrometheusClient, PrometheusError, type FetchLike } from '../../src/core/prometheus/client';
import type { VectorSample } from '../../src/core/prometheus/types';
import { isLabelValuesRequest } from '../../src/core/protocol/query';
import { floatLabelRewrites, formatOpenMetricsFloat, parseLabelFloat } from '../../src/core/promql/bucketLabels';
import { renderLabQueries } from '../../src/core/promql/labQueries';
import { selectorFor } from '../../src/core/promql/names';
import { suggestForQuery } from '../../src/core/promql/suggest';
import { defaultParams } from '../../src/core/scaffold/params';
import { startApp, type RunningApp } from '../harness/app';
import { repoRoot, sleep } from '../harness/lib';
import {
  collectorVersions,
  defaultCollectorConfig,
  freeCollectorPorts,
  startCollector,
  type RunningCollector,
} from '../harness/otelcol';
import {
  PROMETHEUS_VERSION,
  installPrometheus,
  lastPrometheusBuild,
  prometheusVersion,
  startPrometheus,
  type RunningPrometheus,
} from '../harness/prometheus';

const nodeFetch: FetchLike = (url, init) => fetch(url, init);

function client(url: string): PrometheusClient {
  return new PrometheusClient({ baseUrl: url, fetch: nodeFetch });
}

async function vector(c: PrometheusClient, expr: string): Promise<VectorSample[]> {
  const r = await c.query(expr);
  assert.equal(r.data.resultType, 'vector', expr);
  return r.data.result;
}

/** Polls until `probe` returns a value, or fails with what was last seen. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await sleep(500);
  }
  assert.fail(`${what}: not within ${timeoutMs / 1000} s${last ? ` (last error: ${last})` : ''}`);
}

/** A Prometheus scraping itself every second (native histograms too, when asked). */
const selfScrape = (url: string, nativeHistograms = false): string =>
  `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n${nativeHistograms ? '  scrape_native_histograms: true\n' : ''}` +
  `scrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ['${new URL(url).host}']\n`;

/** `obslab query ARGS` in-process (src/cli/io.ts): its exit code and what it printed. */
async function obslabQuery(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['query', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/** The app exporting OTLP to a collector on `otlpGrpc`, every second, and a few POST /hash requests. */
async function appWithTraffic(otlpGrpc: number, name: string): Promise<RunningApp> {
  const app = await startApp({
    name: `${name}-${process.pid}`,
    env: {
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpGrpc}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    },
  });
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${app.url}/hash`, { method: 'POST', body: new URLSearchParams({ data: `p3-${i}` }) });
    await res.arrayBuffer();
  }
  return app;
}

describe(`Prometheus ${PROMETHEUS_VERSION}, built from its Go module`, function () {
  this.timeout(5 * 60_000);

  before(async function () {
    this.timeout(90 * 60_000);
    await installPrometheus(true);
    const built = lastPrometheusBuild();
    if (built)
      console.log(
        `      (built cold: go mod tidy ${Math.round(built.tidyMs / 1000)} s, go build ${Math.round(built.buildMs / 1000)} s)`,
      );
  });

  describe('itself, scraping itself', () => {
    let prom: RunningPrometheus;
    let c: PrometheusClient;

    before(async () => {
      prom = await startPrometheus(selfScrape);
      c = client(prom.url);
    });
    after(async () => prom?.stop());

    it(`reports version ${PROMETHEUS_VERSION} in /api/v1/status/buildinfo and --version`, async () => {
      const build = await c.buildInfo();
      assert.equal(build.version, PROMETHEUS_VERSION);
      assert.equal(await prometheusVersion(), PROMETHEUS_VERSION);
    });

    it('routes /targets to its UI (Status → Target health), though this build has no UI assets', async () => {
      const targets = await eventually('the self target up', async () => {
        const t = await c.activeTargets({ job: 'self' });
        return t[0]?.health === 'up' ? t : undefined;
      });
      assert.equal(targets.length, 1);
      // The page is the UI router's (Status → Target health): without the UI assets it names the
      // mantine UI's index.html it would serve; a path the router does not know is a plain 404.
      const page = await fetch(`${prom.url}/targets`);
      assert.match(await page.text(), /mantine-ui\/index\.html/);
      const unknown = await fetch(`${prom.url}/no-such-page`);
      await unknown.arrayBuffer();
      assert.equal(unknown.status, 404);
    });

    it('stores le="1" as le="1.0": the exact match finds nothing, our rewrite finds the bucket', async () => {
      const bucket = 'prometheus_http_request_duration_seconds_bucket';
      const wrong = `${bucket}{le="1"}`;
      await eventually('a scraped bucket', async () =>
        (await vector(c, `${bucket}{le="+Inf"}`)).length ? true : undefined,
      );
      assert.deepEqual(await vector(c, wrong), [], 'le="1" matches nothing in Prometheus 3');
      const [rewrite] = floatLabelRewrites(wrong);
      assert.ok(rewrite);
      const fixed = wrong.slice(0, rewrite.start) + rewrite.replacement + wrong.slice(rewrite.end);
      assert.equal(fixed, `${bucket}{le="1.0"}`);
      const found = await vector(c, fixed);
      assert.ok(found.length > 0, `${fixed} finds the bucket`);
      assert.ok(found.every((s) => s.metric['le'] === '1.0'));
    });

    it('obslab query with le="1" prints no data and names the rewrite to le="1.0", which finds the bucket', async () => {
      const bucket = 'prometheus_http_request_duration_seconds_bucket';
      await eventually('a scraped bucket', async () =>
        (await vector(c, `${bucket}{le="1.0"}`)).length ? true : undefined,
      );
      const wrong = await obslabQuery([`sum(${bucket}{le="1"})`, '--prometheus', prom.url]);
      assert.equal(wrong.code, 0);
      assert.deepEqual(wrong.out, ['(no data)']);
      assert.deepEqual(wrong.err, [
        'obslab query: Prometheus 3 stores histogram buckets\' le values as floats ("1" becomes "1.0"), so le="1" ' +
          'matches nothing; write le="1.0" (Prometheus 3.14.0)',
      ]);
      const right = await obslabQuery([`sum(${bucket}{le="1.0"})`, '--prometheus', prom.url]);
      assert.equal(right.code, 0);
      assert.match(right.out.join('\n'), /^\{\} => \d+ @ /);
      assert.deepEqual(right.err, []);
    });

    it('keeps native histograms off by default: only the classic _bucket series of a histogram', async () => {
      assert.ok((await vector(c, 'prometheus_http_request_duration_seconds_bucket')).length > 0);
      assert.deepEqual(await vector(c, 'prometheus_http_request_duration_seconds'), []);
    });

    it('stores every le the target wrote exactly as formatOpenMetricsFloat writes it', async () => {
      // What the target exposes (client_golang writes le="1", le="1e+06"), against what Prometheus stored.
      const exposed = await (await fetch(`${prom.url}/metrics`)).text();
      const written = new Set(
        [...exposed.matchAll(/^prometheus_http_response_size_bytes_bucket\{[^}]*le="([^"]+)"/gm)].map(
          (m) => m[1] ?? '',
        ),
      );
      assert.ok(written.has('1e+06') || written.has('1000'), [...written].join(' '));
      const stored = new Set(
        (await c.series(['prometheus_http_response_size_bytes_bucket'])).map((l) => l['le'] ?? ''),
      );
      const expected = new Set([...written].map((v) => formatOpenMetricsFloat(parseLabelFloat(v) ?? NaN)));
      assert.deepEqual([...stored].sort(), [...expected].sort());
    });
  });

  describe('a UTF-8 metric name from a real scrape target (the app → collector → Prometheus)', () => {
    let collector: RunningCollector;
    let app: RunningApp;
    let prom: RunningPrometheus;
    let c: PrometheusClient;
    const utf8Count = 'http.server.request.duration_seconds_count';
    const utf8Bucket = 'http.server.request.duration_seconds_bucket';

    before(async function () {
      this.timeout(30 * 60_000);
      const p = await freeCollectorPorts();
      collector = await startCollector(
        collectorVersions.recent,
        `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${p.otlpGrpc}
exporters:
  prometheus:
    endpoint: 127.0.0.1:${p.prometheus}
    translation_strategy: NoUTF8EscapingWithSuffixes
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    metrics:
      receivers: [otlp]
      exporters: [prometheus]
`,
      );
      app = await appWithTraffic(p.otlpGrpc, 'app-utf8');
      prom = await startPrometheus(
        `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: collector\n    static_configs:\n      - targets: ['127.0.0.1:${p.prometheus}']\n`,
      );
      c = client(prom.url);
      await eventually(
        'the UTF-8 request counter in Prometheus',
        async () => ((await c.metricNames()).includes(utf8Count) ? true : undefined),
        90_000,
      );
    });

    after(async () => {
      await prom?.stop();
      await app?.stop();
      await collector?.stop();
    });

    it('keeps the name as the collector exposed it: dots, no underscores', async () => {
      const names = await c.metricNames();
      assert.ok(names.includes(utf8Count), names.filter((n) => n.startsWith('http')).join(' '));
      assert.ok(!names.includes('http_server_request_duration_seconds_count'));
    });

    it('finds the series through the quoted selector the product writes, and refuses the bare dotted name', async () => {
      const found = await vector(c, selectorFor(utf8Count));
      assert.ok(found.length > 0, `${selectorFor(utf8Count)} finds the series`);
      await assert.rejects(
        c.query(`sum(${utf8Count})`),
        (e: unknown) => e instanceof PrometheusError && e.kind === 'query' && /parse error/.test(e.message),
      );
    });

    it('"Did you mean" turns the legacy and the bare dotted names into the quoted form, and the rewrite returns data', async () => {
      const names = await c.metricNames();
      for (const q of ['sum(http_server_request_duration_seconds_count)', `sum(${utf8Count})`]) {
        const [s] = suggestForQuery(q, names);
        assert.ok(s, q);
        assert.equal(s.suggestions[0], `{"${utf8Count}"}`, q);
        const rewritten = q.slice(0, s.start) + (s.suggestions[0] ?? '') + q.slice(s.end);
        assert.equal(rewritten, `sum({"${utf8Count}"})`);
        assert.equal((await vector(c, rewritten)).length, 1, rewritten);
      }
    });

    it('gives the values of the UTF-8 label http.route to completion, asked by the U__-escaped path', async () => {
      assert.ok(isLabelValuesRequest({ type: 'labelValues', id: 1, label: 'http.route' }));
      assert.ok((await c.labels()).includes('http.route'));
      const values = await c.labelValues('http.route');
      assert.ok(values.includes('/hash'), values.join(' '));
      // The path Prometheus 3.14.0 reads for a UTF-8 name, asked directly, answers the same.
      const escaped = await fetch(`${prom.url}/api/v1/label/U__http_2e_route/values`);
      assert.deepEqual(((await escaped.json()) as { data: string[] }).data, values);
    });

    it("stores the app's le=1 bucket as 1.0 under the UTF-8 name too", async () => {
      const wrong = `{"${utf8Bucket}", le="1"}`;
      assert.deepEqual(await vector(c, wrong), []);
      const [r] = floatLabelRewrites(wrong);
      assert.ok(r);
      const fixed = wrong.slice(0, r.start) + r.replacement + wrong.slice(r.end);
      assert.ok((await vector(c, fixed)).length > 0, fixed);
    });
  });
  describe('with scrape_native_histograms: true, scraping itself', () => {
    let prom: RunningPrometheus;
    let c: PrometheusClient;
    const native = 'prometheus_http_request_duration_seconds';

    before(async () => {
      prom = await startPrometheus((url) => selfScrape(url, true));
      c = client(prom.url);
      await eventually('a native histogram sample', async () => ((await vector(c, native)).length ? true : undefined));
    });
    after(async () => prom?.stop());

    it('answers an instant query with "histogram" instead of "value", which the client reads', async () => {
      const [s] = await vector(c, native);
      assert.ok(s?.histogram, JSON.stringify(s));
      assert.equal(s.value, undefined);
      assert.ok(Number(s.histogram[1].count) > 0);
      assert.ok(s.histogram[1].buckets?.every((b) => b.length === 4 && [0, 1, 2, 3].includes(b[0])));
    });

    it('obslab query prints each native histogram as its count and sum, instant and over a range', async () => {
      const instant = await obslabQuery([native, '--prometheus', prom.url]);
      assert.equal(instant.code, 0);
      assert.ok(instant.out.length > 0);
      for (const line of instant.out)
        assert.match(
          line,
          /^prometheus_http_request_duration_seconds\{handler=".*\} => native histogram: count \d+, sum [\d.e+-]+ @ /,
        );
      const range = await obslabQuery([native, '--prometheus', prom.url, '--range', '1m']);
      assert.equal(range.code, 0);
      const points = range.out.filter((l) => l.startsWith('  '));
      assert.ok(points.length > 0);
      for (const line of points) assert.match(line, /^ {2}native histogram: count \d+, sum [\d.e+-]+ @ /);
      const json = JSON.parse(
        (await obslabQuery([native, '--prometheus', prom.url, '--range', '1m', '--format', 'json'])).out.join('\n'),
      ) as { result: { values?: unknown; histograms?: unknown[] }[] };
      assert.ok(json.result.every((r) => r.values === undefined && (r.histograms?.length ?? 0) > 0));
    });
  });

  describe("the lab's queries, on the lab's pipeline (app → collector 0.155.0 with its default names → Prometheus)", () => {
    let collector: RunningCollector;
    let app: RunningApp;
    let prom: RunningPrometheus;
    let c: PrometheusClient;
    const template = readFileSync(join(repoRoot, 'templates', 'lab', 'queries', 'lab-queries.promql'), 'utf8');
    const queries = renderLabQueries(template, defaultParams);

    before(async function () {
      this.timeout(30 * 60_000);
      const p = await freeCollectorPorts();
      collector = await startCollector(collectorVersions.recent, defaultCollectorConfig(p));
      app = await appWithTraffic(p.otlpGrpc, 'app-lab-queries');
      // Both collector endpoints, labelled as the lab's ServiceMonitors make the operator label them.
      prom = await startPrometheus(
        `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: otel-collector\n    static_configs:\n` +
          `      - targets: ['127.0.0.1:${p.prometheus}', '127.0.0.1:${p.telemetry}']\n` +
          `        labels: {namespace: ${defaultParams.monitoringNamespace}, service: otel-collector}\n`,
      );
      c = client(prom.url);
    });

    after(async () => {
      await prom?.stop();
      await app?.stop();
      await collector?.stop();
    });

    it('gives every one of the six queries data, with the names and labels they use', async () => {
      assert.equal(queries.length, 6);
      for (const q of queries)
        await eventually(`data for "${q.title}": ${q.expr}`, async () => {
          // A rate needs two scrapes of the series; keep the app busy meanwhile, with one 500 each
          // time (a number where app.py expects text) for the error-ratio query.
          await (
            await fetch(`${app.url}/hash`, { method: 'POST', body: new URLSearchParams({ data: 'more' }) })
          ).arrayBuffer();
          const failing = await fetch(`${app.url}/hash`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"data": 5}',
          });
          await failing.arrayBuffer();
          return (await vector(c, q.expr)).length > 0 ? true : undefined;
        });
    });

    it('needs no rewrite: no name Prometheus lacks, no le or quantile matched as an integer', async () => {
      const names = await c.metricNames();
      for (const q of queries) {
        assert.deepEqual(suggestForQuery(q.expr, names), [], q.expr);
        assert.deepEqual(floatLabelRewrites(q.expr), [], q.expr);
      }
    });

    it("still maps the lab text's flask_http_request_total to the app's real counter", async () => {
      const [s] = suggestForQuery('rate(flask_http_request_total[30s])', await c.metricNames());
      assert.equal(s?.suggestions[0], 'http_server_request_duration_seconds_count');
    });
  });
});
