// Observability Lab: Create IAM Policy and IRSA Role (Task 1). Reads the account and the cluster,
// plans the changes (OIDC provider, policy, role, attachment, ServiceAccount), shows every one in
// a modal with the permissions the policy file grants (and warnings where they are broad) and the
// trust policy, and makes them only when the student agrees. Offers the lab's eksctl path when eksctl
// is installed. Credentials come from the SDK's provider chain and are never shown or logged.
import * as vscode from 'vscode';
import {
  eksctlIamServiceAccountArgs,
  eksctlOidcArgs,
  permissionsText,
  planIrsaSetup,
  type IrsaChange,
  type IrsaObserved,
  type IrsaPlan,
} from '../../core/iam/setup';
import { commandLine, shellFor } from '../../core/shellQuote';
import { AwsError } from '../../node/aws/clients';
import { findEksctl, runEksctl } from '../../node/aws/eksctl';
import { applyIrsaChanges, callerIdentity, clusterIssuer, observeIrsa, type Identity } from '../../node/aws/irsa';
import { applyServiceAccount, readServiceAccount } from '../../node/kube/serviceAccount';
import { KubeError } from '../../node/kube/config';
import { readTextFile } from '../../node/files/textFiles';
import { contextKeys, type CommandFactory, type Ctx } from '../context';
import { clientsFor, irsaSettings, kubeOrError, type IrsaSettings } from './settings';

async function policyFile(s: IrsaSettings): Promise<vscode.Uri | undefined> {
  if (s.labFolder) {
    const uri = vscode.Uri.joinPath(s.labFolder, 'iam', 'prometheus-iam-policy.json');
    try {
      await vscode.workspace.fs.stat(uri);
      return uri;
    } catch {
      // fall through to asking
    }
  }
  const createLabFiles = vscode.l10n.t('Create Lab Files');
  const pickAFile = vscode.l10n.t('Pick a File');
  const pick = await vscode.window.showWarningMessage(
    vscode.l10n.t(
      'Observability Lab: no {0} in a lab folder. Create the lab files first, or pick a policy file.',
      'iam/prometheus-iam-policy.json',
    ),
    createLabFiles,
    pickAFile,
  );
  if (pick === createLabFiles) await vscode.commands.executeCommand('obslab.scaffold');
  if (pick !== pickAFile) return undefined;
  const files = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { [vscode.l10n.t('IAM policy')]: ['json'] },
    openLabel: vscode.l10n.t('Use This Policy'),
  });
  return files?.[0];
}

function failed(ctx: Ctx, e: unknown): undefined {
  if (e instanceof AwsError || e instanceof KubeError) {
    ctx.output.appendLine(`[irsa] ${e.message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Observability Lab: {0}', e.message));
    return undefined;
  }
  throw e;
}

export const createIrsaCommand: CommandFactory = (ctx) => async () => {
  const s = await irsaSettings(ctx);
  const file = await policyFile(s);
  if (!file) return undefined;
  const c = clientsFor(s);
  const kube = await kubeOrError(ctx);
  let identity: Identity;
  let issuer: string;
  let plan: IrsaPlan;
  try {
    ({ identity, issuer, plan } = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Observability Lab: reading the account and the cluster'),
      },
      async (progress) => {
        progress.report({ message: vscode.l10n.t('who you are') });
        const id = await callerIdentity(c);
        progress.report({ message: vscode.l10n.t('the OIDC issuer of {0}', s.clusterName) });
        const iss = await clusterIssuer(c, s.clusterName);
        progress.report({ message: vscode.l10n.t('the policy, the role and the OIDC provider') });
        const observed: IrsaObserved = await observeIrsa(c, { identity: id, issuer: iss }, s.policyName, s.roleName);
        if (!(kube instanceof KubeError))
          observed.serviceAccount = await readServiceAccount(kube, s.namespace, s.serviceAccount);
        const p = planIrsaSetup(
          {
            accountId: id.account,
            partition: id.partition,
            issuer: iss,
            policyName: s.policyName,
            policyDocument: await readTextFile(file.fsPath),
            roleName: s.roleName,
            namespace: s.namespace,
            serviceAccount: s.serviceAccount,
          },
          observed,
        );
        return { identity: id, issuer: iss, plan: p };
      },
    ));
  } catch (e) {
    return failed(ctx, e);
  }
  ctx.output.appendLine(
    `[irsa] account ${identity.account}, cluster ${s.clusterName} (${c.region}), issuer ${issuer}${c.endpoint ? `, endpoint ${c.endpoint}` : ''}`,
  );
  if (kube instanceof KubeError) ctx.output.appendLine(`[irsa] the ServiceAccount is skipped: ${kube.message}`);
  if (plan.blockers.length) {
    const pick = await vscode.window.showErrorMessage(
      vscode.l10n.t('Observability Lab: {0}', plan.blockers.join(' ')),
      vscode.l10n.t('Open Policy File'),
    );
    if (pick) await vscode.window.showTextDocument(file);
    return undefined;
  }
  let changes = plan.changes;
  if (changes.some((ch) => ch.kind === 'createOidcProvider')) {
    const eksctlLine = commandLine(
      ['eksctl', ...eksctlOidcArgs({ cluster: s.clusterName, region: c.region })],
      shellFor(process.platform),
    );
    const createIt = vscode.l10n.t('Create It');
    const copyEksctl = vscode.l10n.t('Copy eksctl Command');
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        "The account has no IAM OIDC provider for {0}'s issuer, so no pod can assume an IRSA role yet.",
        s.clusterName,
      ),
      {
        modal: true,
        detail: vscode.l10n.t(
          "Issuer: {0}\n\nCreate it here (audience sts.amazonaws.com, with the issuer's thumbprint), or run:\n{1}",
          issuer,
          eksctlLine,
        ),
      },
      createIt,
      copyEksctl,
    );
    if (pick === copyEksctl) {
      await vscode.env.clipboard.writeText(eksctlLine);
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Observability Lab: copied. Run it in a terminal, then run Create IAM Policy and IRSA Role again.',
        ),
      );
      return undefined;
    }
    if (pick !== createIt) return undefined;
  }
  const eksctl = findEksctl();
  if (eksctl && changes.some((ch) => ch.kind === 'createRole' || ch.kind === 'applyServiceAccount')) {
    const how = await vscode.window.showQuickPick(
      [
        {
          label: vscode.l10n.t('Use the AWS API'),
          description: vscode.l10n.t('shows every change first; tags what it creates for Clean Up'),
          id: 'api',
        },
        {
          label: vscode.l10n.t('Run {0}', 'eksctl create iamserviceaccount'),
          description: vscode.l10n.t("the lab's way: CloudFormation creates the role and annotates the ServiceAccount"),
          id: 'eksctl',
        },
      ],
      { title: vscode.l10n.t('Create the IRSA role with') },
    );
    if (!how) return undefined;
    if (how.id === 'eksctl') return viaEksctl(ctx, s, c.region, eksctl, plan);
  }
  if (!changes.length) {
    void vscode.window
      .showInformationMessage(
        vscode.l10n.t('Observability Lab: nothing to change. {0}.', plan.unchanged.join('; ')),
        vscode.l10n.t('Inspect IRSA Role'),
      )
      .then((p) => p && vscode.commands.executeCommand('obslab.inspectIrsaRole', s.roleName));
    await ctx.setContext(contextKeys.irsaRoleCreated, true);
    return plan;
  }
  const grants = permissionsText(plan, vscode.workspace.asRelativePath(file));
  const detail = [
    ...changes.map((ch, i) => `${i + 1}. ${ch.description}`),
    ...(plan.unchanged.length ? ['', vscode.l10n.t('Already right:'), ...plan.unchanged.map((u) => `• ${u}`)] : []),
    ...(grants.length ? ['', ...grants] : []),
    '',
    vscode.l10n.t('Trust policy of the role:\n{0}', plan.trustPolicy),
  ].join('\n');
  const broad =
    plan.permissions.warnings.length && grants.length
      ? vscode.l10n.t(' ({0} warning(s) about broad permissions below)', plan.permissions.warnings.length)
      : '';
  const touchesCluster = changes.some((ch) => ch.kind === 'applyServiceAccount') && !(kube instanceof KubeError);
  const andInCluster = touchesCluster ? vscode.l10n.t(' and in {0}', kube.context) : '';
  const makeChanges = vscode.l10n.t('Make Changes');
  const ok = await vscode.window.showWarningMessage(
    vscode.l10n.t(
      'Make {0} change(s) in AWS account {1}{2}?{3}',
      changes.length,
      identity.account,
      andInCluster,
      broad,
    ),
    { modal: true, detail },
    makeChanges,
  );
  if (ok !== makeChanges) return undefined;
  changes = plan.changes;
  try {
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Observability Lab: creating the IRSA role'),
      },
      (progress) =>
        applyIrsaChanges(c, changes, {
          ...(kube instanceof KubeError
            ? {}
            : {
                applyServiceAccount: (ns: string, name: string, arn: string) =>
                  applyServiceAccount(kube, ns, name, arn),
              }),
          onStep: (ch: IrsaChange, result, note) => {
            progress.report({ message: ch.description, increment: 100 / changes.length });
            ctx.output.appendLine(
              `[irsa] ${result === 'done' ? 'ok     ' : 'skipped'} ${ch.description}${note ? ` (${note})` : ''}`,
            );
          },
        }),
    );
  } catch (e) {
    return failed(ctx, e);
  }
  await ctx.setContext(contextKeys.irsaRoleCreated, true);
  const inspect = vscode.l10n.t('Inspect IRSA Role');
  const showOutput = vscode.l10n.t('Show Output');
  void vscode.window
    .showInformationMessage(
      vscode.l10n.t('Observability Lab: role {0} is ready for {1}/{2}.', plan.roleArn, s.namespace, s.serviceAccount),
      inspect,
      showOutput,
    )
    .then((p) => {
      if (p === inspect) void vscode.commands.executeCommand('obslab.inspectIrsaRole', s.roleName);
      if (p === showOutput) ctx.output.show(true);
    });
  return plan;
};

/** The lab's path: our plan creates only the policy (eksctl needs its ARN), then eksctl does the rest. */
async function viaEksctl(
  ctx: Ctx,
  s: IrsaSettings,
  region: string,
  eksctl: string,
  plan: IrsaPlan,
): Promise<IrsaPlan | undefined> {
  const policyChanges = plan.changes.filter(
    (ch) => ch.kind === 'createPolicy' || ch.kind === 'createPolicyVersion' || ch.kind === 'createOidcProvider',
  );
  const args = eksctlIamServiceAccountArgs({
    cluster: s.clusterName,
    region,
    namespace: s.namespace,
    serviceAccount: s.serviceAccount,
    roleName: s.roleName,
    policyArn: plan.policyArn,
  });
  // eksctl attaches the policy: its permissions are shown here as in the API path.
  const grants = permissionsText({
    changes: [
      ...policyChanges,
      { kind: 'attachPolicy', roleName: s.roleName, policyArn: plan.policyArn, description: '' },
    ],
    permissions: plan.permissions,
  });
  const detail = [
    ...policyChanges.map((ch) => `• ${ch.description}`),
    `• ${vscode.l10n.t('Run: {0}', commandLine(['eksctl', ...args], shellFor(process.platform)))}`,
    ...(grants.length ? ['', ...grants] : []),
  ].join('\n');
  const runIt = vscode.l10n.t('Run');
  const ok = await vscode.window.showWarningMessage(
    vscode.l10n.t("Run the lab's eksctl path?"),
    { modal: true, detail },
    runIt,
  );
  if (ok !== runIt) return undefined;
  const c = clientsFor(s);
  try {
    await applyIrsaChanges(c, policyChanges, {
      onStep: (ch, r) => ctx.output.appendLine(`[irsa] ${r} ${ch.description}`),
    });
  } catch (e) {
    return failed(ctx, e);
  }
  ctx.output.show(true);
  ctx.output.appendLine(`[eksctl] ${commandLine(['eksctl', ...args], shellFor(process.platform))}`);
  const code = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Observability Lab: {0}', 'eksctl create iamserviceaccount'),
      cancellable: true,
    },
    (_p, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return runEksctl(eksctl, args, (line) => ctx.output.appendLine(`[eksctl] ${line}`), abort.signal).catch(
        (e: unknown) => {
          ctx.output.appendLine(`[eksctl] ${e instanceof Error ? e.message : String(e)}`);
          return 1;
        },
      );
    },
  );
  if (code !== 0) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Observability Lab: eksctl exited with {0}; its output is in the Observability Lab output.', code),
    );
    return undefined;
  }
  await ctx.setContext(contextKeys.irsaRoleCreated, true);
  void vscode.window
    .showInformationMessage(
      vscode.l10n.t('Observability Lab: eksctl created the role {0}.', s.roleName),
      vscode.l10n.t('Inspect IRSA Role'),
    )
    .then((p) => p && vscode.commands.executeCommand('obslab.inspectIrsaRole', s.roleName));
  return plan;
}
