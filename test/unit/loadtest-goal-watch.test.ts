// The goal watch both abort-on-fails share (the CLI's --abort-on-fail, the editor's "Run, Stop at a
// Missed Goal"): nothing stops a run before the settling delay, the first miss after it stops the run
// once, and the sentences say which goal, its figure and when. The CLI's lines, built on it, are
// pinned word for word as they were before the watch moved to src/core.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoalWatch, readRunGoals } from '../../src/cli/loadtestGoals';
import type { Io } from '../../src/cli/io';
import { parseGoal, type Goal } from '../../src/core/loadtest/goals';
import { defaultAbortDelaySec, LiveGoalWatch, missedLine, stopReason } from '../../src/core/loadtest/goalWatch';
import { loadPlan } from '../../src/core/loadtest/plan';
import type { Progress } from '../../src/core/loadtest/stats';

function goal(text: string): Goal {
  const g = parseGoal(text);
  if (typeof g === 'string') assert.fail(`${text}: ${g}`);
  return g;
}

/** A second's report: 500 samples so far, p50/p95/p99 of 10/20/30 ms unless told otherwise. */
const progress = (elapsedSec: number, overall: Partial<Progress['overall']> = {}): Progress => ({
  elapsedSec,
  activeThreads: 4,
  rps: 100,
  errorRate: 0,
  window: { seconds: 5, samples: 500, p50: 10, p95: 20, p99: 30 },
  overall: { samples: 500, errors: 0, rps: 100, p50: 10, p95: 20, p99: 30, ...overall },
});

describe('the goal watch (abort on fail)', () => {
  it('settles for 5 s by default, as --abort-delay does', () => {
    assert.equal(defaultAbortDelaySec, 5);
    const watch = new LiveGoalWatch([goal('p50<0.001ms')]);
    assert.equal(watch.onProgress(progress(4.9)), undefined, 'a miss before the delay does not stop the run');
    assert.equal(watch.onProgress(progress(5))?.result.goal.text, 'p50<0.001ms');
  });

  it('does not stop the run for a miss before the delay, however bad', () => {
    const watch = new LiveGoalWatch([goal('p95<15ms')], 3);
    for (const s of [0, 1, 2, 2.9]) assert.equal(watch.onProgress(progress(s, { p95: 5000 })), undefined, `${s} s`);
    assert.equal(watch.missed, undefined);
  });

  it('names the first miss after the delay, once, with when and the figure', () => {
    const watch = new LiveGoalWatch(['errors<1%', 'p95<15ms'].map(goal), 3);
    assert.equal(watch.onProgress(progress(3)), watch.missed, 'the report that shows the miss returns it');
    const first = watch.missed;
    assert.equal(first?.atSec, 3);
    assert.equal(first?.result.goal.text, 'p95<15ms');
    assert.equal(first?.result.figure, 'p95 20 ms');
    // Reports go on arriving while the run stops; none of them stops it again or changes the reason.
    assert.equal(watch.onProgress(progress(4, { errors: 100 })), undefined);
    assert.equal(watch.onProgress(progress(5, { p95: 90 })), undefined);
    assert.equal(watch.missed, first);
  });

  it('holds while the goals hold, and goes on judging until one is missed', () => {
    const watch = new LiveGoalWatch(['p95<25ms', 'errors<1%'].map(goal), 1);
    assert.equal(watch.onProgress(progress(2)), undefined);
    assert.equal(watch.onProgress(progress(3, { samples: 0, p95: 90 })), undefined, 'no samples judge nothing');
    assert.equal(watch.onProgress(progress(4, { errors: 50 }))?.result.figure, 'errors 10%');
  });

  it('never stops for goals judged at the end only (per label, p90, avg, max)', () => {
    const watch = new LiveGoalWatch(['POST /hash: p95<1ms', 'p90<1ms', 'avg<1ms', 'max<1ms'].map(goal), 0);
    for (const s of [0, 5, 60]) assert.equal(watch.onProgress(progress(s)), undefined);
  });

  it('says which goal was missed, when, and the figure', () => {
    const watch = new LiveGoalWatch([goal('p50<0.001ms')], 2);
    const miss = watch.onProgress(progress(6.4, { p50: 50.123 }));
    assert.ok(miss);
    assert.equal(missedLine(miss), 'goal p50<0.001ms missed at 6 s (p50 50.12 ms, since the start)');
    assert.equal(stopReason(miss), 'stopped because goal p50<0.001ms was missed at 6 s (p50 50.12 ms)');
    assert.equal(
      stopReason(miss, '--abort-on-fail'),
      'stopped at 6 s by --abort-on-fail: goal p50<0.001ms missed (p50 50.12 ms)',
    );
  });
});

describe("the CLI's GoalWatch on the shared watch", () => {
  const scaffolded = readFileSync(join(__dirname, '..', '..', 'templates', 'jmeter', 'hash-load.jmx'), 'utf8');
  const plan = loadPlan(scaffolded, { file: 'hash-load.jmx' });
  const ioInto = (err: string[]): Io => ({ out: () => undefined, err: (l) => void err.push(l) });

  it('with --abort-on-fail, says it is stopping and aborts its signal once, with the reason it always gave', () => {
    const err: string[] = [];
    const watch = new GoalWatch(
      readRunGoals({ goal: ['p95<15ms'], 'abort-on-fail': true, 'abort-delay': '2' }, plan),
      ioInto(err),
    );
    watch.onProgress(progress(1.5));
    assert.equal(watch.signal.aborted, false);
    assert.equal(watch.reason, undefined);
    watch.onProgress(progress(2.2));
    watch.onProgress(progress(3.2, { p95: 80 }));
    assert.equal(watch.signal.aborted, true);
    assert.deepEqual(err, ['stopping: goal p95<15ms missed at 2 s (p95 20 ms, since the start)']);
    assert.equal(watch.reason, 'stopped at 2 s by --abort-on-fail: goal p95<15ms missed (p95 20 ms)');
  });

  it('without --abort-on-fail, watches nothing', () => {
    const err: string[] = [];
    const watch = new GoalWatch(readRunGoals({ goal: ['p95<15ms'] }, plan), ioInto(err));
    watch.onProgress(progress(30));
    assert.equal(watch.signal.aborted, false);
    assert.equal(watch.reason, undefined);
    assert.deepEqual(err, []);
  });
});
