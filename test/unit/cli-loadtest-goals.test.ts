// `obslab loadtest`'s goal flags: where the goals come from, and each bad use refused as usage
// (exit 2) with what is wrong, before anything is sent; the lines and JSON printed after the summary.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/io';
import { goalJson, goalLines, goalsIntro, goalsMissed, judgeGoals, readRunGoals } from '../../src/cli/loadtestGoals';
import { loadPlan } from '../../src/core/loadtest/plan';
import { summarizeJtl } from '../../src/core/loadtest/summary';

const scaffolded = readFileSync(join(__dirname, '..', '..', 'templates', 'jmeter', 'hash-load.jmx'), 'utf8');
const plain = loadPlan(scaffolded, { file: 'hash-load.jmx' });
const withGoal = (value: string): ReturnType<typeof loadPlan> =>
  loadPlan(
    scaffolded.replace(
      '<collectionProp name="Arguments.arguments">',
      `<collectionProp name="Arguments.arguments"><elementProp name="goal" elementType="Argument"><stringProp name="Argument.name">goal</stringProp><stringProp name="Argument.value">${value}</stringProp></elementProp>`,
    ),
    { file: 'goals.jmx' },
  );

function refused(values: Parameters<typeof readRunGoals>[0], plan = plain): string {
  try {
    readRunGoals(values, plan);
  } catch (e) {
    assert.ok(e instanceof UsageError, String(e));
    return e.message;
  }
  return assert.fail('should be refused');
}

describe('obslab loadtest goal flags', () => {
  it("takes --goal (lists split on ';'), replacing the plan's goals", () => {
    const g = readRunGoals({ goal: ['p95<200ms; errors<1%', 'rps>=5'] }, withGoal('p99&lt;1s'));
    assert.deepEqual(
      g.goals.map((x) => x.text),
      ['p95<200ms', 'errors<1%', 'rps>=5'],
    );
    assert.equal(g.source, 'command line');
    assert.deepEqual(goalsIntro(g), ['goals (command line): p95<200ms; errors<1%; rps>=5']);
  });

  it("takes the plan's goal variables without --goal; none when it has none", () => {
    const g = readRunGoals({}, withGoal('p99&lt;1s'));
    assert.deepEqual(
      g.goals.map((x) => x.text),
      ['p99<1s'],
    );
    assert.equal(g.source, 'plan');
    assert.deepEqual(readRunGoals({}, plain).goals, []);
    assert.deepEqual(goalsIntro(readRunGoals({}, plain)), []);
  });

  it('refuses a goal it cannot read, naming where it came from', () => {
    assert.match(refused({ goal: ['p95 200'] }), /^--goal 'p95 200': 'p95 200' has no comparison/);
    assert.match(
      refused({}, withGoal('p95 &lt; 2 hours')),
      /^goals\.jmx: the plan's goal 'p95 < 2 hours' \(a User Defined Variable named goal or goal\.\*\): '2 hours' .* is not a duration/,
    );
  });

  it('refuses --abort-on-fail without goals, and --abort-delay that is not seconds or comes alone', () => {
    assert.match(refused({ 'abort-on-fail': true }), /--abort-on-fail needs goals: give --goal 'p95<200ms'/);
    assert.match(
      refused({ goal: ['p95<1s'], 'abort-on-fail': true, 'abort-delay': 'soon' }),
      /--abort-delay takes seconds \(0 or more\), like 10, not 'soon'/,
    );
    assert.match(refused({ goal: ['p95<1s'], 'abort-on-fail': true, 'abort-delay': '-1' }), /not '-1'/);
    assert.match(refused({ goal: ['p95<1s'], 'abort-delay': '10' }), /--abort-delay only applies with --abort-on-fail/);
    const g = readRunGoals({ goal: ['p95<1s'], 'abort-on-fail': true, 'abort-delay': '12s' }, plain);
    assert.equal(g.abortDelaySec, 12);
    assert.equal(readRunGoals({ goal: ['p95<1s'], 'abort-on-fail': true }, plain).abortDelaySec, 5);
    assert.match(goalsIntro(g)[1] ?? '', /after the first 12 s/);
  });

  it('refuses --junit into a folder that does not exist', () => {
    assert.match(
      refused({ goal: ['p95<1s'], junit: '/no/such/folder/goals.xml' }),
      /--junit \/no\/such\/folder\/goals\.xml: the folder \/no\/such\/folder does not exist/,
    );
  });

  it('prints the verdict and each goal after the summary, and the JSON array', () => {
    const summary = summarizeJtl(
      'timeStamp,elapsed,label,responseCode,responseMessage,threadName,success,bytes\n1,50,POST /hash,200,OK,t,true,1',
    );
    const g = readRunGoals({ goal: ['p95<20ms', 'POST /hash: errors<1%'] }, plain);
    const results = judgeGoals(g, summary);
    assert.deepEqual(goalLines(results), [
      'goals: 1 of 2 goals missed',
      '  ✗ missed p95<20ms: p95 50 ms',
      '  ✓ met    POST /hash: errors<1%: errors 0%',
    ]);
    assert.equal(goalsMissed(results), '1 of 2 goals missed');
    assert.deepEqual(goalJson(results[1]!), {
      goal: 'POST /hash: errors<1%',
      label: 'POST /hash',
      metric: 'errors',
      op: '<',
      bound: 0.01,
      met: true,
      measured: 0,
      figure: 'errors 0%',
    });
    assert.deepEqual(
      judgeGoals(g, undefined).map((r) => [r.met, r.figure]),
      [
        [false, 'no results'],
        [false, 'no results'],
      ],
    );
    assert.equal(goalsMissed(judgeGoals(readRunGoals({ goal: ['p95<1s'] }, plain), summary)), undefined);
    assert.deepEqual(goalLines([]), []);
  });
});
