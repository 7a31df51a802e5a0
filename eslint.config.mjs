// Flat config: typescript-eslint's recommended type-aware rules over everything we write.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Every layer rule's message starts with this, so test/unit/layers.test.ts can tell them from other rules.
const layerMessage = 'Layer rule (docs: ARCHITECTURE.md "Layers")';

function layerRules() {
  const vscode = { name: 'vscode', message: `${layerMessage}: only src/ui and src/extension.ts import vscode.` };
  // Bare names here (fs, os, https, fs/promises...); builtinPattern catches every node:* name.
  const builtins = (why) =>
    builtinModules.filter((m) => !m.startsWith('node:')).map((name) => ({ name, message: `${layerMessage}: ${why}` }));
  const builtinPattern = (why) => ({ regex: '^node:', message: `${layerMessage}: ${why}` });
  // A relative import that climbs out to a sibling top-level folder of src/ (or of src/node/ for the adapters).
  const folders = (names, why) => ({
    regex: `^(\\.\\./)+(${names.join('|')})(/|$)`,
    message: `${layerMessage}: ${why}`,
  });
  const rule = (paths, patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] });
  const pure = 'src/core is pure: no Node built-ins; what it needs is handed to it.';
  const browser = 'src/webview is browser code: no Node built-ins.';
  const nodeLayer = folders(
    ['ui', 'cli', 'webview'],
    'src/node is the adapters under ui and cli: it may import core only (and other adapters through what ui/cli hand it).',
  );
  return [
    {
      files: ['src/core/**/*.ts'],
      rules: rule(
        [vscode, ...builtins(pure)],
        [
          builtinPattern(pure),
          folders(['node', 'ui', 'cli', 'webview', 'lintServer', 'yamlServer'], 'src/core imports only src/core.'),
        ],
      ),
    },
    {
      files: ['src/node/**/*.ts'],
      ignores: ['src/node/aws/**'],
      rules: rule([vscode], [nodeLayer]),
    },
    {
      // The AWS adapter reaches Kubernetes through functions ui and cli hand it (e.g. readIrsaKubeSide, applyServiceAccount).
      files: ['src/node/aws/**/*.ts'],
      rules: rule(
        [vscode],
        [
          nodeLayer,
          folders(
            ['kube'],
            'src/node/aws reaches Kubernetes only through functions ui/cli pass in, never by importing src/node/kube.',
          ),
        ],
      ),
    },
    {
      files: ['src/ui/**/*.ts', 'src/extension.ts'],
      rules: rule(
        [],
        [
          folders(
            ['cli', 'webview', 'lintServer', 'yamlServer'],
            'src/ui wires node and core; the CLI, the pages and the servers are separate programs.',
          ),
        ],
      ),
    },
    {
      files: ['src/cli/**/*.ts'],
      rules: rule(
        [vscode],
        [folders(['ui', 'webview', 'lintServer', 'yamlServer'], 'src/cli imports node and core only.')],
      ),
    },
    {
      files: ['src/lintServer/**/*.ts', 'src/yamlServer/**/*.ts'],
      rules: rule(
        [vscode],
        [
          folders(
            ['ui', 'cli', 'webview'],
            'the language servers are their own processes: they import node and core only.',
          ),
        ],
      ),
    },
    {
      files: ['src/webview/**/*.ts'],
      rules: rule(
        [vscode, ...builtins(browser)],
        [
          builtinPattern(browser),
          folders(
            ['node', 'ui', 'cli', 'lintServer', 'yamlServer'],
            'src/webview speaks to the host only through src/core/protocol.',
          ),
          {
            // Beyond its protocol, a page takes only types from core; doctor/text is one exception, so the
            // page shows a fix's command in exactly the words the host and the CLI show it, and text/l10n
            // the other, so the sentences protocol code makes in the page are translated as the host's are.
            regex: '^(\\.\\./)+core/(?!protocol/|doctor/text$|text/l10n$)',
            allowTypeImports: true,
            message: `${layerMessage}: src/webview imports src/core/protocol and core types only.`,
          },
        ],
      ),
    },
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'test-results/**', '.obslab-test/**', 'templates/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  // The layers of ARCHITECTURE.md, held by the linter rather than by habit: each block lists what a
  // folder may not import. Flat config replaces a rule per file rather than merging it, so each folder
  // gets one complete list, built from the pieces below.
  ...layerRules(),
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
);
