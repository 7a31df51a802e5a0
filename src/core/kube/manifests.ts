// Kubernetes manifests as the student wrote them: multi-document YAML → one object per document
// (a `kind: List` gives one per item), each remembering its file and line so that every message
// about it, from us or from the API server, can point back at the text.
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import { isRecord } from '../isRecord';
import { t } from '../text/l10n';

export interface ManifestObject {
  file: string;
  /** 0-based position of the YAML document in the file. */
  docIndex: number;
  /** 1-based line where the object's text starts (its first key). */
  line: number;
  apiVersion: string;
  kind: string;
  name: string;
  /** As written; unset for cluster-scoped kinds and for namespaced ones that take the context's default. */
  namespace?: string;
  /** The document as plain data, sent to the server as it is. */
  body: Record<string, unknown>;
}

export interface ManifestError {
  file: string;
  docIndex: number;
  line: number;
  message: string;
}

export interface ParsedManifests {
  objects: ManifestObject[];
  errors: ManifestError[];
}

/** "app.yaml:12" — how every message names a document. */
export function where(o: { file: string; line: number }): string {
  return `${o.file}:${o.line}`;
}

/** "Deployment app/otel-flask" or "Namespace monitoring". */
export function describeObject(o: { kind: string; name: string; namespace?: string | undefined }): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

/** The API group of an apiVersion ('' for the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function startLine(node: Node | null | undefined, lines: LineCounter, fallback: number): number {
  const offset = node?.range?.[0];
  return offset === undefined ? fallback : lines.linePos(offset).line;
}

/** Checks one object's header; returns the problem, or the object. */
function toObject(
  value: unknown,
  at: { file: string; docIndex: number; line: number },
): ManifestObject | ManifestError {
  const fail = (message: string): ManifestError => ({ ...at, message });
  if (!isRecord(value))
    return fail(t`the document is not a mapping (a Kubernetes object starts with apiVersion: and kind:)`);
  const { apiVersion, kind } = value;
  const metadata = value['metadata'];
  if (typeof apiVersion !== 'string' || !apiVersion)
    return fail(
      typeof kind === 'string'
        ? t`the document has no apiVersion (kind ${kind}); add one such as \`apiVersion: v1\` or \`apps/v1\``
        : t`the document has no apiVersion; add one such as \`apiVersion: v1\` or \`apps/v1\``,
    );
  if (typeof kind !== 'string' || !kind) return fail(t`the document has no kind; add one such as \`kind: Deployment\``);
  if (!isRecord(metadata) || typeof metadata['name'] !== 'string' || !metadata['name']) {
    const generateName =
      isRecord(metadata) && typeof metadata['generateName'] === 'string'
        ? ' ' + t`(generateName cannot be applied: apply needs a fixed name)`
        : '';
    return fail(t`the ${kind} has no metadata.name${generateName}; add one`);
  }
  const ns = metadata['namespace'];
  if (ns !== undefined && (typeof ns !== 'string' || !ns))
    return fail(t`the ${kind} '${metadata['name']}' has an empty or non-text metadata.namespace`);
  return { ...at, apiVersion, kind, name: metadata['name'], ...(ns ? { namespace: ns } : {}), body: value };
}

/** Parses a file's text; empty documents (only comments, or `---` at the end) are skipped. */
export function parseManifests(text: string, file: string): ParsedManifests {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: true });
  const objects: ManifestObject[] = [];
  const errors: ManifestError[] = [];
  // parseAllDocuments returns an EmptyStream (no array) for text without any document.
  if (!Array.isArray(docs)) return { objects, errors };
  docs.forEach((doc, docIndex) => {
    const docLine = startLine(doc.contents ?? undefined, lines, lines.linePos(doc.range[0]).line);
    const first = doc.errors[0];
    if (first) {
      const line = first.linePos?.[0].line ?? docLine;
      errors.push({ file, docIndex, line, message: t`YAML error: ${first.message.split('\n')[0] ?? first.message}` });
      return;
    }
    if (doc.contents === null) return;
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    if (isRecord(value) && value['kind'] === 'List' && Array.isArray(value['items'])) {
      const itemsNode = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
      const itemNodes = isSeq(itemsNode) ? itemsNode.items : [];
      value['items'].forEach((item: unknown, i) => {
        const node = itemNodes[i];
        const line = startLine(isMap(node) || isSeq(node) ? node : undefined, lines, docLine);
        const r = toObject(item, { file, docIndex, line });
        if ('body' in r) objects.push(r);
        else errors.push({ ...r, message: t`item ${i + 1} of the List: ${r.message}` });
      });
      return;
    }
    const r = toObject(value, { file, docIndex, line: docLine });
    if ('body' in r) objects.push(r);
    else errors.push(r);
  });
  return { objects, errors };
}

/**
 * The order kubectl users rely on: what others need exists before them. Namespaces, then CRDs,
 * then identities and RBAC, then configuration, Services, workloads, and last the monitoring
 * objects that select them. Within a rank the files' own order is kept (the sort is stable).
 */
const kindRank: Record<string, number> = {
  Namespace: 0,
  CustomResourceDefinition: 1,
  ServiceAccount: 2,
  ClusterRole: 2,
  ClusterRoleBinding: 2,
  Role: 2,
  RoleBinding: 2,
  ConfigMap: 3,
  Secret: 3,
  PersistentVolumeClaim: 3,
  Service: 4,
  Deployment: 5,
  StatefulSet: 5,
  DaemonSet: 5,
  Job: 5,
  CronJob: 5,
  Pod: 5,
  ReplicaSet: 5,
  ServiceMonitor: 7,
  PodMonitor: 7,
  PrometheusRule: 7,
};
const otherRank = 6;

export function applyRank(kind: string): number {
  return kindRank[kind] ?? otherRank;
}

export function applyOrder<T extends { kind: string }>(objects: readonly T[]): T[] {
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => applyRank(a.o.kind) - applyRank(b.o.kind) || a.i - b.i)
    .map(({ o }) => o);
}

/** Objects grouped by rank, in order: each group can go to the server at once. */
export function applyTiers<T extends { kind: string }>(objects: readonly T[]): T[][] {
  const tiers: T[][] = [];
  let last: number | undefined;
  for (const o of applyOrder(objects)) {
    const rank = applyRank(o.kind);
    if (rank !== last) tiers.push([]);
    last = rank;
    tiers[tiers.length - 1]?.push(o);
  }
  return tiers;
}

/**
 * The namespaces the objects live in that the set itself does not create, in first-use order.
 * `namespaceOf` gives an object's effective namespace (undefined when cluster-scoped); by default
 * the one it names.
 */
export function namespacesNeeded<T extends ManifestObject>(
  objects: readonly T[],
  namespaceOf: (o: T) => string | undefined = (o) => o.namespace,
): string[] {
  const created = new Set(objects.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1').map((o) => o.name));
  const needed: string[] = [];
  for (const o of objects) {
    const ns = namespaceOf(o);
    if (ns && !created.has(ns) && !needed.includes(ns)) needed.push(ns);
  }
  return needed;
}

/** The CRDs in the set, as group + kind, so their custom resources are known before discovery sees them. */
export function kindsDefinedBy(
  objects: readonly ManifestObject[],
): { group: string; kind: string; namespaced: boolean }[] {
  const out: { group: string; kind: string; namespaced: boolean }[] = [];
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = o.body['spec'];
    if (
      !isRecord(spec) ||
      typeof spec['group'] !== 'string' ||
      !isRecord(spec['names']) ||
      typeof spec['names']['kind'] !== 'string'
    )
      continue;
    out.push({ group: spec['group'], kind: spec['names']['kind'], namespaced: spec['scope'] !== 'Cluster' });
  }
  return out;
}
