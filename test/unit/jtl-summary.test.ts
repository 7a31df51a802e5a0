// Summaries of .jtl files: samples written by real JMeter 5.6.3 against the real lab app (and
// against a closed port, whose assertion messages span lines), and damaged or headerless files.
// The expected figures were computed apart from this code (Python's csv module, nearest rank).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { formatJtlRow, jtlHeader, readJtl, type JtlSample } from '../../src/core/loadtest/jtl';
import { formatSummary, summarizeJtl, type Summary } from '../../src/core/loadtest/summary';

const fixtures = join(__dirname, '..', 'fixtures', 'jtl');
/** 150 samples of the scaffolded plan, 2 threads, JMeter 5.6.3 against the real Flask app. */
const APP = readFileSync(join(fixtures, 'hash-load.jmeter.jtl'), 'utf8');
/** 20 samples of the same plan against a closed port: connection refused, failed assertions. */
const REFUSED = readFileSync(join(fixtures, 'refused.jmeter.jtl'), 'utf8');

describe('.jtl summary', () => {
  it("summarizes JMeter's own results for the lab app", () => {
    const s = summarizeJtl(APP);
    assert.equal(s.samples, 150);
    assert.equal(s.errors, 0);
    assert.equal(s.header, true);
    assert.equal(s.broken, 0);
    assert.deepEqual(s.latencyMs, { min: 0, mean: 3.01, p50: 2, p90: 6, p95: 9, p99: 19, max: 44 });
    assert.equal(s.throughputPerSec, 330.4);
    assert.deepEqual(Object.keys(s.byLabel), ['POST /hash']);
    assert.equal(s.byLabel['POST /hash']?.samples, 150);
    assert.deepEqual(s.byResponseCode, { '200': 150 });
  });

  it('reads assertion messages that span lines, and counts every sample as an error', () => {
    const s = summarizeJtl(REFUSED);
    assert.equal(s.samples, 20);
    assert.equal(s.errors, 20);
    assert.equal(s.errorRate, 1);
    assert.equal(s.broken, 0);
    assert.deepEqual(s.byResponseCode, { 'Non HTTP response code: org.apache.http.conn.HttpHostConnectException': 20 });
    assert.deepEqual(s.latencyMs, { min: 0, mean: 3.2, p50: 1, p90: 5, p95: 9, p99: 33, max: 33 });
    const rows = readJtl(REFUSED).rows;
    assert.match(
      rows[0]?.failureMessage ?? '',
      /^Test failed: code expected to equal \/\n\n\*\*\*\*\*\* received {2}: \[\[\[Non HTTP response code/,
    );
  });

  it("reads a file without its header by JMeter's default column order", () => {
    const headerless = APP.slice(APP.indexOf('\n') + 1);
    const s = summarizeJtl(headerless);
    assert.equal(s.header, false);
    assert.equal(s.samples, 150);
    assert.deepEqual(s.latencyMs, summarizeJtl(APP).latencyMs);
    assert.ok(formatSummary(s).some((l) => /no header line/.test(l)));
  });

  it('counts and skips broken records, naming their lines', () => {
    const lines = APP.split('\n');
    lines.splice(
      3,
      0,
      '1795602765800,notanumber,POST /hash,200,OK,Users 1-1,text,true,,216,222,1,1,http://x/hash,1,0,0',
    );
    lines.splice(6, 0, '1795602765800,5,POST /hash,200,OK');
    lines.splice(9, 0, '1795602765800,5,POST /hash,200,OK,Users 1-1,text,maybe,,216,222,1,1,http://x/hash,1,0,0');
    // A quote that never closes must not swallow the rest of the file.
    lines.splice(12, 0, '1795602765800,5,"POST /hash,200,OK,Users 1-1,text,true,,216,222,1,1,http://x/hash,1,0,0');
    const s = summarizeJtl(lines.join('\n'));
    assert.equal(s.samples, 150);
    assert.equal(s.broken, 4);
    assert.deepEqual(s.brokenLines, [4, 7, 10, 13]);
  });

  it('refuses a file that is not a CSV .jtl at all (an XML .jtl)', () => {
    assert.throws(
      () => summarizeJtl('<?xml version="1.0"?>\n<testResults version="1.2">\n</testResults>\n'),
      /not a JMeter CSV header.*XML/,
    );
  });

  it('summarizes an empty run (header only) as zero samples', () => {
    const s = summarizeJtl(`${jtlHeader}\n`);
    assert.equal(s.samples, 0);
    assert.equal(s.throughputPerSec, 0);
    assert.deepEqual(s.byLabel, {});
  });

  it('writes rows that JMeter and this reader agree on, quoting as JMeter does', () => {
    const sample: JtlSample = {
      timeStamp: 1,
      elapsed: 2,
      label: 'a, "b"',
      responseCode: '200',
      responseMessage: 'OK',
      threadName: 'T 1-1',
      dataType: 'text',
      success: false,
      failureMessage: 'line 1\nline 2',
      bytes: 3,
      sentBytes: 4,
      grpThreads: 1,
      allThreads: 1,
      URL: 'http://h/p?a=1',
      Latency: 1,
      IdleTime: 0,
      Connect: 0,
    };
    const row = formatJtlRow(sample);
    assert.equal(row, '1,2,"a, ""b""",200,OK,T 1-1,text,false,"line 1\nline 2",3,4,1,1,http://h/p?a=1,1,0,0');
    assert.deepEqual(readJtl(`${jtlHeader}\n${row}\n`).rows, [sample]);
    // The header is JMeter 5.6.3's default, as in its own file.
    assert.equal(APP.slice(0, APP.indexOf('\n')), jtlHeader);
  });

  describe('obslab jtl', () => {
    let dir = '';
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'obslab-jtl-'));
      writeFileSync(join(dir, 'app.jtl'), APP);
      writeFileSync(join(dir, 'refused.jtl'), REFUSED);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    }

    it('prints the summary as JSON and exits 0', async () => {
      const r = await run(['jtl', join(dir, 'app.jtl'), '--format', 'json']);
      assert.equal(r.code, 0, r.err);
      const s = JSON.parse(r.out) as Summary;
      assert.equal(s.samples, 150);
      assert.deepEqual(
        Object.keys(s).sort(),
        [
          'broken',
          'brokenLines',
          'byLabel',
          'byResponseCode',
          'durationSec',
          'errorRate',
          'errors',
          'header',
          'latencyMs',
          'samples',
          'throughputPerSec',
        ].sort(),
      );
    });

    it('prints text, and exits 1 when every sample failed, 2 on bad usage or a missing file', async () => {
      const text = await run(['jtl', join(dir, 'app.jtl')]);
      assert.match(text.out, /^150 samples, 0 errors \(0\.00%\), 330\.4\/s/);
      assert.equal((await run(['jtl', join(dir, 'refused.jtl')])).code, 1);
      const missing = await run(['jtl', join(dir, 'nope.jtl')]);
      assert.equal(missing.code, 2);
      assert.match(missing.err, /nope\.jtl: no such file/);
      assert.equal((await run(['jtl'])).code, 2);
      assert.equal((await run(['jtl', join(dir, 'app.jtl'), '--format', 'xml'])).code, 2);
    });

    describe('--goal and --junit: the verdict obslab loadtest gives its own run, for a JMeter run', () => {
      it('says every goal met after the summary and exits 0', async () => {
        const r = await run(['jtl', join(dir, 'app.jtl'), '--goal', 'p95<1s', '--goal', 'errors<1%']);
        assert.equal(r.code, 0, r.err);
        assert.match(r.out, /^150 samples/);
        assert.match(
          r.out,
          /\ngoals: all 2 goals met\n {2}✓ met {4}p95<1s: p95 9 ms\n {2}✓ met {4}errors<1%: errors 0%$/,
        );
      });

      it('exits 1 on a missed goal, naming it, and writes the JUnit report with a failure for it', async () => {
        const xml = join(dir, 'goals.xml');
        const r = await run(['jtl', join(dir, 'app.jtl'), '--goal', 'p95<1s; p50<2ms', '--junit', xml]);
        assert.equal(r.code, 1);
        assert.match(r.out, /✗ missed p50<2ms: p50 2 ms/);
        assert.match(r.err, /JUnit report: .*goals\.xml\n1 of 2 goals missed$/);
        const report = readFileSync(xml, 'utf8');
        assert.match(
          report,
          /<testsuites name="obslab jtl: app\.jtl" tests="2" failures="1" errors="0" time="0\.450">/,
        );
        assert.match(
          report,
          /<testcase classname="app\.jtl" name="goal p50&lt;2ms" time="0\.450">\n\s*<failure message="goal p50&lt;2ms missed: p50 2 ms"/,
        );
      });

      it('carries the goals in the JSON, and a run whose every sample failed fails whatever the goals', async () => {
        const json = await run(['jtl', join(dir, 'app.jtl'), '--goal', 'p99<20ms', '--format', 'json']);
        assert.equal(json.code, 0, json.err);
        const s = JSON.parse(json.out) as Summary & { goals: { goal: string; met: boolean; figure: string }[] };
        assert.equal(s.samples, 150);
        assert.deepEqual(
          s.goals.map((g) => [g.goal, g.met, g.figure]),
          [['p99<20ms', true, 'p99 19 ms']],
        );
        const refused = await run(['jtl', join(dir, 'refused.jtl'), '--goal', 'p95<1s']);
        assert.equal(refused.code, 1);
        assert.match(refused.err, /refused\.jtl: every sample failed$/);
      });

      it('refuses a goal it cannot read and a report folder that does not exist, before reading the file (exit 2)', async () => {
        const bad = await run(['jtl', join(dir, 'nope.jtl'), '--goal', 'p95<fast']);
        assert.equal(bad.code, 2);
        assert.match(bad.err, /--goal 'p95<fast': 'fast' in 'p95<fast' is not a duration/);
        const folder = await run([
          'jtl',
          join(dir, 'app.jtl'),
          '--goal',
          'p95<1s',
          '--junit',
          join(dir, 'none', 'r.xml'),
        ]);
        assert.equal(folder.code, 2);
        assert.match(folder.err, /--junit .*r\.xml: the folder .*none does not exist/);
      });
    });
  });
});
