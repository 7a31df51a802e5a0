// "Did you mean ...?" for PromQL: find the metric names a query uses, and for each one Prometheus
// does not have, rank the names it does have. The lab's queries use prometheus_flask_exporter
// names that an OpenTelemetry-instrumented app never emits, so those get their real equivalent
// first, whatever the spelling distance says.
import { appMetrics } from '../facts';

export interface MetricRef {
  name: string;
  /** Offsets into the query text, end exclusive. */
  start: number;
  end: number;
}

type TokenKind = 'ident' | 'number' | 'string' | 'punct';

interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

const identStart = /[A-Za-z_:]/;
const identPart = /[A-Za-z0-9_:]/;
const operatorChars = '=!~<>+-*/%^';

/** A small PromQL tokenizer: enough to tell metric names from labels, functions and keywords. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || c === '`') {
      const start = i++;
      while (i < text.length && text[i] !== c) i += c !== '`' && text[i] === '\\' ? 2 : 1;
      i = Math.min(i + 1, text.length);
      tokens.push({ kind: 'string', text: text.slice(start, i), start, end: i });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text.charAt(i + 1)))) {
      // Numbers, hex, exponents and durations such as 1h30m: letters after a digit never start a name.
      const start = i;
      while (i < text.length && /[0-9A-Za-z_.]/.test(text.charAt(i))) {
        if ((text[i] === 'e' || text[i] === 'E') && (text[i + 1] === '+' || text[i + 1] === '-')) i++;
        i++;
      }
      tokens.push({ kind: 'number', text: text.slice(start, i), start, end: i });
    } else if (identStart.test(c)) {
      const start = i;
      while (i < text.length && identPart.test(text.charAt(i))) i++;
      tokens.push({ kind: 'ident', text: text.slice(start, i), start, end: i });
    } else if (operatorChars.includes(c)) {
      const start = i;
      while (i < text.length && operatorChars.includes(text.charAt(i))) i++;
      tokens.push({ kind: 'punct', text: text.slice(start, i), start, end: i });
    } else {
      tokens.push({ kind: 'punct', text: c, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
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

function unquote(s: string): string {
  const body = s.slice(1, -1);
  return s.startsWith('`') ? body : body.replace(/\\(.)/g, '$1');
}

/** The metric names a PromQL expression selects, in order, with where each is written. */
export function metricNamesIn(promql: string): MetricRef[] {
  const tokens = tokenize(promql);
  const refs: MetricRef[] = [];
  let braces = 0;
  let brackets = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    const next = tokens[i + 1];
    if (t.kind === 'punct') {
      if (t.text === '{') braces++;
      else if (t.text === '}') braces = Math.max(0, braces - 1);
      else if (t.text === '[') brackets++;
      else if (t.text === ']') brackets = Math.max(0, brackets - 1);
      continue;
    }
    // Ranges and subqueries ([5m:1m]) hold only durations.
    if (brackets > 0 || t.kind !== 'ident') continue;
    if (braces > 0) {
      // Inside a selector everything is a label, except a name given as {__name__="..."}.
      const value = tokens[i + 2];
      if (t.text === '__name__' && next?.text === '=' && value?.kind === 'string') {
        const name = unquote(value.text);
        refs.push({ name, start: value.start + 1, end: value.start + 1 + name.length });
      }
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
  /** Why, and what else changes (labels, units). */
  note: string;
}

const d = appMetrics.durationBase;
const flaskLabels = `its labels differ too: path → ${appMetrics.routeLabel}, method → http_request_method, status → http_response_status_code`;
const fromFlaskExporter =
  'is a prometheus_flask_exporter name; the OpenTelemetry Flask instrumentation does not emit it';

/** The lab's names that no OpenTelemetry-instrumented app emits, and the real names (src/core/facts.ts, fact app-metric-names). */
export const knownWrongNames: Readonly<Record<string, KnownWrongName>> = {
  flask_http_request_total: {
    use: `${d}_count`,
    note: `flask_http_request_total ${fromFlaskExporter}: requests are counted by the duration histogram's _count; ${flaskLabels}`,
  },
  flask_http_request_duration_seconds_bucket: {
    use: `${d}_bucket`,
    note: `flask_http_request_duration_seconds_bucket ${fromFlaskExporter}; ${flaskLabels}`,
  },
  flask_http_request_duration_seconds_sum: {
    use: `${d}_sum`,
    note: `flask_http_request_duration_seconds_sum ${fromFlaskExporter}; ${flaskLabels}`,
  },
  flask_http_request_duration_seconds_count: {
    use: `${d}_count`,
    note: `flask_http_request_duration_seconds_count ${fromFlaskExporter}; ${flaskLabels}`,
  },
  flask_http_request_duration_seconds: {
    use: `${d}_bucket`,
    note: `flask_http_request_duration_seconds ${fromFlaskExporter}; histogram_quantile() needs the _bucket series`,
  },
  flask_http_request_exceptions_total: {
    use: `${d}_count`,
    note: `flask_http_request_exceptions_total ${fromFlaskExporter}: count failed requests with ${d}_count{http_response_status_code=~"5.."}`,
  },
  [`${appMetrics.oldDurationBase}_bucket`]: {
    use: `${d}_bucket`,
    note:
      `${appMetrics.oldDurationBase}_* is what the app records without OTEL_SEMCONV_STABILITY_OPT_IN=http (in ` +
      `milliseconds); with it the histogram is in seconds`,
  },
  [`${appMetrics.oldDurationBase}_sum`]: {
    use: `${d}_sum`,
    note:
      `${appMetrics.oldDurationBase}_* is what the app records without OTEL_SEMCONV_STABILITY_OPT_IN=http (in ` +
      `milliseconds); with it the histogram is in seconds`,
  },
  [`${appMetrics.oldDurationBase}_count`]: {
    use: `${d}_count`,
    note:
      `${appMetrics.oldDurationBase}_* is what the app records without OTEL_SEMCONV_STABILITY_OPT_IN=http (in ` +
      `milliseconds); with it the histogram is in seconds`,
  },
};

function words(name: string): Set<string> {
  // "requests" and "request" are the same word for a reader.
  return new Set(
    name
      .toLowerCase()
      .split(/[_:]+/)
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

/** The real names closest to `wanted`, best first; a known-wrong lab name's replacement leads. */
export function rankMetricNames(wanted: string, known: readonly string[], limit = 3): string[] {
  const mapped = knownWrongNames[wanted]?.use;
  const ranked = known
    .filter((k) => k !== wanted && k !== mapped)
    .map((k) => ({ k, score: nameSimilarity(wanted, k) }))
    .filter((s) => s.score >= minSimilarity)
    .sort((x, y) => y.score - x.score || x.k.localeCompare(y.k))
    .map((s) => s.k);
  return (mapped ? [mapped, ...ranked] : ranked).slice(0, limit);
}

export interface MetricSuggestion extends MetricRef {
  /** Real names, best first; may be empty when nothing is close. */
  suggestions: string[];
  note?: string;
}

/**
 * For each metric the query names that is not among `known` (Prometheus' metric names), the
 * closest real names. A name used twice is reported once, at its first use.
 */
export function suggestForQuery(promql: string, known: readonly string[], limit = 3): MetricSuggestion[] {
  const have = new Set(known);
  const seen = new Set<string>();
  const out: MetricSuggestion[] = [];
  for (const ref of metricNamesIn(promql)) {
    if (have.has(ref.name) || seen.has(ref.name)) continue;
    seen.add(ref.name);
    const note = knownWrongNames[ref.name]?.note;
    out.push({ ...ref, suggestions: rankMetricNames(ref.name, known, limit), ...(note ? { note } : {}) });
  }
  return out;
}

/** One line for a person: "`x` is not a metric Prometheus has; did you mean `y` or `z`? (note)". */
export function describeSuggestion(s: MetricSuggestion): string {
  const options = s.suggestions.map((n) => `\`${n}\``);
  const guess =
    options.length === 0
      ? 'no similar name found'
      : `did you mean ${options.length === 1 ? options[0] : `${options.slice(0, -1).join(', ')} or ${options[options.length - 1]}`}?`;
  return `\`${s.name}\` is not a metric this Prometheus has; ${guess}${s.note ? ` (${s.note})` : ''}`;
}
