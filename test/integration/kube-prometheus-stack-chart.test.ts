// kube-prometheus-stack 88.5.3 itself (the real chart, test/harness/helm.ts realChartDir), installed
// with the lab's scaffolded values by the real helm 4 and helm 3 into the local control plane, with
// prometheus-operator 0.93.1 (what the chart deploys, test/harness/operator.ts) running out of
// cluster: what these tests read is what the chart and the operator themselves made, the Prometheus
// StatefulSet and the scrape configuration included. The chart cuts its names at 26 characters, so
// it is installed under releases of 3, 10 and 30 characters, each once; one control plane and one
// operator serve the whole file. These tests replace those on charts of our own shaped like the
// real ones (the mirror charts, deleted): no such chart is kept, since every behaviour they showed
// the real charts show here too (test/fixtures/charts/ holds only packed copies of the real ones).
// The one the real kube-prometheus-stack cannot show, a values file its schema refuses (88.5.3 has
// no values.schema.json), is shown with the collector chart's schema in collector-chart.test.ts;
// and helm does not wait for Prometheus itself (the operator's StatefulSet is no object of the
// release), so a timeout is shown on the operator's Deployment, and the Helm step asks the
// operator's status afterwards (a small release without prometheus-sa shows it). A ServiceMonitor
// CRD changed by a client-side `kubectl apply` shows Helm 4's server-side apply conflict, its fix
// (--force-conflicts) and what Helm 3 does instead.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  checkPrometheusServiceAccount,
  describeHelmFailure,
  helmSteps,
  parseReleaseList,
  releaseListArgs,
  type HelmReleaseSpec,
} from '../../src/core/helm/helm';
import { LAB_RELEASE_LABEL } from '../../src/core/kube/cleanup';
import { forwardPresets } from '../../src/core/kube/forwardPresets';
import {
  grafanaPasswordKey,
  kubePrometheusStackNames,
  kubePrometheusStackPorts,
} from '../../src/core/kube/kubePrometheusStackNames';
import { labNames } from '../../src/core/scaffold/plan';
import { takeSnapshot } from '../../src/node/doctor';
import { withForceConflicts } from '../../src/core/helm/forceConflicts';
import { findHelm, HelmNotFound, releaseUninstaller, runHelm, runHelmSteps } from '../../src/node/helm/helm';
import { readPrometheuses, waitForPrometheuses } from '../../src/node/kube/prometheusStatus';
import { prometheusVerdict, type PrometheusReading } from '../../src/core/kube/prometheusStatus';
import { planClusterCleanup, runCleanup } from '../../src/node/kube/cleanup';
import { loadKube } from '../../src/node/kube/config';
import { helmBin, helmHomeEnv, helmVersions, installHelm, realChartDir, realCharts } from '../harness/helm';
import type { RunningKube } from '../harness/kube';
import { freePort, run, sleep } from '../harness/lib';
import { installOperator, OPERATOR_VERSION, startOperator, type RunningOperator } from '../harness/operator';
import { sharedKube, uniqueNamespace } from '../support/kube';
import { applyChartCrds, eventually, IRSA_ROLE_ARN, labNamespace, scrapeJobs } from '../support/kubePrometheusStack';
import { renderLab } from '../support/lab';
import { commandKey, expectedClusterCommands, walkthroughClusterCommands } from '../support/walkthroughCommands';

const CHART = `${realCharts.kubePrometheusStack.chart}-${realCharts.kubePrometheusStack.version}`;

/** 30 characters: the chart's 26-character cut leaves a "-" it trims. */
const LONG = 'observability-lab-metrics-prod';

/**
 * Each release is installed once, by one helm, and removed by Clean Up before the next: the chart's
 * node exporter takes host port 9100, and the control plane has one node.
 */
const plan = [
  { release: 'kps', helm: helmVersions.previous },
  { release: 'prometheus', helm: helmVersions.current },
  { release: LONG, helm: helmVersions.current },
] as const;

interface Meta {
  name: string;
  namespace?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string }[];
}
interface Service {
  metadata: Meta;
  spec: { ports: { name?: string; port: number }[]; selector?: Record<string, string> };
}
interface Workload {
  metadata: Meta;
  spec: { template: { spec: { serviceAccountName?: string } } };
}
interface Pod {
  metadata: Meta;
  spec: { serviceAccountName?: string };
  status?: { conditions?: { type: string; status: string }[] };
}
interface Obj {
  kind?: string;
  metadata?: Meta;
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

describe('kube-prometheus-stack 88.5.3, the real chart, with prometheus-operator 0.93.1 on a real control plane', function () {
  this.timeout(15 * 60_000);

  let kube: RunningKube;
  let operator: RunningOperator | undefined;
  let chart = '';
  let home = '';
  let env: NodeJS.ProcessEnv = {};
  const ns: Record<string, string> = {};
  const uninstalled = new Set<string>();
  /** Small releases of the same chart (CRDs and at most a Prometheus): a namespace for the CRD conflict, one without prometheus-sa. */
  let crdNs = '';
  let noSaNs = '';

  before(async function () {
    this.timeout(60 * 60_000);
    for (const v of Object.values(helmVersions)) await installHelm(v, true);
    await installOperator(true);
    chart = await realChartDir(realCharts.kubePrometheusStack);
    kube = await sharedKube();
    home = mkdtempSync(join(tmpdir(), 'obslab-kps-chart-it-'));
    env = { ...helmHomeEnv(home), KUBECONFIG: kube.kubeconfig };
    await applyChartCrds(kube, chart);
    for (const p of plan) ns[p.release] = await labNamespace(kube, `kps${p.release.length}`);
    crdNs = await labNamespace(kube, 'kpscrd');
    noSaNs = uniqueNamespace('kpsnosa');
    await kube.kubectl(['create', 'namespace', noSaNs]);
    operator = await startOperator(kube, { namespaces: [...Object.values(ns), noSaNs] });
  });

  after(async function () {
    this.timeout(180_000);
    for (const p of plan) {
      const n = ns[p.release];
      if (!n) continue;
      if (!uninstalled.has(p.release))
        await runHelm(helmBin(), ['uninstall', p.release, '--namespace', n, '--kubeconfig', kube.kubeconfig], {
          env,
        }).catch(() => undefined);
      await kube.kubectl(['delete', 'namespace', n, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    }
    for (const [release, n] of [
      ['crd3', crdNs],
      ['crd4', crdNs],
      ['nosa', noSaNs],
    ] as const) {
      if (!n) continue;
      await runHelm(helmBin(), ['uninstall', release, '--namespace', n, '--kubeconfig', kube.kubeconfig], {
        env,
      }).catch(() => undefined);
      await kube.kubectl(['delete', 'namespace', n, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    }
    await operator?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  function valuesFile(release: string, name = 'kube-prometheus-stack-values.yaml'): string {
    const file = join(home, `${release}-${name}`);
    const text = renderLab({ helmRelease: release }).get('helm/kube-prometheus-stack-values.yaml')?.content;
    if (!text) throw new Error('the lab has no helm/kube-prometheus-stack-values.yaml');
    writeFileSync(file, text);
    return file;
  }

  function spec(release: string, values: string[], extra: Partial<HelmReleaseSpec> = {}): HelmReleaseSpec {
    return {
      release,
      namespace: ns[release] ?? '',
      chart: { kind: 'path', path: chart },
      valuesFiles: values,
      kubeconfig: kube.kubeconfig,
      timeout: '5m',
      ...extra,
    };
  }

  async function getJson<T>(path: string): Promise<T> {
    const r = await kube.get(path);
    assert.equal(r.status, 200, `GET ${path}: ${r.status} ${r.body.slice(0, 300)}`);
    return JSON.parse(r.body) as T;
  }

  async function listed(bin: string, s: HelmReleaseSpec): Promise<ReturnType<typeof parseReleaseList>> {
    const r = await runHelm(bin, releaseListArgs(s), { env });
    assert.equal(r.code, 0, r.output);
    return parseReleaseList(r.output, s.release);
  }

  /** The operator's StatefulSet for the release, once it has made it. */
  function statefulSet(release: string): Promise<Workload> {
    const n = kubePrometheusStackNames(release);
    return getJson<Workload>(`/apis/apps/v1/namespaces/${ns[release] ?? ''}/statefulsets/${n.prometheusStatefulSet}`);
  }

  describe('the names the chart gives what it installs (helm template)', () => {
    it('kubePrometheusStackNames predicts every Service, port, Secret, workload and ServiceAccount the chart renders, for releases of 3, 10 and 30 characters', async () => {
      // The lab text's values: the chart then also names the ServiceAccount it creates for Prometheus.
      const labText = join(home, 'lab-text-values.yaml');
      writeFileSync(labText, 'serviceAccounts:\n  server:\n    create: false\n    name: prometheus-sa\n');
      const releases = [
        ...plan.map((p) => p.release),
        'observability-lab-metric--prod',
        'kube-prometheus-stack',
        'my-grafana',
      ];
      for (const release of releases) {
        const out = await run(helmBin(), ['template', release, chart, '--namespace', 'mon', '--values', labText], {
          env,
          timeoutMs: 120_000,
        });
        const objects = parseAllDocuments(out)
          .map((d) => d.toJS() as Obj | null)
          .filter((o): o is Obj => o !== null && typeof o === 'object');
        const inNs = (kind: string): Obj[] =>
          objects.filter((o) => o.kind === kind && (o.metadata?.namespace ?? 'mon') === 'mon');
        const names = (kind: string): string[] => inNs(kind).map((o) => o.metadata?.name ?? '');
        const n = kubePrometheusStackNames(release);
        const at = `release ${release} (${release.length} characters)`;
        assert.deepEqual(
          names('Service').sort(),
          [
            n.prometheusService,
            n.alertmanagerService,
            n.operator,
            n.grafanaService,
            n.kubeStateMetrics,
            n.nodeExporter,
          ].sort(),
          `${at}: Services`,
        );
        assert.deepEqual(names('Prometheus'), [n.prometheus], `${at}: the Prometheus object`);
        assert.deepEqual(names('Alertmanager'), [n.alertmanager], `${at}: the Alertmanager object`);
        assert.deepEqual(names('Deployment').sort(), [n.operator, n.grafana, n.kubeStateMetrics].sort(), at);
        assert.deepEqual(names('DaemonSet'), [n.nodeExporter], at);
        assert.ok(
          names('ServiceAccount').includes(n.prometheusChartServiceAccount),
          `${at}: the chart's own ServiceAccount`,
        );
        const prometheus = inNs('Prometheus')[0]?.spec;
        assert.equal(prometheus?.['serviceAccountName'], n.prometheusChartServiceAccount, at);
        const grafanaSecret = inNs('Secret').find((o) => o.metadata?.name === n.grafanaSecret);
        assert.ok(
          grafanaSecret?.data?.[grafanaPasswordKey] !== undefined,
          `${at}: ${n.grafanaSecret} has ${grafanaPasswordKey}`,
        );
        assert.ok(names('Secret').includes(n.alertmanagerSecret), at);
        const ports = (svc: string): { name?: string; port: number }[] =>
          (inNs('Service').find((o) => o.metadata?.name === svc)?.spec?.['ports'] as Service['spec']['ports']) ?? [];
        for (const [svc, want] of [
          [n.prometheusService, kubePrometheusStackPorts.prometheus],
          [n.alertmanagerService, kubePrometheusStackPorts.alertmanager],
          [n.grafanaService, kubePrometheusStackPorts.grafana],
        ] as const)
          assert.ok(
            ports(svc).some((p) => p.name === want.name && p.port === want.port),
            `${at}: ${svc} serves ${want.name} on ${want.port}: ${JSON.stringify(ports(svc))}`,
          );
      }
    });
  });

  /** Only the chart's CRDs (crds.enabled) and, when asked, its Prometheus: light enough to install beside the plan's releases. */
  function smallValues(withPrometheus: boolean): string {
    const off = [
      'alertmanager',
      'grafana',
      'kubeStateMetrics',
      'nodeExporter',
      'prometheusOperator',
      'kubeApiServer',
      'kubelet',
      'kubeControllerManager',
      'coreDns',
      'kubeEtcd',
      'kubeScheduler',
      'kubeProxy',
      'windowsMonitoring',
    ];
    const file = join(home, `small-${withPrometheus ? 'prometheus' : 'crds'}.yaml`);
    writeFileSync(
      file,
      [
        'defaultRules: {create: false}',
        ...off.map((k) => `${k}: {enabled: false}`),
        withPrometheus
          ? `prometheus: {enabled: true, serviceAccount: {create: false, name: ${labNames.prometheusServiceAccount}}}`
          : 'prometheus: {enabled: false}',
        '',
      ].join('\n'),
    );
    return file;
  }

  function smallSpec(release: string, namespace: string, withPrometheus: boolean): HelmReleaseSpec {
    return {
      release,
      namespace,
      chart: { kind: 'path', path: chart },
      valuesFiles: [smallValues(withPrometheus)],
      kubeconfig: kube.kubeconfig,
      timeout: '3m',
    };
  }

  describe('a ServiceMonitor CRD an earlier `kubectl apply -f` changed (CRDs of another prometheus-operator version applied by hand)', () => {
    const crd = 'servicemonitors.monitoring.coreos.com';
    const crdVersion = async (): Promise<string | undefined> =>
      (await getJson<{ metadata: Meta }>(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd}`)).metadata
        .annotations?.['operator.prometheus.io/version'];

    before(async () => {
      // The chart's own CRD as an older prometheus-operator release labels it, applied client-side as a student would.
      const text = readFileSync(join(chart, 'charts', 'crds', 'crds', 'crd-servicemonitors.yaml'), 'utf8');
      const older = join(home, 'older-servicemonitors-crd.yaml');
      writeFileSync(
        older,
        text.replace(/operator\.prometheus\.io\/version: \S+/, 'operator.prometheus.io/version: 0.85.0'),
      );
      await kube.kubectl(['apply', '-f', older], { timeoutMs: 120_000 });
      assert.equal(await crdVersion(), '0.85.0');
    });

    after(async function () {
      this.timeout(300_000);
      // Whatever happened above, the plan's releases get the chart's CRDs.
      await applyChartCrds(kube, chart);
    });

    it('helm 3.22.0 installs the chart over it and silently keeps the older CRD (it creates CRDs only when absent)', async () => {
      const s = smallSpec('crd3', crdNs, false);
      const r = await runHelmSteps(helmBin(helmVersions.previous), helmSteps(s), { env });
      assert.ok(r.ok, r.ok ? '' : r.run.output);
      assert.equal(await crdVersion(), '0.85.0');
      await runHelm(helmBin(helmVersions.previous), ['uninstall', 'crd3', '--namespace', crdNs], { env });
    });

    it("helm 4.3.1 stops on the field-manager conflict, our message names the CRD, the manager and --force-conflicts; run again with it, the CRD is the chart's and the ServiceMonitors stay", async () => {
      const sms = renderLab({ helmRelease: 'crd4', monitoringNamespace: crdNs }).get(
        'k8s/otel-servicemonitors.yaml',
      )?.content;
      assert.ok(sms);
      await kube.kubectl(['apply', '-f', '-'], { input: sms });
      const before = await getJson<{ items: { metadata: Meta }[] }>(
        `/apis/monitoring.coreos.com/v1/namespaces/${crdNs}/servicemonitors`,
      );
      const s = smallSpec('crd4', crdNs, false);
      const r = await runHelmSteps(helmBin(helmVersions.current), helmSteps(s), { env });
      assert.equal(r.ok, false);
      if (r.ok) return;
      // helm 4.3.1's own words (captured 2026-12-05; test/unit/helm-apply-conflict.test.ts has them whole).
      assert.match(
        r.run.output,
        new RegExp(
          `Error: failed to install CRD crds/crd-servicemonitors\\.yaml: conflict occurred while applying object /${crd.replace(/\./g, '\\.')} ` +
            `apiextensions\\.k8s\\.io/v1, Kind=CustomResourceDefinition: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" ` +
            `using apiextensions\\.k8s\\.io/v1: \\.metadata\\.annotations\\.operator\\.prometheus\\.io/version`,
        ),
      );
      const f = describeHelmFailure(r.run.output, { release: 'crd4', namespace: crdNs, chart });
      assert.equal(f.kind, 'apply-conflict', r.run.output);
      assert.match(f.message, new RegExp(`could not install the CRD ${crd.replace(/\./g, '\\.')} of the chart`));
      assert.match(f.message, /operator\.prometheus\.io\/version belongs to "kubectl-client-side-apply"/);
      assert.match(f.message, /again with --force-conflicts/);
      assert.equal(await listed(helmBin(), s), undefined, 'no release was recorded');

      const again = await runHelmSteps(helmBin(helmVersions.current), withForceConflicts(helmSteps(s)), { env });
      assert.ok(again.ok, again.ok ? '' : again.run.output);
      assert.equal((await listed(helmBin(), s))?.status, 'deployed');
      assert.equal(await crdVersion(), OPERATOR_VERSION, "the chart's CRD now");
      const after = await getJson<{ items: { metadata: Meta }[] }>(
        `/apis/monitoring.coreos.com/v1/namespaces/${crdNs}/servicemonitors`,
      );
      assert.deepEqual(
        after.items.map((x) => x.metadata.name).sort(),
        before.items.map((x) => x.metadata.name).sort(),
        'the ServiceMonitors stayed',
      );
      assert.ok(after.items.length > 0);
    });
  });

  for (const p of plan) {
    const n = kubePrometheusStackNames(p.release);
    describe(`release ${p.release} (${p.release.length} characters) installed by helm ${p.helm}`, () => {
      const bin = (): string => helmBin(p.helm);
      const where = (): string => ns[p.release] ?? '';

      it("the Helm step installs it with the lab's values: deployed, helm's output streamed, the lab's label on the release", async () => {
        const values = valuesFile(p.release);
        assert.deepEqual(
          checkPrometheusServiceAccount(readFileSync(values, 'utf8'), { release: p.release }),
          [],
          'the values pass our own check first',
        );
        const lines: string[] = [];
        const r = await runHelmSteps(bin(), helmSteps(spec(p.release, [values])), {
          env,
          onLine: (l) => lines.push(l),
        });
        assert.ok(r.ok, r.ok ? '' : r.run.output);
        assert.ok(lines.includes('STATUS: deployed'), `helm's output streamed line by line:\n${lines.join('\n')}`);
        assert.deepEqual(await listed(bin(), spec(p.release, [values])), {
          name: p.release,
          namespace: where(),
          revision: 1,
          status: 'deployed',
          chart: CHART,
        });
        const records = await getJson<{ items: { metadata: Meta }[] }>(
          `/api/v1/namespaces/${where()}/secrets?labelSelector=${encodeURIComponent(`owner=helm,name=${p.release}`)}`,
        );
        assert.ok(
          records.items.every((s) => s.metadata.labels?.[LAB_RELEASE_LABEL.key] === LAB_RELEASE_LABEL.value),
          "Clean Up finds the release by the lab's label",
        );
      });

      it(`the operator makes the StatefulSet ${n.prometheusStatefulSet}, whose pods run as prometheus-sa; the chart made no ServiceAccount for Prometheus and left eksctl's alone`, async () => {
        const sts = await eventually(
          `the operator made ${n.prometheusStatefulSet}`,
          () => statefulSet(p.release).catch(() => undefined),
          (s) => s !== undefined,
        );
        assert.deepEqual(
          sts?.metadata.ownerReferences?.map((o) => `${o.kind}/${o.name}`),
          [`Prometheus/${n.prometheus}`],
        );
        assert.equal(sts?.spec.template.spec.serviceAccountName, labNames.prometheusServiceAccount);
        // COMMANDS.md's check (-l app.kubernetes.io/name=prometheus) and the doctor's (prometheus=<object>).
        for (const selector of ['app.kubernetes.io/name=prometheus', `prometheus=${n.prometheus}`]) {
          const pods = await eventually(
            `pods labelled ${selector}`,
            () =>
              getJson<{ items: Pod[] }>(
                `/api/v1/namespaces/${where()}/pods?labelSelector=${encodeURIComponent(selector)}`,
              ),
            (l) => l.items.length > 0,
          );
          assert.deepEqual(
            pods.items.map((x) => x.spec.serviceAccountName),
            pods.items.map(() => labNames.prometheusServiceAccount),
            selector,
          );
        }
        const sas = await getJson<{ items: { metadata: Meta }[] }>(`/api/v1/namespaces/${where()}/serviceaccounts`);
        const names = sas.items.map((s) => s.metadata.name);
        assert.ok(!names.includes(n.prometheusChartServiceAccount), `no ${n.prometheusChartServiceAccount}: ${names}`);
        const sa = sas.items.find((s) => s.metadata.name === labNames.prometheusServiceAccount);
        assert.equal(
          sa?.metadata.labels?.['app.kubernetes.io/managed-by'],
          undefined,
          "Helm left eksctl's ServiceAccount alone",
        );
        assert.equal(sa?.metadata.annotations?.['eks.amazonaws.com/role-arn'], IRSA_ROLE_ARN);
      });

      it(`after the Helm step, prometheus-operator reports ${n.prometheus} available, and the Helm step says so`, async () => {
        const reports = await waitForPrometheuses(loadKube({ kubeconfig: kube.kubeconfig }), where(), p.release);
        assert.deepEqual(
          reports.map((r) => [r.name, r.verdict.state]),
          [[n.prometheus, 'available']],
          reports.map((r) => r.verdict.message).join('\n'),
        );
        // kwok reports the pod Running and Ready (no Prometheus process runs): the operator counts it as available.
        assert.match(
          reports[0]?.verdict.message ?? '',
          /is available: the operator reports 1 of 1 pod\(s\) ready \(Available=True\)/,
        );
      });

      it('every Service, port and Secret the lab names for it exists: the port-forward presets, COMMANDS.md and the doctor', async () => {
        const services = await getJson<{ items: Service[] }>(`/api/v1/namespaces/${where()}/services`);
        const serves = async (svc: string, port: number, who: string): Promise<void> => {
          const s = services.items.find((x) => x.metadata.name === svc);
          assert.ok(
            s,
            `${who} names Service ${svc}; the chart made ${services.items.map((x) => x.metadata.name).join(', ')}`,
          );
          assert.ok(
            s.spec.ports.some((x) => x.port === port),
            `${who}: ${svc} has port ${port}`,
          );
          // A port-forward goes to a Ready pod behind the Service.
          const sel = Object.entries(s.spec.selector ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(',');
          const pods = await getJson<{ items: Pod[] }>(
            `/api/v1/namespaces/${where()}/pods?labelSelector=${encodeURIComponent(sel)}`,
          );
          assert.ok(
            pods.items.some((x) => x.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
            `${who}: a Ready pod behind ${svc}`,
          );
        };
        const hasKey = async (secret: string, key: string, who: string): Promise<void> => {
          const s = await getJson<{ data?: Record<string, string> }>(`/api/v1/namespaces/${where()}/secrets/${secret}`);
          assert.ok(s.data?.[key], `${who}: Secret ${secret} has ${key}`);
        };

        const params = { helmRelease: p.release, monitoringNamespace: where() };
        for (const f of forwardPresets(renderParams(params)).filter((x) => x.namespace === where()))
          await serves(f.name, Number(f.remotePort), `the ${f.label} port-forward preset`);
        const grafanaDetail = forwardPresets(renderParams(params)).find((x) => x.purpose === 'grafana')?.detail ?? '';
        const secret = /secret (\S+), key (\S+)\)/.exec(grafanaDetail);
        assert.ok(secret?.[1] && secret[2], grafanaDetail);
        await hasKey(secret[1], secret[2], 'the Grafana preset');

        const commands = renderLab(params).get('COMMANDS.md')?.content ?? '';
        const forwards = [...commands.matchAll(/kubectl -n (\S+) port-forward svc\/(\S+) \d+:(\d+)/g)].filter(
          (m) => m[1] === where(),
        );
        assert.equal(forwards.length, 2, 'COMMANDS.md forwards Grafana and Prometheus');
        for (const m of forwards) await serves(m[2] ?? '', Number(m[3]), 'COMMANDS.md');
        const secrets = [
          ...commands.matchAll(/kubectl -n (\S+) get secret (\S+) \\\n\s+-o jsonpath='\{\.data\.([\w-]+)\}'/g),
        ];
        assert.equal(secrets.length, 1, "COMMANDS.md reads Grafana's password");
        for (const m of secrets) await hasKey(m[2] ?? '', m[3] ?? '', 'COMMANDS.md');

        const lab = mkdtempSync(join(home, 'lab-'));
        for (const f of renderLab(params).values()) {
          mkdirSync(dirname(join(lab, f.path)), { recursive: true });
          writeFileSync(join(lab, f.path), f.content);
        }
        const snapshot = await takeSnapshot({ source: 'cluster', kubeconfig: kube.kubeconfig, labDir: lab });
        const hint = /port-forward svc\/(\S+) (\d+)\)/.exec(snapshot.unavailable.prometheus ?? '');
        assert.ok(hint, `the doctor says how to reach Prometheus: ${snapshot.unavailable.prometheus}`);
        await serves(hint[1] ?? '', Number(hint[2]), "the doctor's hint");
        assert.equal(snapshot.prometheusObject?.name, n.prometheus);
        assert.equal(snapshot.prometheusObject?.serviceAccountName, labNames.prometheusServiceAccount);
        assert.ok(snapshot.prometheusObject?.pods.length, "the doctor finds Prometheus' pods");

        if (p.release === 'prometheus') {
          // The walkthrough's commands are written for the default release in namespace monitoring.
          const commands = walkthroughClusterCommands();
          for (const c of commands)
            if (c.kind === 'port-forward') await serves(c.service, c.port, `walkthroughs/${c.file}`);
            else await hasKey(c.secret, c.key, `walkthroughs/${c.file}`);
          // Checked only if found: a reworded command the patterns miss must fail here, not pass unchecked
          // (test/unit/walkthrough.test.ts pins the same list without a cluster).
          const found = commands.map(commandKey);
          for (const expected of expectedClusterCommands())
            assert.ok(found.includes(expected), `the walkthrough names ${expected}: found ${found.join('; ')}`);
        }
      });

      it("the lab's ServiceMonitors are in the scrape configuration the operator wrote; one labelled for another release is not", async () => {
        const sms = renderLab({ helmRelease: p.release, monitoringNamespace: where() }).get(
          'k8s/otel-servicemonitors.yaml',
        )?.content;
        assert.ok(sms, 'the lab has k8s/otel-servicemonitors.yaml');
        await kube.kubectl(['apply', '-f', '-'], { input: sms });
        const stranger = parseAllDocuments(sms)[1]?.toJS() as { metadata: Meta };
        stranger.metadata = {
          ...stranger.metadata,
          name: 'labelled-for-another-release',
          labels: { release: 'not-mine' },
        };
        await kube.kubectl(['apply', '-f', '-'], { input: JSON.stringify(stranger) });
        const names = parseAllDocuments(sms).map((d) => (d.toJS() as { metadata: Meta }).metadata.name);
        const jobs = await eventually(
          `the operator's configuration for ${n.prometheus} scrapes ${names.join(' and ')}`,
          () => scrapeJobs(kube, where(), n.prometheus),
          (j) => names.every((name) => j.includes(`serviceMonitor/${where()}/${name}/0`)),
        );
        assert.ok(!jobs.some((j) => j.includes('labelled-for-another-release')), jobs.join('\n'));
      });

      if (p.release !== LONG)
        it(`helm ${p.helm} upgrading again with the same values is revision 2 and leaves the operator's StatefulSet as it was`, async () => {
          const values = valuesFile(p.release);
          const before = await statefulSet(p.release);
          const r = await runHelmSteps(bin(), helmSteps(spec(p.release, [values])), { env });
          assert.ok(r.ok, r.ok ? '' : r.run.output);
          assert.match(r.runs[0]?.output ?? '', /has been upgraded/);
          assert.equal((await listed(bin(), spec(p.release, [values])))?.revision, 2);
          await sleep(2_000);
          const after = await statefulSet(p.release);
          assert.equal(after.metadata.generation, before.metadata.generation, "the StatefulSet's spec did not change");
          assert.equal(after.spec.template.spec.serviceAccountName, labNames.prometheusServiceAccount);
        });
      if (p.release === LONG) {
        /** The operator's own pod cannot be scheduled: helm waits for a Deployment that never becomes ready. */
        const unschedulable = (): string => {
          const f = join(home, 'unschedulable.yaml');
          writeFileSync(f, 'prometheusOperator:\n  nodeSelector:\n    obslab.test/no-such-node: "true"\n');
          return f;
        };
        const release = p.release;

        it("with the lab text's serviceAccounts.server values, the operator runs Prometheus as the chart's own ServiceAccount, and our check names it before helm runs", async () => {
          const labText = join(home, 'lab-text-values.yaml');
          writeFileSync(labText, 'serviceAccounts:\n  server:\n    create: false\n    name: prometheus-sa\n');
          const r = await runHelmSteps(bin(), helmSteps(spec(release, [labText], { wait: false })), { env });
          assert.ok(r.ok, r.ok ? '' : r.run.output);
          const sts = await eventually(
            'the operator changed the StatefulSet',
            () => statefulSet(release),
            (s) => s.spec.template.spec.serviceAccountName !== labNames.prometheusServiceAccount,
          );
          const runsAs = sts.spec.template.spec.serviceAccountName ?? '';
          assert.equal(runsAs, n.prometheusChartServiceAccount, 'the chart ignored serviceAccounts.server.name');
          await getJson(`/api/v1/namespaces/${where()}/serviceaccounts/${runsAs}`);
          const findings = checkPrometheusServiceAccount(readFileSync(labText, 'utf8'), { release });
          assert.equal(findings.length, 1);
          assert.ok(
            findings[0]?.message.includes(`(${runsAs})`),
            `helm/prometheus-service-account names the ServiceAccount the operator used, ${runsAs}: ${findings[0]?.message}`,
          );
        });

        it("when a workload never becomes ready, helm's timeout gets our message naming it", async () => {
          const s = spec(release, [valuesFile(release), unschedulable()], { timeout: '5s' });
          const r = await runHelmSteps(bin(), helmSteps(s), { env });
          assert.equal(r.ok, false);
          if (r.ok) return;
          const f = describeHelmFailure(r.run.output, { release, namespace: where(), chart });
          assert.equal(f.kind, 'timeout', r.run.output);
          assert.match(f.message, new RegExp(`Deployment/${where()}/${n.operator}`));
          assert.equal((await listed(bin(), s))?.status, 'failed');
        });

        it('cancelling stops helm at once: the release is marked failed rather than left locked, a second helm meanwhile is told it is locked, and the next run puts it right', async () => {
          const s = spec(release, [valuesFile(release), unschedulable()], { timeout: '5m' });
          const abort = new AbortController();
          const running = runHelm(bin(), helmSteps(s)[0]?.args ?? [], { env, signal: abort.signal });
          await eventually(
            'helm started the upgrade',
            async () => (await listed(bin(), s))?.status,
            (st) => st === 'pending-upgrade',
          );
          const second = await runHelm(bin(), helmSteps(s)[0]?.args ?? [], { env });
          assert.notEqual(second.code, 0);
          assert.equal(
            describeHelmFailure(second.output, { release, namespace: where(), chart }).kind,
            'in-progress',
            second.output,
          );
          const t0 = Date.now();
          abort.abort();
          const r = await running;
          assert.ok(Date.now() - t0 < 10_000, `helm ended ${Date.now() - t0} ms after SIGTERM`);
          assert.equal(r.cancelled, true);
          assert.equal(
            describeHelmFailure(r.output, { release, namespace: where(), chart }, { cancelled: r.cancelled }).kind,
            'cancelled',
          );
          await eventually(
            'helm handled SIGTERM: the release is failed, not pending-upgrade',
            async () => (await listed(bin(), s))?.status,
            (st) => st === 'failed',
            10_000,
          );
          const again = await runHelmSteps(bin(), helmSteps(spec(release, [valuesFile(release)])), { env });
          assert.ok(again.ok, again.ok ? '' : again.run.output);
          assert.equal((await listed(bin(), s))?.status, 'deployed');
          const sts = await eventually(
            'the operator runs Prometheus as prometheus-sa again',
            () => statefulSet(release),
            (x) => x.spec.template.spec.serviceAccountName === labNames.prometheusServiceAccount,
          );
          assert.ok(sts);
        });
      }

      it("Clean Up finds the release by the lab's label and uninstalls it with helm: what the chart and the operator made is gone, eksctl's prometheus-sa stays", async () => {
        const loaded = loadKube({ kubeconfig: kube.kubeconfig });
        const cleanup = await planClusterCleanup(loaded, []);
        const mine = cleanup.releases.filter((r) => r.name === p.release && r.namespace === where());
        assert.equal(
          mine.length,
          1,
          `Clean Up lists ${p.release}: ${cleanup.releases.map((r) => `${r.namespace}/${r.name}`)}`,
        );
        // Only this release: other tests share the control plane.
        const steps = await runCleanup(
          loaded,
          { ...cleanup, releases: mine, objects: [], namespaces: [] },
          {
            uninstall: releaseUninstaller(
              bin(),
              { context: loaded.context, server: loaded.server, kubeconfig: kube.kubeconfig },
              { env },
            ),
          },
        );
        assert.deepEqual(
          steps.map((s) => `${s.action} ${s.target} ${s.result}${s.message ? `: ${s.message}` : ''}`),
          [`uninstall ${where()}/${p.release} done`],
        );
        uninstalled.add(p.release);
        // The next release's node exporter needs host port 9100 on the one node: wait for this one's to go.
        await eventually(
          "the chart's Services, the operator's StatefulSet and the node exporter's pod are gone",
          async () => [
            (await kube.get(`/api/v1/namespaces/${where()}/services/${n.prometheusService}`)).status,
            (await kube.get(`/apis/apps/v1/namespaces/${where()}/statefulsets/${n.prometheusStatefulSet}`)).status,
            (
              await getJson<{ items: Pod[] }>(
                `/api/v1/namespaces/${where()}/pods?labelSelector=${encodeURIComponent(`app.kubernetes.io/instance=${p.release}`)}`,
              )
            ).items.length,
          ],
          (st) => st[0] === 404 && st[1] === 404 && st[2] === 0,
        );
        await getJson(`/api/v1/namespaces/${where()}/serviceaccounts/${labNames.prometheusServiceAccount}`);
      });
    });
  }

  describe('Prometheus after a successful Helm step whose ServiceAccount is missing (helm 4.3.1)', () => {
    const release = 'nosa';
    const prometheus = kubePrometheusStackNames(release).prometheus;

    it('helm succeeds, but the operator reports Prometheus reconciled and not available: our sentence names prometheus-sa; once it is created, Prometheus is available with no new Helm step', async () => {
      const s = smallSpec(release, noSaNs, true);
      const r = await runHelmSteps(helmBin(helmVersions.current), helmSteps(s), { env });
      assert.ok(r.ok, r.ok ? '' : r.run.output);
      const k = loadKube({ kubeconfig: kube.kubeconfig });
      const progress: string[] = [];
      const reports = await waitForPrometheuses(k, noSaNs, release, {
        onReading: (readings, ms) => progress.push(`${ms}: ${readings.map((x) => x.conditions.length).join()}`),
      });
      assert.ok(progress.length >= 1);
      assert.equal(reports.length, 1);
      const v = reports[0]?.verdict;
      assert.equal(v?.state, 'not-available', v?.message);
      assert.equal(v?.missingServiceAccount, labNames.prometheusServiceAccount);
      assert.match(
        v?.message ?? '',
        new RegExp(
          `^Prometheus ${prometheus} \\(namespace ${noSaNs}\\) is reconciled but not available: the operator says Available=False \\(NoPodReady\\)\\. ` +
            `Its StatefulSet cannot create a single pod: the ServiceAccount prometheus-sa does not exist in namespace ${noSaNs}`,
        ),
      );
      // What the operator itself wrote: no pod, so no message of its own; the StatefulSet's event names the ServiceAccount.
      const reading = await eventually(
        "the StatefulSet's FailedCreate event",
        async () => (await readPrometheuses(k, noSaNs, release))[0],
        (x) => (x?.statefulSetWarnings ?? []).some((w) => w.includes('serviceaccount "prometheus-sa" not found')),
      );
      assert.deepEqual(reading?.conditions.map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '']).sort(), [
        ['Available', 'False', 'NoPodReady', ''],
        ['Reconciled', 'True', '', ''],
      ]);
      assert.match(
        prometheusVerdictMessage(reading),
        /the StatefulSet's event: .*error looking up service account .*\/prometheus-sa: serviceaccount "prometheus-sa" not found/,
      );

      await kube.kubectl(['-n', noSaNs, 'create', 'serviceaccount', labNames.prometheusServiceAccount]);
      const after = await waitForPrometheuses(k, noSaNs, release, { timeoutMs: 120_000 });
      assert.deepEqual(
        after.map((x) => x.verdict.state),
        ['available'],
        after.map((x) => x.verdict.message).join('\n'),
      );
    });
  });

  describe('failures that need no release', () => {
    const release = LONG;
    const bin = (): string => helmBin(helmVersions.current);
    const where = (): string => ns[release] ?? '';

    it('an unreachable cluster gets our message naming the server', async () => {
      const port = await freePort();
      const closed = join(home, 'closed.kubeconfig');
      writeFileSync(closed, readFileSync(kube.kubeconfig, 'utf8').replace(kube.server, `https://127.0.0.1:${port}`));
      const s = spec(release, [valuesFile(release)], { kubeconfig: closed });
      const r = await runHelmSteps(bin(), helmSteps(s), { env });
      assert.equal(r.ok, false);
      if (r.ok) return;
      const f = describeHelmFailure(r.run.output, {
        release,
        namespace: where(),
        chart,
        server: `https://127.0.0.1:${port}`,
      });
      assert.equal(f.kind, 'cluster-unreachable', r.run.output);
      assert.match(
        f.message,
        new RegExp(
          `could not reach the Kubernetes API server \\(https://127\\.0\\.0\\.1:${port}\\): nothing answers there`,
        ),
      );
    });

    it('a helm that is not there gets our message with how to get it', async () => {
      const nowhere = join(home, 'no-such-dir', 'helm');
      assert.throws(
        () => findHelm({ helmPath: nowhere }),
        (e: unknown) =>
          e instanceof HelmNotFound && e.message.includes(nowhere) && /helm\.sh\/docs\/intro\/install/.test(e.message),
      );
      assert.throws(
        () => findHelm({ env: { PATH: join(home, 'empty') } }),
        (e: unknown) => e instanceof HelmNotFound && /not found on PATH/.test(e.message),
      );
      await assert.rejects(runHelm(nowhere, ['version']), HelmNotFound);
    });
  });
});

/** The lab's parameters for a release and namespace (the rest as the scaffold's defaults). */
function renderParams(p: { helmRelease: string; monitoringNamespace: string }): Parameters<typeof forwardPresets>[0] {
  return { helmRelease: p.helmRelease, monitoringNamespace: p.monitoringNamespace, appNamespace: 'app' };
}

/** The Helm step's sentence for a reading (empty when there is none). */
function prometheusVerdictMessage(r: PrometheusReading | undefined): string {
  return r ? prometheusVerdict(r).message : '';
}
