// .promql files as first-class (the dist/promql.js bundle, loaded on the first PromQL file): parse
// errors as diagnostics through Prometheus' own grammar (@prometheus-io/lezer-promql 0.314.0,
// checked 2026-12-05, the parser the query panel runs), and a "Run" CodeLens above each query that
// opens the query panel on it against the target the panel picks (a port-forward to Prometheus,
// else the sandbox's, else it asks). A file holds queries separated by blank lines or `#` comment
// lines (splitQueries).
import * as vscode from 'vscode';
import { parser } from '@prometheus-io/lezer-promql';
import { parseErrors } from '../core/promql/explain';
import { placeholdersAsNames, splitQueries, type QueryBlock } from '../core/promql/labQueries';
import type { Ctx } from './context';
import { PromqlNameHover } from './promqlHover';

const languageId = 'promql';

/** Where in the document an offset into a block's expression is (its lines keep their columns). */
function positionIn(doc: vscode.TextDocument, block: QueryBlock, offset: number): vscode.Position {
  const before = block.expr.slice(0, offset).split('\n');
  const line = block.startLine + before.length - 1;
  const column = (before.at(-1) ?? '').length;
  const lead = before.length === 1 ? doc.positionAt(block.from).character : 0;
  return new vscode.Position(line, lead + column);
}

/** The parse errors of every query of a .promql document. */
export function promqlDiagnostics(doc: vscode.TextDocument): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  for (const block of splitQueries(doc.getText())) {
    // The lab's template (`{{durationBase}}_count`) is checked as the file it renders to.
    const expr = placeholdersAsNames(block.expr);
    for (const p of parseErrors(expr, parser.parse(expr).topNode)) {
      const start = positionIn(doc, block, p.from);
      const end = positionIn(doc, block, Math.max(p.to, p.from));
      const range = new vscode.Range(start, end.isEqual(start) ? start.translate(0, 1) : end);
      const d = new vscode.Diagnostic(
        doc.validateRange(range),
        vscode.l10n.t('{0}. Each query is one run of lines; a blank line or a # comment ends it.', p.message),
        vscode.DiagnosticSeverity.Error,
      );
      d.source = 'promql';
      out.push(d);
    }
  }
  return out;
}

/** A Run lens above each query: Query Prometheus opened on it. */
export class PromqlRunLenses implements vscode.CodeLensProvider {
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    return splitQueries(doc.getText()).map(
      (b) =>
        new vscode.CodeLens(new vscode.Range(b.startLine, 0, b.startLine, 0), {
          title: `$(play) ${vscode.l10n.t('Run')}`,
          tooltip: vscode.l10n.t('Open Query Prometheus on this query and run it'),
          command: 'obslab.queryPrometheus',
          arguments: [b.expr],
        }),
    );
  }
}

/** Registers what .promql files get; src/extension.ts calls it once, on the first PromQL document (languageBundles). */
export function startLanguage(_ctx: Ctx): vscode.Disposable[] {
  const collection = vscode.languages.createDiagnosticCollection(languageId);
  const check = (doc: vscode.TextDocument): void => {
    if (doc.languageId === languageId) collection.set(doc.uri, promqlDiagnostics(doc));
  };
  vscode.workspace.textDocuments.forEach(check);
  const disposables: vscode.Disposable[] = [
    collection,
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => check(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => collection.delete(doc.uri)),
    vscode.languages.registerCodeLensProvider({ language: languageId }, new PromqlRunLenses()),
    vscode.languages.registerHoverProvider({ language: languageId }, new PromqlNameHover()),
  ];
  return disposables;
}
