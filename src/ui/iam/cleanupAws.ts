// Clean Up, AWS part: the lab's role and policy (tagged obslab:lab=true when Create IAM Policy and
// IRSA Role made them), listed in a modal and deleted only after confirmation. The OIDC provider is
// kept unless the student ticks it: other IRSA roles of the cluster depend on it.
import * as vscode from 'vscode';
import type { AwsCleanupPlan } from '../../core/iam/setup';
import { AwsError } from '../../node/aws/clients';
import { planAwsCleanupFor, runAwsCleanup, type AwsCleanupResult } from '../../node/aws/cleanup';
import type { CommandFactory, Ctx } from '../context';
import { clientsFor, irsaSettings } from './settings';

/** Plans the AWS part of Clean Up (for a combined Clean Up modal); undefined when AWS cannot be asked, with why. */
export async function planAwsCleanupUi(
  ctx: Ctx,
): Promise<
  | { plan: AwsCleanupPlan; run: (onStep?: (r: AwsCleanupResult) => void) => Promise<AwsCleanupResult[]> }
  | { error: string }
> {
  const s = await irsaSettings(ctx);
  const c = clientsFor(s);
  try {
    const plan = await planAwsCleanupFor(c, {
      roleName: s.roleName,
      policyName: s.policyName,
      clusterName: s.clusterName,
    });
    return { plan, run: (onStep) => runAwsCleanup(c, plan, onStep) };
  } catch (e) {
    if (e instanceof AwsError) return { error: e.message };
    throw e;
  }
}

export const cleanupAwsCommand: CommandFactory = (ctx) => async () => {
  const planned = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t("Observability Lab: finding the lab's IAM role and policy"),
    },
    () => planAwsCleanupUi(ctx),
  );
  if ('error' in planned) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Observability Lab: {0}', planned.error));
    return undefined;
  }
  const { plan } = planned;
  const planLines = [...plan.steps.map((st) => `  delete ${st.description}`), ...plan.kept.map((k) => `  keep   ${k}`)];
  ctx.output.appendLine(`[irsa] Clean Up (AWS):\n${planLines.join('\n') || '  (nothing)'}`);
  if (!plan.steps.length) {
    void vscode.window.showInformationMessage(
      plan.kept.length
        ? vscode.l10n.t('Observability Lab: nothing of the lab to delete in AWS. {0}.', plan.kept.join('; '))
        : vscode.l10n.t('Observability Lab: nothing of the lab to delete in AWS.'),
    );
    return plan;
  }
  const del = vscode.l10n.t('Delete');
  const pick = await vscode.window.showWarningMessage(
    vscode.l10n.t("Delete the lab's IAM role and policy ({0} step(s))?", plan.steps.length),
    {
      modal: true,
      detail: [
        ...plan.steps.map((st) => `• ${st.description}`),
        ...plan.kept.map((k) => vscode.l10n.t('Kept: {0}', k)),
      ].join('\n'),
    },
    del,
  );
  if (pick !== del) return undefined;
  const results = await planned.run((r) =>
    ctx.output.appendLine(
      `  ${r.result === 'failed' ? 'FAILED' : r.result === 'done' ? 'ok    ' : 'gone  '} ${r.step.description}${r.message ? `: ${r.message}` : ''}`,
    ),
  );
  const failed = results.filter((r) => r.result === 'failed');
  if (failed.length)
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Observability Lab: {0} AWS clean-up step(s) failed: {1}', failed.length, failed[0]?.message ?? ''),
    );
  else
    void vscode.window.showInformationMessage(
      vscode.l10n.t("Observability Lab: deleted the lab's IAM role and policy ({0} step(s)).", results.length),
    );
  return results;
};
