// The Lab Doctor page: shows the chain the host sends (src/core/protocol/doctor.ts), one row per
// link, findings with evidence and fix buttons. It never acts itself: a button asks the host for
// fix N of finding M of a link. Data becomes text nodes, never HTML. A screen reader hears the
// verdict when a run ends and each fix's result, through one polite live region.
import {
  isDoctorHostMessage,
  type DoctorHostMessage,
  type DoctorPageMessage,
  type DoctorReportMessage,
} from '../core/protocol/doctor';
import type { DoctorFinding, DoctorFix, LinkResult, LinkStatus } from '../core/doctor/report';
import { commandText } from '../core/doctor/text';
import type { ShellKind } from '../core/shellQuote';
import { el, replaceKeepingFocus, vscodeApi } from './lib/dom';
import { announcer } from './lib/live';
import { fillPlaceholders as fill, pageStrings } from './lib/strings';
import { doctorPageEnglish } from '../core/protocol/pageStrings';
import { t } from '../core/text/l10n';

const vscode = vscodeApi<DoctorPageMessage, DoctorReportMessage>();
const app = document.getElementById('app') ?? document.body;
const announce = announcer(3_000);
/** The page's fixed texts, in the display language the host wrote into the page. */
const text = pageStrings(doctorPageEnglish);

const statusText: Record<LinkStatus, { mark: string; text: string }> = {
  passed: { mark: '✓', text: text.passed },
  failed: { mark: '✗', text: text.broken },
  consequence: { mark: '↳', text: text.consequence },
  skipped: { mark: '–', text: text.skipped },
};

function header(title: string, state: string, busy: boolean): HTMLElement {
  const again = el('button', { id: 'rerun', type: 'button' }, busy ? text.running : text.runAgain);
  if (busy) again.setAttribute('disabled', '');
  again.addEventListener('click', () => vscode.postMessage({ type: 'rerun' }));
  return el(
    'header',
    {},
    el('h1', {}, title),
    el('div', {}, el('span', { class: 'hint', id: 'state' }, state), ' ', again),
  );
}

function fixLabel(f: DoctorFix): string {
  return fill(f.kind === 'command' ? text.fixRun : f.kind === 'edit' ? text.fixEdit : text.fixOpen, f.title);
}

/** The shell the host shows commands for (from the report message). */
let shell: ShellKind = 'posix';

function fixDetail(f: DoctorFix): string {
  return f.kind === 'command'
    ? commandText(f, shell)
    : f.kind === 'edit'
      ? `${f.file}${f.edits[0] ? `:${f.edits[0].range.start.line + 1}` : ''}`
      : f.target;
}

function findingView(link: LinkResult, f: DoctorFinding, index: number, actionable: boolean): HTMLElement {
  const box = el(
    'div',
    { class: `finding ${link.status}`, 'data-code': f.code },
    el('div', {}, el('span', { class: 'code' }, f.code), f.message),
  );
  if (f.evidence.length) {
    box.append(
      el(
        'table',
        { class: 'evidence', 'aria-label': fill(text.evidenceFor, f.code) },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', { scope: 'col' }, text.object),
            el('th', { scope: 'col' }, text.seen),
            el('th', { scope: 'col' }, text.expected),
          ),
        ),
        el(
          'tbody',
          {},
          ...f.evidence.map((e) =>
            el(
              'tr',
              {},
              el('td', {}, e.object),
              el('td', { class: 'bad' }, e.seen),
              el('td', { class: 'ok' }, e.expected),
            ),
          ),
        ),
      ),
    );
  }
  if (actionable && f.remedies.length) {
    const fixes = el('div', { class: 'fixes' });
    f.remedies.forEach((fix, i) => {
      const b = el('button', { class: `fix ${fix.kind}`, type: 'button', title: fixDetail(fix) }, fixLabel(fix));
      b.addEventListener('click', () => vscode.postMessage({ type: 'fix', link: link.id, finding: index, fix: i }));
      fixes.append(
        el(
          'div',
          { class: 'fix-row', id: `fix-${link.id}-${index}-${i}` },
          b,
          el('code', { class: 'hint' }, fixDetail(fix)),
          el('span', { class: 'result' }),
        ),
      );
    });
    box.append(fixes);
  }
  return box;
}

function linkView(l: LinkResult, titles: Map<string, string>): HTMLElement {
  const s = statusText[l.status];
  const item = el(
    'li',
    { class: `link ${l.status}`, 'data-link': l.id },
    el(
      'div',
      { class: 'line' },
      el('span', { class: 'mark', 'aria-hidden': 'true' }, s.mark),
      el('strong', {}, l.title),
      el('span', { class: 'status' }, s.text),
    ),
    el('div', { class: 'detail' }, l.detail),
  );
  if (l.status === 'consequence' && l.causedBy)
    item.append(el('div', { class: 'hint' }, fill(text.consequenceOf, titles.get(l.causedBy) ?? l.causedBy)));
  // Consequences show their findings folded: they explain, the cause is what to fix.
  if (l.status === 'failed') l.findings.forEach((f, i) => item.append(findingView(l, f, i, true)));
  if (l.status === 'consequence' && l.findings.length) {
    const more = el('details', {}, el('summary', {}, fill(text.whatItSees, l.findings.length)));
    l.findings.forEach((f, i) => more.append(findingView(l, f, i, false)));
    item.append(more);
  }
  return item;
}

/** Why links were skipped, each reason once, the one that skipped the most links first (it is the one to act on). */
function skippedReasons(links: LinkResult[]): { reason: string; links: number }[] {
  const counts = new Map<string, number>();
  for (const l of links) if (l.status === 'skipped') counts.set(l.detail, (counts.get(l.detail) ?? 0) + 1);
  return [...counts].map(([reason, n]) => ({ reason, links: n })).sort((x, y) => y.links - x.links);
}

function renderReport(m: DoctorReportMessage, busy = false): void {
  const r = m.report;
  shell = m.shell ?? 'posix';
  const counts = (['passed', 'failed', 'consequence', 'skipped'] as const)
    .map((st) => `${r.links.filter((l) => l.status === st).length} ${statusText[st].text}`)
    .join(', ');
  const parts: Node[] = [
    header(fill(text.title, m.target), `${new Date(r.takenAt).toLocaleTimeString()} · ${m.ms} ms · ${counts}`, busy),
  ];
  if (r.healthy) parts.push(el('p', { class: 'verdict ok', id: 'verdict' }, text.healthy));
  else if (r.causes.length)
    parts.push(
      el(
        'p',
        { class: 'verdict bad', id: 'verdict' },
        fill(text.brokenVerdict, r.causes.map((c) => c.code).join(', '), r.cause?.code ?? r.causes[0]?.code ?? ''),
      ),
    );
  else
    // Unhealthy with no cause: every link was skipped (a stopped sandbox), so say why instead of naming none.
    parts.push(
      el('p', { class: 'verdict bad', id: 'verdict' }, text.nothingChecked),
      el(
        'ul',
        { id: 'skipped-reasons' },
        ...skippedReasons(r.links).map(({ reason, links }) =>
          el(
            'li',
            {},
            reason,
            el('span', { class: 'hint' }, ` ${links === 1 ? t`(${links} link)` : t`(${links} links)`}`),
          ),
        ),
      ),
    );
  parts.push(
    el(
      'ol',
      { class: 'chain', id: 'chain' },
      ...r.links.map((l) => linkView(l, new Map(r.links.map((x) => [x.id, x.title])))),
    ),
  );
  const notes = Object.entries(m.unavailable);
  if (notes.length)
    parts.push(
      el(
        'details',
        { id: 'unavailable' },
        el('summary', {}, fill(text.notGathered, notes.length)),
        el('ul', {}, ...notes.map(([k, v]) => el('li', {}, el('strong', {}, `${k}: `), v))),
      ),
    );
  replaceKeepingFocus(app, ...parts);
  if (!busy) announce.sayNow(`${document.getElementById('verdict')?.textContent ?? ''} ${counts}.`);
}

function onMessage(m: DoctorHostMessage): void {
  switch (m.type) {
    case 'running': {
      const prev = vscode.getState();
      announce.sayNow(fill(text.examiningSay, m.target));
      if (prev) renderReport(prev, true);
      else
        replaceKeepingFocus(
          app,
          header(fill(text.title, m.target), text.examining, true),
          el('p', { class: 'hint' }, text.reading),
        );
      break;
    }
    case 'report':
      vscode.setState(m);
      renderReport(m);
      break;
    case 'error':
      announce.sayNow(fill(text.couldNotRunSay, m.message));
      replaceKeepingFocus(
        app,
        header(fill(text.title, m.target), text.couldNotRun, false),
        el('p', { class: 'verdict bad', id: 'verdict' }, m.message),
      );
      break;
    case 'fixResult': {
      const slot = document.querySelector(`#fix-${m.link}-${m.finding}-${m.fix} .result`);
      if (slot) {
        slot.textContent = m.message;
        slot.className = `result ${m.ok ? 'ok' : 'bad'}`;
        announce.sayNow(m.message);
      }
      break;
    }
  }
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (isDoctorHostMessage(e.data)) onMessage(e.data);
});

const saved = vscode.getState();
if (saved) renderReport(saved);
vscode.postMessage({ type: 'ready' });
