// Clean Up against a cluster: list what the lab created (core/kube/cleanup.ts decides), then
// uninstall the Helm releases the lab installed (by their label), delete our objects and finally
// our namespaces. Deleting what is already gone is success, so running it twice is harmless.
import {
  describeObject,
  planCleanup,
  type CleanupPlan,
  type HelmRelease,
  type NamedRelease,
  type ObjectMeta,
} from '../../core/kube/cleanup';
import { KubeError, kubeCall, type LoadedKube } from './config';
import { helmReleasesIn, listAllObjects, typePath } from './inventory';
import { KubeHttpError, kubeRest } from './rest';
import { sleep } from '../process/sleep';
import { t } from '../../core/text/l10n';

/**
 * What Clean Up would do: every release the lab installed is uninstalled; `named` (the settings'
 * release, the collector's) only explains why such a release stays when the lab did not install it.
 */
export async function planClusterCleanup(
  loaded: LoadedKube,
  named: readonly NamedRelease[],
  onProgress?: (message: string) => void,
): Promise<CleanupPlan> {
  onProgress?.(t`listing the cluster’s objects`);
  const all = await listAllObjects(loaded, (done, total) =>
    onProgress?.(t`listing the cluster’s objects (${done}/${total} types)`),
  );
  return planCleanup(all, helmReleasesIn(all), named);
}

export interface CleanupStep {
  action: 'uninstall' | 'delete';
  target: string;
  result: 'done' | 'already gone' | 'failed';
  message?: string;
}

export interface CleanupOptions {
  /** Runs `helm uninstall`; without it, releases are reported as failed with the reason. */
  uninstall?: (r: HelmRelease) => Promise<void>;
  onStep?: (step: CleanupStep) => void;
  /** How long to wait for deleted namespaces to disappear; 0 returns once they are terminating. */
  namespaceWaitMs?: number;
  signal?: AbortSignal;
}

async function deleteObject(loaded: LoadedKube, o: ObjectMeta): Promise<'done' | 'already gone'> {
  const path = typePath(
    { groupVersion: o.apiVersion, resource: o.resource },
    o.namespaced ? o.namespace : undefined,
    o.name,
  );
  try {
    // Background: the API server returns at once and the garbage collector removes what the object owns.
    await kubeCall(loaded, t`delete ${describeObject(o)}`, () =>
      kubeRest(loaded, path, {
        method: 'DELETE',
        body: {
          kind: 'DeleteOptions',
          apiVersion: 'v1',
          propagationPolicy: 'Background',
          preconditions: { uid: o.uid },
        },
      }),
    );
    return 'done';
  } catch (e) {
    if (e instanceof KubeError && e.failure?.status === 404) return 'already gone';
    throw e;
  }
}

/** Carries out the plan; every step is reported, and a failure does not stop the others. */
export async function runCleanup(
  loaded: LoadedKube,
  plan: CleanupPlan,
  opts: CleanupOptions = {},
): Promise<CleanupStep[]> {
  const steps: CleanupStep[] = [];
  const report = (s: CleanupStep): void => {
    steps.push(s);
    opts.onStep?.(s);
  };
  const cancelled = (): boolean => opts.signal?.aborted === true;
  for (const r of plan.releases) {
    if (cancelled()) break;
    const target = `${r.namespace}/${r.name}`;
    if (!opts.uninstall) {
      report({
        action: 'uninstall',
        target,
        result: 'failed',
        message: t`helm is needed to uninstall a release; install it (https://helm.sh/docs/intro/install/) \
and run Clean Up again`,
      });
      continue;
    }
    try {
      await opts.uninstall(r);
      report({ action: 'uninstall', target, result: 'done' });
    } catch (e) {
      report({ action: 'uninstall', target, result: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  }
  for (const o of [...plan.objects, ...plan.namespaces]) {
    if (cancelled()) break;
    try {
      report({ action: 'delete', target: describeObject(o), result: await deleteObject(loaded, o) });
    } catch (e) {
      report({
        action: 'delete',
        target: describeObject(o),
        result: 'failed',
        message: e instanceof Error ? e.message : String(e),
      });
    }
  }
  const wait = opts.namespaceWaitMs ?? 0;
  if (wait > 0 && plan.namespaces.length && !cancelled()) {
    const deadline = Date.now() + wait;
    for (const ns of plan.namespaces) {
      while (Date.now() < deadline && !cancelled()) {
        const gone = await kubeRest(loaded, `/api/v1/namespaces/${encodeURIComponent(ns.name)}`).then(
          () => false,
          (e: unknown) => e instanceof KubeHttpError && e.statusCode === 404,
        );
        if (gone) break;
        await sleep(250);
      }
    }
  }
  return steps;
}

export function cleanupFailed(steps: CleanupStep[]): boolean {
  return steps.some((s) => s.result === 'failed');
}
