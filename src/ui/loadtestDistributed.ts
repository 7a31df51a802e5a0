// Run Load Test beyond this machine, with JMeter's own distributed mode: on remote JMeter servers
// the student lists (host:port, …), driven by the local JMeter as controller; or in the lab cluster
// as N jmeter-server pods and a controller Job, applied with the extension's server-side apply after
// the student has seen what will be created. Either way the merged .jtl lands in the usual file and
// feeds the same live view and summary. Clean Up removes the cluster's objects.
import * as vscode from 'vscode';
import {
  clusterSpecProblems,
  controllerJobName,
  DEFAULT_LOADTEST_NAMESPACE,
  describeClusterObjects,
  MAX_ENGINES,
  type JmeterClusterSpec,
} from '../core/loadtest/jmeterCluster';
import {
  callbackHostFor,
  controllerArgs,
  explainControllerLine,
  parseRemoteEngines,
  remoteEnginesArg,
  type RemoteEngine,
} from '../core/loadtest/jmeterDistributed';
import type { Progress } from '../core/loadtest/stats';
import { parseTarget } from '../core/loadtest/target';
import { defaultParams } from '../core/scaffold/params';
import { commandInText } from '../core/shellQuote';
import type { LoadedKube } from '../node/kube/config';
import { runJmeter } from '../node/loadtest/jmeter';
import { followJtl } from '../node/loadtest/jtlTail';
import type { Ctx } from './context';
import { findLabFolder, readLabManifestIn } from './labFolder';

export type Distribution =
  | { kind: 'remote'; engines: RemoteEngine[] }
  | { kind: 'cluster'; spec: JmeterClusterSpec; loaded: LoadedKube; target: string };

/** The engine picks JMeter's distributed mode adds to Run Load Test's engine question. */
export function distributedEngineChoices(launcher: string | undefined): {
  label: string;
  detail: string;
  where: Distribution['kind'];
}[] {
  return [
    ...(launcher
      ? [
          {
            label: vscode.l10n.t('JMeter on remote JMeter servers (host:port, …)'),
            detail: vscode.l10n.t(
              'This JMeter ({0}) as controller; each jmeter-server runs the whole plan and sends its samples back',
              launcher,
            ),
            where: 'remote' as const,
          },
        ]
      : []),
    {
      label: vscode.l10n.t('JMeter in the lab cluster (N jmeter-server pods)'),
      detail: vscode.l10n.t(
        'A StatefulSet of jmeter-server pods and a controller Job, shown before anything is created; Clean Up removes them',
      ),
      where: 'cluster' as const,
    },
  ];
}

async function appNamespace(ctx: Ctx): Promise<string> {
  const lab = await findLabFolder(ctx).catch(() => undefined);
  const manifest = lab ? await readLabManifestIn(ctx, lab).catch(() => undefined) : undefined;
  return manifest?.params.appNamespace ?? defaultParams.appNamespace;
}

function timestampId(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/**
 * Asks what the chosen distributed mode needs: the servers' list, or the pods, their namespace and
 * the target as the cluster reaches it. Undefined when the student cancels or has no cluster.
 */
export async function askDistribution(
  ctx: Ctx,
  where: Distribution['kind'],
  planXml: string,
  props: Record<string, string>,
): Promise<Distribution | undefined> {
  if (where === 'remote') {
    const text = await vscode.window.showInputBox({
      title: vscode.l10n.t('Run Load Test: remote JMeter servers'),
      prompt: [
        vscode.l10n.t('host:port of each jmeter-server, separated by commas (port {0} when left out)', 1099),
        vscode.l10n.t(
          "RMI as the servers' JMeter properties say (the same keystore, or {0} on both sides)",
          'server.rmi.ssl.disable=true',
        ),
      ].join('; '),
      placeHolder: '10.0.0.5:1099, 10.0.0.6:1099',
      validateInput: (v) => {
        const r = parseRemoteEngines(v);
        return typeof r === 'string' ? r : undefined;
      },
      ignoreFocusOut: true,
    });
    const engines = text === undefined ? undefined : parseRemoteEngines(text);
    return engines === undefined || typeof engines === 'string' ? undefined : { kind: 'remote', engines };
  }
  const count = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run Load Test: jmeter-server pods in the lab cluster ({0}/{1})', 1, 3),
    prompt: vscode.l10n.t('How many pods run the plan; each runs all its threads (1 to {0})', MAX_ENGINES),
    value: '2',
    validateInput: (v) => clusterSpecProblems({ namespace: 'x', engines: Number(v.trim()), runId: 'x' })[0],
    ignoreFocusOut: true,
  });
  if (count === undefined) return undefined;
  const namespace = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run Load Test: namespace for the load test ({0}/{1})', 2, 3),
    prompt: vscode.l10n.t('Created if missing; Clean Up deletes it when nothing else is in it'),
    value: DEFAULT_LOADTEST_NAMESPACE,
    validateInput: (v) => clusterSpecProblems({ namespace: v.trim(), engines: 1, runId: 'x' })[0],
    ignoreFocusOut: true,
  });
  if (namespace === undefined) return undefined;
  const target = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run Load Test: the target as the cluster reaches it ({0}/{1})', 3, 3),
    prompt: vscode.l10n.t("host:port the pods send to: the lab app's Service, not a port-forward on this machine"),
    value: `otel-flask.${await appNamespace(ctx)}.svc:80`,
    validateInput: (v) => {
      const t = parseTarget(v);
      return typeof t === 'string' ? t : undefined;
    },
    ignoreFocusOut: true,
  });
  const parsed = target === undefined ? undefined : parseTarget(target);
  if (!parsed || typeof parsed === 'string' || target === undefined) return undefined;
  const { loadKubeOrWait } = await import('./kube/kubeconfigWait');
  const loaded = await loadKubeOrWait(ctx).catch((e: unknown) => {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Observability Lab: {0}', e instanceof Error ? e.message : String(e)),
    );
    return undefined;
  });
  if (!loaded) return undefined;
  const spec: JmeterClusterSpec = {
    namespace: namespace.trim(),
    engines: Number(count.trim()),
    planXml,
    props: { ...props, SERVER: parsed.host, PORT: parsed.port },
    runId: timestampId(),
  };
  return { kind: 'cluster', spec, loaded, target: target.trim() };
}

/** The confirmation's lines for the distributed run: the engines, or every object the cluster gets. */
export function distributionDetail(d: Distribution, launcher: string | undefined): string[] {
  if (d.kind === 'remote')
    return [
      vscode.l10n.t(
        "Engine: JMeter's distributed mode, controller {0}, {1} remote server(s): {2}",
        launcher ?? 'jmeter',
        d.engines.length,
        remoteEnginesArg(d.engines),
      ),
    ];
  return [
    vscode.l10n.t(
      "Engine: JMeter's distributed mode in the cluster {0} ({1}), target {2}",
      d.loaded.context,
      d.loaded.server,
      d.target,
    ),
    vscode.l10n.t('Will create (server-side apply, field manager obslab; Clean Up removes it):'),
    ...describeClusterObjects(d.spec).map((l) => `  ${l}`),
  ];
}

export interface DistributedRunOptions {
  launcher: string | undefined;
  planFile: string;
  props: Record<string, string>;
  jtl: string;
  signal: AbortSignal;
  onProgress: (p: Progress) => void;
  onLine: (line: string) => void;
  onStatus: (message: string) => void;
}

/** Why JMeter's run is not 'completed': its exit code or signal (or an error), and where its log is. */
export function jmeterExited(codeOrSignal: number | string | null | undefined, log: string): string {
  return codeOrSignal === null || codeOrSignal === undefined
    ? vscode.l10n.t('JMeter exited with an error (its log: {0})', log)
    : vscode.l10n.t('JMeter exited with {0} (its log: {1})', codeOrSignal, log);
}

/** Runs the plan distributed and returns the outcome as the summary shows it ('completed', 'stopped' or why not). */
export async function runDistributed(d: Distribution, o: DistributedRunOptions): Promise<string> {
  if (d.kind === 'remote') {
    const log = o.jtl.replace(/\.jtl$/, '') + '.log';
    const callbackHost = callbackHostFor(d.engines);
    const explained = new Set<string>();
    o.onStatus(vscode.l10n.t('starting the JMeter controller…'));
    const run = await runJmeter(
      o.launcher ?? 'jmeter',
      controllerArgs({
        plan: o.planFile,
        jtl: o.jtl,
        log,
        engines: d.engines,
        props: o.props,
        controllerProps: o.props,
        rmi: { kind: 'jmeter-properties' },
        ...(callbackHost ? { callbackHost } : {}),
      }),
      {
        jtl: o.jtl,
        signal: o.signal,
        onProgress: o.onProgress,
        onLine: (l) => {
          o.onLine(l);
          const why = explainControllerLine(l);
          if (why && !explained.has(why)) {
            explained.add(why);
            o.onLine(`→ ${why}`);
            void vscode.window.showWarningMessage(vscode.l10n.t('Observability Lab: {0}', why));
          }
        },
      },
    );
    if (o.signal.aborted) return 'stopped';
    return run.code === 0 ? 'completed' : jmeterExited(run.code ?? run.signal, log);
  }
  const cluster = await import('../node/loadtest/jmeterCluster');
  const { spec, loaded } = d;
  o.onStatus(vscode.l10n.t("applying the load test's objects to {0}…", spec.namespace));
  await cluster.applyJmeterCluster(loaded, spec, (p) => o.onStatus(p.message));
  const stop = (): void => {
    void cluster.stopClusterRun(loaded, spec.namespace, spec.runId);
  };
  o.signal.addEventListener('abort', stop, { once: true });
  try {
    const pod = await cluster.waitForControllerPod(loaded, spec.namespace, spec.runId, {
      signal: o.signal,
      onStatus: o.onStatus,
    });
    if (o.signal.aborted) return 'stopped';
    o.onStatus(vscode.l10n.t('following {0}: the engines start, then the samples come', pod));
    const follower = followJtl(o.jtl, { startMs: Date.now(), onProgress: o.onProgress });
    try {
      await cluster.followControllerLog(loaded, spec.namespace, pod, o.jtl, { signal: o.signal, onLine: o.onLine });
    } finally {
      follower.stop();
    }
    if (o.signal.aborted) return 'stopped';
    const end = await cluster.controllerOutcome(loaded, spec.namespace, spec.runId);
    const logs = commandInText(['kubectl', 'logs', '-n', spec.namespace, `job/${controllerJobName(spec.runId)}`]);
    if (end.succeeded) return 'completed';
    return end.message
      ? vscode.l10n.t('the controller Job failed: {0} (its log: {1})', end.message, logs)
      : vscode.l10n.t('the controller Job failed (its log: {0})', logs);
  } finally {
    o.signal.removeEventListener('abort', stop);
  }
}
