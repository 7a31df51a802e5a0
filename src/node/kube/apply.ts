// Server-side apply of parsed manifests, as `kubectl apply --server-side --field-manager=obslab`
// does it, plus what kubectl does not say: which objects were created, configured or left
// unchanged, and for a failure, the document and line it came from and what to do next.
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import {
  ApiException,
  HttpMethod,
  KubernetesObjectApi,
  Observable,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
  type RequestContext,
  type ResponseContext,
  type V1APIResource,
} from '@kubernetes/client-node';
import {
  classify,
  describeApplyFailure,
  describeMissingKind,
  summarize,
  type ApplyProblem,
  type ApplyRow,
} from '../../core/kube/applyPlan';
import { describeKubeFailure } from '../../core/kube/errors';
import { MANAGED_BY_LABEL } from '../../core/kube/cleanup';
import {
  applyTiers,
  describeObject,
  groupOf,
  kindsDefinedBy,
  namespacesNeeded,
  type ManifestObject,
} from '../../core/kube/manifests';
import { kubeCall, toKubeFailure, type LoadedKube } from './config';
import { sleep } from '../process/sleep';
import { t } from '../../core/text/l10n';

export const defaultFieldManager = 'obslab';

type Json = Record<string, unknown>;

/**
 * KubernetesObjectApi with the body sent as written. Its own patch() passes the object through
 * client-node's typed models first, which silently drops fields the model lacks (a misspelt
 * `replicaz` vanished in our test), so the server never gets to reject the typo; here the
 * manifest goes to the server verbatim and the answer comes back as plain JSON. Discovery, auth,
 * TLS and the per-group-version cache are the base class's.
 */
class ApplyApi extends KubernetesObjectApi {
  private agent: HttpsAgent | undefined;

  static forKube(kc: KubeConfig): ApplyApi {
    const api = kc.makeApiClient(ApplyApi);
    api.setDefaultNamespace(kc);
    // client-node gives every request a new https.Agent, so each pays a TLS handshake; one
    // keep-alive agent with the same TLS options (one kubeconfig, one apply) reuses connections.
    api.configuration.middleware.push({
      pre: (ctx: RequestContext) => {
        const fresh = ctx.getAgent();
        if (fresh instanceof HttpsAgent) {
          api.agent ??= new HttpsAgent({ ...(fresh.options as AgentOptions), keepAlive: true });
          ctx.setAgent(api.agent);
        }
        return new Observable(Promise.resolve(ctx));
      },
      post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
    });
    return api;
  }

  dispose(): void {
    this.agent?.destroy();
  }

  get namespaceDefault(): string {
    return this.defaultNamespace;
  }

  /** The kind's API resource; undefined when the cluster does not serve it (no CRD, or no such group/version). */
  async discover(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    try {
      return await this.resource(apiVersion, kind);
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return undefined;
      throw e;
    }
  }

  async call(method: HttpMethod, path: string, query: Record<string, string>, body?: Json): Promise<Json> {
    const rc = this.configuration.baseServer.makeRequestContext(path, method);
    rc.setHeaderParam('Accept', 'application/json');
    for (const [k, v] of Object.entries(query)) rc.setQueryParam(k, v);
    if (body) {
      rc.setHeaderParam('Content-Type', PatchStrategy.ServerSideApply);
      rc.setBody(JSON.stringify(body));
    }
    // 'any' makes client-node hand back the JSON as it came, not its typed models.
    return (await this.requestPromise<KubernetesObject>(rc, 'any')) as unknown as Json;
  }
}

interface Target {
  obj: ManifestObject;
  path: string;
  /** Effective namespace (the context's default when a namespaced object names none). */
  namespace?: string;
}

export interface ApplyProgress {
  done: number;
  total: number;
  message: string;
}

export interface ApplyOptions {
  /** Server-side dry-run: the server checks and answers, nothing is stored. */
  dryRun?: boolean;
  fieldManager?: string;
  onProgress?: (p: ApplyProgress) => void;
  /** Requests in flight at once within one rank of kinds. */
  concurrency?: number;
}

export interface ApplyResult {
  dryRun: boolean;
  /** What was (or would be) done, in apply order; namespaces we create for the documents come first, without a file. */
  rows: ApplyRow[];
  /** Objects the server refused, or that cannot be applied. */
  problems: ApplyProblem[];
  /** After a failure: the objects never sent (a real apply stops at the first failing rank). */
  notApplied: ManifestObject[];
  /** "3 created, 1 configured, 5 unchanged". */
  summary: string;
}

function pathFor(obj: ManifestObject, resource: V1APIResource, namespace: string | undefined): string {
  const base = obj.apiVersion.includes('/') ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
  return `${base}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${resource.name}/${encodeURIComponent(obj.name)}`;
}

/** Runs `fn` over items with at most `limit` at once; results in input order. */
/**
 * Server-side apply keeps no managedFields entry for a body that sets no field beyond the name (a
 * bare Namespace, an empty ServiceAccount): nothing would show the object as ours to Clean Up. Such
 * a body gets our managed-by label, which then is a field we own. Other bodies go as written.
 */
export function markOwned(body: Json): Json {
  const meta = (body['metadata'] ?? {}) as Json;
  const bare =
    Object.keys(body).every((k) => k === 'apiVersion' || k === 'kind' || k === 'metadata') &&
    Object.keys(meta).every((k) => k === 'name' || k === 'namespace');
  if (!bare) return body;
  return { ...body, metadata: { ...meta, labels: { [MANAGED_BY_LABEL.key]: MANAGED_BY_LABEL.value } } };
}

async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function isNotFound(e: unknown): boolean {
  return e instanceof ApiException && e.code === 404;
}

/** The live object, nothing (404), or the error, never a rejection: reads start before they are awaited. */
interface LiveRead {
  live?: Json;
  error?: unknown;
}

function readObject(api: ApplyApi, path: string): Promise<LiveRead> {
  return api.call(HttpMethod.GET, path, {}).then(
    (obj): LiveRead => ({ live: obj }),
    (error: unknown): LiveRead => (isNotFound(error) ? {} : { error }),
  );
}

/** Describes the outcome for people: the summary, and after a failure what was applied and what was not. */
export function describeOutcome(r: ApplyResult): string[] {
  const lines = [r.dryRun ? t`Dry-run: ${r.summary}` : r.summary];
  if (!r.dryRun && r.problems.length) {
    const applied = r.rows.filter((x) => x.action !== 'unchanged');
    lines.push(
      applied.length
        ? t`Applied before the failure: ${applied.map((x) => `${describeObject(x)} (${x.action})`).join(', ')}.`
        : t`Nothing was changed in the cluster.`,
    );
    if (r.notApplied.length) lines.push(t`Not applied: ${r.notApplied.map((o) => describeObject(o)).join(', ')}.`);
  }
  return lines;
}

/**
 * Applies (or dry-runs) the objects in dependency order, with server-side apply and `force=false`.
 * Namespaces that the documents use but do not define are created first (in a dry-run, reported
 * as to be created). A real apply checks every kind first and changes nothing if one is unknown;
 * after that it stops at the first rank with a failure and says what was applied before it. A
 * dry-run goes through everything and reports every problem. Throws a KubeError only when the
 * cluster cannot be reached or refuses us before anything was sent.
 */
export async function applyManifests(
  loaded: LoadedKube,
  objects: readonly ManifestObject[],
  opts: ApplyOptions = {},
): Promise<ApplyResult> {
  const api = ApplyApi.forKube(loaded.kc);
  try {
    return await applyWith(api, loaded, objects, opts);
  } finally {
    api.dispose();
  }
}

async function applyWith(
  api: ApplyApi,
  loaded: LoadedKube,
  objects: readonly ManifestObject[],
  opts: ApplyOptions,
): Promise<ApplyResult> {
  const dryRun = opts.dryRun ?? false;
  const fieldManager = opts.fieldManager ?? defaultFieldManager;
  const rows: ApplyRow[] = [];
  const problems: ApplyProblem[] = [];
  const progress = (done: number, message: string): void => opts.onProgress?.({ done, total: objects.length, message });
  const problemFor = (o: ManifestObject, message: string, namespace = o.namespace): ApplyProblem => ({
    kind: o.kind,
    ...(namespace ? { namespace } : {}),
    name: o.name,
    file: o.file,
    line: o.line,
    message,
  });

  // 1. Discovery: every kind resolved (namespaced or not) before anything is sent.
  progress(0, t`discovering the cluster's kinds`);
  const fromCrds = kindsDefinedBy(objects);
  const targets: Target[] = [];
  const pendingCrd = new Set<ManifestObject>();
  const kinds = new Map<string, V1APIResource | undefined>();
  // One discovery request per group/version, all at once; the base class caches each answer.
  const firstOfVersion = [...new Map(objects.map((o) => [o.apiVersion, o])).values()];
  await Promise.all(
    firstOfVersion.map(async (o) =>
      kinds.set(
        `${o.apiVersion} ${o.kind}`,
        await kubeCall(loaded, t`look up kind ${o.kind} (${o.apiVersion})`, () => api.discover(o.apiVersion, o.kind)),
      ),
    ),
  );
  for (const o of objects) {
    const key = `${o.apiVersion} ${o.kind}`;
    if (!kinds.has(key))
      kinds.set(
        key,
        await kubeCall(loaded, t`look up kind ${o.kind} (${o.apiVersion})`, () => api.discover(o.apiVersion, o.kind)),
      );
    const resource = kinds.get(key);
    if (!resource) {
      const crd = fromCrds.find((c) => c.group === groupOf(o.apiVersion) && c.kind === o.kind);
      if (!crd) {
        problems.push(problemFor(o, describeMissingKind(o.apiVersion, o.kind)));
        continue;
      }
      // Its CRD is in this set: the kind exists once the CRD is applied.
      pendingCrd.add(o);
      const namespace = crd.namespaced ? (o.namespace ?? api.namespaceDefault) : undefined;
      targets.push({ obj: o, path: '', ...(namespace ? { namespace } : {}) });
      continue;
    }
    const namespace = resource.namespaced ? (o.namespace ?? api.namespaceDefault) : undefined;
    targets.push({ obj: o, path: pathFor(o, resource, namespace), ...(namespace ? { namespace } : {}) });
  }
  if (!dryRun && problems.length) {
    return { dryRun, rows, problems, notApplied: [...objects], summary: summarize(rows, problems.length) };
  }

  // 2. Namespaces the documents use: which exist, which the set creates, which we must create.
  const byObject = new Map(targets.map((t) => [t.obj, t]));
  const needed = namespacesNeeded(
    targets.map((t) => t.obj),
    (o) => byObject.get(o)?.namespace,
  );
  const inSet = targets.filter((t) => t.obj.kind === 'Namespace' && t.obj.apiVersion === 'v1').map((t) => t.obj.name);
  const absent = new Set<string>();
  await kubeCall(loaded, t`read the namespaces the documents use`, () =>
    pool([...needed, ...inSet], opts.concurrency ?? 8, async (ns) => {
      try {
        await api.call(HttpMethod.GET, `/api/v1/namespaces/${encodeURIComponent(ns)}`, {});
      } catch (e) {
        if (isNotFound(e)) absent.add(ns);
        // Not allowed to read namespaces (403): the apply itself will say whether the namespace exists.
        else if (!(e instanceof ApiException && e.code === 403)) throw e;
      }
    }),
  );
  let done = 0;
  for (const ns of needed.filter((n) => absent.has(n))) {
    if (!dryRun) {
      progress(done, t`creating namespace ${ns}`);
      try {
        await api.call(
          HttpMethod.PATCH,
          `/api/v1/namespaces/${encodeURIComponent(ns)}`,
          { fieldManager, force: 'false' },
          markOwned({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
        );
      } catch (e) {
        const f = toKubeFailure(e);
        problems.push({
          kind: 'Namespace',
          name: ns,
          message:
            f.status === undefined
              ? describeKubeFailure(f, {
                  what: t`create namespace ${ns}`,
                  server: loaded.server,
                  context: loaded.context,
                })
              : describeApplyFailure(f, { kind: 'Namespace', name: ns }, fieldManager),
        });
        return { dryRun, rows, problems, notApplied: [...objects], summary: summarize(rows, problems.length) };
      }
    }
    rows.push({
      kind: 'Namespace',
      name: ns,
      action: 'created',
      note: t`used by the documents, which do not define it`,
    });
  }

  // 3. The objects, rank by rank; within a rank, several at once. The live objects are all read
  // first, together: applying one rank never changes objects of another.
  const live = new Map<Target, Promise<LiveRead>>();
  for (const t of targets) {
    if (!t.path) continue;
    if (dryRun && t.namespace && absent.has(t.namespace)) continue;
    live.set(t, readObject(api, t.path));
  }
  const notApplied: ManifestObject[] = [];
  const tiers = applyTiers(targets.map((t) => ({ kind: t.obj.kind, t })));
  for (const tier of tiers) {
    if (!dryRun && problems.length) {
      notApplied.push(...tier.map((x) => x.t.obj));
      continue;
    }
    const results = await pool(tier, opts.concurrency ?? 8, async ({ t: target }): Promise<ApplyRow | ApplyProblem> => {
      const o = target.obj;
      const row = {
        kind: o.kind,
        ...(target.namespace ? { namespace: target.namespace } : {}),
        name: o.name,
        file: o.file,
        line: o.line,
      };
      if (dryRun && ((target.namespace && absent.has(target.namespace)) || pendingCrd.has(o))) {
        // The server cannot dry-run an object whose namespace or kind this apply creates first.
        const note = pendingCrd.has(o)
          ? t`its CRD is in these documents; the server checks it when applied`
          : t`namespace ${target.namespace ?? ''} is created by this apply; the server checks the object when applied`;
        return { ...row, action: 'created', note };
      }
      let path = target.path;
      if (!path) {
        // A kind from a CRD applied in an earlier rank: discovery sees it once the CRD is established.
        const resource = await waitForKind(api, o);
        if (!resource) return problemFor(o, describeMissingKind(o.apiVersion, o.kind), target.namespace);
        path = pathFor(o, resource, target.namespace);
      }
      const body: Json = markOwned(
        target.namespace
          ? { ...o.body, metadata: { ...(o.body['metadata'] as Json), namespace: target.namespace } }
          : o.body,
      );
      const query: Record<string, string> = {
        fieldManager,
        force: 'false',
        fieldValidation: 'Strict',
        ...(dryRun ? { dryRun: 'All' } : {}),
      };
      try {
        const readLive = async (): Promise<Json | undefined> => {
          const read = await (live.get(target) ?? readObject(api, path));
          if (read.error !== undefined) throw read.error;
          return read.live;
        };
        // A dry-run changes nothing, so the read and the dry-run can go together; a real apply reads first.
        const [before, result] = dryRun
          ? await Promise.all([readLive(), api.call(HttpMethod.PATCH, path, query, body)])
          : [await readLive(), await api.call(HttpMethod.PATCH, path, query, body)];
        return { ...row, action: classify(before, result, { dryRun }) };
      } catch (e) {
        const f = toKubeFailure(e);
        const message =
          f.status === undefined
            ? describeKubeFailure(f, {
                what: t`apply ${describeObject({ ...o, namespace: target.namespace })}`,
                server: loaded.server,
                context: loaded.context,
              })
            : describeApplyFailure(f, { ...row }, fieldManager);
        return problemFor(o, message, target.namespace);
      } finally {
        const object = describeObject({ ...o, namespace: target.namespace });
        progress(++done, dryRun ? t`checked ${object}` : t`applied ${object}`);
      }
    });
    for (const r of results) {
      if ('action' in r) rows.push(r);
      else problems.push(r);
    }
  }
  return { dryRun, rows, problems, notApplied, summary: summarize(rows, problems.length) };
}

async function waitForKind(api: ApplyApi, o: ManifestObject, timeoutMs = 30_000): Promise<V1APIResource | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await api.discover(o.apiVersion, o.kind);
    if (r || Date.now() > deadline) return r;
    await sleep(250);
  }
}
