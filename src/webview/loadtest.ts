// The load-test view: live req/s, error rate and latency percentiles with a chart over time, a
// Stop button, and the .jtl's summary at the end. It only shows what the host sends and asks only
// "ready" and "stop"; data never becomes HTML (elements and text nodes only).
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
const errorBox = el('div', { id: 'error', class: 'error' });
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

// ---- the chart --------------------------------------------------------------------------------

const times: number[] = [];
const rpsSeries: number[] = [];
const p95Series: number[] = [];
const p99Series: number[] = [];
// The server's figures arrive every 5 s: a point at the next second, gaps spanned.
const serverRpsSeries: (number | null)[] = [];
const serverP95Series: (number | null)[] = [];
let serverPending: { rps: number | null; p95: number | null } | undefined;
let plot: uPlot | undefined;

function drawChart(): void {
  const data: uPlot.AlignedData = [times, rpsSeries, p95Series, p99Series, serverRpsSeries, serverP95Series];
  if (plot) {
    plot.setData(data);
    chartBox.dataset['points'] = String(times.length);
    return;
  }
  const foreground = getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim() || '#ccc';
  const grid = 'rgba(128,128,128,0.25)';
  const axis = { stroke: foreground, grid: { stroke: grid }, ticks: { stroke: grid } };
  plot = new uPlot(
    {
      width: Math.max(300, chartBox.clientWidth || 600),
      height: 220,
      scales: { x: { time: false }, ms: {} },
      series: [
        { label: 's' },
        { label: 'req/s', stroke: '#4e79a7', width: 1.5, scale: 'y' },
        { label: 'p95 ms', stroke: '#f28e2b', width: 1.5, scale: 'ms' },
        { label: 'p99 ms', stroke: '#e15759', width: 1.5, scale: 'ms' },
        {
          label: 'server req/s',
          stroke: '#4e79a7',
          width: 1,
          dash: [4, 4],
          scale: 'y',
          spanGaps: true,
          points: { show: true },
        },
        {
          label: 'server p95 ms',
          stroke: '#f28e2b',
          width: 1,
          dash: [4, 4],
          scale: 'ms',
          spanGaps: true,
          points: { show: true },
        },
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
  chartBox.dataset['points'] = String(times.length);
}

window.addEventListener('resize', () => plot?.setSize({ width: Math.max(300, chartBox.clientWidth), height: 220 }));

// ---- messages ---------------------------------------------------------------------------------

function showProgress(p: LoadtestProgressMessage): void {
  state.textContent = `running · ${p.elapsedSec.toFixed(0)} s · ${p.activeThreads} thread(s)`;
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
  );
  times.push(p.elapsedSec);
  rpsSeries.push(p.rps);
  p95Series.push(p.window.p95);
  p99Series.push(p.window.p99);
  serverRpsSeries.push(serverPending?.rps ?? null);
  serverP95Series.push(serverPending?.p95 ?? null);
  serverPending = undefined;
  drawChart();
}

function showServer(m: LoadtestServerMessage): void {
  serverLine.hidden = false;
  serverLine.textContent = m.text;
  serverLine.classList.toggle('unavailable', m.unavailable === true);
  if (!m.unavailable)
    serverPending = { rps: m.rps ?? null, p95: m.p95Ms === undefined ? null : Math.round(m.p95Ms * 100) / 100 };
}

function table(head: string[], rows: string[][]): HTMLTableElement {
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
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
    table(['', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max'], [['all', ...latencyCells(s.latencyMs)]]),
    el('h3', {}, 'By label'),
    table(
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
      ['code', 'samples'],
      s.byResponseCode.map((c) => [c.code || '(none)', String(c.count)]),
    ),
    ...s.notes.map((n) => el('p', { class: 'hint' }, n)),
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
          `· ${r.engine} engine · results ${r.jtl}`,
      );
      stopButton.hidden = false;
      stopButton.disabled = false;
      state.textContent = 'starting…';
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
