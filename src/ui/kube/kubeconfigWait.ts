// Every cluster command loads the kubeconfig through here: when KUBECONFIG names a file that does
// not exist yet (a tool may still be creating the cluster), the error offers to wait for it, and
// the command goes on by itself once it appears. Imported by the kube, doctor and iam bundles.
import * as vscode from 'vscode';
import {
  kubeconfigPollMs,
  kubeconfigToWaitFor,
  kubeconfigWaitMaxMs,
  stillBeingWritten,
  waitEndedMessage,
  waitedText,
  waitingTitle,
} from '../../core/kube/kubeconfigWait';
import { KubeError, loadKube, type LoadedKube } from '../../node/kube/config';
import { waitForFiles } from '../../node/files/waitForFiles';
import type { Ctx } from '../context';

/**
 * loadKube(), or, when it fails for a kubeconfig KUBECONFIG names but that is not there yet, the
 * offer to wait. Undefined: the student declined, cancelled, or the wait timed out (already told).
 * Any other failure is thrown as loadKube throws it.
 */
export async function loadKubeOrWait(ctx: Ctx): Promise<LoadedKube | undefined> {
  try {
    return loadKube();
  } catch (e) {
    if (e instanceof KubeError && kubeconfigToWaitFor(e.kubeconfig)) return offerKubeconfigWait(ctx, e);
    throw e;
  }
}

/** Shows the error with Wait for It when it is a kubeconfig still to come; undefined if not waited for or never came. */
export async function offerKubeconfigWait(ctx: Ctx, e: KubeError): Promise<LoadedKube | undefined> {
  const files = kubeconfigToWaitFor(e.kubeconfig);
  if (!files) return undefined;
  const waitForIt = vscode.l10n.t('Wait for It');
  const pick = await vscode.window.showErrorMessage(vscode.l10n.t('Observability Lab: {0}', e.message), waitForIt);
  if (pick !== waitForIt) return undefined;
  ctx.output.appendLine(`[kubeconfig] waiting for ${files.join(', ')}`);
  let loaded: LoadedKube | undefined;
  // Half-written files keep the wait going; any other failure ends it and is thrown below.
  const ready = (): boolean => {
    try {
      loaded = loadKube();
      return true;
    } catch (err) {
      return !(err instanceof KubeError && stillBeingWritten(err.kubeconfig));
    }
  };
  const outcome = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Observability Lab: {0}', waitingTitle(files)),
      cancellable: true,
    },
    (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      return waitForFiles(files, {
        intervalMs: kubeconfigPollMs,
        timeoutMs: kubeconfigWaitMaxMs,
        signal: abort.signal,
        ready,
        onTick: (ms) => progress.report({ message: waitedText(ms) }),
      }).finally(() => sub.dispose());
    },
  );
  if (outcome !== 'appeared') {
    const how = outcome === 'aborted' ? 'cancelled' : 'timed-out';
    ctx.output.appendLine(`[kubeconfig] ${how}`);
    void vscode.window.showWarningMessage(vscode.l10n.t('Observability Lab: {0}', waitEndedMessage(how, files)));
    return undefined;
  }
  ctx.output.appendLine(`[kubeconfig] ${files.join(', ')} is there; going on`);
  return loaded ?? loadKube();
}
