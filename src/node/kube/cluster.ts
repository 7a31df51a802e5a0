// Asks the cluster the prerequisites' questions: is the kubeconfig usable, does the API server
// answer (and which version), which nodes are there. Each failure is a sentence, never a throw.
import { CoreV1Api } from '@kubernetes/client-node';
import type { ClusterProbe } from '../../core/prerequisites';
import { KubeError, kubeCall, loadKube, type KubeTarget, type LoadedKube } from './config';
import { kubeRest } from './rest';
import { t } from '../../core/text/l10n';

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function probeCluster(
  target: KubeTarget = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<ClusterProbe> {
  let loaded: LoadedKube;
  try {
    loaded = loadKube(target, env);
  } catch (e) {
    return { kubeconfig: { ok: false, message: messageOf(e) } };
  }
  const kubeconfig = { ok: true as const, files: loaded.files, context: loaded.context, server: loaded.server };
  let gitVersion: string;
  try {
    // /version needs no RBAC beyond authentication: the cheapest question that proves both.
    gitVersion =
      (
        await kubeCall(loaded, t`reach the API server`, () =>
          kubeRest<{ gitVersion?: string }>(loaded, '/version', { timeoutMs: 10_000 }),
        )
      ).gitVersion ?? t`unknown version`;
  } catch (e) {
    return { kubeconfig, version: { ok: false, message: messageOf(e) } };
  }
  const version = { ok: true as const, gitVersion };
  try {
    const core = loaded.kc.makeApiClient(CoreV1Api);
    const list = await kubeCall(loaded, t`list nodes`, () => core.listNode());
    const names = list.items.map((n) => n.metadata?.name ?? '?');
    const ready = list.items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    ).length;
    return { kubeconfig, version, nodes: { ok: true, total: names.length, ready, names } };
  } catch (e) {
    return { kubeconfig, version, nodes: { ok: false, message: e instanceof KubeError ? e.message : messageOf(e) } };
  }
}
