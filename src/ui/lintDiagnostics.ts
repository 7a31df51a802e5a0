// Lint while typing: on open and on change (debounced), the files of the edited one's scope (its lab
// folder, else its own folder: src/node/lint/scope.ts, as `obslab lint` groups them) are linted
// together by the lint server, a process of its own, and the findings become diagnostics with quick
// fixes. Unsaved editor text wins over the file on disk; an answer a newer edit superseded is dropped.
import { dirname, join, sep } from 'node:path';
import * as vscode from 'vscode';
import type { Finding, Range as CoreRange } from '../core/finding';
import { labManifestName } from '../core/scaffold/plan';
import { LintProcess, LintProcessCrashed, LintProcessStopped, type LintAnswer } from '../node/lint/lintProcess';
import { isFile } from '../node/files/textFiles';
import type { OpenDocument } from '../node/lint/protocol';
import { isLintable, labReleaseOf, type LintScope, type ScopeCache } from '../node/lint/scope';
import { labRulesIn, lintSettings, lintsIn, type LintSettings } from '../node/lint/scopeSettings';
import type { Ctx } from './context';

const selector: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.{yaml,yml,json,jmx}' },
  { scheme: 'untitled', language: 'yaml' },
];

/** A document the editor lints when the settings let it: a lintable file, or an untitled YAML document. */
export function lintsDocument(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme === 'untitled') return doc.languageId === 'yaml';
  return doc.uri.scheme === 'file' && isLintable(doc.uri.fsPath);
}

export function currentLintSettings(): LintSettings {
  const c = vscode.workspace.getConfiguration('obslab.lint');
  return lintSettings(c.get('scope'), c.get('labRules'));
}

function toRange(r: CoreRange | undefined): vscode.Range {
  if (!r) return new vscode.Range(0, 0, 0, 0);
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

const severities: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

function inScope(file: string, scope: LintScope): boolean {
  return scope.lab
    ? file.startsWith(scope.dir.endsWith(sep) ? scope.dir : scope.dir + sep)
    : dirname(file) === scope.dir;
}

export class LintDiagnostics implements vscode.CodeActionProvider {
  private readonly collection = vscode.languages.createDiagnosticCollection('obslab');
  private readonly findingsByUri = new Map<string, Finding[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Files each scope reported on last time, so fixed files get their diagnostics cleared. */
  private readonly reported = new Map<string, Map<string, vscode.Uri>>();
  /** Scopes whose "too many files" note is in the output already. */
  private readonly noted = new Set<string>();
  private process: LintProcess | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  /** Bumped when what is linted changes (settings, lab folders): answers to older requests are dropped. */
  private generation = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly scopes: ScopeCache,
  ) {}

  register(): vscode.Disposable[] {
    return [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, 300)),
      vscode.workspace.onDidSaveTextDocument((d) => this.schedule(d, 0)),
      // A deleted file, even one still open in an editor, has nothing left to fix; the files that
      // were judged with it are linted again.
      vscode.workspace.onDidDeleteFiles((e) => {
        for (const uri of e.files) this.forget(uri);
        this.lintOpenDocuments();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === 'untitled') this.forget(d.uri);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('obslab.lint')) this.clear();
        if (e.affectsConfiguration('obslab')) this.lintOpenDocuments();
      }),
      vscode.languages.registerCodeActionsProvider(selector, this, {
        providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
      }),
      {
        dispose: () => {
          this.timers.forEach((t) => clearTimeout(t));
          this.watcher?.dispose();
          void this.process?.dispose();
        },
      },
    ];
  }

  /** Lints the documents open now (at start, and when a setting changes). */
  lintOpenDocuments(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** Forgets one document's diagnostics, or those of every file below a deleted folder. */
  private forget(uri: vscode.Uri): void {
    const prefix = uri.toString();
    this.collection.forEach((u) => {
      const k = u.toString();
      if (k === prefix || k.startsWith(`${prefix}/`)) {
        this.collection.delete(u);
        this.findingsByUri.delete(k);
      }
    });
  }

  /** Forgets every diagnostic: what is linted, or with which folder, has changed. */
  private clear(): void {
    this.generation++;
    this.collection.clear();
    this.findingsByUri.clear();
    this.reported.clear();
  }

  private schedule(doc: vscode.TextDocument, delayMs: number): void {
    if (!lintsDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.lintAround(doc);
      }, delayMs),
    );
  }

  /** Started on the first lint, with a watch on lab folders appearing or going (they change scopes). */
  private lintProcess(): LintProcess {
    if (!this.process) {
      this.process = new LintProcess({
        serverModule: this.ctx.extension.asAbsolutePath(join('dist', 'lintServer.js')),
        // The findings are made there: it speaks the editor's language from the same bundle.
        ...(vscode.l10n.uri?.scheme === 'file' ? { l10nBundle: vscode.l10n.uri.fsPath } : {}),
        onCrash: (message) => {
          this.ctx.output.appendLine(`[lint] ${message}`);
          const showLog = vscode.l10n.t('Show Log');
          void vscode.window
            .showWarningMessage(vscode.l10n.t('Observability Lab: {0}', message), showLog)
            .then((pick) => {
              if (pick) this.ctx.output.show(true);
            });
        },
      });
      this.watcher = vscode.workspace.createFileSystemWatcher(`**/${labManifestName}`, false, true, false);
      const relint = (): void => {
        this.scopes.clear();
        this.clear();
        this.lintOpenDocuments();
      };
      this.watcher.onDidCreate(relint);
      this.watcher.onDidDelete(relint);
    }
    return this.process;
  }

  private async lintAround(doc: vscode.TextDocument): Promise<void> {
    const settings = currentLintSettings();
    if (settings.scope === 'off') return;
    const generation = this.generation;
    const file = doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined;
    // An editor may stay open on a file that was deleted: it is no longer there to lint.
    if (file && !(await isFile(file))) {
      this.forget(doc.uri);
      return;
    }
    const scope = file ? await this.scopes.of(file) : undefined;
    if (!lintsIn(scope, settings)) return;
    const key = scope?.dir ?? doc.uri.toString();
    // Unsaved texts only (and the edited one): the server reads the rest itself.
    const documents: OpenDocument[] = scope
      ? vscode.workspace.textDocuments
          .filter(
            (d) =>
              d.uri.scheme === 'file' &&
              (d === doc || (d.isDirty && isLintable(d.uri.fsPath) && inScope(d.uri.fsPath, scope))),
          )
          .map((d) => ({ file: d.uri.fsPath, text: d.getText() }))
      : [{ file: doc.uri.toString(), text: doc.getText() }];
    // The lab's own obslab-lab.json knows the release it was made for; the setting is the fallback.
    const config = vscode.workspace.getConfiguration('obslab');
    const fromLab = scope ? await labReleaseOf(scope) : undefined;
    const setting = config.inspect<string>('helmRelease');
    const told =
      fromLab !== undefined ||
      Boolean(setting?.globalValue ?? setting?.workspaceValue ?? setting?.workspaceFolderValue);
    let answer: LintAnswer | undefined;
    try {
      answer = await this.lintProcess().lint({
        key,
        ...(scope && file ? { scope, file } : {}),
        documents,
        labRules: labRulesIn(scope, settings),
        helmRelease: fromLab ?? (config.get<string>('helmRelease') || 'prometheus'),
        helmReleaseGiven: told,
        // Red Hat's YAML extension validates with our schemas too (see yamlSchemas.ts): don't say it twice.
        withKindSchemas: !this.schemaValidationElsewhere(),
      });
    } catch (e) {
      // A crash was reported once by onCrash already; anything else is worth a line.
      if (!(e instanceof LintProcessCrashed) && !(e instanceof LintProcessStopped))
        this.ctx.output.appendLine(
          `[lint] ${file ?? doc.uri.toString()}: ${e instanceof Error ? e.message : String(e)}`,
        );
      return;
    }
    if (!answer || generation !== this.generation) return;
    this.show(key, answer, (f) => (scope ? vscode.Uri.file(f) : doc.uri));
    if (answer.note && !this.noted.has(key)) {
      this.noted.add(key);
      this.ctx.output.appendLine(`[lint] ${answer.note}`);
    }
    if (answer.ms > 500)
      this.ctx.output.appendLine(
        `[lint] Linting ${answer.files.length} file(s) around ${file ?? doc.uri.toString()} took ${Math.round(answer.ms)} ms`,
      );
  }

  private show(key: string, answer: LintAnswer, uriOf: (file: string) => vscode.Uri): void {
    const now = new Map<string, vscode.Uri>();
    for (const { file, findings } of answer.files) {
      const uri = uriOf(file);
      this.findingsByUri.set(uri.toString(), findings);
      this.collection.set(
        uri,
        findings.map((f) => this.toDiagnostic(f)),
      );
      now.set(uri.toString(), uri);
    }
    for (const [k, uri] of this.reported.get(key) ?? []) {
      if (!now.has(k)) {
        this.collection.delete(uri);
        this.findingsByUri.delete(k);
      }
    }
    this.reported.set(key, now);
  }

  private schemaValidationElsewhere(): boolean {
    return (
      vscode.extensions.getExtension('redhat.vscode-yaml') !== undefined &&
      vscode.workspace.getConfiguration('yaml').get<boolean>('validate', true)
    );
  }

  private toDiagnostic(f: Finding): vscode.Diagnostic {
    const d = new vscode.Diagnostic(toRange(f.range), f.message, severities[f.severity]);
    d.source = 'obslab';
    d.code = f.code;
    return d;
  }

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const f of this.findingsByUri.get(doc.uri.toString()) ?? []) {
      if (!f.fixes?.length || !toRange(f.range).intersection(range)) continue;
      for (const fix of f.fixes) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        const edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) {
          const target = e.file && doc.uri.scheme === 'file' ? vscode.Uri.file(e.file) : doc.uri;
          edit.replace(target, toRange(e.range), e.newText);
        }
        action.edit = edit;
        action.diagnostics = [this.toDiagnostic(f)];
        action.isPreferred = f.fixes.length === 1;
        actions.push(action);
      }
    }
    return actions;
  }
}
