// Everything in the cluster, metadata only: discovery of every group's preferred version, then one
// PartialObjectMetadata list per resource type (as `kubectl get all`-like tools do), so a cluster
// with thousands of objects costs kilobytes per object type, not full objects.
import type { HelmRelease, KubeMetadata, ObjectMeta } from '../../core/kube/cleanup';
import { KubeError, kubeCall, type LoadedKube } from './config';
import { kubeRest } from './rest';
import { t } from '../../core/text/l10n';

interface ApiResource {
  name: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
}
interface ResourceList {
  groupVersion: string;
  resources: ApiResource[];
}
interface GroupList {
  groups: { name: string; preferredVersion?: { groupVersion: string } }[];
}
interface MetaItem {
  metadata: KubeMetadata;
}

export interface ResourceType {
  groupVersion: string;
  kind: string;
  resource: string;
  namespaced: boolean;
}

/** Types nobody's lab creates and every cluster has many of: listing them is wasted time. */
const SKIP = new Set(['events', 'events.k8s.io/events', 'componentstatuses', 'leases']);

export async function listableTypes(loaded: LoadedKube): Promise<ResourceType[]> {
  const core = await kubeCall(loaded, t`discover the API`, () => kubeRest<ResourceList>(loaded, '/api/v1'));
  const groups = await kubeCall(loaded, t`discover the API groups`, () => kubeRest<GroupList>(loaded, '/apis'));
  const lists = [core];
  const versions = groups.groups.map((g) => g.preferredVersion?.groupVersion).filter((v): v is string => !!v);
  // An aggregated API that is down (metrics-server, say) fails its discovery: skip it, not the cleanup.
  const found = await Promise.all(
    versions.map((gv) => kubeRest<ResourceList>(loaded, `/apis/${gv}`).catch(() => undefined)),
  );
  for (const f of found) if (f) lists.push(f);
  const types: ResourceType[] = [];
  for (const list of lists) {
    const group = list.groupVersion.includes('/') ? list.groupVersion.split('/')[0] : '';
    for (const r of list.resources) {
      if (r.name.includes('/') || !r.verbs.includes('list') || !r.verbs.includes('delete')) continue;
      if (SKIP.has(r.name) || SKIP.has(`${group}/${r.name}`)) continue;
      types.push({ groupVersion: list.groupVersion, kind: r.kind, resource: r.name, namespaced: r.namespaced });
    }
  }
  return types;
}

export function typePath(
  t: Pick<ResourceType, 'groupVersion' | 'resource'>,
  namespace?: string,
  name?: string,
): string {
  const base = t.groupVersion.includes('/') ? `/apis/${t.groupVersion}` : `/api/${t.groupVersion}`;
  return `${base}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${t.resource}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json';

/** Every object of every listable type, metadata only, a few types at a time. */
export async function listAllObjects(
  loaded: LoadedKube,
  onProgress?: (done: number, total: number) => void,
): Promise<ObjectMeta[]> {
  const types = await listableTypes(loaded);
  const objects: ObjectMeta[] = [];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < types.length; i = next++) {
      const type = types[i];
      if (!type) continue;
      let cont = '';
      do {
        const page = await kubeCall(loaded, t`list ${type.resource}`, () =>
          kubeRest<{ items: MetaItem[] | null; metadata?: { continue?: string } }>(
            loaded,
            `${typePath(type)}?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`,
            { accept: METADATA_ONLY },
          ),
        ).catch((e: unknown) => {
          // A type this user may not list is not ours to clean up; others still are.
          // By the API server's answer (403), not by the words: the message may be in another language.
          if (e instanceof KubeError && e.failure?.status === 403)
            return { items: [] as MetaItem[], metadata: { continue: '' } };
          throw e;
        });
        // An empty PartialObjectMetadataList comes with "items": null.
        for (const item of page.items ?? []) {
          const m = item.metadata;
          objects.push({
            apiVersion: type.groupVersion,
            kind: type.kind,
            resource: type.resource,
            namespaced: type.namespaced,
            name: m.name,
            uid: m.uid,
            ...(m.namespace ? { namespace: m.namespace } : {}),
            ...(m.labels ? { labels: m.labels } : {}),
            ...(m.annotations ? { annotations: m.annotations } : {}),
            ...(m.ownerReferences ? { ownerReferences: m.ownerReferences } : {}),
            ...(m.managedFields ? { managedFields: m.managedFields } : {}),
            ...(m.deletionTimestamp ? { deletionTimestamp: m.deletionTimestamp } : {}),
          });
        }
        cont = page.metadata?.continue ?? '';
      } while (cont);
      onProgress?.(++done, types.length);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return objects;
}

/** Helm 3 and 4 keep each release revision in a Secret labelled owner=helm, name, status, version. */
export function helmReleasesIn(objects: ObjectMeta[]): HelmRelease[] {
  const latest = new Map<string, { version: number; release: HelmRelease }>();
  for (const o of objects) {
    if (o.kind !== 'Secret' || o.labels?.['owner'] !== 'helm' || !o.labels['name'] || !o.namespace) continue;
    const version = Number(o.labels['version'] ?? 0);
    const k = `${o.namespace}/${o.labels['name']}`;
    const prev = latest.get(k);
    if (prev && prev.version >= version) continue;
    latest.set(k, {
      version,
      release: {
        name: o.labels['name'],
        namespace: o.namespace,
        ...(o.labels['status'] ? { status: o.labels['status'] } : {}),
        labels: { ...o.labels },
      },
    });
  }
  return [...latest.values()].map((v) => v.release);
}
