// What a server-side apply did or would do to each object, and the words for when it cannot.
// Pure: the node layer hands in the live object (or nothing) and the server's answer.
import { commandInText } from '../shellQuote';
import { forceApply } from './commands';
import { parseStatus, type KubeFailure } from './errors';
import { describeObject, groupOf, where } from './manifests';
import { t } from '../text/l10n';

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface ApplyRow {
  kind: string;
  /** Unset for cluster-scoped objects. */
  namespace?: string;
  name: string;
  action: ApplyAction;
  /** Where the object was written; unset for a namespace we create because the documents need it. */
  file?: string;
  line?: number;
  /** Anything the student should know about this row (e.g. not checked by the server in a dry-run). */
  note?: string;
}

export interface ApplyProblem {
  kind: string;
  namespace?: string;
  name: string;
  file?: string;
  line?: number;
  message: string;
}

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Metadata the server writes, which says nothing about what the student asked for. */
const serverMetadata = [
  'managedFields',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'uid',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

/**
 * The object without what the server owns. Verified against kube-apiserver 1.37: a server-side
 * dry-run answers with the live resourceVersion unchanged even when it would change the object (it
 * writes nothing), bumps generation only for spec changes, refreshes managedFields times, and a
 * dry-run create already carries a uid and creationTimestamp. So neither resourceVersion nor
 * generation can tell "changed" apart; comparing the rest of the object can. Status is dropped
 * too: controllers rewrite it between our read and the dry-run.
 */
export function comparable(obj: unknown): unknown {
  if (!isRecord(obj)) return obj;
  const rest: Json = { ...obj };
  delete rest['status'];
  const metadata = rest['metadata'];
  if (!isRecord(metadata)) return rest;
  const meta: Json = { ...metadata };
  for (const k of serverMetadata) delete meta[k];
  return { ...rest, metadata: meta };
}

/** Deep equality of JSON data, key order ignored. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x, b[i]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson(a[k], b[k]));
}

function resourceVersion(obj: unknown): string | undefined {
  const meta = isRecord(obj) ? obj['metadata'] : undefined;
  return isRecord(meta) && typeof meta['resourceVersion'] === 'string' ? meta['resourceVersion'] : undefined;
}

/**
 * created / configured / unchanged, from the live object before (undefined: it did not exist) and
 * the server's answer to the apply or its dry-run. After a real apply an unchanged
 * resourceVersion proves nothing was written (a no-op apply does not write); otherwise, and
 * always for dry-runs, the objects are compared without their server-owned fields.
 */
export function classify(live: unknown, result: unknown, opts: { dryRun: boolean }): ApplyAction {
  if (live === undefined) return 'created';
  const before = resourceVersion(live);
  if (!opts.dryRun && before !== undefined && before === resourceVersion(result)) return 'unchanged';
  return sameJson(comparable(live), comparable(result)) ? 'unchanged' : 'configured';
}

/** "3 created, 1 configured, 5 unchanged" (only the actions that occur; "nothing to apply" for none). */
export function summarize(rows: readonly Pick<ApplyRow, 'action'>[], problems = 0): string {
  const counts: [ApplyAction, number][] = (['created', 'configured', 'unchanged'] as const).map((a) => [
    a,
    rows.filter((r) => r.action === a).length,
  ]);
  const said: Record<ApplyAction, (n: number) => string> = {
    created: (n) => t`${n} created`,
    configured: (n) => t`${n} configured`,
    unchanged: (n) => t`${n} unchanged`,
  };
  const parts = counts.filter(([, n]) => n > 0).map(([a, n]) => said[a](n));
  if (problems) parts.push(t`${problems} failed`);
  return parts.length ? parts.join(', ') : t`nothing to apply`;
}

/** One line per row: "created     Deployment app/otel-flask  (k8s/app.yaml:3)". */
export function formatRow(r: ApplyRow): string {
  const at = r.file ? `  (${where({ file: r.file, line: r.line ?? 1 })})` : '';
  return `${r.action.padEnd(10)} ${describeObject(r)}${at}${r.note ? `  — ${r.note}` : ''}`;
}

export function formatProblem(p: ApplyProblem): string {
  return `${p.file ? `${where({ file: p.file, line: p.line ?? 1 })}: ` : ''}${describeObject(p)}: ${p.message}`;
}

/** The charts that install the CRDs of kinds students meet in the lab. */
const crdSources: Record<string, () => string> = {
  'monitoring.coreos.com': () =>
    t`The kube-prometheus-stack Helm chart (the lab's Task 2: \`helm upgrade --install\` with \
helm/kube-prometheus-stack-values.yaml) installs it; apply this file after that`,
  'opentelemetry.io': () => t`The OpenTelemetry Operator installs it; apply this file after that`,
  'cert-manager.io': () => t`Cert-manager installs it; apply this file after that`,
};

/** The cluster does not know this kind: say which CRD is missing and what installs it. */
export function describeMissingKind(apiVersion: string, kind: string): string {
  const group = groupOf(apiVersion);
  const source = crdSources[group];
  if (!group)
    return t`the cluster has no kind ${kind} in the core API (${apiVersion}); check the apiVersion and kind for typos`;
  const fix = source ? source() : t`Install the CRD for ${group} first (or check the apiVersion for typos)`;
  return t`the cluster does not know ${kind} (${apiVersion}): its CustomResourceDefinition is not installed. ${fix}.`;
}

/** What the Status of a failed apply says, for one object, with the next step. */
export function describeApplyFailure(
  f: KubeFailure,
  obj: { kind: string; name: string; namespace?: string; file?: string; line?: number },
  fieldManager: string,
): string {
  const status = parseStatus(f.body);
  const said = status?.message ?? f.message;
  const at = obj.file ? ` (${where({ file: obj.file, line: obj.line ?? 1 })})` : '';
  const causes = status?.details?.causes ?? [];
  switch (f.status) {
    case 409: {
      const byManager = new Map<string, string[]>();
      for (const c of causes) {
        const manager = /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1] ?? t`another manager`;
        byManager.set(manager, [...(byManager.get(manager) ?? []), c.field ?? '?']);
      }
      if (!byManager.size) return t`conflict: ${said}. Someone changed it while we applied; run the apply again.`;
      const list = [...byManager].map(([m, fields]) => t`'${m}' owns ${fields.join(', ')}`).join('; ');
      const managers = [...byManager.keys()].map((m) => `'${m}'`).reduce((a, b) => t`${a} and ${b}`);
      return t`another field manager owns fields this file sets: ${list}. Nothing was changed. Either \
set those fields with the tool that owns them (${managers}), remove them from this \
file${at}, or take them over on purpose with ${commandInText(forceApply(fieldManager, obj.file))}.`;
    }
    case 422:
    case 400: {
      const detail = causes.length
        ? causes.map((c) => `${c.field ? `${c.field}: ` : ''}${c.message ?? ''}`).join('; ')
        : said;
      return t`the server rejected it as invalid${at}: ${detail}. Fix the document and apply again.`;
    }
    case 500:
      // Server-side apply refuses fields the schema does not declare with a 500 ("failed to create typed patch object").
      if (/field not declared in schema|typed patch/.test(said)) {
        const field = /: (\.[^:]+): field not declared in schema/.exec(said)?.[1];
        const which = field ? ` (${field})` : '';
        return t`the document sets a field the ${obj.kind} schema does not have${which}${at}: a typo or wrong indentation? ${said}.`;
      }
      return t`the API server failed${at}: ${said}.`;
    case 403: {
      const scope = obj.namespace ? t`namespace ${obj.namespace}` : t`the cluster`;
      return t`permission denied for ${describeObject(obj)}: ${said}. Ask for RBAC that allows patch \
(server-side apply) on ${obj.kind} in ${scope}, or use a context with more rights.`;
    }
    case 404:
      if (status?.details?.kind === 'namespaces')
        return t`namespace '${status.details.name ?? obj.namespace ?? '?'}' does not exist; add a Namespace document \
or create it first.`;
      return `${said}.`;
  }
  return f.status !== undefined ? t`the API server answered ${f.status}: ${said}.` : `${said}.`;
}
