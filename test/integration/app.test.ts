// The scaffolded Flask app, installed from PyPI into a virtual environment and run under
// opentelemetry-instrument: it serves POST /hash and records the HTTP server metrics whose
// Prometheus names the lab's queries use.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { appMetrics, versions } from '../../src/core/facts';
import { startApp, type RunningApp } from '../harness/app';
import { runJmeter } from '../harness/jmeter';
import { sleep } from '../harness/lib';

interface DataPoint {
  attributes: Record<string, string | number>;
}
interface Metric {
  name: string;
  unit: string;
  data: { data_points: DataPoint[]; is_monotonic?: boolean };
  kind: string;
}

/** The console exporter prints one pretty JSON object per export; read them all back. */
export function consoleMetrics(log: string): Metric[] {
  const metrics: Metric[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < log.length; i++) {
    const c = log[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"' && depth > 0) inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' && depth > 0 && --depth === 0) {
      try {
        const obj = JSON.parse(log.slice(start, i + 1)) as {
          resource_metrics?: {
            scope_metrics: { metrics: (Omit<Metric, 'kind'> & { data: Record<string, unknown> })[] }[];
          }[];
        };
        for (const rm of obj.resource_metrics ?? []) {
          for (const sm of rm.scope_metrics) {
            for (const m of sm.metrics) {
              const kind =
                'is_monotonic' in m.data
                  ? 'sum'
                  : 'data_points' in m.data &&
                      (m.data['data_points'] as { bucket_counts?: unknown }[])[0]?.bucket_counts
                    ? 'histogram'
                    : 'gauge';
              metrics.push({ ...m, kind } as Metric);
            }
          }
        }
      } catch {
        // a brace inside a log line, not an export
      }
    }
  }
  return metrics;
}

async function postHash(url: string, body: string): Promise<Response> {
  return fetch(`${url}/hash`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

async function waitForMetric(app: RunningApp, name: string): Promise<Metric[]> {
  for (let i = 0; i < 50; i++) {
    const found = consoleMetrics(readFileSync(app.log, 'utf8')).filter((m) => m.name === name);
    if (found.length) return found;
    await sleep(200);
  }
  assert.fail(`the app recorded no ${name} within 10 s; its log:\n${readFileSync(app.log, 'utf8').slice(-2000)}`);
}

describe(`the scaffolded Flask app (opentelemetry-instrumentation-flask ${versions.flaskInstrumentation})`, function () {
  this.timeout(15 * 60_000);
  let dir: string;
  let app: RunningApp | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-app-'));
    assert.equal(main(['scaffold', join(dir, 'lab')], { out: () => undefined, err: (l) => console.error(l) }), 0);
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves POST /hash with the SHA-256 of the form field JMeter sends', async () => {
    app = await startApp({ appDir: join(dir, 'lab', 'app') });
    const res = await postHash(app.url, 'data=hello');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { sha256: createHash('sha256').update('hello').digest('hex'), length: 5 });
    const bad = await postHash(app.url, '');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /non-empty 'data'/);
  });

  it(`records ${appMetrics.otelDuration} in seconds with http.route, which Prometheus names ${appMetrics.durationBase}_*`, async () => {
    app = await startApp({ appDir: join(dir, 'lab', 'app') });
    for (let i = 0; i < 5; i++) assert.equal((await postHash(app.url, `data=x${i}`)).status, 200);
    const [duration] = await waitForMetric(app, appMetrics.otelDuration);
    assert.equal(duration?.unit, appMetrics.otelDurationUnit);
    assert.equal(duration?.kind, 'histogram');
    const hashPoint = duration?.data.data_points.find((p) => p.attributes['http.route'] === '/hash');
    assert.ok(hashPoint, 'a data point for the /hash route');
    assert.equal(hashPoint.attributes['http.request.method'], 'POST');
    assert.equal(hashPoint.attributes['http.response.status_code'], 200);
    const [active] = await waitForMetric(app, 'http.server.active_requests');
    assert.equal(active?.kind, 'sum', 'an up-down counter (no _total suffix in Prometheus)');
    assert.equal(active?.data.is_monotonic, false);
    assert.equal(
      consoleMetrics(readFileSync(app.log, 'utf8')).filter((m) => /flask_http_request/.test(m.name)).length,
      0,
    );
  });

  it(`records ${appMetrics.oldOtelDuration} in milliseconds, without http.route, when the stable conventions are not opted in`, async () => {
    app = await startApp({ appDir: join(dir, 'lab', 'app'), env: { OTEL_SEMCONV_STABILITY_OPT_IN: '' } });
    assert.equal((await postHash(app.url, 'data=y')).status, 200);
    const [old] = await waitForMetric(app, appMetrics.oldOtelDuration);
    assert.equal(old?.unit, 'ms');
    assert.equal(old?.data.data_points[0]?.attributes['http.route'], undefined);
  });

  it(`takes the scaffolded JMeter plan's load in real JMeter ${versions.jmeter}, and records every request`, async () => {
    app = await startApp({ appDir: join(dir, 'lab', 'app') });
    const jtl = join(dir, 'results.jtl');
    // Bounded: two threads for three seconds against 127.0.0.1.
    await runJmeter(
      join(dir, 'lab', 'jmeter', 'hash-load.jmx'),
      { SERVER: '127.0.0.1', PORT: String(app.port), PROTOCOL: 'http', THREADS: '2', RAMP: '1', DURATION: '3' },
      jtl,
    );
    const rows = readFileSync(jtl, 'utf8').trim().split('\n').slice(1);
    assert.ok(rows.length > 20, `JMeter sent ${rows.length} requests`);
    assert.ok(
      rows.every((r) => r.split(',')[3] === '200' && r.split(',')[7] === 'true'),
      'every sample answered 200 and passed',
    );
    // The instrumentation counts what the app served: the histogram's count reaches JMeter's.
    let counted = 0;
    for (let i = 0; i < 50 && counted < rows.length; i++) {
      const points = consoleMetrics(readFileSync(app.log, 'utf8'))
        .filter((m) => m.name === appMetrics.otelDuration)
        .flatMap((m) => m.data.data_points);
      counted = Math.max(
        0,
        ...points
          .filter((p) => p.attributes['http.route'] === '/hash')
          .map((p) => Number((p as unknown as { count: number }).count)),
      );
      await sleep(200);
    }
    assert.equal(counted, rows.length, 'the request counter matches the requests JMeter recorded');
  });
});
