// The distributed load test in the lab cluster: apply the engines, the plan and the controller Job
// (core/loadtest/jmeterCluster.ts decides them) with the extension's server-side apply, then wait
// for the controller's pod and follow its log, whose CSV lines are the merged .jtl: they go into a
// local .jtl, which the live view follows as it follows a local JMeter's. Stopping deletes the Job
// and the engines' pods (the StatefulSet starts fresh ones), which ends the load.
import { Log } from '@kubernetes/client-node';
import { appendFileSync, existsSync, unlinkSync } from 'node:fs';
import { Writable } from 'node:stream';
import {
  controllerJobName,
  ENGINES_NAME,
  jmeterClusterObjects,
  type JmeterClusterSpec,
} from '../../core/loadtest/jmeterCluster';
import { controllerOutputReader } from '../../core/loadtest/jmeterDistributed';
import { applyManifests, describeOutcome, type ApplyProgress, type ApplyResult } from '../kube/apply';
import { kubeCall, type LoadedKube } from '../kube/config';
import { kubeRest } from '../kube/rest';
import { sleep } from '../process/sleep';
import { t } from '../../core/text/l10n';

/** Applies every object of the run; throws with the apply's own sentences when the server refused one. */
export async function applyJmeterCluster(
  loaded: LoadedKube,
  spec: JmeterClusterSpec,
  onProgress?: (p: ApplyProgress) => void,
): Promise<ApplyResult> {
  const result = await applyManifests(loaded, jmeterClusterObjects(spec), onProgress ? { onProgress } : {});
  if (result.problems.length)
    throw new Error(
      [
        ...describeOutcome(result),
        ...result.problems.map((p) => `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}: ${p.message}`),
      ].join('\n'),
    );
  return result;
}

interface PodList {
  items: {
    metadata: { name: string };
    status?: {
      phase?: string;
      containerStatuses?: { state?: { waiting?: { reason?: string; message?: string } } }[];
    };
  }[];
}

/** A container that will not start by itself: the image cannot be pulled, or its settings are wrong. */
const STUCK = /ErrImagePull|ImagePullBackOff|InvalidImageName|CreateContainerConfigError|CreateContainerError/;

/** Waits for the controller Job's pod to run (or end); its name, or an error saying why it does not start. */
export async function waitForControllerPod(
  loaded: LoadedKube,
  namespace: string,
  runId: string,
  opts: { signal?: AbortSignal; timeoutMs?: number; onStatus?: (s: string) => void } = {},
): Promise<string> {
  const job = controllerJobName(runId);
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?labelSelector=${encodeURIComponent(`batch.kubernetes.io/job-name=${job}`)}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 10 * 60_000);
  for (;;) {
    const pods = await kubeCall(loaded, t`list the pods of Job ${namespace}/${job}`, () =>
      kubeRest<PodList>(loaded, path),
    );
    const pod = pods.items[0];
    if (pod) {
      const phase = pod.status?.phase ?? 'Pending';
      const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
      if (waiting?.reason && STUCK.test(waiting.reason))
        throw new Error(
          waiting.message
            ? t`the controller pod ${namespace}/${pod.metadata.name} cannot start: ${waiting.reason} (${waiting.message})`
            : t`the controller pod ${namespace}/${pod.metadata.name} cannot start: ${waiting.reason}`,
        );
      opts.onStatus?.(t`controller pod ${pod.metadata.name}: ${phase}`);
      if (phase !== 'Pending') return pod.metadata.name;
    } else opts.onStatus?.(t`waiting for Job ${namespace}/${job} to create its pod`);
    if (Date.now() > deadline)
      throw new Error(
        t`the controller pod of Job ${namespace}/${job} did not start within ${Math.round((opts.timeoutMs ?? 600_000) / 60_000)} min`,
      );
    await sleep(2000, opts.signal);
  }
}

/**
 * Follows the controller pod's log until the container ends: CSV lines (the .jtl's samples, after
 * JMeter's default header) are appended to `jtl`, every other line goes to `onLine`. A .jtl left by an earlier run
 * is removed first.
 */
export async function followControllerLog(
  loaded: LoadedKube,
  namespace: string,
  pod: string,
  jtl: string,
  opts: { signal?: AbortSignal; onLine?: (line: string) => void } = {},
): Promise<void> {
  if (existsSync(jtl)) unlinkSync(jtl);
  let rest = '';
  const reader = controllerOutputReader();
  const take = (line: string): void => {
    const { jtl: rows, console } = reader.take(line);
    if (rows.length) appendFileSync(jtl, `${rows.join('\n')}\n`);
    if (console !== undefined) opts.onLine?.(console);
  };
  await new Promise<void>((resolve, reject) => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        const lines = (rest + chunk.toString('utf8')).split(/\r?\n/);
        rest = lines.pop() ?? '';
        for (const l of lines) take(l);
        done();
      },
      final(done) {
        if (rest) take(rest);
        rest = '';
        done();
      },
    });
    sink.on('finish', resolve);
    new Log(loaded.kc)
      .log(namespace, pod, 'jmeter-controller', sink, { follow: true })
      .then((ctl) => opts.signal?.addEventListener('abort', () => ctl.abort(), { once: true }), reject);
    opts.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}

interface JobStatus {
  status?: { succeeded?: number; failed?: number; conditions?: { type: string; status: string; message?: string }[] };
}

/** Whether the controller Job succeeded, and if not, the reason Kubernetes gives. */
export async function controllerOutcome(
  loaded: LoadedKube,
  namespace: string,
  runId: string,
  waitMs = 30_000,
): Promise<{ succeeded: boolean; message?: string }> {
  const job = controllerJobName(runId);
  const path = `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/jobs/${encodeURIComponent(job)}`;
  // The pod has ended; the Job controller marks the Job a moment later.
  const deadline = Date.now() + waitMs;
  for (;;) {
    const j = await kubeCall(loaded, t`read Job ${namespace}/${job}`, () => kubeRest<JobStatus>(loaded, path));
    if (j.status?.succeeded) return { succeeded: true };
    const failed = j.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
    if (failed) return { succeeded: false, ...(failed.message ? { message: failed.message } : {}) };
    if (Date.now() > deadline) return { succeeded: false, message: t`it has not finished` };
    await sleep(1000);
  }
}

/** Ends a run early: the controller Job goes, and the engines' pods are replaced by idle ones. */
export async function stopClusterRun(loaded: LoadedKube, namespace: string, runId: string): Promise<void> {
  const ns = encodeURIComponent(namespace);
  const background = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' };
  await kubeRest(loaded, `/apis/batch/v1/namespaces/${ns}/jobs/${encodeURIComponent(controllerJobName(runId))}`, {
    method: 'DELETE',
    body: background,
  }).catch(() => undefined);
  const selector = encodeURIComponent(`app.kubernetes.io/component=${ENGINES_NAME}`);
  await kubeRest(loaded, `/api/v1/namespaces/${ns}/pods?labelSelector=${selector}`, {
    method: 'DELETE',
    body: background,
  }).catch(() => undefined);
}
