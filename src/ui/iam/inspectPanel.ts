// Observability Lab: Inspect IRSA Role (Task 4). A webview with the role's trust policy explained,
// its permissions, the verdict for each lab action, the what-if without aps:RemoteWrite and the
// findings. The host gathers everything (IAM, EKS, the cluster); the page only displays it.
import * as vscode from 'vscode';
import { parseIrsaPageMessage, type IrsaHostMessage } from '../../core/protocol/iam';
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
