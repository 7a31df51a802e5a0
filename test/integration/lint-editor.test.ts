// The built extension lints as the editor sees it (a vscode stub that keeps what the extension does
// to it): through the lint server to diagnostics and quick fixes, with the status-bar hint, the two
// lint settings, rapid edits and an untitled document. The real workbench is the e2e suite's part.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from '../support/builtDist';

const root = join(__dirname, '..', '..');

interface EditorRun {
  lab: string[];
  labFiles: number;
  fixes: string[];
  labStatus: string;
  plain: string[];
  plainStatus: string;
  labAfterEdits: string[];
  labFolders: { plain: boolean; lab: boolean; status: string };
  off: { diagnostics: number; status: string };
  untitled: string[];
  afterClose: { untitled: boolean; deleted: boolean };
  messages: string[];
}

describe('editor linting in the built extension (dist/extension.js, dist/lintServer.js)', function () {
  this.timeout(120_000);
  let tmp: string;
  let run: EditorRun;

  before(() => {
    ensureBuilt(['extension.js', 'lintServer.js', 'cli.js']);
    tmp = mkdtempSync(join(tmpdir(), 'obslab-lint-editor-'));
    const lab = join(tmp, 'lab');
    execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'scaffold', lab], { stdio: 'ignore' });
    const cfg = join(lab, 'k8s', 'otel-collector-config.yaml');
    const text = readFileSync(cfg, 'utf8');
    const broken = text.replace(/readers:\n(?: {12}.*\n)+?( {6}pipelines:)/, 'address: 0.0.0.0:8888\n$1');
    assert.notEqual(broken, text);
    writeFileSync(cfg, broken);
    const plain = mkdtempSync(join(tmp, 'plain-'));
    const out = execFileSync(
      process.execPath,
      [join(root, 'test', 'support', 'editorLintChild.cjs'), root, lab, plain],
      { encoding: 'utf8' },
    );
    run = JSON.parse(out.trim().split('\n').pop() ?? '{}') as EditorRun;
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("shows a lab file's findings as diagnostics with their quick fix, for every file of the lab folder", () => {
    assert.deepEqual(run.lab, ['collector/telemetry-address-deprecated']);
    assert.ok(run.labFiles >= 9, `${run.labFiles} files`);
    assert.deepEqual(run.fixes, ['Rewrite as readers: pull/prometheus on 0.0.0.0:8888']);
    assert.deepEqual(run.labAfterEdits, run.lab, 'rapid edits end with the newest answer');
  });

  it('lints an unsaved file outside a lab folder and an untitled YAML document', () => {
    assert.deepEqual(run.plain, ['yaml/syntax']);
    assert.deepEqual(run.untitled, ['yaml/syntax']);
  });

  it('leaves no diagnostics on a closed untitled document or on a deleted file still open in an editor', () => {
    assert.deepEqual(run.afterClose, { untitled: false, deleted: false });
  });

  it('says in the status bar which rules the active file gets, and follows the settings', () => {
    assert.equal(run.labStatus, '$(checklist) Obslab: lab rules');
    assert.equal(run.plainStatus, '$(checklist) Obslab: general rules');
    assert.deepEqual(run.labFolders, { plain: false, lab: true, status: '$(checklist) Obslab: lint off' });
    assert.deepEqual(run.off, { diagnostics: 0, status: '$(checklist) Obslab: lint off' });
  });

  it('says nothing to the user when nothing went wrong', () => {
    // A lint over a second is noted in the output channel with its time (a busy machine makes one):
    // a log line for whoever looks, not something said to the user.
    const timing = /^\[lint\] Linting \d+ file\(s\) around .* took \d+ ms$/;
    assert.deepEqual(
      run.messages.filter((m) => !timing.test(m)),
      [],
    );
  });
});
