// When is a Deployment's rollout done, and when is it stuck? kubectl's `rollout status` answers
// the first (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go); the second comes from the
// pods: a waiting reason that will not fix itself, or a pod the scheduler cannot place.

import { commandInText } from '../shellQuote';
import { describeNodes } from './commands';
/** The fields of apps/v1 Deployment we read; client-node's V1Deployment fits. */
export interface DeploymentLike {
  metadata?: { name?: string; namespace?: string; generation?: number };
  spec?: { replicas?: number; selector?: LabelSelectorLike };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
  };
}

export { labelSelectorString as selectorString, type LabelSelectorLike } from './selectors';
import type { LabelSelectorLike } from './selectors';
import { t } from '../text/l10n';

/** The fields of v1 Pod we read; client-node's V1Pod fits. */
export interface PodLike {
  metadata?: { name?: string; deletionTimestamp?: unknown };
  spec?: { containers?: { name: string }[] };
  status?: {
    phase?: string;
    conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatusLike[];
    initContainerStatuses?: ContainerStatusLike[];
  };
}

interface ContainerStatusLike {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    terminated?: { reason?: string; exitCode?: number; message?: string };
  };
}

export interface RolloutCounts {
  desired: number;
  updated: number;
  ready: number;
  available: number;
}

export interface RolloutStatus extends RolloutCounts {
  state: 'progressing' | 'complete' | 'failed';
  /** kubectl's words: "Waiting for deployment "x" rollout to finish: 1 of 2 updated replicas are available...". */
  message: string;
}

/** `kubectl rollout status` for one Deployment, from its current state. */
export function rolloutStatus(d: DeploymentLike): RolloutStatus {
  const name = d.metadata?.name ?? '?';
  const st = d.status ?? {};
  const counts: RolloutCounts = {
    desired: d.spec?.replicas ?? 1,
    updated: st.updatedReplicas ?? 0,
    ready: st.readyReplicas ?? 0,
    available: st.availableReplicas ?? 0,
  };
  const progressing = (status: string): RolloutStatus => ({
    ...counts,
    state: 'progressing',
    message: t`Waiting for deployment "${name}" rollout to finish: ${status}`,
  });
  if ((d.metadata?.generation ?? 0) > (st.observedGeneration ?? -1))
    return { ...counts, state: 'progressing', message: t`Waiting for deployment spec update to be observed...` };
  const cond = st.conditions?.find((c) => c.type === 'Progressing');
  if (cond?.reason === 'ProgressDeadlineExceeded')
    return {
      ...counts,
      state: 'failed',
      message: cond.message
        ? t`deployment "${name}" exceeded its progress deadline (${cond.message})`
        : t`deployment "${name}" exceeded its progress deadline`,
    };
  if (d.spec?.replicas !== undefined && counts.updated < d.spec.replicas)
    return progressing(t`${counts.updated} out of ${d.spec.replicas} new replicas have been updated...`);
  const total = st.replicas ?? 0;
  if (total > counts.updated) return progressing(t`${total - counts.updated} old replicas are pending termination...`);
  if (counts.available < counts.updated)
    return progressing(t`${counts.available} of ${counts.updated} updated replicas are available...`);
  return { ...counts, state: 'complete', message: t`deployment "${name}" successfully rolled out` };
}

/** "ready 1/2, updated 2/2, available 1/2". */
export function formatCounts(c: RolloutCounts): string {
  return t`ready ${c.ready}/${c.desired}, updated ${c.updated}/${c.desired}, available ${c.available}/${c.desired}`;
}

/** Waiting reasons that do not resolve by waiting: the image, the command or the config is wrong. */
export const stuckReasons = [
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
] as const;

export interface PodProblem {
  pod: string;
  container?: string;
  reason: string;
  message: string;
}

/** What keeps a pod from becoming ready, if it is one of the known dead ends. */
export function podProblems(pod: PodLike): PodProblem[] {
  const name = pod.metadata?.name ?? '?';
  if (pod.metadata?.deletionTimestamp) return [];
  const out: PodProblem[] = [];
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable')
    out.push({ pod: name, reason: 'Unschedulable', message: scheduled.message ?? t`no node fits the pod` });
  for (const cs of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = cs.state?.waiting;
    if (waiting?.reason && (stuckReasons as readonly string[]).includes(waiting.reason)) {
      out.push({ pod: name, container: cs.name, reason: waiting.reason, message: waiting.message ?? '' });
    }
  }
  return out;
}

/** The next step for each dead end. */
export function adviceFor(reason: string): string {
  switch (reason) {
    case 'ImagePullBackOff':
    case 'ErrImagePull':
    case 'InvalidImageName':
      return t`check the image name and tag, that it was pushed, and that the cluster can pull from its \
registry (imagePullSecrets, or ECR permissions on the node role)`;
    case 'CrashLoopBackOff':
    case 'RunContainerError':
      return t`the container starts and exits: read its log lines below, fix the app or its command, and apply again`;
    case 'CreateContainerConfigError':
    case 'CreateContainerError':
      return t`a ConfigMap, Secret or key the pod references is missing: apply it first, or fix the reference`;
    case 'Unschedulable':
      return t`no node satisfies the pod: check nodeSelector, affinity, tolerations and resource requests \
against your nodes (${commandInText(describeNodes)})`;
    default:
      return t`see the pod's events below`;
  }
}

/**
 * Remembers since when each pod problem has been seen, so a failure is declared only when it
 * lasts: ErrImagePull and a first FailedScheduling can clear on their own.
 */
export class StuckTracker {
  private readonly since = new Map<string, number>();

  constructor(private readonly graceMs: number) {}

  /** Records the problems seen now; returns those that have lasted at least the grace period. */
  update(problems: readonly PodProblem[], now: number): PodProblem[] {
    const seen = new Set<string>();
    const lasting: PodProblem[] = [];
    for (const p of problems) {
      const key = `${p.pod}/${p.container ?? ''}/${p.reason === 'ErrImagePull' ? 'ImagePullBackOff' : p.reason}`;
      seen.add(key);
      const first = this.since.get(key) ?? now;
      this.since.set(key, first);
      if (now - first >= this.graceMs) lasting.push(p);
    }
    for (const k of [...this.since.keys()]) if (!seen.has(k)) this.since.delete(k);
    return lasting;
  }
}
