import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appMetrics } from '../../src/core/facts';
import {
  describeSuggestion,
  knownWrongNames,
  metricNamesIn,
  nameSimilarity,
  rankMetricNames,
  suggestForQuery,
} from '../../src/core/promql/suggest';
import { defaultParams } from '../../src/core/scaffold/params';
import { templateVars } from '../../src/core/scaffold/plan';
import { renderTemplate } from '../../src/core/scaffold/render';

/**
 * The metric names a real sandbox Prometheus had after POST /hash traffic (2.42, and the same on
 * 3.14.0 on 2026-12-05): the app's through the collector 0.155.0 prometheus exporter, the
 * collector's own (no _total: its pull reader defaults to without_type_suffix), and Prometheus'
 * per-target series.
 */
const sandboxNames = [
  'http_server_active_requests',
  'http_server_request_duration_seconds_bucket',
  'http_server_request_duration_seconds_count',
  'http_server_request_duration_seconds_sum',
  'otelcol_exporter_in_flight_requests',
  'otelcol_exporter_sent_metric_points',
  'otelcol_exporter_sent_spans',
  'otelcol_process_cpu_seconds',
  'otelcol_process_memory_rss',
  'otelcol_processor_batch_batch_send_size_bucket',
  'otelcol_processor_incoming_items',
  'otelcol_receiver_accepted_metric_points',
  'otelcol_receiver_accepted_spans',
  'otelcol_receiver_refused_metric_points',
  'promhttp_metric_handler_errors_total',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'target_info',
  'up',
];

const names = (q: string): string[] => metricNamesIn(q).map((r) => r.name);

describe('PromQL metric names', () => {
  it('finds the metric inside functions and aggregations, not the functions, keywords or labels', () => {
    assert.deepEqual(names('sum by (http_route) (rate(http_server_request_duration_seconds_count[1m]))'), [
      'http_server_request_duration_seconds_count',
    ]);
    assert.deepEqual(
      names(
        'histogram_quantile(0.95, sum by (le) (rate(flask_http_request_duration_seconds_bucket{path="/hash"}[1m])))',
      ),
      ['flask_http_request_duration_seconds_bucket'],
    );
    assert.deepEqual(names('sum without (instance) (up) > bool 0'), ['up']);
    assert.deepEqual(names('topk(3, otelcol_process_cpu_seconds offset 5m)'), ['otelcol_process_cpu_seconds']);
  });

  it('finds both sides of a binary operation and vector matching, skipping the label lists', () => {
    assert.deepEqual(
      names('sum(rate(a_total[1m])) / on (job) group_left (pod, le) sum(rate(b_total[1m])) and c unless d'),
      ['a_total', 'b_total', 'c', 'd'],
    );
  });

  it('reads {__name__="..."} as a name and ignores label names, label values, strings and comments', () => {
    const refs = metricNamesIn(
      '{__name__="http_server_active_requests", job="up"} # a comment naming not_a_metric\n+ label_replace(x, "dst", "$1", "src", "(.*)")',
    );
    assert.deepEqual(
      refs.map((r) => r.name),
      ['http_server_active_requests', 'x'],
    );
    const q = '{__name__="http_server_active_requests"}';
    assert.equal(q.slice(refs[0]?.start, refs[0]?.end), 'http_server_active_requests');
  });

  it('does not take durations, subqueries, numbers, Inf/NaN or @ modifiers for names', () => {
    assert.deepEqual(
      names(
        'max_over_time(rate(x_total[5m])[30m:1m]) > 1e3 or vector(NaN) or y @ start() or z @ 1609746000 or 0x1f > Inf',
      ),
      ['x_total', 'y', 'z'],
    );
  });

  it('gives offsets that point at each use, including names with colons (recording rules)', () => {
    const q = 'job:http_requests:rate5m + rate(foo[1h30m])';
    const refs = metricNamesIn(q);
    assert.deepEqual(
      refs.map((r) => q.slice(r.start, r.end)),
      ['job:http_requests:rate5m', 'foo'],
    );
  });

  it('reads the metric names of every query the lab ships', () => {
    const text = renderTemplate(
      readFileSync(join(__dirname, '..', '..', 'templates', 'lab', 'queries', 'lab-queries.promql'), 'utf8'),
      templateVars(defaultParams),
    );
    const used = new Set(metricNamesIn(text).map((r) => r.name));
    assert.deepEqual(
      [...used].sort(),
      [`${appMetrics.durationBase}_bucket`, `${appMetrics.durationBase}_count`, appMetrics.activeRequests, 'up'].sort(),
    );
  });
});

describe('metric name suggestions', () => {
  it("maps the lab's flask_http_request_total to the app's real request counter first", () => {
    const [s] = suggestForQuery('rate(flask_http_request_total[30s])', sandboxNames);
    assert.ok(s);
    assert.equal(s.name, 'flask_http_request_total');
    assert.equal(s.suggestions[0], 'http_server_request_duration_seconds_count');
    assert.match(s.note ?? '', /prometheus_flask_exporter/);
    assert.match(s.note ?? '', /path → http_route/);
  });

  it('maps the lab histogram and the old-conventions millisecond names to the seconds histogram', () => {
    assert.equal(
      rankMetricNames('flask_http_request_duration_seconds_bucket', sandboxNames)[0],
      'http_server_request_duration_seconds_bucket',
    );
    assert.equal(
      rankMetricNames('http_server_duration_milliseconds_bucket', sandboxNames)[0],
      'http_server_request_duration_seconds_bucket',
    );
    assert.equal(
      rankMetricNames('http_server_duration_milliseconds_count', sandboxNames)[0],
      'http_server_request_duration_seconds_count',
    );
  });

  it('suggests the mapping even when Prometheus has no data yet', () => {
    assert.deepEqual(rankMetricNames('flask_http_request_total', []), [`${appMetrics.durationBase}_count`]);
  });

  it('every known-wrong name maps to one of the names the app really exports', () => {
    const real = new Set([
      `${appMetrics.durationBase}_bucket`,
      `${appMetrics.durationBase}_sum`,
      `${appMetrics.durationBase}_count`,
    ]);
    for (const [wrong, { use }] of Object.entries(knownWrongNames)) assert.ok(real.has(use), `${wrong} → ${use}`);
  });

  it('ranks by similarity for typos and for a _total the collector does not add', () => {
    assert.equal(
      rankMetricNames('http_server_request_duration_seconds_cout', sandboxNames)[0],
      'http_server_request_duration_seconds_count',
    );
    assert.equal(
      rankMetricNames('otelcol_exporter_sent_metric_points_total', sandboxNames)[0],
      'otelcol_exporter_sent_metric_points',
    );
    assert.equal(rankMetricNames('http_server_active_request', sandboxNames)[0], 'http_server_active_requests');
  });

  it('prefers a series of the same kind: a counter for a counter, a bucket for a bucket', () => {
    assert.ok(
      nameSimilarity('http_requests_total', 'http_server_request_duration_seconds_count') >
        nameSimilarity('http_requests_total', 'http_server_request_duration_seconds_bucket'),
    );
  });

  it('offers nothing for a name unlike any real one, and nothing for names Prometheus has', () => {
    assert.deepEqual(rankMetricNames('kube_pod_container_status_restarts_total', sandboxNames), []);
    assert.deepEqual(
      suggestForQuery('sum(rate(http_server_request_duration_seconds_count[1m])) + up', sandboxNames),
      [],
    );
  });

  it('reports a name used twice once, at its first use', () => {
    const q = 'rate(flask_http_request_total[1m]) / rate(flask_http_request_total[5m])';
    const s = suggestForQuery(q, sandboxNames);
    assert.equal(s.length, 1);
    assert.equal(s[0]?.start, q.indexOf('flask_http_request_total'));
  });

  it('says it in one line a person can act on', () => {
    const [s] = suggestForQuery('otelcol_exporter_sent_metric_points_total', sandboxNames);
    assert.ok(s);
    assert.match(
      describeSuggestion(s),
      /^`otelcol_exporter_sent_metric_points_total` is not a metric this Prometheus has; did you mean `otelcol_exporter_sent_metric_points`/,
    );
    assert.match(describeSuggestion({ name: 'zzz', start: 0, end: 3, suggestions: [] }), /no similar name found/);
  });
});
