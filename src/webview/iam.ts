// The Inspect IRSA Role page: shows the report the host sends (src/core/protocol/iam.ts) and asks
// for a refresh; it never talks to AWS or the cluster itself. Data becomes text nodes, never HTML.
// A screen reader hears when a reading starts and what it found, through one polite live region.
import { isIrsaHostMessage, type IrsaHostMessage, type IrsaPageMessage } from '../core/protocol/iam';
import type { ActionVerdict } from '../core/iam/lab';
import type { IrsaReport } from '../core/iam/report';
import { el, replaceKeepingFocus, vscodeApi } from './lib/dom';
import { announcer } from './lib/live';
import { fillPlaceholders as fill, pageStrings } from './lib/strings';
import { iamPageEnglish } from '../core/protocol/pageStrings';
import { t } from '../core/text/l10n';

const vscode = vscodeApi<IrsaPageMessage>();

const app = document.getElementById('app') ?? document.body;
const announce = announcer(3_000);
/** The page's fixed texts, in the display language the host wrote into the page. */
const text = pageStrings(iamPageEnglish);

const decisionText: Record<ActionVerdict['decision'], { text: string; cls: string }> = {
  allowed: { text: text.allowed, cls: 'ok' },
  explicitDeny: { text: text.explicitDeny, cls: 'bad' },
  implicitDeny: { text: text.implicitDeny, cls: 'bad' },
  undetermined: { text: text.undetermined, cls: 'unknown' },
};

function header(title: string, state: string): HTMLElement {
  const refresh = el('button', { id: 'refresh', type: 'button' }, text.refresh);
  refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  return el('header', {}, el('h1', {}, title), el('div', {}, el('span', { class: 'hint' }, state), ' ', refresh));
}

function verdictTable(verdicts: ActionVerdict[], caption: string, id: string): HTMLTableElement {
  const rows = verdicts.map((v) => {
    const d = decisionText[v.decision];
    return el(
      'tr',
      {},
      el('td', {}, el('code', {}, v.action)),
      el('td', { class: d.cls }, d.text),
      el('td', {}, v.capability),
      el('td', { class: 'hint' }, v.because),
    );
  });
  return el(
    'table',
    { id },
    el('caption', { class: 'sr-only' }, caption),
    el(
      'thead',
      {},
      el('tr', {}, ...[text.action, text.verdict, text.usedFor, text.why].map((h) => el('th', { scope: 'col' }, h))),
    ),
    el('tbody', {}, ...rows),
  );
}

function render(r: IrsaReport): void {
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const parts: Node[] = [header(fill(text.title, r.role.name), errors ? fill(text.problems, errors) : text.noProblems)];
  const cluster = r.cluster.name
    ? r.cluster.region
      ? t`cluster ${r.cluster.name} (${r.cluster.region})`
      : t`cluster ${r.cluster.name}`
    : '';
  const about = [r.role.createdByLab ? t`created by Observability Lab` : '', cluster].filter(Boolean);
  parts.push(el('p', { class: 'hint' }, r.role.arn + about.map((a) => ` · ${a}`).join('')));
  const issuer = r.cluster.issuer;
  if (issuer)
    parts.push(
      el(
        'p',
        {},
        r.cluster.oidcProviderExists === false
          ? t`Cluster OIDC issuer: ${issuer} — no IAM OIDC provider for it`
          : r.cluster.oidcProviderExists
            ? t`Cluster OIDC issuer: ${issuer} — IAM OIDC provider present`
            : t`Cluster OIDC issuer: ${issuer}`,
      ),
    );
  else if (r.cluster.issuerError)
    parts.push(el('p', { class: 'hint' }, t`Cluster issuer not known: ${r.cluster.issuerError}`));

  const findings = el('section', { id: 'findings' }, el('h2', {}, fill(text.findings, r.findings.length)));
  if (!r.findings.length) findings.append(el('p', { class: 'ok' }, text.nothingWrong));
  for (const f of r.findings)
    findings.append(
      el(
        'div',
        { class: `finding ${f.severity}` },
        el('span', { class: 'code' }, `${f.severity} ${f.code}`),
        f.message,
      ),
    );
  parts.push(findings);

  const trust = el(
    'section',
    { id: 'trust' },
    el('h2', {}, text.whoMayAssume),
    el('p', { class: 'hint' }, fill(text.expected, r.serviceAccount.subject)),
  );
  for (const s of r.trust.statements) {
    trust.append(el('p', {}, s.summary));
    if (s.conditions.length)
      trust.append(el('ul', { class: 'conditions' }, ...s.conditions.map((c) => el('li', {}, c.text))));
  }
  trust.append(el('details', {}, el('summary', {}, text.trustDocument), el('pre', {}, r.trust.text)));
  parts.push(trust);

  const perms = el(
    'section',
    { id: 'permissions' },
    el('h2', {}, text.whatItMayDo),
    el('p', { class: 'hint' }, r.verdictNote),
    verdictTable(r.verdicts, text.verdictsCaption, 'verdicts'),
  );
  for (const p of r.policies)
    perms.append(
      el(
        'details',
        {},
        el(
          'summary',
          {},
          (p.kind === 'managed' ? t`Attached policy ${p.name}` : t`Inline policy ${p.name}`) +
            (p.error ? ` — ${p.error}` : ''),
        ),
        el('pre', {}, p.text),
      ),
    );
  parts.push(perms);

  const w = r.whatIf;
  const whatIf = el(
    'section',
    { id: 'whatif' },
    el('h2', {}, fill(text.whatIf, w.removed)),
    el('p', { class: 'hint' }, fill(text.onACopy, w.edits.join('; '))),
  );
  if (!w.breaks.length) whatIf.append(el('p', {}, text.nothingChanges));
  for (const b of w.breaks)
    whatIf.append(el('div', { class: 'breaks' }, el('strong', {}, `${t`${b.capability} stops working.`} `), b.symptom));
  whatIf.append(
    el('h3', {}, text.verdictsAfter),
    verdictTable(w.after, t`The verdicts if the role loses ${w.removed}`, 'verdicts-after'),
  );
  parts.push(whatIf);

  if (r.kube) {
    const k = el('section', { id: 'cluster' }, el('h2', {}, text.inTheCluster));
    if (r.kube.error) k.append(el('p', { class: 'hint' }, fill(text.notChecked, r.kube.error)));
    const sa = r.kube.serviceAccount;
    if (sa)
      k.append(
        el(
          'p',
          {},
          sa.exists
            ? t`ServiceAccount ${sa.namespace}/${sa.name}: eks.amazonaws.com/role-arn = ${sa.roleArn ?? t`(none)`}`
            : t`ServiceAccount ${sa.namespace}/${sa.name}: does not exist`,
        ),
      );
    for (const p of r.kube.prometheusPods ?? [])
      k.append(el('p', {}, t`Pod ${p.namespace}/${p.name} runs as ${p.serviceAccount}`));
    parts.push(k);
  }
  replaceKeepingFocus(app, ...parts);
  announce.sayNow(
    errors
      ? t`IRSA role ${r.role.name}: ${errors} problem(s), ${r.findings.length} finding(s).`
      : t`IRSA role ${r.role.name}: no problems found, ${r.findings.length} finding(s).`,
  );
}

function onMessage(m: IrsaHostMessage): void {
  if (m.type === 'loading') {
    replaceKeepingFocus(app, header(fill(text.title, m.roleName), text.reading));
    announce.sayNow(fill(text.readingSay, m.roleName));
  } else if (m.type === 'error') {
    replaceKeepingFocus(
      app,
      header(fill(text.title, m.roleName), text.failed),
      el('div', { class: 'finding error' }, m.message),
    );
    announce.sayNow(t`IRSA role ${m.roleName}: ${m.message}`);
  } else {
    render(m.report);
    vscode.setState({ report: m.report });
  }
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (isIrsaHostMessage(e.data)) onMessage(e.data);
});
const saved = vscode.getState() as { report?: IrsaReport } | undefined;
if (saved?.report) render(saved.report);
vscode.postMessage({ type: 'ready' });
