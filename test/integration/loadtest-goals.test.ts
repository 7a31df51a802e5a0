// `obslab loadtest` with goals, for real: the built-in engine against a server that answers every
// request in 50 ms (p95<20ms is missed: exit 1; p95<500ms is met: exit 0), the JUnit report read by
// a real XML parser (Python's), --abort-on-fail ending a 30 s run within seconds, and a plan that
// states its goals in User Defined Variables run unchanged by real JMeter 5.6.3 (the harness part).
// Bounded: 4 threads, a few seconds a run, 127.0.0.1 only.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadtest } from '../../src/cli/loadtest';
import { UsageError } from '../../src/cli/io';
import { summarizeJtl, type Summary } from '../../src/core/loadtest/summary';
import { parseXml } from '../../src/core/xml/parse';
import { jmeterHome, jmeterPart } from '../harness/jmeter';
import { repoRoot } from '../harness/lib';
import { sourceWorker } from '../support/loadgenWorkerScript';

const SCAFFOLDED = join(repoRoot, 'templates', 'jmeter', 'hash-load.jmx');
const DELAY_MS = 50;

/** Answers every request after DELAY_MS, in one write with TCP_NODELAY. */
async function slowServer(): Promise<{ port: number; requests: () => number; stop: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer({ noDelay: true, keepAliveTimeout: 30_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      setTimeout(() => {
        const payload = '{"sha256":"0","length":10}';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(payload.length) });
        res.end(payload);
      }, DELAY_MS);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    requests: () => requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function loadtest(
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ code: number; out: string; err: string; ms: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const started = Date.now();
  let code: number;
  try {
    code = await runLoadtest(
      args,
      { out: (l) => out.push(l), err: (l) => err.push(l) },
      { worker: sourceWorker, ...(env ? { env } : {}) },
    );
  } catch (e) {
    // What main() does with bad usage: exit 2 with the message.
    if (!(e instanceof UsageError)) throw e;
    err.push(e.message);
    code = 2;
  }
  return { code, out: out.join('\n'), err: err.join('\n'), ms: Date.now() - started };
}

describe('load-test goals on the command line', function () {
  this.timeout(10 * 60_000);
  let work = '';
  let server: Awaited<ReturnType<typeof slowServer>>;
  const shape = (duration: number): string[] => [
    '-J',
    'SERVER=127.0.0.1',
    '-J',
    `PORT=${server.port}`,
    '-J',
    'THREADS=4',
    '-J',
    'RAMP=0',
    '-J',
    `DURATION=${duration}`,
  ];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'obslab-goals-'));
    server = await slowServer();
  });
  after(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('exits 1 when the server answers in 50 ms and the goal is p95<20ms, and says so with the figure', async () => {
    const junit = join(work, 'missed.xml');
    const r = await loadtest([SCAFFOLDED, ...shape(3), '--goal', 'p95<20ms', '--goal', 'errors<1%', '--junit', junit]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /goals \(command line\): p95<20ms; errors<1%/);
    assert.match(r.out, /^goals: 1 of 2 goals missed$/m);
    const p95 = /✗ missed p95<20ms: p95 ([\d.]+) ms/.exec(r.out);
    assert.ok(p95, r.out);
    assert.ok(Number(p95[1]) >= DELAY_MS - 1, `p95 ${p95[1]} ms is at least the server's delay`);
    assert.match(r.out, /✓ met {4}errors<1%: errors 0%/);
    assert.match(r.err, /obslab loadtest: 1 of 2 goals missed$/);

    // The JUnit report, read by a real XML parser (Python's ElementTree) as a CI server would.
    const read = execFileSync(
      'python3',
      [
        '-c',
        [
          'import sys, xml.etree.ElementTree as E',
          'root = E.parse(sys.argv[1]).getroot()',
          'suite = root.find("testsuite")',
          'print(root.tag, suite.get("tests"), suite.get("failures"), suite.get("errors"))',
          'for c in suite.findall("testcase"):',
          '    f = c.find("failure")',
          '    print(c.get("classname"), "|", c.get("name"), "|", "" if f is None else f.text)',
        ].join('\n'),
        junit,
      ],
      { encoding: 'utf8' },
    );
    const lines = read.trim().split('\n');
    assert.equal(lines[0], 'testsuites 2 1 0');
    assert.equal(lines[1], `Hash Load Test | goal p95<20ms | goal p95<20ms missed: p95 ${p95[1]} ms`);
    assert.equal(lines[2]?.trimEnd(), 'Hash Load Test | goal errors<1% |');
  });

  it('exits 0 when the goal is p95<500ms, with a goals array in the JSON', async () => {
    const jtl = join(work, 'met.jtl');
    const r = await loadtest([
      SCAFFOLDED,
      ...shape(2),
      '--goal',
      'p95<500ms; POST /hash: rps>1',
      '--jtl',
      jtl,
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.err);
    const s = JSON.parse(r.out) as Summary & {
      goals: { goal: string; met: boolean; measured: number; figure: string }[];
    };
    const { goals, ...summary } = s;
    assert.deepEqual(summary, summarizeJtl(readFileSync(jtl, 'utf8')));
    assert.deepEqual(
      goals.map((g) => [g.goal, g.met]),
      [
        ['p95<500ms', true],
        ['POST /hash: rps>1', true],
      ],
    );
    assert.equal(goals[0]?.measured, summary.latencyMs.p95);
    assert.equal(goals[1]?.measured, summary.byLabel['POST /hash']?.throughputPerSec);
  });

  it('refuses a goal it cannot read (exit 2) before sending anything', async () => {
    const before = server.requests();
    const r = await loadtest([SCAFFOLDED, ...shape(2), '--goal', 'p95 < 200 mins']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--goal 'p95 < 200 mins': '200 mins' in 'p95 < 200 mins' is not a duration/);
    const a = await loadtest([SCAFFOLDED, ...shape(2), '--abort-on-fail']);
    assert.equal(a.code, 2);
    assert.match(a.err, /--abort-on-fail needs goals/);
    assert.equal(server.requests(), before);
  });

  it('--abort-on-fail stops a 30 s run within a few seconds of the goal being missed', async () => {
    const junit = join(work, 'aborted.xml');
    const r = await loadtest([
      SCAFFOLDED,
      ...shape(30),
      '--goal',
      'p95<20ms',
      '--abort-on-fail',
      '--abort-delay',
      '2',
      '--junit',
      junit,
    ]);
    console.log(`      aborted after ${r.ms} ms`);
    assert.equal(r.code, 1, r.err);
    assert.ok(r.ms < 8000, `stopped within a few seconds (${r.ms} ms), not after 30 s`);
    assert.match(r.err, /stopping: goal p95<20ms missed at [2-5] s \(p95 [\d.]+ ms, since the start\)/);
    assert.match(
      r.err,
      /obslab loadtest: stopped at [2-5] s by --abort-on-fail: goal p95<20ms missed \(p95 [\d.]+ ms\)$/,
    );
    assert.match(r.out, /✗ missed p95<20ms/);
    // The goal's testcase fails; the run itself is no error (it was stopped on purpose).
    const suite = parseXml(readFileSync(junit, 'utf8')).root?.children.find((c) => c.name === 'testsuite');
    assert.equal(suite?.attrs['failures'], '1');
    assert.equal(suite?.attrs['errors'], '0');
  });

  describe("a plan's own goals", () => {
    // The scaffolded plan with two goal variables; the second reads a JMeter property.
    const withGoals = readFileSync(SCAFFOLDED, 'utf8').replace(
      '<collectionProp name="Arguments.arguments">',
      `<collectionProp name="Arguments.arguments">
          <elementProp name="goal.p95" elementType="Argument">
            <stringProp name="Argument.name">goal.p95</stringProp>
            <stringProp name="Argument.value">p95&lt;\${__P(P95,500)}ms</stringProp>
            <stringProp name="Argument.metadata">=</stringProp>
          </elementProp>
          <elementProp name="goal.errors" elementType="Argument">
            <stringProp name="Argument.name">goal.errors</stringProp>
            <stringProp name="Argument.value">errors&lt;1%</stringProp>
            <stringProp name="Argument.metadata">=</stringProp>
          </elementProp>`,
    );
    let plan = '';
    before(() => {
      plan = join(work, 'with-goals.jmx');
      writeFileSync(plan, withGoals);
    });

    it('judges the goals the plan states, and -J changes one', async () => {
      const met = await loadtest([plan, ...shape(2)]);
      assert.equal(met.code, 0, met.err);
      assert.match(met.err, /goals \(plan\): p95<500ms; errors<1%/);
      assert.match(met.out, /goals: all 2 goals met/);
      const missed = await loadtest([plan, ...shape(2), '-J', 'P95=10']);
      assert.equal(missed.code, 1, missed.err);
      assert.match(missed.out, /✗ missed p95<10ms: p95 [\d.]+ ms/);
      const replaced = await loadtest([plan, ...shape(2), '-J', 'P95=10', '--goal', 'errors<=0%']);
      assert.equal(replaced.code, 0, replaced.err);
      assert.match(replaced.out, /goals: the goal was met/);
    });

    it('runs unchanged in real JMeter, which defines the goal variables and sends the same requests', async () => {
      await jmeterPart.install();
      const jtl = join(work, 'jmeter-goals.jtl');
      const before = server.requests();
      const r = await loadtest(
        [plan, ...shape(3), '--engine', 'jmeter', '--jtl', jtl, '--goal', 'p95<20ms', '--goal', 'errors<1%'],
        { ...process.env, OBSLAB_JMETER: join(jmeterHome(), 'bin', 'jmeter') },
      );
      // JMeter ran the plan to the end (its own exit 0): only the latency goal fails the run.
      assert.equal(r.code, 1, r.err);
      assert.doesNotMatch(r.err, /JMeter exited with/);
      const s = summarizeJtl(readFileSync(jtl, 'utf8'));
      assert.ok(s.samples > 20, `JMeter sent ${s.samples} requests`);
      assert.equal(s.errors, 0);
      assert.equal(server.requests() - before, s.samples);
      assert.match(r.out, /✗ missed p95<20ms: p95 [\d.]+ ms/);
      assert.match(r.out, /✓ met {4}errors<1%: errors 0%/);
      const log = readFileSync(jtl.replace(/\.jtl$/, '.log'), 'utf8');
      assert.doesNotMatch(log, /ERROR/, 'JMeter logged no error reading the plan');
    });
  });
});
