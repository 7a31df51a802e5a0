// PromQL's words speak the user's language: in the pseudo-locale explain's tree (every node's words
// and sentence) over the lab's queries and every kind of expression, its parse errors and answers,
// the "Did you mean" sentences and notes, the le/quantile rewrites, the name hover and the name
// translator's notes are made of translated text whole, with no English glue between the parts.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { appMetrics } from '../../src/core/facts';
import { explainQuery, flattenExplain, runExplain } from '../../src/core/promql/explain';
import { allPaths, describeOrigins, labInstruments, originsOf } from '../../src/core/promql/labInstruments';
import { renderLabQueries } from '../../src/core/promql/labQueries';
import { nameHover } from '../../src/core/promql/nameHover';
import { describePath, translateInstrument, type Instrument } from '../../src/core/promql/otelNames';
import { querySuggestions } from '../../src/core/promql/querySuggestions';
import { describeSuggestion, knownWrongNames, suggestForQuery } from '../../src/core/promql/suggest';
import { defaultParams } from '../../src/core/scaffold/params';
import { inPseudoLocale, inPseudoLocaleAsync, untranslated } from '../support/pseudoLocale';

const root = join(__dirname, '..', '..');
const template = readFileSync(join(root, 'templates', 'lab', 'queries', 'lab-queries.promql'), 'utf8');
const labQueries = renderLabQueries(template, defaultParams).map((q) => q.expr);
const d = appMetrics.durationBase;

/** Every kind of node and operator explain puts into words. */
const shapes = [
  'a + b',
  'a - b',
  'a * 2',
  'a / b',
  'a % b',
  'a ^ 2',
  'a atan2 b',
  'a == bool 1',
  'a != 1',
  'a > bool 2',
  'a < 2',
  'a >= bool 2',
  'a <= 2',
  'a and on (job) b',
  'a or b',
  'a unless ignoring (pod) b',
  'sum(a) / on (job) group_left sum(b)',
  ...[
    'rate',
    'irate',
    'increase',
    'delta',
    'idelta',
    'deriv',
    'changes',
    'resets',
    'avg_over_time',
    'min_over_time',
    'max_over_time',
    'sum_over_time',
    'count_over_time',
    'last_over_time',
    'present_over_time',
  ].map((f) => `${f}(a{b="c", d!="e", f=~"g", h!~"i"}[5m])`),
  'histogram_quantile(0.5, rate(a_bucket[1m]))',
  'histogram_quantile(0.99, rate(a_bucket[1m]))',
  'histogram_quantile(0.123, rate(a_bucket[1m]))',
  'histogram_quantile(0.21, rate(a_bucket[1m]))',
  'histogram_quantile(0.22, rate(a_bucket[1m]))',
  'histogram_quantile(0.23, rate(a_bucket[1m]))',
  'histogram_quantile(0.11, rate(a_bucket[1m]))',
  'histogram_quantile(phi, rate(a_bucket[1m]))',
  'clamp_max(a, 10)',
  'label_replace(a, "x", "$1", "y", "(.*)")',
  'max(a, b)',
  'topk(3, a)',
  'count_values("v", a)',
  'avg without (pod) (a)',
  'rate(a[5m:1m]) offset 1h',
  'max_over_time(rate(a[1m])[10m:])',
  'a @ 1700000000',
  'a @ start()',
  '-a',
  '+a',
  '{"http.server.duration", a!="b"}',
  '{a="b"}',
  '2',
  '"text"',
];

/** Broken queries: each parse error's message. */
const broken = ['sum(rate(a[1m])', 'rate(a[1m]) +', 'sum(rate(a[1m]))) by', 'a{b=}', 'rate(a[1m]'];

const explain = (q: string): ReturnType<typeof explainQuery> => explainQuery(q, parser.parse(q).topNode);

function englishOfExplain(q: string): string[] {
  const { root: tree, errors } = explain(q);
  const nodes = tree ? flattenExplain(tree) : [];
  return [
    ...nodes.flatMap((n) => [n.words, n.sentence, ...(n.error ? [n.error] : [])]),
    ...errors.map((e) => e.message),
  ]
    .filter((text) => untranslated(text) !== '')
    .map((text) => `${q}: ${text}`);
}

/** The names a Prometheus has that lacks the lab's prometheus_flask_exporter names. */
const sandboxNames = [
  `${d}_bucket`,
  `${d}_count`,
  `${d}_sum`,
  appMetrics.activeRequests,
  'otelcol_receiver_accepted_metric_points',
  'up',
];
/** What the same app gives through a path that keeps UTF-8 names. */
const utf8Names = ['http.server.request.duration_seconds_bucket', 'http.server.request.duration_seconds_count', 'up'];

/** Queries naming wrong, old, dotted and unknown metrics. */
const wrongQueries = [
  ...Object.keys(knownWrongNames).map((n) => `sum(rate(${n}[1m]))`),
  'rate(http.server.request.duration_seconds_count[1m])',
  'rate(http_server_duration_milliseconds_count[1m])',
  `rate(${d}_count[1m])`,
  'rate(nothing_like_it_at_all[1m])',
  'rate(flask_http_request_total[30s]) / rate(http_server_request_duration_seconds_cont[30s])',
];

describe('PromQL in the pseudo-locale', () => {
  it("explains each of the lab's queries whole, every node's words and sentence", () => {
    assert.equal(labQueries.length, 6);
    assert.deepEqual(
      inPseudoLocale(() => labQueries.flatMap(englishOfExplain)),
      [],
    );
  });

  it('explains every operator, function, matcher, modifier and literal whole', () => {
    assert.deepEqual(
      inPseudoLocale(() => shapes.flatMap(englishOfExplain)),
      [],
    );
  });

  it('says where a query breaks in a translated sentence', () => {
    const messages = inPseudoLocale(() => broken.flatMap((q) => explain(q).errors.map((e) => e.message)));
    assert.ok(messages.length >= broken.length, messages.join('\n'));
    assert.deepEqual(
      messages.filter((m) => untranslated(m) !== ''),
      [],
    );
  });

  it("tells a range answer's size in a translated sentence", async () => {
    const client = {
      query: async () => ({
        status: 'success' as const,
        data: {
          resultType: 'matrix' as const,
          result: [{ metric: { __name__: 'a', job: 'x' }, values: [[1, '1'] as [number, string]] }],
        },
      }),
    };
    const tree = explain('a[1m]').root;
    assert.ok(tree);
    const results = await inPseudoLocaleAsync(() =>
      runExplain(client as never, flattenExplain(tree), { time: 1, now: () => 0 }),
    );
    const samples = results.flatMap((r) => r.sample);
    assert.ok(samples.length > 0);
    assert.deepEqual(
      samples.filter((s) => untranslated(s) !== ''),
      [],
    );
  });

  it('says every "Did you mean" whole, its note included, for wrong, old, UTF-8 and unknown names', () => {
    const left = inPseudoLocale(() =>
      [sandboxNames, utf8Names].flatMap((names) =>
        [...wrongQueries, ...labQueries].flatMap((q) =>
          suggestForQuery(q, names).flatMap((s) => [describeSuggestion(s), ...(s.note ? [s.note] : [])]),
        ),
      ),
    );
    assert.ok(left.length > 0);
    assert.deepEqual(
      left.filter((text) => untranslated(text) !== ''),
      [],
    );
  });

  it("gives the query page's suggestions and le/quantile rewrites translated notes", () => {
    const exprs = [
      ...wrongQueries,
      'histogram_quantile(0.9, rate(a_bucket{le="1"}[5m]))',
      'a_bucket{le!="5"}',
      'a{quantile="0"}',
      'a{quantile!~"1|0.5"}',
    ];
    const notes = inPseudoLocale(() =>
      exprs.flatMap((q) => querySuggestions(q, sandboxNames, '3.14.0').flatMap((s) => (s.note ? [s.note] : []))),
    );
    assert.ok(notes.length >= wrongQueries.length, notes.join('\n'));
    assert.deepEqual(
      notes.filter((text) => untranslated(text) !== ''),
      [],
    );
  });

  it('hovers every name a lab instrument gives on any path, the wrong names and the collector’s own, in translated lines', () => {
    const names = [
      ...new Set(labInstruments.flatMap((i) => allPaths().flatMap((p) => translateInstrument(i, p).series))),
      ...Object.keys(knownWrongNames),
      'otelcol_receiver_accepted_metric_points',
    ];
    const lines = inPseudoLocale(() =>
      names.flatMap((n) => {
        const text = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(n) ? n : `{${JSON.stringify(n)}}`;
        const h = nameHover(text, text.startsWith('{') ? 2 : 0);
        return h ? h.lines.map((l) => `${n}: ${l.replace(/^- /, '')}`) : [`${n}: no hover`];
      }),
    );
    assert.deepEqual(
      // The name itself, in code at the head of a line, is a value.
      lines.filter((l) => untranslated(l.slice(l.indexOf(': ') + 2).replace(/^\*\*`[^`]*`\*\*: /, '')) !== ''),
      [],
    );
  });

  it("writes the name translator's paths, notes, drop reasons and origins translated", () => {
    const delta: Instrument[] = [
      { name: 'app.queue', unit: '{item}', kind: 'updowncounter', temporality: 'delta', serviceInstanceId: true },
      { name: 'app.requests', unit: '1', kind: 'counter', temporality: 'delta' },
    ];
    const texts = inPseudoLocale(() =>
      [...labInstruments, ...delta].flatMap((i) =>
        [
          ...allPaths(),
          { via: 'collector' as const, version: '0.155.0', prometheusMajor: 3 as const, enableOpenMetrics: true },
          { via: 'collector' as const, version: '0.155.0', prometheusMajor: 3 as const, namespace: 'lab' },
        ].flatMap((p) => {
          const tr = translateInstrument(i, p);
          return [describePath(p, tr.strategy), ...tr.notes, ...(tr.dropped ? [tr.dropped] : [])];
        }),
      ),
    );
    const origins = inPseudoLocale(() =>
      [`${d}_bucket`, 'http_server_duration_milliseconds_count', appMetrics.activeRequests].map(
        (n) => describeOrigins(n, originsOf(n)) ?? `${n}: no origin`,
      ),
    );
    assert.deepEqual(
      [...new Set([...texts, ...origins])].filter((text) => untranslated(text) !== ''),
      [],
    );
  });
});
