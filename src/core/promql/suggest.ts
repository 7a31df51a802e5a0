// "Did you mean ...?" for PromQL: find the metric names a query uses, and for each one Prometheus
// does not have, rank the names it does have. The lab's queries use prometheus_flask_exporter
// names that an OpenTelemetry-instrumented app never emits, so those get their real equivalent
// first, whatever the spelling distance says, and the name translator says which instrument and
// path give the name Prometheus has instead (labInstruments.ts). Prometheus 3 names may be UTF-8 (checked against
// 3.14.0 on 2026-12-05): such a name is read where the query quotes it (`{"http.server.duration"}`),
// flagged where it is written bare (a parse error), and suggested in the quoted form.
import { appMetrics } from '../facts';
import {
  describeInstrument,
  equivalentIn,
  originsOf,
  roleIn,
  equivalentClause,
  type Equivalent,
  type SeriesRole,
} from './labInstruments';
import { isLegacyMetricName, promqlString } from './names';
import { describePath } from './otelNames';
import { tokenize, unquote, type Token } from './tokens';
import { t } from '../text/l10n';

/**
 * How the query writes the name, which decides how a replacement is written: bare (`up`), quoted
 * inside the braces (`{"x.y"}`, the offsets cover the quotes), as `{__name__="x"}` (the offsets
 * cover the string's content), or bare with dots (`http.server.duration`), which PromQL cannot
 * parse: UTF-8 names must be quoted.
 */
export type NameForm = 'bare' | 'quoted' | 'nameLabel' | 'dotted';

export interface MetricRef {
  name: string;
  /** Offsets into the query text, end exclusive. */
  start: number;
  end: number;
  /** Absent means bare. */
  form?: NameForm;
}

const aggregations = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);
/** Keywords followed by a parenthesised list of label names. */
const labelListKeywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const keywords = new Set([...labelListKeywords, 'and', 'or', 'unless', 'bool', 'offset', 'atan2']);
const numberWords = new Set(['inf', 'nan']);

/** A run of identifiers joined by dots with no space (`http.server.duration`): a UTF-8 name written bare. */
function dottedRun(tokens: Token[], i: number): number {
  let j = i;
  for (;;) {
    const dot = tokens[j + 1];
    const part = tokens[j + 2];
    const cur = tokens[j];
    if (!cur || dot?.text !== '.' || dot.start !== cur.end || !part || part.start !== dot.end) return j;
    if (part.kind !== 'ident' && part.kind !== 'number') return j;
    j += 2;
  }
}

/** The metric names a PromQL expression selects, in order, with where and how each is written. */
export function metricNamesIn(promql: string): MetricRef[] {
  const tokens = tokenize(promql);
  const refs: MetricRef[] = [];
  let braces = 0;
  let brackets = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    if (t.kind === 'punct') {
      if (t.text === '{') braces++;
      else if (t.text === '}') braces = Math.max(0, braces - 1);
      else if (t.text === '[') brackets++;
      else if (t.text === ']') brackets = Math.max(0, brackets - 1);
      continue;
    }
    // Ranges and subqueries ([5m:1m]) hold only durations.
    if (brackets > 0) continue;
    if (braces > 0) {
      // Prometheus 3: a string standing alone in the braces is the metric name ({"x.y", le="1.0"}).
      if (
        t.kind === 'string' &&
        (prev?.text === '{' || prev?.text === ',') &&
        (next?.text === ',' || next?.text === '}')
      ) {
        refs.push({ name: unquote(t.text), start: t.start, end: t.end, form: 'quoted' });
        continue;
      }
      // Inside a selector everything else is a label, except a name given as {__name__="..."}.
      const value = tokens[i + 2];
      if (t.kind === 'ident' && t.text === '__name__' && next?.text === '=' && value?.kind === 'string') {
        const name = unquote(value.text);
        refs.push({ name, start: value.start + 1, end: value.end - 1, form: 'nameLabel' });
      }
      continue;
    }
    if (t.kind !== 'ident') continue;
    const last = dottedRun(tokens, i);
    if (last > i) {
      const end = tokens[last]?.end ?? t.end;
      const after = tokens[last + 1];
      i = last;
      if (after?.text === '(') continue; // not a name PromQL could mean
      refs.push({ name: promql.slice(t.start, end), start: t.start, end, form: 'dotted' });
      continue;
    }
    const lower = t.text.toLowerCase();
    if (labelListKeywords.has(lower) && next?.text === '(') {
      // Skip the label list: by (http_route, le) names labels, not metrics.
      let depth = 0;
      for (i = i + 1; i < tokens.length; i++) {
        const u = tokens[i];
        if (u?.text === '(') depth++;
        else if (u?.text === ')' && --depth === 0) break;
      }
      continue;
    }
    if (keywords.has(lower) || numberWords.has(lower)) continue;
    if (next?.text === '(') continue; // a function call
    if (aggregations.has(t.text) && (next?.text === 'by' || next?.text === 'without')) continue;
    refs.push({ name: t.text, start: t.start, end: t.end });
  }
  return refs;
}

export interface KnownWrongName {
  /** What to use instead, as the app really exports it through the collector. */
  use: string;
  /** Why, and what else changes (labels, units): in the language asked for when it is read. */
  readonly note: string;
}

const d = appMetrics.durationBase;
const flaskLabels = (): string =>
  t`its labels differ too: path → ${appMetrics.routeLabel}, method → ${'http_request_method'}, \
status → ${'http_response_status_code'}`;
const fromFlaskExporter = (name: string): string =>
  t`${name} is a prometheus_flask_exporter name; the OpenTelemetry Flask instrumentation does not emit it`;
const oldUnits = (): string =>
  t`${`${appMetrics.oldDurationBase}_*`} is what the app records without OTEL_SEMCONV_STABILITY_OPT_IN=http \
(in milliseconds); with it the histogram is in seconds`;

/** A known wrong name: `use` instead, and `note` made when it is read. */
const wrong = (use: string, note: () => string): KnownWrongName => ({
  use,
  get note() {
    return note();
  },
});

/** The lab's names that no OpenTelemetry-instrumented app emits, and the real names (src/core/facts.ts, fact app-metric-names). */
export const knownWrongNames: Readonly<Record<string, KnownWrongName>> = {
  flask_http_request_total: wrong(
    `${d}_count`,
    () =>
      `${fromFlaskExporter('flask_http_request_total')}: ${t`requests are counted by the duration histogram's _count`}; ` +
      flaskLabels(),
  ),
  flask_http_request_duration_seconds_bucket: wrong(
    `${d}_bucket`,
    () => `${fromFlaskExporter('flask_http_request_duration_seconds_bucket')}; ${flaskLabels()}`,
  ),
  flask_http_request_duration_seconds_sum: wrong(
    `${d}_sum`,
    () => `${fromFlaskExporter('flask_http_request_duration_seconds_sum')}; ${flaskLabels()}`,
  ),
  flask_http_request_duration_seconds_count: wrong(
    `${d}_count`,
    () => `${fromFlaskExporter('flask_http_request_duration_seconds_count')}; ${flaskLabels()}`,
  ),
  flask_http_request_duration_seconds: wrong(
    `${d}_bucket`,
    () =>
      `${fromFlaskExporter('flask_http_request_duration_seconds')}; ${t`histogram_quantile() needs the _bucket series`}`,
  ),
  flask_http_request_exceptions_total: wrong(
    `${d}_count`,
    () =>
      `${fromFlaskExporter('flask_http_request_exceptions_total')}: ` +
      t`count failed requests with ${`${d}_count{http_response_status_code=~"5.."}`}`,
  ),
  [`${appMetrics.oldDurationBase}_bucket`]: wrong(`${d}_bucket`, oldUnits),
  [`${appMetrics.oldDurationBase}_sum`]: wrong(`${d}_sum`, oldUnits),
  [`${appMetrics.oldDurationBase}_count`]: wrong(`${d}_count`, oldUnits),
};

function words(name: string): Set<string> {
  // "requests" and "request" are the same word for a reader.
  return new Set(
    name
      .toLowerCase()
      .split(/[_:.]+/)
      .filter(Boolean)
      .map((w) => (w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : w)),
  );
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** What a name's suffix says it is, so a counter is not matched with a histogram bucket. */
function seriesKind(name: string): 'counter' | 'bucket' | 'sum' | undefined {
  if (/_(total|count)$/.test(name)) return 'counter';
  if (name.endsWith('_bucket')) return 'bucket';
  if (name.endsWith('_sum')) return 'sum';
  return undefined;
}

/** 0..1: shared words weigh more than spelling, a matching kind of series adds a little. */
export function nameSimilarity(wanted: string, candidate: string): number {
  const a = words(wanted);
  const b = words(candidate);
  const shared = [...a].filter((w) => b.has(w)).length;
  const wordScore = shared / new Set([...a, ...b]).size;
  const editScore =
    1 - levenshtein(wanted.toLowerCase(), candidate.toLowerCase()) / Math.max(wanted.length, candidate.length, 1);
  const kw = seriesKind(wanted);
  const kc = seriesKind(candidate);
  const kindScore = kw === undefined ? 0 : kw === kc ? 0.1 : -0.1;
  return Math.max(0, Math.min(1, 0.55 * wordScore + 0.45 * editScore + kindScore));
}

/** Below this a "suggestion" is noise; 0.35 keeps one-letter typos and reordered words, drops strangers. */
const minSimilarity = 0.35;

/** What a prometheus_flask_exporter name stands for, read from its replacement's suffix. */
function flaskRole(wanted: string): SeriesRole | undefined {
  const use = knownWrongNames[wanted]?.use;
  if (!use || !wanted.startsWith('flask_')) return undefined;
  return use.endsWith('_bucket') ? 'bucket' : use.endsWith('_sum') ? 'sum' : 'count';
}

/**
 * The name Prometheus has that the name translator says stands for `wanted` on another path
 * (src/core/promql/otelNames.ts): the same measure and series role from the lab's instruments,
 * through the lab's path first, then any other the pinned versions support.
 */
export function translatedEquivalent(
  wanted: string,
  known: readonly string[],
): { equivalent: Equivalent; sentence: string; via: string } | undefined {
  const flask = flaskRole(wanted);
  const asked = flask ? { measures: 'request duration' as const, role: flask } : roleIn(wanted);
  if (!asked) return undefined;
  const equivalent = equivalentIn(known, asked.measures, asked.role);
  if (!equivalent || equivalent.name === wanted) return undefined;
  const origin = flask ? undefined : originsOf(wanted)[0];
  const what = flask
    ? t`\`${wanted}\` is prometheus_flask_exporter's`
    : origin
      ? t`\`${wanted}\` is what ${describeInstrument(origin.instrument)} gives through ${describePath(origin.path, origin.strategy)}`
      : t`\`${wanted}\` is another path's name`;
  const via = t`${equivalent.instrument.source} through ${describePath(equivalent.path, equivalent.strategy)}`;
  return { equivalent, via, sentence: `${what}; ${equivalentClause(equivalent.role, via, equivalent.name)}` };
}

/** The real names closest to `wanted`, best first; the translator's equivalent, or a known-wrong lab name's replacement, leads. */
export function rankMetricNames(wanted: string, known: readonly string[], limit = 3): string[] {
  const mapped = translatedEquivalent(wanted, known)?.equivalent.name ?? knownWrongNames[wanted]?.use;
  const ranked = known
    .filter((k) => k !== wanted && k !== mapped)
    .map((k) => ({ k, score: nameSimilarity(wanted, k) }))
    .filter((s) => s.score >= minSimilarity)
    .sort((x, y) => y.score - x.score || x.k.localeCompare(y.k))
    .map((s) => s.k);
  return (mapped ? [mapped, ...ranked] : ranked).slice(0, limit);
}

export interface MetricSuggestion extends MetricRef {
  /**
   * Real names, best first, each written as PromQL must write it in place of `start`..`end`:
   * `http_server_request_duration_seconds_count` bare, `{"http.server.duration"}` for a UTF-8 name.
   * May be empty when nothing is close.
   */
  suggestions: string[];
  /** The same names as Prometheus has them (unquoted), for placing them at another use of the name. */
  names?: string[];
  note?: string;
}

const quoteNote = (): string =>
  t`Prometheus 3 accepts UTF-8 metric names, but PromQL reads them only quoted inside the braces, as {"name"} (Prometheus 3.14.0)`;

/** The first offset after `from` that is not white space. */
function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text.charAt(i))) i++;
  return i;
}

/**
 * Where a replacement for `ref` goes and how each candidate is written there. A bare name followed
 * by a selector (`foo{a="b"}`) can become a UTF-8 name only inside that selector, so then the span
 * takes the opening brace too (`{"x.y", a="b"}`).
 */
export function placeNames(
  promql: string,
  ref: MetricRef,
  names: string[],
): { start: number; end: number; texts: string[] } {
  const form = ref.form ?? 'bare';
  if (form === 'quoted') return { start: ref.start, end: ref.end, texts: names.map(promqlString) };
  if (form === 'nameLabel')
    return { start: ref.start, end: ref.end, texts: names.map((n) => promqlString(n).slice(1, -1)) };
  const brace = skipSpace(promql, ref.end);
  const selector = promql.charAt(brace) === '{';
  if (!selector || names.every(isLegacyMetricName))
    return {
      start: ref.start,
      end: ref.end,
      texts: names.map((n) => (isLegacyMetricName(n) ? n : `{${promqlString(n)}}`)),
    };
  const empty = promql.charAt(skipSpace(promql, brace + 1)) === '}';
  return {
    start: ref.start,
    end: brace + 1,
    texts: names.map((n) => (isLegacyMetricName(n) ? `${n}{` : `{${promqlString(n)}${empty ? '' : ', '}`)),
  };
}

/**
 * For each metric the query names that is not among `known` (Prometheus' metric names), the
 * closest real names; and each UTF-8 name written bare, which Prometheus cannot parse, with its
 * quoted form. A name used twice is reported once, at its first use.
 */
export function suggestForQuery(promql: string, known: readonly string[], limit = 3): MetricSuggestion[] {
  const have = new Set(known);
  const seen = new Set<string>();
  const out: MetricSuggestion[] = [];
  for (const ref of metricNamesIn(promql)) {
    const dotted = ref.form === 'dotted';
    if ((have.has(ref.name) && !dotted) || seen.has(ref.name)) continue;
    seen.add(ref.name);
    const names = have.has(ref.name) ? [ref.name] : rankMetricNames(ref.name, known, limit);
    const placed = placeNames(promql, ref, names);
    const translated = have.has(ref.name) ? undefined : translatedEquivalent(ref.name, known)?.sentence;
    const knownNote = knownWrongNames[ref.name]?.note;
    const wrong = translated ? (knownNote ? `${translated}; ${knownNote}` : translated) : knownNote;
    const note = dotted ? (wrong ? `${quoteNote()}; ${wrong}` : quoteNote()) : wrong;
    out.push({
      ...ref,
      start: placed.start,
      end: placed.end,
      suggestions: placed.texts,
      names,
      ...(note ? { note } : {}),
    });
  }
  return out;
}

/** One line for a person: "`x` is not a metric Prometheus has; did you mean `y` or `z`? (note)". */
export function describeSuggestion(s: MetricSuggestion): string {
  const options = s.suggestions.map((n) => `\`${n}\``);
  const last = options[options.length - 1] ?? '';
  const guess =
    options.length === 0
      ? t`no similar name found`
      : options.length === 1
        ? t`did you mean ${last}?`
        : t`did you mean ${options.slice(0, -1).join(', ')} or ${last}?`;
  const what =
    s.form === 'dotted'
      ? t`\`${s.name}\` is a UTF-8 name written without quotes, which PromQL cannot parse`
      : t`\`${s.name}\` is not a metric this Prometheus has`;
  return s.note ? `${what}; ${guess} (${s.note})` : `${what}; ${guess}`;
}
