// The name translator against otlptranslator v1.0.0's own table (metric_namer_test.go, the module
// the collector's exporter 0.155.0/0.165.1 and Prometheus 3.14.0 use, extracted into
// test/fixtures/otlptranslator-metric-namer.json on 2026-12-05), and the lab's instruments on
// each path as a table a student can read.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDoctor } from '../../src/core/doctor/chain';
import type { DoctorSnapshot } from '../../src/core/doctor/snapshot';
import { describeOrigins, labInstruments, originsOf } from '../../src/core/promql/labInstruments';
import { nameHover } from '../../src/core/promql/nameHover';
import { describeSuggestion, suggestForQuery } from '../../src/core/promql/suggest';
import {
  labelName,
  metricName,
  translateInstrument,
  type InstrumentKind,
  type NamingPath,
  type TranslationStrategy,
} from '../../src/core/promql/otelNames';

interface GoCase {
  case: string;
  name: string;
  unit: string;
  type: string;
  namespace: string;
  strategy: TranslationStrategy;
  want: string;
}

const goCases = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'otlptranslator-metric-namer.json'), 'utf8'),
) as GoCase[];

// Summaries, exponential and unknown types get no type word, as a histogram's name gets none.
const kindOf = (goType: string): InstrumentKind =>
  goType === 'MetricTypeMonotonicCounter'
    ? 'counter'
    : goType === 'MetricTypeNonMonotonicCounter'
      ? 'updowncounter'
      : goType === 'MetricTypeGauge'
        ? 'gauge'
        : 'histogram';

const collector = (translationStrategy?: TranslationStrategy, more: Partial<NamingPath> = {}): NamingPath =>
  ({
    via: 'collector',
    version: '0.155.0',
    prometheusMajor: 3,
    ...(translationStrategy ? { translationStrategy } : {}),
    ...more,
  }) as NamingPath;
const promOtlp = (translationStrategy?: TranslationStrategy): NamingPath => ({
  via: 'prometheus-otlp',
  version: '3.14.0',
  prometheusMajor: 3,
  ...(translationStrategy ? { translationStrategy } : {}),
});

const [oldDuration, oldActive, newDuration, newActive] = labInstruments;

describe('OpenTelemetry names in Prometheus', () => {
  it(`gives every name otlptranslator v1.0.0's own table expects (${goCases.length} cases)`, () => {
    assert.ok(goCases.length > 50);
    for (const c of goCases) {
      const got = metricName({ name: c.name, unit: c.unit, kind: kindOf(c.type) }, c.strategy, c.namespace);
      assert.equal(got, c.want, `${c.case}: ${c.name} ${c.unit} ${c.type} ${c.strategy}`);
    }
  });

  it('names the Flask histograms by unit and strategy', () => {
    const table: [TranslationStrategy, string, string][] = [
      ['UnderscoreEscapingWithSuffixes', 'http_server_duration_milliseconds', 'http_server_request_duration_seconds'],
      ['UnderscoreEscapingWithoutSuffixes', 'http_server_duration', 'http_server_request_duration'],
      ['NoUTF8EscapingWithSuffixes', 'http.server.duration_milliseconds', 'http.server.request.duration_seconds'],
      ['NoTranslation', 'http.server.duration', 'http.server.request.duration'],
    ];
    for (const [strategy, old, current] of table) {
      for (const path of [collector(strategy), promOtlp(strategy)]) {
        assert.deepEqual(translateInstrument(oldDuration!, path).series, [
          `${old}_bucket`,
          `${old}_count`,
          `${old}_sum`,
        ]);
        assert.deepEqual(translateInstrument(newDuration!, path).series, [
          `${current}_bucket`,
          `${current}_count`,
          `${current}_sum`,
        ]);
      }
    }
  });

  it('drops an annotation unit, keeps a word unit once, and gives an up-down counter no _total', () => {
    assert.deepEqual(translateInstrument(newActive!, collector()).series, ['http_server_active_requests']);
    assert.deepEqual(translateInstrument(oldActive!, collector()).series, ['http_server_active_requests']);
    assert.deepEqual(translateInstrument(oldActive!, collector('NoUTF8EscapingWithSuffixes')).series, [
      'http.server.active_requests',
    ]);
  });

  it('adds _total to a monotonic counter, _ratio to a gauge of unit 1 only, and unit words per strategy', () => {
    const counter = { name: 'app.requests', unit: '{request}', kind: 'counter' as const };
    assert.deepEqual(translateInstrument(counter, collector()).series, ['app_requests_total']);
    assert.deepEqual(translateInstrument(counter, collector('NoUTF8EscapingWithSuffixes')).series, [
      'app.requests_total',
    ]);
    assert.deepEqual(translateInstrument(counter, collector('NoTranslation')).series, ['app.requests']);
    assert.deepEqual(translateInstrument({ name: 'cpu.utilization', unit: '1', kind: 'gauge' }, collector()).series, [
      'cpu_utilization_ratio',
    ]);
    assert.deepEqual(translateInstrument({ name: 'cpu.time', unit: '1', kind: 'counter' }, collector()).series, [
      'cpu_time_total',
    ]);
    assert.deepEqual(translateInstrument({ name: 'net.io', unit: 'By/s', kind: 'gauge' }, collector()).series, [
      'net_io_bytes_per_second',
    ]);
  });

  it('puts the namespace first and appends _total in OpenMetrics to a counter without it', () => {
    const counter = { name: 'jobs', unit: '', kind: 'counter' as const };
    assert.deepEqual(
      translateInstrument(counter, collector('UnderscoreEscapingWithSuffixes', { namespace: 'lab' })).series,
      ['lab_jobs_total'],
    );
    assert.deepEqual(translateInstrument(counter, collector('NoTranslation', { enableOpenMetrics: true })).series, [
      'jobs_total',
    ]);
  });

  it("moves the exporter's job and instance aside unless honor_labels, and keeps scope labels with a value", () => {
    const inst = { ...newDuration!, serviceInstanceId: true };
    const scraped = translateInstrument(inst, collector());
    for (const l of ['exported_job', 'exported_instance', 'job', 'instance', 'le', 'http_route', 'otel_scope_name'])
      assert.ok(scraped.labels.includes(l), `${l} in ${scraped.labels.join(',')}`);
    const honored = translateInstrument(inst, collector(undefined, { honorLabels: true }));
    assert.ok(!honored.labels.includes('exported_job'));
    const utf8 = translateInstrument(inst, collector('NoUTF8EscapingWithSuffixes'));
    assert.ok(utf8.labels.includes('http.route'));
    const direct = translateInstrument(inst, promOtlp());
    assert.ok(direct.labels.includes('job') && direct.labels.includes('instance'));
    assert.ok(!direct.labels.includes('otel_scope_name') && !direct.labels.includes('exported_job'));
  });

  it('says when a path refuses the points', () => {
    const delta = { name: 'jobs', unit: '', kind: 'counter' as const, temporality: 'delta' as const };
    assert.match(translateInstrument(delta, promOtlp()).dropped ?? '', /otlp-deltatocumulative/);
    assert.deepEqual(translateInstrument(delta, collector()).series, ['jobs_total']);
    const deltaUpDown = { ...delta, kind: 'updowncounter' as const };
    assert.match(translateInstrument(deltaUpDown, collector()).dropped ?? '', /non-monotonic sum with delta/);
  });

  it('escapes label names as otlptranslator does', () => {
    const escaped = { utf8: false, preserveMultipleUnderscores: true, underscoreSanitization: false };
    assert.equal(labelName('http.route', escaped), 'http_route');
    assert.equal(labelName('1st', escaped), 'key_1st');
    assert.equal(labelName('_x', { ...escaped, underscoreSanitization: true }), 'key_x');
    assert.equal(labelName('a..b', { ...escaped, preserveMultipleUnderscores: false }), 'a_b');
    assert.equal(labelName('___', escaped), undefined);
    assert.equal(labelName('http.route', { ...escaped, utf8: true }), 'http.route');
  });

  it('finds the instruments and paths behind a series name', () => {
    const origins = originsOf('http_server_duration_milliseconds_count');
    assert.ok(origins.length > 0);
    assert.ok(origins.every((o) => o.instrument.name === 'http.server.duration'));
    assert.match(
      describeOrigins('http_server_duration_milliseconds_count', origins) ?? '',
      /`http.server.duration` \(histogram, unit `ms`\) from the OpenTelemetry Flask instrumentation with OTEL_SEMCONV_STABILITY_OPT_IN unset, through collector 0.155.0's prometheus exporter \(UnderscoreEscapingWithSuffixes\)/,
    );
    assert.deepEqual(originsOf('flask_http_request_total'), []);
  });

  it('says which instrument and path give the name Prometheus has, for a prometheus_flask_exporter name', () => {
    const known = ['http_server_duration_milliseconds_count', 'http_server_duration_milliseconds_bucket', 'up'];
    const [s] = suggestForQuery('sum(rate(flask_http_request_total[1m]))', known);
    assert.deepEqual(s?.names?.[0], 'http_server_duration_milliseconds_count');
    assert.match(
      describeSuggestion(s!),
      /`flask_http_request_total` is prometheus_flask_exporter's; with the OpenTelemetry Flask instrumentation with OTEL_SEMCONV_STABILITY_OPT_IN unset through collector 0\.155\.0's prometheus exporter \(UnderscoreEscapingWithSuffixes\) the request count is `http_server_duration_milliseconds_count`/,
    );
  });

  it('turns a name from another strategy into the one this Prometheus has, saying both paths', () => {
    const known = ['http.server.request.duration_seconds_bucket', 'http.server.request.duration_seconds_count', 'up'];
    const [s] = suggestForQuery(
      'histogram_quantile(0.95, rate(http_server_request_duration_seconds_bucket[5m]))',
      known,
    );
    assert.equal(s?.names?.[0], 'http.server.request.duration_seconds_bucket');
    assert.equal(s?.suggestions[0], '{"http.server.request.duration_seconds_bucket"}');
    assert.match(
      s?.note ?? '',
      /is what `http.server.request.duration` \(histogram, unit `s`\) from .*=http gives through collector 0\.155\.0's prometheus exporter \(UnderscoreEscapingWithSuffixes\); with .* through collector 0\.155\.0's prometheus exporter \(NoUTF8EscapingWithSuffixes\) the latency buckets are `http.server.request.duration_seconds_bucket`/,
    );
  });

  it('hovers a name with the instruments and paths that give it, quoted UTF-8 names included', () => {
    const q = 'histogram_quantile(0.95, sum by (le) (rate({"http.server.duration_milliseconds_bucket"}[5m])))';
    const h = nameHover(q, q.indexOf('http.server'));
    assert.equal(q.slice(h!.start, h!.end), '"http.server.duration_milliseconds_bucket"');
    assert.match(
      h!.lines.join('\n'),
      /`http.server.duration` \(histogram, unit `ms`\) from .* unset, through collector 0\.155\.0's prometheus exporter \(NoUTF8EscapingWithSuffixes\)/,
    );
    assert.match(h!.lines.join('\n'), /The lab's path .* does not give this name/);
    const lab = 'sum(rate(http_server_request_duration_seconds_count[1m]))';
    assert.match(nameHover(lab, 12)!.lines.join('\n'), /The lab's path .* gives this name/);
    assert.equal(nameHover(lab, 2), undefined, 'a function name is not a metric');
    assert.match(nameHover('flask_http_request_total', 3)!.lines.join('\n'), /prometheus_flask_exporter name/);
    assert.match(nameHover('otelcol_exporter_sent_metric_points', 3)!.lines[0]!, /collector's own telemetry/);
  });

  it("makes Run Doctor's metric-names link name the instrument and path behind the name Prometheus has", () => {
    const expr = 'sum(rate(flask_http_request_total[1m]))';
    const s: DoctorSnapshot = {
      mode: 'sandbox',
      takenAt: 0,
      lab: {
        appNamespace: 'app',
        monitoringNamespace: 'monitoring',
        helmRelease: 'prometheus',
        prometheusServiceAccount: 'prometheus-sa',
        collectorService: 'otel-collector',
        portNames: { telemetry: 'telemetry', metrics: 'metrics' },
      },
      prometheus: {
        url: 'http://127.0.0.1:9090',
        version: '3.14.0',
        targets: [],
        metricNames: ['up', 'http_server_duration_milliseconds_count', 'http_server_duration_milliseconds_bucket'],
        appSeries: ['http_server_duration_milliseconds_count'],
      },
      queries: {
        source: '/lab/q.promql',
        file: '/lab/q.promql',
        text: `# rate\n${expr}\n`,
        queries: [{ title: 'rate', expr }],
      },
      unavailable: {},
    };
    const link = runDoctor(s).links.find((l) => l.id === 'metric-names');
    const f = link?.findings[0];
    assert.match(
      f?.message ?? '',
      /with the OpenTelemetry Flask instrumentation with OTEL_SEMCONV_STABILITY_OPT_IN unset through collector 0\.155\.0's prometheus exporter \(UnderscoreEscapingWithSuffixes\) the request count is `http_server_duration_milliseconds_count`/,
    );
    assert.equal(f?.evidence[0]?.expected, 'http_server_duration_milliseconds_count');
  });
});
