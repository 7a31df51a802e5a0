// The typed messages between the load-test view (page) and the extension host. The page only says
// "ready" and "stop"; the host sends the run's settings, live progress, the server's figures, that the
// run is stopping, and the summary.
import type { LatencyMs } from '../loadtest/summary';
import { isRecord } from '../isRecord';
import { hasOnly } from './shape';
import { isReadyMessage, type ReadyMessage } from './query';

export interface LoadtestStopMessage {
  type: 'stop';
}

export type LoadtestPageMessage = ReadyMessage | LoadtestStopMessage;

export function isLoadtestStopMessage(v: unknown): v is LoadtestStopMessage {
  return isRecord(v) && v['type'] === 'stop' && hasOnly(v, ['type']);
}

/** The load-test page message `v` is, or undefined when it is unknown or malformed. */
export function parseLoadtestPageMessage(v: unknown): LoadtestPageMessage | undefined {
  if (isReadyMessage(v) || isLoadtestStopMessage(v)) return v;
  return undefined;
}

export interface LoadtestRunInfo {
  plan: string;
  jtl: string;
  engine: string;
  /** The URLs the plan's samplers hit. */
  targets: string[];
  threads: number;
  rampUpSec: number;
  /** Absent when the plan's loops end the run. */
  durationSec?: number;
  /** The load model in words: "closed: the plan's threads" or the open model's rate ("open: 100 req/s, …"). */
  model?: string;
}

export interface LoadtestStartMessage {
  type: 'start';
  run: LoadtestRunInfo;
}

/** One second of a run (the fields of the engine's Progress the page shows). */
export interface LoadtestProgressMessage {
  type: 'progress';
  elapsedSec: number;
  activeThreads: number;
  rps: number;
  errorRate: number;
  window: { seconds: number; samples: number; p50: number; p95: number; p99: number };
  overall: { samples: number; errors: number; rps: number; p50: number; p95: number; p99: number };
  /** The open model: the schedule's rate and the sent rate over the last second, and what could not go on time. */
  open?: {
    intendedRps: number;
    achievedRps: number;
    late: number;
    dropped: number;
    connections: number;
    maxConnections: number;
  };
}

export type LoadtestLatency = LatencyMs;

export interface LoadtestSummaryMessage {
  type: 'summary';
  /** The .jtl summarized. */
  jtl: string;
  /** How the run ended ("completed", "stopped", …), or undefined for a .jtl summarized on its own. */
  outcome?: string;
  samples: number;
  errors: number;
  errorRate: number;
  throughputPerSec: number;
  durationSec: number;
  latencyMs: LoadtestLatency;
  byLabel: { label: string; samples: number; errors: number; throughputPerSec: number; latencyMs: LoadtestLatency }[];
  byResponseCode: { code: string; count: number }[];
  notes: string[];
  /** The run's goals judged against this summary; absent when it had none. */
  goals?: LoadtestGoals;
}

/** One goal of a run, met or missed, with the measured figure in words ("p95 53 ms"). */
export interface LoadtestGoalResult {
  goal: string;
  met: boolean;
  figure: string;
}

export interface LoadtestGoals {
  /** "2 of 3 goals missed", "all 3 goals met". */
  verdict: string;
  results: LoadtestGoalResult[];
}

export interface LoadtestErrorMessage {
  type: 'error';
  message: string;
}

/** The server's own figures from Prometheus (the lab's Task 5 queries), or why there are none. */
export interface LoadtestServerMessage {
  type: 'server';
  /** The line to show, e.g. "server: 412 req/s, p95 38 ms (sandbox Prometheus; 30 s window)". */
  text: string;
  /** Seconds into the run the figures were taken, to place them on the chart; absent when there are none. */
  elapsedSec?: number;
  rps?: number;
  p95Ms?: number;
  /** No Prometheus to ask (or it stopped answering): shown once, quietly. */
  unavailable?: boolean;
}

/**
 * The run is ending, whoever ended it (the page's Stop, Cancel on the notification, a missed goal
 * with Run, Stop at a Missed Goal): the summary follows once the engine has stopped.
 */
export interface LoadtestStoppingMessage {
  type: 'stopping';
  /** Why, when the student did not ask for it: the goal missed, with its figure. */
  reason?: string;
}

export type LoadtestHostMessage =
  | LoadtestStartMessage
  | LoadtestProgressMessage
  | LoadtestServerMessage
  | LoadtestStoppingMessage
  | LoadtestSummaryMessage
  | LoadtestErrorMessage;

const loadtestHostTypes: readonly LoadtestHostMessage['type'][] = [
  'start',
  'progress',
  'server',
  'stopping',
  'summary',
  'error',
];

export function isLoadtestHostMessage(v: unknown): v is LoadtestHostMessage {
  return isRecord(v) && typeof v['type'] === 'string' && (loadtestHostTypes as readonly string[]).includes(v['type']);
}
