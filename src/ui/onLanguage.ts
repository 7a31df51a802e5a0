// A language's lazy bundle starts on the first document of that language (open at activation or
// opened later), once: activation itself only listens, so it pays for no parser.
import * as vscode from 'vscode';

export function whenLanguageOpens(languageId: string, start: () => vscode.Disposable[]): vscode.Disposable {
  const started: vscode.Disposable[] = [];
  let listener: vscode.Disposable | undefined;
  const startOnce = (doc: vscode.TextDocument): void => {
    if (doc.languageId !== languageId || listener === undefined) return;
    listener.dispose();
    listener = undefined;
    started.push(...start());
  };
  listener = vscode.workspace.onDidOpenTextDocument(startOnce);
  vscode.workspace.textDocuments.forEach(startOnce);
  return { dispose: () => [listener, ...started.splice(0)].forEach((d) => d?.dispose()) };
}
