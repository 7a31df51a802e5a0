// What Clean Up may delete: exactly what the lab created. An object is the lab's when our field
// manager ('obslab') applied it and no other tool also manages it; a namespace is deleted only when
// nothing would be left in it that the lab did not create (deleting a namespace deletes all of it).
// Pure: the node layer lists the cluster's objects (metadata only) and hands them here.

export const FIELD_MANAGER = 'obslab';

/**
 * Server-side apply records no owner for an object whose applied body sets no field beyond its
 * name (a bare Namespace): the empty entry is dropped. Apply therefore labels such objects with
 * this, and Clean Up accepts either sign.
 */
export const MANAGED_BY_LABEL = { key: 'app.kubernetes.io/managed-by', value: 'obslab' } as const;

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
}

/** The metadata of one object, as a PartialObjectMetadata list returns it. */
export interface ObjectMeta {
  apiVersion: string;
  kind: string;
  /** The plural resource name, for the DELETE path. */
  resource: string;
  namespaced: boolean;
  name: string;
  namespace?: string;
  uid: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { uid: string; kind: string; name: string }[];
  managedFields?: ManagedFieldsEntry[];
  deletionTimestamp?: string;
}

export interface HelmRelease {
  name: string;
  namespace: string;
  /** Latest revision's status (deployed, failed, pending-install...). */
  status?: string;
  chart?: string;
}

export interface CleanupPlan {
  /** Namespaced and cluster-scoped objects the lab created, to delete (namespaces are apart). */
  objects: ObjectMeta[];
  /** The lab's namespaces that will be empty of anything foreign: deleted last. */
  namespaces: ObjectMeta[];
  /** The lab's Helm releases, uninstalled first (with helm). */
  releases: HelmRelease[];
  /** What we applied but leave alone, and why. */
  kept: { object: ObjectMeta; reason: string }[];
}

/** Client tools whose hand on an object means a person or another pipeline also manages it. */
const CLIENT_TOOL = /^(kubectl|helm|eksctl|kustomize|argocd|argo-cd|flux|kustomize-controller|helm-controller|terraform|pulumi|k9s|lens|okteto|skaffold|tilt)/i;

export function appliedByUs(o: ObjectMeta): boolean {
  if (o.labels?.[MANAGED_BY_LABEL.key] === MANAGED_BY_LABEL.value) return true;
  return (o.managedFields ?? []).some((m) => m.manager === FIELD_MANAGER && m.operation === 'Apply');
}

/** Another tool that also manages the object, if any: then it is not only ours to delete. */
export function otherManager(o: ObjectMeta): string | undefined {
  for (const m of o.managedFields ?? []) {
    if (!m.manager || m.manager === FIELD_MANAGER) continue;
    // Controllers write status and bookkeeping (Update); another applier or a client tool is a co-owner.
    if (m.operation === 'Apply' || CLIENT_TOOL.test(m.manager)) return m.manager;
  }
  return undefined;
}

/** Objects a Helm release owns: Helm labels and annotates what it installs. */
export function inRelease(o: ObjectMeta, r: HelmRelease): boolean {
  if (o.annotations?.['meta.helm.sh/release-name'] === r.name && o.annotations['meta.helm.sh/release-namespace'] === r.namespace) return true;
  // Helm's own release records (Secrets sh.helm.release.v1.NAME.vN).
  return o.kind === 'Secret' && o.namespace === r.namespace && o.labels?.['owner'] === 'helm' && o.labels['name'] === r.name;
}

/** Made by the cluster itself in every namespace, or on behalf of another object: not foreign. */
function systemMade(o: ObjectMeta): boolean {
  if (o.kind === 'ServiceAccount' && o.name === 'default') return true;
  if (o.kind === 'ConfigMap' && o.name === 'kube-root-ca.crt') return true;
  if (o.kind === 'Event') return true;
  return false;
}

const key = (o: Pick<ObjectMeta, 'kind' | 'namespace' | 'name'>): string => `${o.kind}/${o.namespace ?? ''}/${o.name}`;

export function planCleanup(all: ObjectMeta[], releases: HelmRelease[]): CleanupPlan {
  const kept: CleanupPlan['kept'] = [];
  const ours: ObjectMeta[] = [];
  for (const o of all) {
    if (!appliedByUs(o) || o.deletionTimestamp) continue;
    const other = otherManager(o);
    if (other) kept.push({ object: o, reason: `also managed by ${other}` });
    else ours.push(o);
  }
  // Going away: ours, the releases' objects, and whatever those own (pods of our Deployments...).
  const goneUids = new Set<string>();
  const goneKeys = new Set<string>();
  const mark = (o: ObjectMeta): void => {
    goneUids.add(o.uid);
    goneKeys.add(key(o));
  };
  for (const o of ours) mark(o);
  for (const o of all) if (releases.some((r) => inRelease(o, r))) mark(o);
  // Owner chains (Deployment → ReplicaSet → Pod) are short; repeat until nothing new is marked.
  for (let changed = true; changed; ) {
    changed = false;
    for (const o of all) {
      if (goneUids.has(o.uid)) continue;
      const owned = o.ownerReferences?.some((r) => goneUids.has(r.uid)) === true;
      // Endpoints carry no owner reference; they share their Service's name.
      const endpointsOfGoneService = o.kind === 'Endpoints' && goneKeys.has(key({ kind: 'Service', namespace: o.namespace, name: o.name }));
      if (owned || endpointsOfGoneService) {
        mark(o);
        changed = true;
      }
    }
  }
  const namespaces: ObjectMeta[] = [];
  for (const ns of ours.filter((o) => o.kind === 'Namespace')) {
    const foreign = all.filter((o) => o.namespace === ns.name && !goneUids.has(o.uid) && !systemMade(o));
    if (foreign.length) {
      const sample = foreign.slice(0, 3).map((o) => `${o.kind} ${o.name}`).join(', ');
      kept.push({ object: ns, reason: `it holds ${foreign.length} object(s) the lab did not create (${sample}${foreign.length > 3 ? ', …' : ''})` });
    } else namespaces.push(ns);
  }
  // Inside a namespace that goes, its objects go with it; listing them still shows the student what.
  const objects = ours.filter((o) => o.kind !== 'Namespace');
  return { objects: sortForDeletion(objects), namespaces, releases, kept };
}

/** Workloads before what they use, namespaced before cluster-scoped: the reverse of apply order. */
const DELETE_ORDER = ['ServiceMonitor', 'PodMonitor', 'Ingress', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod', 'Service', 'ConfigMap', 'Secret', 'RoleBinding', 'Role', 'ServiceAccount'];

function sortForDeletion(objects: ObjectMeta[]): ObjectMeta[] {
  const rank = (o: ObjectMeta): number => {
    const i = DELETE_ORDER.indexOf(o.kind);
    return (o.namespaced ? 0 : 100) + (i < 0 ? DELETE_ORDER.length : i);
  };
  return [...objects].sort((a, b) => rank(a) - rank(b) || key(a).localeCompare(key(b)));
}

export function describeObject(o: Pick<ObjectMeta, 'kind' | 'namespace' | 'name'>): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

/** The confirmation text: what goes, in order, and what stays and why. */
export function describePlan(plan: CleanupPlan): string {
  const lines: string[] = [];
  for (const r of plan.releases) lines.push(`helm uninstall ${r.name} -n ${r.namespace}${r.chart ? ` (${r.chart})` : ''}`);
  for (const o of plan.objects) lines.push(`delete ${describeObject(o)}`);
  for (const ns of plan.namespaces) lines.push(`delete Namespace ${ns.name}`);
  if (plan.kept.length) {
    lines.push('', 'kept:');
    for (const k of plan.kept) lines.push(`${describeObject(k.object)}: ${k.reason}`);
  }
  return lines.join('\n');
}

export function planIsEmpty(plan: CleanupPlan): boolean {
  return plan.objects.length === 0 && plan.namespaces.length === 0 && plan.releases.length === 0;
}
