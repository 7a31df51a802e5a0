import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { updateKubeconfigFor } from '../../src/core/kube/commands';
import { takeWaitForKubeconfig } from '../../src/cli/kubeconfigWaitOption';
import {
  durationText,
  kubeconfigAppearedText,
  kubeconfigToWaitFor,
  missingKubeconfigMessage,
  stillBeingWritten,
  waitEndedMessage,
  waitedText,
  waitingTitle,
  withWaitFlagHint,
} from '../../src/core/kube/kubeconfigWait';
import { commandInText } from '../../src/core/shellQuote';
import { KubeError, loadKube } from '../../src/node/kube/config';

function failureOf(run: () => unknown): KubeError {
  try {
    run();
  } catch (e) {
    if (e instanceof KubeError) return e;
    throw e;
  }
  assert.fail('expected a KubeError');
}

describe('a kubeconfig still being made: when to offer to wait', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-kcwait-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('offers to wait for the files KUBECONFIG names when none exists, keeping the old message', () => {
    const a = join(dir, 'later', 'config');
    const b = join(dir, 'other');
    const e = failureOf(() => loadKube({}, { KUBECONFIG: [a, b].join(delimiter) }));
    assert.equal(
      e.message,
      `No kubeconfig found (looked for ${a}, ${b}). Create one with ${commandInText(updateKubeconfigFor)}, or set KUBECONFIG.`,
    );
    assert.deepEqual(e.kubeconfig, { kind: 'kubeconfig-missing', files: [a, b], fromEnv: true });
    assert.deepEqual(kubeconfigToWaitFor(e.kubeconfig), [a, b]);
  });

  it('does not offer to wait when KUBECONFIG is unset and ~/.kube/config is simply absent', () => {
    // ~/.kube/config as os.homedir() finds it, pointed at an empty folder for this test.
    const home = process.env['HOME'];
    process.env['HOME'] = dir;
    let e: KubeError;
    try {
      e = failureOf(() => loadKube({}, {}));
    } finally {
      if (home === undefined) delete process.env['HOME'];
      else process.env['HOME'] = home;
    }
    assert.ok(e.message.includes(join(dir, '.kube', 'config')));
    assert.equal(e.kubeconfig?.kind, 'kubeconfig-missing');
    assert.equal(kubeconfigToWaitFor(e.kubeconfig), undefined);
    assert.match(e.message, /^No kubeconfig found \(looked for /);
  });

  it('does not offer to wait for a file given with --kubeconfig, nor for an empty KUBECONFIG', () => {
    const given = failureOf(() => loadKube({ kubeconfig: join(dir, 'nope') }, { KUBECONFIG: join(dir, 'x') }));
    assert.equal(kubeconfigToWaitFor(given.kubeconfig), undefined);
    assert.equal(kubeconfigToWaitFor({ kind: 'kubeconfig-missing', files: [], fromEnv: true }), undefined);
  });

  it('does not offer to wait for failures that are not a missing kubeconfig', () => {
    assert.equal(kubeconfigToWaitFor(undefined), undefined);
    assert.equal(kubeconfigToWaitFor({ status: 401, message: 'Unauthorized' }), undefined);
    assert.equal(kubeconfigToWaitFor({ kind: 'kubeconfig-unreadable', files: ['/x'] }), undefined);
  });

  it('keeps waiting while the file is missing or half written, and stops on anything else', () => {
    const half = join(dir, 'half');
    writeFileSync(half, 'apiVersion: v1\nclusters: [ {name: a');
    const e = failureOf(() => loadKube({}, { KUBECONFIG: half }));
    assert.match(e.message, /^The kubeconfig could not be read/);
    assert.deepEqual(e.kubeconfig, { kind: 'kubeconfig-unreadable', files: [half] });
    assert.equal(stillBeingWritten(e.kubeconfig), true);
    assert.equal(stillBeingWritten({ kind: 'kubeconfig-missing', files: [half], fromEnv: true }), true);
    assert.equal(stillBeingWritten(undefined), false);
    const noContext = join(dir, 'nocontext');
    writeFileSync(noContext, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    assert.equal(stillBeingWritten(failureOf(() => loadKube({}, { KUBECONFIG: noContext })).kubeconfig), false);
  });

  it('says what it waits for and why', () => {
    assert.equal(
      waitingTitle(['/home/s/.kube/lab']),
      'Waiting for the kubeconfig /home/s/.kube/lab (KUBECONFIG names it; something may still be creating the cluster)…',
    );
    assert.match(waitingTitle(['/a', '/b']), /^Waiting for a kubeconfig \(\/a, \/b\) \(KUBECONFIG names it;/);
  });

  it('shows the time waited in minutes and seconds, hours once there are any', () => {
    assert.equal(waitedText(0), 'waited 0:00');
    assert.equal(waitedText(4_200), 'waited 0:04');
    assert.equal(waitedText(12 * 60_000 + 30_000), 'waited 12:30');
    assert.equal(waitedText(60 * 60_000), 'waited 1:00:00');
  });

  it('tells plainly that nothing was done when the wait is cancelled or runs out', () => {
    assert.match(
      waitEndedMessage('cancelled', ['/k']),
      /^Stopped waiting for the kubeconfig \(\/k\); nothing was done\./,
    );
    const late = waitEndedMessage('timed-out', ['/k']);
    assert.match(late, /did not appear within 60 minutes; nothing was done\./);
    assert.ok(late.includes(commandInText(updateKubeconfigFor)));
    assert.equal(missingKubeconfigMessage(['/k']).startsWith('No kubeconfig found (looked for /k).'), true);
  });

  it('on the command line, says how long it waits at most, when the file came, and how to wait', () => {
    assert.equal(
      waitingTitle(['/k'], 10 * 60_000),
      'Waiting up to 10 minutes for the kubeconfig /k (KUBECONFIG names it; something may still be creating the cluster)…',
    );
    assert.equal(durationText(60_000), '1 minute');
    assert.equal(durationText(90_000), '90 seconds');
    assert.equal(durationText(1000), '1 second');
    assert.equal(kubeconfigAppearedText(['/k'], 12_000), 'The kubeconfig is there (/k; waited 0:12); going on.');
    assert.match(
      withWaitFlagHint(missingKubeconfigMessage(['/k'])),
      /or set KUBECONFIG\. If something is still creating it, run the command again with --wait-for-kubeconfig to wait for it\.$/,
    );
    assert.match(waitEndedMessage('timed-out', ['/k'], 30_000), /did not appear within 30 seconds;/);
  });

  it('reads --wait-for-kubeconfig bare or with =SECONDS, and leaves words after -- alone', () => {
    assert.deepEqual(takeWaitForKubeconfig(['k8s', '--wait-for-kubeconfig']), {
      argv: ['k8s', '--wait-for-kubeconfig'],
    });
    assert.deepEqual(takeWaitForKubeconfig(['--wait-for-kubeconfig=600', 'k8s']), {
      argv: ['--wait-for-kubeconfig', 'k8s'],
      waitMs: 600_000,
    });
    assert.deepEqual(takeWaitForKubeconfig(['--', '--wait-for-kubeconfig=x']), {
      argv: ['--', '--wait-for-kubeconfig=x'],
    });
    for (const bad of ['0', 'soon', '1.5', '-3', '86401', ''])
      assert.throws(
        () => takeWaitForKubeconfig([`--wait-for-kubeconfig=${bad}`]),
        /takes a number of seconds from 1 to 86400/,
      );
  });
});
