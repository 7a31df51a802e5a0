// What Clean Up may delete: exactly what the lab created. An object is the lab's when our field
// manager ('obslab') applied it and no other tool also manages it; a Helm release is the lab's when
// it carries the label the lab's Helm steps put on it (whatever its name); a namespace is deleted
// only when nothing would be left in it that the lab did not create (deleting a namespace deletes
// all of it). Every other release found is listed as kept, with the reason.
// Pure: the node layer lists the cluster's objects (metadata only) and hands them here.
import { commandLine, type Command } from '../shellQuote';
import { t } from '../text/l10n';

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

/** An object's `metadata`, as the API server returns it (the fields we read). */
export interface KubeMetadata {
  name: string;
  namespace?: string;
  uid: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { uid: string; kind: string; name: string }[];
  managedFields?: ManagedFieldsEntry[];
  deletionTimestamp?: string;
}

/** The metadata of one object, as a PartialObjectMetadata list returns it, with the type it was listed as. */
export interface ObjectMeta extends KubeMetadata {
  apiVersion: string;
  kind: string;
  /** The plural resource name, for the DELETE path. */
  resource: string;
  namespaced: boolean;
}

/**
 * The label the lab's Helm steps put on the releases they install (`helm upgrade --install
 * --labels`, Helm 3.13 and later). Helm keeps it on the release's records, and a later upgrade
 * without the flag keeps it too; Clean Up uninstalls the releases that carry it, and only those.
 */
export const LAB_RELEASE_LABEL = { key: 'obslab.dev/lab', value: 'true' } as const;

export interface HelmRelease {
  name: string;
  namespace: string;
  /** Latest revision's status (deployed, failed, pending-install...). */
  status?: string;
  chart?: string;
  /** The latest revision's labels (Helm's own and those given with --labels). */
  labels?: Record<string, string>;
}

/** `helm uninstall` of one release as the plan and the kept releases show it (Clean Up runs it with the install's kube flags). */
export function helmUninstallCommand(r: Pick<HelmRelease, 'name' | 'namespace'>): Command {
  return ['helm', 'uninstall', r.name, '-n', r.namespace];
}

/** A release something names (a setting, a CLI flag, the lab's collector step), to explain why it is kept when the lab did not install it. */
export interface NamedRelease {
  name: string;
  namespace: string;
  /** Who names it, e.g. "the setting obslab.helmRelease". */
  namedBy: string;
}

export function installedByLab(r: HelmRelease): boolean {
  return r.labels?.[LAB_RELEASE_LABEL.key] === LAB_RELEASE_LABEL.value;
}

export interface CleanupPlan {
  /** Namespaced and cluster-scoped objects the lab created, to delete (namespaces are apart). */
  objects: ObjectMeta[];
  /** The lab's namespaces that will be empty of anything foreign: deleted last. */
  namespaces: ObjectMeta[];
  /** The lab's Helm releases (those with LAB_RELEASE_LABEL), uninstalled first (with helm). */
  releases: HelmRelease[];
  /** What we applied but leave alone, and why. */
  kept: { object: ObjectMeta; reason: string }[];
  /** Every other release found, and why it stays. */
  keptReleases: { release: HelmRelease; reason: string }[];
}

/** Client tools whose hand on an object means a person or another pipeline also manages it. */
const CLIENT_TOOL =
  /^(kubectl|helm|eksctl|kustomize|argocd|argo-cd|flux|kustomize-controller|helm-controller|terraform|pulumi|k9s|lens|okteto|skaffold|tilt)/i;

export function appliedByUs(o: ObjectMeta): boolean {
  if (o.labels?.[MANAGED_BY_LABEL.key] === MANAGED_BY_LABEL.value) return true;
  return (o.managedFields ?? []).some((m) => m.manager === FIELD_MANAGER && m.operation === 'Apply');
}

/** Another tool that also manages the object, if any: then it is not only ours to delete. */
export function otherManager(o: ObjectMeta): string | undefined {
  for (const m of o.managedFields ?? []) {
    if (!m.manager || m.manager === FIELD_MANAGER) continue;
    // `helm upgrade --install --create-namespace` (Helm 4 applies the Namespace) touches the lab's
    // namespace too; whether it may go is decided by what is in it (another release's records keep it).
    if (o.kind === 'Namespace' && /^helm$/i.test(m.manager)) continue;
    // Controllers write status and bookkeeping (Update); another applier or a client tool is a co-owner.
    if (m.operation === 'Apply' || CLIENT_TOOL.test(m.manager)) return m.manager;
  }
  return undefined;
}

/** Objects a Helm release owns: Helm labels and annotates what it installs. */
export function inRelease(o: ObjectMeta, r: HelmRelease): boolean {
  if (
    o.annotations?.['meta.helm.sh/release-name'] === r.name &&
    o.annotations['meta.helm.sh/release-namespace'] === r.namespace
  )
    return true;
  // Helm's own release records (Secrets sh.helm.release.v1.NAME.vN).
  return (
    o.kind === 'Secret' && o.namespace === r.namespace && o.labels?.['owner'] === 'helm' && o.labels['name'] === r.name
  );
}

/** Made by the cluster itself in every namespace, or on behalf of another object: not foreign. */
function systemMade(o: ObjectMeta): boolean {
  if (o.kind === 'ServiceAccount' && o.name === 'default') return true;
  if (o.kind === 'ConfigMap' && o.name === 'kube-root-ca.crt') return true;
  if (o.kind === 'Event') return true;
  return false;
}

const key = (o: Pick<ObjectMeta, 'kind' | 'namespace' | 'name'>): string => `${o.kind}/${o.namespace ?? ''}/${o.name}`;

const releaseKey = (r: Pick<HelmRelease, 'name' | 'namespace'>): string => `${r.namespace}/${r.name}`;

/** Why a release the lab did not install stays: who names it, or where it is. */
function keptReleaseReason(r: HelmRelease, named: readonly NamedRelease[], labNamespaces: ReadonlySet<string>): string {
  const label = `${LAB_RELEASE_LABEL.key}=${LAB_RELEASE_LABEL.value}`;
  const by = named.find((n) => releaseKey(n) === releaseKey(r));
  const yours = t`If it is yours to remove: ${commandLine(helmUninstallCommand(r), 'posix')}`;
  if (by)
    return t`${by.namedBy} names it, but the lab did not install it (the release has no ${label} label, \
which the lab's Helm steps add). ${yours}`;
  if (labNamespaces.has(r.namespace))
    return t`in the lab's namespace ${r.namespace}, but not installed by the lab (no ${label} label); \
the namespace stays with it. ${yours}`;
  return t`not installed by the lab (no ${label} label)`;
}

/**
 * `releases`: every Helm release in the cluster; those the lab installed are uninstalled, the
 * others listed as kept (first those `named` names, then those in the lab's namespaces).
 */
export function planCleanup(
  all: ObjectMeta[],
  releases: HelmRelease[],
  named: readonly NamedRelease[] = [],
): CleanupPlan {
  const kept: CleanupPlan['kept'] = [];
  const labReleases = releases.filter(installedByLab);
  const ours: ObjectMeta[] = [];
  for (const o of all) {
    if (!appliedByUs(o) || o.deletionTimestamp) continue;
    const other = otherManager(o);
    if (other) kept.push({ object: o, reason: t`also managed by ${other}` });
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
  for (const o of all) if (labReleases.some((r) => inRelease(o, r))) mark(o);
  // Owner chains (Deployment → ReplicaSet → Pod) are short; repeat until nothing new is marked.
  for (let changed = true; changed;) {
    changed = false;
    for (const o of all) {
      if (goneUids.has(o.uid)) continue;
      const owned = o.ownerReferences?.some((r) => goneUids.has(r.uid)) === true;
      // Endpoints carry no owner reference; they share their Service's name.
      const endpointsOfGoneService =
        o.kind === 'Endpoints' && goneKeys.has(key({ kind: 'Service', namespace: o.namespace, name: o.name }));
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
      const sample = foreign
        .slice(0, 3)
        .map((o) => `${o.kind} ${o.name}`)
        .join(', ');
      const more = foreign.length > 3 ? ', …' : '';
      kept.push({
        object: ns,
        reason: t`it holds ${foreign.length} object(s) the lab did not create (${sample}${more})`,
      });
    } else namespaces.push(ns);
  }
  // Inside a namespace that goes, its objects go with it; listing them still shows the student what.
  const objects = ours.filter((o) => o.kind !== 'Namespace');
  const labNamespaces = new Set(ours.filter((o) => o.kind === 'Namespace').map((o) => o.name));
  const rank = (r: HelmRelease): number =>
    named.some((n) => releaseKey(n) === releaseKey(r)) ? 0 : labNamespaces.has(r.namespace) ? 1 : 2;
  const keptReleases = releases
    .filter((r) => !installedByLab(r))
    .sort((a, b) => rank(a) - rank(b) || releaseKey(a).localeCompare(releaseKey(b)))
    .map((release) => ({ release, reason: keptReleaseReason(release, named, labNamespaces) }));
  return { objects: sortForDeletion(objects), namespaces, releases: labReleases, kept, keptReleases };
}

/** Workloads before what they use, namespaced before cluster-scoped: the reverse of apply order. */
const DELETE_ORDER = [
  'ServiceMonitor',
  'PodMonitor',
  'Ingress',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Pod',
  'Service',
  'ConfigMap',
  'Secret',
  'RoleBinding',
  'Role',
  'ServiceAccount',
];

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
  for (const r of plan.releases)
    lines.push(`${commandLine(helmUninstallCommand(r), 'posix')}${r.chart ? ` (${r.chart})` : ''}`);
  for (const o of plan.objects) lines.push(t`delete ${describeObject(o)}`);
  for (const ns of plan.namespaces) lines.push(t`delete Namespace ${ns.name}`);
  if (plan.kept.length || plan.keptReleases.length) {
    lines.push('', t`kept:`);
    for (const k of plan.keptReleases)
      lines.push(
        k.release.chart
          ? t`Helm release ${releaseKey(k.release)} (${k.release.chart}): ${k.reason}`
          : t`Helm release ${releaseKey(k.release)}: ${k.reason}`,
      );
    for (const k of plan.kept) lines.push(`${describeObject(k.object)}: ${k.reason}`);
  }
  return lines.join('\n');
}

export function planIsEmpty(plan: CleanupPlan): boolean {
  return plan.objects.length === 0 && plan.namespaces.length === 0 && plan.releases.length === 0;
}
