// Wires the ui layer into VS Code. Activation only registers commands: no files are read,
// no programs run and no servers contacted until the student asks for something.
import type * as vscode from 'vscode';
import { Ctx, registerCommand } from './ui/context';
import { ScopeCache } from './node/lint/scope';
import { LintDiagnostics } from './ui/lintDiagnostics';
import { LintStatus } from './ui/lintStatus';
import { YamlSchemas } from './ui/yamlSchemas';
import { doctorBundle, registerDoctorPanelSerializer } from './ui/doctorBundle';
import { iamBundle } from './ui/iamBundle';
import { kubeBundle } from './ui/kubeBundle';
import { loadtestBundle } from './ui/loadtestBundle';
import { sandboxBundle } from './ui/sandboxBundle';
import { prerequisitesCommand } from './ui/prerequisitesCommand';
import { queryPrometheusCommand, registerQueryPanelSerializer } from './ui/queryPanel';
import { scaffoldCommand } from './ui/scaffoldCommand';
import { taskFilesCommand } from './ui/taskFilesCommand';
import { openWalkthroughCommand, showWalkthroughOnFirstRun } from './ui/walkthrough';

let current: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const ctx = new Ctx(context);
  current = ctx;
  context.subscriptions.push(
    registerCommand(ctx, 'obslab.scaffold', scaffoldCommand),
    registerCommand(ctx, 'obslab.openWalkthrough', openWalkthroughCommand),
    registerCommand(ctx, 'obslab.checkPrerequisites', prerequisitesCommand),
    registerCommand(ctx, 'obslab.openTaskFiles', taskFilesCommand),
    registerCommand(ctx, 'obslab.startSandbox', sandboxBundle.command((m) => m.startSandboxCommand)),
    registerCommand(ctx, 'obslab.stopSandbox', sandboxBundle.command((m) => m.stopSandboxCommand)),
    registerCommand(ctx, 'obslab.sandboxStatus', sandboxBundle.command((m) => m.sandboxStatusCommand)),
    registerCommand(ctx, 'obslab.queryPrometheus', queryPrometheusCommand),
    registerCommand(ctx, 'obslab.runLoadTest', loadtestBundle.command((m) => m.runLoadTestCommand)),
    registerCommand(ctx, 'obslab.summarizeResults', loadtestBundle.command((m) => m.summarizeResultsCommand)),
    registerCommand(ctx, 'obslab.startPortForward', kubeBundle.command((m) => m.startPortForwardCommand)),
    registerCommand(ctx, 'obslab.stopPortForward', kubeBundle.command((m) => m.stopPortForwardCommand)),
    registerCommand(ctx, 'obslab.stopAllPortForwards', kubeBundle.command((m) => m.stopAllPortForwardsCommand)),
    registerCommand(ctx, 'obslab.applyManifests', kubeBundle.command((m) => m.applyManifestsCommand)),
    registerCommand(ctx, 'obslab.helmInstall', kubeBundle.command((m) => m.helmInstallCommand)),
    registerCommand(ctx, 'obslab.helmInstallCollector', kubeBundle.command((m) => m.helmInstallCollectorCommand)),
    registerCommand(ctx, 'obslab.cleanUp', kubeBundle.command((m) => m.cleanupCommand)),
    registerCommand(ctx, 'obslab.createIrsaRole', iamBundle.command((m) => m.createIrsaCommand)),
    registerCommand(ctx, 'obslab.inspectIrsaRole', iamBundle.command((m) => m.inspectIrsaCommand)),
    registerCommand(ctx, 'obslab.runDoctor', doctorBundle.command((m) => m.runDoctorCommand)),
    registerCommand(ctx, 'obslab.cleanUpAws', iamBundle.command((m) => m.cleanupAwsCommand)),
    { dispose: () => ctx.dispose() },
  );
  // One scope cache for the linting and its status-bar hint; the lint server starts on the first lint.
  const scopes = new ScopeCache();
  const diagnostics = new LintDiagnostics(ctx, scopes);
  const status = new LintStatus(scopes);
  context.subscriptions.push(...diagnostics.register(), ...status.register());
  diagnostics.lintOpenDocuments();
  void status.update();
  context.subscriptions.push(
    ...new YamlSchemas(ctx).register(),
    registerQueryPanelSerializer(ctx),
    registerDoctorPanelSerializer(ctx),
  );
  showWalkthroughOnFirstRun(ctx);
}

export async function deactivate(): Promise<void> {
  // Disposables go through context.subscriptions; processes we started must be ended here.
  loadtestBundle.ifLoaded()?.stopRunningLoadTest();
  kubeBundle.ifLoaded()?.stopRunningHelm();
  await kubeBundle.ifLoaded()?.stopAllForwards();
  // Only a loaded sandbox bundle can have started a sandbox in this window.
  if (current) await sandboxBundle.ifLoaded()?.stopSandboxStartedHere(current);
}
