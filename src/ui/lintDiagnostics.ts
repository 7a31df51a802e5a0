// Lint while typing: on open and on change (debounced), the files around the edited one are
// linted together (cross-resource rules need them all), and the findings become diagnostics
// with quick fixes. Unsaved editor text wins over the file on disk.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { Finding, Range as CoreRange } from '../core/finding';
import type { LintInput } from '../core/lint/model';
import { labManifestName } from '../core/scaffold/plan';
import { findLabManifest } from '../node/labManifest';
import type { Ctx } from './context';
import { lazyBundle } from './lazyBundle';

/** The engine and its rules are a bundle of their own (dist/lint.js), loaded on the first lint. */
const engine = lazyBundle<typeof import('./lintEngine')>('lint.js');

const lintable = /\.(ya?ml|json|jmx)$/i;
const selector: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.{yaml,yml,json,jmx}' },
  { scheme: 'untitled', language: 'yaml' },
];
/** A folder holding more files than this is linted one file at a time. */
const maxScopeFiles = 300;

function toRange(r: CoreRange | undefined): vscode.Range {
  if (!r) return new vscode.Range(0, 0, 0, 0);
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

const severities: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** The lab folder (the one with obslab-lab.json) above a file, else the file's own folder. */
export function scopeOf(file: string): string {
  let dir = dirname(file);
  for (let i = 0; i < 6; i++) {
    try {
      statSync(join(dir, labManifestName));
      return dir;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return dirname(file);
}

function filesIn(dir: string, out: string[], depth = 0): void {
  if (depth > 4 || out.length > maxScopeFiles) return;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) filesIn(p, out, depth + 1);
    else if (e.isFile() && lintable.test(e.name)) out.push(p);
  }
}

export class LintDiagnostics implements vscode.CodeActionProvider {
  private readonly collection = vscode.languages.createDiagnosticCollection('obslab');
  private readonly findingsByUri = new Map<string, Finding[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Files each scope reported on last time, so fixed files get their diagnostics cleared. */
  private readonly reported = new Map<string, Set<string>>();

  constructor(private readonly ctx: Ctx) {}

  register(): vscode.Disposable[] {
    return [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, 300)),
      vscode.workspace.onDidSaveTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('obslab')) for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
      }),
      vscode.languages.registerCodeActionsProvider(selector, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
      { dispose: () => this.timers.forEach((t) => clearTimeout(t)) },
    ];
  }

  /** Lints the documents already open when the extension starts. */
  lintOpenDocuments(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private schedule(doc: vscode.TextDocument, delayMs: number): void {
    if (!this.applies(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.lintAround(doc);
      }, delayMs),
    );
  }

  private applies(doc: vscode.TextDocument): boolean {
    if (doc.uri.scheme === 'untitled') return doc.languageId === 'yaml';
    return doc.uri.scheme === 'file' && lintable.test(doc.uri.fsPath);
  }

  private lintAround(doc: vscode.TextDocument): void {
    const started = Date.now();
    const open = new Map(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file').map((d) => [d.uri.fsPath, d.getText()]));
    let inputs: LintInput[];
    let scopeKey: string;
    if (doc.uri.scheme === 'file') {
      const scope = scopeOf(doc.uri.fsPath);
      const files: string[] = [];
      filesIn(scope, files);
      if (!files.includes(doc.uri.fsPath)) files.push(doc.uri.fsPath);
      const chosen = files.length > maxScopeFiles ? [doc.uri.fsPath] : files;
      inputs = chosen.flatMap((f): LintInput[] => {
        const text = open.get(f);
        if (text !== undefined) return [{ file: f, text }];
        try {
          return [{ file: f, text: readFileSync(f, 'utf8') }];
        } catch {
          return [];
        }
      });
      scopeKey = scope;
    } else {
      inputs = [{ file: doc.uri.toString(), text: doc.getText() }];
      scopeKey = doc.uri.toString();
    }
    // The lab's own obslab-lab.json knows the release it was made for; the setting is the fallback.
    const fromLab = doc.uri.scheme === 'file' ? findLabManifest(scopeKey)?.params.helmRelease : undefined;
    const helmRelease = fromLab ?? (vscode.workspace.getConfiguration('obslab').get<string>('helmRelease') || 'prometheus');
    // Red Hat's YAML extension validates with our schemas too (see yamlSchemas.ts): don't say it twice.
    const findings = engine.load(this.ctx).lintFiles(inputs, { helmRelease, withKindSchemas: !this.schemaValidationElsewhere() });
    const byFile = new Map<string, Finding[]>();
    for (const f of findings) {
      const file = f.file ?? inputs[0]?.file ?? '';
      byFile.set(file, [...(byFile.get(file) ?? []), f]);
    }
    const uriOf = (file: string) => (doc.uri.scheme !== 'file' ? doc.uri : vscode.Uri.file(file));
    for (const file of this.reported.get(scopeKey) ?? []) {
      if (!byFile.has(file)) {
        this.collection.delete(uriOf(file));
        this.findingsByUri.delete(uriOf(file).toString());
      }
    }
    for (const input of inputs) {
      const list = byFile.get(input.file) ?? [];
      const uri = uriOf(input.file);
      this.findingsByUri.set(uri.toString(), list);
      this.collection.set(uri, list.map((f) => this.toDiagnostic(f)));
    }
    this.reported.set(scopeKey, new Set(inputs.map((i) => i.file)));
    const ms = Date.now() - started;
    if (ms > 500) this.ctx.output.appendLine(`Linting ${inputs.length} file(s) around ${doc.uri.fsPath} took ${ms} ms`);
  }

  private schemaValidationElsewhere(): boolean {
    return vscode.extensions.getExtension('redhat.vscode-yaml') !== undefined && vscode.workspace.getConfiguration('yaml').get<boolean>('validate', true);
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
