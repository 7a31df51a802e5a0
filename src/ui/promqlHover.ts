// The hover on a metric name in .promql files (registered with the promql language's other
// features in promqlLanguage.ts): which of the lab's instruments, through which path and
// translation_strategy, give the name, from the name translator (src/core/promql/nameHover.ts).
import * as vscode from 'vscode';
import { nameHover } from '../core/promql/nameHover';

export class PromqlNameHover implements vscode.HoverProvider {
  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const line = doc.lineAt(position.line).text;
    if (line.trimStart().startsWith('#')) return undefined;
    const h = nameHover(line, position.character);
    if (!h) return undefined;
    const md = new vscode.MarkdownString(h.lines.join('\n\n'));
    return new vscode.Hover(md, new vscode.Range(position.line, h.start, position.line, h.end));
  }
}
