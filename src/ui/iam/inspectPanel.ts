// Observability Lab: Inspect IRSA Role (Task 4). A webview with the role's trust policy explained,
// its permissions, the verdict for each lab action, the what-if without aps:RemoteWrite and the
// findings. The host gathers everything (IAM, EKS, the cluster); the page only displays it.
import * as vscode from 'vscode';
import { parseIrsaPageMessage, type IrsaHostMessage } from '../../core/protocol/iam';
import type { IamPageStrings } from '../../core/protocol/pageStrings';
import { reportText } from '../../core/iam/report';
import { AwsError } from '../../node/aws/clients';
import { inspectIrsaRole } from '../../node/aws/inspect';
import { KubeError } from '../../node/kube/config';
import { readIrsaKubeSide } from '../../node/kube/serviceAccount';
import { contextKeys, type CommandFactory, type Ctx } from '../context';
import { connectPanel, createPanel, webviewHtml } from '../webviewHtml';
import { clientsFor, irsaSettings, kubeOrError } from './settings';

export const irsaViewType = 'obslab.irsa';

class IrsaPanel {
  static current: IrsaPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly ctx: Ctx,
    private readonly panel: vscode.WebviewPanel,
    private roleName: string,
  ) {
    connectPanel(panel, this.disposables, { message: (m) => void this.onMessage(m), dispose: () => this.dispose() });
    panel.webview.html = webviewHtml(
      panel.webview,
      ctx.extension.extensionUri,
      'iam',
      vscode.l10n.t('Inspect IRSA Role'),
      iamPageStrings(),
    );
  }

  static show(ctx: Ctx, roleName: string): IrsaPanel {
    if (IrsaPanel.current) {
      IrsaPanel.current.roleName = roleName;
      IrsaPanel.current.panel.title = vscode.l10n.t('IRSA: {0}', roleName);
      IrsaPanel.current.panel.reveal();
      void IrsaPanel.current.load();
      return IrsaPanel.current;
    }
    const panel = createPanel(ctx.extension.extensionUri, irsaViewType, vscode.l10n.t('IRSA: {0}', roleName), {
      retainContextWhenHidden: true,
    });
    IrsaPanel.current = new IrsaPanel(ctx, panel, roleName);
    return IrsaPanel.current;
  }

  private post(m: IrsaHostMessage): void {
    void this.panel.webview.postMessage(m);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseIrsaPageMessage(raw);
    if (!m) {
      this.ctx.output.appendLine('[irsa] ignored a malformed message from the IRSA page');
      return;
    }
    await this.load();
  }

  async load(): Promise<void> {
    const roleName = this.roleName;
    this.post({ type: 'loading', roleName });
    const s = await irsaSettings(this.ctx);
    try {
      const report = await inspectIrsaRole(clientsFor(s), roleName, {
        clusterName: s.clusterName,
        namespace: s.namespace,
        serviceAccount: s.serviceAccount,
        readKubeSide: async () => readIrsaKubeSide(await kubeOrError(this.ctx), s.namespace, s.serviceAccount),
      });
      this.ctx.output.appendLine(`[irsa] Inspect ${roleName}:\n${reportText(report)}`);
      this.post({ type: 'report', report });
      await this.ctx.setContext(contextKeys.irsaInspected, true);
    } catch (e) {
      if (!(e instanceof AwsError || e instanceof KubeError)) throw e;
      this.post({ type: 'error', roleName, message: e.message });
    }
  }

  private dispose(): void {
    IrsaPanel.current = undefined;
    for (const d of this.disposables) d.dispose();
  }
}

/** Takes the role name as an argument (from Create IAM Policy and IRSA Role), else asks with the lab's name filled in. */
export const inspectIrsaCommand: CommandFactory = (ctx) => async (arg?: unknown) => {
  const s = await irsaSettings(ctx);
  const roleName =
    typeof arg === 'string' && arg
      ? arg
      : await vscode.window.showInputBox({
          title: vscode.l10n.t('Inspect IRSA Role'),
          prompt: vscode.l10n.t('Name of the IAM role the Prometheus ServiceAccount assumes'),
          value: s.roleName,
          validateInput: (v) =>
            /^[\w+=,.@-]{1,64}$/.test(v)
              ? undefined
              : vscode.l10n.t('An IAM role name: up to 64 letters, digits and +=,.@_-'),
        });
  if (!roleName) return undefined;
  IrsaPanel.show(ctx, roleName);
  return roleName;
};

/** The page's fixed texts in the display language (English: iamPageEnglish). */
function iamPageStrings(): IamPageStrings {
  return {
    title: vscode.l10n.t('IRSA role {0}'),
    refresh: vscode.l10n.t('Refresh'),
    allowed: vscode.l10n.t('allowed'),
    explicitDeny: vscode.l10n.t('denied (explicit Deny)'),
    implicitDeny: vscode.l10n.t('denied (no Allow)'),
    undetermined: vscode.l10n.t('undecided'),
    action: vscode.l10n.t('Action'),
    verdict: vscode.l10n.t('Verdict'),
    usedFor: vscode.l10n.t('Used for'),
    why: vscode.l10n.t('Why'),
    problems: vscode.l10n.t('{0} problem(s)'),
    noProblems: vscode.l10n.t('no problems found'),
    findings: vscode.l10n.t('Findings ({0})'),
    nothingWrong: vscode.l10n.t(
      'Nothing wrong: the role trusts exactly the expected ServiceAccount and allows what the lab needs.',
    ),
    whoMayAssume: vscode.l10n.t('Who may assume it (trust policy)'),
    expected: vscode.l10n.t('Expected: {0}'),
    trustDocument: vscode.l10n.t('Trust policy document'),
    whatItMayDo: vscode.l10n.t("What it may do: the lab's actions"),
    verdictsCaption: vscode.l10n.t("The lab's actions and the role's verdict on each"),
    whatIf: vscode.l10n.t('What if the role loses {0}?'),
    onACopy: vscode.l10n.t('On a copy of the policies: {0}. Nothing in AWS is changed.'),
    nothingChanges: vscode.l10n.t('Nothing the lab uses changes.'),
    verdictsAfter: vscode.l10n.t('Verdicts after the change'),
    inTheCluster: vscode.l10n.t('In the cluster'),
    notChecked: vscode.l10n.t('Not checked: {0}'),
    reading: vscode.l10n.t('reading IAM, EKS and the cluster…'),
    readingSay: vscode.l10n.t('Reading IRSA role {0}…'),
    failed: vscode.l10n.t('failed'),
  };
}
