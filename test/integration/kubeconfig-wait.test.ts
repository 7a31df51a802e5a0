import { strict as assert } from 'node:assert';
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { runApply } from '../../src/cli/apply';
import { runCleanupCommand } from '../../src/cli/cleanup';
import { runIam } from '../../src/cli/iam';
import type { Io } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { programState, type ProgramLook } from '../../src/core/sandbox/programWait';
import { lookAtProgram, waitForFiles } from '../../src/node/files/waitForFiles';
import type { RunningKube } from '../harness/kube';
import { startMoto, type RunningMoto } from '../harness/moto';
import { sharedKube } from '../support/kube';

describe('waiting for a kubeconfig another program is still writing', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-filewait-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves once the file appears, a second later', async () => {
    const f = join(dir, 'config');
    const writer = setTimeout(() => writeFileSync(f, 'apiVersion: v1\n'), 1000);
    const ticks: number[] = [];
    const started = Date.now();
    try {
      const outcome = await waitForFiles([join(dir, 'other'), f], {
        intervalMs: 100,
        timeoutMs: 30_000,
        onTick: (ms) => ticks.push(ms),
      });
      assert.equal(outcome, 'appeared');
    } finally {
      clearTimeout(writer);
    }
    assert.ok(Date.now() - started >= 900, 'it waited for the file');
    assert.ok(ticks.length >= 5, `it reported the time waited (${ticks.length} ticks)`);
  });

  it('keeps waiting while the file is there but not ready', async () => {
    const f = join(dir, 'config');
    writeFileSync(f, 'half');
    let looks = 0;
    const outcome = await waitForFiles([f], { intervalMs: 50, timeoutMs: 30_000, ready: () => ++looks >= 3 });
    assert.equal(outcome, 'appeared');
    assert.equal(looks, 3);
  });

  it('ends at once when aborted', async () => {
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(), 200);
    const outcome = await waitForFiles([join(dir, 'never')], {
      intervalMs: 2000,
      timeoutMs: 60 * 60_000,
      signal: abort.signal,
    });
    assert.equal(outcome, 'aborted');
    assert.ok(Date.now() - started < 1500, 'the abort did not wait for the next look');
  });

  it('ends when the time is up', async () => {
    const started = Date.now();
    const outcome = await waitForFiles([join(dir, 'never')], { intervalMs: 100, timeoutMs: 500 });
    assert.equal(outcome, 'timed-out');
    assert.ok(Date.now() - started >= 450);
  });
});

describe('waiting for a sandbox program another program is still building', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-programwait-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for every program when told to, not just the first to appear', async () => {
    const a = join(dir, 'otelcol');
    const b = join(dir, 'prometheus');
    writeFileSync(a, '#!/bin/sh\n');
    const writer = setTimeout(() => writeFileSync(b, '#!/bin/sh\n'), 600);
    const started = Date.now();
    try {
      assert.equal(await waitForFiles([a, b], { intervalMs: 100, timeoutMs: 30_000, all: true }), 'appeared');
    } finally {
      clearTimeout(writer);
    }
    assert.ok(Date.now() - started >= 500, 'it waited for the second one');
  });

  it('sees a path as missing, a folder, a file without the x bit, then a program', () => {
    const p = join(dir, 'otelcol');
    assert.equal(lookAtProgram(p, 'linux').exists, false);
    mkdirSync(join(dir, 'folder'));
    assert.equal(programState(lookAtProgram(join(dir, 'folder'), 'linux')), 'not-a-file');
    writeFileSync(p, '#!/bin/sh\n', { mode: 0o644 });
    assert.equal(programState(lookAtProgram(p, 'linux')), 'not-executable');
    assert.equal(lookAtProgram(p, 'win32').executable, true, 'Windows has no x bit');
    chmodSync(p, 0o755);
    const look = lookAtProgram(p, 'linux');
    assert.deepEqual([look.exists, look.isFile, look.executable, look.size], [true, true, true, 10]);
    assert.equal(programState(look), 'ready');
  });

  it('runs a program that appears only once it has stopped growing', async () => {
    const p = join(dir, 'prometheus');
    let before: ProgramLook = lookAtProgram(p, 'linux');
    const seen: string[] = [];
    // A build writing the program in three pieces, one between each two looks, then leaving it alone.
    let pieces = 0;
    const build = (): void => {
      if (pieces === 0) writeFileSync(p, 'x'.repeat(1000), { mode: 0o755 });
      else if (pieces < 3) appendFileSync(p, 'y'.repeat(1000));
      pieces++;
    };
    const outcome = await waitForFiles([p], {
      intervalMs: 50,
      timeoutMs: 30_000,
      ready: () => {
        const now = lookAtProgram(p, 'linux');
        const state = programState(now, before);
        before = now;
        seen.push(state);
        return state === 'ready';
      },
      onTick: build,
    });
    assert.equal(outcome, 'appeared');
    assert.deepEqual(seen, ['growing', 'growing', 'growing', 'ready']);
    assert.equal(seen.at(-1), 'ready');
    assert.ok(seen.includes('growing'), `it saw the program grow first: ${seen.join(', ')}`);
    assert.equal(lookAtProgram(p, 'linux').size, 3000, 'it ran once the whole program was there');
  });
});

function capture(): Io & { out: (l: string) => void; lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe('obslab apply, cleanup and iam wait for a kubeconfig with --wait-for-kubeconfig (a real control plane)', function () {
  this.timeout(5 * 60_000);
  let kube: RunningKube;
  let dir = '';
  /** Where KUBECONFIG points: nothing there when each command starts. */
  let later = '';
  let manifests = '';

  before(async function () {
    this.timeout(30 * 60_000);
    kube = await sharedKube();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-cliwait-'));
    later = join(dir, 'cluster', 'kubeconfig');
    manifests = join(dir, 'configmap.yaml');
    writeFileSync(
      manifests,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: obslab-wait-test\n  namespace: default\ndata:\n  a: "1"\n',
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The cluster's kubeconfig written where KUBECONFIG says, `ms` from now, as eksctl would at its end. */
  function kubeconfigAfter(ms: number): NodeJS.Timeout {
    return setTimeout(() => {
      mkdirSync(join(dir, 'cluster'), { recursive: true });
      copyFileSync(kube.kubeconfig, later);
    }, ms);
  }

  it('apply waits, says what for on one line and when it came on another, then goes on', async () => {
    const io = capture();
    const writer = kubeconfigAfter(1500);
    const started = Date.now();
    let code: number;
    try {
      code = await runApply([manifests, '--dry-run', '--wait-for-kubeconfig=120'], io, {
        env: { ...process.env, KUBECONFIG: later },
      });
    } finally {
      clearTimeout(writer);
    }
    assert.equal(code, 0, io.errors.join('\n'));
    assert.ok(Date.now() - started >= 1400, 'it waited for the file');
    assert.deepEqual(io.errors.length, 2, io.errors.join('\n'));
    assert.equal(
      io.errors[0],
      `obslab apply: Waiting up to 2 minutes for the kubeconfig ${later} (KUBECONFIG names it; something may still be creating the cluster)…`,
    );
    assert.match(
      io.errors[1] ?? '',
      new RegExp(`^obslab apply: The kubeconfig is there \\(${later}; waited 0:0\\d\\); going on\\.$`),
    );
    assert.match(io.lines.join('\n'), /ConfigMap.*obslab-wait-test/);
  });

  it('apply without the flag fails as before, and its message names the flag', async () => {
    const io = capture();
    const code = await runApply([manifests, '--dry-run'], io, { env: { ...process.env, KUBECONFIG: later } });
    assert.equal(code, 1);
    assert.equal(io.errors.length, 1);
    assert.match(io.errors[0] ?? '', new RegExp(`^obslab apply: No kubeconfig found \\(looked for ${later}\\)\\.`));
    assert.match(io.errors[0] ?? '', /run the command again with --wait-for-kubeconfig to wait for it\.$/);
  });

  it('apply gives up after the seconds given, having done nothing', async () => {
    const io = capture();
    const started = Date.now();
    const code = await runApply([manifests, '--yes', '--wait-for-kubeconfig=1'], io, {
      env: { ...process.env, KUBECONFIG: later },
    });
    assert.equal(code, 1);
    assert.ok(Date.now() - started < 10_000);
    assert.match(io.errors.at(-1) ?? '', new RegExp(`did not appear within 1 second; nothing was done\\.`));
  });

  it('refuses a wait that is not a number of seconds, as bad usage', async () => {
    const io = capture();
    assert.equal(await main(['apply', manifests, '--wait-for-kubeconfig=soon'], io), 2);
    assert.match(io.errors.join('\n'), /--wait-for-kubeconfig= takes a number of seconds from 1 to 86400 .*not 'soon'/);
  });

  it('cleanup waits the same way, then plans on the cluster', async () => {
    const io = capture();
    const writer = kubeconfigAfter(1000);
    let code: number;
    try {
      code = await runCleanupCommand(['--dry-run', '--wait-for-kubeconfig'], io, () => Promise.resolve(false), {
        ...process.env,
        KUBECONFIG: later,
      });
    } finally {
      clearTimeout(writer);
    }
    assert.equal(code, 0, io.errors.join('\n'));
    assert.match(io.errors[0] ?? '', /^obslab cleanup: Waiting up to 60 minutes for the kubeconfig /);
    assert.match(io.errors[1] ?? '', /^obslab cleanup: The kubeconfig is there /);
    assert.match(io.lines.join('\n'), /context obslab/);
  });

  describe('iam setup, against moto', () => {
    let moto: RunningMoto;
    let saved: NodeJS.ProcessEnv;
    const cluster = `wait-${process.pid}`;
    before(async function () {
      this.timeout(10 * 60_000);
      saved = { ...process.env };
      moto = await startMoto();
      for (const key of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL_IAM', 'AWS_ENDPOINT_URL_STS'])
        delete process.env[key];
      Object.assign(process.env, moto.env);
      const eks = new EKSClient({ endpoint: moto.url, region: moto.env['AWS_REGION'] ?? 'us-east-1' });
      await eks.send(
        new CreateClusterCommand({
          name: cluster,
          roleArn: 'arn:aws:iam::123456789012:role/eks-cluster',
          resourcesVpcConfig: { subnetIds: ['subnet-1'] },
        }),
      );
      eks.destroy();
    });
    after(async () => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      await moto?.stop();
    });

    it('reads the ServiceAccount once the kubeconfig is there, instead of skipping it', async () => {
      const policy = join(dir, 'policy.json');
      writeFileSync(
        policy,
        readFileSync(join(__dirname, '..', '..', 'templates', 'lab', 'iam', 'prometheus-iam-policy.json'), 'utf8'),
      );
      const io = capture();
      const writer = kubeconfigAfter(1000);
      let code: number;
      try {
        code = await runIam(
          [
            'setup',
            '--cluster',
            cluster,
            '--policy',
            policy,
            '--create-oidc-provider',
            '--dry-run',
            '--wait-for-kubeconfig=120',
          ],
          io,
          { ...process.env, KUBECONFIG: later },
        );
      } finally {
        clearTimeout(writer);
      }
      assert.equal(code, 0, io.errors.join('\n'));
      assert.match(io.errors[0] ?? '', /^obslab iam setup: Waiting up to 2 minutes for the kubeconfig /);
      assert.match(io.errors[1] ?? '', /^obslab iam setup: The kubeconfig is there /);
      assert.equal(io.errors.length, 2, io.errors.join('\n'));
      assert.match(io.lines.join('\n'), /ServiceAccount/);

      const skipped = capture();
      rmSync(later);
      assert.equal(
        await runIam(
          ['setup', '--cluster', cluster, '--policy', policy, '--create-oidc-provider', '--dry-run'],
          skipped,
          {
            ...process.env,
            KUBECONFIG: later,
          },
        ),
        0,
      );
      assert.match(
        skipped.errors.join('\n'),
        /the ServiceAccount is skipped: No kubeconfig found .* with --wait-for-kubeconfig to wait for it\./,
      );
    });
  });
});
