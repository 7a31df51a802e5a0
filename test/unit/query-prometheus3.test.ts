// What the query panel and `obslab query` do with Prometheus 3's answers and names: each
// suggestion says what it rewrites (a metric name or an le/quantile matcher), completion may ask
// for the values of a UTF-8 label (escaped as Prometheus 3.14.0 reads the path), and a native
// histogram sample, which has `histogram` instead of `value`, reads as its count and sum. The
// answers below are Prometheus 3.14.0's own bytes (recorded from the binary the harness builds,
// and web/api/v1/json_codec_test.go at v0.314.0); test/integration/prometheus3.test.ts asks the binary.
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { textLines } from '../../src/cli/query';
import { PrometheusClient } from '../../src/core/prometheus/client';
import { escapeNameForPath } from '../../src/core/prometheus/escaping';
import { histogramText, pointText, sampleText, seriesPoints } from '../../src/core/prometheus/samples';
import { normalisesFloatLabels, prometheusMajor } from '../../src/core/prometheus/version';
import { floatLabelRewritesFor } from '../../src/core/promql/bucketLabels';
import { querySuggestions } from '../../src/core/promql/querySuggestions';
import { isLabelValuesRequest, maxLabelNameLength, parsePageMessage } from '../../src/core/protocol/query';

/** `prometheus_http_request_duration_seconds` from Prometheus 3.14.0 scraping itself with scrape_native_histograms: true. */
const nativeVector =
  '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"prometheus_http_request_duration_seconds","a/b":"slash","handler":"/api/v1/query_range","http.route":"/x","instance":"127.0.0.1:19391","job":"self"},"histogram":[1796497550.884,{"count":"1","sum":"0.000409487","buckets":[[0,"0.00037651631479686053","0.00041059395276060273","1"]]}]}]}}';

/** web/api/v1/json_codec_test.go at v0.314.0: a range series of native histograms only, so no "values" at all. */
const nativeMatrix =
  '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"foo"},"histograms":[[1,{"count":"10","sum":"20","buckets":[[1,"-1.6817928305074288","-1.414213562373095","1"],[1,"-1.414213562373095","-1.189207115002721","2"],[3,"-0.001","0.001","12"],[0,"1.414213562373095","1.6817928305074288","1"],[0,"1.6817928305074288","2","2"],[0,"2.378414230005442","2.82842712474619","2"],[0,"2.82842712474619","3.3635856610148576","1"],[0,"3.3635856610148576","4","1"]]}]]}]}}';

describe('query suggestions say what they rewrite', () => {
  const names = ['http_server_request_duration_seconds_bucket', 'up'];

  it('marks a metric name as metric-name and an le matcher as label-value-rewrite', () => {
    const expr = 'sum(rate(flask_http_request_duration_seconds_bucket{le="1"}[5m]))';
    const s = querySuggestions(expr, names, '3.14.0');
    assert.deepEqual(
      s.map((x) => [x.kind, x.name, x.suggestions[0]]),
      [
        ['metric-name', 'flask_http_request_duration_seconds_bucket', 'http_server_request_duration_seconds_bucket'],
        ['label-value-rewrite', 'le="1"', 'le="1.0"'],
      ],
    );
  });

  it('offers the le/quantile rewrite on a 3.x and on a server whose version is unknown, never on a 2.x', () => {
    const expr = 'x_bucket{le="1"} or y{quantile="0"}';
    assert.equal(querySuggestions(expr, [], '3.14.0').length, 2);
    assert.equal(querySuggestions(expr, [], undefined).length, 2);
    assert.equal(querySuggestions(expr, [], 'v3.0.0').length, 2);
    assert.deepEqual(querySuggestions(expr, [], '2.55.1'), []);
    assert.deepEqual(floatLabelRewritesFor(expr, '2.42.0'), []);
  });

  it('reads the major version from buildinfo as Prometheus writes it', () => {
    assert.equal(prometheusMajor('3.14.0'), 3);
    assert.equal(prometheusMajor('v2.55.1'), 2);
    assert.equal(prometheusMajor(''), undefined);
    assert.equal(prometheusMajor('unknown'), undefined);
    assert.equal(normalisesFloatLabels('unknown'), true);
    assert.equal(normalisesFloatLabels('2.55.1'), false);
  });
});

describe('label values of a UTF-8 label', () => {
  it('the page may ask for any non-empty UTF-8 label name of bounded length', () => {
    for (const label of ['http_route', '__name__', 'http.route', 'a/b', '../../admin', '花火', 'label with 😱'])
      assert.ok(isLabelValuesRequest({ type: 'labelValues', id: 1, label }), label);
    assert.ok(isLabelValuesRequest({ type: 'labelValues', id: 1, label: 'x'.repeat(maxLabelNameLength) }));
    for (const label of ['', 'x'.repeat(maxLabelNameLength + 1), 'bad\ud800half', 5, null])
      assert.equal(isLabelValuesRequest({ type: 'labelValues', id: 1, label }), false, String(label));
    assert.equal(parsePageMessage({ type: 'labelValues', id: 1, label: 'http.route', url: '/x' }), undefined);
  });

  it('escapes a name for the label-values path as common/model EscapeName(ValueEncodingEscaping) does', () => {
    // The table of common/model metric_test.go at v0.70.1 (what Prometheus 3.14.0 builds with).
    const goCases: [string, string][] = [
      ['no:escaping_required', 'no:escaping_required'],
      ['mysystem.prod.west.cpu.load', 'U__mysystem_2e_prod_2e_west_2e_cpu_2e_load'],
      ['mysystem.prod.west.cpu.load_total', 'U__mysystem_2e_prod_2e_west_2e_cpu_2e_load__total'],
      ['http.status:sum', 'U__http_2e_status:sum'],
      ['label with 😱', 'U__label_20_with_20__1f631_'],
      ['花火', 'U___82b1__706b_'],
      ['label with \u0100', 'U__label_20_with_20__100_'],
      ['', ''],
    ];
    for (const [name, escaped] of goCases) assert.equal(escapeNameForPath(name), escaped, name);
    assert.equal(escapeNameForPath('http.route'), 'U__http_2e_route');
    assert.equal(escapeNameForPath('a/b'), 'U__a_2f_b');
    // Prometheus would unescape U__job into job: a legacy name starting with U__ is escaped too.
    assert.equal(escapeNameForPath('U__job'), 'U__U____job');
    assert.equal(escapeNameForPath('9lives'), 'U___39_lives');
  });

  it('asks /api/v1/label/U__http_2e_route/values for http.route', async () => {
    const paths: string[] = [];
    const server: Server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"success","data":["/hash"]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const c = new PrometheusClient({ baseUrl: `http://127.0.0.1:${port}`, fetch: (u, i) => fetch(u, i) });
      assert.deepEqual(await c.labelValues('http.route'), ['/hash']);
      await c.labelValues('http_route');
      assert.deepEqual(paths, ['/api/v1/label/U__http_2e_route/values', '/api/v1/label/http_route/values']);
    } finally {
      server.close();
    }
  });
});

describe('native histogram samples', () => {
  let server: Server;
  let client: PrometheusClient;

  before(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url === '/api/v1/query_range' ? nativeMatrix : nativeVector);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new PrometheusClient({ baseUrl: `http://127.0.0.1:${port}`, fetch: (u, i) => fetch(u, i) });
  });
  after(() => server.close());

  it('reads an instant answer whose sample has "histogram" instead of "value", and says what it is', async () => {
    const { data } = await client.query('prometheus_http_request_duration_seconds');
    assert.equal(data.resultType, 'vector');
    const [s] = data.resultType === 'vector' ? data.result : [];
    assert.ok(s?.histogram);
    assert.equal(s.value, undefined);
    assert.equal(sampleText(s), 'native histogram: count 1, sum 0.000409487');
    assert.deepEqual(textLines(data), [
      'prometheus_http_request_duration_seconds{"a/b"="slash", handler="/api/v1/query_range", "http.route"="/x", ' +
        'instance="127.0.0.1:19391", job="self"} => native histogram: count 1, sum 0.000409487 @ 2026-12-05T19:05:50.884Z',
    ]);
  });

  it('reads a range series that has "histograms" and no "values"', async () => {
    const { data } = await client.queryRange('foo', { start: 0, end: 1, step: 1 });
    assert.ok(data.resultType === 'matrix');
    const [series] = data.result;
    assert.ok(series);
    assert.equal(series.values, undefined);
    const points = seriesPoints(series);
    assert.equal(points.length, 1);
    assert.equal(
      pointText(points[0]!, (v) => `<${v}>`),
      'native histogram: count <10>, sum <20>',
    );
    assert.deepEqual(textLines(data), ['foo', '  native histogram: count 10, sum 20 @ 1970-01-01T00:00:01.000Z']);
  });

  it('orders float and histogram points of one series by time, and still reads floats as before', () => {
    const h = { count: '3', sum: '1.5' };
    const points = seriesPoints({ metric: {}, values: [[2, '7']], histograms: [[1, h]] });
    assert.deepEqual(
      points.map((p) => pointText(p)),
      ['native histogram: count 3, sum 1.5', '7'],
    );
    assert.equal(histogramText(h), 'native histogram: count 3, sum 1.5');
    assert.equal(sampleText({ metric: {}, value: [1, '0.5'] }), '0.5');
    assert.deepEqual(
      textLines({ resultType: 'vector', result: [{ metric: { __name__: 'up', job: 'a' }, value: [0, '1'] }] }),
      ['up{job="a"} => 1 @ 1970-01-01T00:00:00.000Z'],
    );
  });
});
