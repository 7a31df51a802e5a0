// What Prometheus 3 (the lab's 3.14.0) changes for the queries the product writes and suggests:
// UTF-8 names are quoted inside the braces, and `le`/`quantile` values are matched as the floats
// Prometheus 3 stores. test/integration/prometheus3.test.ts pins the same against the real binary.
import { strict as assert } from 'node:assert';
import {
  floatLabelRewrites,
  formatOpenMetricsFloat,
  normalizedFloatLabel,
  parseLabelFloat,
} from '../../src/core/promql/bucketLabels';
import { isLegacyMetricName, promqlLabelName, selectorFor } from '../../src/core/promql/names';
import { describeSuggestion, metricNamesIn, suggestForQuery } from '../../src/core/promql/suggest';

/** A Prometheus 3 holding the app's duration histogram under its UTF-8 name (collector translation_strategy: NoUTF8EscapingWithSuffixes). */
const utf8Names = [
  'http.server.request.duration_seconds_bucket',
  'http.server.request.duration_seconds_count',
  'http.server.request.duration_seconds_sum',
  'up',
];

describe('Prometheus 3 names in PromQL', () => {
  it('writes a legacy name bare and a UTF-8 name quoted inside the braces', () => {
    assert.equal(selectorFor('up', { job: 'otel-collector' }), 'up{job="otel-collector"}');
    assert.equal(selectorFor('http.server.duration'), '{"http.server.duration"}');
    assert.equal(
      selectorFor('http.server.duration', { 'http.route': '/hash', le: '1.0' }),
      '{"http.server.duration", "http.route"="/hash", le="1.0"}',
    );
    assert.equal(selectorFor(undefined, { job: 'a"b' }), '{job="a\\"b"}');
    assert.equal(promqlLabelName('service.name'), '"service.name"');
    assert.ok(isLegacyMetricName('job:http_requests:rate5m'));
    assert.ok(!isLegacyMetricName('http.server.duration'));
    assert.ok(!isLegacyMetricName('9lives'));
  });

  it('reads a quoted name in the braces as the metric, and a quoted label name as a label', () => {
    const q = 'sum(rate({"http.server.request.duration_seconds_count", "http.route"="/hash"}[1m]))';
    const refs = metricNamesIn(q);
    assert.deepEqual(
      refs.map((r) => [r.name, r.form, q.slice(r.start, r.end)]),
      [['http.server.request.duration_seconds_count', 'quoted', '"http.server.request.duration_seconds_count"']],
    );
  });

  it('reads a UTF-8 name written bare as one name, not three', () => {
    const refs = metricNamesIn('rate(http.server.duration[1m]) + up');
    assert.deepEqual(
      refs.map((r) => [r.name, r.form ?? 'bare']),
      [
        ['http.server.duration', 'dotted'],
        ['up', 'bare'],
      ],
    );
  });

  it('suggests a UTF-8 name in its quoted form, in place of a bare name', () => {
    const q = 'rate(http_server_request_duration_seconds_count[1m])';
    const [s] = suggestForQuery(q, utf8Names);
    assert.ok(s);
    assert.equal(s.suggestions[0], '{"http.server.request.duration_seconds_count"}');
    assert.equal(
      q.slice(0, s.start) + (s.suggestions[0] ?? '') + q.slice(s.end),
      'rate({"http.server.request.duration_seconds_count"}[1m])',
    );
  });

  it('moves a UTF-8 suggestion into the selector that follows the name', () => {
    const q = 'rate(http_server_request_duration_seconds_count{http_route="/hash"}[1m])';
    const [s] = suggestForQuery(q, utf8Names);
    assert.ok(s);
    assert.equal(
      q.slice(0, s.start) + (s.suggestions[0] ?? '') + q.slice(s.end),
      'rate({"http.server.request.duration_seconds_count", http_route="/hash"}[1m])',
    );
    const empty = 'http_server_request_duration_seconds_count{}';
    const [e] = suggestForQuery(empty, utf8Names);
    assert.ok(e);
    assert.equal(
      empty.slice(0, e.start) + (e.suggestions[0] ?? '') + empty.slice(e.end),
      '{"http.server.request.duration_seconds_count"}',
    );
  });

  it('keeps legacy suggestions bare and rewrites a quoted name with a quoted one', () => {
    const [bare] = suggestForQuery('http_server_request_duration_seconds_cout', [
      'http_server_request_duration_seconds_count',
    ]);
    assert.deepEqual(bare?.suggestions, ['http_server_request_duration_seconds_count']);
    const q = '{"http.server.request.duration_seconds_cout"}';
    const [quoted] = suggestForQuery(q, utf8Names);
    assert.ok(quoted);
    assert.equal(
      q.slice(0, quoted.start) + (quoted.suggestions[0] ?? '') + q.slice(quoted.end),
      '{"http.server.request.duration_seconds_count"}',
    );
  });

  it('flags a UTF-8 name Prometheus has but the query writes bare, with the quoted form', () => {
    const q = 'sum(http.server.request.duration_seconds_count)';
    const [s] = suggestForQuery(q, utf8Names);
    assert.ok(s);
    assert.equal(s.form, 'dotted');
    assert.deepEqual(s.suggestions, ['{"http.server.request.duration_seconds_count"}']);
    assert.match(describeSuggestion(s), /UTF-8 name written without quotes, which PromQL cannot parse/);
    assert.match(s.note ?? '', /quoted inside the braces/);
  });
});

describe('Prometheus 3 le and quantile values', () => {
  it('formats floats as Prometheus 3.14.0 stores them (labels.FormatOpenMetricsFloat)', () => {
    const cases: [number, string][] = [
      [1, '1.0'],
      [0, '0.0'],
      [10, '10.0'],
      [0.005, '0.005'],
      [2.5, '2.5'],
      [100000, '100000.0'],
      [1e6, '1e+06'],
      [2.5e6, '2.5e+06'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
      [-2, '-2.0'],
    ];
    for (const [f, want] of cases) assert.equal(formatOpenMetricsFloat(f), want, String(f));
  });

  it('reads label values as Go reads floats, and leaves other text alone', () => {
    assert.equal(parseLabelFloat('+Inf'), Infinity);
    assert.equal(parseLabelFloat('1e3'), 1000);
    assert.equal(parseLabelFloat('route'), undefined);
    assert.equal(parseLabelFloat(' 1'), undefined);
    assert.equal(normalizedFloatLabel('1'), '1.0');
    assert.equal(normalizedFloatLabel('1.0'), '1.0');
    assert.equal(normalizedFloatLabel('+Inf'), '+Inf');
  });

  it('rewrites an exact le="1" to le="1.0", and says why', () => {
    const q = 'sum(rate(http_server_request_duration_seconds_bucket{le="1", http_route="/hash"}[5m]))';
    const [r, ...more] = floatLabelRewrites(q);
    assert.ok(r);
    assert.equal(more.length, 0);
    assert.equal(q.slice(r.start, r.end), 'le="1"');
    assert.equal(r.replacement, 'le="1.0"');
    assert.match(r.note, /Prometheus 3 stores histogram buckets' le values as floats/);
    assert.match(r.note, /matches nothing/);
  });

  it('rewrites quantile, negated and plain-number regex matchers; leaves normalised, +Inf and real regexes', () => {
    const rewrites = floatLabelRewrites(
      'a{quantile="0"} + b{le!="5"} + c{"le"=~"1|2.5"} + d{le="1.0"} + e{le="+Inf"} + f{le=~"1.*"} + g{route="1"}',
    );
    assert.deepEqual(
      rewrites.map((r) => [r.written, r.replacement]),
      [
        ['quantile="0"', 'quantile="0.0"'],
        ['le!="5"', 'le!="5.0"'],
        ['"le"=~"1|2.5"', '"le"=~"1.0|2.5"'],
      ],
    );
    assert.match(rewrites[1]?.note ?? '', /excludes nothing/);
  });

  it('finds nothing to rewrite in the lab queries, which group by le and never match it', () => {
    assert.deepEqual(
      floatLabelRewrites(
        'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{http_route="/hash"}[1m])))',
      ),
      [],
    );
  });
});
