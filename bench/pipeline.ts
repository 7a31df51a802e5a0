// The pipeline view's redraw after an edit (issue 19): for a 30-component collector config (10
// receivers, 10 processors, 10 exporters, 3 pipelines and a connector), what the host does on each
// debounced edit (parse, lint, graph, layout: pipelineViewAt) and what the page does with it (the
// SVG drawn by src/webview/pipeline.ts in headless Chromium, live figures on). Goal: under 50 ms
// together; the editor's 300 ms debounce is not counted.
import { buildSync } from 'esbuild';
import { liveFigures, parseExposition } from '../src/core/collector/liveFigures';
import { pipelineViewAt, type PipelineView } from '../src/core/collector/pipelineView';
import type { PipelineFiguresMessage, PipelineGraphMessage } from '../src/core/protocol/pipeline';
import { launchBrowser } from '../test/harness/chromium';

/** A config with 30 components: 10 receivers, 10 processors, 9 exporters and a count connector, in three pipelines. */
export function thirtyComponentConfig(edit: number): string {
  const range = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_v, i) => f(i)).join('');
  const list = (names: string[]): string => `[${names.join(', ')}]`;
  const receivers = Array.from({ length: 10 }, (_v, i) => `otlp/r${i}`);
  const processors = Array.from({ length: 10 }, (_v, i) => `batch/p${i}`);
  const exporters = Array.from({ length: 9 }, (_v, i) => `otlphttp/e${i}`);
  return `# edit ${edit}
receivers:
${range(10, (i) => `  otlp/r${i}:\n    protocols:\n      grpc:\n        endpoint: 127.0.0.1:${14000 + i + edit}\n`)}processors:
${range(10, (i) => `  batch/p${i}:\n    timeout: ${i + 1}s\n`)}exporters:
${range(9, (i) => `  otlphttp/e${i}:\n    endpoint: http://127.0.0.1:${15000 + i}\n`)}connectors:
  count: {}
service:
  pipelines:
    traces:
      receivers: ${list(receivers.slice(0, 4))}
      processors: ${list(processors.slice(0, 5))}
      exporters: ${list([...exporters.slice(0, 3), 'count'])}
    metrics:
      receivers: ${list([...receivers.slice(4, 10), 'count'])}
      processors: ${list(processors.slice(5, 10))}
      exporters: ${list(exporters.slice(3, 9))}
    logs:
      receivers: ${list(receivers.slice(0, 2))}
      processors: ${list(processors.slice(0, 2))}
      exporters: ${list(exporters.slice(0, 2))}
`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function telemetryFor(view: PipelineView): string {
  return view.graph.nodes
    .map((n) =>
      n.role === 'receiver'
        ? `otelcol_receiver_accepted_spans{receiver="${n.component}",transport="grpc"} 120\n`
        : n.role === 'exporter'
          ? `otelcol_exporter_sent_spans{exporter="${n.component}"} 100\notelcol_exporter_send_failed_spans{exporter="${n.component}"} 3\n`
          : `otelcol_processor_incoming_items{processor="${n.component}",otel_signal="traces"} 120\n`,
    )
    .join('');
}

export async function benchPipeline(): Promise<void> {
  const goal = 50;
  const host: number[] = [];
  let view: PipelineView | undefined;
  for (let i = 0; i < 60; i++) {
    const text = thirtyComponentConfig(i);
    const t = performance.now();
    const v = pipelineViewAt('bench-collector.yaml', text, 0);
    const ms = performance.now() - t;
    if (typeof v === 'string') throw new Error(`the bench config draws nothing: ${v}`);
    view = v;
    if (i >= 10) host.push(ms);
  }
  if (!view) return;
  const components = new Set(view.graph.nodes.map((n) => `${n.connector ? 'c' : n.role}:${n.component}`)).size;
  const hostMs = median(host);

  const built = buildSync({
    entryPoints: ['src/webview/pipeline.ts'],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    logLevel: 'silent',
  });
  const script = built.outputFiles[0]?.text ?? '';
  const samples = parseExposition(telemetryFor(view));
  const graphMessage: PipelineGraphMessage = { type: 'graph', uri: 'file:///bench', line: 0, ...view };
  const figures: PipelineFiguresMessage = {
    type: 'figures',
    source: 'bench',
    figures: liveFigures(view.graph, samples),
    at: 0,
  };
  const browser = await launchBrowser();
  let pageMs = NaN;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const stub =
      'let state; window.acquireVsCodeApi = () => ({ postMessage: () => {}, getState: () => state, setState: (s) => { state = s; } });';
    await page.setContent(
      `<!DOCTYPE html><html><body><div id="app"></div><script>${stub}</script><script>${script.replace(/<\/script/g, '<\\/script')}</script></body></html>`,
    );
    await page.evaluate((f) => window.dispatchEvent(new MessageEvent('message', { data: f })), figures);
    const times: number[] = [];
    for (let i = 0; i < 22; i++) {
      times.push(
        await page.evaluate((m) => {
          const t = performance.now();
          window.dispatchEvent(new MessageEvent('message', { data: m }));
          document.body.getBoundingClientRect(); // layout included
          return performance.now() - t;
        }, graphMessage),
      );
    }
    pageMs = median(times.slice(2));
  } finally {
    await browser.close();
  }
  const total = hostMs + pageMs;
  console.log(
    `${`pipeline view redraw after an edit, ${components} components (host p50 of 50)`.padEnd(64)} ${`${hostMs.toFixed(1)} ms`.padStart(14)}  parse, lint, graph, layout`,
  );
  console.log(
    `${'pipeline view: the page draws it as SVG, in Chromium (p50 of 20)'.padEnd(64)} ${`${pageMs.toFixed(1)} ms`.padStart(14)}  with live figures on every node`,
  );
  console.log(
    `${'pipeline view: edit to redrawn graph, debounce not counted'.padEnd(64)} ${`${total.toFixed(1)} ms`.padStart(14)}  ${(total / goal).toFixed(2)}× of the ${goal} ms goal`,
  );
}
