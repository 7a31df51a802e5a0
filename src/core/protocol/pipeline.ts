// The typed messages between the pipeline view (page) and the extension host. The host sends the
// graph, its layout and the live figures; the page asks only to open a node's YAML, by the id of a
// node the host drew, and the host opens only ranges from the graph it made itself.
import type { NodeFigures } from '../collector/liveFigures';
import type { PipelineGraph } from '../collector/pipelineGraph';
import type { PipelineLayout } from '../collector/pipelineLayout';
import { isRecord } from '../isRecord';
import { hasOnly } from './shape';
import { isReadyMessage, type ReadyMessage } from './query';

/** Open the YAML of node `node` (a graph node's id, or `unused:<index>`). */
export interface PipelineOpenMessage {
  type: 'open';
  node: string;
}

export type PipelinePageMessage = ReadyMessage | PipelineOpenMessage;

export function parsePipelinePageMessage(v: unknown): PipelinePageMessage | undefined {
  if (isReadyMessage(v)) return v;
  if (
    isRecord(v) &&
    v['type'] === 'open' &&
    hasOnly(v, ['type', 'node']) &&
    typeof v['node'] === 'string' &&
    v['node'].length > 0 &&
    v['node'].length <= 1000
  )
    return { type: 'open', node: v['node'] };
  return undefined;
}

/** The id the page sends for the unused component at `index` of graph.unused. */
export function unusedNodeId(index: number): string {
  return `unused:${index}`;
}

export interface PipelineGraphMessage {
  type: 'graph';
  /** "otel-collector.yaml", with where in it: "ConfigMap otel-collector, key relay". */
  title: string;
  /** The file's URI and the cursor's line, which the page keeps so a reload draws the same config. */
  uri: string;
  line: number;
  graph: PipelineGraph;
  layout: PipelineLayout;
}

export interface PipelineFiguresMessage {
  type: 'figures';
  /** Where the figures come from: "the sandbox's collector (http://127.0.0.1:8888/metrics)". */
  source: string;
  /** By node id. */
  figures: Record<string, NodeFigures>;
  /** When the last reading was, as the host's clock says (ms since the epoch). */
  at: number;
}

/** No live figures: why, and how to get them. */
export interface PipelineNoFiguresMessage {
  type: 'noFigures';
  message: string;
}

/** Nothing to draw (no collector config in the file, or not YAML): why, and the next step. */
export interface PipelineEmptyMessage {
  type: 'empty';
  message: string;
}

export type PipelineHostMessage =
  PipelineGraphMessage | PipelineFiguresMessage | PipelineNoFiguresMessage | PipelineEmptyMessage;

export function isPipelineHostMessage(v: unknown): v is PipelineHostMessage {
  const type = isRecord(v) ? v['type'] : undefined;
  return type === 'graph' || type === 'figures' || type === 'noFigures' || type === 'empty';
}
