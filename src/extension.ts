// Wires the ui layer into VS Code. Activation only registers commands: no files are read,
// no programs run and no servers contacted until the student asks for something.
import type * as vscode from 'vscode';
import { Ctx, registerCommand } from './ui/context';
import { LintDiagnostics } from './ui/lintDiagnostics';
import { YamlSchemas } from './ui/yamlSchemas';
import { prerequisitesCommand } from './ui/prerequisitesCommand';
import { scaffoldCommand } from './ui/scaffoldCommand';
import { taskFilesCommand } from './ui/taskFilesCommand';
import { openWalkthroughCommand, showWalkthroughOnFirstRun } from './ui/walkthrough';

export function activate(context: vscode.ExtensionContext): void {
  const ctx = new Ctx(context);
  context.subscriptions.push(
    registerCommand(ctx, 'obslab.scaffold', scaffoldCommand),
    registerCommand(ctx, 'obslab.openWalkthrough', openWalkthroughCommand),
    registerCommand(ctx, 'obslab.checkPrerequisites', prerequisitesCommand),
    registerCommand(ctx, 'obslab.openTaskFiles', taskFilesCommand),
    { dispose: () => ctx.dispose() },
  );
  const diagnostics = new LintDiagnostics(ctx);
  context.subscriptions.push(...diagnostics.register());
  diagnostics.lintOpenDocuments();
  context.subscriptions.push(...new YamlSchemas(ctx).register());
  showWalkthroughOnFirstRun(ctx);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
