// Reads a Helm release's Prometheus objects (monitoring.coreos.com/v1) and what their pods depend
// on, and waits, bounded, for prometheus-operator to report on them: helm's --wait does not cover
// the operator's StatefulSet, so the Helm step asks the operator's own status afterwards. What the
// status means is decided in src/core/kube/prometheusStatus.ts.
import {
  prometheusSettled,
  prometheusVerdict,
  type OperatorCondition,
  type PrometheusReading,
  type PrometheusVerdict,
} from '../../core/kube/prometheusStatus';
import { sleep } from '../process/sleep';
import { KubeError, kubeCall, type LoadedKube } from './config';
import { KubeHttpError, kubeRest } from './rest';
import { t } from '../../core/text/l10n';

interface PrometheusCr {
  metadata?: { name?: string; namespace?: string; generation?: number };
  spec?: { serviceAccountName?: string; replicas?: number; shards?: number };
  status?: { availableReplicas?: number; conditions?: OperatorCondition[] };
}

interface EventList {
  items?: {
    involvedObject?: { name?: string };
    message?: string;
    lastTimestamp?: string | null;
    eventTime?: string | null;
  }[];
}

const seg = encodeURIComponent;

async function serviceAccountExists(k: LoadedKube, ns: string, name: string): Promise<boolean | undefined> {
  try {
    await kubeRest(k, `/api/v1/namespaces/${seg(ns)}/serviceaccounts/${seg(name)}`, { timeoutMs: 10_000 });
    return true;
  } catch (e) {
    return e instanceof KubeHttpError && e.statusCode === 404 ? false : undefined;
  }
}

/** The warning events of the operator's StatefulSets for `prometheus` (prometheus-<name>, its shards too), oldest first. */
async function statefulSetWarnings(k: LoadedKube, ns: string, prometheus: string): Promise<string[]> {
  const fields = 'involvedObject.kind=StatefulSet,type=Warning';
  const list = await kubeRest<EventList>(k, `/api/v1/namespaces/${seg(ns)}/events?fieldSelector=${seg(fields)}`, {
    timeoutMs: 10_000,
  }).catch(() => ({ items: [] }) as EventList);
  const sts = `prometheus-${prometheus}`;
  const when = (e: NonNullable<EventList['items']>[number]): string => e.lastTimestamp ?? e.eventTime ?? '';
  const messages = (list.items ?? [])
    .filter((e) => e.involvedObject?.name === sts || e.involvedObject?.name?.startsWith(`${sts}-shard-`))
    .sort((a, b) => when(a).localeCompare(when(b)))
    .map((e) => e.message?.trim() ?? '')
    .filter((m) => m);
  return [...new Set(messages)];
}

/** The release's Prometheus objects (labelled release=<release> by kube-prometheus-stack) with what their pods need. */
export async function readPrometheuses(
  k: LoadedKube,
  namespace: string,
  release: string,
): Promise<PrometheusReading[]> {
  const list = await kubeCall(k, t`read the Prometheus objects in namespace ${namespace}`, () =>
    kubeRest<{ items?: PrometheusCr[] }>(
      k,
      `/apis/monitoring.coreos.com/v1/namespaces/${seg(namespace)}/prometheuses?labelSelector=${seg(`release=${release}`)}`,
      { timeoutMs: 10_000 },
    ),
  );
  const readings: PrometheusReading[] = [];
  for (const p of list.items ?? []) {
    const name = p.metadata?.name ?? '';
    const sa = p.spec?.serviceAccountName || 'default';
    const exists = await serviceAccountExists(k, namespace, sa);
    readings.push({
      namespace,
      name,
      ...(p.metadata?.generation !== undefined ? { generation: p.metadata.generation } : {}),
      serviceAccountName: sa,
      ...(exists !== undefined ? { serviceAccountExists: exists } : {}),
      expectedPods: (p.spec?.replicas ?? 1) * (p.spec?.shards ?? 1),
      ...(p.status?.availableReplicas !== undefined ? { availablePods: p.status.availableReplicas } : {}),
      conditions: p.status?.conditions ?? [],
      statefulSetWarnings: await statefulSetWarnings(k, namespace, name),
    });
  }
  return readings;
}

export interface PrometheusWaitOptions {
  /** How long to wait for the operator to settle (default 60 s). */
  timeoutMs?: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** Each reading while waiting, for progress. */
  onReading?: (readings: PrometheusReading[], elapsedMs: number) => void;
}

export interface PrometheusReport {
  name: string;
  verdict: PrometheusVerdict;
}

/**
 * Waits until the operator has said something final about each of the release's Prometheus
 * objects (available, or a cause waiting cannot change), or `timeoutMs`, and returns each verdict.
 * Empty when the release has no Prometheus object (prometheus.enabled: false, or the CRD is absent).
 */
export async function waitForPrometheuses(
  k: LoadedKube,
  namespace: string,
  release: string,
  opts: PrometheusWaitOptions = {},
): Promise<PrometheusReport[]> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const started = Date.now();
  let readings: PrometheusReading[] = [];
  for (;;) {
    try {
      readings = await readPrometheuses(k, namespace, release);
    } catch (e) {
      // No Prometheus CRD: the release has no Prometheus to report on.
      if (e instanceof KubeError && e.failure?.status === 404) return [];
      throw e;
    }
    const elapsed = Date.now() - started;
    opts.onReading?.(readings, elapsed);
    if (readings.every(prometheusSettled) || elapsed >= timeoutMs || opts.signal?.aborted) break;
    await sleep(Math.min(opts.intervalMs ?? 2_000, timeoutMs - elapsed), opts.signal);
  }
  const waitedSeconds = Math.round((Date.now() - started) / 1000);
  return readings.map((r) => ({ name: r.name, verdict: prometheusVerdict(r, { waitedSeconds }) }));
}
