// Prometheus 3 stores the `le` label of classic histogram buckets and the `quantile` label of
// summaries as floats in OpenMetrics form, whatever the target wrote: `le="1"` is ingested as
// `le="1.0"`, so a query matching `le="1"` exactly finds nothing. Checked against Prometheus
// 3.14.0 (model/textparse normalizeFloatsInLabelValues, model/labels FormatOpenMetricsFloat,
// docs/migration.md "le and quantile label values") and the running binary, on 2026-12-05.
import { normalisesFloatLabels } from '../prometheus/version';
import { unquote, tokenize } from './tokens';
import { t } from '../text/l10n';

/** The labels Prometheus 3 normalises (on histogram-typed and summary-typed metrics respectively). */
export const floatLabels = ['le', 'quantile'] as const;
export type FloatLabel = (typeof floatLabels)[number];

/** Go's strconv.FormatFloat(f, 'g', -1, 64): the shortest digits, with an exponent below 1e-4 and from 1e6 (%e's two-digit exponent). */
function goShortestG(f: number): string {
  const neg = f < 0 || Object.is(f, -0);
  const a = Math.abs(f);
  const [mantissa = '0', exponent = '0'] = a.toExponential().split('e');
  const exp = Number(exponent);
  let body: string;
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    body = `${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  } else {
    // Within 1e-4..1e6 JavaScript writes the same shortest digits without an exponent.
    body = String(a);
  }
  return neg ? `-${body}` : body;
}

/** Prometheus' labels.FormatOpenMetricsFloat: `1` → `1.0`, `0.005` → `0.005`, `1e6` → `1e+06`, `+Inf`. */
export function formatOpenMetricsFloat(f: number): string {
  if (f === 1) return '1.0';
  if (f === 0) return '0.0';
  if (f === -1) return '-1.0';
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const s = goShortestG(f);
  return /[e.]/.test(s) ? s : `${s}.0`;
}

/** The float a label value is, as Go's strconv.ParseFloat reads decimal text; undefined when it is none. */
export function parseLabelFloat(value: string): number | undefined {
  const v = value;
  if (/^[+-]?(inf|infinity)$/i.test(v)) return v.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(v)) return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return Number(v);
  return undefined;
}

/** What Prometheus 3 stores for a bucket or quantile value written as `value`, or undefined when it leaves it alone. */
export function normalizedFloatLabel(value: string): string | undefined {
  const f = parseLabelFloat(value);
  return f === undefined ? undefined : formatOpenMetricsFloat(f);
}

export interface MatcherRewrite {
  label: FloatLabel;
  /** The whole matcher as written (`le="1"`), offsets end exclusive. */
  written: string;
  start: number;
  end: number;
  /** The matcher that matches what Prometheus 3 stores (`le="1.0"`). */
  replacement: string;
  note: string;
}

/** Regex matchers are only rewritten when they are a plain list of numbers (`le=~"1|2.5"`). */
function rewriteRegex(value: string): string | undefined {
  const parts = value.split('|');
  if (!parts.every((p) => /^\d+(\.\d+)?$/.test(p))) return undefined;
  return parts.map((p) => normalizedFloatLabel(p) ?? p).join('|');
}

/**
 * The `le` and `quantile` matchers in a query that compare with a number written as Prometheus 3
 * never stores it (`le="1"`, `quantile!="0"`, `le=~"1|5"`), each with its rewrite. Prometheus 2
 * stored what the target wrote (for the text format), so only ask this of a Prometheus 3.
 */
export function floatLabelRewrites(promql: string): MatcherRewrite[] {
  const tokens = tokenize(promql);
  const out: MatcherRewrite[] = [];
  let braces = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (!tok) continue;
    if (tok.text === '{') braces++;
    else if (tok.text === '}') braces = Math.max(0, braces - 1);
    if (braces === 0 || (tok.kind !== 'ident' && tok.kind !== 'string')) continue;
    const label = tok.kind === 'string' ? unquote(tok.text) : tok.text;
    const op = tokens[i + 1];
    const value = tokens[i + 2];
    if (!(floatLabels as readonly string[]).includes(label) || op?.kind !== 'punct' || value?.kind !== 'string')
      continue;
    if (!['=', '!=', '=~', '!~'].includes(op.text)) continue;
    const written = unquote(value.text);
    const wanted = op.text.endsWith('~') ? rewriteRegex(written) : normalizedFloatLabel(written);
    if (wanted === undefined || wanted === written) continue;
    const matcher = promql.slice(tok.start, value.end);
    const replacement = `${promql.slice(tok.start, value.start)}${JSON.stringify(wanted)}`;
    const [was, becomes] = [JSON.stringify(written), JSON.stringify(wanted)];
    const excludes = op.text.startsWith('!');
    out.push({
      label: label as FloatLabel,
      written: matcher,
      start: tok.start,
      end: value.end,
      replacement,
      note:
        label === 'le'
          ? excludes
            ? t`Prometheus 3 stores histogram buckets' le values as floats (${was} becomes ${becomes}), \
so ${matcher} excludes nothing; write ${replacement} (Prometheus 3.14.0)`
            : t`Prometheus 3 stores histogram buckets' le values as floats (${was} becomes ${becomes}), \
so ${matcher} matches nothing; write ${replacement} (Prometheus 3.14.0)`
          : excludes
            ? t`Prometheus 3 stores summaries' quantile values as floats (${was} becomes ${becomes}), \
so ${matcher} excludes nothing; write ${replacement} (Prometheus 3.14.0)`
            : t`Prometheus 3 stores summaries' quantile values as floats (${was} becomes ${becomes}), \
so ${matcher} matches nothing; write ${replacement} (Prometheus 3.14.0)`,
    });
    i += 2;
  }
  return out;
}

/**
 * floatLabelRewrites for the server that will run the query: none for a Prometheus 2 (its
 * buildinfo says 2.x), which stores what the target wrote; a 3.x or a server we could not
 * identify gets them.
 */
export function floatLabelRewritesFor(promql: string, serverVersion: string | undefined): MatcherRewrite[] {
  return normalisesFloatLabels(serverVersion) ? floatLabelRewrites(promql) : [];
}
