// A panel's page as the extension serves it, for tests in real Chromium: the page's script and CSS
// as esbuild bundles them (dist/webview/<name>.{js,css}), the media CSS, a nonce-only CSP like
// webviewHtml's, a stand-in acquireVsCodeApi that records what the page posts, and optionally what
// VS Code adds (a theme's variables and body class) and what the host writes (the fixed texts and
// the display language's bundle as JSON blocks, as src/ui/webviewHtml.ts does).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { repoRoot } from '../harness/lib';

export const pageNonce = 'YTExeW5vbmNlMTIz';

export interface PageTheme {
  theme: string;
  bodyClass: string;
  variables: Record<string, string>;
}

const built = new Map<string, { js: string; css: string }>();

/** The page's script and the CSS esbuild writes beside it, built once per test process. */
export function pageBundle(name: string): { js: string; css: string } {
  const cached = built.get(name);
  if (cached) return cached;
  const out = buildSync({
    entryPoints: [join(repoRoot, 'src', 'webview', `${name}.ts`)],
    bundle: true,
    write: false,
    outdir: `out-page-${name}`,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    logLevel: 'silent',
  });
  const file = (ext: string): string => out.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  const result = { js: file('.js'), css: file('.css') };
  built.set(name, result);
  return result;
}

export interface PageOptions {
  theme?: PageTheme;
  /** The page's fixed texts, as the host writes them (#obslab-strings). */
  strings?: Record<string, string>;
  /** The display language's bundle (#obslab-l10n). */
  l10n?: Record<string, string>;
}

/** The page's whole HTML. */
export function pageHtml(name: string, o: PageOptions = {}): string {
  const { js, css } = pageBundle(name);
  const media = ['panel', name].map((f) => readFileSync(join(repoRoot, 'media', `${f}.css`), 'utf8')).join('\n');
  const stub =
    'window.posted = []; let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => state, setState: (s) => { state = s; } });';
  const setTheme = o.theme
    ? `for (const [k, v] of Object.entries(${JSON.stringify(o.theme.variables)})) document.documentElement.style.setProperty(k, v); document.body.className = ${JSON.stringify(o.theme.bodyClass)};`
    : '';
  const safe = (s: string): string => s.replace(/<\/(script|style)/gi, '<\\/$1');
  const block = (id: string, data: unknown): string =>
    `<script type="application/json" id="${id}">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`;
  const blocks = (o.strings ? block('obslab-strings', o.strings) : '') + (o.l10n ? block('obslab-l10n', o.l10n) : '');
  return `<!DOCTYPE html><html lang="en"><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${pageNonce}'; style-src 'nonce-${pageNonce}'"><title>${name}</title><style nonce="${pageNonce}">${safe(css)}</style><style nonce="${pageNonce}">${safe(media)}</style></head><body><div id="app"></div>${blocks}<script nonce="${pageNonce}">${stub} ${setTheme}</script><script nonce="${pageNonce}">${safe(js)}</script></body></html>`;
}
