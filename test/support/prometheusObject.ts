// What kube-prometheus-stack would make for the lab, for tests on the local control plane where no
// operator runs: the monitoring.coreos.com/v1 Prometheus CRD (minimal, schemaless), a Prometheus
// object selecting ServiceMonitors labelled release=<release>, run as a ServiceAccount, and its pod
// (the operator's StatefulSet, here a Deployment that kwok makes Ready).
import type { RunningKube } from '../harness/kube';
import { kubePrometheusStackNames } from '../../src/core/kube/kubePrometheusStackNames';

const prometheusCrd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: prometheuses.monitoring.coreos.com
spec:
  group: monitoring.coreos.com
  scope: Namespaced
  names: {plural: prometheuses, singular: prometheus, kind: Prometheus, listKind: PrometheusList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
`;

/**
 * Installs the Prometheus CRD unless the cluster has one. It is left in place: the shared control
 * plane is thrown away after the run, and deleting it would pull it from under another test file.
 */
export async function ensurePrometheusCrd(kube: RunningKube): Promise<void> {
  const has = await kube.kubectl([
    'get',
    'crd',
    'prometheuses.monitoring.coreos.com',
    '--ignore-not-found',
    '-o',
    'name',
  ]);
  if (has.trim()) return;
  await kube.kubectl(['apply', '-f', '-'], { input: prometheusCrd });
  await kube.kubectl([
    'wait',
    '--for=condition=Established',
    'crd/prometheuses.monitoring.coreos.com',
    '--timeout=60s',
  ]);
}

export interface LabPrometheus {
  namespace: string;
  /** The kube-prometheus-stack release: the Prometheus object selects ServiceMonitors labelled release=<it>. */
  release: string;
  serviceAccount: string;
  /** The ServiceAccount's eks.amazonaws.com/role-arn annotation, if any. */
  roleArn?: string;
}

/** The Prometheus object's name for a release, as kube-prometheus-stack names it. */
export const prometheusName = (release: string): string => kubePrometheusStackNames(release).prometheus;

/** The ServiceAccount, the Prometheus object and its pod's Deployment, as YAML for `kubectl apply`. */
export function labPrometheusManifests(p: LabPrometheus): string {
  const name = prometheusName(p.release);
  const annotations = p.roleArn ? `\n  annotations: {eks.amazonaws.com/role-arn: "${p.roleArn}"}` : '';
  return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${p.serviceAccount}
  namespace: ${p.namespace}${annotations}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: ${name}
  namespace: ${p.namespace}
  labels: {release: ${p.release}}
spec:
  serviceAccountName: ${p.serviceAccount}
  serviceMonitorSelector: {matchLabels: {release: ${p.release}}}
  serviceMonitorNamespaceSelector: {}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: prometheus-${name}
  namespace: ${p.namespace}
spec:
  replicas: 1
  selector: {matchLabels: {prometheus: ${name}}}
  template:
    metadata: {labels: {prometheus: ${name}, app.kubernetes.io/name: prometheus}}
    spec:
      serviceAccountName: ${p.serviceAccount}
      containers: [{name: prometheus, image: quay.io/prometheus/prometheus:v3.5.0}]
`;
}
