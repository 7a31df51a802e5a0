// `obslab loadtest`'s goals: which goals a run has (--goal, else the plan's goal variables), the
// watch that stops a run once a goal is missed (--abort-on-fail), the verdict printed after the
// summary (text lines, or a `goals` array in the JSON) and the JUnit report (--junit FILE).
import * as l10n from '@vscode/l10n';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import {
  evaluateGoals,
  goalResultLine,
  goalsVerdict,
  parseGoalList,
  planGoalTexts,
  type Goal,
  type GoalResult,
} from '../core/loadtest/goals';
import { defaultAbortDelaySec, LiveGoalWatch, missedLine, stopReason, type GoalMiss } from '../core/loadtest/goalWatch';
import { junitReport } from '../core/loadtest/junit';
import type { LoadPlan } from '../core/loadtest/plan';
import type { Progress } from '../core/loadtest/stats';
import type { Summary } from '../core/loadtest/summary';
import { UsageError, type Io } from './io';

export interface RunGoals {
  goals: Goal[];
  /** Where they came from, for the line before the run. */
  source: 'command line' | 'plan';
  abortOnFail: boolean;
  abortDelaySec: number;
  junit: string | undefined;
}

/** --junit, for every command that judges goals. */
export const junitOption = {
  type: 'string',
  value: 'FILE',
  get help() {
    return l10n.t('write the goals as a JUnit XML report for CI');
  },
} as const;

/** Each text's goals; a text that is not a goal is bad usage, worded by `refused`. */
function parseGoals(texts: readonly string[], refused: (text: string, why: string) => string): Goal[] {
  const goals: Goal[] = [];
  for (const text of texts) {
    const parsed = parseGoalList(text);
    if (typeof parsed === 'string') throw new UsageError(refused(text, parsed));
    goals.push(...parsed);
  }
  return goals;
}

const goalFlagRefused = (text: string, why: string): string => l10n.t("--goal '{0}': {1}", text, why);

/** --junit's file, made absolute; a folder that does not exist is bad usage, said before anything runs. */
function junitFile(value: string | undefined): string | undefined {
  const junit = value === undefined ? undefined : resolve(value);
  if (junit !== undefined && !existsSync(dirname(junit)))
    throw new UsageError(l10n.t('--junit {0}: the folder {1} does not exist', value ?? junit, dirname(junit)));
  return junit;
}

/** Goals for results already written (`obslab jtl`): only --goal, and --junit to report them. */
export function readGoalFlags(values: { goal?: string[]; junit?: string }): RunGoals {
  return {
    goals: parseGoals(values.goal ?? [], goalFlagRefused),
    source: 'command line',
    abortOnFail: false,
    abortDelaySec: defaultAbortDelaySec,
    junit: junitFile(values.junit),
  };
}

/** The run's goals and what to do with them; bad goals or flags are bad usage (exit 2), before anything is sent. */
export function readRunGoals(
  values: { goal?: string[]; junit?: string; 'abort-on-fail'?: boolean; 'abort-delay'?: string },
  plan: LoadPlan,
): RunGoals {
  const fromFlags = values.goal !== undefined;
  const goals = fromFlags
    ? parseGoals(values.goal ?? [], goalFlagRefused)
    : parseGoals(planGoalTexts(plan), (text, why) =>
        l10n.t("{0}: the plan's goal '{1}' (a User Defined Variable named goal or goal.*): {2}", plan.file, text, why),
      );
  const abortOnFail = values['abort-on-fail'] === true;
  let abortDelaySec = defaultAbortDelaySec;
  if (values['abort-delay'] !== undefined) {
    const raw = values['abort-delay'].trim().replace(/s$/, '');
    abortDelaySec = Number(raw);
    if (raw === '' || !Number.isFinite(abortDelaySec) || abortDelaySec < 0)
      throw new UsageError(
        l10n.t("--abort-delay takes seconds (0 or more), like 10, not '{0}'", values['abort-delay']),
      );
    if (!abortOnFail) throw new UsageError(l10n.t('--abort-delay only applies with --abort-on-fail'));
  }
  if (abortOnFail && !goals.length)
    throw new UsageError(
      l10n.t(
        "--abort-on-fail needs goals: give {0} (or put goal variables in the plan's User Defined Variables)",
        "--goal 'p95<200ms'",
      ),
    );
  const junit = junitFile(values.junit);
  return { goals, source: fromFlags ? 'command line' : 'plan', abortOnFail, abortDelaySec, junit };
}

/** What is said before the run: the goals, and whether a miss stops it. */
export function goalsIntro(g: RunGoals): string[] {
  if (!g.goals.length) return [];
  const list = g.goals.map((x) => x.text).join('; ');
  const lines = [g.source === 'plan' ? l10n.t('goals (plan): {0}', list) : l10n.t('goals (command line): {0}', list)];
  if (g.abortOnFail)
    lines.push(
      l10n.t(
        'abort on fail: the run stops once a whole-run goal is missed, judged every second after the first {0} s',
        g.abortDelaySec,
      ),
    );
  return lines;
}

/**
 * Stops the run (its signal) the first time the live figures miss a goal, with --abort-on-fail;
 * which miss, and when, is the shared watch's (src/core/loadtest/goalWatch.ts).
 */
export class GoalWatch {
  private readonly stop = new AbortController();
  private readonly watch: LiveGoalWatch;

  constructor(
    private readonly goals: RunGoals,
    private readonly io: Io,
  ) {
    this.watch = new LiveGoalWatch(goals.goals, goals.abortDelaySec);
  }

  get signal(): AbortSignal {
    return this.stop.signal;
  }

  get missed(): GoalMiss | undefined {
    return this.watch.missed;
  }

  onProgress(p: Progress): void {
    if (!this.goals.abortOnFail) return;
    const miss = this.watch.onProgress(p);
    if (!miss) return;
    this.io.err(l10n.t('stopping: {0}', missedLine(miss)));
    this.stop.abort();
  }

  /** Why the run ended early, once it did. */
  get reason(): string | undefined {
    const m = this.watch.missed;
    return m ? stopReason(m, '--abort-on-fail') : undefined;
  }
}

/** A goal's result in the JSON output. */
export function goalJson(r: GoalResult): Record<string, unknown> {
  return {
    goal: r.goal.text,
    ...(r.goal.label === undefined ? {} : { label: r.goal.label }),
    metric: r.goal.metric,
    op: r.goal.op,
    bound: r.goal.bound,
    met: r.met,
    ...(r.measured === undefined ? {} : { measured: r.measured }),
    figure: r.figure,
  };
}

/** The results of the goals against the summary (every goal missed when there is none). */
export function judgeGoals(g: RunGoals, summary: Summary | undefined): GoalResult[] {
  if (summary) return evaluateGoals(g.goals, summary);
  return g.goals.map((goal) => ({ goal, met: false, figure: l10n.t('no results') }));
}

/** The lines after the summary: the verdict, then each goal. */
export function goalLines(results: readonly GoalResult[]): string[] {
  const verdict = goalsVerdict(results);
  return verdict ? [l10n.t('goals: {0}', verdict), ...results.map((r) => `  ${goalResultLine(r)}`)] : [];
}

/** Writes the JUnit report when asked; a report that cannot be written is said, and fails the run. */
export function writeJunit(
  g: RunGoals,
  results: readonly GoalResult[],
  run: {
    /** The command, for the message when the report cannot be written. */
    command: string;
    suite: string;
    startMs: number;
    durationSec: number;
    runError: string | undefined;
    properties: Record<string, string>;
  },
  io: Io,
): boolean {
  if (!g.junit) return true;
  try {
    writeFileSync(
      g.junit,
      junitReport({
        tool: run.command,
        suite: run.suite,
        timestamp: new Date(run.startMs).toISOString().slice(0, 19),
        hostname: hostname(),
        durationSec: run.durationSec,
        results,
        properties: run.properties,
        ...(run.runError === undefined ? {} : { runError: run.runError }),
      }),
    );
    io.err(l10n.t('JUnit report: {0}', g.junit));
    return true;
  } catch (e) {
    io.err(
      l10n.t(
        '{0}: cannot write the JUnit report {1}: {2}',
        run.command,
        g.junit,
        e instanceof Error ? e.message : String(e),
      ),
    );
    return false;
  }
}

/** "1 of 3 goals missed" when some goal was missed; undefined when all were met (or there were none). */
export function goalsMissed(results: readonly GoalResult[]): string | undefined {
  return results.some((r) => !r.met) ? goalsVerdict(results) : undefined;
}
