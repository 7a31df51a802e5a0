// Which cluster to talk to, the way kubectl decides it: --kubeconfig, else every file in
// $KUBECONFIG merged, else ~/.kube/config; --context, else the current context. Every failure
// becomes a KubeError whose message names the file or context and the next step.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { updateKubeconfig, useContext } from '../../core/kube/commands';
import { describeKubeFailure, type KubeAction, type KubeFailure } from '../../core/kube/errors';
import { missingKubeconfigMessage, type KubeconfigFailure } from '../../core/kube/kubeconfigWait';
import { commandInText } from '../../core/shellQuote';
import { t } from '../../core/text/l10n';

/** An error whose message is already written for the student: show it as it is. */
export class KubeError extends Error {
  constructor(
    message: string,
    readonly failure?: KubeFailure,
    /** Set when the kubeconfig itself is missing or unreadable (src/core/kube/kubeconfigWait.ts reads it). */
    readonly kubeconfig?: KubeconfigFailure,
  ) {
    super(message);
    this.name = 'KubeError';
  }
}

export interface KubeTarget {
  /** A kubeconfig file; default: $KUBECONFIG (merged), else ~/.kube/config. */
  kubeconfig?: string;
  /** A context in it; default: its current context. */
  context?: string;
}

export interface LoadedKube {
  kc: KubeConfig;
  /** The files read, in kubectl's order. */
  files: string[];
  context: string;
  server: string;
}

export function kubeconfigFiles(target: KubeTarget, env: NodeJS.ProcessEnv = process.env): string[] {
  if (target.kubeconfig) return [target.kubeconfig];
  const fromEnv = env['KUBECONFIG']?.split(delimiter).filter((p) => p.length > 0) ?? [];
  return fromEnv.length ? fromEnv : [join(homedir(), '.kube', 'config')];
}

export function loadKube(target: KubeTarget = {}, env: NodeJS.ProcessEnv = process.env): LoadedKube {
  const files = kubeconfigFiles(target, env);
  const present = files.filter((f) => existsSync(f));
  if (!present.length) {
    const fromEnv = !target.kubeconfig && Boolean(env['KUBECONFIG']?.split(delimiter).some((p) => p.length > 0));
    throw new KubeError(missingKubeconfigMessage(files), undefined, { kind: 'kubeconfig-missing', files, fromEnv });
  }
  const kc = new KubeConfig();
  try {
    // kubectl's merge: the first file to name a cluster, user or context wins, and so does the first current context.
    const seen = { clusters: new Set<string>(), users: new Set<string>(), contexts: new Set<string>() };
    const merged = {
      clusters: [] as KubeConfig['clusters'],
      users: [] as KubeConfig['users'],
      contexts: [] as KubeConfig['contexts'],
      currentContext: '',
    };
    for (const f of present) {
      const one = new KubeConfig();
      one.loadFromFile(f);
      for (const key of ['clusters', 'users', 'contexts'] as const) {
        for (const item of one[key]) {
          if (seen[key].has(item.name)) continue;
          seen[key].add(item.name);
          (merged[key] as { name: string }[]).push(item);
        }
      }
      merged.currentContext ||= one.getCurrentContext();
    }
    kc.loadFromOptions(merged);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new KubeError(
      t`The kubeconfig could not be read: ${why}. Fix the file (${present.join(', ')}) or regenerate it \
with ${commandInText(updateKubeconfig)}.`,
      undefined,
      { kind: 'kubeconfig-unreadable', files: present },
    );
  }
  const context = target.context ?? kc.getCurrentContext();
  if (!context)
    throw new KubeError(
      t`The kubeconfig (${present.join(', ')}) has no current context. Choose one with ${commandInText(useContext)} \
or pass --context.`,
    );
  const ctx = kc.getContextObject(context);
  if (!ctx) {
    const names = kc.getContexts().map((c) => c.name);
    throw new KubeError(
      names.length
        ? t`The kubeconfig has no context named '${context}' (it has: ${names.join(', ')}). Pass one of those, \
or add it with ${commandInText(updateKubeconfig)}.`
        : t`The kubeconfig has no context named '${context}'; it has none. Add one with ${commandInText(updateKubeconfig)}.`,
    );
  }
  kc.setCurrentContext(context);
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster?.server)
    throw new KubeError(
      t`Context '${context}' names cluster '${ctx.cluster}', which the kubeconfig does not define. \
Regenerate it with ${commandInText(updateKubeconfig)}.`,
    );
  return { kc, files: present, context, server: cluster.server };
}

/** @kubernetes/client-node's error (ApiException, fetch's FetchError, a TLS error...) as data. */
export function toKubeFailure(e: unknown): KubeFailure {
  if (e instanceof ApiException) return { status: e.code, body: e.body as unknown, message: e.message };
  // Our own plain requests (rest.ts) carry the same two things under other names.
  const http = e as { statusCode?: unknown; body?: unknown; message?: unknown };
  if (typeof http.statusCode === 'number')
    return {
      status: http.statusCode,
      body: http.body,
      message: typeof http.message === 'string' ? http.message : `HTTP ${http.statusCode}`,
    };
  const err = e as { code?: unknown; errno?: unknown; message?: unknown; cause?: { code?: unknown } };
  const code =
    typeof err.code === 'string' ? err.code : typeof err.cause?.code === 'string' ? err.cause.code : undefined;
  return { ...(code ? { errno: code } : {}), message: typeof err.message === 'string' ? err.message : String(e) };
}

/** Runs one API call; a failure becomes a KubeError that says what was being done, where. */
export async function kubeCall<T>(
  loaded: Pick<LoadedKube, 'server' | 'context'>,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof KubeError) throw e;
    const failure = toKubeFailure(e);
    const action: KubeAction = { what, server: loaded.server, context: loaded.context };
    throw new KubeError(describeKubeFailure(failure, action), failure);
  }
}
