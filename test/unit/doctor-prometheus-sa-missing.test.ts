// The doctor after a Helm step that succeeded without prometheus-sa: the Prometheus object asks for
// it, the API server refuses every pod, so no pod exists; the Prometheus ServiceAccount link names
// the missing ServiceAccount (read by the IRSA part) and creates it with the role's annotation.
import { strict as assert } from 'node:assert';
import { runDoctor } from '../../src/core/doctor/chain';
import type { DoctorSnapshot } from '../../src/core/doctor/snapshot';
import { snapshot } from '../fixtures/doctorSnapshot';

const roleArn = 'arn:aws:iam::123456789012:role/ds252-prometheus-sa-role';

function withoutServiceAccount(found: boolean, pods = 0): DoctorSnapshot {
  const s = snapshot();
  return {
    ...s,
    prometheusObject: {
      namespace: 'monitoring',
      name: 'prometheus-kube-prometheus-prometheus',
      serviceMonitorSelector: { matchLabels: { release: 'prometheus' } },
      serviceMonitorNamespaceSelector: {},
      serviceAccountName: 'prometheus-sa',
      pods: Array.from({ length: pods }, (_, i) => ({
        name: `prometheus-prometheus-kube-prometheus-prometheus-${i}`,
        ready: true,
        phase: 'Running',
        serviceAccountName: 'prometheus-sa',
      })),
    },
    iam: {
      roleName: 'ds252-prometheus-sa-role',
      roleArn,
      serviceAccountFound: found,
      expectedSubject: 'system:serviceaccount:monitoring:prometheus-sa',
      canAssume: true,
      trustedSubjects: ['system:serviceaccount:monitoring:prometheus-sa'],
      findings: [],
    },
    unavailable: {},
  };
}

describe('doctor: Prometheus whose ServiceAccount is missing', () => {
  it('fails the Prometheus ServiceAccount link naming prometheus-sa, with a fix that creates and annotates it', () => {
    const link = runDoctor(withoutServiceAccount(false)).links.find((l) => l.id === 'prometheus-service-account');
    assert.equal(link?.status, 'failed');
    assert.equal(link?.detail, 'prometheus-sa does not exist, so Prometheus has no pod');
    const f = link?.findings[0];
    assert.match(f?.message ?? '', /is to run as prometheus-sa, which does not exist in namespace monitoring/);
    assert.match(f?.message ?? '', /although the Helm step succeeded/);
    assert.deepEqual(
      f?.remedies.map((r) => (r.kind === 'command' ? r.steps : [])),
      [
        [
          ['kubectl', '-n', 'monitoring', 'create', 'serviceaccount', 'prometheus-sa'],
          [
            'kubectl',
            '-n',
            'monitoring',
            'annotate',
            'serviceaccount',
            'prometheus-sa',
            `eks.amazonaws.com/role-arn=${roleArn}`,
          ],
        ],
      ],
    );
  });

  it('passes as before when it exists and the pods run as it', () => {
    const link = runDoctor(withoutServiceAccount(true, 1)).links.find((l) => l.id === 'prometheus-service-account');
    assert.equal(link?.status, 'passed');
  });
});
