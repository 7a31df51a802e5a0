// The load generator's own metrics, scraped by the real sandbox's Prometheus (3.14.0): a bounded
// run of the scaffolded plan with `obslab loadtest` against the sandbox app on 127.0.0.1 (the
// built-in engine, then real JMeter 5.6.3), and Prometheus must hold obslab_loadtest_* with the
// counts of the run's own summary, under job="obslab-loadtest", and the query panel's preset must
// give two series, the client's p95 and the server's, which the query page (real Chromium, its
// preset's Run button, the answer as the host sends it) draws on one chart. The sandbox runs in a
// cache of its own, so a sandbox another process started is never touched.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import { runLoadtest } from '../../src/cli/loadtest';
import { finalScrapeMissedNote } from '../../src/node/loadtest/clientMetricsPublish';
import { clientMetricsJob, clientServerP95Query } from '../../src/core/loadtest/clientMetrics';
import type { Summary } from '../../src/core/loadtest/summary';
import { PrometheusClient } from '../../src/core/prometheus/client';
import type { FloatSample, QueryData } from '../../src/core/prometheus/types';
import {
  autoStep,
  capForPage,
  rangeSeconds,
  type QueryResultMessage,
  type RunQueryMessage,
} from '../../src/core/protocol/query';
import { sleep } from '../../src/node/process/sleep';
import { sandboxDown, sandboxUp, type SandboxState } from '../../src/node/sandbox/sandbox';
import { launchBrowser } from '../harness/chromium';
import { jmeterHome, jmeterPart } from '../harness/jmeter';
import { repoRoot } from '../harness/lib';
import { harnessSandboxPrograms } from '../harness/sandbox';
import { sourceWorker } from '../support/loadgenWorkerScript';

const realCache = process.env['OBSLAB_CACHE'] ?? join(homedir(), '.cache', 'obslab');
const plan = join(repoRoot, 'templates', 'jmeter', 'hash-load.jmx');

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
    await sleep(1000);
  }
  assert.fail(`${what}: not within ${timeoutMs / 1000} s${last ? ` (last error: ${last})` : ''}`);
}

function vector(data: QueryData): FloatSample[] {
  assert.equal(data.resultType, 'vector');
  return data.result.filter((s): s is FloatSample => s.value !== undefined);
}

describe("the load generator's metrics in the sandbox's Prometheus", function () {
  this.timeout(10 * 60_000);
  let cache: string;
  let work: string;
  let savedCache: string | undefined;
  let state: SandboxState;
  let prom: PrometheusClient;

  before(async function () {
    this.timeout(60 * 60_000);
    cache = mkdtempSync(join(tmpdir(), 'obslab-client-metrics-cache-'));
    // The app's venvs are reused; the run directory is ours alone. The harness' programs go by path.
    for (const e of existsSync(realCache) ? readdirSync(realCache) : [])
      if (e.startsWith('app-venv-')) symlinkSync(join(realCache, e), join(cache, e));
    savedCache = process.env['OBSLAB_CACHE'];
    process.env['OBSLAB_CACHE'] = cache;
    work = mkdtempSync(join(tmpdir(), 'obslab-client-metrics-'));
    state = (await sandboxUp(await harnessSandboxPrograms())).state;
    assert.ok(state.app && state.prometheus);
    prom = new PrometheusClient({ baseUrl: state.prometheus.url, fetch: (u, init) => fetch(u, init) });
  });

  after(async function () {
    this.timeout(60_000);
    await sandboxDown();
    if (savedCache === undefined) delete process.env['OBSLAB_CACHE'];
    else process.env['OBSLAB_CACHE'] = savedCache;
    rmSync(cache, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  /** Runs the scaffolded plan against the sandbox app for `seconds`, as `obslab loadtest` does. */
  async function loadtest(
    engine: 'builtin' | 'jmeter',
    seconds: number,
    extra: string[] = [],
  ): Promise<{ summary: Summary; err: string }> {
    const port = new URL(state.app?.url ?? '').port;
    const out: string[] = [];
    const err: string[] = [];
    const args = ['-J', 'SERVER=127.0.0.1', '-J', `PORT=${port}`, '-J', 'THREADS=4', '-J', 'RAMP=0'];
    const code = await runLoadtest(
      [
        ...args,
        '-J',
        `DURATION=${seconds}`,
        '--engine',
        engine,
        '--jtl',
        join(work, `${engine}.jtl`),
        '--format',
        'json',
        ...extra,
        plan,
      ],
      { out: (l) => out.push(l), err: (l) => err.push(l) },
      { worker: sourceWorker, env: { ...process.env, OBSLAB_JMETER: join(jmeterHome(), 'bin', 'jmeter') } },
    );
    assert.equal(code, 0, err.join('\n'));
    return { summary: JSON.parse(out.join('\n')) as Summary, err: err.join('\n') };
  }

  /** What Prometheus last scraped of each series of `metric` for this engine (the series are stale once the run ends). */
  async function lastValues(metric: string, engine: string): Promise<FloatSample[]> {
    return vector((await prom.query(`last_over_time(${metric}{engine="${engine}"}[10m])`)).data);
  }

  /**
   * Waits until Prometheus has stored the run's final scrape (the run ends once the final figures
   * are sent; Prometheus stores them a moment later), and checks the run did not say it was missed.
   */
  async function finalScrapeStored(engine: string, summary: Summary, err: string): Promise<void> {
    assert.doesNotMatch(err, new RegExp(finalScrapeMissedNote.slice(0, 40)));
    await eventually(
      `Prometheus storing ${summary.samples} samples for ${engine}`,
      async () => {
        const [count] = await lastValues('obslab_loadtest_request_duration_seconds_count', engine);
        return Number(count?.value[1]) === summary.samples ? true : undefined;
      },
      15_000,
    );
  }

  it('holds the built-in engine\'s requests, errors and latency histogram with the counts of the run\'s summary, under job="obslab-loadtest"', async () => {
    const { summary, err } = await loadtest('builtin', 6);
    const url =
      /client metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics), scraped by the sandbox's Prometheus as job="obslab-loadtest"/.exec(
        err,
      )?.[1];
    assert.ok(url, err);
    assert.ok(summary.samples > 50, `a real load: ${summary.samples} samples`);
    // The run is over: its target file is gone, and so is its endpoint.
    const dir = dirname(state.prometheus?.config ?? '');
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.startsWith('loadtest-targets-')),
      [],
    );
    await assert.rejects(fetch(url));
    await finalScrapeStored('builtin', summary, err);

    const requests = await lastValues('obslab_loadtest_requests_total', 'builtin');
    assert.deepEqual(
      requests.map((s) => [s.metric['label'], s.metric['code'], Number(s.value[1])]),
      Object.entries(summary.byResponseCode).map(([code, n]) => ['POST /hash', code, n]),
    );
    const [one] = requests;
    assert.ok(one);
    assert.deepEqual(
      { job: one.metric['job'], engine: one.metric['engine'], plan: one.metric['plan'] },
      { job: clientMetricsJob, engine: 'builtin', plan: 'Hash Load Test' },
    );
    assert.equal(one.metric['instance'], new URL(url).host);
    const errors = await lastValues('obslab_loadtest_errors_total', 'builtin');
    assert.deepEqual(
      errors.map((s) => Number(s.value[1])),
      [summary.errors],
    );
    const count = await lastValues('obslab_loadtest_request_duration_seconds_count', 'builtin');
    assert.deepEqual(
      count.map((s) => Number(s.value[1])),
      [summary.samples],
    );
    // Stored with le as Prometheus 3 writes it, the same values as the app's own histogram.
    const les = (await lastValues('obslab_loadtest_request_duration_seconds_bucket', 'builtin'))
      .map((s) => s.metric['le'] ?? '')
      .sort((a, b) => (a === '+Inf' ? Infinity : Number(a)) - (b === '+Inf' ? Infinity : Number(b)));
    const appLes = new Set(
      vector((await prom.query('http_server_request_duration_seconds_bucket')).data).map((s) => s.metric['le']),
    );
    assert.deepEqual(les, [
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.075',
      '0.1',
      '0.25',
      '0.5',
      '0.75',
      '1.0',
      '2.5',
      '5.0',
      '7.5',
      '10.0',
      '+Inf',
    ]);
    assert.deepEqual(
      les.filter((le) => !appLes.has(le)),
      [],
      'every bound is one the app uses',
    );
  });

  it('gives the preset two series on one range chart: the client p95 and the server p95', async () => {
    const end = Date.now() / 1000;
    const result = await eventually('both sides of the preset', async () => {
      const data = (await prom.queryRange(clientServerP95Query(), { start: end - 120, end, step: 1 })).data;
      assert.equal(data.resultType, 'matrix');
      const sides = data.result
        .map((s) => ({
          side: s.metric['side'],
          values: (s.values ?? []).filter(([, v]) => Number.isFinite(Number(v))),
        }))
        .filter((s) => s.values.length);
      return sides.length === 2 ? sides : undefined;
    });
    assert.deepEqual(result.map((s) => s.side).sort(), ['client', 'server']);
    for (const s of result) {
      const p95 = Math.max(...s.values.map(([, v]) => Number(v)));
      console.log(`      ${s.side} p95 (largest point): ${(p95 * 1000).toFixed(1)} ms over ${s.values.length} points`);
      assert.ok(p95 > 0 && p95 < 10, `${s.side}: a p95 in seconds within the buckets`);
    }
  });

  it('holds the figures of a real JMeter run, read from the .jtl as JMeter writes it', async function () {
    await jmeterPart.install();
    const { summary, err } = await loadtest('jmeter', 5);
    assert.match(err, /client metrics: http:\/\/127\.0\.0\.1:\d+\/metrics/);
    assert.ok(summary.samples > 0);
    await finalScrapeStored('jmeter', summary, err);
    const count = await lastValues('obslab_loadtest_request_duration_seconds_count', 'jmeter');
    assert.deepEqual(
      count.map((s) => [s.metric['label'], Number(s.value[1])]),
      [['POST /hash', summary.samples]],
    );
    const text = readFileSync(join(work, 'jmeter.jtl'), 'utf8');
    assert.equal(text.trim().split('\n').length - 1, summary.samples, 'one .jtl row per sample');
  });

  it('publishes nothing with --no-metrics', async () => {
    const { summary, err } = await loadtest('builtin', 1, ['--no-metrics']);
    assert.ok(summary.samples > 0);
    assert.doesNotMatch(err, /client metrics|metrics are not published/);
    const count = await lastValues('obslab_loadtest_request_duration_seconds_count', 'builtin');
    assert.equal(count.length, 1, 'only the first run published its figures');
  });

  it('draws the client and the server p95 on one chart in the query page, from its preset', async function () {
    const nonce = 'Y2xpZW50bWV0cmljczEyMw==';
    const built = buildSync({
      entryPoints: ['src/webview/query.ts'],
      bundle: true,
      write: false,
      outdir: 'out-client-metrics-page',
      platform: 'browser',
      format: 'iife',
      target: 'chrome120',
      logLevel: 'silent',
    });
    const out = (ext: string): string => built.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
    const css = `${out('.css')}\n${readFileSync(join(repoRoot, 'media', 'query.css'), 'utf8')}`;
    const safe = (t: string): string => t.replace(/<\/(script|style)/gi, '<\\/$1');
    const stub =
      'window.posted = []; let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => state, setState: (s) => { state = s; } });';
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.setContent(
        `<!DOCTYPE html><html lang="en"><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'"><style nonce="${nonce}">${safe(css)}</style></head><body><div id="app"></div><script nonce="${nonce}">${stub}</script><script nonce="${nonce}">${safe(out('.js'))}</script></body></html>`,
      );
      assert.deepEqual(errors, []);
      const url = state.prometheus?.url ?? '';
      await page.evaluate(
        (u) => window.postMessage({ type: 'init', prometheusUrl: u, queriesSource: 'defaults', queries: [] }, '*'),
        url,
      );
      // Instant is the page's default: the preset's Run switches to a range query, which draws a chart.
      assert.equal(await page.inputValue('#mode'), 'instant');
      await page.click('#preset-queries .run-preset');
      assert.equal(await page.inputValue('#mode'), 'range');
      const runs = async (): Promise<RunQueryMessage[]> =>
        ((await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted)) as { type: string }[]).filter(
          (m): m is RunQueryMessage => m.type === 'runQuery',
        );
      assert.deepEqual(
        (await runs()).map((r) => [r.expr, r.mode]),
        [[clientServerP95Query(), 'range']],
      );
      // The last 5 minutes hold both runs; run it again over them.
      await page.selectOption('#range', '5m');
      await page.click('#run');
      const run = (await runs()).at(-1);
      assert.ok(run);
      assert.deepEqual([run.expr, run.mode, run.range], [clientServerP95Query(), 'range', '5m']);

      // What the host (src/ui/queryPanel.ts) does with it, against the sandbox's Prometheus.
      const end = Date.now() / 1000;
      const span = rangeSeconds(run.range);
      const step = autoStep(span);
      const result = await prom.queryRange(run.expr, { start: end - span, end, step });
      const { data } = capForPage(result.data);
      const answer: QueryResultMessage = {
        type: 'queryResult',
        id: run.id,
        expr: run.expr,
        mode: run.mode,
        data,
        warnings: result.warnings,
        start: end - span,
        end,
        step,
        suggestions: [],
      };
      await page.evaluate((m) => window.postMessage(m, '*'), answer);
      await page.locator('#chart canvas').waitFor();
      assert.deepEqual((await page.locator('#result tbody td code').allTextContents()).sort(), [
        '{side="client"}',
        '{side="server"}',
      ]);
      assert.ok(Number(await page.locator('#chart').getAttribute('data-points')) > 4, 'points on the chart');
      const shots = join(repoRoot, 'test-results');
      mkdirSync(shots, { recursive: true });
      const shot = join(shots, 'query-client-server-p95.png');
      await page.locator('#query-view').screenshot({ path: shot });
      const small = `${shot}.small`;
      // Quantised as the other screenshots are; left as it is where pngquant is missing.
      if (spawnSync('pngquant', ['--quality=70-90', '--force', '--output', small, shot]).status === 0)
        renameSync(small, shot);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
