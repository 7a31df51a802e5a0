// helm/*: values files for kube-prometheus-stack. The chart ignores keys it does not have, so a
// misspelt or borrowed key (the lab's serviceAccounts.server.*) silently changes nothing.
import { versions } from '../../facts';
import type { YamlDocument } from '../model';
import { at as report, closest, type Rule } from '../rule';
import { asMap, entries, type Entry } from '../yamlView';

/**
 * The chart's own keys at kube-prometheus-stack 88.5.3, read from its values.yaml. Subchart
 * sections (grafana, kube-state-metrics, prometheus-node-exporter, prometheus-windows-exporter)
 * take their own charts' values and are not checked below the top level.
 */
export const kubePrometheusStackKeys = {
  version: versions.kubePrometheusStack,
  top: ['additionalPrometheusRulesMap', 'alertmanager', 'cleanPrometheusOperatorObjectNames', 'commonLabels', 'coreDns', 'crds', 'customRules', 'defaultRules', 'extraManifests', 'fullnameOverride', 'global', 'grafana', 'kube-state-metrics', 'kubeApiServer', 'kubeControllerManager', 'kubeDns', 'kubeEtcd', 'kubeProxy', 'kubeScheduler', 'kubeStateMetrics', 'kubeTargetVersionOverride', 'kubeVersionOverride', 'kubelet', 'kubernetesServiceMonitors', 'nameOverride', 'namespaceOverride', 'nodeExporter', 'prometheus', 'prometheus-node-exporter', 'prometheus-windows-exporter', 'prometheusOperator', 'thanosRuler', 'windowsMonitoring'],
  prometheus: ['additionalLabels', 'additionalPodMonitors', 'additionalRulesForClusterRole', 'additionalServiceMonitors', 'agentMode', 'annotations', 'enabled', 'extraSecret', 'ingress', 'ingressPerReplica', 'networkPolicy', 'podDisruptionBudget', 'prometheusSpec', 'route', 'routePerReplica', 'service', 'serviceAccount', 'serviceMonitor', 'servicePerReplica', 'thanosIngress', 'thanosService', 'thanosServiceExternal', 'thanosServiceMonitor', 'verticalPodAutoscaler'],
  prometheusServiceAccount: ['annotations', 'automountServiceAccountToken', 'create', 'name'],
};

/** Keys students borrow from other charts, and where this chart keeps the same setting. */
const knownMistakes: Record<string, string> = {
  serviceAccounts: 'prometheus.serviceAccount (serviceAccounts.server.* belongs to the separate prometheus chart)',
  server: 'prometheus.prometheusSpec (server.* belongs to the separate prometheus chart)',
};

function looksLikeKubePrometheusStackValues(doc: YamlDocument): boolean {
  if (/kube-prometheus-stack|kps[-_.]|prometheus-stack/i.test(doc.view.file)) return true;
  const keys = entries(doc.root).map((e) => e.key);
  const known = keys.filter((k) => kubePrometheusStackKeys.top.includes(k));
  return known.length >= 2 || (known.includes('prometheus') && keys.includes('serviceAccounts')) || ['prometheusOperator', 'kubeStateMetrics', 'defaultRules'].some((k) => keys.includes(k));
}

function unknown(ctx: Parameters<Rule>[0], doc: YamlDocument, e: Entry, path: string, allowed: string[]): void {
  const mistake = knownMistakes[e.key];
  const suggestion = mistake ?? closest(e.key, allowed);
  ctx.report(report(doc.view, e.keyNode, 'helm/unknown-value', 'error', `kube-prometheus-stack ${kubePrometheusStackKeys.version} has no value ${path}${e.key}: Helm ignores it silently, so it changes nothing${suggestion ? `. Did you mean ${mistake ? suggestion : `${path}${suggestion}`}?` : '.'}`));
}

export const helmRules: Rule = (ctx) => {
  for (const doc of ctx.ws.plainYaml) {
    if (!looksLikeKubePrometheusStackValues(doc)) continue;
    for (const top of entries(doc.root)) {
      if (!kubePrometheusStackKeys.top.includes(top.key)) {
        unknown(ctx, doc, top, '', kubePrometheusStackKeys.top);
        continue;
      }
      if (top.key !== 'prometheus') continue;
      for (const second of entries(asMap(top.value))) {
        if (!kubePrometheusStackKeys.prometheus.includes(second.key)) {
          unknown(ctx, doc, second, 'prometheus.', kubePrometheusStackKeys.prometheus);
          continue;
        }
        if (second.key !== 'serviceAccount') continue;
        for (const third of entries(asMap(second.value))) {
          if (!kubePrometheusStackKeys.prometheusServiceAccount.includes(third.key)) unknown(ctx, doc, third, 'prometheus.serviceAccount.', kubePrometheusStackKeys.prometheusServiceAccount);
        }
      }
    }
  }
};
