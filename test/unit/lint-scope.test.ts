// Which files are linted together and how they are read: the one way the editor's lint server and
// `obslab lint` choose, read and skip files (src/node/lint/), and what the two lint settings mean.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { maxLintNesting, nestingDepth } from '../../src/core/lint/nesting';
import { readLintInputs } from '../../src/node/lint/readInputs';
import { groupByScope, ignoredByName, isLintable, maxScopeFiles, scopeFiles, scopeOf } from '../../src/node/lint/scope';
import { labRulesIn, lintSettings, lintsIn, rulesHint } from '../../src/node/lint/scopeSettings';
import { renderLab } from '../support/lab';

function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('lint scope: which files are linted together', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'obslab-scope-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("finds the lab folder up to five folders above a file, else takes the file's own folder", async () => {
    writeTree(root, {
      'lab/obslab-lab.json': '{}',
      'lab/k8s/app.yaml': 'a: 1',
      'lab/1/2/3/4/5/five.yaml': 'a: 1',
      'lab/1/2/3/4/5/6/six.yaml': 'a: 1',
      'plain/x.yaml': 'a: 1',
    });
    assert.deepEqual(await scopeOf(join(root, 'lab', 'k8s', 'app.yaml')), { dir: join(root, 'lab'), lab: true });
    assert.deepEqual(await scopeOf(join(root, 'lab', 'obslab-lab.json')), { dir: join(root, 'lab'), lab: true });
    assert.deepEqual(await scopeOf(join(root, 'lab', '1', '2', '3', '4', '5', 'five.yaml')), {
      dir: join(root, 'lab'),
      lab: true,
    });
    assert.deepEqual(await scopeOf(join(root, 'lab', '1', '2', '3', '4', '5', '6', 'six.yaml')), {
      dir: join(root, 'lab', '1', '2', '3', '4', '5', '6'),
      lab: false,
    });
    assert.deepEqual(await scopeOf(join(root, 'plain', 'x.yaml')), { dir: join(root, 'plain'), lab: false });
  });

  it("takes a lab folder's files below it, but not hidden, build or dependency folders, nor deeper than four folders", async () => {
    for (const f of renderLab().values()) writeTree(root, { [f.path]: f.content });
    writeTree(root, {
      '.github/ci.yml': 'a: 1',
      'node_modules/x/y.json': '{}',
      'dist/z.json': '{}',
      '.obslab-build/w.yaml': 'a: 1',
      '1/2/3/4/in.yaml': 'a: 1',
      '1/2/3/4/5/out.yaml': 'a: 1',
      'package.json': '{}',
    });
    const { files, tooMany } = await scopeFiles({ dir: root, lab: true });
    assert.equal(tooMany, false);
    const rel = files.map((f) => f.slice(root.length + 1));
    const expected = [...renderLab().values()].map((f) => f.path).filter((p) => /\.(ya?ml|json|jmx)$/.test(p));
    assert.deepEqual(rel, [...expected, join('1', '2', '3', '4', 'in.yaml')].sort());
  });

  it('takes only the files directly in a folder that is not a lab folder', async () => {
    writeTree(root, { 'a.yaml': 'a: 1', 'b.json': '{}', 'notes.txt': 'x', 'sub/c.yaml': 'a: 1' });
    assert.deepEqual((await scopeFiles({ dir: root, lab: false })).files, [join(root, 'a.yaml'), join(root, 'b.json')]);
  });

  it(`gives up on a folder with more than ${maxScopeFiles} files to lint`, async () => {
    writeTree(root, Object.fromEntries(Array.from({ length: maxScopeFiles + 1 }, (_, i) => [`f${i}.yaml`, 'a: 1'])));
    assert.deepEqual(await scopeFiles({ dir: root, lab: false }), { files: [], tooMany: true });
  });

  it('groups files by scope, folders in order', async () => {
    writeTree(root, {
      'lab/obslab-lab.json': '{}',
      'lab/k8s/a.yaml': 'a: 1',
      'lab/b.yaml': 'a: 1',
      'x/c.yaml': 'a: 1',
      'x/y/d.yaml': 'a: 1',
    });
    const groups = await groupByScope([
      join(root, 'x', 'y', 'd.yaml'),
      join(root, 'lab', 'k8s', 'a.yaml'),
      join(root, 'x', 'c.yaml'),
      join(root, 'lab', 'b.yaml'),
    ]);
    assert.deepEqual(
      groups.map((g) => [
        g.scope.dir.slice(root.length + 1),
        g.scope.lab,
        g.files.map((f) => f.slice(root.length + 1)),
      ]),
      [
        ['lab', true, [join('lab', 'k8s', 'a.yaml'), join('lab', 'b.yaml')]],
        ['x', false, [join('x', 'c.yaml')]],
        [join('x', 'y'), false, [join('x', 'y', 'd.yaml')]],
      ],
    );
  });

  it('knows the files of other tools by name', () => {
    for (const f of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.base.json',
      'jsconfig.json',
      'composer.json',
      '.eslintrc.json',
      'pnpm-lock.yaml',
      'deps-lock.json',
      join('x', '.vscode', 'settings.json'),
      join('x', '.vscode', 'launch.json'),
    ]) {
      assert.equal(ignoredByName(f), true, f);
      assert.equal(isLintable(f), false, f);
    }
    for (const f of [
      'k8s/app.yaml',
      'iam/prometheus-iam-policy.json',
      'obslab-lab.json',
      'jmeter/hash-load.jmx',
      'values.yml',
      'lockstep.yaml',
    ])
      assert.equal(isLintable(f), true, f);
    assert.equal(isLintable('notes.txt'), false);
  });
});

describe('lint scope: reading files', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'obslab-read-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("takes an open document's text over the file on disk, and drops a file that is gone", async () => {
    writeTree(root, { 'a.yaml': 'on: disk\n' });
    const read = await readLintInputs(
      [join(root, 'a.yaml'), join(root, 'gone.yaml')],
      new Map([[join(root, 'a.yaml'), 'in: editor\n']]),
    );
    assert.deepEqual(read.inputs, [{ file: join(root, 'a.yaml'), text: 'in: editor\n' }]);
    assert.deepEqual(read.skipped, []);
  });

  it('skips a file by its size on disk before reading it', async () => {
    writeFileSync(join(root, 'big.json'), '');
    truncateSync(join(root, 'big.json'), 5e6);
    const read = await readLintInputs([join(root, 'big.json')]);
    assert.deepEqual(read.inputs, []);
    assert.match(read.skipped[0]?.message ?? '', /5\.0 MB, over the 2 MB/);
  });

  it('skips an open document nested too deep, too', async () => {
    const read = await readLintInputs(
      [join(root, 'deep.yaml')],
      new Map([[join(root, 'deep.yaml'), `a: ${'{'.repeat(500)}`]]),
    );
    assert.deepEqual(read.inputs, []);
    assert.match(read.skipped[0]?.message ?? '', /nested 500 levels deep, over the 200/);
  });
});

describe('lint scope: nesting depth, counted before parsing', () => {
  it('counts brackets and braces, not those inside strings or YAML comments', () => {
    assert.equal(nestingDepth('{"a": [[1, 2], {"b": "[[[[[["}]}', 'json'), 3);
    assert.equal(nestingDepth('a: "[[[[" # [[[[[\nb: [1, {c: \'{{{{\'}]\n', 'yaml'), 2);
  });

  it('counts block YAML by indentation, and compact sequences on one line', () => {
    assert.equal(nestingDepth('a:\n  b:\n    c: 1\n  d: 2\ne: 3\n', 'yaml'), 3);
    assert.equal(nestingDepth('- - - - x\n', 'yaml'), 5);
    assert.equal(nestingDepth('---\na: 1\n---\nb: 2\n', 'yaml'), 1);
  });

  it("finds the lab's own files far below the limit, and a million brackets far above it", () => {
    for (const f of renderLab().values()) {
      const kind = f.path.endsWith('.json') ? 'json' : /\.ya?ml$/.test(f.path) ? 'yaml' : undefined;
      if (kind) assert.ok(nestingDepth(f.content, kind) < 20, `${f.path}: ${nestingDepth(f.content, kind)}`);
    }
    const deep = `${'['.repeat(1e6)}${']'.repeat(1e6)}`;
    assert.equal(nestingDepth(deep, 'json'), 1e6);
    assert.ok(nestingDepth(`${'- '.repeat(1e6)}x`, 'yaml') > maxLintNesting);
  });
});

describe('lint settings: obslab.lint.scope and obslab.lint.labRules', () => {
  const lab = { dir: '/w/lab', lab: true };
  const plain = { dir: '/w/notes', lab: false };

  it('falls back to the defaults for values it does not know', () => {
    assert.deepEqual(lintSettings(undefined, 'sometimes'), { scope: 'workspace', labRules: 'labFolders' });
  });

  it('lints everywhere, only in lab folders, or nowhere', () => {
    const at = (scope: string) => [lab, plain, undefined].map((s) => lintsIn(s, lintSettings(scope, 'labFolders')));
    assert.deepEqual(at('workspace'), [true, true, true]);
    assert.deepEqual(at('labFolders'), [true, false, false]);
    assert.deepEqual(at('off'), [false, false, false]);
  });

  it("applies the lab's rules in lab folders, or always", () => {
    assert.deepEqual(
      [lab, plain, undefined].map((s) => labRulesIn(s, lintSettings('workspace', 'labFolders'))),
      [true, false, false],
    );
    assert.deepEqual(
      [lab, plain, undefined].map((s) => labRulesIn(s, lintSettings('workspace', 'always'))),
      [true, true, true],
    );
  });

  it('says in the status bar which rules are on, naming the folder and the setting', () => {
    const labHint = rulesHint(lab, lintSettings('workspace', 'labFolders'));
    assert.equal(labHint.text, '$(checklist) Obslab: lab rules');
    assert.match(labHint.tooltip, /\/w\/lab/);
    assert.match(labHint.tooltip, /obslab\.lint\.labRules/);
    const general = rulesHint(plain, lintSettings('workspace', 'labFolders'));
    assert.equal(general.text, '$(checklist) Obslab: general rules');
    assert.match(general.tooltip, /\/w\/notes/);
    assert.equal(rulesHint(plain, lintSettings('workspace', 'always')).text, '$(checklist) Obslab: lab rules');
    const off = rulesHint(plain, lintSettings('labFolders', 'labFolders'));
    assert.equal(off.text, '$(checklist) Obslab: lint off');
    assert.match(off.tooltip, /obslab\.lint\.scope/);
  });
});
