// The one folder walker: the cluster commands' PATH reading and the lint scope's are options of it.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesBelow, pathFiles } from '../../src/node/files/pathFiles';

describe('reading folders for files', () => {
  let root = '';
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'obslab-walk-'));
    for (const d of ['a/b/c', '.hidden', 'node_modules/x']) mkdirSync(join(root, d), { recursive: true });
    for (const f of [
      'z.yaml',
      'a/y.yml',
      'a/b/x.yaml',
      'a/b/c/w.yaml',
      '.hidden/h.yaml',
      'node_modules/x/n.yaml',
      'a/readme.md',
    ])
      writeFileSync(join(root, f), '');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const yaml = /\.ya?ml$/;
  const options = {
    accept: yaml,
    skipDirs: new Set(['node_modules']),
    skipHidden: true,
    missing: (p: string) => new Error(`${p}: no such file or folder`),
  };

  it("lists a folder's matching files sorted by path, skipping the folders it is told to, a named file as it is, none twice", async () => {
    const files = await pathFiles([join(root, 'a', 'y.yml'), root], options);
    assert.deepEqual(files, [
      join(root, 'a', 'y.yml'),
      join(root, 'a', 'b', 'c', 'w.yaml'),
      join(root, 'a', 'b', 'x.yaml'),
      join(root, 'z.yaml'),
    ]);
  });

  it('says which path is missing', async () => {
    await assert.rejects(pathFiles([join(root, 'nope')], options), /nope: no such file or folder/);
  });

  it('reads only as deep as asked and stops past the limit', async () => {
    const all = {
      accept: (p: string) => yaml.test(p),
      enter: (name: string) => !name.startsWith('.') && name !== 'node_modules',
    };
    assert.deepEqual(await filesBelow(root, { ...all, maxDepth: 1 }), [join(root, 'a', 'y.yml'), join(root, 'z.yaml')]);
    assert.equal((await filesBelow(root, { ...all, limit: 1 })).length, 2);
    await assert.rejects(filesBelow(join(root, 'nope'), all));
    assert.deepEqual(await filesBelow(join(root, 'nope'), { ...all, skipUnreadable: true }), []);
  });
});
