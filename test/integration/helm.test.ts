// The Helm step against the real control plane, with helm 4 and helm 3 built from their Go
// modules by the harness. The chart is our own (test/fixtures/charts/kps-mirror), which chooses
// the Prometheus ServiceAccount from its values exactly as kube-prometheus-stack 88.5.3 does, so
// installing it with the lab's values file proves which ServiceAccount Prometheus would run as.
// Nothing is fetched here: helm gets a local chart path, and its repositories live in a temp dir.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkPrometheusServiceAccount,
  describeHelmFailure,
  helmSteps,
  parseReleaseList,
  releaseListArgs,
  type HelmReleaseSpec,
} from '../../src/core/helm/helm';
import { labNames } from '../../src/core/scaffold/plan';
import { findHelm, HelmNotFound, runHelm, runHelmSteps, type HelmRunResult } from '../../src/node/helm/helm';
import { helmBin, helmVersions, installHelm } from '../harness/helm';
import type { RunningKube } from '../harness/kube';
import { freePort, sleep } from '../harness/lib';
import { sharedKube, uniqueNamespace } from '../support/kube';
import { renderLab } from '../support/lab';

const chartDir = join(__dirname, '..', 'fixtures', 'charts', 'kps-mirror');
const RELEASE = 'prometheus';
/** kube-prometheus-stack's name for the Prometheus objects of release `prometheus` (FACTS.md). */
const PROMETHEUS = 'prometheus-kube-prometheus-prometheus';
const IRSA = 'arn:aws:iam::111122223333:role/ds252-prometheus-sa-role';

interface Deployment {
  metadata: { generation: number; labels?: Record<string, string> };
  spec: { template: { spec: { serviceAccountName?: string } } };
  status: { readyReplicas?: number };
}
interface ServiceAccount {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

describe('the Helm step against a real control plane, with helm built from its Go module', function () {
  this.timeout(15 * 60_000);

  let kube: RunningKube;
  let home = '';
  let env: NodeJS.ProcessEnv = {};
  let labValues = '';
  const namespaces: string[] = [];
  const releases: { bin: string; ns: string; release: string }[] = [];

  before(async function () {
    this.timeout(60 * 60_000);
    for (const v of Object.values(helmVersions)) await installHelm(v, true);
    kube = await sharedKube();
    home = mkdtempSync(join(tmpdir(), 'obslab-helm-it-'));
    // helm's repositories, cache and plugins of this run only, never the user's.
    env = {
      ...process.env,
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_DATA_HOME: join(home, 'data'),
      KUBECONFIG: kube.kubeconfig,
    };
    labValues = join(home, 'kube-prometheus-stack-values.yaml');
    const file = renderLab().get('helm/kube-prometheus-stack-values.yaml');
    if (!file) throw new Error('the lab has no helm/kube-prometheus-stack-values.yaml');
    writeFileSync(labValues, file.content);
  });

  after(async function () {
    this.timeout(120_000);
    for (const r of releases)
      await runHelm(r.bin, ['uninstall', r.release, '--namespace', r.ns, '--kubeconfig', kube.kubeconfig], {
        env,
      }).catch(() => undefined);
    for (const ns of namespaces)
      await kube.kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** A namespace with prometheus-sa as Task 1's eksctl leaves it: created outside Helm, annotated with the IRSA role. */
  async function labNamespace(prefix: string, withServiceAccount = true): Promise<string> {
    const ns = uniqueNamespace(prefix);
    namespaces.push(ns);
    await kube.kubectl(['create', 'namespace', ns]);
    if (withServiceAccount) {
      await kube.kubectl(['apply', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: {
            name: labNames.prometheusServiceAccount,
            namespace: ns,
            annotations: { 'eks.amazonaws.com/role-arn': IRSA },
          },
        }),
      });
    }
    return ns;
  }

  function spec(ns: string, values: string, extra: Partial<HelmReleaseSpec> = {}): HelmReleaseSpec {
    return {
      release: RELEASE,
      namespace: ns,
      chart: { kind: 'path', path: chartDir },
      valuesFiles: [values],
      kubeconfig: kube.kubeconfig,
      timeout: '2m',
      ...extra,
    };
  }

  async function getJson<T>(path: string): Promise<T> {
    const r = await kube.get(path);
    assert.equal(r.status, 200, `GET ${path}: ${r.status} ${r.body.slice(0, 300)}`);
    return JSON.parse(r.body) as T;
  }

  async function release(bin: string, s: HelmReleaseSpec): Promise<ReturnType<typeof parseReleaseList>> {
    const r = await runHelm(bin, releaseListArgs(s), { env });
    assert.equal(r.code, 0, r.output);
    return parseReleaseList(r.output, s.release);
  }

  for (const version of [helmVersions.current, helmVersions.previous]) {
    describe(`helm ${version}`, () => {
      const bin = (): string => helmBin(version);
      let ns = '';

      it("installs the chart with the lab's values: Prometheus runs as prometheus-sa, and the chart creates no ServiceAccount of its own", async () => {
        assert.deepEqual(
          checkPrometheusServiceAccount(readFileSync(labValues, 'utf8'), { release: RELEASE }),
          [],
          'the values pass our own check first',
        );
        ns = await labNamespace(`helm${version.split('.')[0] ?? ''}`);
        releases.push({ bin: bin(), ns, release: RELEASE });
        const lines: string[] = [];
        const r = await runHelmSteps(bin(), helmSteps(spec(ns, labValues)), { env, onLine: (l) => lines.push(l) });
        assert.ok(r.ok, r.ok ? '' : r.run.output);
        assert.ok(lines.includes('STATUS: deployed'), `helm's output streamed line by line:\n${lines.join('\n')}`);

        const dep = await getJson<Deployment>(`/apis/apps/v1/namespaces/${ns}/deployments/${PROMETHEUS}`);
        assert.equal(dep.spec.template.spec.serviceAccountName, labNames.prometheusServiceAccount);
        assert.equal(dep.status.readyReplicas, 1, '--wait returned once the pod was ready');
        const sas = await getJson<{ items: ServiceAccount[] }>(`/api/v1/namespaces/${ns}/serviceaccounts`);
        assert.deepEqual(sas.items.map((s) => s.metadata.name).sort(), ['default', labNames.prometheusServiceAccount]);
        const sa = sas.items.find((s) => s.metadata.name === labNames.prometheusServiceAccount);
        assert.equal(
          sa?.metadata.labels?.['app.kubernetes.io/managed-by'],
          undefined,
          "Helm left eksctl's ServiceAccount alone",
        );
        assert.equal(sa?.metadata.annotations?.['eks.amazonaws.com/role-arn'], IRSA);
        assert.deepEqual(await release(bin(), spec(ns, labValues)), {
          name: RELEASE,
          namespace: ns,
          revision: 1,
          status: 'deployed',
          chart: 'kps-mirror-0.1.0',
        });
      });

      it('upgrading again succeeds as revision 2 and changes nothing else', async () => {
        assert.ok(ns, 'the install ran');
        const before = await getJson<Deployment>(`/apis/apps/v1/namespaces/${ns}/deployments/${PROMETHEUS}`);
        const r = await runHelmSteps(bin(), helmSteps(spec(ns, labValues)), { env });
        assert.ok(r.ok, r.ok ? '' : r.run.output);
        assert.match(r.runs[0]?.output ?? '', /has been upgraded/);
        assert.equal((await release(bin(), spec(ns, labValues)))?.revision, 2);
        const after = await getJson<Deployment>(`/apis/apps/v1/namespaces/${ns}/deployments/${PROMETHEUS}`);
        assert.equal(after.metadata.generation, before.metadata.generation, "the Deployment's spec did not change");
        assert.equal(after.spec.template.spec.serviceAccountName, labNames.prometheusServiceAccount);
      });
    });
  }

  const bin = (): string => helmBin(helmVersions.current);

  it("with the lab's original serviceAccounts.server values, Prometheus would run as the chart's own ServiceAccount, and our check says so before helm runs", async () => {
    const original = join(home, 'lab-original-values.yaml');
    writeFileSync(original, 'serviceAccounts:\n  server:\n    create: false\n    name: prometheus-sa\n');
    const findings = checkPrometheusServiceAccount(readFileSync(original, 'utf8'), { release: RELEASE });
    assert.equal(findings.length, 1);
    assert.match(findings[0]?.message ?? '', new RegExp(PROMETHEUS));
    const ns = await labNamespace('helm-orig');
    releases.push({ bin: bin(), ns, release: RELEASE });
    const r = await runHelmSteps(bin(), helmSteps(spec(ns, original, { wait: false })), { env });
    assert.ok(r.ok, r.ok ? '' : r.run.output);
    const dep = await getJson<Deployment>(`/apis/apps/v1/namespaces/${ns}/deployments/${PROMETHEUS}`);
    assert.equal(
      dep.spec.template.spec.serviceAccountName,
      PROMETHEUS,
      'the chart ignored serviceAccounts.server.name, as our check said',
    );
  });

  it("a values file the chart's schema rejects gets our message, and nothing is installed", async () => {
    const bad = join(home, 'bad-values.yaml');
    writeFileSync(bad, 'prometheus:\n  serviceAccount:\n    create: "no"\n    name: prometheus-sa\n');
    const ns = uniqueNamespace('helm-bad');
    namespaces.push(ns);
    const s = spec(ns, bad);
    const r = await runHelmSteps(bin(), helmSteps(s), { env });
    assert.equal(r.ok, false);
    if (r.ok) return;
    const f = describeHelmFailure(r.run.output, { release: RELEASE, namespace: ns, chart: chartDir });
    assert.equal(f.kind, 'values-schema', r.run.output);
    assert.match(f.message, /\/prometheus\/serviceAccount\/create': got string, want boolean.*nothing was installed/);
    assert.equal(await release(bin(), s), undefined);
  });

  it('an unreachable cluster gets our message naming the server', async () => {
    const port = await freePort();
    const closed = join(home, 'closed.kubeconfig');
    writeFileSync(closed, readFileSync(kube.kubeconfig, 'utf8').replace(kube.server, `https://127.0.0.1:${port}`));
    const s = spec('helm-unreachable', labValues, { kubeconfig: closed });
    const r = await runHelmSteps(bin(), helmSteps(s), { env });
    assert.equal(r.ok, false);
    if (r.ok) return;
    const f = describeHelmFailure(r.run.output, {
      release: RELEASE,
      namespace: s.namespace,
      chart: chartDir,
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

  it("when pods never become ready, helm's timeout gets our message naming the workload", async () => {
    const ns = await labNamespace('helm-slow', false);
    releases.push({ bin: bin(), ns, release: RELEASE });
    const r = await runHelmSteps(bin(), helmSteps(spec(ns, labValues, { timeout: '3s' })), { env });
    assert.equal(r.ok, false);
    if (r.ok) return;
    const f = describeHelmFailure(r.run.output, { release: RELEASE, namespace: ns, chart: chartDir });
    assert.equal(f.kind, 'timeout', r.run.output);
    assert.match(f.message, new RegExp(`Deployment/${ns}/${PROMETHEUS}`));
    assert.equal((await release(bin(), spec(ns, labValues)))?.status, 'failed');
  });

  it('cancelling stops helm at once: the release is marked failed rather than left locked, a second helm meanwhile is told it is locked, and the next run installs', async () => {
    // Without prometheus-sa the pods cannot be created, so helm waits until it is cancelled.
    const ns = await labNamespace('helm-cancel', false);
    releases.push({ bin: bin(), ns, release: RELEASE });
    const s = spec(ns, labValues, { timeout: '5m' });
    const abort = new AbortController();
    const running: Promise<HelmRunResult> = runHelm(bin(), helmSteps(s)[0]?.args ?? [], { env, signal: abort.signal });
    let deadline = Date.now() + 60_000;
    while ((await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/${PROMETHEUS}`)).status !== 200) {
      assert.ok(Date.now() < deadline, 'helm created the Deployment');
      await sleep(100);
    }
    const second = await runHelm(bin(), helmSteps(s)[0]?.args ?? [], { env });
    assert.notEqual(second.code, 0);
    assert.equal(
      describeHelmFailure(second.output, { release: RELEASE, namespace: ns, chart: chartDir }).kind,
      'in-progress',
      second.output,
    );

    const t0 = Date.now();
    abort.abort();
    const r = await running;
    assert.ok(Date.now() - t0 < 10_000, `helm ended ${Date.now() - t0} ms after SIGTERM`);
    assert.equal(r.cancelled, true);
    assert.equal(
      describeHelmFailure(r.output, { release: RELEASE, namespace: ns, chart: chartDir }, { cancelled: r.cancelled })
        .kind,
      'cancelled',
    );
    deadline = Date.now() + 10_000;
    let status = (await release(bin(), s))?.status;
    while (status !== 'failed' && Date.now() < deadline) {
      await sleep(200);
      status = (await release(bin(), s))?.status;
    }
    assert.equal(status, 'failed', 'helm handled SIGTERM: the release is failed, not pending-install');

    await kube.kubectl(['create', 'serviceaccount', labNames.prometheusServiceAccount, '-n', ns]);
    const again = await runHelmSteps(bin(), helmSteps(spec(ns, labValues)), { env });
    assert.ok(again.ok, again.ok ? '' : again.run.output);
    assert.equal((await release(bin(), s))?.status, 'deployed');
  });
});
