// obslab cleanup [--yes] [--dry-run] [--format json|text] [--kubeconfig FILE] [--context NAME] [--release NAME] [--namespace NS]
//                [--wait-for-kubeconfig[=SECONDS]]
// Lists what the lab created in the cluster (objects our field manager applied, our namespaces,
// the Helm releases the lab's Helm steps installed and labelled) and deletes it after confirmation;
// every other release it finds is listed as kept, with the reason (--release names the one the
// settings would). Without a terminal to ask on, it prints the plan and needs --yes.
// Exit 0: done (or nothing to do, or dry run); 1: a step failed or the cluster could not be read; 2: bad usage or not confirmed.
import * as l10n from '@vscode/l10n';
import { describePlan, planIsEmpty, type CleanupPlan, type NamedRelease } from '../core/kube/cleanup';
import { otelCollectorChart } from '../core/helm/helm';
import { defaultParams } from '../core/scaffold/params';
import { KubeError } from '../node/kube/config';
import { cleanupFailed, planClusterCleanup, runCleanup, type CleanupStep } from '../node/kube/cleanup';
import { findHelm, HelmNotFound, releaseUninstaller } from '../node/helm/helm';
import { cleanupSpec, cleanupUsage } from './cleanupUsage';
import { askOnTerminal, UsageError, parseCli, type Io, notJsonOrText } from './io';
import { loadKubeWaiting } from './kubeconfigWait';
import { kubeconfigWaitBound, takeWaitForKubeconfig } from './kubeconfigWaitOption';

/** Asks on the terminal; undefined when there is none (a script must say --yes). */
export async function confirmOnTty(question: string): Promise<boolean | undefined> {
  if (!process.stdin.isTTY) return undefined;
  return /^y(es)?$/i.test((await askOnTerminal(`${question} [y/N] `)).trim());
}

function planJson(plan: CleanupPlan): unknown {
  return {
    releases: plan.releases,
    delete: [...plan.objects, ...plan.namespaces].map((o) => ({
      kind: o.kind,
      namespace: o.namespace ?? null,
      name: o.name,
    })),
    kept: [
      ...plan.keptReleases.map((k) => ({
        kind: 'HelmRelease',
        namespace: k.release.namespace,
        name: k.release.name,
        reason: k.reason,
      })),
      ...plan.kept.map((k) => ({
        kind: k.object.kind,
        namespace: k.object.namespace ?? null,
        name: k.object.name,
        reason: k.reason,
      })),
    ],
  };
}

export async function runCleanupCommand(
  argv: string[],
  io: Io,
  confirm: (q: string) => Promise<boolean | undefined> = confirmOnTty,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const wait = takeWaitForKubeconfig(argv);
  const { values, positionals } = parseCli(wait.argv, cleanupSpec);
  if (positionals.length)
    throw new UsageError(`${l10n.t('cleanup takes no paths (it finds what the lab created)')}\n${cleanupUsage}`);
  const format = values.format ?? 'text';
  if (format !== 'json' && format !== 'text') throw notJsonOrText(format);
  const namespace = values.namespace ?? defaultParams.monitoringNamespace;
  const named: NamedRelease[] = [
    {
      name: values.release ?? defaultParams.helmRelease,
      namespace,
      namedBy: values.release ? '--release' : l10n.t('the lab (its default kube-prometheus-stack release)'),
    },
    { name: otelCollectorChart.release, namespace, namedBy: l10n.t("the lab's collector Helm step") },
  ];
  try {
    const loaded = await loadKubeWaiting(
      {
        ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
        ...(values.context ? { context: values.context } : {}),
      },
      { command: 'obslab cleanup', io, waitMs: kubeconfigWaitBound(values['wait-for-kubeconfig'], wait.waitMs), env },
    );
    const plan = await planClusterCleanup(loaded, named);
    if (planIsEmpty(plan)) {
      if (format === 'json') io.out(JSON.stringify({ ...(planJson(plan) as object), steps: [] }, null, 2));
      else
        io.out(
          l10n.t(
            'Nothing to clean up in context {0}: no objects applied by Observability Lab and no Helm release it installed.',
            loaded.context,
          ) + (plan.kept.length || plan.keptReleases.length ? `\n${describePlan(plan)}` : ''),
        );
      return 0;
    }
    if (format === 'text')
      io.out(`${l10n.t('In context {0} ({1}):', loaded.context, loaded.server)}\n${describePlan(plan)}`);
    if (values['dry-run']) {
      if (format === 'json') io.out(JSON.stringify({ ...(planJson(plan) as object), steps: [] }, null, 2));
      return 0;
    }
    if (!values.yes) {
      const count = plan.objects.length + plan.namespaces.length + plan.releases.length;
      const ok = await confirm(l10n.t('Delete these {0} item(s)?', count));
      if (ok === undefined) {
        io.err(
          l10n.t(
            'obslab cleanup: not deleting without confirmation; run it in a terminal, or pass --yes (see the list above, or --dry-run)',
          ),
        );
        return 2;
      }
      if (!ok) {
        io.err(l10n.t('obslab cleanup: nothing deleted'));
        return 2;
      }
    }
    let helm: string | undefined;
    try {
      helm = plan.releases.length ? findHelm({ ...(values.helm ? { helmPath: values.helm } : {}) }) : undefined;
    } catch (e) {
      if (!(e instanceof HelmNotFound)) throw e;
    }
    const steps: CleanupStep[] = await runCleanup(loaded, plan, {
      namespaceWaitMs: 60_000,
      ...(helm
        ? {
            uninstall: releaseUninstaller(
              helm,
              { context: loaded.context, server: loaded.server, kubeconfig: values.kubeconfig },
              { onLine: (line) => format === 'text' && io.out(`  helm: ${line}`) },
            ),
          }
        : {}),
      onStep: (s) => {
        if (format === 'text')
          io.out(
            `${s.result === 'failed' ? 'FAILED' : s.result === 'done' ? 'ok' : 'gone'}  ${s.action} ${s.target}${s.message ? `: ${s.message}` : ''}`,
          );
      },
    });
    if (format === 'json') io.out(JSON.stringify({ ...(planJson(plan) as object), steps }, null, 2));
    const failed = cleanupFailed(steps);
    if (failed)
      io.err(
        l10n.t(
          'obslab cleanup: {0} step(s) failed; the rest was deleted. Run it again after fixing the cause.',
          steps.filter((s) => s.result === 'failed').length,
        ),
      );
    return failed ? 1 : 0;
  } catch (e) {
    if (e instanceof KubeError) {
      io.err(`obslab cleanup: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
