// Abort-on-fail, decided without I/O: the CLI's --abort-on-fail and the editor's "Run, Stop at a
// Missed Goal" hand each Progress to one watch, which names the first whole-run goal the live
// figures miss once the settling delay is over, and only once, so a run is stopped a single time
// however many reports still arrive while it stops. Stopping is the caller's (its own signal), as
// are the words around the miss; the sentences here are the ones both say.
import { t } from '../text/l10n';
import { liveMiss, type Goal, type GoalResult } from './goals';
import type { Progress } from './stats';

/**
 * Seconds a run settles before its goals are judged live (the CLI's --abort-delay default, the
 * editor's delay): one slow first request should not stop a run.
 */
export const defaultAbortDelaySec = 5;

/** The goal the live figures missed, and the run's age when they did. */
export interface GoalMiss {
  result: GoalResult;
  atSec: number;
}

export class LiveGoalWatch {
  private first: GoalMiss | undefined;

  constructor(
    private readonly goals: readonly Goal[],
    private readonly delaySec: number = defaultAbortDelaySec,
  ) {}

  /** The miss this report shows, the first time one does; undefined before and ever after. */
  onProgress(p: Progress): GoalMiss | undefined {
    if (this.first) return undefined;
    const result = liveMiss(this.goals, p, this.delaySec);
    if (!result) return undefined;
    this.first = { result, atSec: p.elapsedSec };
    return this.first;
  }

  /** The miss that stopped the run, once there was one. */
  get missed(): GoalMiss | undefined {
    return this.first;
  }
}

const seconds = (m: GoalMiss): string => m.atSec.toFixed(0);

/** Said as the run is stopped: "goal p95<20ms missed at 6 s (p95 51 ms, since the start)". */
export function missedLine(m: GoalMiss): string {
  return t`goal ${m.result.goal.text} missed at ${seconds(m)} s (${m.result.figure}, since the start)`;
}

/**
 * Why the run ended early. With `by`, what stopped it (the CLI's "--abort-on-fail"): "stopped at
 * 6 s by --abort-on-fail: goal p95<20ms missed (p95 51 ms)"; without, as the editor says it:
 * "stopped because goal p95<20ms was missed at 6 s (p95 51 ms)".
 */
export function stopReason(m: GoalMiss, by?: string): string {
  const { goal, figure } = m.result;
  return by === undefined
    ? t`stopped because goal ${goal.text} was missed at ${seconds(m)} s (${figure})`
    : t`stopped at ${seconds(m)} s by ${by}: goal ${goal.text} missed (${figure})`;
}
