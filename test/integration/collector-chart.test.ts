// The lab's Helm path for the collector with the real open-telemetry/opentelemetry-collector 0.164.1
// chart (test/harness/helm.ts realChartDir), installed by the real helm into the local control plane
// beside the real kube-prometheus-stack 88.5.3 (release prometheus) with prometheus-operator 0.93.1
// running: the facts in src/core/helm/collectorChart.ts are checked against what the chart renders
// and creates, and the operator itself says whether the chart's ServiceMonitor is scraped. The
// chart's own examples are rendered too, so the facts hold beyond the lab's values.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import {
  collectorChart,
  effectiveConfig,
  fullname,
  selectorLabels,
  serviceEnabled,
  serviceLabels,
  serviceMonitorOf,
  servicePorts,
  type Values,
} from '../../src/core/helm/collectorChart';
import { checkCollectorValues, describeHelmFailure, helmSteps, type HelmReleaseSpec } from '../../src/core/helm/helm';
import type { DoctorReport } from '../../src/core/doctor/report';
import { kubePrometheusStackNames } from '../../src/core/kube/kubePrometheusStackNames';
import { labelSelectorString } from '../../src/core/kube/selectors';
import { lint } from '../../src/core/lint/engine';
import { doctor } from '../../src/node/doctor';
import { runHelm, runHelmSteps } from '../../src/node/helm/helm';
import { labCollectorSetFlags } from '../fixtures/findingExamples';
import { helmBin, helmHomeEnv, helmVersions, installHelm, realChartDir, realCharts } from '../harness/helm';
import type { RunningKube } from '../harness/kube';
import { run } from '../harness/lib';
import { installOperator, startOperator, type RunningOperator } from '../harness/operator';
import { sharedKube, uniqueNamespace } from '../support/kube';
import { applyChartCrds, eventually, labNamespace, scrapeJobs } from '../support/kubePrometheusStack';
import { renderLab } from '../support/lab';

const RELEASE = collectorChart.labRelease;
const HELM_RELEASE = 'prometheus';

interface Meta {
  name: string;
  labels?: Record<string, string>;
}
interface Service {
  metadata: Meta;
  spec: {
    ports: { name: string; port: number; targetPort: number | string; protocol?: string }[];
    selector: Record<string, string>;
  };
}
interface ServiceMonitor {
  metadata: Meta;
  spec: { selector: { matchLabels?: Record<string, string> }; endpoints: { port?: string }[] };
}
interface Workload {
  kind?: string;
  metadata: Meta;
  spec: { template: { spec: { volumes?: { configMap?: { name: string; items?: { key: string }[] } }[] } } };
}
interface Obj {
  kind?: string;
  metadata?: Meta;
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

const sorted = (r: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(r ?? {}).sort(([a], [b]) => a.localeCompare(b)));

/** The collector config as the chart writes it, without the telemetry resource attributes the facts leave out. */
function comparableConfig(config: unknown): unknown {
  const c = structuredClone(config) as { service?: { telemetry?: { resource?: unknown } } };
  delete c.service?.telemetry?.resource;
  const sortDeep = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(sortDeep)
      : x !== null && typeof x === 'object'
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, sortDeep((x as Record<string, unknown>)[k])]),
          )
        : x;
  return sortDeep(c);
}

describe("the collector's Helm path: the real open-telemetry/opentelemetry-collector 0.164.1 beside kube-prometheus-stack 88.5.3 and its operator", function () {
  this.timeout(15 * 60_000);

  let kube: RunningKube;
  let operator: RunningOperator | undefined;
  let chartDir = '';
  let home = '';
  let env: NodeJS.ProcessEnv = {};
  let values = '';
  let ns = '';
  const namespaces: string[] = [];
  const bin = (): string => helmBin(helmVersions.current);
  const labValues = (): string =>
    renderLab({ helmRelease: HELM_RELEASE }).get('helm/otel-collector-values.yaml')?.content ?? '';

  before(async function () {
    this.timeout(60 * 60_000);
    await installHelm(helmVersions.current, true);
    await installOperator(true);
    chartDir = await realChartDir(realCharts.collector);
    const stack = await realChartDir(realCharts.kubePrometheusStack);
    kube = await sharedKube();
    home = mkdtempSync(join(tmpdir(), 'obslab-collector-chart-it-'));
    env = { ...helmHomeEnv(home), KUBECONFIG: kube.kubeconfig };
    values = join(home, 'otel-collector-values.yaml');
    writeFileSync(values, labValues());
    await applyChartCrds(kube, stack);
    ns = await labNamespace(kube, 'otelchart');
    namespaces.push(ns);
    operator = await startOperator(kube, { namespaces: [ns] });
    // Task 2 as the lab does it: kube-prometheus-stack with the scaffolded values, Prometheus as prometheus-sa.
    const kpsValues = join(home, 'kube-prometheus-stack-values.yaml');
    writeFileSync(
      kpsValues,
      renderLab({ helmRelease: HELM_RELEASE }).get('helm/kube-prometheus-stack-values.yaml')?.content ?? '',
    );
    const kps = await runHelmSteps(
      bin(),
      helmSteps({
        release: HELM_RELEASE,
        namespace: ns,
        chart: { kind: 'path', path: stack },
        valuesFiles: [kpsValues],
        kubeconfig: kube.kubeconfig,
        timeout: '5m',
      }),
      { env },
    );
    assert.ok(kps.ok, kps.ok ? '' : kps.run.output);
  });

  after(async function () {
    this.timeout(180_000);
    for (const n of namespaces) {
      for (const r of [RELEASE, HELM_RELEASE])
        await runHelm(bin(), ['uninstall', r, '--namespace', n, '--kubeconfig', kube.kubeconfig], { env }).catch(
          () => undefined,
        );
      await kube.kubectl(['delete', 'namespace', n, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    }
    await operator?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  function spec(namespace: string, file: string): HelmReleaseSpec {
    return {
      release: RELEASE,
      namespace,
      chart: { kind: 'path', path: chartDir },
      valuesFiles: [file],
      kubeconfig: kube.kubeconfig,
      timeout: '2m',
    };
  }

  async function getJson<T>(path: string): Promise<T> {
    const r = await kube.get(path);
    assert.equal(r.status, 200, `GET ${path}: ${r.status} ${r.body.slice(0, 300)}`);
    return JSON.parse(r.body) as T;
  }

  it("the chart's own examples render the Service, ports, ServiceMonitor and ConfigMap key the recorded facts predict", async () => {
    const examples = join(chartDir, 'examples');
    const files = existsSync(examples)
      ? readdirSync(examples)
          .map((d) => join(examples, d, 'values.yaml'))
          .filter((f) => existsSync(f))
      : [];
    assert.ok(files.length >= 10, `the chart has its examples/ folder (${files.length} values files)`);
    for (const file of [values, ...files]) {
      const at = file === values ? 'the scaffolded values' : file.slice(examples.length + 1);
      const v = parse(readFileSync(file, 'utf8')) as Values;
      const out = await run(helmBin(), ['template', RELEASE, chartDir, '--namespace', 'monitoring', '--values', file], {
        env,
        timeoutMs: 120_000,
      });
      const objects = parseAllDocuments(out)
        .map((d) => d.toJS() as Obj | null)
        .filter((o): o is Obj => o !== null && typeof o === 'object');
      const svc = objects.find((o) => o.kind === 'Service' && !o.metadata?.name.endsWith('-headless'));
      assert.equal(svc !== undefined, serviceEnabled(v), `${at}: a Service or none`);
      if (svc) {
        const s = svc as unknown as Service;
        assert.equal(s.metadata.name, fullname(RELEASE, v), `${at}: Service name`);
        assert.deepEqual(sorted(s.metadata.labels), sorted(serviceLabels(RELEASE, v)), `${at}: Service labels`);
        assert.deepEqual(sorted(s.spec.selector), sorted(selectorLabels(RELEASE, v)), `${at}: Service selector`);
        assert.deepEqual(
          s.spec.ports.map((p) => `${p.name}:${p.port}->${String(p.targetPort)}/${p.protocol ?? 'TCP'}`).sort(),
          servicePorts(v)
            .map((p) => `${p.name}:${p.port}->${p.targetPort}/${p.protocol}`)
            .sort(),
          `${at}: Service ports`,
        );
      }
      const sm = objects.find((o) => o.kind === 'ServiceMonitor') as unknown as ServiceMonitor | undefined;
      const predicted = serviceMonitorOf(RELEASE, v);
      assert.equal(sm !== undefined, predicted !== undefined, `${at}: a ServiceMonitor or none`);
      if (sm && predicted) {
        assert.equal(sm.metadata.name, predicted.name, at);
        assert.deepEqual(sorted(sm.metadata.labels), sorted(predicted.labels), `${at}: ServiceMonitor labels`);
        assert.deepEqual(sorted(sm.spec.selector.matchLabels), sorted(predicted.matchLabels), at);
        assert.deepEqual(
          sm.spec.endpoints.map((e) => e.port),
          predicted.endpointPorts,
          at,
        );
      }
      // The doctor reads the collector config from the key the workload's ConfigMap volume projects.
      const workload = objects.find((o) => ['Deployment', 'DaemonSet', 'StatefulSet'].includes(o.kind ?? '')) as
        Workload | undefined;
      const volume = workload?.spec.template.spec.volumes?.find((x) => x.configMap)?.configMap;
      assert.equal(volume?.items?.[0]?.key, 'relay', `${at}: the workload mounts the ConfigMap's relay key`);
      const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === volume?.name);
      const own = (v['configMap'] as { create?: boolean } | undefined)?.create !== false;
      assert.equal(configMap !== undefined, own, `${at}: the ConfigMap ${volume?.name ?? ''}`);
      // effectiveConfig models config and alternateConfig only: presets and internalTelemetryViaOTLP add to what the chart writes.
      if (configMap && !v['presets'] && !v['internalTelemetryViaOTLP'])
        assert.deepEqual(
          comparableConfig(parse(configMap.data?.['relay'] ?? '')),
          comparableConfig(effectiveConfig(v)),
          `${at}: the collector config the chart writes`,
        );
    }
  });

  it('installs with the scaffolded values: a Service named otel-collector, labelled as the recorded facts say, with metrics 8889 and telemetry 8888', async () => {
    assert.deepEqual(checkCollectorValues(labValues()), [], 'our own checks pass first');
    const r = await runHelmSteps(bin(), helmSteps(spec(ns, values)), { env });
    assert.ok(r.ok, r.ok ? '' : r.run.output);

    const svc = await getJson<Service>(`/api/v1/namespaces/${ns}/services/otel-collector`);
    const v = parse(labValues()) as Values;
    for (const [k, want] of Object.entries(serviceLabels(RELEASE, v)))
      assert.equal(svc.metadata.labels?.[k], want, `Service label ${k}`);
    assert.equal(svc.metadata.labels?.['app'], undefined, 'never app: otel-collector');
    const byName = Object.fromEntries(svc.spec.ports.map((p) => [p.name, p.port]));
    assert.equal(byName['metrics'], 8889);
    assert.equal(byName['telemetry'], 8888);
    assert.equal(byName['otlp'], 4317);
    assert.deepEqual(
      svc.spec.ports.map((p) => p.name).sort(),
      servicePorts(v)
        .map((p) => p.name)
        .sort(),
      'the ports the facts predict, no more',
    );
  });

  it('its ConfigMap holds the relay config the workload mounts, the config the facts predict, and it lints clean', async () => {
    assert.ok(ns, 'the install ran');
    const dep = await getJson<Workload>(`/apis/apps/v1/namespaces/${ns}/deployments/otel-collector`);
    const volume = dep.spec.template.spec.volumes?.find((x) => x.configMap)?.configMap;
    assert.equal(volume?.name, 'otel-collector');
    assert.equal(volume.items?.[0]?.key, 'relay');
    const cm = await getJson<{ data?: Record<string, string> }>(`/api/v1/namespaces/${ns}/configmaps/otel-collector`);
    const relay = cm.data?.['relay'] ?? '';
    assert.deepEqual(comparableConfig(parse(relay)), comparableConfig(effectiveConfig(parse(labValues()) as Values)));
    assert.deepEqual(
      lint([{ file: 'relay.yaml', text: relay }])
        .filter((f) => f.severity !== 'info')
        .map((f) => `${f.code}: ${f.message}`),
      [],
    );
  });

  it('its ServiceMonitor carries release: prometheus, the API server selects the collector Service with its selector, and the operator scrapes both its endpoints', async () => {
    assert.ok(ns, 'the install ran');
    const sm = await getJson<ServiceMonitor>(
      `/apis/monitoring.coreos.com/v1/namespaces/${ns}/servicemonitors/otel-collector`,
    );
    assert.equal(sm.metadata.labels?.['release'], HELM_RELEASE);
    const selector = labelSelectorString(sm.spec.selector);
    const selected = await getJson<{ items: Service[] }>(
      `/api/v1/namespaces/${ns}/services?labelSelector=${encodeURIComponent(selector)}`,
    );
    assert.deepEqual(
      selected.items.map((s) => s.metadata.name),
      ['otel-collector'],
    );
    const portNames = new Set(selected.items[0]?.spec.ports.map((p) => p.name));
    assert.deepEqual(
      sm.spec.endpoints.map((e) => e.port),
      ['metrics', 'telemetry'],
    );
    for (const e of sm.spec.endpoints)
      assert.ok(portNames.has(e.port ?? ''), `endpoint port ${e.port} is a Service port`);
    const prometheus = kubePrometheusStackNames(HELM_RELEASE).prometheus;
    await eventually(
      `the operator's configuration for ${prometheus} scrapes the chart's ServiceMonitor`,
      () => scrapeJobs(kube, ns, prometheus),
      (jobs) => [0, 1].every((i) => jobs.includes(`serviceMonitor/${ns}/otel-collector/${i}`)),
    );
  });

  it("the custom path's ServiceMonitors (app: otel-collector) select nothing on the Helm path, as servicemonitor/chart-service-labels says", async () => {
    assert.ok(ns, 'the install ran');
    const custom = parseAllDocuments(
      renderLab({ helmRelease: HELM_RELEASE }).get('k8s/otel-servicemonitors.yaml')?.content ?? '',
    ).map((d) => d.toJS() as ServiceMonitor);
    assert.ok(custom.length >= 1);
    for (const sm of custom) {
      const selector = labelSelectorString(sm.spec.selector);
      const selected = await getJson<{ items: Service[] }>(
        `/api/v1/namespaces/${ns}/services?labelSelector=${encodeURIComponent(selector)}`,
      );
      assert.deepEqual(selected.items, [], `${sm.metadata.name} (${selector}) selects no Service of the chart`);
    }
  });

  it('upgrading with the same values changes nothing but the revision', async () => {
    assert.ok(ns, 'the install ran');
    const before = await getJson<{ metadata: { resourceVersion: string } }>(
      `/api/v1/namespaces/${ns}/services/otel-collector`,
    );
    const r = await runHelmSteps(bin(), helmSteps(spec(ns, values)), { env });
    assert.ok(r.ok, r.ok ? '' : r.run.output);
    const after = await getJson<{ metadata: { resourceVersion: string } }>(
      `/api/v1/namespaces/${ns}/services/otel-collector`,
    );
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion, 'the Service was not rewritten');
  });

  /** The lab folder for the chart's namespace, and the app in a namespace of its own. */
  async function labBesideTheChart(): Promise<string> {
    const appNs = uniqueNamespace('otelchart-app');
    namespaces.push(appNs);
    const dir = mkdtempSync(join(home, 'lab-'));
    for (const f of renderLab({ helmRelease: HELM_RELEASE, appNamespace: appNs, monitoringNamespace: ns }).values()) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    await kube.kubectl(['create', 'namespace', appNs]);
    await kube.kubectl(['apply', '-f', join(dir, 'k8s', 'app.yaml')]);
    await kube.kubectl(['rollout', 'status', '-n', appNs, 'deployment/otel-flask', '--timeout=180s'], {
      timeoutMs: 200_000,
    });
    return dir;
  }
  let lab = '';
  const links = (r: DoctorReport): string =>
    JSON.stringify(
      r.links.map((l) => [l.id, l.status, l.detail]),
      null,
      1,
    );

  it("the doctor follows the chart's collector: the app reaches its Service, its ConfigMap's relay config is valid, its ServiceMonitor is selected and names its ports, and the operator's Prometheus runs as prometheus-sa", async () => {
    assert.ok(ns, 'the install ran');
    lab = await labBesideTheChart();
    const { report } = await doctor({ source: 'cluster', kubeconfig: kube.kubeconfig, labDir: lab });
    const passed = report.links.filter((l) => l.status === 'passed').map((l) => l.id);
    for (const id of [
      'app-ready',
      'otlp-endpoint',
      'collector-config',
      'collector-up',
      'servicemonitor-selected',
      'port-names',
      'prometheus-service-account',
    ] as const) {
      assert.ok(passed.includes(id), `${id} passed: ${links(report)}`);
    }
    assert.equal(report.healthy, true, links(report));
  });

  it("installed as the lab text says (no fullnameOverride), the chart's Service is otel-collector-opentelemetry-collector: the doctor names the app's endpoint as the first broken link", async () => {
    assert.ok(lab, 'the lab is beside the chart');
    const asTheLabSays = join(home, 'values-without-fullname.yaml');
    writeFileSync(asTheLabSays, labValues().replace(/^fullnameOverride: .*$/m, ''));
    const r = await runHelmSteps(bin(), helmSteps(spec(ns, asTheLabSays)), { env });
    assert.ok(r.ok, r.ok ? '' : r.run.output);
    try {
      const { report } = await doctor({ source: 'cluster', kubeconfig: kube.kubeconfig, labDir: lab });
      assert.equal(report.cause?.code, 'doctor/otlp-endpoint', links(report));
      assert.match(report.cause?.message ?? '', /otel-collector-opentelemetry-collector/);
    } finally {
      const back = await runHelmSteps(bin(), helmSteps(spec(ns, values)), { env });
      assert.ok(back.ok, back.ok ? '' : back.run.output);
    }
  });

  it("the lab's --set flags as a values file: the chart refuses them (no image.repository), our message says so, and nothing is installed", async () => {
    const flags = join(home, 'lab-set-flags.yaml');
    writeFileSync(flags, labCollectorSetFlags);
    assert.ok(
      checkCollectorValues(labCollectorSetFlags).some((f) => f.code === 'helm/missing-required-value'),
      'our check says it before helm runs',
    );
    const other = uniqueNamespace('otelchart-flags');
    namespaces.push(other);
    const r = await runHelmSteps(bin(), helmSteps(spec(other, flags)), { env });
    assert.equal(r.ok, false);
    const f = describeHelmFailure(r.ok ? '' : r.run.output, { release: RELEASE, namespace: other, chart: chartDir });
    assert.equal(f.kind, 'values-schema');
    assert.match(f.message, /'image\.repository' must be set/);
    const svcs = await kube.get(`/api/v1/namespaces/${other}/services/otel-collector-opentelemetry-collector`);
    assert.equal(svcs.status, 404);
  });

  it("a values file the chart's schema rejects gets our message naming the key, and nothing is installed", async () => {
    const bad = join(home, 'bad-values.yaml');
    writeFileSync(bad, labValues().replace(/^( {2}metrics:\n {4}enabled:) true$/m, '$1 "yes"'));
    assert.notEqual(readFileSync(bad, 'utf8'), labValues(), 'the values file says "yes" for a boolean');
    const other = uniqueNamespace('otelchart-schema');
    namespaces.push(other);
    const r = await runHelmSteps(bin(), helmSteps(spec(other, bad)), { env });
    assert.equal(r.ok, false);
    if (r.ok) return;
    const f = describeHelmFailure(r.run.output, { release: RELEASE, namespace: other, chart: chartDir });
    assert.equal(f.kind, 'values-schema', r.run.output);
    assert.match(f.message, /\/ports\/metrics\/enabled': got string, want boolean.*nothing was installed/);
    assert.equal((await kube.get(`/api/v1/namespaces/${other}/services/otel-collector`)).status, 404);
  });
});
