// Run Load Test's goals: the confirmation lists the goals the run will be judged by (the plan's
// goal variables at first) and its Set Goals… button opens a box prefilled with them, checked as
// the student types with the parser's own message; empty means no goals. When some goal can be
// judged live, Run, Stop at a Missed Goal runs it watched (the CLI's --abort-on-fail). At the end the
// summary's message carries each goal met or missed, and the notification says how many were missed.
import * as vscode from 'vscode';
import { goalsVerdict, judgedLive, parseGoalList, type Goal, type GoalResult } from '../core/loadtest/goals';
import { defaultAbortDelaySec } from '../core/loadtest/goalWatch';
import type { LoadtestGoals } from '../core/protocol/loadtest';

/** What the confirmation settled: the goals, and whether the first one missed stops the run. */
export interface ConfirmedGoals {
  goals: Goal[];
  stopAtMiss: boolean;
}

function goalsLine(goals: readonly Goal[], problem: string | undefined): string {
  if (problem)
    return vscode.l10n.t("Goals: the plan's goals cannot be read ({0}); none set. Set Goals… to fix them.", problem);
  return goals.length
    ? vscode.l10n.t('Goals: {0}', goals.map((g) => g.text).join('; '))
    : vscode.l10n.t('Goals: none (Set Goals… to add some)');
}

/** The goals box: prefilled, validated live; undefined when dismissed. */
export async function askGoals(value: string): Promise<Goal[] | undefined> {
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run Load Test: goals'),
    prompt: vscode.l10n.t(
      "Goals the run must meet, separated by ';': {0} in ms or s, errors in %, rps; a sampler label first for one sampler, e.g. {1}. Empty: no goals.",
      'p50/p90/p95/p99/avg/max',
      'p95<200ms; errors<1%; POST /hash: p99<1s',
    ),
    value,
    validateInput: (v) => {
      const g = parseGoalList(v);
      return typeof g === 'string' ? g : undefined;
    },
    ignoreFocusOut: true,
  });
  if (text === undefined) return undefined;
  const goals = parseGoalList(text);
  return typeof goals === 'string' ? undefined : goals;
}

/**
 * The modal confirmation with the goals line added to `detail`; Set Goals… changes them and asks
 * again. Run, Stop at a Missed Goal is offered only while some goal is one the live figures judge
 * (a per-label, p90, avg or max goal is judged at the end only). The goals to run with and how, or
 * undefined when the student did not confirm.
 */
export async function confirmWithGoals(
  question: string,
  detail: string,
  planGoals: readonly string[],
): Promise<ConfirmedGoals | undefined> {
  // Kept in variables: the pick is compared with the label in the display language.
  const run = vscode.l10n.t('Run Load Test');
  const runWatched = vscode.l10n.t('Run, Stop at a Missed Goal');
  const setGoals = vscode.l10n.t('Set Goals…');
  const fromPlan = parseGoalList(planGoals.join('; '));
  let problem = typeof fromPlan === 'string' ? fromPlan : undefined;
  let goals: Goal[] = typeof fromPlan === 'string' ? [] : fromPlan;
  let boxText = planGoals.join('; ');
  for (;;) {
    const watchable = goals.some(judgedLive);
    const watchLine = watchable
      ? [
          vscode.l10n.t(
            '{0} stops the run once a whole-run p50, p95, p99, errors or rps goal is missed after the first {1} s; the results so far are kept.',
            runWatched,
            defaultAbortDelaySec,
          ),
        ]
      : [];
    const pick = await vscode.window.showWarningMessage(
      question,
      { modal: true, detail: [detail, goalsLine(goals, problem), ...watchLine].join('\n') },
      run,
      ...(watchable ? [runWatched] : []),
      setGoals,
    );
    if (pick === run) return { goals, stopAtMiss: false };
    if (pick === runWatched && watchable) return { goals, stopAtMiss: true };
    if (pick !== setGoals) return undefined;
    const asked = await askGoals(boxText);
    if (asked) {
      goals = asked;
      problem = undefined;
      boxText = asked.map((g) => g.text).join('; ');
    }
  }
}

/** The summary message's goals part, to spread into it; empty without goals. */
export function goalsForPanel(results: readonly GoalResult[]): { goals?: LoadtestGoals } {
  const verdict = goalsVerdict(results);
  if (!verdict) return {};
  return { goals: { verdict, results: results.map((r) => ({ goal: r.goal.text, met: r.met, figure: r.figure })) } };
}

/** What the end-of-run notification adds: "; 2 of 3 goals missed" (or "; all 3 goals met"). */
export function goalsNotice(results: readonly GoalResult[]): string {
  const verdict = goalsVerdict(results);
  return verdict ? `; ${verdict}` : '';
}
