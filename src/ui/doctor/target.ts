// Where the doctor looks: the sandbox (when its Prometheus answers) or the current kube context,
// asked with a QuickPick only when both are possible. Also the extras a run can use: the lab
// folder, a port-forwarded Prometheus, the IRSA role when AWS credentials exist.
import * as vscode from 'vscode';
import { kubeconfigToWaitFor } from '../../core/kube/kubeconfigWait';
import { awsCredentialsLine } from '../../core/prerequisites';
import { labNames } from '../../core/scaffold/plan';
import { awsCredentialSources } from '../../node/aws/awsCredentials';
import type { DoctorOptions } from '../../node/doctor';
import { KubeError, loadKube } from '../../node/kube/config';
import { httpAnswers } from '../../node/process/processes';
import { sandboxPrometheusUrl } from '../../node/sandbox/sandbox';
import type { Ctx } from '../context';
import { offerKubeconfigWait } from '../kube/kubeconfigWait';
import { findLabFolder } from '../labFolder';

export interface DoctorTarget {
  options: DoctorOptions;
  /** For titles and messages: "the sandbox", "context kind-lab". */
  label: string;
}

async function sandboxReachable(): Promise<boolean> {
  const url = sandboxPrometheusUrl();
  return url !== undefined && (await httpAnswers(`${url}/-/ready`).catch(() => false));
}

function currentContext(): { context: string; server: string } | KubeError | string {
  try {
    const k = loadKube();
    return { context: k.context, server: k.server };
  } catch (e) {
    return e instanceof KubeError ? e : e instanceof Error ? e.message : String(e);
  }
}

/** The same judgement as Check Prerequisites' AWS line (a profile with only a region is not credentials). */
function hasAwsCredentials(): boolean {
  return awsCredentialsLine(awsCredentialSources()).ok;
}

/**
 * The target of a report restored after a window reload, without asking: the same kind of place
 * as before (the sandbox, or the current context). Run again then says plainly if it is gone.
 */
export function restoredTarget(ctx: Ctx, mode: 'sandbox' | 'cluster'): Promise<DoctorTarget | undefined> {
  return chooseTarget(ctx, mode, { ask: false });
}

/** Asks where to look when both are possible; undefined when the student dismissed the choice. Throws with the next step when neither is. */
export async function chooseTarget(
  ctx: Ctx,
  preferred?: 'sandbox' | 'cluster',
  opts: { ask: boolean } = { ask: true },
): Promise<DoctorTarget | undefined> {
  const [sandbox, kubeOrError, lab] = await Promise.all([
    sandboxReachable(),
    Promise.resolve(currentContext()),
    findLabFolder(ctx),
  ]);
  const kube = kubeOrError instanceof KubeError ? kubeOrError.message : kubeOrError;
  const labDir = lab?.fsPath;
  const common = labDir ? { labDir } : {};
  const sandboxTarget: DoctorTarget = {
    label: vscode.l10n.t('the sandbox'),
    options: { source: 'sandbox', ...common },
  };
  const clusterTarget = (k: { context: string }): DoctorTarget => {
    const prometheusUrl = ctx.forwards.urlFor('prometheus');
    const roleName = vscode.workspace.getConfiguration('obslab').get<string>('irsaRoleName') || labNames.roleName;
    return {
      label: vscode.l10n.t('context {0}', k.context),
      options: {
        source: 'cluster',
        context: k.context,
        ...common,
        ...(prometheusUrl ? { prometheusUrl } : {}),
        ...(hasAwsCredentials() ? { roleName } : {}),
      },
    };
  };
  if (preferred === 'sandbox' && sandbox) return sandboxTarget;
  if (preferred === 'cluster' && typeof kube === 'object') return clusterTarget(kube);
  if (!opts.ask)
    return preferred === 'sandbox' ? sandboxTarget : typeof kube === 'object' ? clusterTarget(kube) : undefined;
  if (sandbox && typeof kube === 'object') {
    const pick = await vscode.window.showQuickPick(
      [
        {
          label: vscode.l10n.t('Sandbox'),
          description: sandboxPrometheusUrl() ?? '',
          detail: vscode.l10n.t('The local app, collector and Prometheus (Start Sandbox).'),
          target: sandboxTarget,
        },
        {
          label: vscode.l10n.t('Kubernetes context {0}', kube.context),
          description: kube.server,
          detail: ctx.forwards.urlFor('prometheus')
            ? vscode.l10n.t('The cluster, and Prometheus through its port-forward.')
            : vscode.l10n.t('The cluster (forward Prometheus first to check targets and metrics too).'),
          target: clusterTarget(kube),
        },
      ],
      { title: vscode.l10n.t('Run Doctor: where should it look?') },
    );
    return pick?.target;
  }
  if (sandbox) return sandboxTarget;
  if (typeof kube === 'object') return clusterTarget(kube);
  // Nothing else to look at, and KUBECONFIG names a kubeconfig still to come: offer to wait for it.
  if (opts.ask && kubeOrError instanceof KubeError && kubeconfigToWaitFor(kubeOrError.kubeconfig)) {
    const waited = await offerKubeconfigWait(ctx, kubeOrError);
    // Undefined: the student declined, cancelled or the wait ran out, and was told so.
    return waited ? clusterTarget(waited) : undefined;
  }
  throw new Error(
    vscode.l10n.t(
      'Run Doctor needs a lab to look at: no sandbox is running, and the cluster cannot be reached ({0}). {1}',
      kube,
      vscode.l10n.t(
        "Start the sandbox (Observability Lab: Start Sandbox), or set up kubectl's context for the lab's cluster.",
      ),
    ),
  );
}
