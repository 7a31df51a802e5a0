// Loads an extension bundle with the vscode API stubbed (for this bench only) and times
// require + activate in a fresh process; prints the milliseconds.
'use strict';
const Module = require('node:module');
const { performance } = require('node:perf_hooks');

const disposable = { dispose() {} };
const event = () => disposable;
const vscodeStub = {
  commands: { registerCommand: () => disposable, executeCommand: async () => undefined },
  window: {
    createOutputChannel: () => ({ appendLine() {}, show() {}, dispose() {} }),
    registerWebviewPanelSerializer: () => disposable,
    onDidChangeActiveTextEditor: event,
    activeTextEditor: undefined,
    createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
  },
  workspace: {
    getConfiguration: () => ({ get: (_k, d) => d }),
    textDocuments: [],
    onDidOpenTextDocument: event,
    onDidChangeTextDocument: event,
    onDidSaveTextDocument: event,
    onDidChangeConfiguration: event,
    onDidDeleteFiles: event,
    onDidCloseTextDocument: event,
  },
  languages: {
    createDiagnosticCollection: () => ({ set() {}, delete() {}, dispose() {} }),
    registerCodeActionsProvider: () => disposable,
  },
  extensions: { getExtension: () => undefined },
  // English: no bundle, so activate installs no translator.
  l10n: { bundle: undefined, uri: undefined, t: (message) => message },
  Uri: { file: (p) => ({ fsPath: p, toString: () => `file://${p}` }) },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  CodeActionKind: { QuickFix: { value: 'quickfix' } },
  StatusBarAlignment: { Left: 1, Right: 2 },
  Disposable: class {
    dispose() {}
  },
  EventEmitter: class {
    event = () => disposable;
    fire() {}
    dispose() {}
  },
};
const realLoad = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscodeStub : realLoad.call(this, request, ...rest);
};

const bundle = process.argv[2];
const context = {
  subscriptions: [],
  globalState: { get: () => true, update: async () => undefined },
  workspaceState: { get: () => undefined, update: async () => undefined },
};
const t0 = performance.now();
const ext = require(bundle);
ext.activate(context);
const ms = performance.now() - t0;
process.stdout.write(`${ms}\n`);
