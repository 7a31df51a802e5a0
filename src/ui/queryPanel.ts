// Observability Lab: Query Prometheus. A webview panel with a PromQL editor, results as a table
// and a chart, the lab's queries, and Prometheus' scrape targets. The host asks Prometheus
// (through our one client) and hands the page only data; the page can only ask by typed messages.
// Against a Prometheus 3 (the lab's is 3.14.0; its buildinfo says, unknown counts as 3) it also
// offers the rewrite of `le`/`quantile` matchers written as integers, which Prometheus 3 never stores.
// A metric name hovered in the page is answered with the .promql hover's text: which instrument gives it.
import * as vscode from 'vscode';
import {
  autoStep,
  capForPage,
  maxExprLength,
  parsePageMessage,
  rangeSeconds,
  type ExplainRequest,
  type HostMessage,
  type LabQuery,
  type RunQueryMessage,
  type TargetRow,
} from '../core/protocol/query';
import type { QueryPageStrings } from '../core/protocol/pageStrings';
import { PrometheusClient, PrometheusError, type FetchLike } from '../core/prometheus/client';
import { choosePrometheus, defaultPrometheusUrl as defaultUrl, validatePrometheusUrl } from '../core/prometheus/url';
import { parseLabQueries, renderLabQueries } from '../core/promql/labQueries';
import { runExplain } from '../core/promql/explain';
import { nameInfoAnswer } from '../core/promql/nameInfo';
import { querySuggestions } from '../core/promql/querySuggestions';
import { suggestForQuery } from '../core/promql/suggest';
import { defaultParams, type LabParams } from '../core/scaffold/params';
import { labManifestName } from '../core/scaffold/plan';
import { sandboxPrometheusUrl } from '../node/sandbox/sandboxState';
import { adoptPanel, connectPanel, createPanel, webviewHtml } from './webviewHtml';
import type { CommandFactory, Ctx } from './context';
import { findLabFolder, readLabManifestIn } from './labFolder';

const viewType = 'obslab.query';

/** Node's fetch, narrowed to what our client reads; nothing but method, headers, body and signal is passed. */
const nodeFetch: FetchLike = (url, init) => fetch(url, init);

export { parseLabQueries };

class QueryPanel {
  static current: QueryPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private metricNames: string[] = [];
  private namesLoaded: Promise<void> | undefined;
  /** Prometheus' version from its buildinfo; undefined until known (then taken as a 3.x, the lab's). */
  private version: string | undefined;
  /** A query to put in the editor and run once the page is ready (the .promql Run lens). */
  private pendingExpr: string | undefined;

  private constructor(
    private readonly ctx: Ctx,
    private readonly panel: vscode.WebviewPanel,
    private client: PrometheusClient,
  ) {
    connectPanel(panel, this.disposables, { message: (m) => void this.onMessage(m), dispose: () => this.dispose() });
    // retainContextWhenHidden is off: the page reloads when shown again and restores its state itself.
    this.render();
  }

  static show(ctx: Ctx, prometheusUrl: string, expr?: string): void {
    const client = newClient(prometheusUrl);
    if (QueryPanel.current) {
      QueryPanel.current.pendingExpr = expr;
      QueryPanel.current.client = client;
      QueryPanel.current.metricNames = [];
      QueryPanel.current.namesLoaded = undefined;
      QueryPanel.current.version = undefined;
      QueryPanel.current.panel.reveal();
      QueryPanel.current.render();
      return;
    }
    const panel = createPanel(ctx.extension.extensionUri, viewType, vscode.l10n.t('Query Prometheus'), {
      retainContextWhenHidden: false,
    });
    QueryPanel.current = new QueryPanel(ctx, panel, client);
    QueryPanel.current.pendingExpr = expr;
  }

  /** A panel VS Code kept across a reload: the page restores its own state; we reconnect it. */
  static restore(ctx: Ctx, panel: vscode.WebviewPanel): void {
    QueryPanel.current?.panel.dispose();
    QueryPanel.current = new QueryPanel(
      ctx,
      adoptPanel(ctx.extension.extensionUri, panel),
      newClient(sandboxPrometheusUrl() ?? defaultUrl),
    );
  }

  private render(): void {
    this.panel.webview.html = webviewHtml(
      this.panel.webview,
      this.ctx.extension.extensionUri,
      'query',
      vscode.l10n.t('Query Prometheus'),
      queryPageStrings(),
    );
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parsePageMessage(raw);
    if (!message) {
      this.ctx.output.appendLine(
        `[query] ignored a malformed message from the query page: ${JSON.stringify(raw)?.slice(0, 200) ?? String(raw)}`,
      );
      return;
    }
    switch (message.type) {
      case 'ready':
        this.post({ type: 'init', prometheusUrl: this.client.baseUrl, ...(await labQueries(this.ctx)) });
        if (this.pendingExpr !== undefined) {
          this.post({ type: 'setQuery', expr: this.pendingExpr, run: true });
          this.pendingExpr = undefined;
        }
        await this.loadNames();
        return;
      case 'runQuery':
        return this.runQuery(message);
      case 'loadTargets':
        return this.loadTargets();
      case 'labelValues': {
        const values = await this.client.labelValues(message.label).catch(() => []);
        this.post({ type: 'labelValues', id: message.id, label: message.label, values });
        return;
      }
      case 'startSandbox':
        await vscode.commands.executeCommand('obslab.startSandbox');
        return;
      case 'explain':
        return this.explain(message);
      case 'nameInfo':
        // The .promql hover's text (the name translator run backwards), for the page's hover.
        this.post(nameInfoAnswer(message));
        return;
    }
  }

  /** Each node of the page's explain tree as its own instant query, all at the same time. */
  private async explain(m: ExplainRequest): Promise<void> {
    const time = Date.now() / 1000;
    const results = await runExplain(this.client, m.nodes, { time });
    this.post({ type: 'explainResult', id: m.id, time, results });
  }

  private loadNames(): Promise<void> {
    this.namesLoaded ??= (async () => {
      try {
        const [metrics, labels, build] = await Promise.all([
          this.client.metricNames(),
          this.client.labels(),
          this.client.buildInfo().catch(() => undefined),
        ]);
        this.metricNames = metrics;
        this.version = build?.version;
        this.post({ type: 'names', metrics, labels });
      } catch (e) {
        this.namesLoaded = undefined; // ask again next time
        this.post({ type: 'names', metrics: [], labels: [], error: e instanceof Error ? e.message : String(e) });
      }
    })();
    return this.namesLoaded;
  }

  private async runQuery(m: RunQueryMessage): Promise<void> {
    // New metrics appear as the app gets traffic: refresh the names when a query asks for one we lack.
    await this.loadNames();
    if (this.metricNames.length && suggestForQuery(m.expr, this.metricNames).length) {
      this.namesLoaded = undefined;
      await this.loadNames();
    }
    const end = Date.now() / 1000;
    const span = rangeSeconds(m.range);
    const step = autoStep(span);
    try {
      const result =
        m.mode === 'instant'
          ? await this.client.query(m.expr, { time: end })
          : await this.client.queryRange(m.expr, { start: end - span, end, step });
      // The page gets a bounded share of the answer, and says how much it was.
      const { data, truncated } = capForPage(result.data);
      this.post({
        type: 'queryResult',
        id: m.id,
        expr: m.expr,
        mode: m.mode,
        data,
        ...(truncated ? { truncated } : {}),
        warnings: result.warnings,
        start: m.mode === 'instant' ? end : end - span,
        end,
        step,
        suggestions: querySuggestions(m.expr, this.metricNames, this.version),
      });
    } catch (e) {
      const details = e instanceof PrometheusError ? e.details : undefined;
      this.post({
        type: 'queryError',
        id: m.id,
        expr: m.expr,
        message: e instanceof Error ? e.message : String(e),
        ...(details?.prometheusError ? { prometheusError: details.prometheusError } : {}),
        ...(details?.position ? { position: details.position } : {}),
        suggestions: querySuggestions(m.expr, this.metricNames, this.version),
      });
    }
  }

  private async loadTargets(): Promise<void> {
    try {
      const { activeTargets } = await this.client.targets({ state: 'active' });
      const targets: TargetRow[] = activeTargets.map((t) => {
        const { job = '', instance = '', ...labels } = t.labels;
        return {
          job,
          instance,
          scrapeUrl: t.scrapeUrl,
          labels,
          health: t.health,
          lastScrape: t.lastScrape,
          lastScrapeDuration: t.lastScrapeDuration,
          lastError: t.lastError,
        };
      });
      this.post({ type: 'targets', targets });
    } catch (e) {
      this.post({ type: 'targets', targets: [], error: e instanceof Error ? e.message : String(e) });
    }
  }

  private dispose(): void {
    QueryPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function newClient(baseUrl: string): PrometheusClient {
  return new PrometheusClient({
    baseUrl,
    fetch: nodeFetch,
    unreachableHint: vscode.l10n.t('start the sandbox (Observability Lab: Start Sandbox) or check the address'),
  });
}

/** The lab's queries, filled with the workspace lab's names when there is one, else the defaults. */
export async function labQueries(ctx: Ctx): Promise<{ queries: LabQuery[]; queriesSource: string }> {
  const template = new TextDecoder().decode(
    await vscode.workspace.fs.readFile(
      vscode.Uri.joinPath(ctx.extension.extensionUri, 'templates', 'lab', 'queries', 'lab-queries.promql'),
    ),
  );
  let params: LabParams = defaultParams;
  let queriesSource = vscode.l10n.t('default lab names');
  const lab = await findLabFolder(ctx).catch(() => undefined);
  if (lab) {
    const manifest = await readLabManifestIn(ctx, lab);
    if (manifest) {
      params = manifest.params;
      queriesSource = vscode.l10n.t(
        'names from {0}',
        vscode.workspace.asRelativePath(vscode.Uri.joinPath(lab, labManifestName)),
      );
    }
  }
  return { queries: renderLabQueries(template, params), queriesSource };
}

/** The page's fixed texts in the display language (English: queryPageEnglish). */
function queryPageStrings(): QueryPageStrings {
  return {
    tabQuery: vscode.l10n.t('Query'),
    tabTargets: vscode.l10n.t('Target health'),
    modeTitle: vscode.l10n.t('Instant: one value per series now. Range: values over time, with a chart.'),
    queryType: vscode.l10n.t('Query type'),
    instant: vscode.l10n.t('Instant'),
    range: vscode.l10n.t('Range'),
    rangeTitle: vscode.l10n.t('How far back a range query goes; the step is chosen for about 240 points'),
    timeRange: vscode.l10n.t('Time range'),
    lastRange: vscode.l10n.t('last {0}'),
    runTitle: vscode.l10n.t('Run (Ctrl+Enter)'),
    run: vscode.l10n.t('Run'),
    explainTitle: vscode.l10n.t(
      'The query as Prometheus parses it, each part in words, run on its own: its series, a sample and the time it took',
    ),
    explain: vscode.l10n.t('Explain'),
    autoRefresh: vscode.l10n.t(' auto-refresh every 5 s'),
    labQueries: vscode.l10n.t('Lab queries'),
    refresh: vscode.l10n.t('Refresh'),
    targetsHeading: vscode.l10n.t('Target health: the scrape targets'),
    typeFirst: vscode.l10n.t('Type a PromQL query first.'),
    running: vscode.l10n.t('Running {0} query…'),
    chooseRange: vscode.l10n.t('Choose Range and run again for a chart over time.'),
    noSeries: vscode.l10n.t('No series matched: the query is valid, but Prometheus has no data for it in this time.'),
    failed: vscode.l10n.t('The query failed.'),
    typeFirstExplain: vscode.l10n.t('Type a PromQL query first, then Explain.'),
    explainHeading: vscode.l10n.t('Explain: the query as Prometheus parses it'),
    presets: vscode.l10n.t('Presets'),
    seriesCount: vscode.l10n.t('{0} series'),
    modeRange: vscode.l10n.t('last {0}, step {1}s'),
    modeInstant: vscode.l10n.t('instant'),
    warnings: vscode.l10n.t('. Warnings: {0}'),
    statusLine: vscode.l10n.t('{0}, {1}, at {2}{3}'),
    resultSay: vscode.l10n.t('Query result: {0}, {1}{2}'),
    resultCaption: vscode.l10n.t('Query result'),
    colSeries: vscode.l10n.t('series'),
    colValue: vscode.l10n.t('value'),
    colPoints: vscode.l10n.t('points'),
    colLastValue: vscode.l10n.t('last value'),
    theResult: vscode.l10n.t('the result'),
    seriesN: vscode.l10n.t('series {0}'),
    chartNoValues: vscode.l10n.t('{0} with no values'),
    chartSeries: vscode.l10n.t('{0} from {1} to {2}, last {3}'),
    chartMore: vscode.l10n.t('; {0} more in the table below'),
    chartCapped: vscode.l10n.t(' (the first {0} of {1})'),
    chartSummary: vscode.l10n.t('Chart of {0} series{1} over the last {2}: {3}{4}.'),
    explainIn: vscode.l10n.t(' in {0} ms'),
    explainNothing: vscode.l10n.t(': nothing here, so nothing above it either'),
    explainSay: vscode.l10n.t('Explain: {0} part(s) run{1}.'),
    explainFailed: vscode.l10n.t(', {0} failed'),
    labSource: vscode.l10n.t("From the lab's lab-queries.promql, {0}."),
    targetsStatus: vscode.l10n.t('{0} active target(s), at {1}'),
    targetsCaption: vscode.l10n.t('Scrape targets'),
    colJob: vscode.l10n.t('job'),
    colEndpoint: vscode.l10n.t('endpoint and labels'),
    colHealth: vscode.l10n.t('health'),
    colLastScrape: vscode.l10n.t('last scrape'),
    colLastError: vscode.l10n.t('last error'),
    never: vscode.l10n.t('never'),
    placeholder: vscode.l10n.t('PromQL, e.g. {0}   Ctrl+Enter runs'),
    editorLabel: vscode.l10n.t('PromQL query (Ctrl+Enter runs it)'),
    suggestionTitle: vscode.l10n.t('Rewrite the query with {0}'),
    useSuggestion: vscode.l10n.t('Use {0}'),
    nativeHistograms: vscode.l10n.t(
      'Native histograms have no single value to chart: chart histogram_count(…), histogram_sum(…) or histogram_quantile(0.95, …) of them instead.',
    ),
    prometheusSaid: vscode.l10n.t('Prometheus: '),
    prometheusUrl: vscode.l10n.t('Prometheus: {0}'),
    parseError: vscode.l10n.t('Parse error: {0}'),
    explainRunning: vscode.l10n.t('running…'),
    nothingToExplain: vscode.l10n.t('Nothing to explain.'),
    fixParseFirst: vscode.l10n.t('Fix the parse error first: no part was run.'),
    onlyFirstParts: vscode.l10n.t('Only the first {0} of {1} parts are run.'),
    labRunTitle: vscode.l10n.t('Put this query in the editor and run it'),
    presetRunTitle: vscode.l10n.t('Put this query in the editor and run it as a {0} query'),
    runNamed: vscode.l10n.t('Run: {0}'),
    tabsLabel: vscode.l10n.t('Query panel views'),
    completionNoNames: vscode.l10n.t('Completion has no names: {0}'),
  };
}

/** With a query (a .promql file's Run lens passes one), the panel opens on it and runs it. */
export const queryPrometheusCommand: CommandFactory = (ctx) => async (query?: unknown) => {
  const expr = typeof query === 'string' && query.trim() && query.length <= maxExprLength ? query.trim() : undefined;
  // A running port-forward to the cluster's Prometheus first, then the sandbox's, else ask.
  let url = choosePrometheus(ctx.forwards.urlFor('prometheus'), sandboxPrometheusUrl())?.url;
  if (!url) {
    url = await vscode.window.showInputBox({
      title: vscode.l10n.t('Prometheus URL'),
      prompt: vscode.l10n.t(
        "No sandbox is running. Which Prometheus should the query panel ask? (e.g. a port-forward to the cluster's Prometheus)",
      ),
      value: defaultUrl,
      validateInput: validatePrometheusUrl,
      ignoreFocusOut: true,
    });
    if (!url) {
      const startSandbox = vscode.l10n.t('Start Sandbox');
      // Two texts to translate, so that neither is a line over 160 characters.
      const pick = await vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Observability Lab: Query Prometheus needs a Prometheus: start the sandbox, or run the command again and give the URL of one ({0}).',
          vscode.l10n.t("e.g. a port-forward to the cluster's Prometheus on http://127.0.0.1:9090"),
        ),
        startSandbox,
      );
      if (pick === startSandbox) await vscode.commands.executeCommand('obslab.startSandbox');
      return undefined;
    }
    url = url.trim();
  }
  QueryPanel.show(ctx, url, expr);
  return url;
};

/** Brings the query panel back after a window reload (the sandbox's Prometheus, else the default URL); src/features.ts registers it for its viewType. */
export function restoreQueryPanel(ctx: Ctx, panel: vscode.WebviewPanel): void {
  QueryPanel.restore(ctx, panel);
}
