// The doctor over a collector the open-telemetry/opentelemetry-collector Helm chart installed: the
// Service, its labels and ports, the ServiceMonitor and the config are what the chart renders for
// the lab's values (src/core/helm/collectorChart.ts), not the custom path's otel-collector names.
import { strict as assert } from 'node:assert';
import { parse, stringify } from 'yaml';
import { collectorEndpoints, runDoctor } from '../../src/core/doctor/chain';
import { doctorCodes } from '../../src/core/doctor/codes';
import type { DoctorSnapshot } from '../../src/core/doctor/snapshot';
import { commandText } from '../../src/core/doctor/text';
import {
  collectorChart,
  effectiveConfig,
  fullname,
  serviceLabels,
  serviceMonitorOf,
  servicePorts,
  type Values,
} from '../../src/core/helm/collectorChart';
import { renderLab } from '../support/lab';

const release = collectorChart.labRelease;

/** The lab's values as the lab text installs them: without our fullnameOverride, so the chart's own names apply. */
function chartValues(edit: (v: Values) => void = () => undefined): Values {
  const file = renderLab().get('helm/otel-collector-values.yaml');
  assert.ok(file);
  const v = parse(file.content) as Values;
  delete v['fullnameOverride'];
  edit(v);
  return v;
}

function chartSnapshot(values: Values): DoctorSnapshot {
  const name = fullname(release, values);
  const sm = serviceMonitorOf(release, values);
  const ports = servicePorts(values);
  const ns = 'monitoring';
  const target = (endpoint: string, port: number) => ({
    scrapePool: `serviceMonitor/${ns}/${name}/0`,
    scrapeUrl: `http://10.0.0.7:${port}/metrics`,
    health: 'up' as const,
    lastError: '',
    lastScrape: '',
    labels: { service: name, namespace: ns, endpoint },
  });
  return {
    mode: 'cluster',
    takenAt: 0,
    lab: {
      appNamespace: 'app',
      monitoringNamespace: ns,
      helmRelease: 'prometheus',
      prometheusServiceAccount: 'prometheus-sa',
      collectorService: 'otel-collector',
      portNames: { telemetry: 'telemetry', metrics: 'metrics' },
    },
    app: {
      object: 'Deployment app/otel-flask',
      namespace: 'app',
      pods: [{ name: 'otel-flask-1', ready: true, phase: 'Running' }],
      otlpEndpoint: `http://${name}.${ns}.svc.cluster.local:4317`,
      otlpEndpointSource: 'env',
    },
    collector: {
      object: `Deployment ${ns}/${name} (Helm release ${release})`,
      workload: `deployment/${name}`,
      helmRelease: release,
      pods: [{ name: `${name}-1`, ready: true, phase: 'Running' }],
      service: {
        namespace: ns,
        name,
        labels: serviceLabels(release, values),
        ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort })),
        readyEndpoints: 1,
      },
      otherServices: [],
      configText: stringify(effectiveConfig(values)),
      configSource: `ConfigMap ${ns}/${name}, key relay`,
      configMap: { namespace: ns, name, key: 'relay' },
      version: collectorChart.appVersion,
    },
    prometheusObject: {
      namespace: ns,
      name: 'prometheus-kube-prometheus-prometheus',
      serviceMonitorSelector: { matchLabels: { release: 'prometheus' } },
      serviceMonitorNamespaceSelector: {},
      serviceAccountName: 'prometheus-sa',
      pods: [{ name: 'prometheus-0', ready: true, phase: 'Running', serviceAccountName: 'prometheus-sa' }],
    },
    serviceMonitors: sm
      ? [
          {
            namespace: ns,
            name: sm.name,
            labels: sm.labels,
            selector: { matchLabels: sm.matchLabels },
            endpoints: sm.endpointPorts.map((port) => ({ port })),
          },
        ]
      : [],
    prometheus: {
      url: 'http://127.0.0.1:9090',
      targets: ports.filter((p) => p.port === 8888 || p.port === 8889).map((p) => target(p.name, p.port)),
      metricNames: ['up', 'http_server_request_duration_seconds_count', 'otelcol_receiver_accepted_metric_points'],
      appSeries: ['http_server_request_duration_seconds_count'],
      acceptedPointsIncrease: 12,
      freshnessWindow: '3m',
    },
    queries: {
      source: 'template',
      queries: [{ title: 'rate', expr: 'sum(rate(http_server_request_duration_seconds_count[30s]))' }],
    },
    unavailable: { iam: 'no role given' },
  };
}

describe('doctor: a collector installed by the opentelemetry-collector Helm chart', () => {
  it("follows the chart's Service (<release>-opentelemetry-collector), labels and port names to a healthy report", () => {
    const values = chartValues();
    const s = chartSnapshot(values);
    assert.equal(s.collector?.service?.name, 'otel-collector-opentelemetry-collector');
    assert.deepEqual(collectorEndpoints(s), {
      service: 'otel-collector-opentelemetry-collector',
      telemetry: 'telemetry',
      metrics: 'metrics',
    });
    const r = runDoctor(s);
    assert.equal(
      r.healthy,
      true,
      JSON.stringify(
        r.links.filter((l) => l.status !== 'passed' && l.status !== 'skipped').map((l) => [l.id, l.detail]),
      ),
    );
    assert.equal(r.links.find((l) => l.id === 'servicemonitor-selected')?.status, 'passed');
    assert.equal(r.links.find((l) => l.id === 'targets')?.status, 'passed');
  });

  it('names the chart\'s own telemetry port "metrics" as the telemetry endpoint when the values keep the chart\'s port names', () => {
    const values = chartValues((v) => {
      // The chart's default: "metrics" is the collector's own 8888; the exporter gets a port of its own.
      v['ports'] = {
        metrics: { enabled: true },
        'prom-exporter': { enabled: true, containerPort: 8889, servicePort: 8889, protocol: 'TCP' },
      };
      v['serviceMonitor'] = {
        enabled: true,
        extraLabels: { release: 'prometheus' },
        metricsEndpoints: [{ port: 'metrics' }, { port: 'prom-exporter' }],
      };
    });
    const s = chartSnapshot(values);
    assert.deepEqual(collectorEndpoints(s), {
      service: 'otel-collector-opentelemetry-collector',
      telemetry: 'metrics',
      metrics: 'prom-exporter',
    });
    assert.equal(runDoctor(s).healthy, true);
  });

  it("names the app still exporting to the custom path's otel-collector as the cause, expecting the chart's Service", () => {
    const s = chartSnapshot(chartValues());
    s.app!.otlpEndpoint = 'http://otel-collector.monitoring.svc.cluster.local:4317';
    const r = runDoctor(s);
    assert.equal(r.cause?.code, doctorCodes.otlpEndpoint);
    const f = r.links.find((l) => l.id === 'otlp-endpoint')?.findings[0];
    assert.match(f?.message ?? '', /monitoring\/otel-collector, which does not exist/);
    assert.equal(
      f?.evidence[0]?.expected,
      'http://otel-collector-opentelemetry-collector.monitoring.svc.cluster.local:4317',
    );
    assert.ok(f?.remedies.some((x) => x.kind === 'command' && /set env deploy\/otel-flask/.test(commandText(x))));
  });

  it("names the chart's ServiceMonitor without the release label (the chart adds none by default) as not selected", () => {
    const s = chartSnapshot(chartValues((v) => ((v['serviceMonitor'] as Values)['extraLabels'] = {})));
    const r = runDoctor(s);
    assert.equal(r.cause?.code, doctorCodes.serviceMonitorNotSelected);
    const fix = r.links
      .find((l) => l.id === 'servicemonitor-selected')
      ?.findings[0]?.remedies.find((x) => x.kind === 'command');
    assert.ok(fix?.kind === 'command');
    assert.match(commandText(fix), /label servicemonitor otel-collector-opentelemetry-collector release=prometheus/);
  });

  it("offers the ConfigMap the chart wrote and a restart of the chart's workload for a config error", () => {
    const values = chartValues();
    const s = chartSnapshot(values);
    const cfg = effectiveConfig(values) as { service: { telemetry: { metrics: unknown } } };
    cfg.service.telemetry.metrics = { address: '0.0.0.0:8888' };
    s.collector!.configText = stringify(cfg);
    const r = runDoctor(s);
    assert.equal(
      r.cause?.code,
      doctorCodes.telemetryAddress,
      JSON.stringify(r.links.map((l) => [l.id, l.status, l.detail])),
    );
    const cmds = r.links
      .find((l) => l.id === 'collector-config')
      ?.findings[0]?.remedies.filter((x) => x.kind === 'command');
    const texts = cmds?.map((x) => (x.kind === 'command' ? commandText(x) : '')) ?? [];
    // The edit opens an editor, so it is a fix of its own in a real terminal; the restart follows it.
    assert.ok(
      cmds?.some(
        (x) =>
          x.kind === 'command' &&
          x.interactive &&
          /edit configmap otel-collector-opentelemetry-collector$/.test(commandText(x)),
      ),
      JSON.stringify(texts),
    );
    assert.ok(
      texts.some((c) =>
        /^kubectl -n monitoring rollout restart deployment\/otel-collector-opentelemetry-collector$/.test(c),
      ),
      JSON.stringify(texts),
    );
  });
});
