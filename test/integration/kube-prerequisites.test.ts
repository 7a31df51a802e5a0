// Check Prerequisites' cluster lines against the real control plane: the version it reports, its
// kwok node, and what a student sees with a server that is down or a user without rights.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeVersions } from '../harness/kube';
import { freePort } from '../harness/lib';
import { sharedKube } from '../support/kube';
import { clusterLines } from '../../src/core/prerequisites';
import { probeCluster } from '../../src/node/kube/cluster';

describe('prerequisites against a real API server', function () {
  this.timeout(150 * 60_000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-prereq-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`names the context, the server version (${kubeVersions.kubernetes}) and the Ready kwok node`, async () => {
    const k = await sharedKube();
    const lines = clusterLines(await probeCluster({ kubeconfig: k.kubeconfig }));
    assert.deepEqual(
      lines.map((l) => [l.name, l.ok]),
      [
        ['kubeconfig', true],
        ['API server', true],
        ['nodes', true],
      ],
      JSON.stringify(lines),
    );
    assert.equal(lines[1]?.detail, `${kubeVersions.kubernetes} at ${k.server}`);
    assert.match(lines[2]?.detail ?? '', new RegExp(`1 of 1 Ready \\(${k.nodeName}\\)`));
  });

  it('says nothing answers when the server is down, and names the server and context', async () => {
    const k = await sharedKube();
    const port = await freePort();
    const p = join(dir, 'down');
    writeFileSync(p, readFileSync(k.kubeconfig, 'utf8').replace(k.server, `https://127.0.0.1:${port}`));
    const lines = clusterLines(await probeCluster({ kubeconfig: p }));
    assert.equal(lines[1]?.ok, false);
    assert.match(
      lines[1]?.detail ?? '',
      new RegExp(`nothing answers at https://127\\.0\\.0\\.1:${port}.*Is the cluster running\\?`),
    );
  });

  it('reports a user without rights to list nodes as a permission problem, not a crash', async () => {
    const k = await sharedKube();
    // The same server and CA, no client certificate: the anonymous user may read /version only.
    const admin = readFileSync(k.kubeconfig, 'utf8');
    const ca = /certificate-authority(-data)?: (.*)/.exec(admin);
    assert.ok(ca, 'the harness kubeconfig names its CA');
    const p = join(dir, 'anonymous');
    writeFileSync(
      p,
      `apiVersion: v1\nkind: Config\ncurrent-context: anon\nclusters:\n- name: c\n  cluster:\n    server: ${k.server}\n    certificate-authority${ca[1] ?? ''}: ${ca[2]}\ncontexts:\n- name: anon\n  context:\n    cluster: c\n    user: nobody\nusers:\n- name: nobody\n  user: {}\n`,
    );
    const lines = clusterLines(await probeCluster({ kubeconfig: p }));
    assert.equal(lines[1]?.ok, true, JSON.stringify(lines));
    assert.equal(lines[2]?.ok, false);
    assert.match(
      lines[2]?.detail ?? '',
      /permission denied \(context anon\)\. nodes is forbidden: User "system:anonymous"/,
    );
  });
});
