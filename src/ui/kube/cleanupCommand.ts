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
      namedBy: vscode.l10n.t('the setting {0}', 'obslab.helmRelease'),
    },
    { name: otelCollectorChart.release, namespace, namedBy: vscode.l10n.t("the lab's collector Helm step") },
  ];
  let loaded: LoadedKube;
  try {
    const k = await loadKubeOrWait(ctx);
    if (!k) return undefined;
    loaded = k;
  } catch (e) {
    if (e instanceof KubeError)
      return void vscode.window.showErrorMessage(vscode.l10n.t('Observability Lab: {0}', e.message));
    throw e;
  }
  const plan = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Observability Lab: finding what the lab created in {0}', loaded.context),
    },
    (progress) => planClusterCleanup(loaded, named, (message) => progress.report({ message })),
  );
  const text = describePlan(plan);
  ctx.output.appendLine(
    vscode.l10n.t('Clean Up plan for context {0} ({1}):', loaded.context, loaded.server) +
      `\n${text || vscode.l10n.t('(nothing)')}`,
  );
  if (planIsEmpty(plan)) {
    const keptNote = plan.keptReleases.length
      ? vscode.l10n.t(
          ' Kept (not installed by the lab): {0}; see the output.',
          plan.keptReleases.map((k) => `${k.release.namespace}/${k.release.name}`).join(', '),
        )
      : '';
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Observability Lab: nothing to clean up in {0}; no objects applied by the lab and no Helm release it installed.{1}',
        loaded.context,
        keptNote,
      ),
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
      vscode.l10n.t("to uninstall the lab's Helm release, after you confirm the clean-up"),
    ))
  )
    return undefined;
  const count = plan.objects.length + plan.namespaces.length + plan.releases.length;
  const del = vscode.l10n.t('Delete');
  const pick = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete {0} item(s) the lab created in {1}?', count, loaded.context),
    { modal: true, detail: `${text}\n\n${vscode.l10n.t('Nothing else in the cluster is touched.')}` },
    del,
  );
  if (pick !== del) return undefined;
  const steps = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Observability Lab: cleaning up'),
      cancellable: true,
    },
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
          progress.report({
            message:
              s.action === 'uninstall'
                ? vscode.l10n.t('uninstall {0}', s.target)
                : vscode.l10n.t('delete {0}', s.target),
            increment: 100 / count,
          });
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
        vscode.l10n.t(
          'Observability Lab: {0} clean-up step(s) failed: {1}: {2}',
          failed.length,
          failed[0]?.target ?? '',
          failed[0]?.message ?? '',
        ),
        vscode.l10n.t('Show Output'),
      )
      .then((p) => {
        if (p) ctx.output.show(true);
      });
  } else {
    await ctx.setContext(contextKeys.cleanedUp, true);
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Observability Lab: cleaned up {0} item(s) in {1}.', steps.length, loaded.context),
    );
  }
  return steps;
};
