// The collector's pipelines as a graph the pipeline view draws: one row per pipeline, its
// receivers, processors and exporters in columns, connectors as links from the pipeline that
// exports to one to the pipelines that receive from it, the components defined but used by no
// pipeline, and each lint finding placed on the node whose YAML it points into. Pure: it reads a
// config the lint's workspace model already parsed (standalone, in a ConfigMap, or a chart's
// merged values), so the view and the lint agree on what the collector runs.
import type { Node } from 'yaml';
import type { Finding, Range, Severity } from '../finding';
import type { CollectorConfig } from '../lint/model';
import { asMap, entries, entry, nodeRange, scalarText, seqItems } from '../lint/yamlView';
import { t } from '../text/l10n';

export type ComponentKind = 'receiver' | 'processor' | 'exporter' | 'connector';
export type NodeRole = 'receiver' | 'processor' | 'exporter';
export type Signal = 'traces' | 'metrics' | 'logs' | 'profiles';

export interface NodeFinding {
  code: string;
  severity: Severity;
  message: string;
}

export interface GraphNode {
  /** Unique in the graph: `<pipeline>|<role>|<component>`. */
  id: string;
  pipeline: string;
  role: NodeRole;
  /** The component id as the config names it: `otlp`, `otlphttp/dead`. */
  component: string;
  /** A connector: an exporter in one pipeline and a receiver in another. */
  connector: boolean;
  /** Defined in its section (receivers:, processors:, exporters:, connectors:). */
  defined: boolean;
  /** Comes from the collector chart's defaults or presets, not from the file's own text. */
  chartDefault: boolean;
  /** 0 for receivers, 1..n for processors in order, n+1 for exporters (n: the widest pipeline's processors). */
  column: number;
  /** Position within its pipeline's cell (several receivers or exporters stack). */
  slot: number;
  /** Where clicking it goes: the component's definition, else its name in the pipeline's list. */
  range: Range;
  findings: NodeFinding[];
}

export interface PipelineRow {
  id: string;
  signal: Signal | undefined;
  range: Range;
  /** How many receivers or exporters stack in this row (its height in slots). */
  slots: number;
}

export interface Edge {
  from: string;
  to: string;
}

/** A connector's link: its exporter node in one pipeline to its receiver node in another. */
export interface ConnectorLink {
  connector: string;
  from: string;
  to: string;
}

export interface UnusedComponent {
  kind: ComponentKind;
  component: string;
  range: Range;
  findings: NodeFinding[];
}

export interface PipelineGraph {
  file: string;
  /** Where the config sits, for the title: "ConfigMap otel-collector, key relay", "chart values". */
  where: string | undefined;
  pipelines: PipelineRow[];
  nodes: GraphNode[];
  edges: Edge[];
  links: ConnectorLink[];
  unused: UnusedComponent[];
  /** The widest pipeline's processor count: exporters sit in column processorColumns + 1. */
  processorColumns: number;
  /** Findings in this config that point at no node (service:, telemetry:, the chart's defaults). */
  findings: NodeFinding[];
}

const sections: Record<ComponentKind, string> = {
  receiver: 'receivers',
  processor: 'processors',
  exporter: 'exporters',
  connector: 'connectors',
};

const signals: readonly Signal[] = ['traces', 'metrics', 'logs', 'profiles'];

/** `metrics/app` → metrics; an id whose type is no signal → undefined. */
export function pipelineSignal(id: string): Signal | undefined {
  const type = id.split('/')[0] ?? '';
  return signals.find((s) => s === type);
}

interface Definition {
  range: Range;
  /** The whole entry, key to value, for placing findings. */
  span: Range;
  chartDefault: boolean;
}

function contains(outer: Range, inner: Range): boolean {
  const before = (a: Range['start'], b: Range['start']): boolean =>
    a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

function same(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

function whereOf(cfg: CollectorConfig): string | undefined {
  if (cfg.chart) return t`collector chart values, merged with the chart defaults`;
  const e = cfg.view.embeddedIn;
  if (e) return t`${e.kind} ${e.name}, key ${e.key}`;
  return undefined;
}

/** The ranges chart-default nodes carry (the `config:`, `presets:` or `alternateConfig:` key). */
function chartAnchors(cfg: CollectorConfig): Range[] {
  if (!cfg.chart) return [];
  const out: Range[] = [];
  for (const key of ['config', 'presets', 'alternateConfig']) {
    const e = entry(cfg.chart.root, key);
    if (e?.keyNode) out.push(nodeRange(cfg.chart.view, e.keyNode));
  }
  return out;
}

function toNodeFinding(f: Finding): NodeFinding {
  return { code: f.code, severity: f.severity, message: f.message };
}

/**
 * The graph of `cfg`'s pipelines. `findings` are the lint's for the file (others are ignored);
 * each goes on the nodes of the component whose definition or pipeline entry holds its range,
 * else on the unused component it is about, else on the graph.
 */
export function pipelineGraph(cfg: CollectorConfig, findings: readonly Finding[] = []): PipelineGraph {
  const view = cfg.view;
  const anchors = chartAnchors(cfg);
  const isDefault = (r: Range): boolean => anchors.some((a) => same(a, r));

  const defs = new Map<string, Definition>();
  const defKey = (kind: ComponentKind, name: string): string => `${kind}:${name}`;
  for (const kind of Object.keys(sections) as ComponentKind[]) {
    for (const e of entries(asMap(entry(cfg.root, sections[kind])?.value))) {
      const range = nodeRange(view, e.keyNode);
      defs.set(defKey(kind, e.key), {
        range,
        span: nodeRange(view, e.pair, range),
        chartDefault: isDefault(range),
      });
    }
  }
  const connectorNames = new Set(
    [...defs.keys()].filter((k) => k.startsWith('connector:')).map((k) => k.slice('connector:'.length)),
  );

  const service = asMap(entry(cfg.root, 'service')?.value);
  const pipelinesEntry = entry(service, 'pipelines');
  const rows: PipelineRow[] = [];
  const nodes: GraphNode[] = [];
  const edges: Edge[] = [];
  const used = new Set<string>();
  /** Each node's own reference span in its pipeline list, for findings on that list item. */
  const references = new Map<string, Range>();

  const lists: { id: string; range: Range; receivers: Ref[]; processors: Ref[]; exporters: Ref[] }[] = [];
  for (const p of entries(asMap(pipelinesEntry?.value))) {
    const body = asMap(p.value);
    lists.push({
      id: p.key,
      range: nodeRange(view, p.keyNode),
      receivers: refs(view, entry(body, 'receivers')?.value),
      processors: refs(view, entry(body, 'processors')?.value),
      exporters: refs(view, entry(body, 'exporters')?.value),
    });
  }
  const processorColumns = Math.max(0, ...lists.map((l) => l.processors.length));

  for (const l of lists) {
    const make = (role: NodeRole, ref: Ref, column: number, slot: number): GraphNode => {
      const connector = role !== 'processor' && connectorNames.has(ref.name);
      const kind: ComponentKind = connector ? 'connector' : role;
      const def = defs.get(defKey(kind, ref.name));
      used.add(defKey(kind, ref.name));
      const node: GraphNode = {
        id: `${l.id}|${role}|${ref.name}`,
        pipeline: l.id,
        role,
        component: ref.name,
        connector,
        defined: def !== undefined,
        chartDefault: def?.chartDefault ?? isDefault(ref.range),
        column,
        slot,
        range: def && !def.chartDefault ? def.range : ref.range,
        findings: [],
      };
      references.set(node.id, ref.range);
      nodes.push(node);
      return node;
    };
    const receivers = l.receivers.map((r, i) => make('receiver', r, 0, i));
    const processors = l.processors.map((r, i) => make('processor', r, i + 1, 0));
    const exporters = l.exporters.map((r, i) => make('exporter', r, processorColumns + 1, i));
    const first = processors[0];
    const last = processors[processors.length - 1];
    for (const r of receivers) {
      if (first) edges.push({ from: r.id, to: first.id });
      else for (const x of exporters) edges.push({ from: r.id, to: x.id });
    }
    for (let i = 1; i < processors.length; i++) edges.push({ from: processors[i - 1]!.id, to: processors[i]!.id });
    if (last) for (const x of exporters) edges.push({ from: last.id, to: x.id });
    rows.push({
      id: l.id,
      signal: pipelineSignal(l.id),
      range: l.range,
      slots: Math.max(1, receivers.length, exporters.length),
    });
  }

  const links: ConnectorLink[] = [];
  for (const from of nodes) {
    if (!from.connector || from.role !== 'exporter') continue;
    for (const to of nodes)
      if (to.connector && to.role === 'receiver' && to.component === from.component)
        links.push({ connector: from.component, from: from.id, to: to.id });
  }

  const unused: UnusedComponent[] = [];
  for (const [key, def] of defs) {
    if (used.has(key)) continue;
    const [kind, ...rest] = key.split(':');
    unused.push({ kind: kind as ComponentKind, component: rest.join(':'), range: def.range, findings: [] });
  }

  const general: NodeFinding[] = [];
  for (const f of findings) {
    if (f.file !== undefined && f.file !== view.file) continue;
    if (!f.range || !placeFinding(f, f.range)) general.push(toNodeFinding(f));
  }

  function placeFinding(f: Finding, r: Range): boolean {
    // Most specific first: a pipeline list item, then a component's definition.
    const onRef = nodes.filter((n) => {
      const ref = references.get(n.id);
      return ref !== undefined && !n.chartDefault && contains(ref, r);
    });
    if (onRef.length) {
      for (const n of onRef) n.findings.push(toNodeFinding(f));
      return true;
    }
    for (const [key, def] of defs) {
      if (def.chartDefault || !contains(def.span, r)) continue;
      const [kind, ...rest] = key.split(':');
      const name = rest.join(':');
      const targets = nodes.filter(
        (n) => n.component === name && (kind === 'connector' ? n.connector : !n.connector && n.role === kind),
      );
      const u = unused.find((x) => x.kind === kind && x.component === name);
      for (const n of targets) n.findings.push(toNodeFinding(f));
      if (u) u.findings.push(toNodeFinding(f));
      if (targets.length || u) return true;
    }
    return false;
  }

  return {
    file: view.file,
    where: whereOf(cfg),
    pipelines: rows,
    nodes,
    edges,
    links,
    unused,
    processorColumns,
    findings: general,
  };
}

interface Ref {
  name: string;
  range: Range;
}

function refs(view: CollectorConfig['view'], list: unknown): Ref[] {
  const out: Ref[] = [];
  for (const item of seqItems(list)) {
    const name = scalarText(item);
    if (name !== undefined) out.push({ name, range: nodeRange(view, item as Node) });
  }
  return out;
}
