// Query explain: a PromQL query as Prometheus' own grammar parses it (the lezer tree of
// @prometheus-io/lezer-promql, handed in by whoever ran the parser), turned into a tree of
// sub-expressions in plain words, and each sub-expression run as its own instant query so the
// student sees where the series stop. Pure: the parse tree and the Prometheus client are handed in.
import type { PrometheusClient } from '../prometheus/client';
import { sampleText } from '../prometheus/samples';
import type { Labels, QueryData } from '../prometheus/types';

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
          ? `PromQL cannot parse "${found.length > 40 ? `${found.slice(0, 40)}…` : found}" here`
          : n.from >= text.trimEnd().length
            ? 'the query ends too early: something is missing here (a closing bracket, an operand or an argument)'
            : 'PromQL expects something else here',
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

const binaryWords: Record<string, string> = {
  Add: 'plus',
  Sub: 'minus',
  Mul: 'times',
  Div: 'divided by',
  Mod: 'modulo',
  Pow: 'to the power of',
  Atan2: 'atan2 with',
  Eql: 'where equal to',
  Neq: 'where not equal to',
  Gtr: 'where greater than',
  Lss: 'where less than',
  Gte: 'where at least',
  Lte: 'where at most',
  And: 'where matched by',
  Or: 'or else',
  Unless: 'unless matched by',
};

const matchWords: Record<string, string> = {
  EqlSingle: '=',
  Neq: 'not',
  EqlRegex: 'matching',
  NeqRegex: 'not matching',
};

/** Functions that read a range of samples: "the per-second rate of …". */
const rangeFunctionWords: Record<string, string> = {
  rate: 'the per-second rate of',
  irate: 'the per-second rate between the last two samples of',
  increase: 'the increase over',
  delta: 'the change over',
  idelta: 'the change between the last two samples of',
  deriv: 'the per-second slope of',
  changes: 'how many times the value changed in',
  resets: 'how many times the counter reset in',
  avg_over_time: 'the average over',
  min_over_time: 'the lowest value in',
  max_over_time: 'the highest value in',
  sum_over_time: 'the sum over',
  count_over_time: 'how many samples are in',
  last_over_time: 'the last value in',
  present_over_time: '1 for each series with a sample in',
};

type Part = string | ExplainNode;

interface Builder {
  text: string;
  next: number;
}

function words(parts: Part[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : '…')).join('');
}
function sentence(parts: Part[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p.sentence)).join('');
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
      const opName = op.firstChild?.name ?? '';
      conditions.push(`${src(b, label)} ${matchWords[opName] ?? src(b, op)} ${src(b, value)}`);
    }
  }
  const metric = name ? src(b, name) : quotedName;
  const head = metric ? `the series ${metric}` : 'every series';
  return conditions.length ? `${head} with ${conditions.join(', ')}` : head;
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
  const errors = children(n).filter(isError);
  if (errors.length) node.error = parseErrors(b.text, n)[0]?.message;
  let parts: Part[];
  switch (n.name) {
    case 'VectorSelector':
      parts = [selectorWords(b, n)];
      break;
    case 'MatrixSelector': {
      const inner = children(n).find(isExpr);
      const range = child(n, 'DurationExpr');
      parts = [`the last ${range ? src(b, range) : '?'} of `, ...(inner ? [sub(inner)] : ['?'])];
      break;
    }
    case 'SubqueryExpr': {
      const inner = children(n).find(isExpr);
      const [range, step] = children(n).filter((c) => c.name === 'DurationExpr');
      parts = [
        `the last ${range ? src(b, range) : '?'} of `,
        ...(inner ? [sub(inner)] : ['?']),
        step ? `, evaluated every ${src(b, step)}` : ', evaluated at the global evaluation interval',
      ];
      break;
    }
    case 'FunctionCall': {
      const fn = child(n, 'FunctionIdentifier');
      const name = fn ? src(b, fn) : '?';
      const list = args(child(n, 'FunctionCallBody'));
      const literals = list.filter(isLiteral).map((l) => src(b, l));
      const exprs = list.filter((l) => !isLiteral(l) && !isError(l));
      if (name === 'histogram_quantile') {
        const phi = literals[0] ?? '?';
        const pct = Number(phi);
        const named = Number.isFinite(pct) && pct >= 0 && pct <= 1 ? ` (the ${ordinal(pct * 100)} percentile)` : '';
        parts = [`histogram_quantile at ${phi}${named}, from the buckets of `, ...joinNodes(exprs.map(sub))];
      } else if (rangeFunctionWords[name] && exprs.length === 1 && literals.length === 0) {
        parts = [`${rangeFunctionWords[name]} `, ...joinNodes(exprs.map(sub))];
      } else {
        const extra = literals.length ? ` (${literals.join(', ')})` : '';
        parts = exprs.length ? [`${name}${extra} of `, ...joinNodes(exprs.map(sub))] : [`${name}${extra}`];
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
      const whole = by || keeps ? '' : ' (all series into one)';
      parts = [`${name}${param}${by}${whole} of `, ...joinNodes(exprs.map(sub))];
      break;
    }
    case 'BinaryExpr': {
      const sides = children(n).filter((c) => isExpr(c) || isError(c));
      const op = children(n).find((c) => binaryWords[c.name] !== undefined);
      const opWords = op ? (binaryWords[op.name] ?? src(b, op)) : '?';
      const bool = child(n, 'BoolModifier') ? ' (as 1 or 0)' : '';
      const matching = child(n, 'MatchingModifierClause');
      // A side that is itself built of parts is bracketed, so the sentence reads one way only.
      const side = (c: SyntaxNodeLike | undefined): Part[] => {
        if (!c || isError(c)) return ['?'];
        if (isLiteral(c)) return [src(b, c)];
        const e = sub(c);
        return e.children.length ? ['(', e, ')'] : [e];
      };
      parts = [
        ...side(sides[0]),
        ` ${opWords}${bool} `,
        ...side(sides[1]),
        ...(matching ? [`, matching series ${src(b, matching)}`] : []),
      ];
      break;
    }
    case 'UnaryExpr': {
      const inner = children(n).find(isExpr);
      const minus = src(b, n).trim().startsWith('-');
      parts = [minus ? 'the negative of ' : '', ...(inner ? [sub(inner)] : ['?'])];
      break;
    }
    case 'OffsetExpr': {
      const inner = children(n).find(isExpr);
      const by = child(n, 'OffsetDurationExpr');
      parts = [...(inner ? [sub(inner)] : ['?']), `, as it was ${by ? src(b, by) : '?'} earlier`];
      break;
    }
    case 'StepInvariantExpr': {
      const inner = children(n).find(isExpr);
      const at = children(n).find((c) => c.name === 'NumberDurationLiteral' || c.name === 'AtModifierPreprocessors');
      parts = [...(inner ? [sub(inner)] : ['?']), `, at the time ${at ? src(b, at) : '?'}`];
      break;
    }
    case 'NumberDurationLiteral':
      parts = [`the number ${src(b, n)}`];
      break;
    case 'StringLiteral':
      parts = [`the string ${src(b, n)}`];
      break;
    default:
      parts = [src(b, n)];
  }
  node.words = words(parts);
  node.sentence = sentence(parts);
  return node;
}

function joinNodes(nodes: ExplainNode[]): Part[] {
  if (!nodes.length) return ['?'];
  const out: Part[] = [];
  nodes.forEach((e, i) => {
    if (i > 0) out.push(' and ');
    out.push(e);
  });
  return out;
}

function ordinal(n: number): string {
  const r = Math.round(n * 100) / 100;
  if (!Number.isInteger(r)) return `${r}th`;
  const last2 = r % 100;
  const suffix = last2 >= 11 && last2 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][r % 10] ?? 'th');
  return `${r}${suffix}`;
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
          .map((s) => `${seriesSelector(s.metric)} ${(s.values?.length ?? 0) + (s.histograms?.length ?? 0)} samples`),
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
