// What the pipeline view draws for a file and the cursor's line: the collector config there (the
// first when the cursor is in none), linted, as a graph with its layout; or, when the file holds
// none, the sentence the view shows instead. One function, so the editor's redraw after an edit,
// the tests and the bench do the same work.
import { lint } from '../lint/engine';
import { buildWorkspace, type CollectorConfig } from '../lint/model';
import { nodeRange } from '../lint/yamlView';
import { t } from '../text/l10n';
import { pipelineGraph, type PipelineGraph } from './pipelineGraph';
import { layoutPipelines, type PipelineLayout } from './pipelineLayout';

export interface PipelineView {
  graph: PipelineGraph;
  layout: PipelineLayout;
  /** "otel-collector.yaml (ConfigMap otel-collector, key relay)". */
  title: string;
}

export function pipelineViewAt(file: string, text: string, line: number): PipelineView | string {
  const ws = buildWorkspace([{ file, text }]);
  if (!ws.collectors.length) {
    const broken = ws.findings.find((f) => f.severity === 'error');
    return broken
      ? t`The file does not parse as YAML (${broken.message}, line ${(broken.range?.start.line ?? 0) + 1}): \
fix it and the view draws again.`
      : t`No collector config here: open a collector config (receivers:, exporters:, service:), a ConfigMap \
holding one, or the collector chart’s values file, then run Show Collector Pipelines.`;
  }
  const holds = (c: CollectorConfig): boolean => {
    const r = c.chart || !c.root ? undefined : nodeRange(c.view, c.root);
    return r !== undefined && r.start.line <= line && line <= r.end.line;
  };
  const cfg = ws.collectors.find(holds) ?? ws.collectors[0]!;
  const graph = pipelineGraph(cfg, lint([{ file, text }]));
  const base = file.split(/[\\/]/).pop() ?? file;
  return { graph, layout: layoutPipelines(graph), title: graph.where ? `${base} (${graph.where})` : base };
}
