// The query page: a PromQL editor (CodeMirror 6 + codemirror-promql), results as a table and a
// uPlot chart, the lab's queries, and the scrape targets. It knows Prometheus only through the
// host's messages (src/core/protocol/query.ts); it never talks to the network itself. Series are
// shown as Prometheus 3 (the lab's 3.14.0) selects them: a UTF-8 name quoted inside the braces,
// and a native histogram sample (which has no single value) by its count and sum. Hovering a
// metric name asks the host what the name translator knows of it (the .promql hover's text).
import 'uplot/dist/uPlot.min.css';
import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { syntaxHighlighting, syntaxTree } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { EditorView, hoverTooltip, keymap, placeholder, type Tooltip } from '@codemirror/view';
import { PromQLExtension, type PrometheusClient } from '@prometheus-io/codemirror-promql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import uPlot from 'uplot';
import {
  explainQuery,
  flattenExplain,
  isHostMessage,
  isRunnable,
  maxExplainNodes,
  pointText,
  presetFor,
  presetQueries,
  rangeChoices,
  sampleText,
  seriesPoints,
  truncationNote,
  type ExplainNode,
  type ExplainResultMessage,
  type HostMessage,
  type HoverPart,
  type LabQuery,
  type PageMessage,
  type PageState,
  type QueryErrorMessage,
  type QueryMode,
  type QueryResultMessage,
  type RangeChoice,
  type Suggestion,
  type TargetsMessage,
} from '../core/protocol/query';
import type { Labels } from '../core/prometheus/types';
import { el, vscodeApi, withNodes } from './lib/dom';
import { announcer } from './lib/live';
import { promqlHighlight } from './lib/promqlHighlight';
import { markSelected, tablist, type Tab } from './lib/tabs';
import { chartTheme, onThemeChange, seriesStyle } from './lib/theme';
import { fillPlaceholders as fill, pageStrings } from './lib/strings';
import { queryPageEnglish } from '../core/protocol/pageStrings';
import { t } from '../core/text/l10n';

const vscode = vscodeApi<PageMessage, PageState>();
/** The page's fixed texts, in the display language the host wrote into the page. */
const words = pageStrings(queryPageEnglish);

function restoredState(): PageState {
  const s = vscode.getState() as Partial<PageState> | undefined;
  return {
    expr: typeof s?.expr === 'string' ? s.expr : '',
    mode: s?.mode === 'range' ? 'range' : 'instant',
    range: s?.range && rangeChoices.includes(s.range) ? s.range : '15m',
    autoRefresh: s?.autoRefresh === true,
    tab: s?.tab === 'targets' ? 'targets' : 'query',
  };
}

const state = restoredState();
const saveState = (): void => vscode.setState({ ...state, expr: editor.state.doc.toString() });

const text = (s: string): Text => document.createTextNode(s);

/** A query mode in words (the status line, a preset's title): the mode's own name in English. */
const modeWord = (mode: QueryMode): string => (mode === 'range' ? t`range` : t`instant`);

// ---- names for completion, from the host --------------------------------------------------

let metricNames: string[] = [];
let labelNames: string[] = [];
let nextId = 1;
const pendingLabelValues = new Map<number, (values: string[]) => void>();

/** codemirror-promql's completion asks this; the answers come from the host's Prometheus client. */
const hostClient: PrometheusClient = {
  labelNames: () => Promise.resolve(labelNames),
  labelValues: (label) =>
    new Promise<string[]>((resolve) => {
      const id = nextId++;
      pendingLabelValues.set(id, resolve);
      vscode.postMessage({ type: 'labelValues', id, label });
      setTimeout(() => {
        if (pendingLabelValues.delete(id)) resolve([]);
      }, 5_000);
    }),
  metricMetadata: () => Promise.resolve({}),
  series: () => Promise.resolve([]),
  metricNames: () => Promise.resolve(metricNames),
  flags: () => Promise.resolve({}),
};

// ---- what a metric name is, from the host's name translator --------------------------------

const pendingNameInfo = new Map<number, (lines: HoverPart[][]) => void>();
/** One answer per name: what the translator knows does not change while the page is open. */
const nameInfoCache = new Map<string, Promise<HoverPart[][]>>();

function nameInfo(name: string): Promise<HoverPart[][]> {
  let answer = nameInfoCache.get(name);
  if (!answer) {
    answer = new Promise<HoverPart[][]>((resolve) => {
      const id = nextId++;
      pendingNameInfo.set(id, resolve);
      vscode.postMessage({ type: 'nameInfo', id, name });
      setTimeout(() => {
        if (pendingNameInfo.delete(id)) {
          nameInfoCache.delete(name); // ask again next time
          resolve([]);
        }
      }, 5_000);
    });
    nameInfoCache.set(name, answer);
  }
  return answer;
}

/** The metric name at `pos` as the parser reads it: `name{…}`, or the string alone in `{"x.y", …}`. */
function metricNameAt(
  view: EditorView,
  pos: number,
  side: -1 | 1,
): { name: string; from: number; to: number } | undefined {
  const node = syntaxTree(view.state).resolveInner(pos, side);
  const text = view.state.sliceDoc(node.from, node.to);
  if (node.name === 'Identifier' && node.parent?.name === 'VectorSelector')
    return { name: text, from: node.from, to: node.to };
  if (
    node.name === 'StringLiteral' &&
    node.parent?.name === 'QuotedLabelName' &&
    node.parent.parent?.name === 'LabelMatchers'
  ) {
    try {
      return { name: JSON.parse(text) as string, from: node.from, to: node.to };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const nameHover = hoverTooltip(async (view, pos, side): Promise<Tooltip | null> => {
  const at = metricNameAt(view, pos, side);
  if (!at) return null;
  const lines = await nameInfo(at.name);
  if (!lines.length) return null;
  return {
    pos: at.from,
    end: at.to,
    above: true,
    create: () => ({
      dom: el(
        'div',
        { class: 'name-hover', id: 'name-hover' },
        ...lines.map((parts) =>
          el('p', {}, ...parts.map((p) => (p.code ? el('code', p.strong ? { class: 'name' } : {}, p.text) : p.text))),
        ),
      ),
    }),
  };
});

// ---- the page's parts ---------------------------------------------------------------------

const app = document.getElementById('app') ?? document.body;

const urlLabel = el('span', { class: 'prom-url' }, t`connecting…`);
const tabQuery = el('button', { class: 'tab', id: 'tab-query', type: 'button' }, words.tabQuery);
// Prometheus 3's own UI calls this page Status → Target health (3.14.0, web/ui/mantine-ui App.tsx, 2026-12-05).
const tabTargets = el('button', { class: 'tab', id: 'tab-targets', type: 'button' }, words.tabTargets);
const tabList = el('div', { class: 'tabs' }, tabQuery, tabTargets);
const header = el('header', {}, tabList, urlLabel);

const editorHost = el('div', { class: 'editor', id: 'editor' });
const modeSelect = el(
  'select',
  {
    id: 'mode',
    title: words.modeTitle,
    'aria-label': words.queryType,
  },
  el('option', { value: 'instant' }, words.instant),
  el('option', { value: 'range' }, words.range),
);
const rangeSelect = el(
  'select',
  {
    id: 'range',
    title: words.rangeTitle,
    'aria-label': words.timeRange,
  },
  ...rangeChoices.map((r) => el('option', { value: r }, fill(words.lastRange, r))),
);
const runButton = el(
  'button',
  { id: 'run', type: 'button', title: words.runTitle, 'aria-keyshortcuts': 'Control+Enter' },
  words.run,
);
const explainButton = el(
  'button',
  {
    id: 'explain',
    type: 'button',
    title: words.explainTitle,
  },
  words.explain,
);
const autoRefresh = el('input', { id: 'auto-refresh', type: 'checkbox' });
const controls = el(
  'div',
  { class: 'controls' },
  modeSelect,
  rangeSelect,
  runButton,
  explainButton,
  el('label', { class: 'check' }, autoRefresh, words.autoRefresh),
);
const status = el('div', { class: 'status', id: 'status' });
const errorBox = el('div', { class: 'error', id: 'query-error', role: 'alert', hidden: '' });
const suggestionBox = el('div', { class: 'suggestions', id: 'suggestions', hidden: '' });
const explainBox = el('div', { class: 'explain', id: 'explain-tree', hidden: '' });
const chartBox = el('div', { class: 'chart', id: 'chart' });
/** What the chart shows, in words, beside it: its text alternative (the table below holds the figures). */
const chartSummary = el('p', { class: 'hint chart-summary', id: 'chart-summary' });
const tableBox = el('div', { class: 'table-wrap', id: 'result' });
const labList = el('ol', { class: 'lab-queries', id: 'lab-queries' });
const labSource = el('p', { class: 'hint' });
const querySection = el(
  'section',
  { id: 'query-view', class: 'view' },
  el(
    'div',
    { class: 'main' },
    editorHost,
    controls,
    status,
    errorBox,
    suggestionBox,
    explainBox,
    chartBox,
    chartSummary,
    tableBox,
  ),
  el(
    'aside',
    { 'aria-labelledby': 'lab-queries-title' },
    el('h2', { id: 'lab-queries-title' }, words.labQueries),
    labSource,
    labList,
  ),
);

const targetsRefresh = el('button', { id: 'targets-refresh', type: 'button' }, words.refresh);
const targetsStatus = el('div', { class: 'status' });
const targetsTable = el('div', { class: 'table-wrap', id: 'targets' });
const targetsSection = el(
  'section',
  { id: 'targets-view', class: 'view' },
  el('div', { class: 'controls' }, el('h2', {}, words.targetsHeading), targetsRefresh),
  targetsStatus,
  targetsTable,
);

app.append(header, querySection, targetsSection);

// ---- the editor ---------------------------------------------------------------------------

const promql = new PromQLExtension().setComplete({ remote: hostClient });
// The nonce our script was loaded with lets CodeMirror's own <style> elements past the CSP.
const styleNonce =
  (document.currentScript as HTMLScriptElement | null)?.nonce ??
  document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ??
  '';
const editor = new EditorView({
  parent: editorHost,
  state: EditorState.create({
    doc: state.expr,
    extensions: [
      EditorView.cspNonce.of(styleNonce),
      history(),
      autocompletion(),
      keymap.of([
        { key: 'Mod-Enter', run: () => (runQuery(), true) },
        { key: 'Shift-Enter', run: () => (runQuery(), true) },
        ...completionKeymap,
        ...defaultKeymap,
        ...historyKeymap,
      ]),
      syntaxHighlighting(promqlHighlight),
      placeholder(
        fill(words.placeholder, 'sum by (http_route) (rate(http_server_request_duration_seconds_count[1m]))'),
      ),
      promql.asExtension(),
      nameHover,
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': words.editorLabel }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) saveState();
      }),
    ],
  }),
});

function setExpr(expr: string): void {
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: expr } });
}

// ---- running queries ----------------------------------------------------------------------

let inFlight: number | undefined;
/** Whether the query in flight is auto-refresh's: its results are announced only when they change, and not oftener than every 15 s. */
let quietRun = false;
const announce = announcer(15_000);

function runQuery(quiet = false): void {
  const expr = editor.state.doc.toString().trim();
  if (!expr) {
    status.textContent = words.typeFirst;
    return;
  }
  const id = nextId++;
  inFlight = id;
  quietRun = quiet;
  status.textContent = fill(words.running, modeWord(state.mode));
  saveState();
  vscode.postMessage({ type: 'runQuery', id, expr, mode: state.mode, range: state.range });
}

/**
 * A suggestion's replacement is PromQL as the query must hold it (`{"http.server.duration"}`,
 * `le="1.0"`, or `foo{` when the name moves into a selector); people read the name itself.
 */
function shownName(replacement: string): string {
  const quoted = /^\{?("(?:[^"\\]|\\.)*")/.exec(replacement)?.[1];
  if (quoted) {
    try {
      return JSON.parse(quoted) as string;
    } catch {
      return replacement;
    }
  }
  return replacement.replace(/\{$/, '');
}

/** `a`, `a or b`, `a, b or c`: the choices as one fragment, in the page's language. */
function orList(items: HTMLElement[]): DocumentFragment {
  const list = document.createDocumentFragment();
  items.slice(0, -2).forEach((item) => list.append(item, text(', ')));
  const [a, b] = items.slice(-2);
  if (a && b) list.append(...withNodes((x, y) => t`${x} or ${y}`, a, b));
  else if (a) list.append(a);
  return list;
}

function showSuggestions(expr: string, suggestions: Suggestion[]): void {
  suggestionBox.replaceChildren();
  suggestionBox.hidden = suggestions.length === 0;
  for (const s of suggestions) {
    const line = el('div', { class: 'suggestion' });
    // A matcher rewrite (`le="1"` → `le="1.0"`) is shown as PromQL; a metric name as the name people read.
    const matcher = s.kind === 'label-value-rewrite';
    const asked = el('code', {}, s.name);
    if (!s.suggestions.length) {
      line.append(
        ...withNodes((n) => t`${n} is not a metric this Prometheus has, and no similar name was found.`, asked),
      );
    } else {
      const choices = orList(s.suggestions.map((r) => el('code', {}, matcher ? r : shownName(r))));
      line.append(
        ...(matcher
          ? withNodes((n, c) => t`${n} matches nothing in Prometheus 3. Did you mean ${c}?`, asked, choices)
          : withNodes((n, c) => t`${n} is not a metric this Prometheus has. Did you mean ${c}?`, asked, choices)),
      );
      for (const replacement of s.suggestions) {
        const name = matcher ? replacement : shownName(replacement);
        const use = el(
          'button',
          { type: 'button', class: 'use-suggestion', title: fill(words.suggestionTitle, replacement) },
          fill(words.useSuggestion, name),
        );
        use.addEventListener('click', () => {
          setExpr(expr.slice(0, s.start) + replacement + expr.slice(s.end));
          runQuery();
        });
        line.append(use);
      }
    }
    if (s.note) line.append(el('div', { class: 'hint' }, s.note));
    suggestionBox.append(line);
  }
}

/** Prometheus' legacy alphabets: anything else is a UTF-8 name, quoted in a Prometheus 3 selector. */
const legacyMetric = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const legacyLabel = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The series as a selector Prometheus 3 accepts: `name{a="b"}`, or `{"x.y", a="b"}` for a UTF-8 name. */
function seriesName(metric: Labels): string {
  const { __name__: name = '', ...rest } = metric;
  const labels = Object.entries(rest).map(
    ([k, v]) => `${legacyLabel.test(k) ? k : JSON.stringify(k)}=${JSON.stringify(v)}`,
  );
  if (name && legacyMetric.test(name)) return labels.length ? `${name}{${labels.join(', ')}}` : name;
  const all = name ? [JSON.stringify(name), ...labels] : labels;
  return `{${all.join(', ')}}`;
}

function formatValue(v: string): string {
  const n = Number(v);
  if (!Number.isFinite(n)) return v;
  return Math.abs(n) >= 1e6 || (n !== 0 && Math.abs(n) < 1e-3) ? n.toExponential(4) : String(Math.round(n * 1e6) / 1e6);
}

function table(label: string, head: string[], rows: (string | Node)[][]): HTMLTableElement {
  return el(
    'table',
    { 'aria-label': label },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
  );
}

let plot: uPlot | undefined;
/** The last result charted, drawn again in the new colours when the theme changes. */
let charted: QueryResultMessage | undefined;

function drawChart(result: QueryResultMessage): void {
  plot?.destroy();
  plot = undefined;
  charted = undefined;
  chartBox.replaceChildren();
  chartSummary.textContent = '';
  if (result.data.resultType !== 'matrix') {
    chartBox.append(el('p', { class: 'hint' }, words.chooseRange));
    return;
  }
  const series = result.data.result.slice(0, 20).filter((s) => s.values?.length);
  if (!series.length) {
    if (result.data.result.some((s) => s.histograms?.length))
      chartBox.append(el('p', { class: 'hint' }, words.nativeHistograms));
    return;
  }
  const times = [...new Set(series.flatMap((s) => (s.values ?? []).map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const col: (number | null)[] = new Array<number | null>(times.length).fill(null);
    for (const [t, v] of s.values ?? []) {
      const n = Number(v);
      const i = index.get(t);
      if (i !== undefined && Number.isFinite(n)) col[i] = n;
    }
    return col;
  });
  // The workbench theme's chart colours (charts.blue, .orange…), read again on every draw.
  const theme = chartTheme();
  const axis = { stroke: theme.foreground, grid: { stroke: theme.lines, width: 0.5 }, ticks: { stroke: theme.lines } };
  const opts: uPlot.Options = {
    width: Math.max(300, chartBox.clientWidth || 600),
    height: 260,
    series: [
      { label: t`Time` },
      ...series.map((s, i) => ({
        label: seriesName(s.metric),
        ...seriesStyle(theme, i),
        width: theme.width,
        spanGaps: false,
      })),
    ],
    axes: [axis, { ...axis, size: 70 }],
    legend: { show: true },
    cursor: { drag: { x: true, y: false } },
  };
  plot = new uPlot(opts, [times, ...columns] as uPlot.AlignedData, chartBox);
  charted = result;
  chartBox.dataset['points'] = String(columns.reduce((n, c) => n + c.filter((v) => v !== null).length, 0));
  // A canvas says nothing to a screen reader: the chart is an image named by its summary, written out beside it.
  const summary = chartSummaryText(series.length, result.data.result.length, columns);
  plot.root.setAttribute('role', 'img');
  plot.root.setAttribute('aria-label', summary);
  chartSummary.textContent = summary;
}

/** The chart in words: how many series over what time, and each of the first few's range and last value. */
function chartSummaryText(drawn: number, total: number, columns: (number | null)[][]): string {
  // A series with no labels at all (`sum(…)`) is shown as {}: in words, "the result".
  const names =
    charted?.data.resultType === 'matrix'
      ? charted.data.result.map((s) => (Object.keys(s.metric).length ? seriesName(s.metric) : words.theResult))
      : [];
  const parts = columns.slice(0, 3).map((c, i) => {
    const values = c.filter((v): v is number => v !== null);
    const name = names[i] ?? fill(words.seriesN, i + 1);
    if (!values.length) return fill(words.chartNoValues, name);
    const last = values[values.length - 1] ?? 0;
    return fill(
      words.chartSeries,
      name,
      formatValue(String(Math.min(...values))),
      formatValue(String(Math.max(...values))),
      formatValue(String(last)),
    );
  });
  const more = drawn > 3 ? fill(words.chartMore, drawn - 3) : '';
  const capped = total > drawn ? fill(words.chartCapped, drawn, total) : '';
  return fill(words.chartSummary, drawn, capped, state.range, parts.join('; '), more);
}

onThemeChange(() => {
  if (charted) drawChart(charted);
});

window.addEventListener('resize', () => {
  if (plot) plot.setSize({ width: Math.max(300, chartBox.clientWidth), height: 260 });
});

function showResult(m: QueryResultMessage): void {
  if (m.id !== inFlight) return;
  inFlight = undefined;
  errorBox.hidden = true;
  showSuggestions(m.expr, m.suggestions);
  const data = m.data;
  let rows: (string | Node)[][] = [];
  let head: string[] = [];
  if (data.resultType === 'vector') {
    head = [words.colSeries, words.colValue];
    rows = data.result.map((s) => [el('code', {}, seriesName(s.metric)), sampleText(s, formatValue)]);
  } else if (data.resultType === 'matrix') {
    head = [words.colSeries, words.colPoints, words.colLastValue];
    rows = data.result.map((s) => {
      const points = seriesPoints(s);
      const last = points.at(-1);
      return [el('code', {}, seriesName(s.metric)), String(points.length), last ? pointText(last, formatValue) : ''];
    });
  } else {
    head = [data.resultType, words.colValue];
    rows = [[data.resultType, formatValue(data.result[1])]];
  }
  tableBox.replaceChildren(
    rows.length ? table(words.resultCaption, head, rows) : el('p', { class: 'empty' }, words.noSeries),
  );
  drawChart(m);
  const when = new Date(m.end * 1000).toLocaleTimeString();
  // A capped answer says so first: "showing 2,000 of 15,000 rows".
  const count = m.truncated ? truncationNote(m.truncated) : fill(words.seriesCount, rows.length);
  const mode = m.mode === 'range' ? fill(words.modeRange, state.range, m.step) : words.modeInstant;
  const warnings = m.warnings.length ? fill(words.warnings, m.warnings.join('; ')) : '';
  status.textContent = fill(words.statusLine, count, mode, when, warnings);
  status.classList.toggle('truncated', m.truncated !== undefined);
  const heard = fill(words.resultSay, count, mode, warnings);
  if (quietRun) announce.say(heard);
  else announce.sayNow(heard);
}

function showError(m: QueryErrorMessage): void {
  if (m.id !== inFlight) return;
  inFlight = undefined;
  status.textContent = words.failed;
  charted = undefined;
  chartSummary.textContent = '';
  // No stale result next to the error.
  plot?.destroy();
  plot = undefined;
  chartBox.replaceChildren();
  tableBox.replaceChildren();
  errorBox.replaceChildren();
  errorBox.hidden = false;
  if (m.prometheusError) {
    errorBox.append(el('div', { class: 'prom-error' }, el('strong', {}, words.prometheusSaid), m.prometheusError));
    if (m.position) {
      const lines = m.expr.split('\n');
      const line = lines[m.position.line - 1] ?? '';
      errorBox.append(
        el(
          'pre',
          { class: 'caret' },
          `${line}\n${' '.repeat(Math.max(0, m.position.column - 1))}^ ${t`line ${m.position.line}, column ${m.position.column}`}`,
        ),
      );
      // Put the cursor where Prometheus points.
      const docLine = editor.state.doc.line(Math.min(m.position.line, editor.state.doc.lines));
      editor.dispatch({ selection: { anchor: Math.min(docLine.from + m.position.column - 1, docLine.to) } });
    }
  } else {
    errorBox.append(el('div', {}, m.message));
  }
  showSuggestions(m.expr, m.suggestions);
}

// ---- explain: the query's tree in words, each part run on its own ---------------------------

/** The query as Prometheus' grammar (lezer-promql, the parser the editor already runs) reads it. */
function explain(expr: string): ReturnType<typeof explainQuery> {
  return explainQuery(expr, promqlParser.parse(expr).topNode);
}

let explainId: number | undefined;
const explainRows = new Map<number, HTMLElement>();

function explainNodeView(n: ExplainNode): HTMLElement {
  const figures = el('div', { class: 'explain-figures' });
  const row = el(
    'li',
    { class: 'explain-node', 'data-node': String(n.id), 'data-kind': n.kind },
    el('div', { class: 'explain-words' }, n.words),
    el('code', { class: 'explain-expr' }, n.expr),
    figures,
  );
  if (n.error) {
    row.classList.add('has-error');
    figures.append(el('div', { class: 'explain-error' }, fill(words.parseError, n.error)));
  } else if (isRunnable(n)) figures.append(el('span', { class: 'hint' }, words.explainRunning));
  explainRows.set(n.id, figures);
  if (n.children.length) row.append(el('ul', {}, ...n.children.map(explainNodeView)));
  return row;
}

function runExplain(): void {
  const expr = editor.state.doc.toString().trim();
  if (!expr) {
    status.textContent = words.typeFirstExplain;
    return;
  }
  saveState();
  const { root, errors } = explain(expr);
  explainRows.clear();
  explainBox.hidden = false;
  explainBox.replaceChildren(el('h2', {}, words.explainHeading));
  if (!root) {
    explainBox.append(el('p', { class: 'explain-error' }, errors[0]?.message ?? words.nothingToExplain));
    return;
  }
  explainBox.append(
    el('p', { class: 'explain-sentence' }, root.sentence),
    el('ul', { class: 'explain-tree' }, explainNodeView(root)),
  );
  const nodes = flattenExplain(root).filter((n) => isRunnable(n) && !n.error);
  if (errors.length) {
    explainBox.append(el('p', { class: 'hint' }, words.fixParseFirst));
    explainId = undefined;
    return;
  }
  if (nodes.length > maxExplainNodes)
    explainBox.append(el('p', { class: 'hint' }, fill(words.onlyFirstParts, maxExplainNodes, nodes.length)));
  const id = nextId++;
  explainId = id;
  vscode.postMessage({
    type: 'explain',
    id,
    nodes: nodes.slice(0, maxExplainNodes).map((n) => ({ id: n.id, kind: n.kind, expr: n.expr })),
  });
}

function showExplainResult(m: ExplainResultMessage): void {
  if (m.id !== explainId) return;
  explainId = undefined;
  for (const r of m.results) {
    const box = explainRows.get(r.id);
    if (!box) continue;
    box.replaceChildren();
    if (r.error) {
      box.closest('li')?.classList.add('has-error');
      box.append(el('div', { class: 'explain-error' }, r.error));
    } else {
      const count = r.seriesCount ?? 0;
      const what =
        r.resultType === 'scalar' || r.resultType === 'string' ? r.resultType : fill(words.seriesCount, count);
      box.append(
        el('span', { class: count ? 'explain-count' : 'explain-count none' }, what),
        el('span', { class: 'hint' }, fill(words.explainIn, Math.round(r.ms))),
        ...(count === 0 ? [el('span', { class: 'hint' }, words.explainNothing)] : []),
        ...r.sample.map((line) => el('code', { class: 'explain-sample', title: line }, line)),
      );
    }
  }
  for (const box of explainRows.values())
    if (box.querySelector('.hint')?.textContent === words.explainRunning) box.replaceChildren();
  const failed = m.results.filter((r) => r.error).length;
  announce.sayNow(fill(words.explainSay, m.results.length, failed ? fill(words.explainFailed, failed) : ''));
}

function showLabQueries(queries: LabQuery[], source: string): void {
  labSource.textContent = fill(words.labSource, source);
  labList.replaceChildren(
    ...queries.map((q) => {
      const run = el(
        'button',
        {
          type: 'button',
          class: 'run-lab-query',
          title: words.labRunTitle,
          'aria-label': fill(words.runNamed, q.title),
        },
        words.run,
      );
      run.addEventListener('click', () => {
        setExpr(q.expr);
        runQuery();
      });
      // The one-line explanation is the explain tree's top node, as the walkthrough lists it.
      const sentence = explain(q.expr).root?.sentence;
      return el(
        'li',
        {},
        el('div', { class: 'lab-title' }, q.title),
        el('code', {}, q.expr),
        ...(sentence ? [el('div', { class: 'lab-explain hint' }, sentence)] : []),
        run,
      );
    }),
  );
}

// ---- presets: queries the panel offers beside the lab's, each in its own mode --------------

const presetList = el('ol', { class: 'lab-queries presets', id: 'preset-queries' });

/** Switches to the mode a preset is read in (the client-vs-server p95 is a chart over time). */
function usePresetMode(expr: string): void {
  const preset = presetFor(expr);
  if (!preset || preset.mode === state.mode) return;
  state.mode = preset.mode;
  modeSelect.value = preset.mode;
  rangeSelect.disabled = preset.mode !== 'range';
  saveState();
}

presetList.replaceChildren(
  ...presetQueries().map((p) => {
    const run = el(
      'button',
      {
        type: 'button',
        class: 'run-lab-query run-preset',
        title: fill(words.presetRunTitle, modeWord(p.mode)),
        'aria-label': fill(words.runNamed, p.title),
      },
      words.run,
    );
    run.addEventListener('click', () => {
      usePresetMode(p.expr);
      setExpr(p.expr);
      runQuery();
    });
    return el(
      'li',
      {},
      el('div', { class: 'lab-title' }, p.title),
      el('code', {}, p.expr),
      el('div', { class: 'lab-explain hint' }, p.note),
      run,
    );
  }),
);
labList.parentElement?.prepend(el('h2', { id: 'preset-queries-title' }, words.presets), presetList);

function showTargets(m: TargetsMessage): void {
  targetsStatus.textContent = m.error ?? fill(words.targetsStatus, m.targets.length, new Date().toLocaleTimeString());
  const rows = m.targets.map((t) => [
    t.job,
    el(
      'div',
      {},
      el('code', {}, t.scrapeUrl),
      el(
        'div',
        { class: 'hint' },
        `instance="${t.instance}"`,
        ...Object.entries(t.labels).map(([k, v]) => ` ${k}="${v}"`),
      ),
    ),
    el('span', { class: `health health-${t.health}` }, t.health),
    t.lastScrape && !t.lastScrape.startsWith('0001')
      ? `${new Date(t.lastScrape).toLocaleTimeString()} (${Math.round(t.lastScrapeDuration * 1000)} ms)`
      : words.never,
    t.lastError || '—',
  ]);
  targetsTable.replaceChildren(
    table(
      words.targetsCaption,
      [words.colJob, words.colEndpoint, words.colHealth, words.colLastScrape, words.colLastError],
      rows,
    ),
  );
  announce.sayNow(targetsStatus.textContent);
}

// ---- wiring -------------------------------------------------------------------------------

const tabs: Tab[] = [
  { tab: tabQuery, panel: querySection },
  { tab: tabTargets, panel: targetsSection },
];
const tabNames: PageState['tab'][] = ['query', 'targets'];
tablist(tabList, words.tabsLabel, tabs, (i) => showTab(tabNames[i] ?? 'query'));

function showTab(tab: PageState['tab']): void {
  state.tab = tab;
  querySection.hidden = tab !== 'query';
  targetsSection.hidden = tab !== 'targets';
  tabQuery.classList.toggle('active', tab === 'query');
  tabTargets.classList.toggle('active', tab === 'targets');
  markSelected(tabs, tabNames.indexOf(tab));
  if (tab === 'targets') vscode.postMessage({ type: 'loadTargets' });
  saveState();
}

tabQuery.addEventListener('click', () => showTab('query'));
tabTargets.addEventListener('click', () => showTab('targets'));
targetsRefresh.addEventListener('click', () => vscode.postMessage({ type: 'loadTargets' }));
runButton.addEventListener('click', () => runQuery());
explainButton.addEventListener('click', runExplain);
modeSelect.value = state.mode;
rangeSelect.value = state.range;
rangeSelect.disabled = state.mode !== 'range';
modeSelect.addEventListener('change', () => {
  state.mode = modeSelect.value === 'range' ? 'range' : 'instant';
  rangeSelect.disabled = state.mode !== 'range';
  saveState();
});
rangeSelect.addEventListener('change', () => {
  state.range = (rangeChoices as readonly string[]).includes(rangeSelect.value)
    ? (rangeSelect.value as RangeChoice)
    : '15m';
  saveState();
});

let timer: ReturnType<typeof setInterval> | undefined;
function setAutoRefresh(on: boolean): void {
  state.autoRefresh = on;
  autoRefresh.checked = on;
  if (timer) clearInterval(timer);
  timer = on
    ? setInterval(() => {
        if (inFlight === undefined && editor.state.doc.length) runQuery(true);
      }, 5_000)
    : undefined;
  saveState();
}
autoRefresh.addEventListener('change', () => setAutoRefresh(autoRefresh.checked));

let initialised = false;
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m: unknown = event.data;
  if (!isHostMessage(m)) return;
  handle(m);
});

function handle(m: HostMessage): void {
  switch (m.type) {
    case 'init':
      urlLabel.textContent = fill(words.prometheusUrl, m.prometheusUrl);
      showLabQueries(m.queries, m.queriesSource);
      if (!initialised && state.expr.trim()) runQuery();
      initialised = true;
      return;
    case 'names':
      metricNames = m.metrics;
      labelNames = m.labels;
      if (m.error) status.textContent = fill(words.completionNoNames, m.error);
      return;
    case 'setQuery':
      // A preset keeps its mode however it arrives (Run Load Test's Query Prometheus opens one).
      usePresetMode(m.expr);
      setExpr(m.expr);
      showTab('query');
      if (m.run) runQuery();
      return;
    case 'explainResult':
      return showExplainResult(m);
    case 'queryResult':
      return showResult(m);
    case 'queryError':
      return showError(m);
    case 'targets':
      return showTargets(m);
    case 'nameInfo': {
      const resolve = pendingNameInfo.get(m.id);
      pendingNameInfo.delete(m.id);
      resolve?.(m.lines);
      return;
    }
    case 'labelValues': {
      const resolve = pendingLabelValues.get(m.id);
      pendingLabelValues.delete(m.id);
      resolve?.(m.values);
      return;
    }
  }
}

const modeOf = (v: string): QueryMode => (v === 'range' ? 'range' : 'instant');
state.mode = modeOf(modeSelect.value);
showTab(state.tab);
setAutoRefresh(state.autoRefresh);
vscode.postMessage({ type: 'ready' });
