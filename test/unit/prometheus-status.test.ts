// What the Helm step says after kube-prometheus-stack installs: prometheus-operator's status of the
// Prometheus object, read as prometheus-operator 0.93.1 writes it (the conditions below are what it
// wrote against the real control plane, 2026-12-05: with prometheus-sa missing no pod can be created,
// Available is False with reason NoPodReady and an empty message).
import { strict as assert } from 'node:assert';
import { prometheusSettled, prometheusVerdict, type PrometheusReading } from '../../src/core/kube/prometheusStatus';
import { commandInText } from '../../src/core/shellQuote';

const noSa: PrometheusReading = {
  namespace: 'monitoring',
  name: 'prometheus-kube-prometheus-prometheus',
  generation: 1,
  serviceAccountName: 'prometheus-sa',
  serviceAccountExists: false,
  expectedPods: 1,
  availablePods: 0,
  conditions: [
    { type: 'Available', status: 'False', reason: 'NoPodReady', message: '', observedGeneration: 1 },
    { type: 'Reconciled', status: 'True', reason: '', message: '', observedGeneration: 1 },
  ],
  statefulSetWarnings: [
    'Create Pod prometheus-prometheus-kube-prometheus-prometheus-0 in StatefulSet prometheus-prometheus-kube-prometheus-prometheus failed error: pods "prometheus-prometheus-kube-prometheus-prometheus-0" is forbidden: error looking up service account monitoring/prometheus-sa: serviceaccount "prometheus-sa" not found',
  ],
};

describe("Prometheus after the Helm step: the operator's status in a sentence", () => {
  it('reconciled but not available when its ServiceAccount is missing: names it, quotes the StatefulSet, says to create it', () => {
    const v = prometheusVerdict(noSa);
    assert.equal(v.state, 'not-available');
    assert.equal(v.missingServiceAccount, 'prometheus-sa');
    assert.match(
      v.message,
      /^Prometheus prometheus-kube-prometheus-prometheus \(namespace monitoring\) is reconciled but not available: the operator says Available=False \(NoPodReady\)\./,
    );
    assert.match(v.message, /the ServiceAccount prometheus-sa does not exist in namespace monitoring/);
    assert.match(v.message, /serviceaccount "prometheus-sa" not found/);
    assert.match(v.message, /--wait does not cover it/);
    assert.match(v.message, /Create IRSA Role/);
    assert.equal(
      commandInText(v.commands[0] ?? []),
      '`eksctl create iamserviceaccount --name prometheus-sa --namespace monitoring --cluster <cluster> --region <region> --role-name <role> --attach-policy-arn <policy-arn> --override-existing-serviceaccounts --approve`',
    );
    assert.equal(prometheusSettled(noSa), true, 'waiting cannot help until someone creates it');
  });

  it('available when the operator says so, with its pod count', () => {
    const r: PrometheusReading = {
      ...noSa,
      serviceAccountExists: true,
      availablePods: 1,
      statefulSetWarnings: [],
      conditions: [
        { type: 'Available', status: 'True', reason: '', observedGeneration: 1 },
        { type: 'Reconciled', status: 'True', reason: '', observedGeneration: 1 },
      ],
    };
    const v = prometheusVerdict(r);
    assert.equal(v.state, 'available');
    assert.equal(
      v.message,
      'Prometheus prometheus-kube-prometheus-prometheus (namespace monitoring) is available: the operator reports 1 of 1 pod(s) ready (Available=True).',
    );
    assert.equal(prometheusSettled(r), true);
  });

  it('keeps waiting while pods start, then says what the operator says about them', () => {
    const r: PrometheusReading = {
      ...noSa,
      serviceAccountExists: true,
      statefulSetWarnings: [],
      conditions: [
        {
          type: 'Available',
          status: 'False',
          reason: 'NoPodReady',
          message: 'shard 0: pod prometheus-x-0: containers with unready status: [prometheus]',
          observedGeneration: 1,
        },
        { type: 'Reconciled', status: 'True', observedGeneration: 1 },
      ],
    };
    assert.equal(prometheusSettled(r), false);
    const v = prometheusVerdict(r);
    assert.equal(v.state, 'not-available');
    assert.match(v.message, /NoPodReady\): shard 0: pod prometheus-x-0: containers with unready status/);
    assert.match(v.message, /kubectl get pods -n monitoring -l prometheus=prometheus-kube-prometheus-prometheus/);
  });

  it("not reconciled: the operator's reason and message", () => {
    const r: PrometheusReading = {
      ...noSa,
      conditions: [
        {
          type: 'Reconciled',
          status: 'False',
          reason: 'ReconciliationFailed',
          message: 'invalid retention',
          observedGeneration: 1,
        },
      ],
    };
    const v = prometheusVerdict(r);
    assert.equal(v.state, 'not-reconciled');
    assert.match(v.message, /could not reconcile .*: Reconciled=False \(ReconciliationFailed\): invalid retention/);
    assert.equal(prometheusSettled(r), true);
  });

  it('conditions for an older generation, or none, mean the operator has not reported yet', () => {
    const stale: PrometheusReading = { ...noSa, generation: 2 };
    assert.equal(prometheusSettled(stale), false);
    const v = prometheusVerdict(stale, { waitedSeconds: 60 });
    assert.equal(v.state, 'no-status');
    assert.match(v.message, /has not reported on Prometheus .* after 60 s/);
    assert.match(v.message, /app=kube-prometheus-stack-operator/);
    assert.equal(prometheusVerdict({ ...noSa, conditions: [] }).state, 'no-status');
  });
});
