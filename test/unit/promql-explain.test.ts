// Query explain and .promql files: the tree in words built from Prometheus' own grammar
// (@prometheus-io/lezer-promql, the parser the query page runs), the lab's queries' one-line
// explanations where the walkthrough lists them, and how a .promql file splits into queries.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { explainQuery, flattenExplain, isRunnable, maxExplainNodes, runExplain } from '../../src/core/promql/explain';
import { parseLabQueries, placeholdersAsNames, renderLabQueries, splitQueries } from '../../src/core/promql/labQueries';
import { isExplainRequest, maxExprLength, parsePageMessage } from '../../src/core/protocol/query';
import { defaultParams } from '../../src/core/scaffold/params';

const root = join(__dirname, '..', '..');
const explain = (q: string): ReturnType<typeof explainQuery> => explainQuery(q, parser.parse(q).topNode);
const template = readFileSync(join(root, 'templates', 'lab', 'queries', 'lab-queries.promql'), 'utf8');
const labQueries = renderLabQueries(template, defaultParams);

describe('query explain', () => {
  it('reads the p95 query as its parts, outermost first, each runnable on its own', () => {
    const q = 'histogram_quantile(0.95, sum by (le) (rate(x_bucket{http_route="/hash"}[1m])))';
    const { root: tree, errors } = explain(q);
    assert.deepEqual(errors, []);
    assert.ok(tree);
    const nodes = flattenExplain(tree);
    assert.deepEqual(
      nodes.map((n) => [n.kind, n.words, n.expr]),
      [
        ['FunctionCall', 'histogram_quantile at 0.95 (the 95th percentile), from the buckets of …', q],
        ['AggregateExpr', 'sum by (le) of …', 'sum by (le) (rate(x_bucket{http_route="/hash"}[1m]))'],
        ['FunctionCall', 'the per-second rate of …', 'rate(x_bucket{http_route="/hash"}[1m])'],
        ['MatrixSelector', 'the last 1m of …', 'x_bucket{http_route="/hash"}[1m]'],
        ['VectorSelector', 'the series x_bucket with http_route = "/hash"', 'x_bucket{http_route="/hash"}'],
      ],
    );
    assert.deepEqual(
      nodes.map((n) => n.id),
      [0, 1, 2, 3, 4],
    );
    for (const n of nodes) assert.equal(q.slice(n.from, n.to), n.expr);
  });

  it('brackets the sides of a division and says which labels an aggregation keeps', () => {
    const { root: tree } = explain('sum(rate(a{code=~"5.."}[1m])) / sum without (pod) (rate(a[1m]))');
    assert.equal(
      tree?.sentence,
      '(sum (all series into one) of the per-second rate of the last 1m of the series a with code matching "5..") ' +
        'divided by (sum without (pod) of the per-second rate of the last 1m of the series a)',
    );
  });

  it('reads offsets, subqueries, comparisons with bool, topk and UTF-8 names', () => {
    assert.equal(
      explain('rate(a[5m:1m]) offset 1h').root?.sentence,
      'the per-second rate of the last 5m of the series a, evaluated every 1m, as it was 1h earlier',
    );
    assert.equal(explain('a > bool 2').root?.words, '… where greater than (as 1 or 0) 2');
    assert.equal(explain('topk(3, a)').root?.words, 'topk 3 of …');
    assert.equal(
      explain('{"http.server.duration", a!="b"}').root?.words,
      'the series "http.server.duration" with a not "b"',
    );
    assert.equal(explain('(sum(a))').root?.kind, 'AggregateExpr', 'brackets add no node');
  });

  it('places a parse error on the node where the query breaks, with a message naming it', () => {
    const { root: tree, errors } = explain('sum by (le) (rate(a[1m])');
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /ends too early.*closing bracket/);
    assert.ok(tree);
    const broken = flattenExplain(tree).filter((n) => n.error);
    assert.equal(broken.length, 1);
    assert.equal(broken[0]?.kind, 'AggregateExpr');
    const stray = explain('sum(a) )');
    assert.match(stray.errors[0]?.message ?? '', /cannot parse "\)"/);
    assert.ok(stray.root?.error, 'an error past the tree goes on its top node');
    assert.equal(explain('   ').root, undefined);
  });

  it('runs each node but literals as its own instant query, and keeps a failing node as its own answer', async () => {
    const { root: tree } = explain('sum(rate(a[1m])) > 2');
    assert.ok(tree);
    const nodes = flattenExplain(tree);
    const asked: string[] = [];
    let clock = 0;
    const client = {
      query: (expr: string) => {
        asked.push(expr);
        if (expr === 'a[1m]') return Promise.reject(new Error('boom'));
        return Promise.resolve({
          status: 'success' as const,
          data: {
            resultType: 'vector' as const,
            result: [1, 2, 3, 4].map((i) => ({
              metric: { __name__: 'a', i: String(i) },
              value: [0, String(i)] as [number, string],
            })),
          },
          warnings: [],
          infos: [],
        });
      },
    };
    const results = await runExplain(client, nodes, { time: 100, now: () => (clock += 5) });
    assert.deepEqual(
      asked,
      nodes.filter(isRunnable).map((n) => n.expr),
    );
    assert.equal(results.length, 5, "the literal 2 is read into its parent's words, not run");
    const byExpr = new Map(results.map((r) => [nodes[r.id]?.expr, r]));
    assert.equal(byExpr.get('a[1m]')?.error, 'boom');
    assert.equal(byExpr.get('a')?.seriesCount, 4);
    assert.deepEqual(byExpr.get('a')?.sample, ['a{i="1"} 1', 'a{i="2"} 2', 'a{i="3"} 3']);
    assert.equal(byExpr.get('a')?.ms, 5);
  });
});

describe("the lab's queries in words", () => {
  it("gives each of the six a one-line explanation, its explain tree's top node, listed in the walkthrough", () => {
    const walkthrough = readFileSync(join(root, 'walkthroughs', 'task5-load.md'), 'utf8');
    assert.equal(labQueries.length, 6);
    for (const q of labQueries) {
      const { root: tree, errors } = explain(q.expr);
      assert.deepEqual(errors, [], q.expr);
      assert.ok(tree && tree.sentence.length > 0 && !tree.sentence.includes('\n'), q.expr);
      assert.equal(tree.expr, q.expr, 'the top node is the whole query');
      assert.ok(walkthrough.includes(`- \`${q.expr}\`: ${tree.sentence}.\n`), `the walkthrough explains ${q.expr}`);
    }
  });
});

describe('.promql files: one query per run of lines, separated by blank or # lines', () => {
  it('splits the lab file into its six queries, each titled by the comment right above it', () => {
    const blocks = splitQueries(template);
    assert.equal(blocks.length, 6);
    assert.deepEqual(
      blocks.map((b) => b.title),
      parseLabQueries(template).map((q) => (q.title === q.expr ? '' : q.title)),
    );
    for (const b of blocks) assert.equal(template.slice(b.from, b.to), b.expr);
  });

  it('keeps a query written over several lines whole, and a comment or blank line ends it', () => {
    const text = '# rate\nsum by (le) (\n  rate(a[1m])\n)\n# next\nup\n\n  b  \nc\n';
    const blocks = splitQueries(text);
    assert.deepEqual(
      blocks.map((b) => [b.title, b.expr, b.startLine, b.endLine]),
      [
        ['rate', 'sum by (le) (\n  rate(a[1m])\n)', 1, 3],
        ['next', 'up', 5, 5],
        ['', 'b\nc', 7, 8],
      ],
    );
    for (const b of blocks) assert.equal(text.slice(b.from, b.to).replace(/[ \t]+(?=\n|$)/g, ''), b.expr);
    assert.deepEqual(splitQueries('\r\n# only a comment\r\n'), []);
    assert.deepEqual(
      splitQueries('a\r\nb\r\n').map((b) => b.expr),
      ['a\nb'],
    );
  });

  it('finds no parse error in the lab file, as scaffolded and as its template with {{placeholders}}', () => {
    const rendered = labQueries.map((q) => q.expr);
    assert.equal(rendered.length, 6);
    for (const expr of rendered) assert.deepEqual(explain(expr).errors, [], expr);
    for (const b of splitQueries(template)) {
      const expr = placeholdersAsNames(b.expr);
      assert.equal(expr.length, b.expr.length, 'offsets stay where they were');
      assert.deepEqual(explain(expr).errors, [], expr);
    }
    assert.equal(placeholdersAsNames('sum({{activeRequests}})'), 'sum(__________________)');
  });
});

describe('the explain messages between the query page and its host', () => {
  const node = { id: 0, kind: 'VectorSelector', expr: 'up' };
  it('accepts a page asking to run up to 24 parts, and refuses anything else', () => {
    assert.ok(isExplainRequest({ type: 'explain', id: 1, nodes: [node] }));
    assert.deepEqual(parsePageMessage({ type: 'explain', id: 1, nodes: [node] }), {
      type: 'explain',
      id: 1,
      nodes: [node],
    });
    const many = Array.from({ length: maxExplainNodes + 1 }, (_, i) => ({ ...node, id: i }));
    for (const bad of [
      { type: 'explain', id: 1, nodes: [] },
      { type: 'explain', id: 1, nodes: many },
      { type: 'explain', id: 1, nodes: [node], extra: true },
      { type: 'explain', id: -1, nodes: [node] },
      { type: 'explain', id: 1, nodes: [{ ...node, expr: ' ' }] },
      { type: 'explain', id: 1, nodes: [{ ...node, expr: 'x'.repeat(maxExprLength + 1) }] },
      { type: 'explain', id: 1, nodes: [{ ...node, kind: '<img src=x>' }] },
      { type: 'explain', id: 1, nodes: [{ ...node, url: 'http://elsewhere' }] },
      { type: 'explain', id: 1, nodes: 'up' },
    ])
      assert.equal(parsePageMessage(bad), undefined, JSON.stringify(bad).slice(0, 80));
  });
});

describe('the PromQL grammar (syntaxes/promql.tmLanguage.json)', () => {
  const grammar = JSON.parse(readFileSync(join(root, 'syntaxes', 'promql.tmLanguage.json'), 'utf8')) as {
    scopeName: string;
    repository: Record<string, { match?: string }>;
  };
  const names = (key: string): string[] =>
    /\\b\(([^)]+)\)/.exec(grammar.repository[key]?.match ?? '')?.[1]?.split('|') ?? [];

  it('colours as functions exactly names Prometheus 3.14.0 parses as function calls', () => {
    const fns = names('function');
    assert.ok(fns.length > 70 && fns.includes('histogram_quantile') && fns.includes('rate'));
    for (const f of fns) {
      const top = parser.parse(`${f}(x)`).topNode.firstChild;
      assert.equal(top?.name, 'FunctionCall', f);
    }
  });

  it('colours as aggregations exactly the operators lezer-promql parses as aggregations', () => {
    const aggs = names('aggregation');
    assert.equal(aggs.length, 14);
    for (const a of aggs) assert.equal(parser.parse(`${a}(x)`).topNode.firstChild?.name, 'AggregateExpr', a);
  });

  it('has patterns JavaScript compiles, and package.json wires it to .promql', () => {
    for (const [key, rule] of Object.entries(grammar.repository))
      if (rule.match) assert.doesNotThrow(() => new RegExp(rule.match ?? ''), key);
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      contributes: {
        languages: { id: string; extensions: string[] }[];
        grammars: { language: string; scopeName: string; path: string }[];
      };
    };
    assert.deepEqual(manifest.contributes.languages.find((l) => l.id === 'promql')?.extensions, ['.promql']);
    const g = manifest.contributes.grammars.find((x) => x.language === 'promql');
    assert.equal(g?.scopeName, grammar.scopeName);
    assert.equal(g?.path, './syntaxes/promql.tmLanguage.json');
  });
});
