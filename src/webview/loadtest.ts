// The load-test view: live req/s, error rate and latency percentiles with a chart over time, a
// Stop button, and the .jtl's summary at the end. It only shows what the host sends and asks only
// "ready" and "stop"; data never becomes HTML (elements and text nodes only). The chart takes the
// theme's chart colours and is named by a summary of its figures; a screen reader hears the run's
// figures at most every 10 s, and its start, end and failure at once. Its fixed texts come from the
// host in the display language (src/core/protocol/pageStrings.ts holds the English).
import 'uplot/dist/uPlot.min.css';
import uPlot from 'uplot';
import {
  isLoadtestHostMessage,
  type LoadtestGoals,
  type LoadtestHostMessage,
  type LoadtestLatency,
  type LoadtestPageMessage,
  type LoadtestProgressMessage,
  type LoadtestServerMessage,
  type LoadtestSummaryMessage,
} from '../core/protocol/loadtest';
import { loadtestPageEnglish } from '../core/protocol/pageStrings';
import { t } from '../core/text/l10n';
import { el, vscodeApi } from './lib/dom';
import { announcer } from './lib/live';
import { fillPlaceholders as fill, pageStrings } from './lib/strings';
import { chartTheme, onThemeChange } from './lib/theme';

const vscode = vscodeApi<LoadtestPageMessage>();
const text = pageStrings(loadtestPageEnglish);
/** Requests per second, as the chart and the tables name the rate ("req/s" in English, short in every language). */
const reqPerSec = t`req/s`;

const app = document.getElementById('app') ?? document.body;
const title = el('h1', {}, text.title);
const runInfo = el('div', { id: 'run-info', class: 'hint' });
const stopButton = el('button', { id: 'stop', type: 'button', title: text.stopTitle }, text.stop);
stopButton.hidden = true;
const state = el('span', { id: 'state', class: 'state' });
const numbers = el('div', { id: 'live', class: 'tiles' });
const serverLine = el('p', { id: 'server', class: 'hint' });
serverLine.hidden = true;
const chartBox = el('div', { id: 'chart', class: 'chart' });
const errorBox = el('div', { id: 'error', class: 'error', role: 'alert' });
errorBox.hidden = true;
const summaryBox = el('section', { id: 'summary' });
summaryBox.hidden = true;
app.append(
  el('header', {}, title, el('div', { class: 'controls' }, state, stopButton)),
  runInfo,
  numbers,
  serverLine,
  chartBox,
  errorBox,
  summaryBox,
);

/** Set from Stop (here or the host's) until the next run starts: the live figures then no longer say "running". */
let stopping = false;

/** Says the run is ending, and why when the student did not ask for it (a missed goal). */
function showStopping(reason?: string): void {
  if (!stopping || reason) announce.sayNow(reason ? fill(text.stoppingBecause, reason) : text.stoppingSay);
  stopping = true;
  stopButton.disabled = true;
  state.textContent = reason ? fill(text.stoppingBecause, reason) : text.stopping;
}

stopButton.addEventListener('click', () => {
  showStopping();
  vscode.postMessage({ type: 'stop' });
});

function tile(label: string, value: string, id: string): HTMLElement {
  return el(
    'div',
    { class: 'tile', id },
    el('div', { class: 'tile-value' }, value),
    el('div', { class: 'tile-label' }, label),
  );
}

const pct = (r: number): string => `${(r * 100).toFixed(1)}%`;
const announce = announcer(10_000);

// ---- the chart --------------------------------------------------------------------------------

const times: number[] = [];
const rpsSeries: number[] = [];
const p95Series: number[] = [];
const p99Series: number[] = [];
// The server's figures arrive every 5 s: a point at the next second, gaps spanned.
const serverRpsSeries: (number | null)[] = [];
const serverP95Series: (number | null)[] = [];
let serverPending: { rps: number | null; p95: number | null } | undefined;
// The open model's schedule and what was sent, per second: drawn only for an open run.
const intendedSeries: (number | null)[] = [];
const sentSeries: (number | null)[] = [];
let openRun = false;
let plot: uPlot | undefined;

function drawChart(): void {
  const data: uPlot.AlignedData = [
    times,
    rpsSeries,
    p95Series,
    p99Series,
    serverRpsSeries,
    serverP95Series,
    ...(openRun ? [intendedSeries, sentSeries] : []),
  ];
  if (plot) {
    plot.setData(data);
    describeChart();
    chartBox.dataset['points'] = String(times.length);
    return;
  }
  // The workbench theme's chart colours (blue, yellow, red); the server's series are the client's, dashed.
  const theme = chartTheme();
  const [rpsColour, p95Colour, p99Colour] = theme.series;
  const axis = { stroke: theme.foreground, grid: { stroke: theme.lines, width: 0.5 }, ticks: { stroke: theme.lines } };
  plot = new uPlot(
    {
      width: Math.max(300, chartBox.clientWidth || 600),
      height: 220,
      scales: { x: { time: false }, ms: {} },
      series: [
        { label: 's' },
        { label: reqPerSec, stroke: rpsColour, width: theme.width, scale: 'y' },
        { label: 'p95 ms', stroke: p95Colour, width: theme.width, scale: 'ms' },
        { label: 'p99 ms', stroke: p99Colour, width: theme.width, scale: 'ms' },
        {
          label: text.seriesServerRps,
          stroke: rpsColour,
          width: theme.width - 0.5,
          dash: [4, 4],
          scale: 'y',
          spanGaps: true,
          points: { show: true },
        },
        {
          label: text.seriesServerP95,
          stroke: p95Colour,
          width: theme.width - 0.5,
          dash: [4, 4],
          scale: 'ms',
          spanGaps: true,
          points: { show: true },
        },
        ...(openRun
          ? [
              { label: text.seriesIntended, stroke: theme.series[3], width: theme.width, dash: [2, 3], scale: 'y' },
              { label: text.seriesSent, stroke: theme.series[4], width: theme.width, scale: 'y' },
            ]
          : []),
      ],
      axes: [
        { ...axis, label: text.axisSeconds },
        { ...axis, scale: 'y', label: reqPerSec, size: 60 },
        { ...axis, scale: 'ms', side: 1, label: 'ms', size: 60, grid: { show: false } },
      ],
      legend: { show: true },
    },
    data,
    chartBox,
  );
  // A canvas says nothing to a screen reader: the chart is an image named by what it shows.
  plot.root.setAttribute('role', 'img');
  describeChart();
  chartBox.dataset['points'] = String(times.length);
}

/** The chart in words, as its accessible name: the span, the last second's figures and the peaks. */
function describeChart(): void {
  if (!plot || !times.length) return;
  const last = times.length - 1;
  plot.root.setAttribute(
    'aria-label',
    fill(
      text.chartSummary,
      times[last] ?? 0,
      rpsSeries[last] ?? 0,
      p95Series[last] ?? 0,
      p99Series[last] ?? 0,
      Math.max(...rpsSeries),
      Math.max(...p99Series),
    ) +
      (openRun ? fill(text.chartOpen, intendedSeries[last] ?? 0, sentSeries[last] ?? 0) : '') +
      text.chartSameInText,
  );
}

onThemeChange(() => {
  plot?.destroy();
  plot = undefined;
  chartBox.replaceChildren();
  if (times.length) drawChart();
});

window.addEventListener('resize', () => plot?.setSize({ width: Math.max(300, chartBox.clientWidth), height: 220 }));

// ---- messages ---------------------------------------------------------------------------------

function showProgress(p: LoadtestProgressMessage): void {
  // The chart's series follow the model: an open run adds the intended and the sent rate. Its figures
  // say which model runs (the start's model is words, in the display language, not to be matched).
  if (openRun !== (p.open !== undefined)) {
    openRun = !openRun;
    plot?.destroy();
    plot = undefined;
    chartBox.replaceChildren();
  }
  // In the open model there are no threads: what is active is the requests in flight.
  if (!stopping)
    state.textContent = fill(p.open ? text.runningOpen : text.runningThreads, p.elapsedSec.toFixed(0), p.activeThreads);
  numbers.replaceChildren(
    tile(text.tileRps, String(p.rps), 'rps'),
    tile(text.tileErrors, pct(p.errorRate), 'err'),
    tile(fill(text.tileWindow, p.window.seconds), `${p.window.p50} / ${p.window.p95} / ${p.window.p99} ms`, 'window'),
    tile(text.tileOverall, `${p.overall.p50} / ${p.overall.p95} / ${p.overall.p99} ms`, 'overall'),
    tile(text.tileSamples, `${p.overall.samples} · ${p.overall.errors} · ${p.overall.rps}`, 'samples'),
    ...(p.open
      ? [
          tile(text.tileOpenRate, `${p.open.intendedRps} / ${p.open.achievedRps}`, 'open-rate'),
          tile(
            text.tileOpenPool,
            `${p.open.late} · ${p.open.dropped} · ${p.open.connections}/${p.open.maxConnections}`,
            'open-pool',
          ),
        ]
      : []),
  );
  intendedSeries.push(p.open ? p.open.intendedRps : null);
  sentSeries.push(p.open ? p.open.achievedRps : null);
  times.push(p.elapsedSec);
  rpsSeries.push(p.rps);
  p95Series.push(p.window.p95);
  p99Series.push(p.window.p99);
  serverRpsSeries.push(serverPending?.rps ?? null);
  serverP95Series.push(serverPending?.p95 ?? null);
  serverPending = undefined;
  drawChart();
  announce.say(
    fill(text.progressSay, p.elapsedSec.toFixed(0), p.rps, pct(p.errorRate), p.window.p95, p.window.seconds),
  );
}

function showServer(m: LoadtestServerMessage): void {
  serverLine.hidden = false;
  serverLine.textContent = m.text;
  serverLine.classList.toggle('unavailable', m.unavailable === true);
  if (!m.unavailable)
    serverPending = { rps: m.rps ?? null, p95: m.p95Ms === undefined ? null : Math.round(m.p95Ms * 100) / 100 };
}

function table(label: string, head: string[], rows: string[][]): HTMLTableElement {
  return el(
    'table',
    { 'aria-label': label },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h || text.requests)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
  );
}

const latencyCells = (l: LoadtestLatency): string[] => [l.min, l.mean, l.p50, l.p90, l.p95, l.p99, l.max].map(String);

function showSummary(s: LoadtestSummaryMessage): void {
  stopButton.hidden = true;
  state.textContent = s.outcome ? fill(text.finished, s.outcome) : text.summaryState;
  summaryBox.hidden = false;
  summaryBox.replaceChildren(
    el('h2', {}, text.summary),
    el(
      'p',
      { class: 'summary-line' },
      fill(text.summaryLine, s.samples, s.errors, (s.errorRate * 100).toFixed(2), s.throughputPerSec, s.durationSec),
    ),
    ...goalsSection(s.goals),
    el('p', { class: 'hint' }, fill(text.from, s.jtl)),
    el('h3', {}, text.latencyHeading),
    table(
      text.latencyCaption,
      ['', text.min, text.mean, 'p50', 'p90', 'p95', 'p99', text.max],
      [[text.all, ...latencyCells(s.latencyMs)]],
    ),
    el('h3', {}, text.byLabel),
    table(
      text.byLabel,
      [text.label, text.samples, text.errors, reqPerSec, 'p50', 'p95', 'p99', text.max],
      s.byLabel.map((l) => [
        l.label || text.noLabel,
        String(l.samples),
        String(l.errors),
        String(l.throughputPerSec),
        String(l.latencyMs.p50),
        String(l.latencyMs.p95),
        String(l.latencyMs.p99),
        String(l.latencyMs.max),
      ]),
    ),
    el('h3', {}, text.byResponseCode),
    table(
      text.byResponseCode,
      [text.code, text.samples],
      s.byResponseCode.map((c) => [c.code || text.noCode, String(c.count)]),
    ),
    ...s.notes.map((n) => el('p', { class: 'hint' }, n)),
  );
  announce.sayNow(
    fill(text.summarySay, state.textContent ?? '', s.samples, s.errors, s.throughputPerSec, s.durationSec),
  );
}

function handle(m: LoadtestHostMessage): void {
  switch (m.type) {
    case 'start': {
      const r = m.run;
      title.textContent = fill(text.titleOf, r.plan);
      runInfo.replaceChildren(
        fill(
          text.runInfo,
          r.targets.join(', '),
          r.threads,
          r.rampUpSec,
          r.durationSec === undefined ? text.untilLoopsEnd : fill(text.seconds, r.durationSec),
          r.engine,
          r.model ? ` · ${r.model}` : '',
          r.jtl,
        ),
      );
      stopping = false;
      stopButton.hidden = false;
      stopButton.disabled = false;
      state.textContent = text.starting;
      announce.sayNow(fill(text.startingSay, r.plan));
      summaryBox.hidden = true;
      errorBox.hidden = true;
      serverLine.hidden = true;
      return;
    }
    case 'progress':
      return showProgress(m);
    case 'server':
      return showServer(m);
    case 'stopping':
      // A reason given after a plain Stop (the goal was judged in the same second) still shows.
      if (stopping && !m.reason) return;
      return showStopping(m.reason);
    case 'summary':
      if (!m.outcome) title.textContent = text.resultsTitle;
      return showSummary(m);
    case 'error':
      stopButton.hidden = true;
      errorBox.hidden = false;
      errorBox.textContent = m.message;
      return;
  }
}

/** The run's goals, each met or missed with the measured figure: said in words and a mark, not by colour alone. */
function goalsSection(goals: LoadtestGoals | undefined): HTMLElement[] {
  if (!goals?.results.length) return [];
  const missed = goals.results.some((g) => !g.met);
  return [
    el('h3', {}, text.goals),
    el('p', { id: 'goals-verdict', class: `goals-verdict ${missed ? 'missed' : 'met'}` }, goals.verdict),
    el(
      'ul',
      { id: 'goals', class: 'goals', 'aria-label': text.goals },
      ...goals.results.map((g) =>
        el(
          'li',
          { class: `goal ${g.met ? 'met' : 'missed'}` },
          el('span', { class: 'goal-mark' }, g.met ? text.met : text.missed),
          ' ',
          el('code', {}, g.goal),
          fill(text.measured, g.figure),
        ),
      ),
    ),
  ];
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m: unknown = event.data;
  if (isLoadtestHostMessage(m)) handle(m);
});
vscode.postMessage({ type: 'ready' });
