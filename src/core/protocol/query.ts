// The typed messages between the query webview (page) and the extension host. The host trusts
// nothing the page sends: every page message passes a guard here before it is acted on.
import type { QueryData } from '../prometheus/types';
import { isRecord } from '../isRecord';
import { clientServerP95Query } from '../loadtest/clientMetrics';
import { maxExplainNodes, type ExplainNodeResult } from '../promql/explain';
import { hasOnly } from './shape';
import { t } from '../text/l10n';

// The page shows samples as the CLI prints them, native histograms included.
export { pointText, sampleText, seriesPoints } from '../prometheus/samples';
// The page builds the explain tree from the parser it already runs; the host runs its nodes.
export { explainQuery, flattenExplain, isRunnable, maxExplainNodes } from '../promql/explain';
export type { ExplainNode, ExplainNodeResult, Explanation, SyntaxNodeLike } from '../promql/explain';

export type QueryMode = 'instant' | 'range';
export type RangeChoice = '5m' | '15m' | '1h';
export const rangeChoices: readonly RangeChoice[] = ['5m', '15m', '1h'];

/** Longest PromQL the page may send; far beyond any real query, short of abuse. */
export const maxExprLength = 10_000;

// ---- page → host ----------------------------------------------------------------------------

export interface ReadyMessage {
  type: 'ready';
}
export interface RunQueryMessage {
  type: 'runQuery';
  /** Chosen by the page, echoed in the answer so a late answer to an old query is recognised. */
  id: number;
  expr: string;
  mode: QueryMode;
  /** For range queries: how far back from now. */
  range: RangeChoice;
}
export interface LoadTargetsMessage {
  type: 'loadTargets';
}
export interface LabelValuesRequest {
  type: 'labelValues';
  id: number;
  label: string;
}
export interface StartSandboxMessage {
  type: 'startSandbox';
}

/** One node of the page's explain tree, to be run as its own instant query. */
export interface ExplainNodeRequest {
  id: number;
  kind: string;
  expr: string;
}
/** Run each node of an explain tree (the page parsed the query; the host only runs what it is sent). */
export interface ExplainRequest {
  type: 'explain';
  id: number;
  nodes: ExplainNodeRequest[];
}

/** What the name translator knows of the metric name under the pointer, for the editor's hover. */
export interface NameInfoRequest {
  type: 'nameInfo';
  id: number;
  /** The name as people read it: `{"x.y"}` is sent as `x.y`. */
  name: string;
}

export type PageMessage =
  | ReadyMessage
  | RunQueryMessage
  | LoadTargetsMessage
  | LabelValuesRequest
  | StartSandboxMessage
  | ExplainRequest
  | NameInfoRequest;

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export function isReadyMessage(v: unknown): v is ReadyMessage {
  return isRecord(v) && v['type'] === 'ready' && hasOnly(v, ['type']);
}

export function isRunQueryMessage(v: unknown): v is RunQueryMessage {
  if (!isRecord(v) || v['type'] !== 'runQuery' || !hasOnly(v, ['type', 'id', 'expr', 'mode', 'range'])) return false;
  const { id, expr, mode, range } = v;
  return (
    isId(id) &&
    typeof expr === 'string' &&
    expr.trim().length > 0 &&
    expr.length <= maxExprLength &&
    (mode === 'instant' || mode === 'range') &&
    typeof range === 'string' &&
    (rangeChoices as readonly string[]).includes(range)
  );
}

export function isLoadTargetsMessage(v: unknown): v is LoadTargetsMessage {
  return isRecord(v) && v['type'] === 'loadTargets' && hasOnly(v, ['type']);
}

/** Longest label name the page may ask the values of: Prometheus sets no limit, real names are far shorter. */
export const maxLabelNameLength = 1024;

/**
 * A label name Prometheus 3 accepts: any non-empty, well-formed UTF-8 text (`http_route`,
 * `http.route`, `a/b`), as model.UTF8Validation checks it in 3.14.0. The host escapes it for the
 * URL path (src/core/prometheus/escaping.ts), so no name reaches another endpoint.
 */
export function isLabelName(v: unknown): v is string {
  // A lone surrogate is text JavaScript can hold and UTF-8 cannot.
  return typeof v === 'string' && v.length > 0 && v.length <= maxLabelNameLength && !/\p{Cs}/u.test(v);
}

export function isLabelValuesRequest(v: unknown): v is LabelValuesRequest {
  return (
    isRecord(v) &&
    v['type'] === 'labelValues' &&
    hasOnly(v, ['type', 'id', 'label']) &&
    isId(v['id']) &&
    isLabelName(v['label'])
  );
}

export function isStartSandboxMessage(v: unknown): v is StartSandboxMessage {
  return isRecord(v) && v['type'] === 'startSandbox' && hasOnly(v, ['type']);
}

function isExplainNodeRequest(v: unknown): v is ExplainNodeRequest {
  if (!isRecord(v) || !hasOnly(v, ['id', 'kind', 'expr'])) return false;
  const { id, kind, expr } = v;
  return (
    isId(id) &&
    typeof kind === 'string' &&
    /^[A-Za-z]{1,40}$/.test(kind) &&
    typeof expr === 'string' &&
    expr.trim().length > 0 &&
    expr.length <= maxExprLength
  );
}

/** At most maxExplainNodes nodes, each a well-formed query the host may run like any other. */
export function isExplainRequest(v: unknown): v is ExplainRequest {
  if (!isRecord(v) || v['type'] !== 'explain' || !hasOnly(v, ['type', 'id', 'nodes'])) return false;
  const { id, nodes } = v;
  return (
    isId(id) &&
    Array.isArray(nodes) &&
    nodes.length > 0 &&
    nodes.length <= maxExplainNodes &&
    nodes.every(isExplainNodeRequest)
  );
}

/** Longest metric name the page may ask about: far beyond any real name, short of abuse. */
export const maxMetricNameLength = 512;

export function isNameInfoRequest(v: unknown): v is NameInfoRequest {
  if (!isRecord(v) || v['type'] !== 'nameInfo' || !hasOnly(v, ['type', 'id', 'name'])) return false;
  const { id, name } = v;
  return (
    isId(id) &&
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= maxMetricNameLength &&
    // Well-formed UTF-8 on one line: control characters are no name anyone hovers.
    !/[\p{Cs}\p{Cc}]/u.test(name)
  );
}

/** The page message `v` is, or undefined when it is unknown or malformed. */
export function parsePageMessage(v: unknown): PageMessage | undefined {
  if (
    isReadyMessage(v) ||
    isRunQueryMessage(v) ||
    isLoadTargetsMessage(v) ||
    isLabelValuesRequest(v) ||
    isStartSandboxMessage(v) ||
    isExplainRequest(v) ||
    isNameInfoRequest(v)
  )
    return v;
  return undefined;
}

// ---- host → page ----------------------------------------------------------------------------

export interface LabQuery {
  /** The comment line above the query in lab-queries.promql. */
  title: string;
  expr: string;
}

/** A query the page offers beside the lab's, read in its own mode. */
export interface PresetQuery extends LabQuery {
  mode: QueryMode;
  /** What the answer means and where its series come from. */
  note: string;
}

/** The presets, their texts in the display language (so made at each call, after the translator is in place). */
export function presetQueries(): readonly PresetQuery[] {
  return [
    {
      title: t`Client p95 vs server p95 (load test)`,
      expr: clientServerP95Query(),
      mode: 'range',
      note: t`The load generator's p95 (side="client", scraped from a load test run while the sandbox runs) beside \
the app's own (side="server"), in the same buckets. The gap is time outside the app's handler: \
queueing, the network and the generator itself. Without a run in the range, only the server's line shows.`,
    },
  ];
}

/** The preset whose expression `expr` is, so a preset keeps its mode however it reaches the page. */
export function presetFor(expr: string): PresetQuery | undefined {
  const e = expr.trim();
  return presetQueries().find((p) => p.expr === e);
}

export interface InitMessage {
  type: 'init';
  prometheusUrl: string;
  /** Where the lab queries' names come from: "default names" or the lab folder. */
  queriesSource: string;
  queries: LabQuery[];
}

export interface NamesMessage {
  type: 'names';
  metrics: string[];
  labels: string[];
  /** Set when Prometheus could not be asked; completion then offers nothing from it. */
  error?: string;
}

/**
 * What a suggestion rewrites: a metric name Prometheus lacks (or a UTF-8 name written bare), or on
 * Prometheus 3 an `le`/`quantile` matcher whose value it never stores (`le="1"` → `le="1.0"`).
 */
export type SuggestionKind = 'metric-name' | 'label-value-rewrite';
export const suggestionKinds: readonly SuggestionKind[] = ['metric-name', 'label-value-rewrite'];

export interface Suggestion {
  kind: SuggestionKind;
  /** metric-name: the name the query uses; label-value-rewrite: the matcher as written (`le="1"`). */
  name: string;
  /** Offsets of that name or matcher in the query, for the rewrite. */
  start: number;
  end: number;
  /** The replacements, best first, as PromQL must write them there (`{"x.y"}`, `le="1.0"`). */
  suggestions: string[];
  note?: string;
}

/** Set when the page got only part of the answer: the first `shown` of `total`. */
export interface Truncation {
  shown: number;
  total: number;
  unit: 'rows' | 'series';
}

export interface QueryResultMessage {
  type: 'queryResult';
  id: number;
  expr: string;
  mode: QueryMode;
  data: QueryData;
  truncated?: Truncation;
  warnings: string[];
  /** Evaluation time (instant) or range, unix seconds. */
  start: number;
  end: number;
  step: number;
  suggestions: Suggestion[];
}

export interface QueryErrorMessage {
  type: 'queryError';
  id: number;
  expr: string;
  /** Our message: what failed and what to do. */
  message: string;
  /** Prometheus' own error text, unchanged, when it answered with one. */
  prometheusError?: string;
  /** 1-based line and column of a parse error. */
  position?: { line: number; column: number };
  suggestions: Suggestion[];
}

export interface TargetRow {
  job: string;
  instance: string;
  scrapeUrl: string;
  /** Every label but job and instance, as name="value" pairs. */
  labels: Record<string, string>;
  health: string;
  lastScrape: string;
  lastScrapeDuration: number;
  lastError: string;
}

export interface TargetsMessage {
  type: 'targets';
  targets: TargetRow[];
  error?: string;
}

export interface LabelValuesMessage {
  type: 'labelValues';
  id: number;
  label: string;
  values: string[];
}

/** What each explain node gave, at one evaluation time for all. */
export interface ExplainResultMessage {
  type: 'explainResult';
  id: number;
  /** Unix seconds. */
  time: number;
  results: ExplainNodeResult[];
}

/** A run of hover text: code (a name, a unit, a setting) or words; `strong` for the name itself. */
export interface HoverPart {
  text: string;
  code?: true;
  strong?: true;
}

/** The hover's text for one name, as lines of parts the page builds elements from; no lines when nothing is known. */
export interface NameInfoMessage {
  type: 'nameInfo';
  id: number;
  name: string;
  lines: HoverPart[][];
}

/** Put a query in the editor (and run it): the .promql Run lens opening the panel. */
export interface SetQueryMessage {
  type: 'setQuery';
  expr: string;
  run: boolean;
}

export type HostMessage =
  | SetQueryMessage
  | InitMessage
  | NamesMessage
  | QueryResultMessage
  | QueryErrorMessage
  | TargetsMessage
  | LabelValuesMessage
  | ExplainResultMessage
  | NameInfoMessage;

const hostTypes: readonly HostMessage['type'][] = [
  'init',
  'names',
  'queryResult',
  'queryError',
  'targets',
  'labelValues',
  'explainResult',
  'setQuery',
  'nameInfo',
];

/** A coarse check for the page: the host is trusted, but a stray message from elsewhere is not. */
export function isHostMessage(v: unknown): v is HostMessage {
  return isRecord(v) && typeof v['type'] === 'string' && (hostTypes as readonly string[]).includes(v['type']);
}

/**
 * The most the query page is sent: a table of 2,000 rows and a chart of 200 series are already
 * more than anyone reads, and a webview handed a million rows freezes the editor.
 */
export const pageLimits = { rows: 2000, series: 200 } as const;

/** The answer as the page gets it: at most `limits` rows (instant) or series (range), and what was left out. */
export function capForPage(
  data: QueryData,
  limits: { rows: number; series: number } = pageLimits,
): { data: QueryData; truncated?: Truncation } {
  if (data.resultType === 'vector' && data.result.length > limits.rows) {
    return {
      data: { resultType: 'vector', result: data.result.slice(0, limits.rows) },
      truncated: { shown: limits.rows, total: data.result.length, unit: 'rows' },
    };
  }
  if (data.resultType === 'matrix' && data.result.length > limits.series) {
    return {
      data: { resultType: 'matrix', result: data.result.slice(0, limits.series) },
      truncated: { shown: limits.series, total: data.result.length, unit: 'series' },
    };
  }
  return { data };
}

/** "showing 2,000 of 15,000 rows", for the page's status line. */
export function truncationNote(cut: Truncation): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const k = cut.shown < 100 ? cut.shown : 10;
  return cut.unit === 'rows'
    ? t`showing ${n(cut.shown)} of ${n(cut.total)} rows: narrow the query (a label matcher, sum by (…), or topk(${k}, …)) \
to see the rest`
    : t`showing ${n(cut.shown)} of ${n(cut.total)} series: narrow the query (a label matcher, sum by (…), or topk(${k}, …)) \
to see the rest`;
}

/** The state the page keeps with setState, so a hidden and shown panel looks the same. */
export interface PageState {
  expr: string;
  mode: QueryMode;
  range: RangeChoice;
  autoRefresh: boolean;
  tab: 'query' | 'targets';
}

/** Seconds between points of a range query: about 240 points, at least 1 s. */
export function autoStep(rangeSeconds: number): number {
  return Math.max(1, Math.ceil(rangeSeconds / 240));
}

export function rangeSeconds(range: RangeChoice): number {
  return range === '5m' ? 300 : range === '15m' ? 900 : 3600;
}
