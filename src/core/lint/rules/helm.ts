// helm/*: values files for kube-prometheus-stack and for the OpenTelemetry Collector chart.
// kube-prometheus-stack ignores keys it does not have, so a misspelt or borrowed key (the lab's
// serviceAccounts.server.*) silently changes nothing; the collector chart refuses unknown keys
// where its schema is closed, and fails without mode and image.repository.
import type { Node } from 'yaml';
import { versions } from '../../facts';
import type { Fix } from '../../finding';
import { chartKeys, collectorChart, defaultPorts, knownValueMistakes, missingRequiredValues, serviceEnabled, serviceMonitorOf, servicePorts } from '../../helm/collectorChart';
import { defaultsNote, sameRange, type ChartValuesDocument } from '../chartValues';
import type { CollectorConfig, YamlDocument } from '../model';
import { at as report, closest, type Rule, type RuleContext } from '../rule';
import { asMap, at, entries, entry, nodeRange, scalarText, seqItems, type Entry } from '../yamlView';

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

// ---- The OpenTelemetry Collector chart (values files recognised by ../chartValues.ts) ----

function keysAt(path: string): { closed: boolean; keys: string[] } | undefined {
  return chartKeys.find((k) => k.path === path);
}

function unknownChartValue(ctx: RuleContext, chart: ChartValuesDocument, e: Entry, parent: string, allowed: { closed: boolean; keys: string[] }): void {
  const path = parent ? `${parent}.${e.key}` : e.key;
  const mistake = knownValueMistakes[path] ?? knownValueMistakes[e.key];
  const near = closest(e.key, allowed.keys);
  const suggestion = mistake ?? (near ? (parent ? `${parent}.${near}` : near) : undefined);
  const effect = allowed.closed
    ? `helm refuses the install ("values don't meet the specifications of the schema": additional properties '${e.key}' not allowed)`
    : 'Helm ignores it silently, so it changes nothing';
  ctx.report(report(chart.view, e.keyNode, 'helm/unknown-value', 'error', `${collectorChart.chart} ${collectorChart.version} has no value ${path}: ${effect}${suggestion ? `. Did you mean ${suggestion}?` : '.'}`));
}

function checkChartKeys(ctx: RuleContext, chart: ChartValuesDocument): void {
  const top = keysAt('');
  if (!top) return;
  for (const e of entries(chart.root)) {
    if (!top.keys.includes(e.key)) {
      unknownChartValue(ctx, chart, e, '', top);
      continue;
    }
    if (e.key === 'ports') {
      const portKeys = keysAt('ports.*');
      for (const port of entries(asMap(e.value))) {
        for (const field of entries(asMap(port.value))) if (portKeys && !portKeys.keys.includes(field.key)) unknownChartValue(ctx, chart, field, `ports.${port.key}`, portKeys);
      }
      continue;
    }
    const nested = keysAt(e.key);
    if (!nested) continue;
    for (const inner of entries(asMap(e.value))) if (!nested.keys.includes(inner.key)) unknownChartValue(ctx, chart, inner, e.key, nested);
  }
}

function nodeOf(chart: ChartValuesDocument, path: string[]): Node | undefined {
  for (let i = path.length; i > 0; i--) {
    let map = chart.root;
    let found: Entry | undefined;
    for (const step of path.slice(0, i)) {
      found = entry(map, step);
      const next = asMap(found?.value);
      if (!found) break;
      if (next) map = next;
    }
    if (found) return (found.keyNode ?? undefined) as Node | undefined;
  }
  return chart.root.items[0]?.key as Node | undefined;
}

function checkRequired(ctx: RuleContext, chart: ChartValuesDocument): void {
  for (const m of missingRequiredValues(chart.values)) {
    const node = nodeOf(chart, m.path.split('.'));
    const fixes: Fix[] = [];
    const first = chart.root.items[0]?.key as Node | undefined;
    if (m.path === 'image.repository' && !entry(chart.root, 'image') && first && !chart.root.flow) {
      const r = nodeRange(chart.view, first);
      fixes.push({ title: `Set image.repository: otel/opentelemetry-collector-contrib (tag ${versions.collector})`, edits: [{ file: chart.view.file, range: { start: r.start, end: r.start }, newText: `image:\n  repository: otel/opentelemetry-collector-contrib\n  tag: "${versions.collector}"\n` }] });
    }
    if (m.path === 'mode' && !entry(chart.root, 'mode') && first && !chart.root.flow) {
      const r = nodeRange(chart.view, first);
      fixes.push({ title: 'Set mode: deployment', edits: [{ file: chart.view.file, range: { start: r.start, end: r.start }, newText: 'mode: deployment\n' }] });
    }
    ctx.report(report(chart.view, node, 'helm/missing-required-value', 'error', `${m.message} (${collectorChart.chart} ${collectorChart.version})`, { fixes }));
  }
}

function portOf(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /:(\d+)$/.exec(text.trim());
  return m?.[1] ? Number(m[1]) : undefined;
}

/** The ports the collector config listens on that Prometheus or the app must reach through the Service. */
function checkExposedPorts(ctx: RuleContext, chart: ChartValuesDocument, config: CollectorConfig | undefined): void {
  if (!config?.root || !serviceEnabled(chart.values)) return;
  const exposed = servicePorts(chart.values);
  const wanted: { port: number; what: string; node: unknown }[] = [];
  for (const e of entries(asMap(at(config.root, ['exporters'])))) {
    if ((e.key.split('/')[0] ?? '') !== 'prometheus') continue;
    const node = at(e.value, ['endpoint']);
    const port = portOf(scalarText(node));
    if (port !== undefined) wanted.push({ port, what: `the prometheus exporter ${e.key} (metrics received over OTLP)`, node });
  }
  for (const reader of seqItems(at(config.root, ['service', 'telemetry', 'metrics', 'readers']))) {
    const node = at(reader, ['pull', 'exporter', 'prometheus', 'port']);
    const text = scalarText(node);
    if (text !== undefined && /^\d+$/.test(text)) wanted.push({ port: Number(text), what: "the collector's own telemetry (otelcol_*)", node });
  }
  for (const w of wanted) {
    if (exposed.some((p) => p.targetPort === w.port)) continue;
    const name = w.port === 8888 ? 'telemetry' : 'metrics';
    const fromDefaults = sameRange(nodeRange(chart.view, w.node as Node), chart.anchor) ? ` ${defaultsNote()}` : '';
    ctx.report(report(chart.view, w.node, 'helm/port-not-exposed', 'warning', `${w.what.charAt(0).toUpperCase()}${w.what.slice(1)} listens on ${w.port}, but no enabled entry under ports: has containerPort ${w.port}, so the chart's Service (and pod) have no port for it and Prometheus cannot scrape it. ${collectorChart.chart} ${collectorChart.version} exposes by default only ${exposedDefaults()}. Add ports.${name}: {enabled: true, containerPort: ${w.port}, servicePort: ${w.port}, protocol: TCP}.${fromDefaults}`));
  }
}

function exposedDefaults(): string {
  return Object.entries(defaultPorts).filter(([, p]) => p.enabled).map(([n, p]) => `${n} ${p.containerPort}`).join(', ');
}

function checkChartServiceMonitor(ctx: RuleContext, chart: ChartValuesDocument): void {
  const release = ctx.options.collectorRelease ?? collectorChart.labRelease;
  const sm = serviceMonitorOf(release, chart.values);
  if (!sm) return;
  const smNode = nodeOf(chart, ['serviceMonitor', 'extraLabels', 'release']) ?? nodeOf(chart, ['serviceMonitor']);
  if (sm.labels['release'] !== ctx.options.helmRelease) {
    const why = sm.labels['release'] ? `is labelled release: ${sm.labels['release']}, but the kube-prometheus-stack release is '${ctx.options.helmRelease}'` : `has no release: ${ctx.options.helmRelease} label (the chart adds none unless serviceMonitor.extraLabels has it)`;
    ctx.report(report(chart.view, smNode, 'servicemonitor/release-label-missing', 'error', `The chart's ServiceMonitor ${sm.name} ${why}, so Prometheus ignores it. Set serviceMonitor.extraLabels.release: ${ctx.options.helmRelease}.`));
  }
  const names = servicePorts(chart.values).map((p) => p.name);
  const endpoints = seqItems(at(chart.root, ['serviceMonitor', 'metricsEndpoints']));
  sm.endpointPorts.forEach((port, i) => {
    if (names.includes(port)) return;
    const node = at(endpoints[i], ['port']) ?? nodeOf(chart, ['serviceMonitor']);
    const hint = port === 'metrics' && !names.includes('metrics') ? ' The chart\'s metrics port (8888) is disabled by default: set ports.metrics.enabled: true.' : '';
    ctx.report(report(chart.view, node, 'servicemonitor/port-not-found', 'error', `The chart's ServiceMonitor scrapes port '${port}', which is not an enabled port of the chart's Service ${sm.name} (its ports: ${names.join(', ') || 'none'}); Prometheus gets no target for it.${hint}`));
  });
}

export const collectorChartRules: Rule = (ctx) => {
  for (const chart of ctx.ws.chartValues) {
    checkChartKeys(ctx, chart);
    checkRequired(ctx, chart);
    checkExposedPorts(ctx, chart, ctx.ws.collectors.find((c) => c.chart === chart));
    checkChartServiceMonitor(ctx, chart);
  }
};
