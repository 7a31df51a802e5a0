// Query explain: a PromQL query as Prometheus' own grammar parses it (the lezer tree of
// @prometheus-io/lezer-promql, handed in by whoever ran the parser), turned into a tree of
// sub-expressions in plain words, and each sub-expression run as its own instant query so the
// student sees where the series stop. Pure: the parse tree and the Prometheus client are handed in.
import type { PrometheusClient } from '../prometheus/client';
import { sampleText } from '../prometheus/samples';
import type { Labels, QueryData } from '../prometheus/types';
import { t } from '../text/l10n';

/** What explain reads of a lezer SyntaxNode (its `name`, offsets and links), so core needs no parser. */
export interface SyntaxNodeLike {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly firstChild: SyntaxNodeLike | null;
  readonly nextSibling: SyntaxNodeLike | null;
}

/** One sub-expression of the query: what it is in words and where it sits in the text. */
export interface ExplainNode {
  /** Position in the tree, depth first from 0; the run's answers refer to it. */
  id: number;
  /** The grammar's node name: FunctionCall, AggregateExpr, BinaryExpr, VectorSelector… */
  kind: string;
  /** The sub-expression as written, runnable on its own. */
  expr: string;
  from: number;
  to: number;
  /** This node alone, its sub-expressions as "…": "sum by (le) of …". */
  words: string;
  /** The whole sub-expression in one line of words, sub-expressions included. */
  sentence: string;
  /** A parse error inside this node and none of its children. */
  error?: string;
  children: ExplainNode[];
}

/** A place the grammar could not parse. */
export interface ParseProblem {
  from: number;
  to: number;
  message: string;
}

export interface Explanation {
  /** Undefined for an empty query. */
  root?: ExplainNode;
  errors: ParseProblem[];
}

/** The most sub-expressions explain runs: a query the student reads has far fewer. */
export const maxExplainNodes = 24;
/** Series shown per node: enough to recognise them; the count says how many there are. */
export const explainSampleSize = 3;

const children = (n: SyntaxNodeLike): SyntaxNodeLike[] => {
  const out: SyntaxNodeLike[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
};
const child = (n: SyntaxNodeLike, name: string): SyntaxNodeLike | undefined => children(n).find((c) => c.name === name);
const isError = (n: SyntaxNodeLike): boolean => n.name === '⚠';

/** Every place lezer marked as an error, as a message naming what it found there. */
export function parseErrors(text: string, top: SyntaxNodeLike): ParseProblem[] {
  const out: ParseProblem[] = [];
  const walk = (n: SyntaxNodeLike): void => {
    if (isError(n)) {
      const found = text.slice(n.from, n.to).trim();
      out.push({
        from: n.from,
        to: Math.max(n.to, Math.min(n.from + 1, text.length)),
        message: found
          ? t`PromQL cannot parse "${found.length > 40 ? `${found.slice(0, 40)}…` : found}" here`
          : n.from >= text.trimEnd().length
            ? t`the query ends too early: something is missing here (a closing bracket, an operand or an argument)`
            : t`PromQL expects something else here`,
      });
      return;
    }
    for (const c of children(n)) walk(c);
  };
  walk(top);
  return out;
}

const expressionKinds = new Set([
  'AggregateExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'OffsetExpr',
  'ParenExpr',
  'StepInvariantExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
]);
const isExpr = (n: SyntaxNodeLike): boolean => expressionKinds.has(n.name);
const isLiteral = (n: SyntaxNodeLike): boolean => n.name === 'NumberDurationLiteral' || n.name === 'StringLiteral';

type Say = (left: string, right: string) => string;

/** Binary operators in words, each a whole phrase with its two sides; comparisons also with bool. */
const binaryWords: Record<string, Say> = {
  Add: (l, r) => t`${l} plus ${r}`,
  Sub: (l, r) => t`${l} minus ${r}`,
  Mul: (l, r) => t`${l} times ${r}`,
  Div: (l, r) => t`${l} divided by ${r}`,
  Mod: (l, r) => t`${l} modulo ${r}`,
  Pow: (l, r) => t`${l} to the power of ${r}`,
  Atan2: (l, r) => t`${l} atan2 with ${r}`,
  Eql: (l, r) => t`${l} where equal to ${r}`,
  Neq: (l, r) => t`${l} where not equal to ${r}`,
  Gtr: (l, r) => t`${l} where greater than ${r}`,
  Lss: (l, r) => t`${l} where less than ${r}`,
  Gte: (l, r) => t`${l} where at least ${r}`,
  Lte: (l, r) => t`${l} where at most ${r}`,
  And: (l, r) => t`${l} where matched by ${r}`,
  Or: (l, r) => t`${l} or else ${r}`,
  Unless: (l, r) => t`${l} unless matched by ${r}`,
};

/** The comparisons with bool: "(as 1 or 0)" after the operator's words. */
const boolWords: Record<string, Say> = {
  Eql: (l, r) => t`${l} where equal to (as 1 or 0) ${r}`,
  Neq: (l, r) => t`${l} where not equal to (as 1 or 0) ${r}`,
  Gtr: (l, r) => t`${l} where greater than (as 1 or 0) ${r}`,
  Lss: (l, r) => t`${l} where less than (as 1 or 0) ${r}`,
  Gte: (l, r) => t`${l} where at least (as 1 or 0) ${r}`,
  Lte: (l, r) => t`${l} where at most (as 1 or 0) ${r}`,
};

/** A label matcher in words: `code matching "5.."`. */
const matchWords: Record<string, Say> = {
  EqlSingle: (l, v) => `${l} = ${v}`,
  Neq: (l, v) => t`${l} not ${v}`,
  EqlRegex: (l, v) => t`${l} matching ${v}`,
  NeqRegex: (l, v) => t`${l} not matching ${v}`,
};

/** Functions that read a range of samples: "the per-second rate of …". */
const rangeFunctionWords: Record<string, (x: string) => string> = {
  rate: (x) => t`the per-second rate of ${x}`,
  irate: (x) => t`the per-second rate between the last two samples of ${x}`,
  increase: (x) => t`the increase over ${x}`,
  delta: (x) => t`the change over ${x}`,
  idelta: (x) => t`the change between the last two samples of ${x}`,
  deriv: (x) => t`the per-second slope of ${x}`,
  changes: (x) => t`how many times the value changed in ${x}`,
  resets: (x) => t`how many times the counter reset in ${x}`,
  avg_over_time: (x) => t`the average over ${x}`,
  min_over_time: (x) => t`the lowest value in ${x}`,
  max_over_time: (x) => t`the highest value in ${x}`,
  sum_over_time: (x) => t`the sum over ${x}`,
  count_over_time: (x) => t`how many samples are in ${x}`,
  last_over_time: (x) => t`the last value in ${x}`,
  present_over_time: (x) => t`1 for each series with a sample in ${x}`,
};

/**
 * A node's text given how its sub-expressions read: "…" for its own words, their sentences for the
 * whole sentence. One sentence with its parts as values, so a translation may order them freely.
 */
type Text = (part: (e: ExplainNode) => string) => string;

interface Builder {
  text: string;
  next: number;
}

const src = (b: Builder, n: SyntaxNodeLike): string => b.text.slice(n.from, n.to);

function selectorWords(b: Builder, n: SyntaxNodeLike): string {
  const name = child(n, 'Identifier');
  const matchers = child(n, 'LabelMatchers');
  const conditions: string[] = [];
  let quotedName: string | undefined;
  for (const m of matchers ? children(matchers) : []) {
    if (m.name === 'QuotedLabelName') quotedName = src(b, m);
    else if (m.name === 'UnquotedLabelMatcher' || m.name === 'QuotedLabelMatcher') {
      const [label, op, value] = children(m);
      if (!label || !op || !value) continue;
      const say = matchWords[op.firstChild?.name ?? ''];
      conditions.push(say ? say(src(b, label), src(b, value)) : `${src(b, label)} ${src(b, op)} ${src(b, value)}`);
    }
  }
  const metric = name ? src(b, name) : quotedName;
  if (!conditions.length) return metric ? t`the series ${metric}` : t`every series`;
  return metric ? t`the series ${metric} with ${conditions.join(', ')}` : t`every series with ${conditions.join(', ')}`;
}

function grouping(b: Builder, n: SyntaxNodeLike | undefined): string {
  if (!n) return '';
  const kind = n.firstChild?.name === 'Without' ? 'without' : 'by';
  const labels = child(n, 'GroupingLabels');
  return ` ${kind} ${labels ? src(b, labels) : '()'}`;
}

/** The argument list of a call or aggregation: literals read into the words, expressions become nodes. */
function args(body: SyntaxNodeLike | undefined): SyntaxNodeLike[] {
  return body ? children(body).filter((c) => isExpr(c) || isError(c)) : [];
}

function build(b: Builder, n: SyntaxNodeLike): ExplainNode {
  // Parentheses change nothing but precedence: the node is what they hold.
  if (n.name === 'ParenExpr') {
    const inner = children(n).find(isExpr);
    if (inner) return build(b, inner);
  }
  const node: ExplainNode = {
    id: b.next++,
    kind: n.name,
    expr: src(b, n).trim(),
    from: n.from,
    to: n.to,
    words: '',
    sentence: '',
    children: [],
  };
  const sub = (c: SyntaxNodeLike): ExplainNode => {
    const e = build(b, c);
    node.children.push(e);
    return e;
  };
  /** The one sub-expression `c` (built now, in tree order), or "?" where the grammar found none. */
  const one = (c: SyntaxNodeLike | undefined): ((part: (e: ExplainNode) => string) => string) => {
    const e = c ? sub(c) : undefined;
    return (part) => (e ? part(e) : '?');
  };
  const errors = children(n).filter(isError);
  if (errors.length) node.error = parseErrors(b.text, n)[0]?.message;
  let text: Text;
  switch (n.name) {
    case 'VectorSelector': {
      const said = selectorWords(b, n);
      text = () => said;
      break;
    }
    case 'MatrixSelector': {
      const inner = one(children(n).find(isExpr));
      const range = child(n, 'DurationExpr');
      const r = range ? src(b, range) : '?';
      text = (part) => t`the last ${r} of ${inner(part)}`;
      break;
    }
    case 'SubqueryExpr': {
      const inner = one(children(n).find(isExpr));
      const [range, step] = children(n).filter((c) => c.name === 'DurationExpr');
      const r = range ? src(b, range) : '?';
      const every = step ? src(b, step) : undefined;
      text = (part) =>
        every !== undefined
          ? t`the last ${r} of ${inner(part)}, evaluated every ${every}`
          : t`the last ${r} of ${inner(part)}, evaluated at the global evaluation interval`;
      break;
    }
    case 'FunctionCall': {
      const fn = child(n, 'FunctionIdentifier');
      const name = fn ? src(b, fn) : '?';
      const list = args(child(n, 'FunctionCallBody'));
      const literals = list.filter(isLiteral).map((l) => src(b, l));
      const exprs = list.filter((l) => !isLiteral(l) && !isError(l)).map(sub);
      const all = (part: (e: ExplainNode) => string): string => joinNodes(exprs.map(part));
      if (name === 'histogram_quantile') {
        const phi = literals[0] ?? '?';
        const pct = Number(phi);
        const named = Number.isFinite(pct) && pct >= 0 && pct <= 1 ? ordinal(pct * 100) : undefined;
        text = (part) =>
          named !== undefined
            ? t`histogram_quantile at ${phi} (the ${named} percentile), from the buckets of ${all(part)}`
            : t`histogram_quantile at ${phi}, from the buckets of ${all(part)}`;
      } else if (rangeFunctionWords[name] && exprs.length === 1 && literals.length === 0) {
        const say = rangeFunctionWords[name];
        text = (part) => say(all(part));
      } else {
        const head = literals.length ? `${name} (${literals.join(', ')})` : name;
        text = (part) => (exprs.length ? t`${head} of ${all(part)}` : head);
      }
      break;
    }
    case 'AggregateExpr': {
      const op = child(n, 'AggregateOp');
      const name = op ? src(b, op) : '?';
      const list = args(child(n, 'FunctionCallBody'));
      const literals = list.filter(isLiteral).map((l) => src(b, l));
      const exprs = list.filter((l) => !isLiteral(l) && !isError(l));
      const by = grouping(b, child(n, 'AggregateModifier'));
      const param = literals.length ? ` ${literals.join(', ')}` : '';
      // sum, avg, count… without by/without fold every series into one; topk and the like keep series.
      const keeps = ['topk', 'bottomk', 'limitk', 'limit_ratio', 'count_values'].includes(name);
      const head = `${name}${param}${by}`;
      const kids = exprs.map(sub);
      text = (part) =>
        by || keeps
          ? t`${head} of ${joinNodes(kids.map(part))}`
          : t`${head} (all series into one) of ${joinNodes(kids.map(part))}`;
      break;
    }
    case 'BinaryExpr': {
      const sides = children(n).filter((c) => isExpr(c) || isError(c));
      const op = children(n).find((c) => binaryWords[c.name] !== undefined);
      const bool = child(n, 'BoolModifier') !== undefined;
      const say: Say | undefined = op ? ((bool ? boolWords[op.name] : undefined) ?? binaryWords[op.name]) : undefined;
      const opText = op ? src(b, op) : '?';
      const matching = child(n, 'MatchingModifierClause');
      // A side that is itself built of parts is bracketed, so the sentence reads one way only.
      const side = (c: SyntaxNodeLike | undefined): ((part: (e: ExplainNode) => string) => string) => {
        if (!c || isError(c)) return () => '?';
        if (isLiteral(c)) {
          const literal = src(b, c);
          return () => literal;
        }
        const e = sub(c);
        return (part) => (e.children.length ? `(${part(e)})` : part(e));
      };
      const [left, right] = [side(sides[0]), side(sides[1])];
      const on = matching ? src(b, matching) : undefined;
      text = (part) => {
        const both = say ? say(left(part), right(part)) : `${left(part)} ${opText} ${right(part)}`;
        return on !== undefined ? t`${both}, matching series ${on}` : both;
      };
      break;
    }
    case 'UnaryExpr': {
      const inner = one(children(n).find(isExpr));
      const minus = src(b, n).trim().startsWith('-');
      text = (part) => (minus ? t`the negative of ${inner(part)}` : inner(part));
      break;
    }
    case 'OffsetExpr': {
      const inner = one(children(n).find(isExpr));
      const by = child(n, 'OffsetDurationExpr');
      const d = by ? src(b, by) : '?';
      text = (part) => t`${inner(part)}, as it was ${d} earlier`;
      break;
    }
    case 'StepInvariantExpr': {
      const inner = one(children(n).find(isExpr));
      const at = children(n).find((c) => c.name === 'NumberDurationLiteral' || c.name === 'AtModifierPreprocessors');
      const when = at ? src(b, at) : '?';
      text = (part) => t`${inner(part)}, at the time ${when}`;
      break;
    }
    case 'NumberDurationLiteral': {
      const said = t`the number ${src(b, n)}`;
      text = () => said;
      break;
    }
    case 'StringLiteral': {
      const said = t`the string ${src(b, n)}`;
      text = () => said;
      break;
    }
    default: {
      const said = src(b, n);
      text = () => said;
    }
  }
  node.words = text(() => '…');
  node.sentence = text((e) => e.sentence);
  return node;
}

/** "a and b and c", each "and" translated with its neighbours; "?" for none. */
function joinNodes(texts: string[]): string {
  if (!texts.length) return '?';
  return texts.reduce((list, x) => t`${list} and ${x}`);
}

function ordinal(n: number): string {
  const r = Math.round(n * 100) / 100;
  if (!Number.isInteger(r)) return t`${r}th`;
  const last2 = r % 100;
  if (last2 >= 11 && last2 <= 13) return t`${r}th`;
  switch (r % 10) {
    case 1:
      return t`${r}st`;
    case 2:
      return t`${r}nd`;
    case 3:
      return t`${r}rd`;
    default:
      return t`${r}th`;
  }
}

/** The query's tree in words. `top` is the parser's top node (lezer: `parser.parse(text).topNode`). */
export function explainQuery(text: string, top: SyntaxNodeLike): Explanation {
  const errors = parseErrors(text, top);
  const first = children(top).find((c) => isExpr(c) || isError(c));
  if (!first || !text.trim()) return { errors };
  if (isError(first) && !children(top).some(isExpr)) return { errors };
  const root = build({ text, next: 0 }, first);
  // An error the tree did not reach (lezer often puts it after the last expression) goes on the root.
  if (errors.length && !hasError(root)) root.error = errors[0]?.message;
  return { root, errors };
}

function hasError(n: ExplainNode): boolean {
  return n.error !== undefined || n.children.some(hasError);
}

/** The nodes depth first: the order explain runs them in and the page draws them in. */
export function flattenExplain(root: ExplainNode): ExplainNode[] {
  const out: ExplainNode[] = [];
  const walk = (n: ExplainNode): void => {
    out.push(n);
    n.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** What running one node gave: how many series, a few of them, and how long it took. */
export interface ExplainNodeResult {
  id: number;
  /** Series (vector or range vector) or 1 for a scalar or string answer. */
  seriesCount?: number;
  resultType?: QueryData['resultType'];
  /** The first few series as `selector value` lines. */
  sample: string[];
  ms: number;
  /** Prometheus' answer to this node alone when it failed, or why it was not run. */
  error?: string;
}

/** The series as Prometheus 3 writes a selector: `name{a="b"}`, a UTF-8 name quoted in the braces. */
export function seriesSelector(metric: Labels): string {
  const { __name__: name = '', ...rest } = metric;
  const legacyLabel = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
  const labels = Object.entries(rest).map(
    ([k, v]) => `${legacyLabel.test(k) ? k : JSON.stringify(k)}=${JSON.stringify(v)}`,
  );
  if (name && /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) return labels.length ? `${name}{${labels.join(', ')}}` : name;
  return `{${(name ? [JSON.stringify(name), ...labels] : labels).join(', ')}}`;
}

function summarize(data: QueryData): Pick<ExplainNodeResult, 'seriesCount' | 'sample' | 'resultType'> {
  switch (data.resultType) {
    case 'vector':
      return {
        resultType: data.resultType,
        seriesCount: data.result.length,
        sample: data.result.slice(0, explainSampleSize).map((s) => `${seriesSelector(s.metric)} ${sampleText(s)}`),
      };
    case 'matrix':
      return {
        resultType: data.resultType,
        seriesCount: data.result.length,
        sample: data.result
          .slice(0, explainSampleSize)
          .map((s) => t`${seriesSelector(s.metric)} ${(s.values?.length ?? 0) + (s.histograms?.length ?? 0)} samples`),
      };
    default:
      return { resultType: data.resultType, seriesCount: 1, sample: [String(data.result[1])] };
  }
}

/** A node worth its own query: literals are their own answer. */
export function isRunnable(n: Pick<ExplainNode, 'kind' | 'expr'>): boolean {
  return n.kind !== 'NumberDurationLiteral' && n.kind !== 'StringLiteral' && n.expr.trim().length > 0;
}

/**
 * Runs each node (at most `maxExplainNodes`) as an instant query at the same `time`, one after the
 * other so each time is its own, and returns what each gave. A node's failure is its own answer.
 */
export async function runExplain(
  client: Pick<PrometheusClient, 'query'>,
  nodes: readonly Pick<ExplainNode, 'id' | 'kind' | 'expr'>[],
  opts: { time: number; now?: () => number; signal?: AbortSignal; timeoutMs?: number },
): Promise<ExplainNodeResult[]> {
  const now = opts.now ?? (() => Date.now());
  const out: ExplainNodeResult[] = [];
  for (const n of nodes.slice(0, maxExplainNodes)) {
    if (!isRunnable(n)) continue;
    const started = now();
    try {
      const r = await client.query(n.expr, {
        time: opts.time,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      });
      out.push({ id: n.id, ...summarize(r.data), ms: now() - started });
    } catch (e) {
      out.push({ id: n.id, sample: [], ms: now() - started, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}
