// Runs the built extension (dist/extension.js) with a vscode stub that keeps what the linting does
// to it (diagnostics, quick fixes, the status bar, messages), and drives it as an editor would:
// open, edit, change settings. Prints one JSON line of what happened, for lint-editor.test.ts.
'use strict';
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');

const [root, lab, plainDir] = process.argv.slice(2);
const listeners = {};
const on = (name) => (fn) => {
  (listeners[name] ??= []).push(fn);
  return { dispose() {} };
};
const fire = (name, arg) => (listeners[name] ?? []).forEach((f) => f(arg));
const diagnostics = new Map();
const messages = [];
const config = { 'obslab.lint': { scope: 'workspace', labRules: 'labFolders' }, obslab: {} };
class Uri {
  constructor(scheme, p) {
    this.scheme = scheme;
    this.fsPath = p;
  }
  toString() {
    return `${this.scheme}:${this.fsPath}`;
  }
  static file(p) {
    return new Uri('file', p);
  }
}
class Range {
  constructor(a, b, c, d) {
    this.start = { line: a, character: b };
    this.end = { line: c, character: d };
  }
  intersection(o) {
    return o.start.line <= this.end.line && o.end.line >= this.start.line ? this : undefined;
  }
}
const status = { text: undefined, visible: false };
let provider;
const vscodeStub = {
  // vscode.l10n.t with no bundle loaded: the English message, {0}, {1}… filled in order.
  l10n: {
    t: (message, ...args) => message.replace(/\{(\d+)\}/g, (whole, i) => (i < args.length ? String(args[i]) : whole)),
  },
  commands: { registerCommand: () => ({ dispose() {} }), executeCommand: async () => undefined },
  window: {
    createOutputChannel: () => ({ appendLine: (l) => messages.push(l), show() {}, dispose() {} }),
    registerWebviewPanelSerializer: () => ({ dispose() {} }),
    onDidChangeActiveTextEditor: on('active'),
    activeTextEditor: undefined,
    createStatusBarItem: () => ({
      set text(t) {
        status.text = t;
      },
      show() {
        status.visible = true;
      },
      hide() {
        status.visible = false;
      },
      dispose() {},
    }),
    showWarningMessage: async (m) => {
      messages.push(`warning: ${m}`);
      return undefined;
    },
  },
  workspace: {
    getConfiguration: (section) => ({ get: (k, d) => (config[section] ?? {})[k] ?? d, inspect: () => ({}) }),
    textDocuments: [],
    onDidOpenTextDocument: on('open'),
    onDidChangeTextDocument: on('change'),
    onDidSaveTextDocument: on('save'),
    onDidChangeConfiguration: on('config'),
    onDidDeleteFiles: on('delete'),
    onDidCloseTextDocument: on('close'),
    createFileSystemWatcher: () => ({
      onDidCreate: () => ({ dispose() {} }),
      onDidDelete: () => ({ dispose() {} }),
      dispose() {},
    }),
  },
  languages: {
    createDiagnosticCollection: () => ({
      set: (uri, d) => diagnostics.set(uri.toString(), d),
      delete: (uri) => diagnostics.delete(uri.toString()),
      clear: () => diagnostics.clear(),
      forEach: (fn) => [...diagnostics.keys()].forEach((k) => fn({ toString: () => k }, diagnostics.get(k))),
      dispose() {},
    }),
    registerCodeActionsProvider: (_selector, p) => {
      provider = p;
      return { dispose() {} };
    },
  },
  extensions: { getExtension: () => undefined },
  Uri,
  Range,
  Diagnostic: class {
    constructor(range, message, severity) {
      Object.assign(this, { range, message, severity });
    }
  },
  CodeAction: class {
    constructor(title, kind) {
      Object.assign(this, { title, kind });
    }
  },
  WorkspaceEdit: class {
    replace() {}
  },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  CodeActionKind: { QuickFix: { value: 'quickfix' } },
  StatusBarAlignment: { Left: 1, Right: 2 },
  Disposable: class {
    dispose() {}
  },
  EventEmitter: class {
    event = () => ({ dispose() {} });
    fire() {}
    dispose() {}
  },
};
const realLoad = Module._load;
Module._load = function (request, ...rest) {
  // The YAML language client is another test's subject (yaml-server.test.ts).
  if (/yamlClient\.js$/.test(request)) return { startYamlClient: async () => ({ stop: async () => undefined }) };
  return request === 'vscode' ? vscodeStub : realLoad.call(this, request, ...rest);
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const until = async (ok) => {
  for (let i = 0; i < 100 && !ok(); i++) await sleep(50);
};
const codes = (uri) => (diagnostics.get(uri) ?? []).map((d) => d.code);
const settings = async (scope) => {
  config['obslab.lint'].scope = scope;
  fire('config', { affectsConfiguration: (s) => s === 'obslab.lint' || s === 'obslab' });
  await sleep(700);
};

(async () => {
  const ext = require(path.join(root, 'dist', 'extension.js'));
  const context = {
    subscriptions: [],
    asAbsolutePath: (p) => path.join(root, p),
    globalState: { get: () => true, update: async () => undefined },
    workspaceState: { get: () => undefined, update: async () => undefined },
  };
  ext.activate(context);
  const out = {};
  const cfg = path.join(lab, 'k8s', 'otel-collector-config.yaml');
  const labDoc = {
    uri: Uri.file(cfg),
    languageId: 'yaml',
    isDirty: false,
    getText: () => fs.readFileSync(cfg, 'utf8'),
  };
  vscodeStub.workspace.textDocuments.push(labDoc);
  fire('open', labDoc);
  await until(() => diagnostics.has(labDoc.uri.toString()));
  out.lab = codes(labDoc.uri.toString());
  out.labFiles = diagnostics.size;
  const addr = (diagnostics.get(labDoc.uri.toString()) ?? []).find(
    (d) => d.code === 'collector/telemetry-address-deprecated',
  );
  out.fixes = addr ? provider.provideCodeActions(labDoc, addr.range).map((a) => a.title) : [];
  vscodeStub.window.activeTextEditor = { document: labDoc };
  fire('active');
  await sleep(100);
  out.labStatus = status.text;

  const plain = path.join(plainDir, 'x.yaml');
  fs.writeFileSync(plain, 'kind: [\n');
  const plainDoc = { uri: Uri.file(plain), languageId: 'yaml', isDirty: true, getText: () => 'kind: [\n' };
  vscodeStub.workspace.textDocuments.push(plainDoc);
  fire('open', plainDoc);
  await until(() => diagnostics.has(plainDoc.uri.toString()));
  out.plain = codes(plainDoc.uri.toString());
  vscodeStub.window.activeTextEditor = { document: plainDoc };
  fire('active');
  await sleep(100);
  out.plainStatus = status.text;

  // Rapid edits: debounced, and only the newest answer shown.
  for (let i = 0; i < 5; i++) {
    fire('change', { document: labDoc });
    await sleep(20);
  }
  await sleep(1200);
  out.labAfterEdits = codes(labDoc.uri.toString());

  await settings('labFolders');
  out.labFolders = {
    plain: diagnostics.has(plainDoc.uri.toString()),
    lab: diagnostics.has(labDoc.uri.toString()),
    status: status.text,
  };
  await settings('off');
  out.off = { diagnostics: diagnostics.size, status: status.text };
  await settings('workspace');
  const untitled = {
    uri: new Uri('untitled', 'Untitled-1'),
    languageId: 'yaml',
    isDirty: true,
    getText: () => 'a: [\n',
  };
  fire('open', untitled);
  await until(() => diagnostics.has('untitled:Untitled-1'));
  out.untitled = codes('untitled:Untitled-1');
  // Closing the untitled document, and deleting a file that is still open, leave no diagnostics behind.
  fire('close', untitled);
  fs.rmSync(plain);
  fire('delete', { files: [plainDoc.uri] });
  await sleep(700);
  out.afterClose = {
    untitled: diagnostics.has('untitled:Untitled-1'),
    deleted: diagnostics.has(plainDoc.uri.toString()),
  };
  out.messages = messages;
  for (const s of context.subscriptions) s.dispose?.();
  await ext.deactivate();
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
})();
