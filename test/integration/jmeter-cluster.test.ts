// The distributed load test's objects in the real control plane (test/harness/kube.ts): applied
// with the extension's server-side apply, as the API server stores them, again without change, and
// removed by Clean Up with the namespace they made. The control plane has no kubelet: kwok marks
// the StatefulSet's and the Job's pods as running, but no JMeter runs in them, so the run itself
// (engines, controller, its log as the .jtl) is not exercised here; jmeter-distributed.test.ts runs
// JMeter's distributed mode for real on this machine.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planIsEmpty, type CleanupPlan } from '../../src/core/kube/cleanup';
import {
  controllerJobName,
  ENGINES_NAME,
  JMETER_IMAGE,
  PLAN_CONFIGMAP,
  type JmeterClusterSpec,
} from '../../src/core/loadtest/jmeterCluster';
import { loadKube, type LoadedKube } from '../../src/node/kube/config';
import { cleanupFailed, planClusterCleanup, runCleanup } from '../../src/node/kube/cleanup';
import { KubeHttpError, kubeRest } from '../../src/node/kube/rest';
import {
  applyJmeterCluster,
  controllerOutcome,
  stopClusterRun,
  waitForControllerPod,
} from '../../src/node/loadtest/jmeterCluster';
import { repoRoot } from '../harness/lib';
import type { RunningKube } from '../harness/kube';
import { sharedKube, uniqueNamespace } from '../support/kube';

interface Obj {
  metadata: { labels?: Record<string, string>; managedFields?: { manager?: string }[] };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

describe('The distributed load test in the cluster: created, then removed by Clean Up', function () {
  this.timeout(30 * 60_000);
  let k: RunningKube;
  let loaded: LoadedKube;
  const namespace = uniqueNamespace('obslab-loadtest');
  const planXml = readFileSync(join(repoRoot, 'templates', 'jmeter', 'hash-load.jmx'), 'utf8');
  const spec: JmeterClusterSpec = {
    namespace,
    engines: 2,
    planXml,
    props: { SERVER: 'otel-flask.app.svc', PORT: '80', THREADS: '5', DURATION: '30' },
    runId: 'run1',
  };
  const get = (path: string): Promise<Obj> => kubeRest<Obj>(loaded, path);
  /** Clean Up's plan, for this file's namespace only (the control plane is shared with other files). */
  const scoped = (plan: CleanupPlan): CleanupPlan => ({
    objects: plan.objects.filter((o) => o.namespace === namespace),
    namespaces: plan.namespaces.filter((o) => o.name === namespace),
    releases: [],
    kept: plan.kept.filter((x) => x.object.namespace === namespace || x.object.name === namespace),
    keptReleases: [],
  });

  before(async () => {
    k = await sharedKube();
    loaded = loadKube({ kubeconfig: k.kubeconfig });
  });

  after(async () => {
    await k?.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']).catch(() => undefined);
  });

  it('applies the plan, the engines, their headless Service, the NetworkPolicies and the controller Job', async () => {
    const result = await applyJmeterCluster(loaded, spec);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.rows.map((r) => `${r.kind} ${r.name} ${r.action}`).sort(), [
      `ConfigMap ${PLAN_CONFIGMAP} created`,
      `Job ${controllerJobName('run1')} created`,
      `Namespace ${namespace} created`,
      `NetworkPolicy jmeter-controller-rmi created`,
      `NetworkPolicy jmeter-server-rmi created`,
      `Service ${ENGINES_NAME} created`,
      `StatefulSet ${ENGINES_NAME} created`,
    ]);

    const ns = `/api/v1/namespaces/${namespace}`;
    const cm = await get(`${ns}/configmaps/${PLAN_CONFIGMAP}`);
    assert.equal(cm.data?.['plan.jmx'], planXml, 'the plan, byte for byte');
    const svc = await get(`${ns}/services/${ENGINES_NAME}`);
    assert.equal(svc.spec?.['clusterIP'], 'None');
    const sts = await get(`/apis/apps/v1/namespaces/${namespace}/statefulsets/${ENGINES_NAME}`);
    assert.equal(sts.spec?.['replicas'], 2);
    assert.equal(sts.spec?.['serviceName'], ENGINES_NAME);
    const job = await get(`/apis/batch/v1/namespaces/${namespace}/jobs/${controllerJobName('run1')}`);
    const container = (job.spec as { template: { spec: { containers: { image: string; args: string[] }[] } } }).template
      .spec.containers[0];
    assert.equal(container?.image, JMETER_IMAGE);
    const args = container?.args ?? [];
    assert.equal(
      args[args.indexOf('-R') + 1],
      `${ENGINES_NAME}-0.${ENGINES_NAME}.${namespace}.svc:1099,${ENGINES_NAME}-1.${ENGINES_NAME}.${namespace}.svc:1099`,
    );
    assert.ok(args.includes('-GSERVER=otel-flask.app.svc'));
    for (const o of [cm, svc, sts, job]) assert.ok(o.metadata.managedFields?.some((m) => m.manager === 'obslab'));
    for (const o of [cm, sts, job]) assert.equal(o.metadata.labels?.['app.kubernetes.io/managed-by'], 'obslab');
  });

  it('applies the same run again without changing anything', async () => {
    const again = await applyJmeterCluster(loaded, spec);
    assert.deepEqual(
      again.rows.filter((r) => r.action !== 'unchanged').map((r) => `${r.kind} ${r.name} ${r.action}`),
      [],
    );
  });

  it("has the StatefulSet's pods made by the controller-manager (kwok runs no JMeter in them)", async () => {
    const deadline = Date.now() + 120_000;
    let names: string[] = [];
    while (Date.now() < deadline) {
      const pods = await kubeRest<{ items: { metadata: { name: string } }[] }>(
        loaded,
        `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent('app.kubernetes.io/component=jmeter-server')}`,
      );
      names = pods.items.map((p) => p.metadata.name).sort();
      if (names.length === 2) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.deepEqual(names, [`${ENGINES_NAME}-0`, `${ENGINES_NAME}-1`]);
  });

  it("finds the controller Job's pod and reads the Job's verdict (kwok runs and completes the pod; no JMeter ran)", async () => {
    const pod = await waitForControllerPod(loaded, namespace, 'run1', { timeoutMs: 120_000 });
    assert.match(pod, new RegExp(`^${controllerJobName('run1')}-`));
    assert.deepEqual(await controllerOutcome(loaded, namespace, 'run1', 120_000), { succeeded: true });
  });

  it("stops a run by deleting its Job (the engines' pods are replaced by the StatefulSet)", async () => {
    const enginePods = async (): Promise<string[]> =>
      (
        await kubeRest<{ items: { metadata: { uid: string } }[] }>(
          loaded,
          `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent('app.kubernetes.io/component=jmeter-server')}`,
        )
      ).items.map((p) => p.metadata.uid);
    const second = { ...spec, runId: 'run2' };
    await applyJmeterCluster(loaded, second);
    const before = await enginePods();
    await stopClusterRun(loaded, namespace, 'run2');
    const path = `/apis/batch/v1/namespaces/${namespace}/jobs/${controllerJobName('run2')}`;
    const deadline = Date.now() + 60_000;
    let gone = false;
    while (!gone && Date.now() < deadline) {
      gone = await kubeRest(loaded, path).then(
        () => false,
        (e: unknown) => e instanceof KubeHttpError && e.statusCode === 404,
      );
      if (!gone) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(gone, `Job ${controllerJobName('run2')} was deleted`);
    let after: string[] = [];
    while (Date.now() < deadline) {
      after = await enginePods();
      if (after.length === 2 && after.every((uid) => !before.includes(uid))) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(after.length, 2);
    assert.ok(
      after.every((uid) => !before.includes(uid)),
      'the engines are new pods',
    );
  });

  it('is all listed by Clean Up, namespace included, and removed by it', async () => {
    const plan = scoped(await planClusterCleanup(loaded, []));
    assert.deepEqual(plan.objects.map((o) => `${o.kind} ${o.name}`).sort(), [
      `ConfigMap ${PLAN_CONFIGMAP}`,
      `Job ${controllerJobName('run1')}`,
      `NetworkPolicy jmeter-controller-rmi`,
      `NetworkPolicy jmeter-server-rmi`,
      `Service ${ENGINES_NAME}`,
      `StatefulSet ${ENGINES_NAME}`,
    ]);
    assert.deepEqual(
      plan.namespaces.map((n) => n.name),
      [namespace],
      `kept: ${JSON.stringify(plan.kept.map((x) => x.reason))}`,
    );
    const steps = await runCleanup(loaded, plan, { namespaceWaitMs: 120_000 });
    assert.equal(cleanupFailed(steps), false, JSON.stringify(steps));
    await assert.rejects(k.kubectl(['get', 'namespace', namespace]), /NotFound/);
    assert.ok(planIsEmpty(scoped(await planClusterCleanup(loaded, []))), 'a second Clean Up finds nothing');
  });
});
