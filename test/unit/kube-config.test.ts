import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { updateKubeconfig, updateKubeconfigFor, useContext } from '../../src/core/kube/commands';
import { describeKubeFailure, parseStatus } from '../../src/core/kube/errors';
import { commandInText } from '../../src/core/shellQuote';
import { KubeError, loadKube } from '../../src/node/kube/config';

const kubeconfig = (current: string | undefined, contexts: [string, string][], clusters: [string, string][]): string =>
  [
    'apiVersion: v1',
    'kind: Config',
    ...(current ? [`current-context: ${current}`] : []),
    'clusters:',
    ...clusters.map(([n, s]) => `- name: ${n}\n  cluster:\n    server: ${s}`),
    'contexts:',
    ...contexts.map(([n, c]) => `- name: ${n}\n  context:\n    cluster: ${c}\n    user: u`),
    'users:',
    '- name: u\n  user:\n    token: not-a-secret',
  ].join('\n');

describe('choosing the cluster the way kubectl does', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-kc-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('uses the current context and names its server', () => {
    const p = file('a', kubeconfig('lab', [['lab', 'eks']], [['eks', 'https://eks.example:443']]));
    const k = loadKube({ kubeconfig: p });
    assert.equal(k.context, 'lab');
    assert.equal(k.server, 'https://eks.example:443');
    assert.deepEqual(k.files, [p]);
  });

  it("merges $KUBECONFIG, the first file's current context winning", () => {
    const a = file('a', kubeconfig('two', [['one', 'c1']], [['c1', 'https://one:443']]));
    const b = file('b', kubeconfig('one', [['two', 'c2']], [['c2', 'https://two:443']]));
    const k = loadKube({}, { KUBECONFIG: [a, join(dir, 'missing'), b].join(delimiter) });
    assert.equal(k.context, 'two');
    assert.equal(k.server, 'https://two:443');
    assert.deepEqual(k.files, [a, b]);
  });

  it('explains a missing file, a missing current context and an unknown context', () => {
    assert.throws(
      () => loadKube({ kubeconfig: join(dir, 'nope') }),
      (e: unknown) => e instanceof KubeError && /No kubeconfig found .*nope.*aws eks update-kubeconfig/.test(e.message),
    );
    const noCurrent = file('b', kubeconfig(undefined, [['lab', 'eks']], [['eks', 'https://x']]));
    assert.throws(
      () => loadKube({ kubeconfig: noCurrent }),
      /has no current context. Choose one with `kubectl config use-context/,
    );
    const p = file('c', kubeconfig('lab', [['lab', 'eks']], [['eks', 'https://x']]));
    assert.throws(() => loadKube({ kubeconfig: p, context: 'prod' }), /no context named 'prod' \(it has: lab\)/);
  });

  it('names its commands as values: the blanks are the cluster, region and context the student fills in', () => {
    assert.throws(
      () => loadKube({ kubeconfig: join(dir, 'nope') }),
      (e: unknown) =>
        e instanceof KubeError && e.message.includes(`Create one with ${commandInText(updateKubeconfigFor)}`),
    );
    assert.throws(
      () => loadKube({ kubeconfig: file('e', kubeconfig(undefined, [['lab', 'eks']], [['eks', 'https://x']])) }),
      (e: unknown) => e instanceof KubeError && e.message.includes(`Choose one with ${commandInText(useContext)}`),
    );
    assert.match(commandInText(useContext), /^`kubectl config use-context <name>`$/);
    const ghost = file('f', kubeconfig('lab', [['lab', 'ghost']], [['eks', 'https://x']]));
    assert.throws(
      () => loadKube({ kubeconfig: ghost }),
      (e: unknown) =>
        e instanceof KubeError && e.message.endsWith(`Regenerate it with ${commandInText(updateKubeconfig)}.`),
    );
  });

  it('does not ask to pick among contexts when the kubeconfig has none', () => {
    const empty = file('g', 'apiVersion: v1\nkind: Config\n');
    assert.throws(
      () => loadKube({ kubeconfig: empty, context: 'lab' }),
      (e: unknown) =>
        e instanceof KubeError &&
        e.message ===
          "The kubeconfig has no context named 'lab'; it has none. Add one with `aws eks update-kubeconfig`.",
    );
  });

  it('explains a file that is not a kubeconfig', () => {
    const p = file('d', 'clusters: [\n');
    assert.throws(
      () => loadKube({ kubeconfig: p }),
      (e: unknown) => e instanceof KubeError && /could not be read/.test(e.message),
    );
  });
});

describe('describing API failures', () => {
  const action = { what: 'list nodes', server: 'https://127.0.0.1:6443', context: 'lab' };

  it('reads the Status the API server sent', () => {
    const body = JSON.stringify({
      kind: 'Status',
      message: 'nodes is forbidden: User "dev" cannot list resource "nodes"',
      reason: 'Forbidden',
      code: 403,
    });
    assert.equal(parseStatus(body)?.reason, 'Forbidden');
    assert.match(
      describeKubeFailure({ status: 403, body, message: 'HTTP 403' }, action),
      /permission denied \(context lab\)\. nodes is forbidden: User "dev".*RBAC/,
    );
  });

  it('tells an expired token from a server that is down', () => {
    assert.match(
      describeKubeFailure({ status: 401, body: '{"kind":"Status","message":"Unauthorized"}', message: '' }, action),
      /did not accept your credentials.*expired/,
    );
    assert.match(
      describeKubeFailure({ errno: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, action),
      /nothing answers at https:\/\/127\.0\.0\.1:6443 \(context lab\)/,
    );
    assert.match(describeKubeFailure({ errno: 'ENOTFOUND', message: '' }, action), /does not resolve/);
    assert.match(describeKubeFailure({ errno: 'CERT_HAS_EXPIRED', message: '' }, action), /not trusted/);
  });
});
