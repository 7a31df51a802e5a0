// The OpenTelemetry Collector chart's facts (read from its source at the pinned version and
// rendered with real helm 4.3.1 while recording them), and the lab's Helm path built on them.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { versions } from '../../src/core/facts';
import {
  checkCollectorValues,
  describeHelmFailure,
  helmSteps,
  otelCollectorSource,
  type HelmReleaseSpec,
} from '../../src/core/helm/helm';
import {
  collectorChart,
  collectorChartFacts,
  defaultConfig,
  defaultPorts,
  effectiveConfig,
  fullname,
  missingRequiredValues,
  selectorLabels,
  serviceLabels,
  serviceMonitorOf,
  servicePorts,
  type Values,
} from '../../src/core/helm/collectorChart';
import { lint } from '../../src/core/lint/engine';
import { labCollectorSetFlags } from '../fixtures/findingExamples';
import { realChartDir, realCharts } from '../harness/helm';
import { renderLab } from '../support/lab';

const valuesPath = 'helm/otel-collector-values.yaml';
const scaffolded = (): { text: string; values: Values } => {
  const file = renderLab().get(valuesPath);
  assert.ok(file, `the lab has ${valuesPath}`);
  return { text: file.content, values: parse(file.content) as Values };
};

describe('collector chart: the recorded facts', () => {
  it('pins chart 0.164.1, whose appVersion is the collector the lab pins', () => {
    assert.equal(collectorChart.version, '0.164.1');
    assert.equal(versions.collectorChart, '0.164.1');
    assert.equal(collectorChart.appVersion, versions.collector);
    assert.equal(collectorChart.sourceCommit, 'f143fb4375ff6cbf98b91fe725e25ad8ecf414e7');
    for (const f of collectorChartFacts)
      assert.ok(f.source.length > 0 && f.truth.length > 0, `${f.id} names its source`);
  });

  it('fails without mode and image.repository, as NOTES.txt does', () => {
    assert.deepEqual(
      missingRequiredValues({}).map((m) => m.path),
      ['mode', 'image.repository'],
    );
    assert.deepEqual(
      missingRequiredValues({ mode: 'deployment', image: { repository: 'otel/opentelemetry-collector-contrib' } }),
      [],
    );
    assert.deepEqual(
      missingRequiredValues({
        mode: 'deployment',
        image: { repository: 'x' },
        config: { service: { extensions: ['pprof'] } },
      }).map((m) => m.path),
      ['config.service.extensions'],
    );
  });

  it('names the Service <release>-opentelemetry-collector unless fullnameOverride is set', () => {
    assert.equal(fullname('otel-collector', {}), 'otel-collector-opentelemetry-collector');
    assert.equal(fullname('my-opentelemetry-collector', {}), 'my-opentelemetry-collector');
    assert.equal(fullname('otel-collector', { fullnameOverride: 'otel-collector' }), 'otel-collector');
  });

  it('labels the Service with the chart labels, never app: otel-collector (helm template, mode deployment)', () => {
    const values = { mode: 'deployment' };
    assert.deepEqual(selectorLabels('otel-collector', values), {
      'app.kubernetes.io/name': 'opentelemetry-collector',
      'app.kubernetes.io/instance': 'otel-collector',
      component: 'standalone-collector',
    });
    assert.deepEqual(serviceLabels('otel-collector', values), {
      'helm.sh/chart': 'opentelemetry-collector-0.164.1',
      'app.kubernetes.io/name': 'opentelemetry-collector',
      'app.kubernetes.io/instance': 'otel-collector',
      'app.kubernetes.io/version': '0.155.0',
      'app.kubernetes.io/managed-by': 'Helm',
      'app.kubernetes.io/part-of': 'opentelemetry-collector',
      'app.kubernetes.io/component': 'standalone-collector',
      component: 'standalone-collector',
    });
  });

  it('exposes 4317, 4318, 6831, 14250, 14268 and 9411 by default: not 8888 (disabled), not 8889 (absent)', () => {
    const ports = servicePorts({ mode: 'deployment' });
    assert.deepEqual(
      ports.map((p) => `${p.name}:${p.port}`),
      ['jaeger-compact:6831', 'jaeger-grpc:14250', 'jaeger-thrift:14268', 'otlp:4317', 'otlp-http:4318', 'zipkin:9411'],
    );
    assert.equal(defaultPorts['metrics']?.containerPort, 8888);
    assert.equal(defaultPorts['metrics']?.enabled, false);
  });

  it('renders a ServiceMonitor only when enabled, with no release label of its own, scraping port metrics', () => {
    assert.equal(serviceMonitorOf('otel-collector', { mode: 'deployment' }), undefined);
    const sm = serviceMonitorOf('otel-collector', { mode: 'deployment', serviceMonitor: { enabled: true } });
    assert.ok(sm);
    assert.equal(sm.labels['release'], undefined);
    assert.deepEqual(sm.endpointPorts, ['metrics']);
    assert.deepEqual(sm.matchLabels, selectorLabels('otel-collector', { mode: 'deployment' }));
  });

  it("merges config with its defaults: the lab's --set flags define a prometheus exporter no pipeline uses", () => {
    const config = effectiveConfig(parse(labCollectorSetFlags) as Values) as typeof defaultConfig & {
      exporters: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(config.exporters).sort(), ['debug', 'prometheus']);
    assert.deepEqual(config.service.pipelines.metrics.exporters, ['debug']);
    assert.deepEqual(Object.keys(config.receivers).sort(), ['jaeger', 'otlp', 'prometheus', 'zipkin']);
    assert.equal(config.receivers.otlp.protocols.grpc.endpoint, '0.0.0.0:4317');
    assert.equal(config.receivers.otlp.protocols.http.endpoint, '${env:MY_POD_IP}:4318');
    assert.deepEqual(config.service.telemetry.metrics.readers, [
      { pull: { exporter: { prometheus: { host: '${env:MY_POD_IP}', port: 8888 } } } },
    ]);
  });
});

describe('collector chart: the scaffolded values', () => {
  it('sets what the chart requires: mode deployment and the pinned contrib image', () => {
    const { values } = scaffolded();
    assert.deepEqual(missingRequiredValues(values), []);
    assert.equal(values['mode'], 'deployment');
    assert.deepEqual(values['image'], { repository: 'otel/opentelemetry-collector-contrib', tag: versions.collector });
    assert.equal(
      `${String((values['image'] as Record<string, unknown>)['repository'])}:${String((values['image'] as Record<string, unknown>)['tag'])}`,
      versions.collectorImage,
    );
  });

  it('keeps the Service name otel-collector that the app exports to', () => {
    assert.equal(fullname(collectorChart.labRelease, scaffolded().values), 'otel-collector');
  });

  it('exposes 8889 as metrics and 8888 as telemetry, and OTLP gRPC on 4317', () => {
    const ports = servicePorts(scaffolded().values);
    assert.deepEqual(
      ports.map((p) => `${p.name}:${p.port}->${p.targetPort}`),
      ['metrics:8889->8889', 'otlp:4317->4317', 'otlp-http:4318->4318', 'telemetry:8888->8888'],
    );
  });

  it("gives a ServiceMonitor labelled release: <kube-prometheus-stack release> that selects the chart's Service and its ports", () => {
    for (const helmRelease of ['prometheus', 'kps']) {
      const values = parse(renderLab({ helmRelease }).get(valuesPath)?.content ?? '') as Values;
      const sm = serviceMonitorOf(collectorChart.labRelease, values);
      assert.ok(sm, 'the chart renders a ServiceMonitor');
      assert.equal(sm.labels['release'], helmRelease);
      const labels = serviceLabels(collectorChart.labRelease, values);
      for (const [k, v] of Object.entries(sm.matchLabels)) assert.equal(labels[k], v, `the Service has ${k}=${v}`);
      const names = servicePorts(values).map((p) => p.name);
      assert.deepEqual(sm.endpointPorts, ['metrics', 'telemetry']);
      for (const p of sm.endpointPorts) assert.ok(names.includes(p), `the Service has port ${p}`);
    }
  });

  it("runs the custom path's pipeline: OTLP in on 0.0.0.0:4317, prometheus on 0.0.0.0:8889, telemetry readers on 0.0.0.0:8888, traces to debug", () => {
    const c = effectiveConfig(scaffolded().values) as Record<string, Record<string, unknown>>;
    assert.deepEqual(
      Object.keys(c['receivers'] ?? {}),
      ['otlp'],
      'jaeger, zipkin and the self-scrape are removed with null',
    );
    assert.equal(
      (c['receivers']?.['otlp'] as { protocols: { grpc: { endpoint: string } } }).protocols.grpc.endpoint,
      '0.0.0.0:4317',
    );
    assert.equal((c['exporters']?.['prometheus'] as { endpoint: string }).endpoint, '0.0.0.0:8889');
    const service = c['service'] as {
      telemetry: { metrics: { readers: unknown[] } };
      extensions: string[];
      pipelines: Record<string, { receivers: string[]; exporters: string[] }>;
    };
    assert.deepEqual(service.telemetry.metrics.readers, [
      { pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888 } } } },
    ]);
    assert.deepEqual(service.extensions, ['health_check']);
    assert.deepEqual(service.pipelines['metrics']?.exporters, ['prometheus']);
    assert.deepEqual(service.pipelines['traces']?.exporters, ['debug']);
  });

  it('lints clean, and so does the whole scaffolded lab', () => {
    assert.deepEqual(checkCollectorValues(scaffolded().text), []);
    const all = [...renderLab().values()].map((f) => ({ file: f.path, text: f.content }));
    assert.deepEqual(
      lint(all, { labRules: true })
        .filter((f) => f.severity !== 'info')
        .map((f) => `${f.file}: ${f.code}`),
      [],
    );
  });
});

describe("collector chart: the lint rules on the lab's --set flags", () => {
  const findings = checkCollectorValues(labCollectorSetFlags, { file: 'values.yaml' });
  const codes = findings.map((f) => f.code).sort();

  it('says the chart fails without image.repository, unused prometheus exporter, and neither 8888 nor 8889 exposed', () => {
    assert.deepEqual(codes, [
      'collector/unused-component',
      'helm/missing-required-value',
      'helm/port-not-exposed',
      'helm/port-not-exposed',
    ]);
    assert.match(findings.find((f) => f.code === 'helm/missing-required-value')?.message ?? '', /image\.repository/);
    assert.match(findings.find((f) => f.code === 'collector/unused-component')?.message ?? '', /exporter 'prometheus'/);
  });

  it("points at the file's own lines (the header added for recognition is not counted)", () => {
    const unused = findings.find((f) => f.code === 'collector/unused-component');
    assert.equal(labCollectorSetFlags.split('\n')[unused?.range?.start.line ?? -1]?.trim(), 'prometheus:');
  });

  it("tells the app's endpoint which Service name the chart makes, and flags the custom ServiceMonitors against the chart's labels", () => {
    const lab = renderLab();
    const text = (p: string): string => lab.get(p)?.content ?? '';
    const all = lint(
      [
        { file: 'helm/otel-collector-values.yaml', text: labCollectorSetFlags },
        { file: 'k8s/app.yaml', text: text('k8s/app.yaml') },
        { file: 'k8s/otel-servicemonitors.yaml', text: text('k8s/otel-servicemonitors.yaml') },
      ],
      { labRules: true },
    );
    assert.match(
      all.find((f) => f.code === 'k8s/otlp-endpoint-unresolved')?.message ?? '',
      /otel-collector-opentelemetry-collector.*fullnameOverride: otel-collector/,
    );
    const mismatch = all.filter((f) => f.code === 'servicemonitor/chart-service-labels');
    assert.equal(mismatch.length, 2);
    assert.match(
      mismatch[0]?.message ?? '',
      /app=otel-collector \(the custom path's label\).*app\.kubernetes\.io\/name=opentelemetry-collector, app\.kubernetes\.io\/instance=otel-collector, component=standalone-collector/,
    );
  });

  it('reports an unknown key by whether helm refuses it (closed schema) or ignores it', () => {
    const closed = checkCollectorValues(
      'mode: deployment\nimage:\n  repository: otel/opentelemetry-collector-contrib\nreplicas: 2\n',
    );
    assert.match(
      closed.find((f) => f.code === 'helm/unknown-value')?.message ?? '',
      /helm refuses the install.*Did you mean replicaCount/,
    );
    const open = checkCollectorValues(
      'mode: deployment\nimage:\n  repository: otel/opentelemetry-collector-contrib\nserviceMonitor:\n  enabled: false\n  labels:\n    release: prometheus\n',
    );
    assert.match(
      open.find((f) => f.code === 'helm/unknown-value')?.message ?? '',
      /ignores it silently.*serviceMonitor\.extraLabels/,
    );
  });
});

describe('collector chart: the Helm step', () => {
  it("installs open-telemetry/opentelemetry-collector at the pinned version with the lab's values", () => {
    const spec: HelmReleaseSpec = {
      release: 'otel-collector',
      namespace: 'monitoring',
      chart: otelCollectorSource(),
      valuesFiles: ['helm/otel-collector-values.yaml'],
    };
    const steps = helmSteps(spec);
    assert.deepEqual(steps[0]?.args, [
      'repo',
      'add',
      'open-telemetry',
      'https://open-telemetry.github.io/opentelemetry-helm-charts',
    ]);
    assert.deepEqual(steps[2]?.args, [
      'upgrade',
      '--install',
      'otel-collector',
      'open-telemetry/opentelemetry-collector',
      '--namespace',
      'monitoring',
      '--create-namespace',
      '--labels',
      'obslab.dev/lab=true',
      '--values',
      'helm/otel-collector-values.yaml',
      '--version',
      '0.164.1',
      '--wait',
      '--timeout',
      '10m',
    ]);
  });

  it("explains the chart's own fail (helm 4.3.1's words for the lab's --set flags)", () => {
    const out =
      "Error: execution error at (opentelemetry-collector/templates/NOTES.txt:2:3): [ERROR] 'image.repository' must be set. See https://github.com/open-telemetry/opentelemetry-helm-charts/blob/main/charts/opentelemetry-collector/UPGRADING.md for instructions.\n";
    const f = describeHelmFailure(out, {
      release: 'otel-collector',
      namespace: 'monitoring',
      chart: 'open-telemetry/opentelemetry-collector',
    });
    assert.equal(f.kind, 'values-schema');
    assert.match(f.message, /'image\.repository' must be set.*NOTES\.txt/);
  });
});

describe("the collector chart's ConfigMap name by mode, read from the real chart", () => {
  it('is the fullname in deployment mode, -agent for a daemonset and -statefulset for a statefulset, as the fact says', async () => {
    const chart = await realChartDir(realCharts.collector);
    const fact = collectorChartFacts.find((f) => f.id === 'service-name');
    assert.ok(fact);
    for (const [file, suffix] of [
      ['configmap.yaml', ''],
      ['configmap-agent.yaml', '-agent'],
      ['configmap-statefulset.yaml', '-statefulset'],
    ] as const) {
      const text = readFileSync(join(chart, 'templates', file), 'utf8');
      assert.match(
        text,
        new RegExp(`name: \\{\\{ include "opentelemetry-collector\\.fullname" \\. \\}\\}${suffix}\\n`),
      );
      if (suffix) assert.ok(fact.truth.includes(`<fullname>${suffix}`), `the fact names <fullname>${suffix}`);
    }
  });
});
