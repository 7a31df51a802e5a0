// The server's side of a load test: the built-in generator loads the sandbox app (app → collector
// → Prometheus on 127.0.0.1) and the poller, with the lab's own Task 5 queries, must see a positive
// /hash rate at the server during or shortly after the run. Bounded: 4 threads, 8 s, 127.0.0.1 only.
// A sandbox started here is the harness part's: Prometheus 3.14.0, the version the lab's chart runs.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlan } from '../../src/core/loadtest/plan';
import { formatServerFigures, task5Queries, type ServerFigures } from '../../src/core/loadtest/serverFigures';
import { renderLabQueries } from '../../src/core/promql/labQueries';
import { defaultParams } from '../../src/core/scaffold/params';
import { runBuiltin } from '../../src/node/loadtest/loadgen';
import { readSandboxState, sandboxPrometheusUrl, sandboxStatus } from '../../src/node/sandbox/sandbox';
import { pollServerFigures, queryServerFigures } from '../../src/node/loadtest/serverFigures';
import { sandboxPart } from '../harness/sandbox';
import { repoRoot, sleep } from '../harness/lib';

const planText = readFileSync(join(repoRoot, 'templates', 'jmeter', 'hash-load.jmx'), 'utf8');
const template = readFileSync(join(repoRoot, 'templates', 'lab', 'queries', 'lab-queries.promql'), 'utf8');

describe('server-side figures beside the load test (sandbox)', function () {
  this.timeout(10 * 60_000);
  /** Started here (and so stopped here), or someone else's sandbox used as it is. */
  let ours = false;
  let prometheus = '';
  let appPort = 0;

  before(async function () {
    // The harness part builds what it lacks first: Prometheus alone takes minutes cold on 2 cores.
    this.timeout(60 * 60_000);
    const running = (await sandboxStatus()).some((p) => p.state === 'up');
    if (!running) {
      if (readSandboxState())
        throw new Error('a stopped sandbox is still recorded; run `npx obslab sandbox down` first');
      await sandboxPart.up();
      ours = true;
    }
    prometheus = sandboxPrometheusUrl() ?? '';
    const app = (await sandboxStatus()).find((p) => p.name === 'app' && p.state === 'up');
    assert.ok(prometheus && app?.url, 'the sandbox has an app and a Prometheus');
    appPort = Number(new URL(app.url).port);
  });

  after(async () => {
    if (ours) await sandboxPart.down();
  });

  it("finds the lab's Task 5 rate and p95 queries, rendered with the lab's names", () => {
    const q = task5Queries(renderLabQueries(template, defaultParams));
    assert.ok(q);
    assert.match(q.rate, /http_server_request_duration_seconds_count\{http_route="\/hash"\}\[30s\]/);
    assert.match(q.p95, /^histogram_quantile\(0\.95, /);
    assert.equal(q.rateWindowSec, 30);
    assert.equal(q.p95WindowSec, 60);
  });

  it('reports a positive /hash rate at the server during or shortly after a built-in run', async () => {
    const queries = task5Queries(renderLabQueries(template, defaultParams));
    assert.ok(queries);
    const seen: ServerFigures[] = [];
    const unreachable: string[] = [];
    const stop = new AbortController();
    const polling = pollServerFigures({
      baseUrl: prometheus,
      source: 'sandbox Prometheus',
      queries,
      signal: stop.signal,
      intervalMs: 2000,
      onFigures: (f) => seen.push(f),
      onUnreachable: (m) => unreachable.push(m),
    });
    const plan = loadPlan(planText, {
      props: { SERVER: '127.0.0.1', PORT: String(appPort), THREADS: '4', RAMP: '0', DURATION: '8' },
    });
    const result = await runBuiltin(plan);
    assert.ok(
      result.samples > 0 && result.errors === 0,
      `the run: ${result.samples} samples, ${result.errors} errors, first ${result.firstError ?? ''}`,
    );
    // The app exports every 5 s and Prometheus scrapes on its own beat: allow a little while after the run.
    const deadline = Date.now() + 45_000;
    while (!seen.some((f) => (f.rps ?? 0) > 0) && Date.now() < deadline) await sleep(1000);
    stop.abort();
    await polling;
    const positive = seen.find((f) => (f.rps ?? 0) > 0);
    console.log(
      `      client: ${result.samples} samples; ${seen.length} server rounds, e.g. ${positive ? formatServerFigures(positive) : 'none positive'}`,
    );
    assert.deepEqual(unreachable, []);
    assert.ok(
      positive,
      `no positive server rate in ${seen.length} rounds: ${seen.map((f) => formatServerFigures(f)).join(' | ')}`,
    );
    assert.match(
      formatServerFigures(positive),
      /^server: \d+(\.\d+)? req\/s, (p95 \d+(\.\d+)? ms|p95 not yet known) \(sandbox Prometheus; rate over 30 s, p95 over 1 min\)$/,
    );
  });

  it('says the server is not answering when the Prometheus address leads nowhere', async () => {
    const queries = task5Queries(renderLabQueries(template, defaultParams));
    assert.ok(queries);
    await assert.rejects(queryServerFigures('http://127.0.0.1:1', queries, 'nowhere'), /127\.0\.0\.1:1/);
  });
});
