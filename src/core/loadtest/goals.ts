// Goals for a load-test run: k6's thresholds in the words of our summary ("p95<200ms",
// "errors<1%", "rps>=50", "POST /hash: p99<=1.5s"). They come from the plan (User Defined
// Variables named goal or goal.*, which JMeter itself just defines and ignores), the CLI or the
// dialog; each is judged against the .jtl's Summary at the end, and the whole-run ones against the
// live figures for abort-on-fail. A goal that cannot be read says what is wrong and how to write it.
import { t } from '../text/l10n';
import { resolveVariables, type LoadPlan } from './plan';
import type { LabelSummary, Summary } from './summary';
import type { Progress } from './stats';

/** Latency figures (ms), the error share (0..1) and throughput (requests per second). */
export type GoalMetric = 'p50' | 'p90' | 'p95' | 'p99' | 'avg' | 'max' | 'errors' | 'rps';
export type GoalOp = '<' | '<=' | '>' | '>=';

export interface Goal {
  /** As written, trimmed. */
  text: string;
  /** A sampler label the goal is about; absent for the whole run. */
  label?: string;
  metric: GoalMetric;
  op: GoalOp;
  /** Milliseconds for latency, a share 0..1 for errors, requests per second for rps. */
  bound: number;
}

export interface GoalResult {
  goal: Goal;
  met: boolean;
  /** The measured figure in the goal's unit; absent when there was nothing to measure. */
  measured?: number;
  /** The measured figure in words: "p95 53 ms", "errors 0.25%", "412.5 req/s", "no samples labelled 'x'". */
  figure: string;
}

const latency: readonly GoalMetric[] = ['p50', 'p90', 'p95', 'p99', 'avg', 'max'];
const names: Record<string, GoalMetric> = {
  p50: 'p50',
  med: 'p50',
  median: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  avg: 'avg',
  mean: 'avg',
  max: 'max',
  errors: 'errors',
  error_rate: 'errors',
  rps: 'rps',
  throughput: 'rps',
};
const figures = (): string =>
  t`p50, p90, p95, p99, avg, max (latency), errors (the share of failed samples) or rps (throughput)`;
const example = 'p95<200ms';

const number = String.raw`(\d+(?:\.\d+)?|\.\d+)`;

function parseBound(metric: GoalMetric, raw: string, expr: string): number | string {
  const value = raw.trim();
  if (latency.includes(metric)) {
    const m = new RegExp(`^${number}\\s*(ms|s)?$`, 'i').exec(value);
    if (!m?.[1]) return t`'${value}' in '${expr}' is not a duration: write milliseconds or seconds, like 200ms or 1.5s`;
    const n = Number(m[1]);
    return m[2]?.toLowerCase() === 's' ? n * 1000 : n;
  }
  if (metric === 'errors') {
    const m = new RegExp(`^${number}\\s*(%)?$`).exec(value);
    if (!m?.[1]) return t`'${value}' in '${expr}' is not a share of errors: write a percentage like 1% (or 0.01)`;
    const n = Number(m[1]);
    if (m[2]) return n > 100 ? t`${value} in '${expr}' is more than 100%` : n / 100;
    if (n > 1) return t`errors are a share: write ${value}% (or ${n / 100}) in '${expr}'`;
    return n;
  }
  const m = new RegExp(`^${number}\\s*(/s|rps)?$`, 'i').exec(value);
  if (!m?.[1]) return t`'${value}' in '${expr}' is not a rate: write requests per second, like 50 or 50/s`;
  return Number(m[1]);
}

/**
 * One goal, "[LABEL:] FIGURE OP BOUND", or a sentence saying what is wrong with it. k6's own spelling
 * of a percentile, p(95), and of the median, med, are read too.
 */
export function parseGoal(text: string): Goal | string {
  const written = text.trim();
  if (!written) return t`a goal is empty: write one such as ${example}`;
  // The expression has no colon, so a label (which may: "GET http://host:8080/") ends at the last one.
  const colon = written.lastIndexOf(':');
  const label = colon >= 0 ? written.slice(0, colon).trim() : undefined;
  const expr = written.slice(colon + 1).trim();
  if (label === '') return t`'${written}' has nothing before ':': write a sampler label, as in POST /hash: ${example}`;
  if (!expr) return t`'${written}' has no goal after the label: write one such as ${label ?? ''}: ${example}`;
  const m = /^([A-Za-z_]+\d[\d.]*|[A-Za-z_]+(?:\(\s*[\d.]+\s*\))?)\s*(<=|>=|==|!=|=<|=>|<|>|=)?\s*(.*)$/.exec(expr);
  const rawName = (m?.[1] ?? expr).replace(/\s+/g, '');
  const op = m?.[2];
  const rawBound = m?.[3] ?? '';
  const k6 = /^p\(([\d.]+)\)$/i.exec(rawName);
  const key = (k6 ? `p${k6[1] ?? ''}` : rawName).toLowerCase();
  const metric = names[key];
  if (!metric) {
    if (/^p[\d.]+$/.test(key))
      return t`'${rawName}' in '${expr}' is not a percentile the summary has: use p50, p90, p95 or p99`;
    return t`'${rawName}' in '${expr}' is not a figure a goal can name: use ${figures()}`;
  }
  if (!op) return t`'${expr}' has no comparison: write it as ${rawName}<BOUND, like ${example}`;
  if (op !== '<' && op !== '<=' && op !== '>' && op !== '>=')
    return t`'${op}' in '${expr}' is not a comparison a goal takes: use <, <=, > or >= (a goal is a bound)`;
  if (!rawBound.trim()) {
    const sample = `${metric}${op}${metric === 'errors' ? '1%' : metric === 'rps' ? '50' : '200ms'}`;
    return t`'${expr}' has no bound after ${op}: write one such as ${sample}`;
  }
  const bound = parseBound(metric, rawBound, expr);
  if (typeof bound === 'string') return bound;
  if (op === '<' && bound === 0)
    return t`'${expr}' can never be met: nothing is below 0 (write ${metric}<=0 for none at all)`;
  return { text: written, ...(label === undefined ? {} : { label }), metric, op, bound };
}

/** Goals separated by ';' or new lines (the dialog's box, a plan variable), or the first one's problem. */
export function parseGoalList(text: string): Goal[] | string {
  const parts = text
    .split(/[;\n]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const goals: Goal[] = [];
  for (const [i, part] of parts.entries()) {
    const g = parseGoal(part);
    if (typeof g === 'string') return parts.length > 1 ? t`goal ${i + 1} of ${parts.length}: ${g}` : g;
    goals.push(g);
  }
  return goals;
}

/** The goals the plan states: its User Defined Variables named goal or goal.* (values may use ${__P(…)}), in order. */
export function planGoalTexts(
  plan: LoadPlan,
  clock: { random: () => number; epochMs: () => number } = { random: Math.random, epochMs: Date.now },
): string[] {
  const vars = resolveVariables(plan, clock);
  const out: string[] = [];
  for (const [name, value] of vars)
    if (/^goal(\..+)?$/.test(name))
      out.push(
        ...value
          .split(/[;\n]/)
          .map((v) => v.trim())
          .filter((v) => v !== ''),
      );
  return out;
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** A figure in the goal's unit, in words. */
export function formatFigure(metric: GoalMetric, value: number): string {
  if (metric === 'errors') return t`errors ${round(value * 100, 2)}%`;
  if (metric === 'rps') return t`${round(value, 1)} req/s`;
  return t`${metric} ${round(value, 2)} ms`;
}

function compare(op: GoalOp, value: number, bound: number): boolean {
  switch (op) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
  }
}

function figureOf(metric: GoalMetric, s: LabelSummary): number {
  switch (metric) {
    case 'errors':
      return s.samples ? s.errors / s.samples : 0;
    case 'rps':
      return s.throughputPerSec;
    default:
      return s.latencyMs[metric === 'avg' ? 'mean' : metric];
  }
}

function judge(goal: Goal, measured: number | undefined, missing: string): GoalResult {
  if (measured === undefined) return { goal, met: false, figure: missing };
  return { goal, met: compare(goal.op, measured, goal.bound), measured, figure: formatFigure(goal.metric, measured) };
}

/**
 * Each goal against the run's summary. A goal whose label has no samples, or any goal of a run with
 * none, is missed (k6 passes a threshold without samples; a typo in a label should not pass).
 */
export function evaluateGoals(goals: readonly Goal[], summary: Summary): GoalResult[] {
  return goals.map((goal) => {
    if (goal.label !== undefined) {
      const s = summary.byLabel[goal.label];
      const known = Object.keys(summary.byLabel);
      const labels = known.map((l) => `'${l}'`).join(', ');
      const missing = known.length
        ? t`no samples labelled '${goal.label}' (labels: ${labels})`
        : t`no samples labelled '${goal.label}'`;
      return judge(goal, s?.samples ? figureOf(goal.metric, s) : undefined, missing);
    }
    return judge(goal, summary.samples ? figureOf(goal.metric, summary) : undefined, t`no samples`);
  });
}

/** Whether the live figures can judge the goal: whole-run p50, p95, p99, errors and rps (the engine's progress has no others). */
export function judgedLive(goal: Goal): boolean {
  return goal.label === undefined && ['p50', 'p95', 'p99', 'errors', 'rps'].includes(goal.metric);
}

/**
 * The first goal the live figures (since the start, as k6 judges thresholds) show missed, once the
 * run is `delaySec` old and has samples; undefined while every live-judged goal holds.
 */
export function liveMiss(goals: readonly Goal[], p: Progress, delaySec: number): GoalResult | undefined {
  const o = p.overall;
  if (p.elapsedSec < delaySec || !o.samples) return undefined;
  for (const goal of goals) {
    if (!judgedLive(goal)) continue;
    const measured =
      goal.metric === 'errors'
        ? o.errors / o.samples
        : goal.metric === 'rps'
          ? o.rps
          : o[goal.metric as 'p50' | 'p95' | 'p99'];
    const r = judge(goal, measured, '');
    if (!r.met) return r;
  }
  return undefined;
}

/** "✓ met    p95<500ms: p95 52.1 ms" for a terminal. */
export function goalResultLine(r: GoalResult): string {
  return r.met ? t`✓ met    ${r.goal.text}: ${r.figure}` : t`✗ missed ${r.goal.text}: ${r.figure}`;
}

/** "all 3 goals met", "2 of 3 goals missed", or undefined without goals. */
export function goalsVerdict(results: readonly GoalResult[]): string | undefined {
  if (!results.length) return undefined;
  const missed = results.filter((r) => !r.met).length;
  const n = results.length;
  if (!missed) return n === 1 ? t`the goal was met` : t`all ${n} goals met`;
  return n === 1 ? t`${missed} of ${n} goal missed` : t`${missed} of ${n} goals missed`;
}
