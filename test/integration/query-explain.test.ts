// Query explain against the Prometheus the lab runs (3.14.0, built by the harness) scraping the
// real collector fed by the real app: each of the lab's six queries explained through
// lezer-promql and every part run as its own instant query (what the panel's host does), a name
// the app never exports shown as the part where the series stop, Prometheus' own error placed on
// the part it belongs to, and the query page in Chromium drawing the tree with those answers.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { buildSync } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { PrometheusClient, type FetchLike } from '../../src/core/prometheus/client';
import { explainQuery, flattenExplain, runExplain, type ExplainNode } from '../../src/core/promql/explain';
import { renderLabQueries } from '../../src/core/promql/labQueries';
import { isExplainRequest, type ExplainResultMessage } from '../../src/core/protocol/query';
import { defaultParams } from '../../src/core/scaffold/params';
import { startApp, type RunningApp } from '../harness/app';
import { launchBrowser } from '../harness/chromium';
import { repoRoot, sleep } from '../harness/lib';
import {
  collectorVersions,
  defaultCollectorConfig,
  freeCollectorPorts,
  startCollector,
  type RunningCollector,
} from '../harness/otelcol';
import { PROMETHEUS_VERSION, installPrometheus, startPrometheus, type RunningPrometheus } from '../harness/prometheus';

const nodeFetch: FetchLike = (url, init) => fetch(url, init);
const tree = (q: string): ExplainNode => {
  const root = explainQuery(q, parser.parse(q).topNode).root;
  assert.ok(root, q);
  return root;
};

describe(`query explain against Prometheus ${PROMETHEUS_VERSION} scraping the app through the collector`, function () {
  this.timeout(5 * 60_000);
  const template = readFileSync(join(repoRoot, 'templates', 'lab', 'queries', 'lab-queries.promql'), 'utf8');
  const queries = renderLabQueries(template, defaultParams);
  let collector: RunningCollector | undefined;
  let app: RunningApp | undefined;
  let prom: RunningPrometheus | undefined;
  let client: PrometheusClient;

  /** One ordinary request and one answered 500 (a number where app.py expects text). */
  async function traffic(): Promise<void> {
    if (!app) return;
    await (await fetch(`${app.url}/hash`, { method: 'POST', body: new URLSearchParams({ data: 'x' }) })).arrayBuffer();
    await (
      await fetch(`${app.url}/hash`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"data": 5}',
      })
    ).arrayBuffer();
  }

  before(async function () {
    this.timeout(60 * 60_000);
    await installPrometheus(true);
    const p = await freeCollectorPorts();
    collector = await startCollector(collectorVersions.recent, defaultCollectorConfig(p));
    app = await startApp({
      name: `app-explain-${process.pid}`,
      env: {
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${p.otlpGrpc}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
      },
    });
    // Both collector endpoints, labelled as the lab's ServiceMonitors make the operator label them.
    prom = await startPrometheus(
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: otel-collector\n    static_configs:\n` +
        `      - targets: ['127.0.0.1:${p.prometheus}', '127.0.0.1:${p.telemetry}']\n` +
        `        labels: {namespace: ${defaultParams.monitoringNamespace}, service: otel-collector}\n`,
    );
    client = new PrometheusClient({ baseUrl: prom.url, fetch: nodeFetch });
    // Until every lab query has data: a rate needs two scrapes of its series.
    const deadline = Date.now() + 90_000;
    for (;;) {
      await traffic();
      const counts = await Promise.all(
        queries.map(async (q) => {
          const r = await client.query(q.expr).catch(() => undefined);
          return r?.data.resultType === 'vector' ? r.data.result.length : 0;
        }),
      );
      if (counts.every((n) => n > 0)) break;
      if (Date.now() > deadline) assert.fail(`lab queries without data: ${JSON.stringify(counts)}`);
      await sleep(1000);
    }
  });

  after(async () => {
    await prom?.stop();
    await app?.stop();
    await collector?.stop();
  });

  it('runs every part of the six lab queries on its own, and every part has series', async () => {
    await traffic();
    for (const q of queries) {
      const nodes = flattenExplain(tree(q.expr));
      const results = await runExplain(client, nodes, { time: Date.now() / 1000 });
      assert.equal(results.length, nodes.length, q.expr);
      for (const r of results) {
        const node = nodes[r.id];
        assert.equal(r.error, undefined, `${node?.expr}: ${r.error}`);
        assert.ok((r.seriesCount ?? 0) > 0, `${node?.expr} (${node?.words}) has series`);
        assert.ok(r.sample.length > 0 && r.sample.length <= 3);
        assert.ok(r.ms >= 0);
      }
    }
  });

  it("shows where the series stop for the lab text's flask_http_request_total: at the selector, and so above it", async () => {
    const nodes = flattenExplain(tree('sum(rate(flask_http_request_total[30s]))'));
    const results = await runExplain(client, nodes, { time: Date.now() / 1000 });
    const selector = results.find((r) => nodes[r.id]?.kind === 'VectorSelector');
    assert.equal(selector?.seriesCount, 0);
    // sum() of nothing is an empty vector too.
    for (const r of results) assert.equal(r.seriesCount, 0, nodes[r.id]?.expr);
  });

  it("puts Prometheus' type error on the call it belongs to, while its argument still has series", async () => {
    const nodes = flattenExplain(tree('sum(rate(up))'));
    const results = await runExplain(client, nodes, { time: Date.now() / 1000 });
    const byKind = new Map(results.map((r) => [nodes[r.id]?.kind, r]));
    assert.match(byKind.get('FunctionCall')?.error ?? '', /range vector/);
    assert.match(byKind.get('AggregateExpr')?.error ?? '', /range vector/);
    assert.ok((byKind.get('VectorSelector')?.seriesCount ?? 0) >= 2, 'up has both collector targets');
  });

  describe('the query page in Chromium', () => {
    const nonce = 'ZXhwbGFpbm5vbmNlMTIz';
    let browser: Browser | undefined;
    let page: Page;

    before(async () => {
      const built = buildSync({
        entryPoints: ['src/webview/query.ts'],
        bundle: true,
        write: false,
        outdir: 'out-query-explain',
        platform: 'browser',
        format: 'iife',
        target: 'chrome120',
        logLevel: 'silent',
      });
      const script = built.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
      const css = built.outputFiles.find((f) => f.path.endsWith('.css'))?.text ?? '';
      const panelCss = readFileSync(join(repoRoot, 'media', 'query.css'), 'utf8');
      browser = await launchBrowser();
      page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const stub =
        'window.posted = []; let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => state, setState: (s) => { state = s; } });';
      await page.setContent(
        `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'"><style nonce="${nonce}">${css}\n${panelCss}</style></head><body><div id="app"></div><script nonce="${nonce}">${stub}</script><script nonce="${nonce}">${script.replace(/<\/script/g, '<\\/script')}</script></body></html>`,
      );
      assert.deepEqual(errors, []);
      await page.evaluate(
        (qs) =>
          window.postMessage(
            { type: 'init', prometheusUrl: 'http://127.0.0.1:9090', queriesSource: 'defaults', queries: qs },
            '*',
          ),
        queries,
      );
    });

    after(async () => {
      await browser?.close();
    });

    it("lists each lab query with its one-line explanation, the explain tree's top node", async () => {
      const lines = await page.locator('#lab-queries .lab-explain').allTextContents();
      assert.deepEqual(
        lines,
        queries.map((q) => tree(q.expr).sentence),
      );
    });

    it('draws the p95 query as a tree and fills each part with its series, a sample and its time from Prometheus', async () => {
      const p95 = queries.find((q) => q.expr.startsWith('histogram_quantile'));
      assert.ok(p95);
      await page.locator('.cm-content').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(p95.expr);
      await page.keyboard.press('Escape');
      await page.evaluate(() => {
        (window as unknown as { posted: unknown[] }).posted.length = 0;
      });
      await page.click('#explain');
      const posted = (await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted)) as unknown[];
      const request = posted.find(isExplainRequest);
      assert.ok(request, 'the page asks the host to run the parts, in a message the host accepts');
      assert.equal(request.nodes.length, 5);
      // What the host does with it (src/ui/queryPanel.ts), against the real Prometheus.
      await traffic();
      const time = Date.now() / 1000;
      const answer: ExplainResultMessage = {
        type: 'explainResult',
        id: request.id,
        time,
        results: await runExplain(client, request.nodes, { time }),
      };
      await page.evaluate((m) => window.postMessage(m, '*'), answer);
      await page.locator('.explain-count').first().waitFor();
      const words = await page.locator('#explain-tree .explain-words').allTextContents();
      assert.deepEqual(words, [
        'histogram_quantile at 0.95 (the 95th percentile), from the buckets of …',
        'sum by (le) of …',
        'the per-second rate of …',
        'the last 1m of …',
        'the series http_server_request_duration_seconds_bucket with http_route = "/hash"',
      ]);
      const counts = await page.locator('#explain-tree .explain-count').allTextContents();
      assert.equal(counts.length, 5);
      for (const c of counts) assert.match(c, /^[1-9]\d* series$/);
      assert.ok((await page.locator('#explain-tree .explain-sample').count()) >= 5);
      mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
      await page.locator('#query-view').screenshot({ path: join(repoRoot, 'test-results', 'query-explain-page.png') });
    });

    it('marks a parse error on the node where the query breaks and runs nothing', async () => {
      await page.locator('.cm-content').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText('sum by (le) (rate(up[1m])');
      await page.keyboard.press('Escape');
      await page.evaluate(() => {
        (window as unknown as { posted: unknown[] }).posted.length = 0;
      });
      await page.click('#explain');
      const errors = await page.locator('#explain-tree .has-error > .explain-figures .explain-error').allTextContents();
      assert.equal(errors.length, 1);
      assert.match(errors[0] ?? '', /ends too early/);
      const posted = (await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted)) as unknown[];
      assert.equal(posted.filter(isExplainRequest).length, 0);
    });
  });
});
