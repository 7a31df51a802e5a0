// Wires the ui layer into VS Code from the feature table (src/features.ts). Activation only
// registers commands and panel serializers: no files are read, no programs run and no servers
// contacted until the student asks for something, and no lazy bundle loads until it is needed.
import * as vscode from 'vscode';
import {
  features,
  languageBundles,
  type BundleModules,
  type BundleName,
  type PanelRestorer,
  type Stopper,
} from './features';
import { Ctx, registerCommand, type CommandFactory } from './ui/context';
import { ScopeCache } from './node/lint/scope';
import * as activationExports from './ui/activationCommands';
import { lazyCommand, loadBundle, loadedBundle } from './ui/lazyBundle';
import { LintDiagnostics } from './ui/lintDiagnostics';
import { LintStatus } from './ui/lintStatus';
import { YamlSchemas } from './ui/yamlSchemas';
import { showWalkthroughOnFirstRun } from './ui/walkthrough';
import { whenLanguageOpens } from './ui/onLanguage';
import { installTranslator } from './core/text/l10n';

let current: Ctx | undefined;

/** A bundle's export by the name the table gives (tsc checked the name and its type in src/features.ts). */
function exported<T>(m: BundleModules[BundleName], name: string): T {
  return (m as unknown as Record<string, T>)[name] as T;
}

function commandFactory(bundle: BundleName, name: string): CommandFactory {
  if (bundle === 'activation') return exported<CommandFactory>(activationExports, name);
  return lazyCommand(bundle, (m) => exported<CommandFactory>(m, name));
}

export function activate(context: vscode.ExtensionContext): void {
  // src/core's sentences (findings, the doctor's, reports) in the editor's language, in every bundle.
  // In English there is no bundle, and t`…` is the template's own text.
  if (vscode.l10n.bundle) installTranslator((message, args) => vscode.l10n.t(message, ...args));
  context.subscriptions.push({ dispose: () => installTranslator(undefined) });
  const ctx = new Ctx(context);
  current = ctx;
  for (const f of features) {
    for (const [id, name] of Object.entries(f.commands))
      context.subscriptions.push(registerCommand(ctx, id, commandFactory(f.bundle, name)));
  }
  context.subscriptions.push({ dispose: () => ctx.dispose() });
  // One scope cache for the linting and its status-bar hint; the lint server starts on the first lint.
  const scopes = new ScopeCache();
  const diagnostics = new LintDiagnostics(ctx, scopes);
  const status = new LintStatus(scopes);
  context.subscriptions.push(...diagnostics.register(), ...status.register());
  diagnostics.lintOpenDocuments();
  void status.update();
  context.subscriptions.push(...new YamlSchemas(ctx).register());
  // A panel's bundle is loaded only when there is a panel of its kind to restore after a reload.
  for (const f of features) {
    for (const [viewType, name] of Object.entries(f.panels ?? {})) {
      const restore = (): PanelRestorer =>
        exported<PanelRestorer>(f.bundle === 'activation' ? activationExports : loadBundle(ctx, f.bundle), name);
      context.subscriptions.push(
        vscode.window.registerWebviewPanelSerializer(viewType, {
          deserializeWebviewPanel: async (panel, state) => void (await restore()(ctx, panel, state)),
        }),
      );
    }
  }
  // A language's bundle (a parser, diagnostics, lenses) loads on the first document of that language.
  for (const [language, bundle] of Object.entries(languageBundles))
    context.subscriptions.push(whenLanguageOpens(language, () => loadBundle(ctx, bundle).startLanguage(ctx)));
  showWalkthroughOnFirstRun(ctx);
}

export async function deactivate(): Promise<void> {
  // Disposables go through context.subscriptions; processes we started must be ended here, by the
  // bundles that started them (a bundle never loaded started nothing), the sandbox last.
  const ctx = current;
  if (!ctx) return;
  for (const f of [...features].reverse()) {
    if (f.bundle === 'activation' || !f.stop) continue;
    const m = loadedBundle(ctx, f.bundle);
    if (!m) continue;
    for (const name of f.stop) await exported<Stopper>(m, name)(ctx);
  }
}
