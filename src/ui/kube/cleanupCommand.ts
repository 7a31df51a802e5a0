// Observability Lab: Clean Up. Lists exactly what the lab created in the current cluster (objects
// our field manager applied, our namespaces, the lab's Helm release), shows it in a modal, and
// deletes it only when the student confirms. Each step is written to the output channel.
import * as vscode from 'vscode';
import { describePlan, planIsEmpty, type HelmRelease } from '../../core/kube/cleanup';
import { defaultParams } from '../../core/scaffold/params';
import { KubeError, loadKube, type LoadedKube } from '../../node/kube/config';
import { cleanupFailed, planClusterCleanup, runCleanup } from '../../node/kube/cleanup';
import { findHelm, HelmNotFound, uninstallRelease } from '../../node/helm';
import { confirmConfiguredProgram } from '../configuredProgram';
import type { CommandFactory } from '../context';

/** helm for the release, if it can be found; without it the release is reported as needing helm. */
function helmFor(cfg: vscode.WorkspaceConfiguration): string | undefined {
  try {
    return findHelm({ helmPath: cfg.get<string>('helmPath') ?? '' });
  } catch (e) {
    if (e instanceof HelmNotFound) return undefined;
    throw e;
  }
}

export const cleanupCommand: CommandFactory = (ctx) => async () => {
  const cfg = vscode.workspace.getConfiguration('obslab');
  const release = { name: cfg.get<string>('helmRelease') || defaultParams.helmRelease, namespace: cfg.get<string>('monitoringNamespace') || defaultParams.monitoringNamespace };
  let loaded: LoadedKube;
  try {
    loaded = loadKube();
  } catch (e) {
    if (e instanceof KubeError) return void vscode.window.showErrorMessage(`Observability Lab: ${e.message}`);
    throw e;
  }
  const plan = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Observability Lab: finding what the lab created in ${loaded.context}` },
    (progress) => planClusterCleanup(loaded, [release], (message) => progress.report({ message })),
  );
  const text = describePlan(plan);
  ctx.output.appendLine(`Clean Up plan for context ${loaded.context} (${loaded.server}):\n${text || '(nothing)'}`);
  if (planIsEmpty(plan)) {
    void vscode.window.showInformationMessage(`Observability Lab: nothing to clean up in ${loaded.context}; no objects applied by the lab and no release ${release.namespace}/${release.name}.`);
    return plan;
  }
  // A helm the settings name runs only once the student has confirmed that path.
  const helm = plan.releases.length ? helmFor(cfg) : undefined;
  if (helm && cfg.get<string>('helmPath')?.trim() && !(await confirmConfiguredProgram(ctx, 'obslab.helmPath', helm, 'to uninstall the lab\'s Helm release, after you confirm the clean-up'))) return undefined;
  const count = plan.objects.length + plan.namespaces.length + plan.releases.length;
  const pick = await vscode.window.showWarningMessage(
    `Delete ${count} item(s) the lab created in ${loaded.context}?`,
    { modal: true, detail: `${text}\n\nNothing else in the cluster is touched.` },
    'Delete',
  );
  if (pick !== 'Delete') return undefined;
  const steps = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Observability Lab: cleaning up', cancellable: true },
    (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return runCleanup(loaded, plan, {
        signal: abort.signal,
        namespaceWaitMs: 60_000,
        ...(helm
          ? {
              uninstall: (r: HelmRelease) =>
                uninstallRelease(helm, { release: r.name, namespace: r.namespace, kubeContext: loaded.context, server: loaded.server, ...(loaded.files.length === 1 && loaded.files[0] ? { kubeconfig: loaded.files[0] } : {}) }, { signal: abort.signal, onLine: (line) => ctx.output.appendLine(`[helm] ${line}`) }),
            }
          : {}),
        onStep: (s) => {
          progress.report({ message: `${s.action} ${s.target}`, increment: 100 / count });
          ctx.output.appendLine(`  ${s.result === 'failed' ? 'FAILED' : s.result === 'done' ? 'ok    ' : 'gone  '} ${s.action} ${s.target}${s.message ? `: ${s.message}` : ''}`);
        },
      });
    },
  );
  if (cleanupFailed(steps)) {
    const failed = steps.filter((s) => s.result === 'failed');
    void vscode.window.showErrorMessage(`Observability Lab: ${failed.length} clean-up step(s) failed: ${failed[0]?.target}: ${failed[0]?.message ?? ''}`, 'Show Output').then((p) => {
      if (p) ctx.output.show(true);
    });
  } else {
    await ctx.setContext('obslab.cleanedUp', true);
    void vscode.window.showInformationMessage(`Observability Lab: cleaned up ${steps.length} item(s) in ${loaded.context}.`);
  }
  return steps;
};
