// helm/*: values files for kube-prometheus-stack and for the OpenTelemetry Collector chart.
// kube-prometheus-stack ignores keys it does not have, so a misspelt or borrowed key (the lab's
// serviceAccounts.server.*) silently changes nothing; the collector chart refuses unknown keys
// where its schema is closed, and fails without mode and image.repository.
import type { Node } from 'yaml';
import { versions } from '../../facts';
import type { Fix } from '../../finding';
import {
  chartKeys,
  collectorChart,
  defaultPorts,
  knownValueMistakes,
  missingRequiredValues,
  serviceEnabled,
  serviceMonitorOf,
  servicePorts,
} from '../../helm/collectorChart';
import { t } from '../../text/l10n';
import { defaultsNote, sameRange, type ChartValuesDocument } from '../chartValues';
import { kubePrometheusStackKeys, knownMistake, looksLikeKubePrometheusStackValues } from '../kubePrometheusStack';
import type { CollectorConfig, YamlDocument } from '../model';
import { describeSelector, labelsWanted, monitorVerdict } from '../monitorSelection';
import { at as report, closest, type Rule, type RuleContext } from '../rule';
import { selects } from '../workloads';
import {
  asMap,
  at,
  entries,
  entry,
  nodeRange,
  offsetsRange,
  scalarText,
  seqItems,
  stringMap,
  type Entry,
} from '../yamlView';

function unknown(ctx: Parameters<Rule>[0], doc: YamlDocument, e: Entry, path: string, allowed: string[]): void {
  const mistake = knownMistake(e.key);
  const near = closest(e.key, allowed);
  const suggestion = mistake ?? (near ? `${path}${near}` : undefined);
  const ignored = t`kube-prometheus-stack ${kubePrometheusStackKeys.version} has no value ${path}${e.key}: \
Helm ignores it silently, so it changes nothing.`;
  ctx.report(
    report(
      doc.view,
      e.keyNode,
      'helm/unknown-value',
      'error',
      suggestion ? `${ignored} ${t`Did you mean ${suggestion}?`}` : ignored,
    ),
  );
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
          if (!kubePrometheusStackKeys.prometheusServiceAccount.includes(third.key))
            unknown(ctx, doc, third, 'prometheus.serviceAccount.', kubePrometheusStackKeys.prometheusServiceAccount);
        }
      }
    }
  }
};

// ---- The OpenTelemetry Collector chart (values files recognised by ../chartValues.ts) ----

function keysAt(path: string): { closed: boolean; keys: string[] } | undefined {
  return chartKeys.find((k) => k.path === path);
}

function unknownChartValue(
  ctx: RuleContext,
  chart: ChartValuesDocument,
  e: Entry,
  parent: string,
  allowed: { closed: boolean; keys: string[] },
): void {
  const path = parent ? `${parent}.${e.key}` : e.key;
  const mistake = knownValueMistakes[path] ?? knownValueMistakes[e.key];
  const near = closest(e.key, allowed.keys);
  const suggestion = mistake ?? (near ? (parent ? `${parent}.${near}` : near) : undefined);
  // Helm's own words, quoted as it prints them.
  const helmSays = `"values don't meet the specifications of the schema": additional properties '${e.key}' not allowed`;
  const effect = allowed.closed
    ? t`${collectorChart.chart} ${collectorChart.version} has no value ${path}: helm refuses the install (${helmSays}).`
    : t`${collectorChart.chart} ${collectorChart.version} has no value ${path}: Helm ignores it silently, so it changes nothing.`;
  ctx.report(
    report(
      chart.view,
      e.keyNode,
      'helm/unknown-value',
      'error',
      suggestion ? `${effect} ${t`Did you mean ${suggestion}?`}` : effect,
    ),
  );
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
        for (const field of entries(asMap(port.value)))
          if (portKeys && !portKeys.keys.includes(field.key))
            unknownChartValue(ctx, chart, field, `ports.${port.key}`, portKeys);
      }
      continue;
    }
    const nested = keysAt(e.key);
    if (!nested) continue;
    for (const inner of entries(asMap(e.value)))
      if (!nested.keys.includes(inner.key)) unknownChartValue(ctx, chart, inner, e.key, nested);
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
      fixes.push({
        title: t`Set image.repository: otel/opentelemetry-collector-contrib (tag ${versions.collector})`,
        edits: [
          {
            file: chart.view.file,
            range: { start: r.start, end: r.start },
            newText: `image:\n  repository: otel/opentelemetry-collector-contrib\n  tag: "${versions.collector}"\n`,
          },
        ],
      });
    }
    if (m.path === 'mode' && !entry(chart.root, 'mode') && first && !chart.root.flow) {
      const r = nodeRange(chart.view, first);
      fixes.push({
        title: t`Set mode: deployment`,
        edits: [{ file: chart.view.file, range: { start: r.start, end: r.start }, newText: 'mode: deployment\n' }],
      });
    }
    ctx.report(
      report(
        chart.view,
        node,
        'helm/missing-required-value',
        'error',
        // The chart's name is written out (collectorChart.chart) so the key is more than placeholders.
        t`${m.message} (opentelemetry-collector ${collectorChart.version})`,
        { fixes },
      ),
    );
  }
}

function portOf(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /:(\d+)$/.exec(text.trim());
  return m?.[1] ? Number(m[1]) : undefined;
}

/** The ports the collector config listens on that Prometheus or the app must reach through the Service. */
/**
 * Whether anything scrapes the chart's collector: its own ServiceMonitor or PodMonitor, a
 * ServiceMonitor in the files that selects its Service, or the lab (which scrapes 8888 and 8889).
 * Without a scraper, a port that is not exposed is only reached inside the pod, which is fine.
 */
function scraped(ctx: RuleContext, chart: ChartValuesDocument): boolean {
  if (ctx.options.labRules) return true;
  if (serviceMonitorOf(ctx.options.collectorRelease ?? collectorChart.labRelease, chart.values)) return true;
  const podMonitor = chart.values['podMonitor'];
  if (
    typeof podMonitor === 'object' &&
    podMonitor !== null &&
    (podMonitor as Record<string, unknown>)['enabled'] === true
  )
    return true;
  const service = ctx.services.find((s) => s.chart === chart);
  return (
    !!service &&
    ctx.ws.objects.some(
      (o) =>
        o.kind === 'ServiceMonitor' &&
        selects(stringMap(at(o.root, ['spec', 'selector', 'matchLabels'])), service.labels),
    )
  );
}

/** Turns on the chart's own port entry that already has this containerPort (metrics: 8888 is off by default). */
function enablePortFix(chart: ChartValuesDocument, port: number): Fix | undefined {
  const name = Object.entries(defaultPorts).find(([, p]) => p.containerPort === port && !p.enabled)?.[0];
  if (!name) return undefined;
  const view = chart.view;
  const title = t`Set ports.${name}.enabled: true`;
  const portsEntry = entry(chart.root, 'ports');
  const named = entry(asMap(portsEntry?.value), name);
  const enabled = entry(asMap(named?.value), 'enabled');
  if (enabled)
    return { title, edits: [{ file: view.file, range: nodeRange(view, enabled.value as Node), newText: 'true' }] };
  const insertBefore = (node: unknown, text: string): Fix => {
    const r = nodeRange(view, node as Node);
    return {
      title,
      edits: [
        {
          file: view.file,
          range: { start: r.start, end: r.start },
          newText: text.split('\n').join(`\n${' '.repeat(r.start.character)}`),
        },
      ],
    };
  };
  const firstField = asMap(named?.value)?.items[0]?.key;
  if (named && firstField && !asMap(named.value)?.flow) return insertBefore(firstField, 'enabled: true\n');
  const firstPort = asMap(portsEntry?.value)?.items[0]?.key;
  if (!named && firstPort && !asMap(portsEntry?.value)?.flow)
    return insertBefore(firstPort, `${name}:\n  enabled: true\n`);
  if (portsEntry || chart.root.flow) return undefined;
  const end = view.text.length;
  const sep = view.text.endsWith('\n') || view.text === '' ? '' : '\n';
  return {
    title,
    edits: [
      {
        file: view.file,
        range: offsetsRange(view, end, end),
        newText: `${sep}ports:\n  ${name}:\n    enabled: true\n`,
      },
    ],
  };
}

function checkExposedPorts(ctx: RuleContext, chart: ChartValuesDocument, config: CollectorConfig | undefined): void {
  if (!config?.root || !serviceEnabled(chart.values) || !scraped(ctx, chart)) return;
  const exposed = servicePorts(chart.values);
  // What listens: the prometheus exporter of that name, or (undefined) the collector's own telemetry.
  const wanted: { port: number; exporter: string | undefined; node: unknown }[] = [];
  for (const e of entries(asMap(at(config.root, ['exporters'])))) {
    if ((e.key.split('/')[0] ?? '') !== 'prometheus') continue;
    const node = at(e.value, ['endpoint']);
    const port = portOf(scalarText(node));
    if (port !== undefined) wanted.push({ port, exporter: e.key, node });
  }
  for (const reader of seqItems(at(config.root, ['service', 'telemetry', 'metrics', 'readers']))) {
    const node = at(reader, ['pull', 'exporter', 'prometheus', 'port']);
    const text = scalarText(node);
    if (text !== undefined && /^\d+$/.test(text)) wanted.push({ port: Number(text), exporter: undefined, node });
  }
  for (const w of wanted) {
    if (exposed.some((p) => p.targetPort === w.port)) continue;
    const name = w.port === 8888 ? 'telemetry' : 'metrics';
    const fromDefaults = sameRange(nodeRange(chart.view, w.node as Node), chart.anchor) ? ` ${defaultsNote()}` : '';
    const fix = enablePortFix(chart, w.port);
    // YAML, a value of the sentence: a key holding { } around a placeholder is misread by vscode.l10n.t.
    const entry = `{enabled: true, containerPort: ${w.port}, servicePort: ${w.port}, protocol: TCP}`;
    const advice = fix ? t`${fix.title} (the chart has that port, off by default).` : t`Add ports.${name}: ${entry}.`;
    const unreachable =
      w.exporter !== undefined
        ? t`The prometheus exporter ${w.exporter} (metrics received over OTLP) listens on ${w.port}, but no enabled \
entry under ports: has containerPort ${w.port}, so the chart's Service (and pod) have no port for it and Prometheus \
cannot scrape it.`
        : t`The collector's own telemetry (otelcol_*) listens on ${w.port}, but no enabled entry under ports: has \
containerPort ${w.port}, so the chart's Service (and pod) have no port for it and Prometheus cannot scrape it.`;
    const defaults = t`${collectorChart.chart} ${collectorChart.version} exposes by default only ${exposedDefaults()}.`;
    ctx.report(
      report(
        chart.view,
        w.node,
        'helm/port-not-exposed',
        'warning',
        `${unreachable} ${defaults} ${advice}${fromDefaults}`,
        {
          fixes: fix ? [fix] : [],
        },
      ),
    );
  }
}

function exposedDefaults(): string {
  return Object.entries(defaultPorts)
    .filter(([, p]) => p.enabled)
    .map(([n, p]) => `${n} ${p.containerPort}`)
    .join(', ');
}

function checkChartServiceMonitor(ctx: RuleContext, chart: ChartValuesDocument): void {
  const sm = serviceMonitorOf(ctx.options.collectorRelease ?? collectorChart.labRelease, chart.values);
  if (!sm) return;
  const smNode = nodeOf(chart, ['serviceMonitor', 'extraLabels', 'release']) ?? nodeOf(chart, ['serviceMonitor']);
  // Judged like any ServiceMonitor: against a Prometheus the files describe, else the lab's release.
  const verdict = monitorVerdict(ctx, sm.labels, undefined);
  const release = ctx.options.helmRelease;
  const missing =
    verdict.kind === 'no-evidence'
      ? ctx.options.labRules === true && sm.labels['release'] !== release
      : verdict.kind === 'not-selected';
  if (missing) {
    const wanted =
      verdict.kind === 'not-selected' && !verdict.onlyReleaseLabel ? labelsWanted(verdict.selectors) : { release };
    const want = Object.entries(wanted ?? {})
      .map(([k, v]) => `serviceMonitor.extraLabels.${k}: ${v}`)
      .join(', ');
    const labelText = Object.entries(sm.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    const selecting =
      verdict.kind === 'not-selected'
        ? verdict.selectors.map((x) => t`${x.who} selects ${describeSelector(x.selector)}`).join('; ')
        : '';
    const why =
      verdict.kind === 'not-selected' && !verdict.onlyReleaseLabel
        ? labelText
          ? t`The chart's ServiceMonitor ${sm.name} is labelled ${labelText}, which no Prometheus in these files selects \
(${selecting}), so Prometheus ignores it.`
          : t`The chart's ServiceMonitor ${sm.name} is labelled with nothing, which no Prometheus in these files selects \
(${selecting}), so Prometheus ignores it.`
        : sm.labels['release']
          ? t`The chart's ServiceMonitor ${sm.name} is labelled release: ${sm.labels['release']}, but the \
kube-prometheus-stack release is '${release}', so Prometheus ignores it.`
          : t`The chart's ServiceMonitor ${sm.name} has no release label (the chart adds none unless \
serviceMonitor.extraLabels has it), and kube-prometheus-stack selects only ServiceMonitors labelled \
release: <its release name>, so Prometheus ignores it.`;
    ctx.report(
      report(
        chart.view,
        smNode,
        verdict.kind === 'not-selected' && !verdict.onlyReleaseLabel
          ? 'servicemonitor/not-selected'
          : 'servicemonitor/release-label-missing',
        'error',
        want ? `${why} ${t`Set ${want}.`}` : why,
      ),
    );
  }
  const names = servicePorts(chart.values).map((p) => p.name);
  const endpoints = seqItems(at(chart.root, ['serviceMonitor', 'metricsEndpoints']));
  sm.endpointPorts.forEach((port, i) => {
    if (names.includes(port)) return;
    const node = at(endpoints[i], ['port']) ?? nodeOf(chart, ['serviceMonitor']);
    const hint =
      port === 'metrics' && !names.includes('metrics')
        ? ` ${t`The chart's metrics port (8888) is disabled by default: set ports.metrics.enabled: true.`}`
        : '';
    ctx.report(
      report(
        chart.view,
        node,
        'servicemonitor/port-not-found',
        'error',
        `${t`The chart's ServiceMonitor scrapes port '${port}', which is not an enabled port of the chart's Service ${sm.name} \
(its ports: ${names.join(', ') || t`none`}); Prometheus gets no target for it.`}${hint}`,
      ),
    );
  });
}

export const collectorChartRules: Rule = (ctx) => {
  for (const chart of ctx.ws.chartValues) {
    checkChartKeys(ctx, chart);
    checkRequired(ctx, chart);
    checkExposedPorts(
      ctx,
      chart,
      ctx.ws.collectors.find((c) => c.chart === chart),
    );
    checkChartServiceMonitor(ctx, chart);
  }
};
