// The status-bar hint for the active file: whether it is linted, and with the lab's own rules or
// general ones, naming the folder and the setting that decide it. Cheap on every editor switch: the
// scope comes from the cache the linting fills, and the item is created on the first file we lint.
import * as vscode from 'vscode';
import type { ScopeCache } from '../node/lint/scope';
import { rulesHint } from '../node/lint/scopeSettings';
import { currentLintSettings, lintsDocument } from './lintDiagnostics';

export class LintStatus {
  private item: vscode.StatusBarItem | undefined;
  /** Editor switches are answered in order: an older, slower scope lookup never overwrites a newer one. */
  private seq = 0;

  constructor(private readonly scopes: ScopeCache) {}

  register(): vscode.Disposable[] {
    return [
      vscode.window.onDidChangeActiveTextEditor(() => void this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('obslab.lint')) void this.update();
      }),
      { dispose: () => this.item?.dispose() },
    ];
  }

  async update(): Promise<void> {
    const seq = ++this.seq;
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !lintsDocument(doc)) {
      this.item?.hide();
      return;
    }
    const scope = doc.uri.scheme === 'file' ? await this.scopes.of(doc.uri.fsPath) : undefined;
    if (seq !== this.seq) return;
    const hint = rulesHint(scope, currentLintSettings());
    this.item ??= vscode.window.createStatusBarItem('obslab.lintRules', vscode.StatusBarAlignment.Right, 100);
    this.item.name = vscode.l10n.t('Observability Lab: lint rules');
    this.item.text = hint.text;
    this.item.tooltip = hint.tooltip;
    this.item.command = {
      title: vscode.l10n.t('Lint settings'),
      command: 'workbench.action.openSettings',
      arguments: ['obslab.lint'],
    };
    this.item.show();
  }
}
