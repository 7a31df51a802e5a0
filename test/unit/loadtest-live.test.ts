// The pure parts around a live run: the warning before loading a host that is not this machine,
// reading a growing .jtl record by record, and the server's figures from the lab's Task 5 queries.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeRecordsEnd, formatJtlRow, jtlHeader, scanJtl, type JtlSample } from '../../src/core/loadtest/jtl';
import { loadPlan, remoteHosts, targets } from '../../src/core/loadtest/plan';
import {
  formatServerFigures,
  rangeWindowSec,
  serverFigures,
  singleValue,
  task5Queries,
} from '../../src/core/loadtest/serverFigures';
import { parseLabQueries, renderLabQueries } from '../../src/core/promql/labQueries';
import { defaultParams } from '../../src/core/scaffold/params';
import { JtlTail } from '../../src/node/loadtest/jtlTail';

const root = join(__dirname, '..', '..');
const planText = readFileSync(join(root, 'templates', 'jmeter', 'hash-load.jmx'), 'utf8');
const template = readFileSync(join(root, 'templates', 'lab', 'queries', 'lab-queries.promql'), 'utf8');

function sample(i: number, extra: Partial<JtlSample> = {}): JtlSample {
  return {
    timeStamp: 1_795_600_000_000 + i * 10,
    elapsed: 5,
    label: 'POST /hash',
    responseCode: '200',
    responseMessage: 'OK',
    threadName: 'Users 1-1',
    dataType: 'text',
    success: true,
    failureMessage: '',
    bytes: 200,
    sentBytes: 150,
    grpThreads: 2,
    allThreads: 2,
    URL: 'http://127.0.0.1:8080/hash',
    Latency: 4,
    IdleTime: 0,
    Connect: 0,
    ...extra,
  };
}

describe('the warning before a run: is the target this machine?', () => {
  const hostsOf = (server: string): string[] => {
    const plan = loadPlan(planText, { props: { SERVER: server, PORT: '8080' } });
    return remoteHosts(targets(plan), server);
  };

  it("counts a port-forward's 127.0.0.1 address, localhost and ::1 as this machine", () => {
    // forwardRegistry.urlFor('app') is http://127.0.0.1:PORT; the form offers its host:port.
    const forwardTarget = new URL('http://127.0.0.1:38123').hostname;
    assert.deepEqual(hostsOf(forwardTarget), []);
    assert.deepEqual(hostsOf('localhost'), []);
    assert.deepEqual(hostsOf('127.0.0.53'), []);
    assert.deepEqual(remoteHosts([], '[::1]'), []);
  });

  it('warns about another machine once, whether named by the plan or typed as the target', () => {
    assert.deepEqual(hostsOf('10.0.0.7'), ['10.0.0.7']);
    assert.deepEqual(hostsOf('app.example.com'), ['app.example.com']);
    assert.deepEqual(
      remoteHosts(
        [
          { host: 'a.example', local: false },
          { host: 'a.example', local: false },
          { host: '127.0.0.1', local: true },
        ],
        '127.0.0.1',
      ),
      ['a.example'],
    );
    assert.deepEqual(remoteHosts([], '192.168.1.5'), ['192.168.1.5']);
  });
});

describe('reading a .jtl as it grows', () => {
  it('finds where complete records end, not inside a quoted line break', () => {
    assert.equal(completeRecordsEnd(''), 0);
    assert.equal(completeRecordsEnd('a,b'), 0);
    assert.equal(completeRecordsEnd('a,b\nc,d'), 4);
    assert.equal(completeRecordsEnd('a,b\n"x\ny",c'), 4);
    assert.equal(completeRecordsEnd('a,b\n"x\ny",c\n'), 12);
    assert.equal(completeRecordsEnd('"say ""hi""",1\n'), 15);
  });

  it("reads a continuation with the header's columns, without looking for a header again", () => {
    const first = scanJtl(`timeStamp,elapsed,success,label\n`, () => undefined);
    assert.equal(first.header, true);
    assert.deepEqual(first.columns, ['timeStamp', 'elapsed', 'success', 'label']);
    const rows: JtlSample[] = [];
    const next = scanJtl('1795600000000,12,true,GET /\n', (s) => rows.push(s), { columns: first.columns });
    assert.equal(next.header, false);
    assert.equal(rows[0]?.elapsed, 12);
    assert.equal(rows[0]?.label, 'GET /');
  });

  it('hands over every sample once, across partial writes, and the last line without its break at the end', () => {
    const dir = mkdtempSync(join(tmpdir(), 'obslab-jtltail-'));
    try {
      const file = join(dir, 'r.jtl');
      const seen: JtlSample[] = [];
      const tail = new JtlTail(file, (s) => seen.push(s));
      assert.equal(tail.poll(), 0, 'no file yet');
      writeFileSync(file, `${jtlHeader}\n${formatJtlRow(sample(0))}\n${formatJtlRow(sample(1)).slice(0, 20)}`);
      assert.equal(tail.poll(), 1);
      appendFileSync(
        file,
        `${formatJtlRow(sample(1)).slice(20)}\n${formatJtlRow(sample(2, { responseMessage: 'two\nlines', success: false }))}\n`,
      );
      assert.equal(tail.poll(), 2);
      appendFileSync(file, formatJtlRow(sample(3, { label: 'naïve, quoted' })));
      assert.equal(tail.poll(), 0, 'the last record is not complete yet');
      assert.equal(tail.finish(), 1);
      assert.deepEqual(seen, [
        sample(0),
        sample(1),
        sample(2, { responseMessage: 'two\nlines', success: false }),
        sample(3, { label: 'naïve, quoted' }),
      ]);
      assert.equal(tail.samples, 4);
      assert.equal(tail.broken, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the server's figures from the lab's Task 5 queries", () => {
  const queries = task5Queries(renderLabQueries(template, defaultParams));

  it('picks the rate and p95 queries from lab-queries.promql, with their windows', () => {
    assert.ok(queries);
    assert.equal(queries.rate, 'sum(rate(http_server_request_duration_seconds_count{http_route="/hash"}[30s]))');
    assert.equal(
      queries.p95,
      'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{http_route="/hash"}[1m])))',
    );
    assert.equal(queries.rateWindowSec, 30);
    assert.equal(queries.p95WindowSec, 60);
    assert.equal(task5Queries(parseLabQueries('# Task 3\nup\n')), undefined);
    assert.equal(rangeWindowSec('up'), undefined);
  });

  it('reads one value from an answer; none for no series, several series, or NaN (no traffic yet)', () => {
    assert.equal(singleValue({ resultType: 'vector', result: [{ metric: {}, value: [1, '412.5'] }] }), 412.5);
    assert.equal(singleValue({ resultType: 'vector', result: [] }), undefined);
    assert.equal(
      singleValue({
        resultType: 'vector',
        result: [
          { metric: { a: '1' }, value: [1, '1'] },
          { metric: { a: '2' }, value: [1, '2'] },
        ],
      }),
      undefined,
    );
    assert.equal(singleValue({ resultType: 'vector', result: [{ metric: {}, value: [1, 'NaN'] }] }), undefined);
    assert.equal(singleValue({ resultType: 'scalar', result: [1, '3'] }), 3);
  });

  it("says the server's rate and p95 with their source and windows", () => {
    assert.ok(queries);
    const f = serverFigures(
      { resultType: 'vector', result: [{ metric: {}, value: [1, '412.3'] }] },
      { resultType: 'vector', result: [{ metric: {}, value: [1, '0.0381'] }] },
      queries,
      1000,
      'sandbox Prometheus',
    );
    assert.equal(f.p95Ms, 38.1);
    assert.equal(
      formatServerFigures(f),
      'server: 412 req/s, p95 38.1 ms (sandbox Prometheus; rate over 30 s, p95 over 1 min)',
    );
    const none = serverFigures(
      { resultType: 'vector', result: [] },
      { resultType: 'vector', result: [{ metric: {}, value: [1, 'NaN'] }] },
      { ...queries, p95WindowSec: 30 },
      1000,
      'port-forwarded Prometheus',
    );
    assert.equal(
      formatServerFigures(none),
      'server: no requests seen yet, p95 not yet known (port-forwarded Prometheus; 30 s window)',
    );
  });
});
