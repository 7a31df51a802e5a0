// The page every webview of ours loads: a strict Content-Security-Policy with a fresh nonce,
// our bundle and styles only (dist/webview/<name>.js and .css, media/<name>.css); and making,
// restoring and connecting the panels that show it, one way for every panel.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** What the page above needs: scripts on, and only our bundle and styles loadable. */
export function webviewOptions(root: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media')],
  };
}

/** A new panel of ours in the active column, with the options webviewHtml's page needs. */
export function createPanel(
  root: vscode.Uri,
  viewType: string,
  title: string,
  o: { retainContextWhenHidden: boolean; preserveFocus?: boolean },
): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(
    viewType,
    title,
    { viewColumn: vscode.ViewColumn.Active, preserveFocus: o.preserveFocus ?? false },
    { ...webviewOptions(root), retainContextWhenHidden: o.retainContextWhenHidden },
  );
}

/** A panel VS Code restored after a reload: its webview options are not kept, so they are given again. */
export function adoptPanel(root: vscode.Uri, panel: vscode.WebviewPanel): vscode.WebviewPanel {
  panel.webview.options = webviewOptions(root);
  return panel;
}

/** Connects a panel to the object that hosts it: the page's messages, and the panel's closing; the listeners go with `disposables`. */
export function connectPanel(
  panel: vscode.WebviewPanel,
  disposables: vscode.Disposable[],
  host: { message: (m: unknown) => void; dispose: () => void },
): void {
  panel.onDidDispose(host.dispose, null, disposables);
  panel.webview.onDidReceiveMessage(host.message, null, disposables);
}

export function webviewHtml(webview: vscode.Webview, root: vscode.Uri, name: string, title: string): string {
  const nonce = randomBytes(18).toString('base64');
  const asset = (...p: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(root, ...p)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // CodeMirror writes its theme into <style> elements at run time; they carry this nonce.
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'webview', `${name}.css`)}">
<link rel="stylesheet" href="${asset('media', `${name}.css`)}">
<title>${title}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${asset('dist', 'webview', `${name}.js`)}"></script>
</body>
</html>`;
}
