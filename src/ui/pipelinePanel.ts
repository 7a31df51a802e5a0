// Observability Lab: Show Collector Pipelines. Draws the collector config under the cursor (a
// collector file, a ConfigMap holding one, or the collector chart's values merged with the chart's
// defaults) as pipelines of receivers, processors and exporters, with the lint's findings on their
// nodes, redrawn as the file is edited; while the sandbox's collector runs, or a port-forward
// reaches a collector's telemetry port (8888; which is read first: src/core/collector/telemetrySource.ts),
// each node shows the collector's own figures, read every few seconds, so the student sees the link
// where data stops. Entry of the dist/pipeline.js bundle.
import * as vscode from 'vscode';
import { liveFigures, parseExposition, type Sample } from '../core/collector/liveFigures';
import type { PipelineGraph } from '../core/collector/pipelineGraph';
import { pipelineViewAt } from '../core/collector/pipelineView';
import { telemetrySources, type TelemetrySource } from '../core/collector/telemetrySource';
import type { Range } from '../core/finding';
import { isRecord } from '../core/isRecord';
import { parsePipelinePageMessage, unusedNodeId, type PipelineHostMessage } from '../core/protocol/pipeline';
import type { PipelinePageStrings } from '../core/protocol/pageStrings';
import { isOurProcess } from '../node/process/processes';
import { readSandboxState } from '../node/sandbox/sandboxState';
import type { CommandFactory, Ctx } from './context';
import { adoptPanel, connectPanel, createPanel, webviewHtml } from './webviewHtml';

export const pipelineViewType = 'obslab.pipeline';

/** How long the view waits after the last keystroke before it redraws. */
const redrawDelayMs = 300;
/** How often it reads the collector's telemetry. */
const pollMs = 3000;

/** Where the collector's telemetry may be now (the order is telemetrySources'): the sandbox's collector when it runs, and the forwards. */
function telemetryCandidates(ctx: Ctx): TelemetrySource[] {
  const col = readSandboxState()?.collector;
  const running = col && isOurProcess(col.pid, col.marker) ? col : undefined;
  return telemetrySources(running, ctx.forwards.all());
}

/** The first candidate that answers with the collector's metrics, or why none did. */
async function readTelemetry(
  candidates: readonly TelemetrySource[],
): Promise<{ source: TelemetrySource; text: string } | { problem: string }> {
  let problem = '';
  for (const source of candidates) {
    try {
      const res = await fetch(source.url, { signal: AbortSignal.timeout(2500) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      if (text.includes('otelcol_')) return { source, text };
      problem ||= vscode.l10n.t('{0} serves no otelcol_ metrics', source.label);
    } catch (e) {
      problem ||= vscode.l10n.t('could not read {0}: {1}', source.label, e instanceof Error ? e.message : String(e));
    }
  }
  return { problem };
}

class PipelinePanel {
  static current: PipelinePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private graph: PipelineGraph | undefined;
  private last: PipelineHostMessage | undefined;
  private lastFigures: PipelineHostMessage | undefined;
  private previous: Sample[] | undefined;
  private redrawTimer: ReturnType<typeof setTimeout> | undefined;
  private poller: ReturnType<typeof setInterval> | undefined;
  private polling = false;

  private constructor(
    private readonly ctx: Ctx,
    readonly panel: vscode.WebviewPanel,
    private uri: vscode.Uri,
    private line: number,
  ) {
    connectPanel(panel, this.disposables, { message: (m) => void this.onMessage(m), dispose: () => this.dispose() });
    panel.webview.html = webviewHtml(
      panel.webview,
      ctx.extension.extensionUri,
      'pipeline',
      vscode.l10n.t('Collector Pipelines'),
      pipelinePageStrings(),
    );
    vscode.workspace.onDidChangeTextDocument(
      (e) => {
        if (e.document.uri.toString() === this.uri.toString()) this.scheduleRedraw();
      },
      null,
      this.disposables,
    );
    this.poller = setInterval(() => void this.poll(), pollMs);
  }

  static show(ctx: Ctx, uri: vscode.Uri, line: number): PipelinePanel {
    const p = PipelinePanel.current;
    if (p) {
      p.uri = uri;
      p.line = line;
      p.previous = undefined;
      p.panel.reveal();
      return p;
    }
    const panel = createPanel(ctx.extension.extensionUri, pipelineViewType, vscode.l10n.t('Collector Pipelines'), {
      retainContextWhenHidden: true,
      preserveFocus: true,
    });
    PipelinePanel.current = new PipelinePanel(ctx, panel, uri, line);
    return PipelinePanel.current;
  }

  static adopt(ctx: Ctx, panel: vscode.WebviewPanel, uri: vscode.Uri, line: number): PipelinePanel {
    PipelinePanel.current?.panel.dispose();
    PipelinePanel.current = new PipelinePanel(ctx, adoptPanel(ctx.extension.extensionUri, panel), uri, line);
    return PipelinePanel.current;
  }

  private post(m: PipelineHostMessage): void {
    if (m.type === 'figures' || m.type === 'noFigures') this.lastFigures = m;
    else this.last = m;
    void this.panel.webview.postMessage(m);
  }

  private scheduleRedraw(): void {
    if (this.redrawTimer) clearTimeout(this.redrawTimer);
    this.redrawTimer = setTimeout(() => void this.draw(), redrawDelayMs);
  }

  /** Draws the file as it is in the editor (unsaved edits included). */
  async draw(): Promise<void> {
    let text: string;
    try {
      text = (await vscode.workspace.openTextDocument(this.uri)).getText();
    } catch (e) {
      this.graph = undefined;
      this.post({
        type: 'empty',
        message:
          `Cannot read ${this.uri.fsPath}: ${e instanceof Error ? e.message : String(e)}. ` +
          'Open the collector config and run Show Collector Pipelines again.',
      });
      return;
    }
    const made = pipelineViewAt(this.uri.fsPath, text, this.line);
    if (typeof made === 'string') {
      this.graph = undefined;
      this.post({ type: 'empty', message: made });
      return;
    }
    this.graph = made.graph;
    this.panel.title = vscode.l10n.t('Pipelines: {0}', made.title);
    this.post({
      type: 'graph',
      title: made.title,
      uri: this.uri.toString(),
      line: this.line,
      graph: made.graph,
      layout: made.layout,
    });
    await this.poll();
  }

  /** One reading of the collector's telemetry, placed on the graph's nodes. */
  private async poll(): Promise<void> {
    const graph = this.graph;
    if (!graph || this.polling) return;
    this.polling = true;
    try {
      const candidates = telemetryCandidates(this.ctx);
      if (!candidates.length) {
        this.previous = undefined;
        // Two texts to translate, so that neither is a line over 160 characters.
        this.post({
          type: 'noFigures',
          message: vscode.l10n.t(
            'No live figures: {0}',
            vscode.l10n.t(
              'start the sandbox (Observability Lab: Start Sandbox), or port-forward the collector’s telemetry port 8888, to see each node’s figures.',
            ),
          ),
        });
        return;
      }
      const read = await readTelemetry(candidates);
      if ('problem' in read) {
        this.previous = undefined;
        this.post({
          type: 'noFigures',
          message: vscode.l10n.t(
            'No live figures: {0}. Is the collector running, with its telemetry on that port?',
            read.problem,
          ),
        });
        return;
      }
      const { source, text } = read;
      const samples = parseExposition(text);
      const figures = liveFigures(graph, samples, this.previous);
      this.previous = samples;
      this.post({ type: 'figures', source: source.label, figures, at: Date.now() });
    } finally {
      this.polling = false;
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parsePipelinePageMessage(raw);
    if (!m) {
      this.ctx.output.appendLine('[pipeline] ignored a malformed message from the pipeline page');
      return;
    }
    if (m.type === 'ready') {
      if (this.last) void this.panel.webview.postMessage(this.last);
      else await this.draw();
      if (this.lastFigures) void this.panel.webview.postMessage(this.lastFigures);
      return;
    }
    const range = this.rangeOf(m.node);
    if (!range) return;
    const doc = await vscode.workspace.openTextDocument(this.uri);
    const sel = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
    // Beside the view, so the graph stays in sight while the student reads or edits the YAML.
    const viewColumn = this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
    await vscode.window.showTextDocument(doc, { selection: sel, viewColumn });
  }

  private rangeOf(id: string): Range | undefined {
    const g = this.graph;
    if (!g) return undefined;
    const unused = g.unused.findIndex((_u, i) => unusedNodeId(i) === id);
    if (unused >= 0) return g.unused[unused]?.range;
    return g.nodes.find((n) => n.id === id)?.range;
  }

  private dispose(): void {
    PipelinePanel.current = undefined;
    if (this.redrawTimer) clearTimeout(this.redrawTimer);
    if (this.poller) clearInterval(this.poller);
    for (const d of this.disposables) d.dispose();
  }
}

/** The page's fixed texts in the display language (English: pipelinePageEnglish). */
function pipelinePageStrings(): PipelinePageStrings {
  return {
    title: vscode.l10n.t('Collector Pipelines'),
    findings: vscode.l10n.t('Findings'),
    waiting: vscode.l10n.t('Waiting for the collector’s figures…'),
    clickToOpen: vscode.l10n.t('Click to open its YAML.'),
    summary: vscode.l10n.t(
      '{0} pipeline(s), {1} node(s), {2} connector link(s), {3} unused. Click a node to open its YAML.',
    ),
    live: vscode.l10n.t('Live: {0}, read {1}.'),
    noFigures: vscode.l10n.t('no figures'),
    legendFlowing: vscode.l10n.t('data passing'),
    legendIdle: vscode.l10n.t('nothing passing'),
    legendFailing: vscode.l10n.t('failures rising'),
    legendConnector: vscode.l10n.t('connector'),
    legend: vscode.l10n.t('Legend'),
    failingAt: vscode.l10n.t('Failures rising at {0}.'),
    noneFailing: vscode.l10n.t('No failures rising.'),
  };
}

/** From the command palette (the active editor), or the editor title/context menu (the file's URI). */
export const showPipelineCommand: CommandFactory = (ctx) => async (arg?: unknown) => {
  const editor = vscode.window.activeTextEditor;
  const uri = arg instanceof vscode.Uri ? arg : editor?.document.uri;
  if (!uri) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        'Show Collector Pipelines: open a collector config (or a ConfigMap or chart values file holding one) first.',
      ),
    );
    return undefined;
  }
  const line = editor && editor.document.uri.toString() === uri.toString() ? editor.selection.active.line : 0;
  await PipelinePanel.show(ctx, uri, line).draw();
  return uri.fsPath;
};

/** After a reload: the page keeps the file's URI in its state, and the view draws it again. */
export async function restorePipelinePanel(ctx: Ctx, panel: vscode.WebviewPanel, state: unknown): Promise<void> {
  const uri = isRecord(state) && typeof state['uri'] === 'string' ? vscode.Uri.parse(state['uri']) : undefined;
  const line = isRecord(state) && typeof state['line'] === 'number' ? state['line'] : 0;
  if (!uri) {
    panel.dispose();
    return;
  }
  await PipelinePanel.adopt(ctx, panel, uri, line).draw();
}

/** On deactivation: the view's timers stop with the window. */
export function stopPipelineView(): void {
  PipelinePanel.current?.panel.dispose();
}
