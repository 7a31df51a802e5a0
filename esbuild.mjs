// Three bundles, built apart so each carries only what it runs:
// the extension host (vscode is external), the CLI (plain Node) and the webview scripts (browser).
import { build } from 'esbuild';
import { chmodSync, existsSync, readdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

const webviewEntries = existsSync('src/webview')
  ? readdirSync('src/webview').filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => `src/webview/${f}`)
  : [];

await Promise.all([
  build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } }),
  ...(webviewEntries.length
    ? [build({ ...common, entryPoints: webviewEntries, outdir: 'dist/webview', platform: 'browser', format: 'iife', target: 'chrome120' })]
    : []),
]);
// `npx obslab` runs dist/cli.js directly.
chmodSync('dist/cli.js', 0o755);
