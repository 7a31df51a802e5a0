// Values files for the OpenTelemetry Collector chart: how the linter recognises one, and the
// collector config the chart really writes for it (the chart's default config with the file's
// `config:` merged in), as YAML nodes so findings point into the file.
//
// A YAML file is this chart's values file when (first match wins):
//   1. a comment line says `# chart: open-telemetry/opentelemetry-collector` (the scaffold writes it);
//   2. its name has otel-collector or opentelemetry-collector in it and it is not a Kubernetes object;
//   3. its top level has `mode` (a chart-only key) together with `config`, `image`, `ports` or `presets`.
import { Document, isMap, isScalar, Pair, Scalar, YAMLMap, type Node } from 'yaml';
import { collectorChart, collectorVersionOfValues, defaultConfig, fullname, selectorLabels, serviceEnabled, serviceLabels, servicePorts, type Values } from '../helm/collectorChart';
import type { Finding, Range } from '../finding';
import type { CollectorConfig, K8sObject, YamlDocument } from './model';
import type { RuleContext } from './rule';
import type { Service } from './workloads';
import { asMap, at, entries, entry, nodeRange, type YamlView } from './yamlView';

export interface ChartValuesDocument extends YamlDocument {
  /** The file's values as plain data. */
  values: Values;
  /** The collector version the chart would run (image.tag, or the chart's appVersion). */
  collectorVersion: string;
  /** Where findings about the chart's own defaults point: the `config:` key, or the top of the file. */
  anchor: Range;
}

const headerPattern = /^\s*#\s*chart:\s*open-telemetry\/opentelemetry-collector\b/m;

export function looksLikeCollectorChartValues(view: YamlView, root: YAMLMap<unknown, unknown>): boolean {
  if (headerPattern.test(view.text)) return true;
  const keys = entries(root).map((e) => e.key);
  const base = view.file.split(/[\\/]/).pop() ?? view.file;
  if (/(^|[^a-z])(otel|opentelemetry)[-_]?collector/i.test(base) && !keys.includes('apiVersion')) return true;
  return keys.includes('mode') && ['config', 'image', 'ports', 'presets'].some((k) => keys.includes(k));
}

export function chartValuesDocument(doc: YamlDocument): ChartValuesDocument {
  const js = valuesOf(doc);
  const values = (typeof js === 'object' && js !== null && !Array.isArray(js) ? js : {}) as Values;
  const configEntry = entry(doc.root, 'config');
  const anchor = configEntry ? nodeRange(doc.view, configEntry.keyNode) : nodeRange(doc.view, doc.root.items[0]?.key as Node | undefined);
  return { ...doc, values, collectorVersion: collectorVersionOfValues(values), anchor };
}

/**
 * The file as plain data. A broken alias or an alias bomb throws in toJS; the parser has already
 * reported it as a YAML error, so the chart rules see an empty file rather than failing.
 */
function valuesOf(doc: YamlDocument): unknown {
  try {
    return doc.doc.toJS({ maxAliasCount: 100 });
  } catch {
    return {};
  }
}

/** Gives every node of a tree built from chart defaults the anchor's source range. */
function placeAt<T>(node: T, range: [number, number, number]): T {
  if (isScalar(node)) (node as Scalar).range = range;
  if (isMap(node)) {
    (node as YAMLMap).range = range;
    for (const p of (node as YAMLMap<unknown, unknown>).items) {
      placeAt(p.key, range);
      placeAt(p.value, range);
    }
  }
  if (node && typeof node === 'object' && 'items' in node && !isMap(node)) {
    (node as { range?: [number, number, number] }).range = range;
    for (const item of (node as { items: unknown[] }).items) placeAt(item, range);
  }
  return node;
}

const factory = new Document();

function defaultNode(value: unknown, range: [number, number, number]): unknown {
  return placeAt(factory.createNode(value), range);
}

function plainObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function isNull(node: unknown): boolean {
  return node === null || (isScalar(node) && (node as Scalar).value === null);
}

/** Helm's merge of values into defaults, on nodes: the file's nodes where it has them, null removing a default. */
function mergeNodes(defaults: unknown, node: unknown, range: [number, number, number]): unknown {
  const d = plainObject(defaults);
  const map = asMap(node);
  if (!d || !map) return node;
  const merged = new YAMLMap<unknown, unknown>();
  merged.range = map.range;
  merged.flow = map.flow ?? false;
  const seen = new Set<string>();
  for (const e of entries(map)) {
    seen.add(e.key);
    if (isNull(e.value)) continue;
    merged.items.push(e.key in d ? new Pair(e.pair.key, mergeNodes(d[e.key], e.value, range)) : e.pair);
  }
  for (const [k, v] of Object.entries(d)) {
    if (seen.has(k)) continue;
    merged.items.push(new Pair(defaultNode(k, range), defaultNode(v, range)));
  }
  return merged;
}

/** The collector config the chart writes for these values, or the file's alternateConfig when set. */
export function effectiveConfigNode(doc: ChartValuesDocument): YAMLMap<unknown, unknown> | undefined {
  const alternate = asMap(entry(doc.root, 'alternateConfig')?.value);
  if (alternate && alternate.items.length) return alternate;
  const configEntry = entry(doc.root, 'config');
  const keyRange = (configEntry?.keyNode as Node | null)?.range ?? (doc.root.items[0]?.key as Node | undefined)?.range;
  const range: [number, number, number] = keyRange ? [keyRange[0], keyRange[1], keyRange[1]] : [0, 0, 0];
  const userConfig = configEntry?.value;
  if (isNull(userConfig) || userConfig === undefined) return asMap(defaultNode(defaultConfig, range));
  return asMap(mergeNodes(defaultConfig, userConfig, range));
}

/** A note for findings about what the chart adds, not what the file says. */
export function defaultsNote(): string {
  return `(This comes from the default config of ${collectorChart.chart} ${collectorChart.version}, which the chart merges with config: key by key; set the key to null in config: to remove it.)`;
}

export function sameRange(a: Range | undefined, b: Range): boolean {
  return !!a && a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/**
 * For a chart's merged config: findings about the chart's defaults say so and lose their fixes
 * (their edits would land on the `config:` key); findings in the file's own nodes pass unchanged.
 */
export function reportingDefaults(ctx: RuleContext, cfg: CollectorConfig): RuleContext {
  const chart = cfg.chart;
  if (!chart) return ctx;
  return {
    ...ctx,
    report: (f: Finding) => {
      if (!sameRange(f.range, chart.anchor)) return ctx.report(f);
      ctx.report({ code: f.code, severity: f.severity, message: `${f.message} ${defaultsNote()}`, ...(f.file ? { file: f.file } : {}), ...(f.range ? { range: f.range } : {}) });
    },
  };
}

/** The Service the chart renders for each values file (release: options.collectorRelease), for the rules that match Services. */
export function chartServices(ws: { chartValues: ChartValuesDocument[] }, release: string): Service[] {
  return ws.chartValues
    .filter((c) => serviceEnabled(c.values))
    .map((chart) => {
      const object: K8sObject = { view: chart.view, doc: chart.doc, root: chart.root, apiVersion: 'v1', kind: 'Service', name: fullname(release, chart.values), namespace: undefined };
      const portsNode = entry(chart.root, 'ports')?.keyNode ?? chart.root.items[0]?.key;
      return {
        object,
        namespace: undefined,
        labels: serviceLabels(release, chart.values),
        selector: selectorLabels(release, chart.values),
        selectorNode: portsNode,
        ports: servicePorts(chart.values).map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, node: at(chart.root, ['ports', p.name]) ?? portsNode, targetPortNode: undefined })),
        chart,
      };
    });
}
