// Observability Lab: Install kube-prometheus-stack (Task 2) and Install the OpenTelemetry Collector
// (Task 3's Helm path). Runs helm with the lab's values file against the current kubeconfig
// context: says exactly what it will run and change, asks, then shows helm's output live;
// cancellable. The release carries the lab's label, so Clean Up knows to remove it. Lives in the
// kube bundle (it reads the kubeconfig).
import * as vscode from 'vscode';
import {
  checkCollectorValues,
  checkPrometheusServiceAccount,
  commandLine,
  describeHelmFailure,
  helmSteps,
  helmVersionProblem,
  kubePrometheusStack,
  kubePrometheusStackSource,
  labCollectorValuesPath,
  labValuesPath,
  otelCollectorChart,
  otelCollectorSource,
  parseReleaseList,
  releaseListArgs,
  releasePlan,
  type HelmReleaseSpec,
  type ReleaseInfo,
} from '../../core/helm/helm';
import { LAB_RELEASE_LABEL } from '../../core/kube/cleanup';
import { defaultParams } from '../../core/scaffold/params';
import { labNames, type LabManifest } from '../../core/scaffold/plan';
import { shellFor } from '../../core/shellQuote';
import { findHelm, helmVersion, HelmNotFound, runHelm, runHelmSteps } from '../../node/helm/helm';
import { KubeError, type LoadedKube } from '../../node/kube/config';
import { waitForPrometheuses, type PrometheusReport } from '../../node/kube/prometheusStatus';
import { readingSummary } from '../../core/kube/prometheusStatus';
import { canForceConflicts, withForceConflicts } from '../../core/helm/forceConflicts';
import { LabManifestError, loadLabManifest } from '../../node/files/labManifest';
import type { Finding } from '../../core/finding';
import { confirmConfiguredProgram } from '../configuredProgram';
import { contextKeys, type CommandFactory, type ContextKey, type Ctx } from '../context';
import { loadKubeOrWait } from './kubeconfigWait';
import { findLabFolder } from '../labFolder';

const installPage = 'https://helm.sh/docs/intro/install/';

/** A helm run going now; a second Helm step waits, and deactivation cancels it. */
let running: AbortController | undefined;

/** On deactivation: a helm still running gets SIGTERM, so it marks the release failed rather than leaving it locked. */
export function stopRunningHelm(): void {
  running?.abort();
}

async function valuesFile(
  ctx: Ctx,
  arg: unknown,
  relativePath: string = labValuesPath,
  chartName = 'kube-prometheus-stack',
): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const lab = await findLabFolder(ctx);
  if (!lab) {
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Observability Lab: no lab folder in this workspace, so there is no {0} values file to install with. Create the lab files first.',
        chartName,
      ),
      vscode.l10n.t('Create Lab Files'),
    );
    if (pick) await vscode.commands.executeCommand('obslab.scaffold');
    return undefined;
  }
  const file = vscode.Uri.joinPath(lab, relativePath);
  try {
    await vscode.workspace.fs.stat(file);
    return file;
  } catch {
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Observability Lab: {0} is missing. Create the lab files again to write it.',
        vscode.workspace.asRelativePath(file),
      ),
      vscode.l10n.t('Create Lab Files'),
    );
    if (pick) await vscode.commands.executeCommand('obslab.scaffold');
    return undefined;
  }
}

async function helmMissing(message: string): Promise<void> {
  const openInstallPage = vscode.l10n.t('Open Install Page');
  const setHelmPath = vscode.l10n.t('Set {0}', 'obslab.helmPath');
  const pick = await vscode.window.showErrorMessage(
    vscode.l10n.t('Observability Lab: {0}', message),
    openInstallPage,
    setHelmPath,
  );
  if (pick === openInstallPage) await vscode.env.openExternal(vscode.Uri.parse(installPage));
  if (pick === setHelmPath) await vscode.commands.executeCommand('workbench.action.openSettings', 'obslab.helmPath');
}

/** One chart the Helm step installs: everything that differs between kube-prometheus-stack and the collector. */
interface HelmStepChart {
  /** The chart's name in messages, e.g. kube-prometheus-stack. */
  title: string;
  repoName: string;
  repoUrl: string;
  chart: string;
  version: string;
  /** The values file inside the lab folder. */
  valuesPath: string;
  /** The context key set once the release is installed or upgraded. */
  doneKey: ContextKey;
  release(params: LabNames): string;
  source(): HelmReleaseSpec['chart'];
  /** What is wrong with the values file, and the modal's headline when something is. */
  check(text: string, file: string, params: LabNames): { headline: string; problems: Finding[] };
  /** A line for the confirm dialog: what the release will be like. */
  promise(params: LabNames): string;
  /** The success message after the release is installed. */
  done(summary: string, params: LabNames): string;
  /** The buttons of the success message and what each runs. */
  next: { label: string; command: string }[];
}

interface LabNames {
  helmRelease: string;
  namespace: string;
}

const kubePrometheusStackStep: HelmStepChart = {
  title: 'kube-prometheus-stack',
  repoName: kubePrometheusStack.repoName,
  repoUrl: kubePrometheusStack.repoUrl,
  chart: kubePrometheusStack.chart,
  version: kubePrometheusStack.version,
  valuesPath: labValuesPath,
  doneKey: contextKeys.helmInstalled,
  release: (p) => p.helmRelease,
  source: () => kubePrometheusStackSource(),
  check: (text, file, p) => ({
    headline: vscode.l10n.t('The values file would not run Prometheus as {0}.', labNames.prometheusServiceAccount),
    problems: checkPrometheusServiceAccount(text, { file, release: p.helmRelease }),
  }),
  promise: () =>
    vscode.l10n.t(
      'Prometheus will run as the ServiceAccount {0} (Task 1 creates it with the IRSA role).',
      labNames.prometheusServiceAccount,
    ),
  done: (summary) =>
    vscode.l10n.t(
      "{0}, Prometheus running as {1}. Next: apply the lab's manifests (Task 3).",
      summary,
      labNames.prometheusServiceAccount,
    ),
  // A getter: the label is in the display language, and the pick is compared with it.
  get next() {
    return [{ label: vscode.l10n.t('Apply Manifests'), command: 'obslab.applyManifests' }];
  },
};

const collectorStep: HelmStepChart = {
  title: otelCollectorChart.chart,
  repoName: otelCollectorChart.repoName,
  repoUrl: otelCollectorChart.repoUrl,
  chart: otelCollectorChart.chart,
  version: otelCollectorChart.version,
  valuesPath: labCollectorValuesPath,
  doneKey: contextKeys.collectorHelmInstalled,
  release: () => otelCollectorChart.release,
  source: () => otelCollectorSource(),
  check: (text, file, p) => {
    const problems = checkCollectorValues(text, {
      file,
      helmRelease: p.helmRelease,
      collectorRelease: otelCollectorChart.release,
    });
    const errors = problems.some((f) => f.severity === 'error');
    return {
      headline: errors
        ? vscode.l10n.t(
            'The values file would make the {0} chart fail, or install a collector Prometheus cannot scrape.',
            otelCollectorChart.chart,
          )
        : vscode.l10n.t('The values file would install a collector Prometheus cannot fully scrape.'),
      problems: problems.map((f) => ({ ...f, message: `${f.code}: ${f.message}` })),
    };
  },
  promise: (p) =>
    [
      vscode.l10n.t(
        'The chart makes the Service {0} (fullnameOverride in the values) and a ServiceMonitor labelled release: {1}.',
        otelCollectorChart.release,
        p.helmRelease,
      ),
      vscode.l10n.t(
        "If the custom path's otel-collector objects exist ({0}), delete them first: Helm refuses objects it did not make.",
        vscode.l10n.t(
          "the Deployment and Service of {0} and the ServiceMonitor of {1}, each named otel-collector like the chart's",
          'k8s/otel-collector-deploy-svc.yaml',
          'k8s/otel-servicemonitors.yaml',
        ),
      ),
    ].join(' '),
  done: (summary) =>
    vscode.l10n.t(
      "{0}, Service {1} with ports metrics ({2}) and telemetry ({3}), scraped through the chart's ServiceMonitor. Next: apply the app ({4}).",
      summary,
      otelCollectorChart.release,
      8889,
      8888,
      'k8s/app.yaml',
    ),
  next: [],
};

/** The Helm step for one chart: checks, the exact commands in a modal, helm's output live, cancellable. */
async function runHelmStep(ctx: Ctx, arg: unknown, step: HelmStepChart, forceConflicts = false): Promise<unknown> {
  if (running) {
    const cancelIt = vscode.l10n.t('Cancel It');
    const showOutput = vscode.l10n.t('Show Output');
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t('Observability Lab: helm is already running for the Helm step.'),
      cancelIt,
      showOutput,
    );
    if (pick === cancelIt) running.abort();
    if (pick === showOutput) ctx.output.show(true);
    return undefined;
  }
  const file = await valuesFile(ctx, arg, step.valuesPath, step.title);
  if (!file) return undefined;
  const cfg = vscode.workspace.getConfiguration('obslab');
  let lab: LabManifest | undefined;
  try {
    lab = loadLabManifest(file.fsPath);
  } catch (e) {
    // Its values would go into helm's arguments: a manifest the scaffold would refuse is not used.
    if (!(e instanceof LabManifestError)) throw e;
    const pick = await vscode.window.showErrorMessage(
      vscode.l10n.t('Observability Lab: {0}', e.message),
      vscode.l10n.t('Open It'),
    );
    if (pick) await vscode.window.showTextDocument(vscode.Uri.file(e.file));
    return undefined;
  }
  const names: LabNames = {
    helmRelease: lab?.params.helmRelease ?? (cfg.get<string>('helmRelease') || defaultParams.helmRelease),
    namespace:
      lab?.params.monitoringNamespace ?? (cfg.get<string>('monitoringNamespace') || defaultParams.monitoringNamespace),
  };
  const release = step.release(names);
  const namespace = names.namespace;

  let bin: string;
  const helmPath = cfg.get<string>('helmPath')?.trim() ?? '';
  try {
    bin = findHelm({ helmPath });
  } catch (e) {
    if (e instanceof HelmNotFound) {
      await helmMissing(e.message);
      return undefined;
    }
    throw e;
  }
  // A helm the settings name runs only once the student has confirmed that path, even for its version.
  if (
    helmPath &&
    !(await confirmConfiguredProgram(
      ctx,
      'obslab.helmPath',
      bin,
      vscode.l10n.t("for its version and the cluster's releases, then shows the install commands and asks again"),
    ))
  )
    return undefined;
  const version = await helmVersion(bin).catch(() => undefined);
  const tooOld = helmVersionProblem(version);
  if (tooOld) {
    await helmMissing(tooOld);
    return undefined;
  }

  let context: string;
  let server: string;
  let kube: LoadedKube;
  try {
    const loaded = await loadKubeOrWait(ctx);
    if (!loaded) return undefined;
    ({ context, server } = loaded);
    kube = loaded;
  } catch (e) {
    if (e instanceof KubeError) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Observability Lab: {0}', e.message));
      return undefined;
    }
    throw e;
  }

  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  const { headline, problems } = step.check(text, file.fsPath, names);
  if (problems.length) {
    const openValuesFile = vscode.l10n.t('Open Values File');
    const installAnyway = vscode.l10n.t('Install Anyway');
    const pick = await vscode.window.showWarningMessage(
      headline,
      {
        modal: true,
        detail: `${problems.map((p) => p.message).join('\n\n')}\n\n${vscode.l10n.t('File: {0}', vscode.workspace.asRelativePath(file))}`,
      },
      openValuesFile,
      installAnyway,
    );
    if (pick === openValuesFile) {
      const doc = await vscode.window.showTextDocument(file);
      const r = problems[0]?.range;
      if (r) doc.selection = new vscode.Selection(r.start.line, r.start.character, r.end.line, r.end.character);
      return undefined;
    }
    if (pick !== installAnyway) return undefined;
  }

  const spec: HelmReleaseSpec = {
    release,
    namespace,
    chart: step.source(),
    valuesFiles: [file.fsPath],
    kubeContext: context,
  };
  const failureContext = {
    release,
    namespace,
    chart: `${step.repoName}/${step.chart}`,
    kubeContext: context,
    server,
    repoName: step.repoName,
    repoUrl: step.repoUrl,
    version: step.version,
  };

  // What is there now: also the first contact with the cluster, so an unreachable one fails before the confirm.
  const listed = await runHelm(bin, releaseListArgs(spec));
  if (listed.code !== 0) {
    const failure = describeHelmFailure(listed.output, failureContext);
    ctx.output.appendLine(
      `[helm] ${commandLine(bin, releaseListArgs(spec), shellFor(process.platform))}\n${listed.output.trimEnd()}`,
    );
    const pick = await vscode.window.showErrorMessage(
      vscode.l10n.t('Observability Lab: {0}', failure.message),
      vscode.l10n.t('Show Output'),
    );
    if (pick) ctx.output.show(true);
    return undefined;
  }
  const existing: ReleaseInfo | undefined = parseReleaseList(listed.output, release);
  const steps = forceConflicts ? withForceConflicts(helmSteps(spec)) : helmSteps(spec);
  const detail = [
    releasePlan(existing, spec),
    step.promise(names),
    vscode.l10n.t(
      'The release is labelled {0}: Clean Up uninstalls the releases with that label, and no others.',
      `${LAB_RELEASE_LABEL.key}=${LAB_RELEASE_LABEL.value}`,
    ),
    '',
    vscode.l10n.t('Cluster: context {0} ({1})', context, server),
    `helm: ${bin}${version ? ` (${version.version})` : ''}`,
    vscode.l10n.t('Values: {0}', vscode.workspace.asRelativePath(file)),
    '',
    vscode.l10n.t('Commands:'),
    ...steps.map((s, i) => `${i + 1}. ${s.title}:\n   ${commandLine('helm', s.args, shellFor(process.platform))}`),
  ].join('\n');
  const verb = existing ? 'Upgrade' : 'Install';
  const withHelm = existing ? vscode.l10n.t('Upgrade with Helm') : vscode.l10n.t('Install with Helm');
  const go = await vscode.window.showWarningMessage(
    existing
      ? vscode.l10n.t('Upgrade {0} {1} as release {2} in namespace {3}?', step.title, step.version, release, namespace)
      : vscode.l10n.t('Install {0} {1} as release {2} in namespace {3}?', step.title, step.version, release, namespace),
    { modal: true, detail },
    withHelm,
  );
  if (go !== withHelm) return undefined;

  const output = ctx.output;
  output.show(true);
  output.appendLine(`[helm] ${verb.toLowerCase()} ${release} in ${namespace}, context ${context}`);
  const abort = new AbortController();
  running = abort;
  let result: Awaited<ReturnType<typeof runHelmSteps>>;
  try {
    result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Observability Lab: Helm ({0})', release),
        cancellable: true,
      },
      (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        abort.signal.addEventListener(
          'abort',
          () => progress.report({ message: vscode.l10n.t('cancelling: helm marks the release failed…') }),
          { once: true },
        );
        return runHelmSteps(bin, steps, {
          signal: abort.signal,
          onStep: (s, i) => {
            progress.report({ message: `${i + 1}/${steps.length}: ${s.title}` });
            output.appendLine(`$ ${commandLine('helm', s.args, shellFor(process.platform))}`);
          },
          onLine: (line) => output.appendLine(line),
        });
      },
    );
  } catch (e) {
    if (e instanceof HelmNotFound) {
      await helmMissing(e.message);
      return undefined;
    }
    throw e;
  } finally {
    running = undefined;
  }

  if (!result.ok) {
    const failure = describeHelmFailure(result.run.output, failureContext, { cancelled: result.run.cancelled });
    output.appendLine(`[helm] ${failure.kind}: ${failure.message}`);
    // Only after a conflict, only on Helm 4, and through the same confirmation showing the flag.
    const force = vscode.l10n.t('Run Again with {0}', '--force-conflicts');
    const offerForce = failure.kind === 'apply-conflict' && !forceConflicts && canForceConflicts(version);
    const pick = await vscode.window.showErrorMessage(
      vscode.l10n.t('Observability Lab: {0}', failure.message),
      ...(offerForce ? [force] : []),
      vscode.l10n.t('Show Output'),
    );
    if (pick === force) return runHelmStep(ctx, file, step, true);
    if (pick) output.show(true);
    return failure;
  }
  const after = await runHelm(bin, releaseListArgs(spec)).catch(() => undefined);
  const now = after?.code === 0 ? parseReleaseList(after.output, release) : undefined;
  const summary = existing
    ? now
      ? vscode.l10n.t(
          '{0} {1} is upgraded: release {2} revision {3}, {4} in namespace {5}',
          step.title,
          step.version,
          release,
          now.revision,
          now.status,
          namespace,
        )
      : vscode.l10n.t('{0} {1} is upgraded: release {2} in namespace {3}', step.title, step.version, release, namespace)
    : now
      ? vscode.l10n.t(
          '{0} {1} is installed: release {2} revision {3}, {4} in namespace {5}',
          step.title,
          step.version,
          release,
          now.revision,
          now.status,
          namespace,
        )
      : vscode.l10n.t(
          '{0} {1} is installed: release {2} in namespace {3}',
          step.title,
          step.version,
          release,
          namespace,
        );
  const message = step.done(summary, names);
  // helm's --wait does not cover the operator's StatefulSet: ask the operator whether Prometheus came up.
  if (step === kubePrometheusStackStep && !(await prometheusCameUp(ctx, kube, namespace, release, summary))) {
    // The walkthrough's step stays open: the release is there, but the lab's Prometheus is not.
    output.appendLine(`[helm] ${summary}, but Prometheus is not available (see above).`);
    return now ?? { release, namespace };
  }
  await ctx.setContext(step.doneKey, true);
  output.appendLine(`[helm] ${message}`);
  const next = step.next;
  const showOutput = vscode.l10n.t('Show Output');
  void vscode.window
    .showInformationMessage(vscode.l10n.t('Observability Lab: {0}', message), ...next.map((n) => n.label), showOutput)
    .then(async (pick) => {
      const chosen = next.find((n) => n.label === pick);
      if (chosen) await vscode.commands.executeCommand(chosen.command);
      if (pick === showOutput) output.show(true);
    });
  return now ?? { release, namespace };
}

/** Observability Lab: Install kube-prometheus-stack (Task 2). */
export const helmInstallCommand: CommandFactory = (ctx) => (arg?: unknown) =>
  runHelmStep(ctx, arg, kubePrometheusStackStep);

/**
 * Observability Lab: Install the OpenTelemetry Collector (Task 3, the Helm path): the same Helm
 * step for open-telemetry/opentelemetry-collector with helm/otel-collector-values.yaml, after the
 * checks the linter makes on that file.
 */
export const helmInstallCollectorCommand: CommandFactory = (ctx) => (arg?: unknown) =>
  runHelmStep(ctx, arg, collectorStep);

/**
 * After kube-prometheus-stack installs: waits (at most 60 s, cancellable) for prometheus-operator's
 * word on the release's Prometheus objects and writes it to the output channel. False, after a
 * warning naming the cause and the next step, when one of them is not available.
 */
async function prometheusCameUp(
  ctx: Ctx,
  kube: LoadedKube,
  namespace: string,
  release: string,
  summary: string,
): Promise<boolean> {
  const timeoutMs = 60_000;
  const reports = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Observability Lab: is Prometheus up?'),
      cancellable: true,
    },
    async (progress, token): Promise<PrometheusReport[] | string> => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      try {
        const found = await waitForPrometheuses(kube, namespace, release, {
          timeoutMs,
          signal: abort.signal,
          onReading: (readings, ms) =>
            progress.report({
              message: vscode.l10n.t(
                "prometheus-operator's status after {0} s (waiting at most {1} s): {2}",
                Math.round(ms / 1000),
                timeoutMs / 1000,
                readings.map((r) => `${r.name}: ${readingSummary(r)}`).join('; ') || '…',
              ),
            }),
        });
        return abort.signal.aborted ? 'you stopped waiting for it' : found;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    },
  );
  if (typeof reports === 'string') {
    ctx.output.appendLine(`[prometheus] no word from prometheus-operator on the release's Prometheus: ${reports}`);
    return true;
  }
  for (const r of reports) ctx.output.appendLine(`[prometheus] ${r.verdict.message}`);
  const down = reports.filter((r) => r.verdict.state !== 'available');
  if (!down.length) return true;
  const createRole = vscode.l10n.t('Create IRSA Role');
  const showOutput = vscode.l10n.t('Show Output');
  const missing = down.some((r) => r.verdict.missingServiceAccount);
  void vscode.window
    .showWarningMessage(
      vscode.l10n.t('Observability Lab: {0}, but {1}', summary, down.map((r) => r.verdict.message).join(' ')),
      ...(missing ? [createRole] : []),
      showOutput,
    )
    .then(async (pick) => {
      if (pick === createRole) await vscode.commands.executeCommand('obslab.createIrsaRole');
      if (pick === showOutput) ctx.output.show(true);
    });
  return false;
}
