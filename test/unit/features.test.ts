// The feature table (src/features.ts) is what src/extension.ts registers and esbuild.mjs builds
// from; package.json is written by hand, so these fail when the two disagree.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { activationEvents, features, lazyBundles } from '../../src/features';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: { commands: { command: string }[] };
};
const contributed = manifest.contributes.commands.map((c) => c.command).sort();
const tabled = features.flatMap((f) => Object.keys(f.commands));

describe('the feature table (src/features.ts)', () => {
  it('has every command of package.json, each once, and no other', () => {
    assert.equal(new Set(tabled).size, tabled.length, 'a command is in two rows');
    assert.deepEqual([...tabled].sort(), contributed);
  });

  it('gives package.json its activation events: start-up, and one per panel to restore', () => {
    assert.deepEqual(manifest.activationEvents, activationEvents());
    assert.deepEqual(
      activationEvents()
        .filter((e) => e.startsWith('onWebviewPanel:'))
        .sort(),
      ['onWebviewPanel:obslab.doctor', 'onWebviewPanel:obslab.pipeline', 'onWebviewPanel:obslab.query'],
    );
  });

  it('names lazy bundles whose entries exist, and esbuild.mjs builds them from the table rather than by name', () => {
    for (const [name, entry] of Object.entries(lazyBundles)) {
      assert.match(name, /^[a-zA-Z]+$/, `${name} becomes dist/${name}.js`);
      assert.ok(existsSync(join(root, entry)), `${entry} exists`);
    }
    const esbuild = readFileSync(join(root, 'esbuild.mjs'), 'utf8');
    assert.match(esbuild, /src\/features\.ts/);
    for (const entry of Object.values(lazyBundles))
      assert.ok(!esbuild.includes(entry), `esbuild.mjs names ${entry} by hand`);
  });

  it('is what activate registers: every command through registerCommand and every panel serializer, loading no lazy bundle', () => {
    // In a process of its own, so that this stand-in vscode meets fresh copies of src/ modules.
    const probe = `
      const Module = require('node:module');
      const d = { dispose() {} };
      const ev = () => d;
      const commands = [], panels = [], loaded = [];
      const vscode = {
        commands: { registerCommand: (id) => (commands.push(id), d), executeCommand: async () => undefined },
        window: { createOutputChannel: () => ({ appendLine() {}, show() {}, dispose() {} }), registerWebviewPanelSerializer: (v) => (panels.push(v), d), onDidChangeActiveTextEditor: ev, activeTextEditor: undefined, createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }) },
        workspace: { getConfiguration: () => ({ get: (_k, v) => v }), textDocuments: [], onDidOpenTextDocument: ev, onDidChangeTextDocument: ev, onDidSaveTextDocument: ev, onDidChangeConfiguration: ev, onDidDeleteFiles: ev, onDidCloseTextDocument: ev },
        languages: { createDiagnosticCollection: () => ({ set() {}, delete() {}, dispose() {} }), registerCodeActionsProvider: () => d },
        extensions: { getExtension: () => undefined },
        l10n: { bundle: undefined, uri: undefined, t: (m) => m },
        Uri: { file: (p) => ({ fsPath: p, toString: () => 'file://' + p }) },
        DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
        CodeActionKind: { QuickFix: { value: 'quickfix' } },
        StatusBarAlignment: { Left: 1, Right: 2 },
        Disposable: class { dispose() {} },
        EventEmitter: class { event = () => d; fire() {} dispose() {} },
      };
      const real = Module._load;
      Module._load = function (request, ...rest) {
        if (request === 'vscode') return vscode;
        if (/dist[\\\\/]\\w+\\.js$/.test(request)) loaded.push(request);
        return real.call(this, request, ...rest);
      };
      const context = { subscriptions: [], asAbsolutePath: (p) => p, globalState: { get: () => true, update: async () => undefined }, workspaceState: { get: () => undefined, update: async () => undefined } };
      require('./src/extension.ts').activate(context);
      process.stdout.write(JSON.stringify({ commands, panels, loaded }));
    `;
    const out = JSON.parse(
      execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', probe], { cwd: root, encoding: 'utf8' }),
    ) as { commands: string[]; panels: string[]; loaded: string[] };
    assert.deepEqual([...out.commands].sort(), contributed);
    assert.deepEqual([...out.panels].sort(), features.flatMap((f) => Object.keys(f.panels ?? {})).sort());
    assert.deepEqual(out.loaded, []);
  });
});
