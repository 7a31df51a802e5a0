// The lab's Helm path for the collector against the real control plane, with helm built from its
// Go module. The chart is our own (test/fixtures/charts/otel-collector-mirror): it names, labels
// and exposes the collector as open-telemetry/opentelemetry-collector 0.164.1 does (the facts in
// src/core/helm/collectorChart.ts), and its pod is a kwok pod. So installing it with the
// scaffolded values shows what Prometheus' operator would find: the API server itself answers
// whether the ServiceMonitor's selector selects the Service.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { collectorChart, serviceLabels, servicePorts, type Values } from '../../src/core/helm/collectorChart';
import { checkCollectorValues, describeHelmFailure, helmSteps, type HelmReleaseSpec } from '../../src/core/helm/helm';
import type { DoctorReport } from '../../src/core/doctor/report';
import { labelSelectorString } from '../../src/core/kube/selectors';
import { labNames } from '../../src/core/scaffold/plan';
import { doctor } from '../../src/node/doctor';
import { runHelm, runHelmSteps } from '../../src/node/helm/helm';
import { labCollectorSetFlags } from '../fixtures/findingExamples';
import { helmBin, helmVersions, installHelm } from '../harness/helm';
import type { RunningKube } from '../harness/kube';
import { sharedKube, uniqueNamespace } from '../support/kube';
import { ensurePrometheusCrd, labPrometheusManifests, prometheusName } from '../support/prometheusObject';
import { renderLab } from '../support/lab';

const chartDir = join(__dirname, '..', 'fixtures', 'charts', 'otel-collector-mirror');
const RELEASE = collectorChart.labRelease;
const HELM_RELEASE = 'prometheus';

interface Meta {
  name: string;
  labels?: Record<string, string>;
}
interface Service {
  metadata: Meta;
  spec: { ports: { name: string; port: number; targetPort: number | string }[]; selector: Record<string, string> };
}
interface ServiceMonitor {
  metadata: Meta;
  spec: { selector: { matchLabels?: Record<string, string> }; endpoints: { port?: string }[] };
}

describe("the collector's Helm path against a real control plane (a chart shaped like open-telemetry/opentelemetry-collector 0.164.1)", function () {
  this.timeout(15 * 60_000);

  let kube: RunningKube;
  let home = '';
  let env: NodeJS.ProcessEnv = {};
  let values = '';
  let ns = '';
  const namespaces: string[] = [];
  const bin = (): string => helmBin(helmVersions.current);

  before(async function () {
    this.timeout(60 * 60_000);
    await installHelm(helmVersions.current, true);
    kube = await sharedKube();
    home = mkdtempSync(join(tmpdir(), 'obslab-collector-chart-it-'));
    env = {
      ...process.env,
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_DATA_HOME: join(home, 'data'),
      KUBECONFIG: kube.kubeconfig,
    };
    values = join(home, 'otel-collector-values.yaml');
    const file = renderLab({ helmRelease: HELM_RELEASE }).get('helm/otel-collector-values.yaml');
    if (!file) throw new Error('the lab has no helm/otel-collector-values.yaml');
    writeFileSync(values, file.content);
  });

  after(async function () {
    this.timeout(120_000);
    for (const n of namespaces) {
      await runHelm(bin(), ['uninstall', RELEASE, '--namespace', n, '--kubeconfig', kube.kubeconfig], { env }).catch(
        () => undefined,
      );
      await kube.kubectl(['delete', 'namespace', n, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    }
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

  it('installs with the scaffolded values: a Service named otel-collector, labelled as the recorded facts say, with metrics 8889 and telemetry 8888', async () => {
    assert.deepEqual(
      checkCollectorValues(
        renderLab({ helmRelease: HELM_RELEASE }).get('helm/otel-collector-values.yaml')?.content ?? '',
      ),
      [],
      'our own checks pass first',
    );
    ns = uniqueNamespace('otelchart');
    namespaces.push(ns);
    const r = await runHelmSteps(bin(), helmSteps({ ...spec(ns, values) }), { env });
    assert.ok(r.ok, r.ok ? '' : r.run.output);

    const svc = await getJson<Service>(`/api/v1/namespaces/${ns}/services/otel-collector`);
    const v = parse(
      renderLab({ helmRelease: HELM_RELEASE }).get('helm/otel-collector-values.yaml')?.content ?? '',
    ) as Values;
    const expectedLabels = serviceLabels(RELEASE, v);
    for (const [k, want] of Object.entries(expectedLabels))
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

  it('its ServiceMonitor carries release: <kube-prometheus-stack release>, and the API server selects the collector Service with its selector', async () => {
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

  /** The lab folder for the chart's namespace, the app in a namespace of its own, and what kube-prometheus-stack would add. */
  async function labBesideTheChart(): Promise<string> {
    const appNs = uniqueNamespace('otelchart-app');
    namespaces.push(appNs);
    const dir = mkdtempSync(join(home, 'lab-'));
    for (const f of renderLab({ helmRelease: HELM_RELEASE, appNamespace: appNs, monitoringNamespace: ns }).values()) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    await ensurePrometheusCrd(kube);
    await kube.kubectl(['create', 'namespace', appNs]);
    await kube.kubectl(['apply', '-f', join(dir, 'k8s', 'app.yaml')]);
    await kube.kubectl(['apply', '-f', '-'], {
      input: labPrometheusManifests({
        namespace: ns,
        release: HELM_RELEASE,
        serviceAccount: labNames.prometheusServiceAccount,
        roleArn: 'arn:aws:iam::111122223333:role/ds252-prometheus-sa-role',
      }),
    });
    for (const [n, d] of [
      [appNs, 'otel-flask'],
      [ns, `prometheus-${prometheusName(HELM_RELEASE)}`],
    ] as const) {
      await kube.kubectl(['rollout', 'status', '-n', n, `deployment/${d}`, '--timeout=180s'], { timeoutMs: 200_000 });
    }
    return dir;
  }
  let lab = '';
  const links = (r: DoctorReport): string =>
    JSON.stringify(
      r.links.map((l) => [l.id, l.status, l.detail]),
      null,
      1,
    );

  it("the doctor follows the chart's collector: the app reaches its Service, its ConfigMap's relay config is valid, its ServiceMonitor is selected and names its ports", async () => {
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
    const text = renderLab({ helmRelease: HELM_RELEASE }).get('helm/otel-collector-values.yaml')?.content ?? '';
    writeFileSync(asTheLabSays, text.replace(/^fullnameOverride: .*$/m, ''));
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
});
