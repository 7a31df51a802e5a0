// The lab's Grafana dashboard against the real parts: kube-prometheus-stack 88.5.3 rendered by the
// real helm with the lab's values must give its Grafana a dashboard sidecar that loads our
// ConfigMap (its label, value and namespace rule) and a Prometheus data source with the uid our
// ${datasource} variable defaults to; and every panel's PromQL, with Grafana's built-in variables
// filled, must return data from Prometheus 3.14.0 in the sandbox (the app → collector 0.155.0 →
// Prometheus) while the app is under load.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { dashboardQueries, kubePrometheusStackGrafana } from '../../src/core/grafana/labDashboard';
import { fillGrafanaVariables } from '../../src/core/grafana/variables';
import { PrometheusClient } from '../../src/core/prometheus/client';
import { forwardPresets } from '../../src/core/kube/forwardPresets';
import { kubePrometheusStackNames } from '../../src/core/kube/kubePrometheusStackNames';
import { defaultParams } from '../../src/core/scaffold/params';
import { runnableArgv } from '../../src/core/shellQuote';
import { sandboxCollectorVersion, sandboxDown, sandboxUp, type SandboxState } from '../../src/node/sandbox/sandbox';
import { helmBin, helmHomeEnv, installHelm, realChartDir, realCharts } from '../harness/helm';
import { run, sleep } from '../harness/lib';
import { harnessSandboxPrograms } from '../harness/sandbox';
import { sharedKube, uniqueNamespace } from '../support/kube';
import { docs, renderLab } from '../support/lab';

type Obj = {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: { template?: { spec?: { containers?: Container[] } } };
  rules?: { resources?: string[]; verbs?: string[] }[];
};
type Container = { name: string; env?: { name: string; value?: string }[] };

const lab = renderLab();
const dashboard = JSON.parse(lab.get('grafana/obslab-dashboard.json')?.content ?? '') as unknown;
const configMap = docs(lab, 'k8s/grafana-dashboard.yaml')[0] as Obj;

describe("the lab's Grafana dashboard on kube-prometheus-stack 88.5.3 (helm template of the real chart)", function () {
  this.timeout(10 * 60_000);
  let objects: Obj[];
  let home: string;

  before(async function () {
    this.timeout(60 * 60_000);
    await installHelm();
    const chart = await realChartDir(realCharts.kubePrometheusStack);
    home = mkdtempSync(join(tmpdir(), 'obslab-grafana-helm-'));
    const values = join(home, 'kube-prometheus-stack-values.yaml');
    writeFileSync(values, lab.get('helm/kube-prometheus-stack-values.yaml')?.content ?? '');
    const out = await run(
      helmBin(),
      [
        'template',
        defaultParams.helmRelease,
        chart,
        '--namespace',
        defaultParams.monitoringNamespace,
        '--values',
        values,
      ],
      { env: helmHomeEnv(home), timeoutMs: 120_000 },
    );
    objects = parseAllDocuments(out)
      .map((d) => d.toJS() as Obj | null)
      .filter((o): o is Obj => o !== null && typeof o === 'object');
  });
  after(() => {
    if (home) rmSync(home, { recursive: true, force: true });
  });

  function sidecarEnv(): Record<string, string | undefined> {
    const grafana = objects.find(
      (o) => o.kind === 'Deployment' && o.metadata?.labels?.['app.kubernetes.io/name'] === 'grafana',
    );
    const sidecar = grafana?.spec?.template?.spec?.containers?.find((c) => c.name === 'grafana-sc-dashboard');
    assert.ok(sidecar, 'the Grafana Deployment runs the dashboard sidecar grafana-sc-dashboard');
    return Object.fromEntries((sidecar.env ?? []).map((e) => [e.name, e.value]));
  }

  it('runs a dashboard sidecar that loads ConfigMaps with our label and value, from every namespace', () => {
    const env = sidecarEnv();
    const labels = configMap.metadata?.labels ?? {};
    assert.equal(env['LABEL'], kubePrometheusStackGrafana.dashboardLabel);
    assert.equal(env['LABEL_VALUE'], kubePrometheusStackGrafana.dashboardLabelValue);
    assert.equal(labels[env['LABEL'] ?? ''], env['LABEL_VALUE'], 'the ConfigMap carries the label the sidecar watches');
    assert.equal(env['NAMESPACE'], kubePrometheusStackGrafana.searchNamespace);
    assert.match(env['RESOURCE'] ?? '', /^(both|configmap)$/);
    // Every namespace, so monitoring (where the ConfigMap is, beside Grafana) is among them; the
    // ClusterRole lets the sidecar watch ConfigMaps there.
    assert.equal(configMap.metadata?.namespace, defaultParams.monitoringNamespace);
    const role = objects.find(
      (o) => o.kind === 'ClusterRole' && o.rules?.some((r) => r.resources?.includes('configmaps')),
    );
    assert.ok(role, 'a ClusterRole for the sidecar to read ConfigMaps in every namespace');
    assert.ok(role.rules?.some((r) => r.resources?.includes('configmaps') && r.verbs?.includes('watch')));
  });

  it('provisions the Prometheus data source with the uid the dashboard variable defaults to', () => {
    const sources = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata?.labels?.['grafana_datasource'] === '1');
    const text = sources.map((o) => Object.values(o.data ?? {}).join('\n')).join('\n');
    assert.match(text, new RegExp(`uid: ${kubePrometheusStackGrafana.datasourceUid}\\n`));
    assert.match(text, /type: prometheus/);
  });
});

describe(`every panel of the lab's dashboard returns data in the sandbox under load (collector ${sandboxCollectorVersion}, Prometheus 3)`, function () {
  this.timeout(10 * 60_000);
  const realCache = process.env['OBSLAB_CACHE'] ?? join(homedir(), '.cache', 'obslab');
  let cache: string;
  let savedCache: string | undefined;
  let state: SandboxState;
  let prom: PrometheusClient;

  before(async function () {
    this.timeout(60 * 60_000);
    const programs = await harnessSandboxPrograms();
    cache = mkdtempSync(join(tmpdir(), 'obslab-grafana-cache-'));
    // The app's venvs are reused; the run directory is ours alone, apart from any other sandbox.
    for (const e of existsSync(realCache) ? readdirSync(realCache) : [])
      if (e.startsWith('app-venv-')) symlinkSync(join(realCache, e), join(cache, e));
    mkdirSync(join(cache, 'run'), { recursive: true });
    savedCache = process.env['OBSLAB_CACHE'];
    process.env['OBSLAB_CACHE'] = cache;
    state = (await sandboxUp(programs)).state;
    assert.ok(state.app && state.prometheus);
    prom = new PrometheusClient({ baseUrl: state.prometheus.url, fetch: (url, init) => fetch(url, init) });
  });

  after(async function () {
    this.timeout(60_000);
    await sandboxDown();
    if (savedCache === undefined) delete process.env['OBSLAB_CACHE'];
    else process.env['OBSLAB_CACHE'] = savedCache;
    if (cache) rmSync(cache, { recursive: true, force: true });
  });

  it('gives each of the ten queries at least one series once a few hundred requests have run', async () => {
    const app = state.app?.url ?? '';
    let sent = 0;
    const load = async (): Promise<void> => {
      // 20 at a time, as a small load test does; a few with a number where app.py expects text (500).
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const bad = i === 0;
          const res = await fetch(`${app}/hash`, {
            method: 'POST',
            headers: { 'content-type': bad ? 'application/json' : 'application/x-www-form-urlencoded' },
            body: bad ? '{"data": 5}' : `data=grafana-${sent + i}`,
          });
          await res.arrayBuffer();
        }),
      );
      sent += 20;
    };
    const queries = dashboardQueries(dashboard);
    assert.equal(queries.length, 10);
    // The sandbox scrapes every 5 s; a 1m window holds enough samples for every rate.
    const vars = { interval: '5s', rateInterval: '1m', range: '15m' };
    const missing = new Map(queries.map((q) => [`${q.panel} ${q.refId}`, fillGrafanaVariables(q.expr, vars)]));
    const deadline = Date.now() + 4 * 60_000;
    while ((missing.size || sent < 200) && Date.now() < deadline) {
      await load();
      for (const [name, expr] of [...missing]) {
        const r = await prom.query(expr);
        if (r.data.resultType === 'vector' && r.data.result.length > 0) missing.delete(name);
      }
      if (missing.size) await sleep(1000);
    }
    assert.deepEqual([...missing], [], `no data after ${sent} requests`);
    assert.ok(sent >= 200, `${sent} requests`);
  });
});

describe("Forward Grafana's password command, run by the real kubectl against the real API server", function () {
  this.timeout(10 * 60_000);

  it("prints the admin-password of the grafana subchart's Secret, decoded, with a newline", async function () {
    this.timeout(30 * 60_000);
    const kube = await sharedKube();
    const namespace = uniqueNamespace('grafana-pw');
    const release = 'kps';
    const secret = kubePrometheusStackNames(release).grafanaSecret;
    const password = 'pW0rd with spaces & "quotes"';
    await kube.kubectl(['create', 'namespace', namespace]);
    try {
      // What the chart writes: admin-user and admin-password, base64 in data.
      await kube.kubectl([
        'create',
        'secret',
        'generic',
        secret,
        '-n',
        namespace,
        '--from-literal=admin-user=admin',
        `--from-literal=admin-password=${password}`,
      ]);
      const preset = forwardPresets({ ...defaultParams, helmRelease: release, monitoringNamespace: namespace }).find(
        (p) => p.purpose === 'grafana',
      );
      const argv = runnableArgv(preset?.password ?? []);
      assert.ok(argv && argv[0] === 'kubectl', JSON.stringify(preset?.password));
      assert.equal(await kube.kubectl(argv.slice(1)), `${password}\n`);
    } finally {
      await kube.kubectl(['delete', 'namespace', namespace, '--wait=false']).catch(() => undefined);
    }
  });
});
