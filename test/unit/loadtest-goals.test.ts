// Goals for a load test: every form the parser reads and every mistake it names, goals judged
// against a summary and against live figures, the plan's goal variables, and the JUnit report.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  evaluateGoals,
  goalResultLine,
  goalsVerdict,
  liveMiss,
  parseGoal,
  parseGoalList,
  planGoalTexts,
  type Goal,
} from '../../src/core/loadtest/goals';
import { junitReport, xmlEscape } from '../../src/core/loadtest/junit';
import { loadPlan } from '../../src/core/loadtest/plan';
import type { Progress } from '../../src/core/loadtest/stats';
import { summarizeJtl } from '../../src/core/loadtest/summary';
import { parseXml, type XmlElement } from '../../src/core/xml/parse';

function goal(text: string): Goal {
  const g = parseGoal(text);
  if (typeof g === 'string') assert.fail(`${text}: ${g}`);
  return g;
}

function problem(text: string): string {
  const g = parseGoal(text);
  assert.equal(typeof g, 'string', `${text} should be refused`);
  return g as string;
}

const header = 'timeStamp,elapsed,label,responseCode,responseMessage,threadName,success,bytes';
/** A .jtl: `n` samples per label of the given latencies, one every 10 ms, `failed` of them failing. */
function jtl(rows: { label: string; elapsed: number; ok?: boolean }[]): string {
  return [
    header,
    ...rows.map(
      (r, i) =>
        `${1_700_000_000_000 + i * 10},${r.elapsed},${r.label},${r.ok === false ? 500 : 200},x,t 1-1,${r.ok !== false},10`,
    ),
  ].join('\n');
}

describe('load-test goals', () => {
  describe('reading a goal', () => {
    it('reads each latency percentile, avg and max in milliseconds, with ms, s or no unit', () => {
      assert.deepEqual(goal('p95<200ms'), { text: 'p95<200ms', metric: 'p95', op: '<', bound: 200 });
      assert.deepEqual(goal(' p99 <= 1.5s '), { text: 'p99 <= 1.5s', metric: 'p99', op: '<=', bound: 1500 });
      assert.equal(goal('p50<80').bound, 80);
      assert.equal(goal('p90<0.5S').bound, 500);
      assert.equal(goal('avg<120ms').metric, 'avg');
      assert.equal(goal('mean<120ms').metric, 'avg');
      assert.equal(goal('max<2s').bound, 2000);
    });

    it("reads k6's spellings: p(95), med", () => {
      assert.equal(goal('p(95)<500').metric, 'p95');
      assert.equal(goal('p( 99 )<500').metric, 'p99');
      assert.equal(goal('med<150').metric, 'p50');
    });

    it('reads the error share as a percentage or a fraction, and throughput as requests per second', () => {
      assert.equal(goal('errors<1%').bound, 0.01);
      assert.equal(goal('errors<=0.5 %').bound, 0.005);
      assert.equal(goal('errors<0.01').bound, 0.01);
      assert.equal(goal('errors<=0%').bound, 0);
      assert.equal(goal('error_rate<2%').metric, 'errors');
      assert.deepEqual(goal('rps>=50'), { text: 'rps>=50', metric: 'rps', op: '>=', bound: 50 });
      assert.equal(goal('throughput>12.5/s').bound, 12.5);
      assert.equal(goal('rps > 50 rps').bound, 50);
    });

    it('reads a sampler label before the last colon, colons in the label included', () => {
      assert.deepEqual(goal('POST /hash: p95<200ms'), {
        text: 'POST /hash: p95<200ms',
        label: 'POST /hash',
        metric: 'p95',
        op: '<',
        bound: 200,
      });
      assert.equal(goal('GET http://127.0.0.1:8080/x:errors<1%').label, 'GET http://127.0.0.1:8080/x');
    });

    it('names what is wrong, and how to write it', () => {
      assert.match(problem(''), /a goal is empty: write one such as p95<200ms/);
      assert.match(problem('p95 200ms'), /'p95 200ms' has no comparison: write it as p95<BOUND/);
      assert.match(problem('p95<'), /'p95<' has no bound after <: write one such as p95<200ms/);
      assert.match(problem('errors<'), /errors<1%/);
      assert.match(problem('p95==200'), /'==' in 'p95==200' is not a comparison a goal takes: use <, <=, > or >=/);
      assert.match(problem('p95=200'), /'=' in 'p95=200' is not a comparison/);
      assert.match(problem('p95=<200'), /'=<' .* is not a comparison/);
      assert.match(problem('latency<200ms'), /'latency' in 'latency<200ms' is not a figure a goal can name: use p50/);
      assert.match(problem('p75<200ms'), /'p75' in 'p75<200ms' is not a percentile the summary has: use p50, p90/);
      assert.match(problem('p(99.9)<200'), /'p\(99\.9\)' .* is not a percentile the summary has/);
      assert.match(
        problem('p95<200 mins'),
        /'200 mins' in 'p95<200 mins' is not a duration: write milliseconds or seconds/,
      );
      assert.match(problem('p95<-5ms'), /'-5ms' .* is not a duration/);
      assert.match(problem('errors<5'), /errors are a share: write 5% \(or 0\.05\) in 'errors<5'/);
      assert.match(problem('errors<150%'), /150% in 'errors<150%' is more than 100%/);
      assert.match(
        problem('errors<lots'),
        /'lots' in 'errors<lots' is not a share of errors: write a percentage like 1%/,
      );
      assert.match(problem('rps>fast'), /'fast' in 'rps>fast' is not a rate: write requests per second, like 50/);
      assert.match(problem('errors<0%'), /'errors<0%' can never be met: nothing is below 0 \(write errors<=0/);
      assert.match(
        problem(': p95<200ms'),
        /has nothing before ':': write a sampler label, as in POST \/hash: p95<200ms/,
      );
      assert.match(problem('POST /hash:'), /has no goal after the label: write one such as POST \/hash: p95<200ms/);
      assert.match(problem('<200'), /'<200' is not a figure a goal can name/);
    });

    it('reads a list separated by semicolons or lines, and names the goal that is wrong', () => {
      const list = parseGoalList('p95<200ms; errors<1%\nrps>=50;;  ');
      assert.ok(Array.isArray(list));
      assert.deepEqual(
        list.map((g) => g.metric),
        ['p95', 'errors', 'rps'],
      );
      assert.deepEqual(parseGoalList('  '), []);
      assert.match(String(parseGoalList('p95<200ms; p95 200')), /^goal 2 of 2: 'p95 200' has no comparison/);
      assert.match(String(parseGoalList('p95 200')), /^'p95 200' has no comparison/);
    });
  });

  describe('judging a run', () => {
    // POST: 20 samples of 10..200 ms; GET: 10 samples of 5 ms, 2 failing.
    const summary = summarizeJtl(
      jtl([
        ...Array.from({ length: 20 }, (_, i) => ({ label: 'POST /hash', elapsed: (i + 1) * 10 })),
        ...Array.from({ length: 10 }, (_, i) => ({ label: 'GET /', elapsed: 5, ok: i >= 2 })),
      ]),
    );

    it('marks each goal met or missed with the measured figure, overall and by label', () => {
      const results = evaluateGoals(
        ['p95<200ms', 'POST /hash: p95<=190ms', 'GET /: p99<10ms', 'errors<1%', 'GET /: errors<=20%', 'rps>=1'].map(
          goal,
        ),
        summary,
      );
      assert.deepEqual(
        results.map((r) => [r.goal.text, r.met, r.figure]),
        [
          ['p95<200ms', true, `p95 ${summary.latencyMs.p95} ms`],
          ['POST /hash: p95<=190ms', true, 'p95 190 ms'],
          ['GET /: p99<10ms', true, 'p99 5 ms'],
          ['errors<1%', false, 'errors 6.67%'],
          ['GET /: errors<=20%', true, 'errors 20%'],
          ['rps>=1', true, `${Math.round(summary.throughputPerSec * 10) / 10} req/s`],
        ],
      );
      assert.equal(results[3]?.measured, 2 / 30);
      assert.equal(goalResultLine(results[3]!), '✗ missed errors<1%: errors 6.67%');
      assert.equal(goalResultLine(results[0]!), `✓ met    p95<200ms: p95 ${summary.latencyMs.p95} ms`);
      assert.equal(goalsVerdict(results), '1 of 6 goals missed');
    });

    it('misses a goal whose label has no samples, naming the labels there are', () => {
      const [r] = evaluateGoals([goal('POST /hsah: p95<200ms')], summary);
      assert.equal(r?.met, false);
      assert.equal(r?.measured, undefined);
      assert.equal(r?.figure, "no samples labelled 'POST /hsah' (labels: 'POST /hash', 'GET /')");
    });

    it('misses every goal of a run without samples', () => {
      const results = evaluateGoals([goal('p95<200ms'), goal('errors<1%')], summarizeJtl(header));
      assert.deepEqual(
        results.map((r) => [r.met, r.figure]),
        [
          [false, 'no samples'],
          [false, 'no samples'],
        ],
      );
    });

    it('says how many goals were missed', () => {
      const met = evaluateGoals([goal('p95<1s')], summary);
      assert.equal(goalsVerdict([]), undefined);
      assert.equal(goalsVerdict(met), 'the goal was met');
      assert.equal(goalsVerdict([...met, ...met]), 'all 2 goals met');
      assert.equal(
        goalsVerdict(evaluateGoals([goal('p95<1ms'), goal('p99<1ms'), goal('p95<1s')], summary)),
        '2 of 3 goals missed',
      );
    });
  });

  describe('judging live figures (abort on fail)', () => {
    const progress = (elapsedSec: number, overall: Partial<Progress['overall']>): Progress => ({
      elapsedSec,
      activeThreads: 4,
      rps: 100,
      errorRate: 0,
      window: { seconds: 5, samples: 500, p50: 10, p95: 20, p99: 30 },
      overall: { samples: 500, errors: 0, rps: 100, p50: 10, p95: 20, p99: 30, ...overall },
    });

    it('waits for the settling delay, then names the first whole-run goal missed', () => {
      const goals = ['p95<15ms', 'errors<1%'].map(goal);
      assert.equal(liveMiss(goals, progress(4.9, {}), 5), undefined, 'an early slow request does not abort');
      const miss = liveMiss(goals, progress(5, {}), 5);
      assert.equal(miss?.goal.text, 'p95<15ms');
      assert.equal(miss?.figure, 'p95 20 ms');
      assert.equal(liveMiss(['errors<1%'].map(goal), progress(6, { errors: 10 }), 5)?.figure, 'errors 2%');
      assert.equal(liveMiss(['rps>=200'].map(goal), progress(6, {}), 5)?.figure, '100 req/s');
    });

    it('holds while the goals hold, and without samples', () => {
      assert.equal(liveMiss(['p95<25ms', 'errors<1%', 'rps>50'].map(goal), progress(10, {}), 5), undefined);
      assert.equal(liveMiss(['p95<1ms'].map(goal), progress(10, { samples: 0 }), 5), undefined);
    });

    it('leaves per-label, p90, avg and max goals to the end (the live figures have none)', () => {
      const goals = ['POST /hash: p95<1ms', 'p90<1ms', 'avg<1ms', 'max<1ms'].map(goal);
      assert.equal(liveMiss(goals, progress(10, {}), 0), undefined);
    });
  });

  describe("the plan's goals", () => {
    const plan = (vars: [string, string][]): string => `<?xml version="1.0" encoding="UTF-8"?>
<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.3"><hashTree>
  <TestPlan guiclass="TestPlanGui" testclass="TestPlan" testname="Goals">
    <elementProp name="TestPlan.user_defined_variables" elementType="Arguments">
      <collectionProp name="Arguments.arguments">
${vars
  .map(
    ([n, v]) =>
      `        <elementProp name="${n}" elementType="Argument"><stringProp name="Argument.name">${n}</stringProp><stringProp name="Argument.value">${xmlEscape(v)}</stringProp></elementProp>`,
  )
  .join('\n')}
      </collectionProp>
    </elementProp>
  </TestPlan>
  <hashTree/>
</hashTree></jmeterTestPlan>`;

    it('reads the User Defined Variables named goal and goal.*, in order, lists split', () => {
      const text = plan([
        ['SERVER', 'localhost'],
        ['goal.p95', 'p95<200ms'],
        ['goal', 'errors<1%; rps>=10'],
        ['goals', 'not one'],
        ['goal.label', 'POST /hash: p99<1s'],
      ]);
      assert.deepEqual(planGoalTexts(loadPlan(text)), ['p95<200ms', 'errors<1%', 'rps>=10', 'POST /hash: p99<1s']);
    });

    it('evaluates ${__P(…)} in them, so -J can change a goal', () => {
      const text = plan([['goal.p95', 'p95<${__P(P95,200)}ms']]);
      assert.deepEqual(planGoalTexts(loadPlan(text)), ['p95<200ms']);
      assert.deepEqual(planGoalTexts(loadPlan(text, { props: { P95: '50' } })), ['p95<50ms']);
    });

    it("has none in the lab's scaffolded plan", () => {
      const scaffolded = readFileSync(join(__dirname, '..', '..', 'templates', 'jmeter', 'hash-load.jmx'), 'utf8');
      assert.deepEqual(planGoalTexts(loadPlan(scaffolded)), []);
    });
  });

  describe('the JUnit report', () => {
    const summary = summarizeJtl(jtl(Array.from({ length: 20 }, (_, i) => ({ label: 'POST /hash', elapsed: 50 + i }))));
    const results = evaluateGoals(['p95<20ms', 'p95<500ms', 'errors<1%'].map(goal), summary);
    const report = (extra: Partial<Parameters<typeof junitReport>[0]> = {}): XmlElement => {
      const doc = parseXml(
        junitReport({
          suite: 'Hash Load Test',
          timestamp: '2026-12-05T21:30:00',
          hostname: 'ci-runner',
          durationSec: 12.3456,
          results,
          properties: { plan: 'jmeter/hash-load.jmx' },
          ...extra,
        }),
      );
      assert.deepEqual(doc.errors, []);
      assert.ok(doc.root);
      return doc.root;
    };
    const kids = (el: XmlElement | undefined, name: string): XmlElement[] =>
      el?.children.filter((c) => c.name === name) ?? [];

    it('is one testsuite in testsuites, with counts that agree with its testcases', () => {
      const root = report();
      assert.equal(root.name, 'testsuites');
      assert.deepEqual(root.attrs, {
        name: 'obslab loadtest: Hash Load Test',
        tests: '3',
        failures: '1',
        errors: '0',
        time: '12.346',
      });
      const suites = kids(root, 'testsuite');
      assert.equal(suites.length, 1);
      const suite = suites[0];
      assert.deepEqual(suite?.attrs, {
        name: 'Hash Load Test',
        tests: '3',
        failures: '1',
        errors: '0',
        skipped: '0',
        time: '12.346',
        timestamp: '2026-12-05T21:30:00',
        hostname: 'ci-runner',
      });
      assert.deepEqual(
        kids(kids(suite, 'properties')[0], 'property').map((p) => [p.attrs['name'], p.attrs['value']]),
        [
          ['plan', 'jmeter/hash-load.jmx'],
          ['verdict', '1 of 3 goals missed'],
        ],
      );
    });

    it('has a testcase per goal; the missed one fails naming the measured figure', () => {
      const cases = kids(kids(report(), 'testsuite')[0], 'testcase');
      assert.deepEqual(
        cases.map((c) => [c.attrs['classname'], c.attrs['name'], c.attrs['time']]),
        [
          ['Hash Load Test', 'goal p95<20ms', '12.346'],
          ['Hash Load Test', 'goal p95<500ms', '12.346'],
          ['Hash Load Test', 'goal errors<1%', '12.346'],
        ],
      );
      const failure = kids(cases[0], 'failure')[0];
      assert.equal(failure?.attrs['type'], 'GoalMissed');
      assert.equal(failure?.attrs['message'], `goal p95<20ms missed: p95 ${summary.latencyMs.p95} ms`);
      assert.equal(failure?.text, failure?.attrs['message']);
      assert.deepEqual(kids(cases[1], 'failure'), []);
    });

    it('adds an error testcase when the run itself failed', () => {
      const suite = kids(report({ runError: 'every request failed, the first with ECONNREFUSED' }), 'testsuite')[0];
      assert.equal(suite?.attrs['tests'], '4');
      assert.equal(suite?.attrs['errors'], '1');
      const last = kids(suite, 'testcase').at(-1);
      assert.equal(last?.attrs['name'], 'the run finishes');
      assert.equal(kids(last, 'error')[0]?.attrs['message'], 'every request failed, the first with ECONNREFUSED');
    });

    it('escapes markup and drops what XML cannot carry, and keeps repeated goals apart', () => {
      const odd = evaluateGoals([goal('<a href="x">&\'b\u0001: p95<1ms'), goal('p95<1ms'), goal('p95<1ms')], summary);
      const text = junitReport({ suite: 'a & <b>', timestamp: 't', hostname: '', durationSec: 0, results: odd });
      assert.ok(!text.includes('\u0001'));
      const suite = kids(parseXml(text).root, 'testsuite')[0];
      assert.equal(suite?.attrs['name'], 'a & <b>');
      assert.equal(suite?.attrs['hostname'], 'localhost');
      assert.deepEqual(
        kids(suite, 'testcase').map((c) => c.attrs['name']),
        [`goal <a href="x">&'b: p95<1ms`, 'goal p95<1ms', 'goal p95<1ms (2)'],
      );
      assert.equal(xmlEscape('a\nb\t"c"'), 'a&#10;b&#9;&quot;c&quot;');
    });
  });
});
