// The Kubernetes side of IRSA: the ServiceAccount's eks.amazonaws.com/role-arn annotation (read,
// and set by server-side apply with our field manager, so Clean Up knows it is the lab's) and the
// ServiceAccount the Prometheus pods really run as. It lives with the Kubernetes adapter, not the
// AWS one: ui and cli hand readIrsaKubeSide to the IRSA inspection, so node/aws never loads node/kube.
import type { KubeSideData } from '../../core/iam/report';
import { MANAGED_BY_LABEL, FIELD_MANAGER } from '../../core/kube/cleanup';
import { KubeError, kubeCall, type LoadedKube } from './config';
import { KubeHttpError, kubeRest } from './rest';
import { t } from '../../core/text/l10n';

export const roleArnAnnotation = 'eks.amazonaws.com/role-arn';

interface ServiceAccountBody {
  metadata?: { annotations?: Record<string, string> };
}

interface PodList {
  items?: { metadata?: { name?: string; namespace?: string }; spec?: { serviceAccountName?: string } }[];
}

export async function readServiceAccount(
  loaded: LoadedKube,
  namespace: string,
  name: string,
): Promise<{ exists: boolean; roleArn?: string }> {
  try {
    const sa = await kubeRest<ServiceAccountBody>(
      loaded,
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(name)}`,
    );
    const roleArn = sa.metadata?.annotations?.[roleArnAnnotation];
    return { exists: true, ...(roleArn ? { roleArn } : {}) };
  } catch (e) {
    if (e instanceof KubeHttpError && e.statusCode === 404) return { exists: false };
    return kubeCall(loaded, t`read the ServiceAccount ${namespace}/${name}`, () => Promise.reject(e));
  }
}

/** Creates the namespace if needed and applies the ServiceAccount with the role annotation. */
export async function applyServiceAccount(
  loaded: LoadedKube,
  namespace: string,
  name: string,
  roleArn: string,
): Promise<void> {
  const query = `fieldManager=${FIELD_MANAGER}&force=true`;
  const apply = { method: 'PATCH' as const, contentType: 'application/apply-patch+yaml' };
  const labels = { [MANAGED_BY_LABEL.key]: MANAGED_BY_LABEL.value };
  // force=false for the namespace: if it is someone else's, leave it as it is.
  await kubeCall(loaded, t`create the namespace ${namespace}`, async () => {
    try {
      await kubeRest(
        loaded,
        `/api/v1/namespaces/${encodeURIComponent(namespace)}?fieldManager=${FIELD_MANAGER}&force=false`,
        { ...apply, body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } } },
      );
    } catch (e) {
      if (!(e instanceof KubeHttpError && e.statusCode === 409)) throw e;
    }
  });
  await kubeCall(loaded, t`annotate the ServiceAccount ${namespace}/${name}`, () =>
    kubeRest(
      loaded,
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(name)}?${query}`,
      {
        ...apply,
        body: {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name, namespace, labels, annotations: { [roleArnAnnotation]: roleArn } },
        },
      },
    ),
  );
}

/** kube-prometheus-stack's Prometheus pods (label app.kubernetes.io/name=prometheus) and their ServiceAccounts. */
export async function prometheusPods(
  loaded: LoadedKube,
  namespace: string,
): Promise<{ namespace: string; name: string; serviceAccount: string }[]> {
  const list = await kubeCall(loaded, t`list the Prometheus pods in ${namespace}`, () =>
    kubeRest<PodList>(
      loaded,
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?labelSelector=${encodeURIComponent('app.kubernetes.io/name=prometheus')}`,
    ),
  );
  return (list.items ?? []).map((p) => ({
    namespace: p.metadata?.namespace ?? namespace,
    name: p.metadata?.name ?? '',
    serviceAccount: p.spec?.serviceAccountName ?? 'default',
  }));
}

/** The cluster side of Inspect IRSA Role; a cluster that could not be loaded or asked becomes the report's error. */
export async function readIrsaKubeSide(
  kube: LoadedKube | KubeError,
  namespace: string,
  serviceAccount: string,
): Promise<KubeSideData> {
  if (kube instanceof KubeError) return { error: kube.message };
  try {
    const [sa, pods] = await Promise.all([
      readServiceAccount(kube, namespace, serviceAccount),
      prometheusPods(kube, namespace),
    ]);
    return { serviceAccount: { namespace, name: serviceAccount, ...sa }, prometheusPods: pods };
  } catch (e) {
    if (!(e instanceof KubeError)) throw e;
    return { error: e.message };
  }
}
