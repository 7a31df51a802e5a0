// Whether the Prometheus the Helm step installed really came up. Helm's --wait covers only the
// release's own objects, and prometheus-operator's StatefulSet is none of them: with prometheus-sa
// missing, helm reports success and Prometheus never starts. The operator (0.93.1,
// pkg/prometheus/operator.go StatusReporter.Process) writes status.conditions Available and
// Reconciled on the Prometheus object; with no pod at all (the ServiceAccount missing: the API
// server refuses every pod) Available is False, reason NoPodReady, with an empty message, so the
// cause is read beside it: the ServiceAccount itself and the StatefulSet's warning events. Pure:
// src/node/kube/prometheusStatus.ts reads the objects.
import { blank, commandInText, type Command } from '../shellQuote';
import { describePod, getPods } from './commands';
import { t } from '../text/l10n';

/** One entry of status.conditions as the operator writes it. */
export interface OperatorCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

/** A Prometheus object of the release and what its pods depend on, as read from the cluster. */
export interface PrometheusReading {
  namespace: string;
  name: string;
  /** metadata.generation: conditions observed for an older one are stale. */
  generation?: number;
  /** spec.serviceAccountName ("default" when unset). */
  serviceAccountName: string;
  /** Whether that ServiceAccount exists in the namespace (undefined when it could not be read). */
  serviceAccountExists?: boolean;
  /** spec.replicas × shards: the pods the operator waits for. */
  expectedPods: number;
  /** status.availableReplicas. */
  availablePods?: number;
  conditions: OperatorCondition[];
  /** Warning events of the operator's StatefulSets (FailedCreate…), newest last. */
  statefulSetWarnings: string[];
}

export type PrometheusState = 'available' | 'degraded' | 'not-available' | 'not-reconciled' | 'no-status';

export interface PrometheusVerdict {
  state: PrometheusState;
  /** One message: what the operator says, why, and the next step. */
  message: string;
  /** The commands the message names, in its order. */
  commands: Command[];
  /** Set when the pods cannot be created because their ServiceAccount is missing. */
  missingServiceAccount?: string;
}

function condition(r: PrometheusReading, type: string): OperatorCondition | undefined {
  const c = r.conditions.find((x) => x.type === type);
  // A condition observed for an older spec says nothing about this one.
  if (c && r.generation !== undefined && c.observedGeneration !== undefined && c.observedGeneration < r.generation)
    return undefined;
  return c;
}

/** The operator's words for a condition: "Available=False (NoPodReady): message". */
function said(c: OperatorCondition): string {
  const message = c.message?.trim().replace(/\s*\n\s*/g, '; ');
  return `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${message ? `: ${message}` : ''}`;
}

/** Whether waiting longer could change the verdict: false once the operator has said something final. */
export function prometheusSettled(r: PrometheusReading): boolean {
  const reconciled = condition(r, 'Reconciled');
  const available = condition(r, 'Available');
  if (reconciled?.status === 'False') return true;
  if (!reconciled || !available) return false;
  if (available.status === 'True') return true;
  // No pod can be made until someone creates the ServiceAccount: waiting changes nothing.
  return r.serviceAccountExists === false;
}

/** What the operator's status says about one Prometheus, as a sentence with the next step. */
export function prometheusVerdict(r: PrometheusReading, opts: { waitedSeconds?: number } = {}): PrometheusVerdict {
  const commands: Command[] = [];
  const cmd = (c: Command): string => {
    commands.push(c);
    return commandInText(c);
  };
  const what = t`Prometheus ${r.name} (namespace ${r.namespace})`;
  const pods = (): string =>
    t`look at its pods with ${cmd(getPods(r.namespace, `prometheus=${r.name}`))} and ${cmd(describePod)}.`;
  const reconciled = condition(r, 'Reconciled');
  const available = condition(r, 'Available');
  const v = (state: PrometheusState, message: string, extra: Partial<PrometheusVerdict> = {}): PrometheusVerdict => ({
    state,
    message,
    commands,
    ...extra,
  });

  if (reconciled?.status === 'False')
    return v(
      'not-reconciled',
      t`prometheus-operator could not reconcile ${what}: ${said(reconciled)}. Fix what it names in the \
values file (prometheus.prometheusSpec) and run the Helm step again.`,
    );
  if (!reconciled || !available) {
    const waited = opts.waitedSeconds !== undefined ? ` ${t`after ${opts.waitedSeconds} s`}` : '';
    return v(
      'no-status',
      t`prometheus-operator has not reported on ${what}${waited} (no Reconciled and Available conditions \
for its current spec). Is the operator running? See ${cmd(getPods(r.namespace, 'app=kube-prometheus-stack-operator'))}.`,
    );
  }
  if (available.status === 'True') {
    const count =
      r.availablePods !== undefined ? t`${r.availablePods} of ${r.expectedPods} pod(s) ready` : t`its pods ready`;
    return v('available', t`${what} is available: the operator reports ${count} (${said(available)}).`);
  }
  const operator = t`the operator says ${said(available)}`;
  const lastWarning = r.statefulSetWarnings[r.statefulSetWarnings.length - 1];
  if (r.serviceAccountExists === false) {
    const sa = r.serviceAccountName;
    const event =
      r.statefulSetWarnings.find((w) => w.includes(`serviceaccount "${sa}" not found`)) ?? lastWarning ?? '';
    const eventNote = event ? ` ${t`(the StatefulSet's event: ${event})`}` : '';
    return v(
      'not-available',
      t`${what} is reconciled but not available: ${operator}. Its StatefulSet cannot create a single pod: \
the ServiceAccount ${sa} does not exist in namespace ${r.namespace}${eventNote}. Helm reported success because the \
operator's StatefulSet is not part of the release, so --wait does not cover it. Create ${sa} as \
Task 1 does (Observability Lab: Create IRSA Role, or ${cmd(taskOneCommand(sa, r.namespace))}); \
the StatefulSet then creates the pods by itself, with no new Helm step.`,
      { missingServiceAccount: sa },
    );
  }
  const warning = lastWarning ? ` ${t`(the StatefulSet's last warning: ${lastWarning})`}` : '';
  return v(
    available.status === 'Degraded' ? 'degraded' : 'not-available',
    available.status === 'Degraded'
      ? t`${what} is reconciled but not fully available: ${operator}${warning}. Pods still pulling their \
images become ready by themselves; otherwise: ${pods()}`
      : t`${what} is reconciled but not available: ${operator}${warning}. Pods still pulling their \
images become ready by themselves; otherwise: ${pods()}`,
  );
}

/** Task 1's eksctl command (src/core/iam/commands.ts createIamServiceAccount), what only the student knows left blank. */
function taskOneCommand(serviceAccount: string, namespace: string): Command {
  return [
    'eksctl',
    'create',
    'iamserviceaccount',
    '--name',
    serviceAccount,
    '--namespace',
    namespace,
    '--cluster',
    blank('cluster'),
    '--region',
    blank('region'),
    '--role-name',
    blank('role'),
    '--attach-policy-arn',
    blank('policy-arn'),
    '--override-existing-serviceaccounts',
    '--approve',
  ];
}

/** The operator's conditions in a few words, for progress: "Reconciled=True, Available=False (NoPodReady)". */
export function readingSummary(r: PrometheusReading): string {
  const parts = ['Reconciled', 'Available'].flatMap((type) => {
    const c = condition(r, type);
    return c ? [`${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`] : [];
  });
  return parts.length ? parts.join(', ') : t`no status yet`;
}
