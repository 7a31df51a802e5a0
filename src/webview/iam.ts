// The Inspect IRSA Role page: shows the report the host sends (src/core/protocol/iam.ts) and asks
// for a refresh; it never talks to AWS or the cluster itself. Data becomes text nodes, never HTML.
// A screen reader hears when a reading starts and what it found, through one polite live region.
import { isIrsaHostMessage, type IrsaHostMessage, type IrsaPageMessage } from '../core/protocol/iam';
import type { ActionVerdict } from '../core/iam/lab';
import type { IrsaReport } from '../core/iam/report';
import { el, replaceKeepingFocus, vscodeApi } from './lib/dom';
import { announcer } from './lib/live';

const vscode = vscodeApi<IrsaPageMessage>();

const app = document.getElementById('app') ?? document.body;
const announce = announcer(3_000);

const decisionText: Record<ActionVerdict['decision'], { text: string; cls: string }> = {
  allowed: { text: 'allowed', cls: 'ok' },
  explicitDeny: { text: 'denied (explicit Deny)', cls: 'bad' },
  implicitDeny: { text: 'denied (no Allow)', cls: 'bad' },
  undetermined: { text: 'undecided', cls: 'unknown' },
};

function header(title: string, state: string): HTMLElement {
  const refresh = el('button', { id: 'refresh', type: 'button' }, 'Refresh');
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
      el('tr', {}, ...['Action', 'Verdict', 'Used for', 'Why'].map((h) => el('th', { scope: 'col' }, h))),
    ),
    el('tbody', {}, ...rows),
  );
}

function render(r: IrsaReport): void {
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const parts: Node[] = [header(`IRSA role ${r.role.name}`, errors ? `${errors} problem(s)` : 'no problems found')];
  parts.push(
    el(
      'p',
      { class: 'hint' },
      `${r.role.arn}${r.role.createdByLab ? ' · created by Observability Lab' : ''}` +
        `${r.cluster.name ? ` · cluster ${r.cluster.name}${r.cluster.region ? ` (${r.cluster.region})` : ''}` : ''}`,
    ),
  );
  const provider =
    r.cluster.oidcProviderExists === false
      ? ' — no IAM OIDC provider for it'
      : r.cluster.oidcProviderExists
        ? ' — IAM OIDC provider present'
        : '';
  if (r.cluster.issuer) parts.push(el('p', {}, `Cluster OIDC issuer: ${r.cluster.issuer}${provider}`));
  else if (r.cluster.issuerError)
    parts.push(el('p', { class: 'hint' }, `Cluster issuer not known: ${r.cluster.issuerError}`));

  const findings = el('section', { id: 'findings' }, el('h2', {}, `Findings (${r.findings.length})`));
  if (!r.findings.length)
    findings.append(
      el(
        'p',
        { class: 'ok' },
        'Nothing wrong: the role trusts exactly the expected ServiceAccount and allows what the lab needs.',
      ),
    );
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
    el('h2', {}, 'Who may assume it (trust policy)'),
    el('p', { class: 'hint' }, `Expected: ${r.serviceAccount.subject}`),
  );
  for (const s of r.trust.statements) {
    trust.append(el('p', {}, s.summary));
    if (s.conditions.length)
      trust.append(el('ul', { class: 'conditions' }, ...s.conditions.map((c) => el('li', {}, c.text))));
  }
  trust.append(el('details', {}, el('summary', {}, 'Trust policy document'), el('pre', {}, r.trust.text)));
  parts.push(trust);

  const perms = el(
    'section',
    { id: 'permissions' },
    el('h2', {}, "What it may do: the lab's actions"),
    el('p', { class: 'hint' }, r.verdictNote),
    verdictTable(r.verdicts, "The lab's actions and the role's verdict on each", 'verdicts'),
  );
  for (const p of r.policies)
    perms.append(
      el(
        'details',
        {},
        el(
          'summary',
          {},
          `${p.kind === 'managed' ? 'Attached' : 'Inline'} policy ${p.name}${p.error ? ` — ${p.error}` : ''}`,
        ),
        el('pre', {}, p.text),
      ),
    );
  parts.push(perms);

  const w = r.whatIf;
  const whatIf = el(
    'section',
    { id: 'whatif' },
    el('h2', {}, `What if the role loses ${w.removed}?`),
    el('p', { class: 'hint' }, `On a copy of the policies: ${w.edits.join('; ')}. Nothing in AWS is changed.`),
  );
  if (!w.breaks.length) whatIf.append(el('p', {}, 'Nothing the lab uses changes.'));
  for (const b of w.breaks)
    whatIf.append(el('div', { class: 'breaks' }, el('strong', {}, `${b.capability} stops working. `), b.symptom));
  whatIf.append(
    el('h3', {}, 'Verdicts after the change'),
    verdictTable(w.after, `The verdicts if the role loses ${w.removed}`, 'verdicts-after'),
  );
  parts.push(whatIf);

  if (r.kube) {
    const k = el('section', { id: 'cluster' }, el('h2', {}, 'In the cluster'));
    if (r.kube.error) k.append(el('p', { class: 'hint' }, `Not checked: ${r.kube.error}`));
    const sa = r.kube.serviceAccount;
    if (sa)
      k.append(
        el(
          'p',
          {},
          `ServiceAccount ${sa.namespace}/${sa.name}: ${sa.exists ? `eks.amazonaws.com/role-arn = ${sa.roleArn ?? '(none)'}` : 'does not exist'}`,
        ),
      );
    for (const p of r.kube.prometheusPods ?? [])
      k.append(el('p', {}, `Pod ${p.namespace}/${p.name} runs as ${p.serviceAccount}`));
    parts.push(k);
  }
  replaceKeepingFocus(app, ...parts);
  announce.sayNow(
    `IRSA role ${r.role.name}: ${errors ? `${errors} problem(s)` : 'no problems found'}, ${r.findings.length} finding(s).`,
  );
}

function onMessage(m: IrsaHostMessage): void {
  if (m.type === 'loading') {
    replaceKeepingFocus(app, header(`IRSA role ${m.roleName}`, 'reading IAM, EKS and the cluster…'));
    announce.sayNow(`Reading IRSA role ${m.roleName}…`);
  } else if (m.type === 'error') {
    replaceKeepingFocus(
      app,
      header(`IRSA role ${m.roleName}`, 'failed'),
      el('div', { class: 'finding error' }, m.message),
    );
    announce.sayNow(`IRSA role ${m.roleName}: ${m.message}`);
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
