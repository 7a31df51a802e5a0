// The collector's own metrics placed on the pipeline view's nodes, so the student sees where data
// stops: a receiver's accepted/refused points, a processor's items in and out, an exporter's
// sent/failed points and queue. Names and labels as the real collectors 0.155.0 and 0.165.1 expose
// them on their Prometheus-format telemetry endpoint (checked 2026-12-05 by running both builds:
// `otelcol_receiver_accepted_metric_points{receiver,transport}`, `otelcol_exporter_sent_spans{exporter}`,
// `otelcol_exporter_send_failed_log_records{exporter,error_type,...}`, `otelcol_exporter_queue_size{exporter,data_type}`,
// `otelcol_processor_incoming_items{processor,otel_signal}`; counters carry no `_total` there, a
// `_total` name is read too). The metrics are per component, not per pipeline: a component in two
// pipelines of one signal shows the same figures in both.
import { t } from '../text/l10n';
import type { GraphNode, PipelineGraph, Signal } from './pipelineGraph';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export type NodeHealth = 'flowing' | 'failing' | 'idle' | 'unknown';

export interface NodeFigures {
  /** Receiver: accepted; processor: items in; exporter: sent. */
  in?: number;
  /** Processor: items out. */
  out?: number;
  /** Receiver: refused + failed; exporter: send failed + enqueue failed. */
  failed?: number;
  /** Exporter: items waiting in its sending queue. */
  queue?: number;
  health: NodeHealth;
  /** Why the health: "send failed rose by 12 since the last reading". */
  note: string;
}

/** What the figures of one signal are called: `otelcol_receiver_accepted_<unit>`. */
const units: Record<Signal, string> = {
  metrics: 'metric_points',
  traces: 'spans',
  logs: 'log_records',
  profiles: 'profiles',
};

/**
 * Reads Prometheus' text exposition format (what the collector's telemetry endpoint serves):
 * one sample per line, `name{label="value",...} value [timestamp]`; comments and unreadable lines skipped.
 */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = Number(m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : m[4]);
    if (Number.isNaN(value) && m[4] !== 'NaN') continue;
    out.push({ name: m[1]!, labels: parseLabels(m[3] ?? ''), value });
  }
  return out;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    labels[m[1]!] = m[2]!.replace(/\\(["\\n])/g, (_s, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

/** The sum of `name` (or `name_total`) over the samples whose labels match. */
function total(samples: readonly Sample[], name: string, match: Record<string, string>): number | undefined {
  let sum: number | undefined;
  for (const s of samples) {
    if (s.name !== name && s.name !== `${name}_total`) continue;
    if (!Object.entries(match).every(([k, v]) => s.labels[k] === v)) continue;
    sum = (sum ?? 0) + s.value;
  }
  return sum;
}

function add(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
}

interface Raw {
  in?: number;
  out?: number;
  failed?: number;
  queue?: number;
}

function rawFigures(node: GraphNode, signal: Signal | undefined, samples: readonly Sample[]): Raw {
  if (!signal) return {};
  const unit = units[signal];
  const id = node.component;
  const r: Raw = {};
  const set = (k: keyof Raw, v: number | undefined): void => {
    if (v !== undefined) r[k] = v;
  };
  if (node.role === 'receiver') {
    set('in', total(samples, `otelcol_receiver_accepted_${unit}`, { receiver: id }));
    set(
      'failed',
      add(
        total(samples, `otelcol_receiver_refused_${unit}`, { receiver: id }),
        total(samples, `otelcol_receiver_failed_${unit}`, { receiver: id }),
      ),
    );
  } else if (node.role === 'exporter') {
    set('in', total(samples, `otelcol_exporter_sent_${unit}`, { exporter: id }));
    set(
      'failed',
      add(
        total(samples, `otelcol_exporter_send_failed_${unit}`, { exporter: id }),
        total(samples, `otelcol_exporter_enqueue_failed_${unit}`, { exporter: id }),
      ),
    );
    set('queue', total(samples, 'otelcol_exporter_queue_size', { exporter: id, data_type: signal }));
  } else {
    set('in', total(samples, 'otelcol_processor_incoming_items', { processor: id, otel_signal: signal }));
    set('out', total(samples, 'otelcol_processor_outgoing_items', { processor: id, otel_signal: signal }));
  }
  return r;
}

function health(now: Raw, before: Raw | undefined): { health: NodeHealth; note: string } {
  if (now.in === undefined && now.failed === undefined && now.out === undefined)
    return { health: 'unknown', note: t`the collector reports no figures for this component` };
  const failedRise = (now.failed ?? 0) - (before ? (before.failed ?? 0) : 0);
  if (failedRise > 0)
    return {
      health: 'failing',
      note: before ? t`failed rose by ${failedRise} since the last reading` : t`${failedRise} failed since the start`,
    };
  if ((now.in ?? 0) === 0) return { health: 'idle', note: t`nothing has passed here yet` };
  if (before && (now.in ?? 0) === (before.in ?? 0))
    return { health: 'idle', note: t`nothing passed here since the last reading` };
  return { health: 'flowing', note: t`data is passing` };
}

/**
 * Each node's figures from one reading of the collector's telemetry, judged against the reading
 * before (when there is one): failing when refused/failed rose, idle when accepted or sent did not move.
 */
export function liveFigures(
  graph: PipelineGraph,
  samples: readonly Sample[],
  previous?: readonly Sample[],
): Record<string, NodeFigures> {
  const signalOf = new Map(graph.pipelines.map((p) => [p.id, p.signal]));
  const out: Record<string, NodeFigures> = {};
  for (const node of graph.nodes) {
    const signal = signalOf.get(node.pipeline);
    const now = rawFigures(node, signal, samples);
    const before = previous ? rawFigures(node, signal, previous) : undefined;
    out[node.id] = { ...now, ...health(now, before) };
  }
  return out;
}
