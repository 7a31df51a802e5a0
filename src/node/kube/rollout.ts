// Waits for Deployments to finish rolling out, as `kubectl rollout status` does, and when one
// cannot, says why from its pods: their dead-end states, their events and their last log lines.
//
// Polling, not a watch: each step needs the Deployment, its pods and their events together, a
// watch per kind would triple the connections and need resourceVersion/410 handling on every
// reconnect, and the lab has two Deployments, so one read of each per second is cheap and
// robust across dropped connections and proxies.
import {
  AppsV1Api,
  CoreV1Api,
  type ConfigurationOptions,
  type CoreV1Event,
  type V1Deployment,
  type V1Pod,
} from '@kubernetes/client-node';
import {
  adviceFor,
  formatCounts,
  podProblems,
  rolloutStatus,
  selectorString,
  StuckTracker,
  type PodProblem,
  type RolloutStatus,
} from '../../core/kube/rollout';
import { parseStatus } from '../../core/kube/errors';
import { kubeCall, toKubeFailure, type LoadedKube } from './config';
import { sleep } from '../process/sleep';
import { abortWith } from './requestSignal';
import { t } from '../../core/text/l10n';

export interface RolloutTarget {
  namespace: string;
  name: string;
}

export interface PodEvent {
  pod: string;
  type: string;
  reason: string;
  message: string;
  count: number;
}

export interface PodLogs {
  pod: string;
  container: string;
  /** The last lines, when the log could be read. */
  lines?: string[];
  /** Why not, otherwise. */
  unavailable?: string;
}

export interface RolloutOutcome {
  target: RolloutTarget;
  state: 'complete' | 'failed' | 'timeout' | 'cancelled';
  /** One sentence for the student, with the next step when it failed. */
  message: string;
  status?: RolloutStatus;
  problems: PodProblem[];
  events: PodEvent[];
  logs: PodLogs[];
}

export interface RolloutOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (target: RolloutTarget, status: RolloutStatus) => void;
  /** Between reads; default 1 s. */
  pollMs?: number;
  /** How long a pod dead end must last before the rollout is called failed; default 10 s. */
  stuckMs?: number;
  /** Log lines to show per container on failure; default 20. */
  logLines?: number;
}

/** How long past the deadline a read may still take: the time-out's own explanation reads events and logs. */
const READ_GRACE_MS = 10_000;

const ref = (t: RolloutTarget): string => `Deployment ${t.namespace}/${t.name}`;

/** Watches every target at once, sharing one deadline; resolves when each has an outcome. */
export function watchRollouts(
  loaded: LoadedKube,
  targets: readonly RolloutTarget[],
  opts: RolloutOptions = {},
): Promise<RolloutOutcome[]> {
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  return Promise.all(targets.map((t) => watchOne(loaded, t, opts, deadline)));
}

export function watchRollout(
  loaded: LoadedKube,
  target: RolloutTarget,
  opts: RolloutOptions = {},
): Promise<RolloutOutcome> {
  return watchOne(loaded, target, opts, Date.now() + (opts.timeoutMs ?? 180_000));
}

async function watchOne(
  loaded: LoadedKube,
  target: RolloutTarget,
  opts: RolloutOptions,
  deadline: number,
): Promise<RolloutOutcome> {
  const apps = loaded.kc.makeApiClient(AppsV1Api);
  const core = loaded.kc.makeApiClient(CoreV1Api);
  const tracker = new StuckTracker(opts.stuckMs ?? 10_000);
  const outcome = (state: RolloutOutcome['state'], message: string, status?: RolloutStatus): RolloutOutcome => ({
    target,
    state,
    message,
    ...(status ? { status } : {}),
    problems: [],
    events: [],
    logs: [],
  });
  let last: RolloutStatus | undefined;
  let pods: V1Pod[] = [];
  const cancelled = (): RolloutOutcome =>
    outcome(
      'cancelled',
      t`Stopped watching ${ref(target)} (${last ? formatCounts(last) : t`no status yet`}); the rollout goes on in the cluster.`,
      last,
    );
  // Every read ends on Cancel or shortly after the deadline, even one the server never answers.
  // A controller and a timer of our own: Node 20 may collect an AbortSignal.timeout() that only
  // AbortSignal.any() refers to, and then the deadline never fires.
  const giveUp = new AbortController();
  const stop = (): void => giveUp.abort();
  const timer = setTimeout(stop, Math.max(0, deadline - Date.now()) + READ_GRACE_MS);
  opts.signal?.addEventListener('abort', stop, { once: true });
  const within = abortWith(giveUp.signal);
  try {
    return await poll();
  } catch (e) {
    if (opts.signal?.aborted) return cancelled();
    if (!giveUp.signal.aborted) throw e;
    return outcome(
      'timeout',
      t`${ref(target)} did not finish rolling out in time (${last ? formatCounts(last) : t`no status yet`}): the \
cluster at ${loaded.server} stopped answering. Check the connection to it, then apply again to go on watching.`,
      last,
    );
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', stop);
  }

  async function poll(): Promise<RolloutOutcome> {
    for (;;) {
      if (opts.signal?.aborted) return cancelled();
      const d: V1Deployment = await kubeCall(loaded, t`read ${ref(target)}`, () =>
        apps.readNamespacedDeployment({ name: target.name, namespace: target.namespace }, within),
      );
      const status = rolloutStatus(d);
      last = status;
      opts.onProgress?.(target, status);
      if (status.state === 'complete')
        return outcome('complete', t`${ref(target)} rolled out: ${formatCounts(status)}.`, status);
      const selector = selectorString(d.spec?.selector);
      pods = selector
        ? (
            await kubeCall(loaded, t`list the pods of ${ref(target)}`, () =>
              core.listNamespacedPod({ namespace: target.namespace, labelSelector: selector }, within),
            )
          ).items
        : [];
      if (status.state === 'failed')
        return explain(
          core,
          outcome(
            'failed',
            t`${ref(target)}: ${status.message}. ${formatCounts(status)}. Look at the pods' events below, \
fix the cause and apply again.`,
            status,
          ),
          pods,
          opts,
          within,
        );
      const lasting = tracker.update(
        pods.flatMap((p) => podProblems(p)),
        Date.now(),
      );
      const first = lasting[0];
      if (first) {
        const pod = first.container ? t`pod ${first.pod} (container ${first.container})` : t`pod ${first.pod}`;
        const why = first.message ? `${first.reason}: ${first.message.replace(/\.+$/, '')}` : first.reason;
        const result = outcome(
          'failed',
          t`${ref(target)} is stuck: ${pod} is ${why}. Next: ${adviceFor(first.reason)}.`,
          status,
        );
        result.problems = lasting;
        return explain(core, result, pods, opts, within);
      }
      if (Date.now() >= deadline) {
        return explain(
          core,
          outcome(
            'timeout',
            t`${ref(target)} did not finish rolling out in time (${formatCounts(status)}): ${status.message} Look \
at the pods' events below; raise obslab.rolloutTimeoutSeconds if the cluster is just slow.`,
            status,
          ),
          pods,
          opts,
          within,
        );
      }
      await sleep(Math.min(opts.pollMs ?? 1000, Math.max(0, deadline - Date.now())), opts.signal);
    }
  }
}

const notReady = (p: V1Pod): boolean => !p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/** Adds the events and last log lines of the pods that are not ready (at most three pods). */
async function explain(
  core: CoreV1Api,
  result: RolloutOutcome,
  pods: V1Pod[],
  opts: RolloutOptions,
  within: ConfigurationOptions,
): Promise<RolloutOutcome> {
  const troubled = [
    ...new Set([...result.problems.map((p) => p.pod), ...pods.filter(notReady).map((p) => p.metadata?.name ?? '')]),
  ]
    .filter(Boolean)
    .slice(0, 3);
  for (const name of troubled) {
    try {
      const list = await core.listNamespacedEvent(
        {
          namespace: result.target.namespace,
          fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${name}`,
        },
        within,
      );
      result.events.push(
        ...list.items.map((e: CoreV1Event) => ({
          pod: name,
          type: e.type ?? '',
          reason: e.reason ?? '',
          message: e.message ?? '',
          count: e.count ?? e.series?.count ?? 1,
        })),
      );
    } catch {
      // Events are a help, not the answer: without them the message still stands.
    }
    const pod = pods.find((p) => p.metadata?.name === name);
    for (const c of pod?.spec?.containers ?? [])
      result.logs.push(await lastLogLines(core, result.target.namespace, name, c.name, opts.logLines ?? 20, within));
  }
  return result;
}

async function lastLogLines(
  core: CoreV1Api,
  namespace: string,
  pod: string,
  container: string,
  tailLines: number,
  within: ConfigurationOptions,
): Promise<PodLogs> {
  try {
    const text = await core.readNamespacedPodLog({ name: pod, namespace, container, tailLines }, within);
    return { pod, container, lines: text.split('\n').filter((l, i, all) => l.length > 0 || i < all.length - 1) };
  } catch (e) {
    const f = toKubeFailure(e);
    // A pod that never started has no log, and the kubelet (or kwok) may not serve logs at all;
    // client-node then fails to parse the plain-text refusal, so its own words are no help.
    if (f.status === undefined)
      return {
        pod,
        container,
        unavailable: f.errno ? f.message : t`the container has not started, or its node does not serve logs`,
      };
    const said = parseStatus(f.body)?.message ?? f.message;
    return { pod, container, unavailable: `${f.status}: ${said.split('\n')[0] ?? said}` };
  }
}

/** The outcome as lines for an output channel or a terminal. */
export function describeRollout(o: RolloutOutcome): string[] {
  const lines = [o.message];
  for (const e of o.events)
    lines.push(`  ${t`event ${e.pod}: ${e.type} ${e.reason}: ${e.message}${e.count > 1 ? ` (×${e.count})` : ''}`}`);
  for (const l of o.logs) {
    if (l.lines) {
      const where = `${l.pod}/${l.container}`;
      lines.push(`  ${l.lines.length ? t`last log lines of ${where}:` : t`last log lines of ${where}: (empty)`}`);
      for (const line of l.lines) lines.push(`    ${line}`);
    } else {
      lines.push(`  ${t`log of ${l.pod}/${l.container} not available (${l.unavailable ?? t`unknown`})`}`);
    }
  }
  return lines;
}
