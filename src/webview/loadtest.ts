// The load-test view: live req/s, error rate and latency percentiles with a chart over time, a
// Stop button, and the .jtl's summary at the end. It only shows what the host sends and asks only
// "ready" and "stop"; data never becomes HTML (elements and text nodes only). The chart takes the
// theme's chart colours and is named by a summary of its figures; a screen reader hears the run's
// figures at most every 10 s, and its start, end and failure at once.
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
import { el, vscodeApi } from './lib/dom';
import { announcer } from './lib/live';
import { chartTheme, onThemeChange } from './lib/theme';

const vscode = vscodeApi<LoadtestPageMessage>();

const app = document.getElementById('app') ?? document.body;
const title = el('h1', {}, 'Load test');
const runInfo = el('div', { id: 'run-info', class: 'hint' });
const stopButton = el(
  'button',
  { id: 'stop', type: 'button', title: 'Stop the run; the results so far are kept' },
  'Stop',
);
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

stopButton.addEventListener('click', () => {
  stopButton.disabled = true;
  state.textContent = 'stopping…';
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
        { label: 'req/s', stroke: rpsColour, width: theme.width, scale: 'y' },
        { label: 'p95 ms', stroke: p95Colour, width: theme.width, scale: 'ms' },
        { label: 'p99 ms', stroke: p99Colour, width: theme.width, scale: 'ms' },
        {
          label: 'server req/s',
          stroke: rpsColour,
          width: theme.width - 0.5,
          dash: [4, 4],
          scale: 'y',
          spanGaps: true,
          points: { show: true },
        },
        {
          label: 'server p95 ms',
          stroke: p95Colour,
          width: theme.width - 0.5,
          dash: [4, 4],
          scale: 'ms',
          spanGaps: true,
          points: { show: true },
        },
        ...(openRun
          ? [
              { label: 'intended req/s', stroke: theme.series[3], width: theme.width, dash: [2, 3], scale: 'y' },
              { label: 'sent req/s', stroke: theme.series[4], width: theme.width, scale: 'y' },
            ]
          : []),
      ],
      axes: [
        { ...axis, label: 'seconds' },
        { ...axis, scale: 'y', label: 'req/s', size: 60 },
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
    `Chart of req/s, p95 and p99 ms over ${times[last] ?? 0} s of the run: now ${rpsSeries[last] ?? 0} req/s, ` +
      `p95 ${p95Series[last] ?? 0} ms, p99 ${p99Series[last] ?? 0} ms; peak ${Math.max(...rpsSeries)} req/s, ` +
      `highest p99 ${Math.max(...p99Series)} ms.` +
      (openRun
        ? ` Open model: intended ${intendedSeries[last] ?? 0} req/s, sent ${sentSeries[last] ?? 0} req/s in the last second.`
        : '') +
      ' The figures above give the same in text.',
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
  // In the open model there are no threads: what is active is the requests in flight.
  state.textContent = `running · ${p.elapsedSec.toFixed(0)} s · ${p.activeThreads} ${p.open ? 'in flight' : 'thread(s)'}`;
  numbers.replaceChildren(
    tile('req/s (last second)', String(p.rps), 'rps'),
    tile('errors (last second)', pct(p.errorRate), 'err'),
    tile(
      `p50 / p95 / p99, last ${p.window.seconds} s`,
      `${p.window.p50} / ${p.window.p95} / ${p.window.p99} ms`,
      'window',
    ),
    tile('p50 / p95 / p99, overall', `${p.overall.p50} / ${p.overall.p95} / ${p.overall.p99} ms`, 'overall'),
    tile('samples · errors · mean req/s', `${p.overall.samples} · ${p.overall.errors} · ${p.overall.rps}`, 'samples'),
    ...(p.open
      ? [
          tile('intended / sent req/s (last second)', `${p.open.intendedRps} / ${p.open.achievedRps}`, 'open-rate'),
          tile(
            'late · dropped · connections',
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
    `${p.elapsedSec.toFixed(0)} s: ${p.rps} req/s, ${pct(p.errorRate)} errors, p95 ${p.window.p95} ms over the last ${p.window.seconds} s`,
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
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h || 'requests')))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
  );
}

const latencyCells = (l: LoadtestLatency): string[] => [l.min, l.mean, l.p50, l.p90, l.p95, l.p99, l.max].map(String);

function showSummary(s: LoadtestSummaryMessage): void {
  stopButton.hidden = true;
  state.textContent = s.outcome ? `finished (${s.outcome})` : 'summary';
  summaryBox.hidden = false;
  summaryBox.replaceChildren(
    el('h2', {}, 'Summary'),
    el(
      'p',
      { class: 'summary-line' },
      `${s.samples} samples, ${s.errors} errors (${(s.errorRate * 100).toFixed(2)}%), ${s.throughputPerSec} req/s over ${s.durationSec} s`,
    ),
    ...goalsSection(s.goals),
    el('p', { class: 'hint' }, `From ${s.jtl}`),
    el('h3', {}, 'Latency (ms)'),
    table(
      'Latency in ms',
      ['', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max'],
      [['all', ...latencyCells(s.latencyMs)]],
    ),
    el('h3', {}, 'By label'),
    table(
      'By label',
      ['label', 'samples', 'errors', 'req/s', 'p50', 'p95', 'p99', 'max'],
      s.byLabel.map((l) => [
        l.label || '(no label)',
        String(l.samples),
        String(l.errors),
        String(l.throughputPerSec),
        String(l.latencyMs.p50),
        String(l.latencyMs.p95),
        String(l.latencyMs.p99),
        String(l.latencyMs.max),
      ]),
    ),
    el('h3', {}, 'By response code'),
    table(
      'By response code',
      ['code', 'samples'],
      s.byResponseCode.map((c) => [c.code || '(none)', String(c.count)]),
    ),
    ...s.notes.map((n) => el('p', { class: 'hint' }, n)),
  );
  announce.sayNow(
    `Load test ${state.textContent}: ${s.samples} samples, ${s.errors} errors, ${s.throughputPerSec} req/s over ${s.durationSec} s.`,
  );
}

function handle(m: LoadtestHostMessage): void {
  switch (m.type) {
    case 'start': {
      const r = m.run;
      title.textContent = `Load test: ${r.plan}`;
      runInfo.replaceChildren(
        `${r.targets.join(', ')} · ${r.threads} thread(s), ramp-up ${r.rampUpSec} s, ` +
          `${r.durationSec === undefined ? 'until its loops end' : `${r.durationSec} s`} ` +
          `· ${r.engine} engine${r.model ? ` · ${r.model}` : ''} · results ${r.jtl}`,
      );
      // The chart's series follow the model: an open run adds the intended and the sent rate.
      if (openRun !== (r.model?.startsWith('open') ?? false)) {
        openRun = !openRun;
        plot?.destroy();
        plot = undefined;
        chartBox.replaceChildren();
      }
      stopButton.hidden = false;
      stopButton.disabled = false;
      state.textContent = 'starting…';
      announce.sayNow(`Load test of ${r.plan} starting.`);
      summaryBox.hidden = true;
      errorBox.hidden = true;
      serverLine.hidden = true;
      return;
    }
    case 'progress':
      return showProgress(m);
    case 'server':
      return showServer(m);
    case 'summary':
      if (!m.outcome) title.textContent = 'Load test results';
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
    el('h3', {}, 'Goals'),
    el('p', { id: 'goals-verdict', class: `goals-verdict ${missed ? 'missed' : 'met'}` }, goals.verdict),
    el(
      'ul',
      { id: 'goals', class: 'goals', 'aria-label': 'Goals' },
      ...goals.results.map((g) =>
        el(
          'li',
          { class: `goal ${g.met ? 'met' : 'missed'}` },
          el('span', { class: 'goal-mark' }, g.met ? '✓ met' : '✗ missed'),
          ' ',
          el('code', {}, g.goal),
          ` · measured ${g.figure}`,
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
