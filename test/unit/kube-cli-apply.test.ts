import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runApply } from '../../src/cli/apply';
import { UsageError } from '../../src/cli/io';

describe('obslab apply, before any cluster is asked', () => {
  let dir = '';
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-apply-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses bad usage with the usage text', async () => {
    await assert.rejects(
      runApply([], io().io),
      (e: unknown) => e instanceof UsageError && /usage: obslab apply PATH/.test(e.message),
    );
    await assert.rejects(runApply(['x.yaml', '--dry-run', '--yes'], io().io), /contradict/);
    await assert.rejects(runApply([join(dir, 'missing.yaml')], io().io), /no such file or folder/);
  });

  it('names file and line of a broken document and applies nothing (exit 1)', async () => {
    const f = join(dir, 'broken.yaml');
    writeFileSync(
      f,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\nkind: Service\nmetadata: {name: s}\n',
    );
    const c = io();
    assert.equal(await runApply([f, '--yes'], c.io), 1);
    assert.match(c.err.join('\n'), /broken\.yaml:5: the document has no apiVersion \(kind Service\)/);
  });

  it('says so when there is no kubeconfig (exit 1)', async () => {
    const f = join(dir, 'ok.yaml');
    writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n');
    const c = io();
    assert.equal(await runApply([f, '--dry-run'], c.io, { env: { KUBECONFIG: join(dir, 'none') } }), 1);
    assert.match(c.err.join('\n'), /No kubeconfig found/);
  });
});
