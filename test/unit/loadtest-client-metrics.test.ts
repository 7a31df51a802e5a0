// The load generator's own metrics: the exposition text from real JMeter rows (the figures below
// were counted apart from this code, with awk and Python's csv module over the same fixtures), the
// format's rules (HELP/TYPE, escaping, `le` as Prometheus 3 writes it, _total counters), the
// endpoint and its file_sd target file, and the preset that charts client and server p95 together.
// Prometheus 3.14.0 scraping it for real is test/integration/loadtest-client-metrics.test.ts.
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import {
  ClientMetrics,
  clientDurationBuckets,
  clientServerP95Query,
  codeLabel,
  escapeLabelValue,
  formatLe,
  maxClientLabels,
  otherLabel,
} from '../../src/core/loadtest/clientMetrics';
import { formatJtlRow, jtlHeader, readJtl, type JtlSample } from '../../src/core/loadtest/jtl';
import { presetFor, presetQueries } from '../../src/core/protocol/query';
import { sandboxPrometheusConfig } from '../../src/core/sandbox/config';
import {
  publishClientMetrics,
  finalScrapeMissedNote,
  removeStaleTargets,
  sandboxClientMetricsPlace,
  startClientMetrics,
} from '../../src/node/loadtest/clientMetricsPublish';
import { recordSandbox } from '../support/recordedSandbox';
import { useTempCache } from '../support/tempCache';

const fixtures = join(__dirname, '..', 'fixtures', 'jtl');
const rows = (file: string): JtlSample[] => readJtl(readFileSync(join(fixtures, file), 'utf8')).rows;

function sample(over: Partial<JtlSample>): JtlSample {
  return {
    timeStamp: 1_800_000_000_000,
    elapsed: 3,
    label: 'POST /hash',
    responseCode: '200',
    responseMessage: 'OK',
    threadName: 'Users 1-1',
    dataType: 'text',
    success: true,
    failureMessage: '',
    bytes: 100,
    sentBytes: 100,
    grpThreads: 1,
    allThreads: 1,
    URL: 'http://127.0.0.1:8080/hash',
    Latency: 3,
    IdleTime: 0,
    Connect: 0,
    ...over,
  };
}

/** The value of the one line that starts with `series ` (the name and its labels, as written). */
function valueOf(text: string, series: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line?.slice(series.length + 1);
}

describe('the load generator metrics exposition', () => {
  it("counts JMeter's own rows for the lab app: 150 requests, code 200, in the app's buckets", () => {
    const m = new ClientMetrics();
    for (const s of rows('hash-load.jmeter.jtl')) m.record(s);
    const text = m.exposition();
    const l = 'label="POST /hash"';
    assert.equal(valueOf(text, `obslab_loadtest_requests_total{${l},code="200"}`), '150');
    assert.equal(valueOf(text, `obslab_loadtest_errors_total{${l}}`), '0');
    // Elapsed ms per row, counted with awk: 133 rows of at most 5 ms, 145 of 10, 149 of 25, all 150 of 50.
    const bucket = (le: string): string | undefined =>
      valueOf(text, `obslab_loadtest_request_duration_seconds_bucket{${l},le="${le}"}`);
    assert.deepEqual(['0.005', '0.01', '0.025', '0.05', '0.075', '1.0', '10.0', '+Inf'].map(bucket), [
      '133',
      '145',
      '149',
      '150',
      '150',
      '150',
      '150',
      '150',
    ]);
    assert.equal(valueOf(text, `obslab_loadtest_request_duration_seconds_sum{${l}}`), '0.452');
    assert.equal(valueOf(text, `obslab_loadtest_request_duration_seconds_count{${l}}`), '150');
    assert.equal(m.samples, 150);
  });

  it('names a refused connection by its exception, and counts every such row as an error', () => {
    const m = new ClientMetrics();
    for (const s of rows('refused.jmeter.jtl')) m.record(s);
    const text = m.exposition();
    const l = 'label="POST /hash"';
    assert.equal(
      valueOf(text, `obslab_loadtest_requests_total{${l},code="org.apache.http.conn.HttpHostConnectException"}`),
      '20',
    );
    assert.equal(valueOf(text, `obslab_loadtest_errors_total{${l}}`), '20');
    assert.equal(valueOf(text, `obslab_loadtest_request_duration_seconds_sum{${l}}`), '0.064');
  });

  it('writes HELP and TYPE once per family, counters ending in _total, and a histogram per label', () => {
    const m = new ClientMetrics();
    m.record(sample({ label: 'b', elapsed: 7 }));
    m.record(sample({ label: 'a', elapsed: 1200, responseCode: '500', success: false }));
    m.record(sample({ label: 'a', elapsed: 20_000 }));
    const lines = m.exposition().split('\n');
    assert.deepEqual(
      lines.filter((x) => x.startsWith('# TYPE')),
      [
        '# TYPE obslab_loadtest_requests_total counter',
        '# TYPE obslab_loadtest_errors_total counter',
        '# TYPE obslab_loadtest_request_duration_seconds histogram',
      ],
    );
    assert.equal(lines.filter((x) => x.startsWith('# HELP')).length, 3);
    assert.deepEqual(
      lines.filter((x) => x.startsWith('obslab_loadtest_requests_total')),
      [
        'obslab_loadtest_requests_total{label="a",code="200"} 1',
        'obslab_loadtest_requests_total{label="a",code="500"} 1',
        'obslab_loadtest_requests_total{label="b",code="200"} 1',
      ],
    );
    // 1.2 s falls in le="2.5"; 20 s only in +Inf.
    const a = lines.filter((x) => x.startsWith('obslab_loadtest_request_duration_seconds_bucket{label="a"'));
    assert.equal(a.length, clientDurationBuckets.length + 1);
    assert.equal(
      a.find((x) => x.includes('le="1.0"')),
      'obslab_loadtest_request_duration_seconds_bucket{label="a",le="1.0"} 0',
    );
    assert.equal(
      a.find((x) => x.includes('le="2.5"')),
      'obslab_loadtest_request_duration_seconds_bucket{label="a",le="2.5"} 1',
    );
    assert.equal(
      a.find((x) => x.includes('le="10.0"')),
      'obslab_loadtest_request_duration_seconds_bucket{label="a",le="10.0"} 1',
    );
    assert.equal(a.at(-1), 'obslab_loadtest_request_duration_seconds_bucket{label="a",le="+Inf"} 2');
    assert.equal(lines.at(-1), '', 'the text ends with a line feed');
  });

  it('writes le as Prometheus 3 stores it: integers with ".0", fractions as they are, +Inf', () => {
    assert.deepEqual(clientDurationBuckets.map(formatLe), [
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
    ]);
    assert.equal(formatLe(Infinity), '+Inf');
  });

  it("escapes a sampler label's backslash, double quote and line feed", () => {
    assert.equal(escapeLabelValue('say "hi"\\now\nplease'), 'say \\"hi\\"\\\\now\\nplease');
    const m = new ClientMetrics();
    m.record(sample({ label: 'GET "/a"\nb' }));
    assert.equal(valueOf(m.exposition(), 'obslab_loadtest_requests_total{label="GET \\"/a\\"\\nb",code="200"}'), '1');
  });

  it('keeps the code of an HTTP answer and the error name of a failure below HTTP', () => {
    assert.equal(codeLabel('404'), '404');
    assert.equal(codeLabel('Non HTTP response code: ECONNREFUSED'), 'ECONNREFUSED');
    assert.equal(codeLabel(''), 'none');
  });

  it("leaves out rows from before the run (an earlier run's, in a file being replaced)", () => {
    const m = new ClientMetrics(1_800_000_000_000);
    m.record(sample({ timeStamp: 1_799_999_999_000 }));
    m.record(sample({}));
    assert.equal(m.samples, 1);
  });

  it(`sums labels beyond the first ${maxClientLabels} under one, so a plan that numbers its samplers cannot flood Prometheus`, () => {
    const m = new ClientMetrics();
    for (let i = 0; i < maxClientLabels + 50; i++) m.record(sample({ label: `req ${i}` }));
    const text = m.exposition();
    assert.equal(
      text.split('\n').filter((x) => x.startsWith('obslab_loadtest_errors_total{')).length,
      maxClientLabels + 1,
    );
    assert.equal(valueOf(text, `obslab_loadtest_requests_total{label="${otherLabel}",code="200"}`), '50');
  });
});

describe('the client and server p95 preset', () => {
  it('is one PromQL expression the parser reads without error, giving a client and a server series', () => {
    const q = clientServerP95Query();
    let errors = 0;
    parser.parse(q).iterate({
      enter: (n) => {
        if (n.type.isError) errors++;
      },
    });
    assert.equal(errors, 0, q);
    assert.match(q, /rate\(obslab_loadtest_request_duration_seconds_bucket\[1m\]\)/);
    assert.match(q, /rate\(http_server_request_duration_seconds_bucket\[1m\]\)/);
    assert.match(q, /"side", "client"[\s\S]*\bor\b[\s\S]*"side", "server"/);
  });

  it('is offered by the query page as a range query, and known by its text however it arrives', () => {
    const [preset] = presetQueries();
    assert.ok(preset);
    assert.equal(preset.expr, clientServerP95Query());
    assert.equal(preset.mode, 'range');
    assert.deepEqual(presetFor(`  ${clientServerP95Query()}\n`), preset);
    assert.equal(presetFor('up'), undefined);
  });
});

describe('the load generator metrics endpoint', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-client-metrics-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the .jtl rows written so far on 127.0.0.1, names itself in a file_sd file, and removes it at the end', async () => {
    const jtl = join(dir, 'results.jtl');
    const start = Date.now();
    const run = await publishClientMetrics({
      jtl,
      dir,
      labels: { engine: 'builtin', plan: 'Hash load' },
      sinceMs: start - 1000,
      finalScrapeMs: 200,
    });
    assert.match(run.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const targets = JSON.parse(readFileSync(run.targetsFile, 'utf8')) as unknown;
    assert.deepEqual(targets, [{ targets: [new URL(run.url).host], labels: { engine: 'builtin', plan: 'Hash load' } }]);
    assert.match(run.targetsFile, new RegExp(`loadtest-targets-${process.pid}-\\d+\\.json$`));

    const empty = await fetch(run.url);
    assert.equal(empty.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.doesNotMatch(await empty.text(), /^obslab_loadtest_requests_total\{/m);

    writeFileSync(jtl, `${jtlHeader}\n${formatJtlRow(sample({ timeStamp: start }))}\n`);
    const one = await (await fetch(run.url)).text();
    assert.equal(valueOf(one, 'obslab_loadtest_requests_total{label="POST /hash",code="200"}'), '1');
    assert.equal((await fetch(run.url.replace('/metrics', '/other'))).status, 404);

    // The last row without its line break: the end reads it all the same.
    writeFileSync(
      jtl,
      `${jtlHeader}\n${formatJtlRow(sample({ timeStamp: start }))}\n${formatJtlRow(sample({ timeStamp: start }))}`,
    );
    const done = await run.stop();
    assert.deepEqual(done, { samples: 2, finalScraped: false });
    assert.equal(existsSync(run.targetsFile), false);
    await assert.rejects(fetch(run.url));
  });

  it('waits for one more scrape at the end, so Prometheus holds the final figures', async () => {
    const run = await publishClientMetrics({ jtl: join(dir, 'none.jtl'), dir, labels: {}, finalScrapeMs: 5000 });
    await (await fetch(run.url)).text(); // Prometheus has taken the target in
    const stopping = run.stop();
    const text = await (await fetch(run.url)).text();
    assert.match(text, /# TYPE obslab_loadtest_requests_total counter/);
    assert.deepEqual(await stopping, { samples: 0, finalScraped: true });
  });

  it('ends at once when Prometheus never scraped the run (too short for it to take the target in)', async () => {
    const run = await publishClientMetrics({ jtl: join(dir, 'none.jtl'), dir, labels: {}, finalScrapeMs: 60_000 });
    const started = Date.now();
    assert.deepEqual(await run.stop(), { samples: 0, finalScraped: false });
    assert.ok(Date.now() - started < 5_000, 'no wait for a scrape that cannot come');
  });

  it('removes target files of runs whose process is gone, and keeps the rest', () => {
    const names = ['loadtest-targets-999999999-1234.json', `loadtest-targets-${process.pid}-1.json`, 'prometheus.yml'];
    for (const n of names) writeFileSync(join(dir, n), '[]');
    assert.deepEqual(removeStaleTargets(dir), ['loadtest-targets-999999999-1234.json']);
    assert.deepEqual(readdirSync(dir).sort(), names.slice(1).sort());
  });
});

describe("where a run's metrics go: the running sandbox's Prometheus, or nowhere and why", () => {
  useTempCache('obslab-client-metrics-place-', () => undefined);
  let prometheus: ChildProcess | undefined;
  afterEach(() => {
    prometheus?.kill('SIGKILL');
    prometheus = undefined;
  });

  /** A recorded sandbox (test/support/recordedSandbox.ts); its process is killed after the test. */
  async function sandboxWith(config: string): Promise<string> {
    const recorded = await recordSandbox(config);
    prometheus = recorded.prometheus;
    return recorded.run;
  }

  it('says nothing without a sandbox: a run then publishes nothing', () => {
    assert.deepEqual(sandboxClientMetricsPlace(), { why: 'no sandbox is running', quiet: true });
  });

  it("names the sandbox's run folder when its Prometheus has the load-test job", async () => {
    const run = await sandboxWith(
      sandboxPrometheusConfig({
        targets: { telemetry: '127.0.0.1:1', metrics: '127.0.0.1:2' },
        namespace: 'monitoring',
      }),
    );
    assert.deepEqual(sandboxClientMetricsPlace(), { dir: run });
  });

  it("says at the end when Prometheus did not take the run's last figures, once", async () => {
    const run = await sandboxWith(
      sandboxPrometheusConfig({
        targets: { telemetry: '127.0.0.1:1', metrics: '127.0.0.1:2' },
        namespace: 'monitoring',
      }),
    );
    const said: string[] = [];
    const published = await startClientMetrics(
      { jtl: join(run, 'none.jtl'), engine: 'builtin', plan: 'p' },
      (l) => said.push(l),
      50,
    );
    assert.ok(published);
    assert.deepEqual(await published.stop(), { samples: 0, finalScraped: false });
    await published.stop();
    assert.deepEqual(said.slice(1), [`note: ${finalScrapeMissedNote}`]);
    assert.match(finalScrapeMissedNote, /did not scrape the run's last figures within 5 s/);
    assert.equal(existsSync(published.targetsFile), false);
  });

  it('says to restart a sandbox started without the job, whose Prometheus would never scrape the run', async () => {
    await sandboxWith('scrape_configs: []\n');
    const place = sandboxClientMetricsPlace();
    assert.ok('why' in place && !place.quiet);
    assert.match(place.why, /started without the load test's scrape job .*; restart the sandbox/);
  });
});
