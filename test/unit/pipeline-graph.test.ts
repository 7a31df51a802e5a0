// The pipeline view's model on real configs: the OpenTelemetry demo's collector (its span_metrics
// connector links traces to metrics), the contrib spanmetrics connector's test config, the
// collector chart's own example values merged with the chart's defaults, and a ConfigMap. Findings
// from the real lint land on the node whose YAML they point into; live figures come from the
// collector's telemetry text as 0.155.0 serves it.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { liveFigures, parseExposition } from '../../src/core/collector/liveFigures';
import { pipelineGraph, type PipelineGraph } from '../../src/core/collector/pipelineGraph';
import { pipelineViewAt } from '../../src/core/collector/pipelineView';
import { parsePipelinePageMessage } from '../../src/core/protocol/pipeline';
import { lint } from '../../src/core/lint/engine';
import { buildWorkspace } from '../../src/core/lint/model';

const corpus = (p: string): string => readFileSync(join(__dirname, '..', 'fixtures', 'corpus', p), 'utf8');

function graphOf(file: string, text: string, withFindings = true): PipelineGraph {
  const ws = buildWorkspace([{ file, text }]);
  const cfg = ws.collectors[0];
  assert.ok(cfg, `${file} holds a collector config`);
  return pipelineGraph(cfg, withFindings ? lint([{ file, text }]) : []);
}

const names = (g: PipelineGraph, pipeline: string, role: string): string[] =>
  g.nodes.filter((n) => n.pipeline === pipeline && n.role === role).map((n) => n.component);

describe('pipeline graph: the OpenTelemetry demo collector', () => {
  const file = 'otel-demo/otelcol-config.yml';
  const g = graphOf(file, corpus('otel-demo-collector/otelcol-config.yml'));

  it('draws one row per pipeline, in the order the config lists them, with its signal', () => {
    assert.deepEqual(
      g.pipelines.map((p) => [p.id, p.signal]),
      [
        ['traces', 'traces'],
        ['metrics', 'metrics'],
        ['logs', 'logs'],
        ['profiles', 'profiles'],
      ],
    );
  });

  it('puts receivers in column 0, processors in order, and exporters after the widest processor chain', () => {
    assert.deepEqual(names(g, 'traces', 'processor'), [
      'resource_detection',
      'memory_limiter',
      'transform/sanitize_spans',
      'gen_ai_normalizer',
      'transform/redact_sensitive_data',
    ]);
    assert.equal(g.processorColumns, 5);
    const exporters = g.nodes.filter((n) => n.role === 'exporter');
    assert.ok(exporters.every((n) => n.column === 6));
    assert.deepEqual(
      g.nodes.filter((n) => n.pipeline === 'metrics' && n.role === 'receiver').map((n) => n.slot),
      [0, 1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.equal(g.pipelines.find((p) => p.id === 'metrics')?.slots, 9);
  });

  it('chains receivers → processors → exporters with edges', () => {
    assert.ok(g.edges.some((e) => e.from === 'traces|receiver|otlp' && e.to === 'traces|processor|resource_detection'));
    assert.ok(
      g.edges.some(
        (e) => e.from === 'traces|processor|transform/redact_sensitive_data' && e.to === 'traces|exporter|span_metrics',
      ),
    );
  });

  it('links the span_metrics connector from the traces pipeline to the metrics pipeline', () => {
    assert.deepEqual(g.links, [
      { connector: 'span_metrics', from: 'traces|exporter|span_metrics', to: 'metrics|receiver|span_metrics' },
    ]);
    assert.ok(g.nodes.filter((n) => n.component === 'span_metrics').every((n) => n.connector && n.defined));
  });

  it('points each node at its definition, so clicking opens the YAML there', () => {
    const text = corpus('otel-demo-collector/otelcol-config.yml');
    const node = g.nodes.find((n) => n.id === 'metrics|receiver|redis');
    assert.ok(node);
    assert.equal(text.split('\n')[node.range.start.line]?.trim(), 'redis:');
  });

  it('has no unused components: the demo uses all it defines', () => {
    assert.deepEqual(g.unused, []);
  });
});

describe('pipeline graph: connectors and unused components', () => {
  it("shows the contrib spanmetrics test config's connector as a link, and an unused one when no pipeline receives from it", () => {
    const g = graphOf('spanmetrics.yaml', corpus('contrib-spanmetrics-connector/config-full-connector.yaml'));
    assert.ok(g.nodes.some((n) => n.connector && n.component === 'spanmetrics'));
    assert.ok(g.links.some((l) => l.connector === 'spanmetrics'));
  });

  it('lists a component defined but used by no pipeline, with its lint finding on it', () => {
    const text = `receivers:
  otlp:
    protocols:
      grpc: {}
  zipkin: {}
processors:
  batch: {}
exporters:
  debug: {}
connectors:
  count: {}
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug, count]
    metrics:
      receivers: [count]
      exporters: [debug]
`;
    const g = graphOf('collector.yaml', text);
    assert.deepEqual(
      g.unused.map((u) => `${u.kind}:${u.component}`),
      ['receiver:zipkin'],
    );
    assert.deepEqual(g.links, [{ connector: 'count', from: 'traces|exporter|count', to: 'metrics|receiver|count' }]);
    // metrics has no processors: its receiver goes straight to its exporter.
    assert.ok(g.edges.some((e) => e.from === 'metrics|receiver|count' && e.to === 'metrics|exporter|debug'));
    const zipkin = g.unused[0];
    assert.ok(zipkin && zipkin.findings.length > 0, 'the lint says zipkin is unused, and the view shows it on zipkin');
  });

  it('puts a finding about a pipeline entry on that node: an exporter no section defines', () => {
    const text = `receivers:
  otlp:
    protocols:
      grpc: {}
exporters:
  debug: {}
service:
  pipelines:
    metrics:
      receivers: [otlp]
      exporters: [debug, prometheus]
`;
    const g = graphOf('collector.yaml', text);
    const missing = g.nodes.find((n) => n.id === 'metrics|exporter|prometheus');
    assert.ok(missing);
    assert.equal(missing.defined, false);
    assert.ok(
      missing.findings.some((f) => f.severity === 'error'),
      JSON.stringify(missing.findings),
    );
    assert.deepEqual(g.nodes.find((n) => n.id === 'metrics|receiver|otlp')?.findings, []);
  });
});

describe('pipeline graph: chart values and ConfigMaps', () => {
  it("merges the collector chart's example values with the chart's defaults, as the chart writes the config", () => {
    const text = corpus('otel-chart-deployment-otlp-traces/values.yaml');
    const g = graphOf('otel-collector-values.yaml', text);
    assert.deepEqual(
      g.pipelines.map((p) => p.id),
      ['traces'],
    );
    assert.deepEqual(names(g, 'traces', 'receiver'), ['otlp']);
    assert.deepEqual(names(g, 'traces', 'processor'), ['memory_limiter', 'batch']);
    assert.deepEqual(names(g, 'traces', 'exporter'), ['debug']);
    assert.match(g.where ?? '', /chart/);
    // Every definition is the chart's; the file names otlp in the pipeline, and clicking goes there.
    // batch comes wholly from the defaults: clicking goes to the file's config: key.
    const lines = text.split('\n');
    const otlp = g.nodes.find((n) => n.id === 'traces|receiver|otlp');
    assert.equal(otlp?.chartDefault, true);
    assert.equal(lines[otlp.range.start.line]?.trim(), '- otlp');
    const batch = g.nodes.find((n) => n.id === 'traces|processor|batch');
    assert.equal(lines[batch?.range.start.line ?? -1]?.trim(), 'config:');
  });

  it('reads a collector config inside a ConfigMap, with ranges in the ConfigMap file', () => {
    const text = corpus('lgtm-k8s-json-logging-otlp/collector-configmap.yaml');
    const g = graphOf('collector-configmap.yaml', text);
    assert.match(g.where ?? '', /^ConfigMap /);
    assert.ok(g.nodes.length > 0);
    const lines = text.split('\n');
    for (const n of g.nodes.filter((x) => x.defined))
      assert.match(lines[n.range.start.line] ?? '', new RegExp(`${n.component.replace(/[/.]/g, '\\$&')}:`));
  });
});

describe('pipeline graph: live figures', () => {
  const text = `receivers:
  otlp:
    protocols:
      http: {}
processors:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 20
  batch: {}
exporters:
  otlphttp/dead:
    endpoint: http://127.0.0.1:9
  debug: {}
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [otlphttp/dead, debug]
`;
  const g = graphOf('collector.yaml', text, false);
  // What collector 0.155.0 served on its telemetry endpoint after three OTLP/HTTP requests (trimmed).
  const reading = (failed: number, sent: number): string => `# HELP otelcol_receiver_accepted_metric_points x
# TYPE otelcol_receiver_accepted_metric_points counter
otelcol_receiver_accepted_metric_points{receiver="otlp",transport="http"} ${sent}
otelcol_receiver_refused_metric_points{receiver="otlp",transport="http"} 0
otelcol_receiver_failed_metric_points{receiver="otlp",transport="http"} 0
otelcol_processor_incoming_items{otel_signal="metrics",processor="memory_limiter"} ${sent}
otelcol_processor_outgoing_items{otel_signal="metrics",processor="memory_limiter"} ${sent}
otelcol_exporter_queue_size{data_type="metrics",exporter="otlphttp/dead"} 0
otelcol_exporter_send_failed_metric_points{error_permanent="false",error_type="_OTHER",exporter="otlphttp/dead",server_address="127.0.0.1",server_port="9",url_path="/v1/metrics"} ${failed}
otelcol_exporter_sent_metric_points{exporter="debug"} ${sent}
otelcol_exporter_sent_metric_points{exporter="otlphttp/dead",server_address="127.0.0.1",server_port="9",url_path="/v1/metrics"} 0
`;

  it('reads the exposition text, labels included', () => {
    const s = parseExposition(reading(3, 3));
    assert.equal(s.length, 9);
    assert.deepEqual(s[0], {
      name: 'otelcol_receiver_accepted_metric_points',
      labels: { receiver: 'otlp', transport: 'http' },
      value: 3,
    });
  });

  it('marks the exporter whose failures rise, and the ones data passes through', () => {
    const f = liveFigures(g, parseExposition(reading(9, 9)), parseExposition(reading(3, 3)));
    assert.equal(f['metrics|exporter|otlphttp/dead']?.health, 'failing');
    assert.equal(f['metrics|exporter|otlphttp/dead']?.failed, 9);
    assert.equal(f['metrics|exporter|debug']?.health, 'flowing');
    assert.equal(f['metrics|receiver|otlp']?.in, 9);
    assert.equal(f['metrics|processor|memory_limiter']?.out, 9);
    assert.equal(f['metrics|processor|batch']?.health, 'unknown');
  });

  it('calls a node idle when nothing passed since the last reading, and failing only while failures rise', () => {
    const f = liveFigures(g, parseExposition(reading(3, 3)), parseExposition(reading(3, 3)));
    assert.equal(f['metrics|receiver|otlp']?.health, 'idle');
    assert.equal(f['metrics|exporter|otlphttp/dead']?.health, 'idle');
  });

  it('reads names with a _total suffix too (as a Prometheus that added it would hold them)', () => {
    const s = parseExposition('otelcol_exporter_sent_metric_points_total{exporter="debug"} 4\n');
    assert.equal(liveFigures(g, s)['metrics|exporter|debug']?.in, 4);
  });
});

describe('pipeline view: the file and the cursor', () => {
  it('draws the config the cursor is in when a file holds two ConfigMaps', () => {
    const cm = (name: string, exporter: string): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data:
  relay: |
    receivers:
      otlp:
        protocols:
          grpc: {}
    exporters:
      ${exporter}: {}
    service:
      pipelines:
        traces:
          receivers: [otlp]
          exporters: [${exporter}]
`;
    const text = `${cm('first', 'debug')}---\n${cm('second', 'otlp')}`;
    const at = (line: number): string => {
      const v = pipelineViewAt('two.yaml', text, line);
      assert.ok(typeof v !== 'string');
      return v.title;
    };
    assert.equal(at(8), 'two.yaml (ConfigMap first, key relay)');
    assert.equal(at(28), 'two.yaml (ConfigMap second, key relay)');
  });

  it('says what to open when the file holds no collector config, and where YAML breaks', () => {
    assert.match(
      String(pipelineViewAt('deploy.yaml', 'apiVersion: v1\nkind: Service\n', 0)),
      /No collector config here/,
    );
    assert.match(
      String(pipelineViewAt('collector.yaml', 'receivers:\n  otlp: {\nexporters: [\n', 0)),
      /does not parse as YAML.*line \d+/,
    );
  });
});

describe('pipeline view: what the page may send', () => {
  it('accepts ready and open by node id, and nothing else', () => {
    assert.deepEqual(parsePipelinePageMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parsePipelinePageMessage({ type: 'open', node: 'metrics|exporter|debug' }), {
      type: 'open',
      node: 'metrics|exporter|debug',
    });
    for (const bad of [
      { type: 'open' },
      { type: 'open', node: '' },
      { type: 'open', node: 3 },
      { type: 'open', node: 'x', file: '/etc/passwd' },
      { type: 'open', node: 'x'.repeat(1001) },
      { type: 'run', command: 'rm' },
      null,
      'ready',
    ])
      assert.equal(parsePipelinePageMessage(bad), undefined, JSON.stringify(bad));
  });
});

describe('pipeline view: the layout', () => {
  it("places the demo's nodes left to right in their columns, inside their pipeline's band, never overlapping", () => {
    const v = pipelineViewAt('otelcol-config.yml', corpus('otel-demo-collector/otelcol-config.yml'), 0);
    assert.ok(typeof v !== 'string');
    const boxes = v.graph.nodes.map((n) => ({ n, b: v.layout.nodes[n.id]! }));
    for (const { n, b } of boxes) {
      const row = v.layout.rows[n.pipeline]!;
      assert.ok(b.y >= row.y && b.y + b.h <= row.y + row.h, `${n.id} inside its band`);
      assert.ok(b.x + b.w <= v.layout.width && b.y + b.h <= v.layout.height, `${n.id} inside the drawing`);
    }
    for (const e of v.graph.edges)
      assert.ok(v.layout.nodes[e.from]!.x < v.layout.nodes[e.to]!.x, `${e.from} → ${e.to}`);
    for (const a of boxes)
      for (const b of boxes)
        if (a !== b)
          assert.ok(
            a.b.x + a.b.w <= b.b.x || b.b.x + b.b.w <= a.b.x || a.b.y + a.b.h <= b.b.y || b.b.y + b.b.h <= a.b.y,
            `${a.n.id} and ${b.n.id} overlap`,
          );
  });
});
