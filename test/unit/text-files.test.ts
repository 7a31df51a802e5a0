// What the editor's commands read from disk, in src/node so it is tested here: whether a file is
// there, its text (whole, or only when small enough), and which JMeter launcher the
// obslab.jmeterPath setting means.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configuredJmeter } from '../../src/node/loadtest/jmeter';
import { isFile, isFileSync, readSmallText, readText, readTextFile } from '../../src/node/files/textFiles';

describe("reading the student's files", () => {
  let root = '';
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'obslab-files-'));
    writeFileSync(join(root, 'plan.jmx'), '<jmeterTestPlan/>');
    mkdirSync(join(root, 'folder.jmx'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('knows a file from a folder of that name and from nothing, sync and async alike', async () => {
    for (const [name, expected] of [
      ['plan.jmx', true],
      ['folder.jmx', false],
      ['missing.jmx', false],
    ] as const) {
      assert.equal(isFileSync(join(root, name)), expected, name);
      assert.equal(await isFile(join(root, name)), expected, name);
    }
  });

  it("reads a file's text, and says which path it could not read", async () => {
    assert.equal(await readTextFile(join(root, 'plan.jmx')), '<jmeterTestPlan/>');
    await assert.rejects(readTextFile(join(root, 'missing.jmx')), (e: Error) =>
      e.message.includes(join(root, 'missing.jmx')),
    );
    assert.equal(readText(join(root, 'plan.jmx')), '<jmeterTestPlan/>');
    assert.equal(readText(join(root, 'folder.jmx')), undefined);
    assert.equal(readText(undefined), undefined);
  });

  it('reads a file up to a size and no larger, and nothing from a folder or a missing path', () => {
    const plan = join(root, 'plan.jmx');
    assert.equal(readSmallText(plan, '<jmeterTestPlan/>'.length), '<jmeterTestPlan/>');
    assert.equal(readSmallText(plan, '<jmeterTestPlan/>'.length - 1), undefined);
    assert.equal(readSmallText(join(root, 'folder.jmx'), 1_000_000), undefined);
    assert.equal(readSmallText(join(root, 'missing.jmx'), 1_000_000), undefined);
  });

  it('takes the jmeterPath setting when it names a file that is there, else none; without it, jmeter on PATH', () => {
    const bin = join(root, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'jmeter'), '#!/bin/sh\n');
    chmodSync(join(bin, 'jmeter'), 0o755);
    assert.equal(configuredJmeter(` ${join(root, 'plan.jmx')} `, bin), join(root, 'plan.jmx'));
    assert.equal(configuredJmeter(join(root, 'nope'), bin), undefined);
    assert.equal(configuredJmeter('  ', bin), join(bin, 'jmeter'));
    assert.equal(configuredJmeter(undefined, root), undefined);
  });
});
