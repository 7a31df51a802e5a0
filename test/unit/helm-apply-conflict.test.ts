// Helm 4's server-side apply conflicts as describeHelmFailure explains them. The first text is what
// helm 4.3.1 printed against the real control plane, captured 2026-12-05
// (test/integration/kube-prometheus-stack-chart.test.ts reproduces it and checks the fix); the others
// follow the API server's format for several conflicts (k8s.io/apimachinery 0.37
// pkg/util/managedfields/internal/conflict.go) and helm 4's for an object of the release.
import { strict as assert } from 'node:assert';
import { canForceConflicts, withForceConflicts } from '../../src/core/helm/forceConflicts';
import {
  describeHelmFailure,
  helmSteps,
  kubePrometheusStackSource,
  parseHelmVersion,
  type HelmFailureContext,
} from '../../src/core/helm/helm';
import { commandInText } from '../../src/core/shellQuote';

const ctx: HelmFailureContext = {
  release: 'prometheus',
  namespace: 'monitoring',
  chart: 'prometheus-community/kube-prometheus-stack',
};

/** helm 4.3.1 upgrade --install of kube-prometheus-stack 88.5.3 over a ServiceMonitor CRD a `kubectl apply -f` (client-side) had changed. */
const crdConflict = [
  'Release "prometheus" does not exist. Installing it now.',
  'Error: failed to install CRD crds/crd-servicemonitors.yaml: conflict occurred while applying object ' +
    '/servicemonitors.monitoring.coreos.com apiextensions.k8s.io/v1, Kind=CustomResourceDefinition: Apply failed ' +
    'with 1 conflict: conflict with "kubectl-client-side-apply" using apiextensions.k8s.io/v1: ' +
    '.metadata.annotations.operator.prometheus.io/version',
].join('\n');

describe("helm's server-side apply conflicts, explained", () => {
  it('names the CRD, the other field manager and the field, and says --force-conflicts is the fix and deleting the CRD is not', () => {
    const f = describeHelmFailure(crdConflict, ctx);
    assert.equal(f.kind, 'apply-conflict');
    assert.match(f.message, /could not install the CRD servicemonitors\.monitoring\.coreos\.com/);
    assert.match(
      f.message,
      /\.metadata\.annotations\.operator\.prometheus\.io\/version belongs to "kubectl-client-side-apply"/,
    );
    assert.match(f.message, /again with --force-conflicts/);
    assert.match(f.message, /the objects of that kind \(servicemonitors\) stay/);
    assert.match(f.message, /Do not delete the CRD/);
    assert.match(f.message, /The release was not installed/);
    assert.deepEqual(
      f.commands.map((c) => commandInText(c)),
      ['`kubectl get crd servicemonitors.monitoring.coreos.com --show-managed-fields -o yaml`'],
    );
    assert.ok(f.said.startsWith('Error: failed to install CRD'), f.said);
  });

  it('lists every manager and field when several conflict', () => {
    const said =
      'Error: failed to install CRD crds/crd-podmonitors.yaml: conflict occurred while applying object ' +
      '/podmonitors.monitoring.coreos.com apiextensions.k8s.io/v1, Kind=CustomResourceDefinition: Apply failed with 2 conflicts: ' +
      'conflicts with "kubectl" using apiextensions.k8s.io/v1:\n- .metadata.annotations.operator.prometheus.io/version\n' +
      'conflicts with "argocd-controller" using apiextensions.k8s.io/v1:\n- .spec.versions';
    const f = describeHelmFailure(said, ctx);
    assert.equal(f.kind, 'apply-conflict');
    assert.match(
      f.message,
      /\.metadata\.annotations\.operator\.prometheus\.io\/version, \.spec\.versions belong to "kubectl" and "argocd-controller"/,
    );
  });

  it("explains a conflict on one of the release's own objects without the CRD advice", () => {
    const said =
      'Error: UPGRADE FAILED: conflict occurred while applying object monitoring/prometheus-grafana apps/v1, Kind=Deployment: ' +
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas';
    const f = describeHelmFailure(said, ctx);
    assert.equal(f.kind, 'apply-conflict');
    assert.match(f.message, /could not apply Deployment monitoring\/prometheus-grafana for release prometheus/);
    assert.match(f.message, /\.spec\.replicas belongs to "kubectl-edit"/);
    assert.doesNotMatch(f.message, /CRD/);
  });
});

describe('the Helm step again with --force-conflicts', () => {
  const steps = helmSteps({
    release: 'prometheus',
    namespace: 'monitoring',
    chart: kubePrometheusStackSource(),
    valuesFiles: ['values.yaml'],
  });

  it('adds the flag to the upgrade --install only, once', () => {
    const forced = withForceConflicts(steps);
    assert.deepEqual(
      forced.map((s) => s.args.includes('--force-conflicts')),
      [false, false, true],
    );
    assert.deepEqual(forced[2]?.args.slice(0, -1), steps[2]?.args);
    assert.deepEqual(withForceConflicts(forced), forced);
  });

  it('is offered for Helm 4 only: Helm 3 has no such flag', () => {
    assert.equal(canForceConflicts(parseHelmVersion('v4.3.1+g0123456')), true);
    assert.equal(canForceConflicts(parseHelmVersion('v3.22.0+g0123456')), false);
    assert.equal(canForceConflicts(undefined), false);
  });
});
