// The collector pipeline view's page: draws the graph and layout the host sends
// (src/core/protocol/pipeline.ts) as SVG, one band per pipeline, edges between its components and
// connector links between pipelines; colours each node by its live figures and badges its lint
// findings. Clicking a node (or Enter on it: every node is in the Tab order, named for a screen
// reader by its kind, name, pipeline, figures and findings) asks the host to open its YAML. The
// figures redraw every few seconds without taking the keyboard's place; a screen reader hears
// only when the set of failing nodes changes. Data becomes attributes and text nodes, never markup.
import type { NodeFigures } from '../core/collector/liveFigures';
import type { GraphNode, NodeFinding } from '../core/collector/pipelineGraph';
import type { Box } from '../core/collector/pipelineLayout';
import {
  isPipelineHostMessage,
  unusedNodeId,
  type PipelineFiguresMessage,
  type PipelineGraphMessage,
  type PipelinePageMessage,
} from '../core/protocol/pipeline';
import { el, replaceKeepingFocus, vscodeApi } from './lib/dom';
import { announcer } from './lib/live';
import { svgEl } from './lib/svg';
import { fillPlaceholders, pageStrings } from './lib/strings';
import { pipelinePageEnglish } from '../core/protocol/pageStrings';
import { t } from '../core/text/l10n';

/** The page's fixed texts, in the display language the host wrote into the page. */
const text = pageStrings(pipelinePageEnglish);

interface PageState {
  uri: string;
  line: number;
}

const vscode = vscodeApi<PipelinePageMessage, PageState>();
const app = document.getElementById('app') ?? document.body;

let current: PipelineGraphMessage | undefined;
let figures: PipelineFiguresMessage | undefined;
let liveNote = '';
const announce = announcer(10_000);
/** The failing nodes last announced, so a redraw with the same ones says nothing. */
let failingSaid = '';

/** An element id for a node, the same on every redraw, so the focus stays on it. */
const domId = (prefix: string, id: string): string => `${prefix}-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

const severityRank = { error: 3, warning: 2, info: 1 } as const;
const healthWords: Record<Exclude<NodeFigures['health'], 'unknown'>, string> = {
  flowing: text.legendFlowing,
  idle: text.legendIdle,
  failing: text.legendFailing,
};

function worst(findings: readonly NodeFinding[]): NodeFinding['severity'] | undefined {
  let w: NodeFinding['severity'] | undefined;
  for (const f of findings) if (!w || severityRank[f.severity] > severityRank[w]) w = f.severity;
  return w;
}

function short(name: string, max = 20): string {
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}

function count(n: number | undefined): string {
  if (n === undefined) return '–';
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return String(Math.round(n));
}

function figureText(node: GraphNode, f: NodeFigures | undefined): string {
  if (!f) return '';
  if (f.health === 'unknown') return text.noFigures;
  // A failure counter appears only once something failed: with figures and none, nothing failed.
  const failed = count(f.failed ?? (f.in !== undefined ? 0 : undefined));
  if (node.role === 'receiver') return t`accepted ${count(f.in)} · refused ${failed}`;
  if (node.role === 'exporter')
    return f.queue !== undefined
      ? t`sent ${count(f.in)} · failed ${failed} · q ${count(f.queue)}`
      : t`sent ${count(f.in)} · failed ${failed}`;
  return t`in ${count(f.in)} · out ${count(f.out)}`;
}

function open(id: string): void {
  vscode.postMessage({ type: 'open', node: id });
}

function nodeView(
  id: string,
  box: Box,
  name: string,
  kind: string,
  classes: string[],
  findings: readonly NodeFinding[],
  figureLine: string,
  note: string,
  where: string,
): SVGGElement {
  const tip = [
    `${kind} ${name}, ${where}`,
    note,
    ...findings.map((f) => `${f.severity}: ${f.code}: ${f.message}`),
    text.clickToOpen,
  ].filter(Boolean);
  const onNode = `${short(name)} ${figureLine || kind}`;
  const sev = worst(findings);
  // Its name is every word the node shows, in the order it shows them (the tooltip included, as axe
  // reads visible text), so voice control finds it by what is on screen and a screen reader hears all.
  const label = [onNode, ...tip, ...(sev ? [t`${findings.length} finding(s), worst ${sev}`] : [])];
  const g = svgEl(
    'g',
    {
      class: ['node', ...classes].join(' '),
      transform: `translate(${box.x},${box.y})`,
      tabindex: 0,
      role: 'button',
      id: domId('node', id),
      'data-node': id,
      'aria-label': label.join('; '),
    },
    svgEl('rect', { width: box.w, height: box.h, rx: 5 }),
    svgEl('text', { class: 'name', x: 8, y: 17 }, short(name)),
    // Not drawn: spaces keep the lines and the tooltip apart as words where text is read out of the drawing.
    ' ',
    svgEl('text', { class: 'figures', x: 8, y: 34 }, figureLine || kind),
    ' ',
    svgEl('title', {}, tip.join('\n')),
  );
  if (sev)
    g.append(
      svgEl(
        'g',
        { class: `badge ${sev}`, transform: `translate(${box.w - 2},2)` },
        svgEl('circle', { r: 8 }),
        svgEl('text', { y: 3.5 }, String(findings.length)),
      ),
    );
  g.addEventListener('click', () => open(id));
  g.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    open(id);
  });
  return g;
}

function draw(): void {
  const m = current;
  if (!m) return;
  const { graph, layout } = m;
  const pipelines = graph.pipelines.map((p) => t`pipeline ${p.id}`).join(', ');
  const svg = svgEl('svg', {
    width: layout.width,
    height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    id: 'graph',
    role: 'group',
    'aria-label': t`The collector's pipelines as a graph: ${pipelines}. Each node is a button that opens its YAML.`,
  });
  svg.append(
    svgEl(
      'defs',
      {},
      svgEl(
        'marker',
        { id: 'arrow', viewBox: '0 0 8 8', refX: 8, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto' },
        svgEl('path', { d: 'M0,0 L8,4 L0,8 z', class: 'arrow' }),
      ),
      svgEl(
        'marker',
        { id: 'link-arrow', viewBox: '0 0 8 8', refX: 8, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto' },
        svgEl('path', { d: 'M0,0 L8,4 L0,8 z', class: 'link-arrow' }),
      ),
    ),
  );
  for (const p of graph.pipelines) {
    const r = layout.rows[p.id];
    if (!r) continue;
    svg.append(
      svgEl('rect', {
        class: 'row-band',
        x: r.x,
        y: r.y,
        width: r.w,
        height: r.h,
        rx: 6,
        'data-pipeline': p.id,
        'aria-hidden': 'true',
      }),
      svgEl('text', { class: 'row-label', x: r.x + 8, y: r.y + 15, 'aria-hidden': 'true' }, t`pipeline ${p.id}`),
    );
  }
  for (const e of graph.edges) {
    const a = layout.nodes[e.from];
    const b = layout.nodes[e.to];
    if (!a || !b) continue;
    const x1 = a.x + a.w;
    const y1 = a.y + a.h / 2;
    const x2 = b.x;
    const y2 = b.y + b.h / 2;
    const mid = (x1 + x2) / 2;
    svg.append(
      svgEl('path', {
        class: 'edge',
        d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`,
        'marker-end': 'url(#arrow)',
        'aria-hidden': 'true',
      }),
    );
  }
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  graph.links.forEach((l, i) => {
    const a = layout.nodes[l.from];
    const b = layout.nodes[l.to];
    const from = byId.get(l.from);
    const to = byId.get(l.to);
    const rowA = from && layout.rows[from.pipeline];
    const rowB = to && layout.rows[to.pipeline];
    if (!a || !b || !rowA || !rowB) return;
    const x1 = a.x + a.w;
    const y1 = a.y + a.h / 2;
    const x2 = b.x;
    const y2 = b.y + b.h / 2;
    // Lanes in the margins, a little apart per link, and across in the gap above the lower row.
    const right = layout.width - 3 - (i % 4) * 2;
    const left = 3 + (i % 4) * 2;
    const across = (rowB.y > rowA.y ? rowB.y : rowA.y) - 9 + (i % 3) * 2;
    svg.append(
      svgEl(
        'path',
        {
          class: 'link',
          'data-connector': l.connector,
          d: `M${x1},${y1} H${right} V${across} H${left} V${y2} H${x2}`,
          'marker-end': 'url(#link-arrow)',
          'aria-hidden': 'true',
        },
        svgEl('title', {}, t`connector ${l.connector}: ${from.pipeline} → ${to.pipeline}`),
      ),
    );
  });
  for (const n of graph.nodes) {
    const box = layout.nodes[n.id];
    if (!box) continue;
    const f = figures?.figures[n.id];
    const classes = [n.role, ...(n.connector ? ['connector'] : []), ...(n.defined ? [] : ['undefined'])];
    if (f) classes.push(f.health);
    // The role is the config's word (receiver, exporter…), and so is the section it is defined in.
    const kind = n.connector ? t`connector (as ${n.role})` : n.role;
    const note = [
      n.defined ? '' : t`not defined in ${n.connector ? 'connectors' : `${n.role}s`}:`,
      n.chartDefault ? t`from the chart's defaults` : '',
      f?.note ?? '',
    ]
      .filter(Boolean)
      .join('; ');
    const where =
      f && f.health !== 'unknown' ? t`pipeline ${n.pipeline}, ${healthWords[f.health]}` : t`pipeline ${n.pipeline}`;
    svg.append(nodeView(n.id, box, n.component, kind, classes, n.findings, figureText(n, f), note, where));
  }
  if (layout.unused) {
    const u = layout.unused;
    svg.append(
      svgEl('rect', { class: 'row-band', x: u.x, y: u.y, width: u.w, height: u.h, rx: 6, 'aria-hidden': 'true' }),
      svgEl(
        'text',
        { class: 'row-label', x: u.x + 8, y: u.y + 15, 'aria-hidden': 'true' },
        t`defined but in no pipeline`,
      ),
    );
    graph.unused.forEach((c, i) => {
      const box = layout.unusedNodes[i];
      if (box)
        svg.append(
          nodeView(
            unusedNodeId(i),
            box,
            c.component,
            c.kind,
            ['unused'],
            c.findings,
            t`unused ${c.kind}`,
            t`no pipeline uses it`,
            t`defined but in no pipeline`,
          ),
        );
    });
  }

  const list = el('ul', { class: 'findings' });
  const item = (f: NodeFinding, where: string, id?: string, name?: string): HTMLElement => {
    const li = el('li', { class: f.severity }, el('span', { class: 'code' }, f.code), `${where}${f.message}`);
    if (id) {
      const go = el(
        'a',
        { href: '#', id: domId(`open-${f.code}`, id), 'aria-label': t`Open ${name ?? id} in the YAML` },
        ` ${t`open`}`,
      );
      go.addEventListener('click', (e) => {
        e.preventDefault();
        open(id);
      });
      li.append(go);
    }
    return li;
  };
  for (const f of graph.findings) list.append(item(f, ''));
  const seen = new Set<string>();
  for (const n of graph.nodes)
    for (const f of n.findings) {
      const key = `${n.connector ? 'connector' : n.role}:${n.component}:${f.code}:${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      list.append(item(f, `${n.component}: `, n.id, n.component));
    }
  graph.unused.forEach((c, i) => {
    for (const f of c.findings) list.append(item(f, `${c.component}: `, unusedNodeId(i), c.component));
  });

  const live = figures
    ? fillPlaceholders(text.live, figures.source, new Date(figures.at).toLocaleTimeString())
    : liveNote || text.waiting;
  const failing = graph.nodes.filter((n) => figures?.figures[n.id]?.health === 'failing').map((n) => n.component);
  const failingNow = failing.join(', ');
  if (failingNow !== failingSaid) {
    failingSaid = failingNow;
    announce.say(failing.length ? fillPlaceholders(text.failingAt, failingNow) : text.noneFailing);
  }
  replaceKeepingFocus(
    app,
    el(
      'header',
      {},
      el('h1', {}, m.title),
      el(
        'p',
        { class: 'hint' },
        fillPlaceholders(
          text.summary,
          graph.pipelines.length,
          graph.nodes.length,
          graph.links.length,
          graph.unused.length,
        ),
      ),
      el('p', { class: 'live', id: 'live' }, live),
      el(
        'div',
        { class: 'legend', role: 'list', 'aria-label': text.legend },
        el('span', { class: 'flowing', role: 'listitem' }, text.legendFlowing),
        el('span', { class: 'idle', role: 'listitem' }, text.legendIdle),
        el('span', { class: 'failing', role: 'listitem' }, text.legendFailing),
        el('span', { class: 'connector', role: 'listitem' }, text.legendConnector),
      ),
    ),
    svg,
    ...(list.childElementCount ? [el('h2', { class: 'hint' }, text.findings), list] : []),
  );
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = event.data;
  if (!isPipelineHostMessage(m)) return;
  if (m.type === 'graph') {
    current = m;
    vscode.setState({ uri: m.uri, line: m.line });
    draw();
  } else if (m.type === 'figures') {
    figures = m;
    draw();
  } else if (m.type === 'noFigures') {
    figures = undefined;
    liveNote = m.message;
    draw();
  } else {
    current = undefined;
    app.replaceChildren(el('h1', {}, text.title), el('p', { class: 'empty' }, m.message));
  }
});

vscode.postMessage({ type: 'ready' });
