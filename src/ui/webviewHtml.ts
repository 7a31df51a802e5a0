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

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/**
 * `strings`: the page's fixed texts, translated here (vscode.l10n), written as a JSON block the
 * page reads (src/webview/lib/strings.ts), with the display language's bundle in a second one; a
 * JSON block is data, never run, so the CSP is unchanged.
 */
export function webviewHtml(
  webview: vscode.Webview,
  root: vscode.Uri,
  name: string,
  title: string,
  strings?: Record<string, string>,
): string {
  const nonce = randomBytes(18).toString('base64');
  // `<` escaped, so no text can close the block; the language, for screen readers and hyphenation.
  const block = (id: string, data: unknown): string =>
    `<script type="application/json" id="${id}">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>\n`;
  // Outside English, the bundle too: the page translates the sentences src/core makes in it (t`…`).
  const stringsBlock =
    (strings ? block('obslab-strings', strings) : '') +
    (vscode.l10n.bundle ? block('obslab-l10n', vscode.l10n.bundle) : '');
  const lang = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(vscode.env.language) ? vscode.env.language : 'en';
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
<html lang="${lang}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'webview', `${name}.css`)}">
<link rel="stylesheet" href="${asset('media', 'panel.css')}">
<link rel="stylesheet" href="${asset('media', `${name}.css`)}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="app"></div>
${stringsBlock}<script nonce="${nonce}" src="${asset('dist', 'webview', `${name}.js`)}"></script>
</body>
</html>`;
}
