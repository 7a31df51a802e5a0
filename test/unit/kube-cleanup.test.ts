import { strict as assert } from 'node:assert';
import { describePlan, planCleanup, type ObjectMeta } from '../../src/core/kube/cleanup';

let uid = 0;
const obj = (
  kind: string,
  name: string,
  namespace: string | undefined,
  extra: Partial<ObjectMeta> = {},
): ObjectMeta => ({
  apiVersion: 'v1',
  kind,
  resource: `${kind.toLowerCase()}s`,
  namespaced: namespace !== undefined,
  name,
  ...(namespace ? { namespace } : {}),
  uid: `u${++uid}`,
  ...extra,
});
const ours = { managedFields: [{ manager: 'obslab', operation: 'Apply' }] };

describe('what Clean Up may delete', () => {
  it('deletes our objects, workloads before what they use, and the namespace last', () => {
    const ns = obj('Namespace', 'app', undefined, { labels: { 'app.kubernetes.io/managed-by': 'obslab' } });
    const deploy = obj('Deployment', 'web', 'app', ours);
    const rs = obj('ReplicaSet', 'web-1', 'app', {
      ownerReferences: [{ uid: deploy.uid, kind: 'Deployment', name: 'web' }],
    });
    const pod = obj('Pod', 'web-1-x', 'app', { ownerReferences: [{ uid: rs.uid, kind: 'ReplicaSet', name: 'web-1' }] });
    const svc = obj('Service', 'web', 'app', ours);
    const plan = planCleanup(
      [
        ns,
        obj('ConfigMap', 'kube-root-ca.crt', 'app'),
        obj('ServiceAccount', 'default', 'app'),
        obj('Endpoints', 'web', 'app'),
        svc,
        pod,
        rs,
        deploy,
      ],
      [],
    );
    assert.deepEqual(
      plan.objects.map((o) => o.kind),
      ['Deployment', 'Service'],
    );
    assert.deepEqual(
      plan.namespaces.map((o) => o.name),
      ['app'],
    );
    assert.equal(describePlan(plan), 'delete Deployment app/web\ndelete Service app/web\ndelete Namespace app');
  });

  it('keeps what another tool also applied, and a namespace with foreign objects in it', () => {
    const ns = obj('Namespace', 'monitoring', undefined, ours);
    const shared = obj('ConfigMap', 'cfg', 'monitoring', {
      managedFields: [
        { manager: 'obslab', operation: 'Apply' },
        { manager: 'kubectl-client-side-apply', operation: 'Update' },
      ],
    });
    const controllerTouched = obj('Deployment', 'd', 'monitoring', {
      managedFields: [
        { manager: 'obslab', operation: 'Apply' },
        { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status' },
      ],
    });
    const plan = planCleanup([ns, shared, controllerTouched, obj('Secret', 'grafana', 'monitoring')], []);
    assert.deepEqual(
      plan.objects.map((o) => o.name),
      ['d'],
    );
    assert.deepEqual(plan.namespaces, []);
    assert.deepEqual(
      plan.kept.map((k) => k.reason),
      [
        'also managed by kubectl-client-side-apply',
        'it holds 2 object(s) the lab did not create (ConfigMap cfg, Secret grafana)',
      ],
    );
  });

  it("treats a lab Helm release's objects as leaving with it", () => {
    const ns = obj('Namespace', 'monitoring', undefined, ours);
    const record = obj('Secret', 'sh.helm.release.v1.prometheus.v1', 'monitoring', {
      labels: { owner: 'helm', name: 'prometheus' },
    });
    const grafana = obj('Deployment', 'prometheus-grafana', 'monitoring', {
      annotations: { 'meta.helm.sh/release-name': 'prometheus', 'meta.helm.sh/release-namespace': 'monitoring' },
    });
    const release = {
      name: 'prometheus',
      namespace: 'monitoring',
      labels: { owner: 'helm', 'obslab.dev/lab': 'true' },
    };
    assert.deepEqual(
      planCleanup([ns, record, grafana], [release]).namespaces.map((o) => o.name),
      ['monitoring'],
    );
    assert.deepEqual(planCleanup([ns, record, grafana], []).namespaces, []);
    assert.match(
      describePlan(planCleanup([ns, record, grafana], [release])),
      /^helm uninstall prometheus -n monitoring\n/,
    );
  });

  it("uninstalls every release the lab labelled, the collector's too, and keeps the rest, saying why", () => {
    // helm --create-namespace (Helm 4 applies it) also manages the lab's namespace: that alone does not keep it.
    const ns = obj('Namespace', 'monitoring', undefined, {
      managedFields: [...ours.managedFields, { manager: 'helm', operation: 'Apply' }],
    });
    const lab = { 'obslab.dev/lab': 'true', owner: 'helm' };
    const stack = { name: 'prometheus', namespace: 'monitoring', labels: lab };
    const collector = { name: 'otel-collector', namespace: 'monitoring', labels: lab };
    const collectorPod = obj('Deployment', 'otel-collector', 'monitoring', {
      annotations: { 'meta.helm.sh/release-name': 'otel-collector', 'meta.helm.sh/release-namespace': 'monitoring' },
    });
    const stray = { name: 'kps', namespace: 'monitoring', labels: { owner: 'helm' } };
    const named = { name: 'kps', namespace: 'monitoring', labels: { owner: 'helm' } };
    const elsewhere = { name: 'ingress', namespace: 'kube-system', labels: { owner: 'helm' } };
    const strayRecord = obj('Secret', 'sh.helm.release.v1.kps.v1', 'monitoring', {
      labels: { owner: 'helm', name: 'kps' },
    });
    const plan = planCleanup(
      [ns, collectorPod, strayRecord],
      [elsewhere, stack, collector, stray],
      [{ name: named.name, namespace: named.namespace, namedBy: 'the setting obslab.helmRelease' }],
    );
    assert.deepEqual(
      plan.releases.map((r) => r.name),
      ['prometheus', 'otel-collector'],
    );
    assert.deepEqual(
      plan.keptReleases.map((k) => `${k.release.namespace}/${k.release.name}`),
      ['monitoring/kps', 'kube-system/ingress'],
    );
    assert.match(
      plan.keptReleases[0]?.reason ?? '',
      /^the setting obslab\.helmRelease names it, but the lab did not install it \(the release has no obslab\.dev\/lab=true label, which the lab's Helm steps add\)\. If it is yours to remove: helm uninstall kps -n monitoring$/,
    );
    assert.equal(plan.keptReleases[1]?.reason, 'not installed by the lab (no obslab.dev/lab=true label)');
    // The stray release (its record) keeps the namespace: deleting it would take the release along.
    assert.deepEqual(plan.namespaces, []);
    assert.match(
      plan.kept.map((k) => k.reason).join('\n'),
      /it holds 1 object\(s\) the lab did not create \(Secret sh\.helm\.release\.v1\.kps\.v1\)/,
    );
    const text = describePlan(plan);
    assert.match(text, /^helm uninstall prometheus -n monitoring\nhelm uninstall otel-collector -n monitoring\n/);
    assert.match(text, /\nkept:\nHelm release monitoring\/kps: the setting obslab\.helmRelease names it/);
    // Without the stray release (uninstalled by hand), the lab's namespace goes too.
    assert.deepEqual(
      planCleanup([ns, collectorPod], [stack, collector]).namespaces.map((n) => n.name),
      ['monitoring'],
    );
    const unnamed = planCleanup([ns], [stray]);
    assert.match(
      unnamed.keptReleases[0]?.reason ?? '',
      /^in the lab's namespace monitoring, but not installed by the lab/,
    );
  });

  it('ignores objects already being deleted and objects nobody applied', () => {
    const plan = planCleanup(
      [
        obj('ConfigMap', 'going', 'x', { ...ours, deletionTimestamp: '2026-01-01T00:00:00Z' }),
        obj('ConfigMap', 'theirs', 'x'),
      ],
      [],
    );
    assert.deepEqual(plan.objects, []);
    assert.deepEqual(plan.kept, []);
  });
});
