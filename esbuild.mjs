// Bundles built apart so each carries only what it runs: the extension host and its lazy bundles
// (vscode is external), the lint and YAML servers and the CLI (plain Node), the webview scripts (browser).
import { build, buildSync } from 'esbuild';
import { Buffer } from 'node:buffer';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';

// The lazy bundles come from the feature table (src/features.ts), the same table src/extension.ts
// registers from. It is TypeScript with type-only imports, so esbuild itself turns it into a module
// we import from memory: one source, no generated copy to keep in step, on any Node that runs esbuild.
const table = buildSync({
  entryPoints: ['src/features.ts'],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  logLevel: 'warning',
});
const { lazyBundles } = await import(
  `data:text/javascript;base64,${Buffer.from(table.outputFiles[0].text).toString('base64')}`
);

const production = process.argv.includes('--production');
// Node 21 on warns (DEP0040) when the built-in punycode is required, as the Kubernetes client's
// whatwg-url and tr46 do; the npm package of the same code keeps the CLI quiet on Node 22 and 24.
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  // whatwg-url: node-fetch 2 (the Kubernetes client's) uses Node's URL; the package's Unicode
  // tables cost ~70 KB of the .vsix per bundle (src/node/kube/whatwgUrl.ts says why it is safe).
  alias: { punycode: 'punycode/', 'whatwg-url': './src/node/kube/whatwgUrl.ts' },
};

// @kubernetes/client-node (~410 KB minified) once, in dist/kubeClient.js: every bundle that talks
// to a cluster (kube, doctor, iam, loadtest, the CLI) requires it from there at run time instead of
// carrying its own copy, which kept the .vsix over its 3 MiB goal. Node resolves the relative
// require against the bundle's own folder, dist/.
// Only the names our sources import from it, so esbuild still leaves the rest of the client out.
const kubeClientNames = [
  ...new Set(
    readdirSync('src', { recursive: true })
      .filter((f) => typeof f === 'string' && f.endsWith('.ts'))
      .flatMap((f) =>
        [
          ...readFileSync(`src/${f}`, 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'@kubernetes\/client-node'/g),
        ].flatMap((m) =>
          (m[1] ?? '')
            .split(',')
            .map((n) => n.trim())
            .filter((n) => n && !n.startsWith('type '))
            .map((n) => n.split(/\s+as\s+/)[0]),
        ),
      ),
  ),
].sort();
const sharedKubeClient = {
  name: 'shared-kube-client',
  setup(b) {
    b.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: './kubeClient.js', external: true }));
  },
};

const webviewEntries = existsSync('src/webview')
  ? readdirSync('src/webview')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .map((f) => `src/webview/${f}`)
  : [];

await Promise.all([
  build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  }),
  // The editor's lazy bundles, src/features.ts's lazyBundles: dist/<name>.js, required by src/ui/lazyBundle.ts on first use.
  ...Object.entries(lazyBundles).map(([name, entry]) =>
    build({
      ...common,
      entryPoints: [entry],
      outfile: `dist/${name}.js`,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      plugins: [sharedKubeClient],
    }),
  ),
  // The Kubernetes client the bundles above and the CLI share (sharedKubeClient).
  build({
    ...common,
    stdin: {
      contents: `export { ${kubeClientNames.join(', ')} } from '@kubernetes/client-node';`,
      resolveDir: '.',
      loader: 'js',
    },
    outfile: 'dist/kubeClient.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  // The lint engine, its rules, the YAML parser and the schemas: a process of its own (LintProcess forks it).
  build({
    ...common,
    entryPoints: ['src/lintServer/main.ts'],
    outfile: 'dist/lintServer.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  // The built-in load engine's worker thread (src/node/loadtest/loadgenThread.ts starts it), for the editor and the CLI alike.
  build({
    ...common,
    entryPoints: ['src/node/loadtest/loadgenWorker.ts'],
    outfile: 'dist/loadgenWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  // yaml-language-server, its own process; prettier (formatting, switched off) is left out.
  build({
    ...common,
    entryPoints: ['src/yamlServer/main.ts'],
    outfile: 'dist/yamlServer.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    alias: Object.fromEntries(
      ['prettier/standalone', 'prettier/plugins/yaml', 'prettier/plugins/estree'].map((m) => [
        m,
        './src/yamlServer/noPrettier.ts',
      ]),
    ),
  }),
  build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [sharedKubeClient],
    banner: { js: '#!/usr/bin/env node' },
  }),
  ...(webviewEntries.length
    ? [
        build({
          ...common,
          entryPoints: webviewEntries,
          outdir: 'dist/webview',
          platform: 'browser',
          format: 'iife',
          target: 'chrome120',
        }),
      ]
    : []),
]);
// `npx obslab` runs dist/cli.js directly.
chmodSync('dist/cli.js', 0o755);
// yaml-language-server reads its (English) messages from a folder it is told at initialize.
mkdirSync('dist/l10n', { recursive: true });
copyFileSync('node_modules/yaml-language-server/l10n/bundle.l10n.json', 'dist/l10n/bundle.l10n.json');
