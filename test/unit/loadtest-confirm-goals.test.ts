// Run Load Test's confirmation (src/ui/loadtestGoals.ts, confirmWithGoals) with a stand-in vscode:
// "Run, Stop at a Missed Goal" is offered beside "Run Load Test" only while some goal is one the
// live figures judge, the detail says what it does and after how long, and the pick says whether
// the run is watched. The watch itself is test/unit/loadtest-goal-watch.test.ts's.
import { strict as assert } from 'node:assert';
import { englishL10n, withStandInVscode } from '../support/standInVscode';

interface Shown {
  message: string;
  detail: string;
  buttons: string[];
}

describe("Run Load Test's confirmation with goals (src/ui/loadtestGoals.ts)", () => {
  const shown: Shown[] = [];
  /** What the student picks in each dialog, in turn, and types in each goals box. */
  let picks: (string | undefined)[] = [];
  let typed: string[] = [];
  const vscodeStub = {
    window: {
      showWarningMessage: (message: string, options: { detail?: string }, ...buttons: string[]) => {
        shown.push({ message, detail: options.detail ?? '', buttons });
        return Promise.resolve(picks.shift());
      },
      showInputBox: () => Promise.resolve(typed.shift()),
    },
    l10n: englishL10n,
  };
  const loaded = withStandInVscode(
    vscodeStub,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    () => require('../../src/ui/loadtestGoals') as typeof import('../../src/ui/loadtestGoals'),
  );
  beforeEach(() => {
    shown.length = 0;
    picks = [];
    typed = [];
  });

  const ask = (planGoals: string[]): ReturnType<ReturnType<typeof loaded>['confirmWithGoals']> =>
    loaded().confirmWithGoals('Run the load test against 127.0.0.1:8080?', 'Plan: p.jmx', planGoals);

  it('offers Run, Stop at a Missed Goal beside Run Load Test when a goal is judged live, and says what it does', async () => {
    picks = ['Run, Stop at a Missed Goal'];
    const confirmed = await ask(['p95<20ms; errors<1%']);
    assert.deepEqual(shown[0]?.buttons, ['Run Load Test', 'Run, Stop at a Missed Goal', 'Set Goals…']);
    assert.equal(
      shown[0]?.detail,
      'Plan: p.jmx\nGoals: p95<20ms; errors<1%\nRun, Stop at a Missed Goal stops the run once a whole-run ' +
        'p50, p95, p99, errors or rps goal is missed after the first 5 s; the results so far are kept.',
    );
    assert.equal(confirmed?.stopAtMiss, true);
    assert.deepEqual(
      confirmed.goals.map((g) => g.text),
      ['p95<20ms', 'errors<1%'],
    );
  });

  it('runs unwatched with Run Load Test, and not at all when dismissed', async () => {
    picks = ['Run Load Test'];
    assert.equal((await ask(['p95<20ms']))?.stopAtMiss, false);
    picks = [undefined];
    assert.equal(await ask(['p95<20ms']), undefined);
  });

  it('does not offer it without goals, nor for goals judged at the end only', async () => {
    picks = [undefined, undefined];
    await ask([]);
    await ask(['POST /hash: p95<1ms; p90<1ms; avg<1ms; max<1ms']);
    for (const s of shown) {
      assert.deepEqual(s.buttons, ['Run Load Test', 'Set Goals…']);
      assert.doesNotMatch(s.detail, /Stop at a Missed Goal/);
    }
  });

  it('offers it once Set Goals… gives a goal judged live', async () => {
    picks = ['Set Goals…', 'Run, Stop at a Missed Goal'];
    typed = ['p50<0.001ms'];
    const confirmed = await ask([]);
    assert.deepEqual(
      shown.map((s) => s.buttons.length),
      [2, 3],
    );
    assert.match(shown[1]?.detail ?? '', /^Goals: p50<0\.001ms$/m);
    assert.equal(confirmed?.stopAtMiss, true);
    assert.deepEqual(
      confirmed.goals.map((g) => g.text),
      ['p50<0.001ms'],
    );
  });
});
