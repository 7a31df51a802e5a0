// Values files for the OpenTelemetry Collector chart: how the linter recognises one, and the
// collector config the chart really writes for it (the chart's default config with the file's
// `config:` merged in), as YAML nodes so findings point into the file.
//
// A YAML file is this chart's values file when (first match wins):
//   1. a comment line says `# chart: open-telemetry/opentelemetry-collector` (the scaffold writes it);
//   2. its name has otel-collector or opentelemetry-collector in it and it is not a Kubernetes object;
//   3. its top level has `mode` (a chart-only key) together with `config`, `image`, `ports` or `presets`.
import { Document, isMap, isScalar, Pair, Scalar, YAMLMap, type Node } from 'yaml';
import {
  collectorChart,
  collectorVersionOfValues,
  defaultConfig,
  fullname,
  selectorLabels,
  serviceEnabled,
  serviceLabels,
  servicePorts,
  type Values,
} from '../helm/collectorChart';
import type { Finding, Range } from '../finding';
import { basename } from '../text/fileName';
import { t } from '../text/l10n';
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
  const base = basename(view.file);
  if (/(^|[^a-z])(otel|opentelemetry)[-_]?collector/i.test(base) && !keys.includes('apiVersion')) return true;
  return keys.includes('mode') && ['config', 'image', 'ports', 'presets'].some((k) => keys.includes(k));
}

export function chartValuesDocument(doc: YamlDocument): ChartValuesDocument {
  const js = valuesOf(doc);
  const values = (typeof js === 'object' && js !== null && !Array.isArray(js) ? js : {}) as Values;
  const configEntry = entry(doc.root, 'config');
  const anchor = configEntry
    ? nodeRange(doc.view, configEntry.keyNode)
    : nodeRange(doc.view, doc.root.items[0]?.key as Node | undefined);
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

/** The collector config the chart writes for these values: `config:` merged into the defaults, or alternateConfig; then the presets. */
export function effectiveConfigNode(doc: ChartValuesDocument): YAMLMap<unknown, unknown> | undefined {
  const alternate = asMap(entry(doc.root, 'alternateConfig')?.value);
  const presetsRange = rangeOf(entry(doc.root, 'presets')?.keyNode, doc);
  if (alternate && alternate.items.length) return applyPresets(alternate, doc.values, presetsRange);
  const configEntry = entry(doc.root, 'config');
  const range = rangeOf(configEntry?.keyNode, doc);
  const userConfig = configEntry?.value;
  const base =
    isNull(userConfig) || userConfig === undefined
      ? asMap(defaultNode(defaultConfig, range))
      : asMap(mergeNodes(defaultConfig, userConfig, range));
  return base && applyPresets(base, doc.values, presetsRange);
}

function rangeOf(key: unknown, doc: ChartValuesDocument): [number, number, number] {
  const r = (key as Node | null | undefined)?.range ?? (doc.root.items[0]?.key as Node | undefined)?.range;
  return r ? [r[0], r[1], r[1]] : [0, 0, 0];
}

/**
 * What each preset adds to the config (templates/_config.tpl at the pinned chart): receivers
 * appended to a pipeline (made if absent), processors put first in each pipeline that exists.
 * The chart applies presets to alternateConfig too.
 */
const presetReceivers: { preset: string[]; receiver: string; pipeline: string }[] = [
  { preset: ['logsCollection'], receiver: 'filelog', pipeline: 'logs' },
  { preset: ['annotationDiscovery', 'logs'], receiver: 'receiver_creator/logs', pipeline: 'logs' },
  { preset: ['annotationDiscovery', 'metrics'], receiver: 'receiver_creator/metrics', pipeline: 'metrics' },
  { preset: ['hostMetrics'], receiver: 'hostmetrics', pipeline: 'metrics' },
  { preset: ['profiling'], receiver: 'profiling', pipeline: 'profiles' },
  { preset: ['kubeletMetrics'], receiver: 'kubeletstats', pipeline: 'metrics' },
  { preset: ['kubernetesEvents'], receiver: 'k8sobjects', pipeline: 'logs' },
  { preset: ['kubernetesObjects'], receiver: 'k8sobjects', pipeline: 'logs' },
  { preset: ['clusterMetrics'], receiver: 'k8s_cluster', pipeline: 'metrics' },
];
const presetProcessors: { preset: string[]; processor: (values: Values) => string }[] = [
  // rewriteDeprecatedComponentNames (on by default) makes it the v0.146.0 name.
  {
    preset: ['kubernetesAttributes'],
    processor: (values) => (values['rewriteDeprecatedComponentNames'] === false ? 'k8sattributes' : 'k8s_attributes'),
  },
  { preset: ['resourceDetection'], processor: () => 'resourcedetection/env' },
];

function presetOn(values: Values, path: string[]): boolean {
  let v: unknown = values['presets'];
  for (const step of path) v = plainObject(v)?.[step];
  return plainObject(v)?.['enabled'] === true;
}

/** A map's copy with one key set (the original tree, the file's own, is never changed). */
function withKey(
  map: YAMLMap<unknown, unknown>,
  key: string,
  value: unknown,
  range: [number, number, number],
): YAMLMap<unknown, unknown> {
  const copy = new YAMLMap<unknown, unknown>();
  copy.range = map.range;
  copy.flow = map.flow ?? false;
  let found = false;
  for (const e of entries(map)) {
    if (e.key === key) {
      copy.items.push(new Pair(e.pair.key, value));
      found = true;
    } else copy.items.push(e.pair);
  }
  if (!found) copy.items.push(new Pair(defaultNode(key, range), value));
  return copy;
}

function mapAt(node: unknown, range: [number, number, number]): YAMLMap<unknown, unknown> {
  return asMap(node) ?? (asMap(defaultNode({}, range)) as YAMLMap<unknown, unknown>);
}

function applyPresets(
  config: YAMLMap<unknown, unknown>,
  values: Values,
  range: [number, number, number],
): YAMLMap<unknown, unknown> {
  let out = config;
  const setPipeline = (pipeline: string, role: 'receivers' | 'processors', name: string, first: boolean): void => {
    const service = mapAt(at(out, ['service']), range);
    const pipelines = mapAt(at(service, ['pipelines']), range);
    const existing = asMap(at(pipelines, [pipeline]));
    if (!existing && role === 'processors') return;
    const p = mapAt(existing, range);
    const list = defaultNode([], range) as { items: unknown[] };
    const old = at(p, [role]);
    const items = old && typeof old === 'object' && 'items' in old ? (old as { items: unknown[] }).items : [];
    if (items.some((i) => isScalar(i) && (i as Scalar).value === name)) return;
    list.items = first ? [defaultNode(name, range), ...items] : [...items, defaultNode(name, range)];
    out = withKey(
      out,
      'service',
      withKey(service, 'pipelines', withKey(pipelines, pipeline, withKey(p, role, list, range), range), range),
      range,
    );
  };
  const define = (kind: 'receivers' | 'processors', name: string): void => {
    const section = mapAt(at(out, [kind]), range);
    if (!entry(section, name)) out = withKey(out, kind, withKey(section, name, defaultNode({}, range), range), range);
  };
  for (const r of presetReceivers) {
    if (!presetOn(values, r.preset)) continue;
    define('receivers', r.receiver);
    setPipeline(r.pipeline, 'receivers', r.receiver, false);
  }
  for (const p of presetProcessors) {
    if (!presetOn(values, p.preset)) continue;
    const name = p.processor(values);
    define('processors', name);
    for (const pipeline of entries(asMap(at(out, ['service', 'pipelines']))).map((e) => e.key))
      setPipeline(pipeline, 'processors', name, true);
  }
  return out;
}

/** A note for findings about what the chart adds, not what the file says. */
export function defaultsNote(): string {
  return t`(This comes from the default config of ${collectorChart.chart} ${collectorChart.version}, which the chart \
merges with config: key by key; set the key to null in config: to remove it.)`;
}

/** A finding's `message` followed by defaultsNote(), as one sentence to translate. */
export function withDefaultsNote(message: string): string {
  return t`${message} (This comes from the default config of ${collectorChart.chart} ${collectorChart.version}, \
which the chart merges with config: key by key; set the key to null in config: to remove it.)`;
}

export function sameRange(a: Range | undefined, b: Range): boolean {
  return (
    !!a &&
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
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
      ctx.report({
        code: f.code,
        severity: f.severity,
        message: withDefaultsNote(f.message),
        ...(f.file ? { file: f.file } : {}),
        ...(f.range ? { range: f.range } : {}),
      });
    },
  };
}

/** The Service the chart renders for each values file (release: options.collectorRelease), for the rules that match Services. */
export function chartServices(ws: { chartValues: ChartValuesDocument[] }, release: string): Service[] {
  return ws.chartValues
    .filter((c) => serviceEnabled(c.values))
    .map((chart) => {
      const object: K8sObject = {
        view: chart.view,
        doc: chart.doc,
        root: chart.root,
        apiVersion: 'v1',
        kind: 'Service',
        name: fullname(release, chart.values),
        namespace: undefined,
      };
      const portsNode = entry(chart.root, 'ports')?.keyNode ?? chart.root.items[0]?.key;
      return {
        object,
        namespace: undefined,
        labels: serviceLabels(release, chart.values),
        selector: selectorLabels(release, chart.values),
        selectorNode: portsNode,
        ports: servicePorts(chart.values).map((p) => ({
          name: p.name,
          port: p.port,
          targetPort: p.targetPort,
          node: at(chart.root, ['ports', p.name]) ?? portsNode,
          targetPortNode: undefined,
        })),
        chart,
      };
    });
}
