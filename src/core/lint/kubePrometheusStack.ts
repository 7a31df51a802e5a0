// kube-prometheus-stack values files: how the linter recognises one, and the chart's own keys.
import { versions } from '../facts';
import { t } from '../text/l10n';
import type { YamlDocument } from './model';
import { asMap, entries } from './yamlView';

/**
 * The chart's own keys at kube-prometheus-stack 88.5.3, read from its values.yaml. Subchart
 * sections (grafana, kube-state-metrics, prometheus-node-exporter, prometheus-windows-exporter)
 * take their own charts' values and are not checked below the top level.
 */
export const kubePrometheusStackKeys = {
  version: versions.kubePrometheusStack,
  top: [
    'additionalPrometheusRulesMap',
    'alertmanager',
    'cleanPrometheusOperatorObjectNames',
    'commonLabels',
    'coreDns',
    'crds',
    'customRules',
    'defaultRules',
    'extraManifests',
    'fullnameOverride',
    'global',
    'grafana',
    'kube-state-metrics',
    'kubeApiServer',
    'kubeControllerManager',
    'kubeDns',
    'kubeEtcd',
    'kubeProxy',
    'kubeScheduler',
    'kubeStateMetrics',
    'kubeTargetVersionOverride',
    'kubeVersionOverride',
    'kubelet',
    'kubernetesServiceMonitors',
    'nameOverride',
    'namespaceOverride',
    'nodeExporter',
    'prometheus',
    'prometheus-node-exporter',
    'prometheus-windows-exporter',
    'prometheusOperator',
    'thanosRuler',
    'windowsMonitoring',
  ],
  prometheus: [
    'additionalLabels',
    'additionalPodMonitors',
    'additionalRulesForClusterRole',
    'additionalServiceMonitors',
    'agentMode',
    'annotations',
    'enabled',
    'extraSecret',
    'ingress',
    'ingressPerReplica',
    'networkPolicy',
    'podDisruptionBudget',
    'prometheusSpec',
    'route',
    'routePerReplica',
    'service',
    'serviceAccount',
    'serviceMonitor',
    'servicePerReplica',
    'thanosIngress',
    'thanosService',
    'thanosServiceExternal',
    'thanosServiceMonitor',
    'verticalPodAutoscaler',
  ],
  prometheusServiceAccount: ['annotations', 'automountServiceAccountToken', 'create', 'name'],
};

/**
 * Keys students borrow from other charts, and where this chart keeps the same setting (in the
 * user's language, so asked for when a finding is made, not when the module loads).
 */
export function knownMistake(key: string): string | undefined {
  if (key === 'serviceAccounts')
    return t`prometheus.serviceAccount (serviceAccounts.server.* belongs to the separate prometheus chart)`;
  if (key === 'server') return t`prometheus.prometheusSpec (server.* belongs to the separate prometheus chart)`;
  return undefined;
}

/**
 * Top-level keys only kube-prometheus-stack has. Keys many charts share (global, nameOverride,
 * grafana) or that the separate prometheus chart has too (alertmanager, kube-state-metrics,
 * serviceAccounts, server) are no evidence: a values file of another chart must not be judged by
 * this chart's keys.
 */
const distinctiveKeys = [
  'prometheusOperator',
  'kubeStateMetrics',
  'defaultRules',
  'kubeApiServer',
  'kubeControllerManager',
  'kubeEtcd',
  'kubeScheduler',
  'kubeProxy',
  'kubelet',
  'nodeExporter',
  'coreDns',
  'kubeDns',
  'thanosRuler',
  'windowsMonitoring',
  'kubernetesServiceMonitors',
  'cleanPrometheusOperatorObjectNames',
  'additionalPrometheusRulesMap',
];

export function looksLikeKubePrometheusStackValues(doc: YamlDocument): boolean {
  if (/kube-prometheus-stack|kps[-_.]|prometheus-stack/i.test(doc.view.file)) return true;
  const keys = entries(doc.root).map((e) => e.key);
  if (keys.some((k) => distinctiveKeys.includes(k))) return true;
  // The prometheus chart has no top-level `prometheus`; this chart keeps its Prometheus there.
  const prometheus = entries(doc.root).find((e) => e.key === 'prometheus');
  const inner = entries(asMap(prometheus?.value)).map((e) => e.key);
  return (
    inner.some((k) => ['prometheusSpec', 'serviceAccount', 'serviceMonitor'].includes(k)) ||
    (prometheus !== undefined && keys.includes('serviceAccounts'))
  );
}
