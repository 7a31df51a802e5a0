// Where the pipeline view draws each node: a layered left-to-right layout written for this graph's
// one shape (pipelines as rows; receivers, processors in order, exporters as columns), which needs
// no general graph-layout library. Connector links run between rows along the right and left edges.
import type { PipelineGraph } from './pipelineGraph';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PipelineLayout {
  width: number;
  height: number;
  /** Each node's box, by node id. */
  nodes: Record<string, Box>;
  /** Each pipeline's band, by pipeline id (its label sits at the band's top left). */
  rows: Record<string, Box>;
  /** The band for components no pipeline uses, when there are any. */
  unused: Box | undefined;
  /** Each unused component's box, in the order of graph.unused. */
  unusedNodes: Box[];
}

export const layoutSizes = {
  nodeWidth: 172,
  nodeHeight: 44,
  columnGap: 36,
  slotGap: 10,
  rowLabel: 22,
  rowGap: 18,
  margin: 16,
};

export function layoutPipelines(graph: PipelineGraph): PipelineLayout {
  const s = layoutSizes;
  const columnX = (c: number): number => s.margin + c * (s.nodeWidth + s.columnGap);
  const columns = graph.processorColumns + 2;
  const width = columnX(columns) - s.columnGap + s.margin;
  const rows: Record<string, Box> = {};
  const nodes: Record<string, Box> = {};
  let y = s.margin;
  for (const p of graph.pipelines) {
    const h = s.rowLabel + p.slots * s.nodeHeight + (p.slots - 1) * s.slotGap + s.slotGap;
    rows[p.id] = { x: s.margin / 2, y, w: width - s.margin, h };
    const top = y + s.rowLabel;
    const inRow = graph.nodes.filter((n) => n.pipeline === p.id);
    for (const n of inRow) {
      // Processors are one per column: centre them on the row's stack.
      const stack = p.slots * s.nodeHeight + (p.slots - 1) * s.slotGap;
      const ny =
        n.role === 'processor'
          ? top + (stack - s.nodeHeight) / 2
          : top + n.slot * (s.nodeHeight + s.slotGap) + centreOffset(inRow, n, p.slots);
      nodes[n.id] = { x: columnX(n.column), y: ny, w: s.nodeWidth, h: s.nodeHeight };
    }
    y += h + s.rowGap;
  }
  const unusedNodes: Box[] = [];
  let unused: Box | undefined;
  if (graph.unused.length) {
    const perRow = Math.max(1, columns);
    const lines = Math.ceil(graph.unused.length / perRow);
    const h = s.rowLabel + lines * (s.nodeHeight + s.slotGap);
    unused = { x: s.margin / 2, y, w: width - s.margin, h };
    graph.unused.forEach((_u, i) => {
      unusedNodes.push({
        x: columnX(i % perRow),
        y: y + s.rowLabel + Math.floor(i / perRow) * (s.nodeHeight + s.slotGap),
        w: s.nodeWidth,
        h: s.nodeHeight,
      });
    });
    y += h + s.rowGap;
  }
  return { width, height: y + s.margin - s.rowGap, nodes, rows, unused, unusedNodes };
}

/** A shorter stack (one receiver beside three exporters) is centred on the row. */
function centreOffset(inRow: PipelineGraph['nodes'], n: PipelineGraph['nodes'][number], slots: number): number {
  const count = inRow.filter((x) => x.role === n.role).length;
  return ((slots - count) * (layoutSizes.nodeHeight + layoutSizes.slotGap)) / 2;
}
