// Observability Lab: Clean Up. Lists exactly what the lab created in the current cluster (objects
// our field manager applied, our namespaces, the Helm releases the lab installed, which carry its
// label), and every other release as kept with the reason; shows it in a modal, and deletes it
// only when the student confirms. Each step is written to the output channel.
import * as vscode from 'vscode';
import { describePlan, planIsEmpty, type NamedRelease } from '../../core/kube/cleanup';
import { otelCollectorChart } from '../../core/helm/helm';
import { defaultParams } from '../../core/scaffold/params';
import { KubeError, type LoadedKube } from '../../node/kube/config';
import { cleanupFailed, planClusterCleanup, runCleanup } from '../../node/kube/cleanup';
import { findHelm, HelmNotFound, releaseUninstaller } from '../../node/helm/helm';
import { confirmConfiguredProgram } from '../configuredProgram';
import { contextKeys, type CommandFactory } from '../context';
import { loadKubeOrWait } from './kubeconfigWait';

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
  const namespace = cfg.get<string>('monitoringNamespace') || defaultParams.monitoringNamespace;
  const named: NamedRelease[] = [
    {
      name: cfg.get<string>('helmRelease') || defaultParams.helmRelease,
      namespace,
      namedBy: 'the setting obslab.helmRelease',
    },
    { name: otelCollectorChart.release, namespace, namedBy: "the lab's collector Helm step" },
  ];
  let loaded: LoadedKube;
  try {
    const k = await loadKubeOrWait(ctx);
    if (!k) return undefined;
    loaded = k;
  } catch (e) {
    if (e instanceof KubeError) return void vscode.window.showErrorMessage(`Observability Lab: ${e.message}`);
    throw e;
  }
  const plan = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Observability Lab: finding what the lab created in ${loaded.context}`,
    },
    (progress) => planClusterCleanup(loaded, named, (message) => progress.report({ message })),
  );
  const text = describePlan(plan);
  ctx.output.appendLine(`Clean Up plan for context ${loaded.context} (${loaded.server}):\n${text || '(nothing)'}`);
  if (planIsEmpty(plan)) {
    const keptNote = plan.keptReleases.length
      ? ` Kept (not installed by the lab): ${plan.keptReleases.map((k) => `${k.release.namespace}/${k.release.name}`).join(', ')}; see the output.`
      : '';
    void vscode.window.showInformationMessage(
      `Observability Lab: nothing to clean up in ${loaded.context}; no objects applied by the lab and no Helm release it installed.${keptNote}`,
    );
    return plan;
  }
  // A helm the settings name runs only once the student has confirmed that path.
  const helm = plan.releases.length ? helmFor(cfg) : undefined;
  if (
    helm &&
    cfg.get<string>('helmPath')?.trim() &&
    !(await confirmConfiguredProgram(
      ctx,
      'obslab.helmPath',
      helm,
      "to uninstall the lab's Helm release, after you confirm the clean-up",
    ))
  )
    return undefined;
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
              uninstall: releaseUninstaller(
                helm,
                {
                  context: loaded.context,
                  server: loaded.server,
                  kubeconfig: loaded.files.length === 1 ? loaded.files[0] : undefined,
                },
                { signal: abort.signal, onLine: (line) => ctx.output.appendLine(`[helm] ${line}`) },
              ),
            }
          : {}),
        onStep: (s) => {
          progress.report({ message: `${s.action} ${s.target}`, increment: 100 / count });
          ctx.output.appendLine(
            `  ${s.result === 'failed' ? 'FAILED' : s.result === 'done' ? 'ok    ' : 'gone  '} ${s.action} ${s.target}${s.message ? `: ${s.message}` : ''}`,
          );
        },
      });
    },
  );
  if (cleanupFailed(steps)) {
    const failed = steps.filter((s) => s.result === 'failed');
    void vscode.window
      .showErrorMessage(
        `Observability Lab: ${failed.length} clean-up step(s) failed: ${failed[0]?.target}: ${failed[0]?.message ?? ''}`,
        'Show Output',
      )
      .then((p) => {
        if (p) ctx.output.show(true);
      });
  } else {
    await ctx.setContext(contextKeys.cleanedUp, true);
    void vscode.window.showInformationMessage(
      `Observability Lab: cleaned up ${steps.length} item(s) in ${loaded.context}.`,
    );
  }
  return steps;
};
