import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkPrometheusServiceAccount,
  commandLine,
  describeHelmFailure,
  helmMissingMessage,
  helmSteps,
  helmValuesCodes,
  helmVersionProblem,
  kubePrometheusStackSource,
  parseHelmVersion,
  parseReleaseList,
  releaseListArgs,
  releasePlan,
  upgradeInstallArgs,
  type HelmFailureContext,
} from '../../src/core/helm/helm';
import { versions } from '../../src/core/facts';
import { helmInstallCommands } from '../../src/core/helm/helmHint';
import { commandInText, runnableArgv } from '../../src/core/shellQuote';
import { defaultParams } from '../../src/core/scaffold/params';
import { templateVars } from '../../src/core/scaffold/plan';
import { renderTemplate } from '../../src/core/scaffold/render';
import { findHelm, HelmNotFound, runHelm, runHelmSteps } from '../../src/node/helm/helm';

const root = join(__dirname, '..', '..');

function labValues(): string {
  return renderTemplate(
    readFileSync(join(root, 'templates', 'lab', 'helm', 'kube-prometheus-stack-values.yaml'), 'utf8'),
    templateVars(defaultParams),
  );
}

describe('helm: the command lines', () => {
  it("builds helm upgrade --install for kube-prometheus-stack at the pinned version, labelled as the lab's, with a bare --wait both Helm 3 and 4 accept", () => {
    const args = upgradeInstallArgs({
      release: 'prometheus',
      namespace: 'monitoring',
      chart: kubePrometheusStackSource(),
      valuesFiles: ['/lab/helm/kube-prometheus-stack-values.yaml'],
      kubeContext: 'arn:aws:eks:ap-south-1:1:cluster/ds252',
    });
    assert.deepEqual(args, [
      'upgrade',
      '--install',
      'prometheus',
      'prometheus-community/kube-prometheus-stack',
      '--namespace',
      'monitoring',
      '--create-namespace',
      '--labels',
      'obslab.dev/lab=true',
      '--values',
      '/lab/helm/kube-prometheus-stack-values.yaml',
      '--version',
      versions.kubePrometheusStack,
      '--kube-context',
      'arn:aws:eks:ap-south-1:1:cluster/ds252',
      '--wait',
      '--timeout',
      '10m',
    ]);
    assert.ok(
      !args.some((a) => a.startsWith('--wait=') || a === '--atomic' || a === '--force'),
      'no flag Helm 3 rejects or Helm 4 deprecates',
    );
  });

  it('installs a local chart path in one step, without touching the repositories', () => {
    const spec = {
      release: 'r1',
      namespace: 'ns1',
      chart: { kind: 'path' as const, path: '/charts/kps-mirror' },
      valuesFiles: ['a.yaml', 'b.yaml'],
      kubeconfig: '/tmp/kc',
      wait: false,
      timeout: '90s',
    };
    const steps = helmSteps(spec);
    assert.equal(steps.length, 1);
    assert.deepEqual(steps[0]?.args, [
      'upgrade',
      '--install',
      'r1',
      '/charts/kps-mirror',
      '--namespace',
      'ns1',
      '--create-namespace',
      '--labels',
      'obslab.dev/lab=true',
      '--values',
      'a.yaml',
      '--values',
      'b.yaml',
      '--kubeconfig',
      '/tmp/kc',
      '--timeout',
      '90s',
    ]);
  });

  it('adds and refreshes the prometheus-community repository before installing from it', () => {
    const steps = helmSteps({
      release: 'prometheus',
      namespace: 'monitoring',
      chart: kubePrometheusStackSource(),
      valuesFiles: ['v.yaml'],
    });
    assert.deepEqual(
      steps.map((s) => s.args.slice(0, 2)),
      [
        ['repo', 'add'],
        ['repo', 'update'],
        ['upgrade', '--install'],
      ],
    );
    assert.deepEqual(steps[0]?.args, [
      'repo',
      'add',
      'prometheus-community',
      'https://prometheus-community.github.io/helm-charts',
    ]);
    assert.deepEqual(steps[1]?.args, ['repo', 'update', 'prometheus-community']);
  });

  it('lists exactly one release, pending ones included, without the --all flag Helm 4 removed', () => {
    const args = releaseListArgs({ release: 'prom.1', namespace: 'monitoring', kubeContext: 'c' });
    assert.deepEqual(args, [
      'list',
      '--namespace',
      'monitoring',
      '--filter',
      '^prom\\.1$',
      '--deployed',
      '--failed',
      '--pending',
      '--output',
      'json',
      '--kube-context',
      'c',
    ]);
    const json =
      '[{"name":"prometheus","namespace":"monitoring","revision":"3","updated":"2026-11-25 11:50:55 +0000 UTC","status":"deployed","chart":"kube-prometheus-stack-88.5.3","app_version":"v0.87.0"}]';
    const info = parseReleaseList(json, 'prometheus');
    assert.deepEqual(info, {
      name: 'prometheus',
      namespace: 'monitoring',
      revision: 3,
      status: 'deployed',
      chart: 'kube-prometheus-stack-88.5.3',
    });
    assert.equal(parseReleaseList('[]', 'prometheus'), undefined);
    assert.equal(parseReleaseList('Error: x', 'prometheus'), undefined);
    const spec = { release: 'prometheus', namespace: 'monitoring', chart: kubePrometheusStackSource() };
    assert.match(releasePlan(info, spec), /Upgrade release prometheus .*revision 3.* as revision 4/);
    assert.match(releasePlan(undefined, spec), /Install kube-prometheus-stack 88\.5\.3 as a new release prometheus/);
    assert.match(releasePlan({ ...info!, status: 'pending-upgrade' }, spec), /pending-upgrade/);
  });

  it('quotes only what a shell would split when showing the command', () => {
    assert.equal(
      commandLine('helm', ['upgrade', '--install', 'p', '/my lab/values.yaml', "it's"]),
      `helm upgrade --install p '/my lab/values.yaml' 'it'\\''s'`,
    );
  });
});

describe('helm: versions and a missing helm', () => {
  it('reads helm version output of Helm 4 and Helm 3 in each form', () => {
    assert.deepEqual(
      parseHelmVersion(
        'version.BuildInfo{Version:"v4.3.1", GitCommit:"", GitTreeState:"clean", GoVersion:"go1.26.8", KubeClientVersion:"v1.37"}',
      ),
      { version: 'v4.3.1', major: 4, minor: 3, patch: 1 },
    );
    assert.deepEqual(parseHelmVersion('v3.22.0+g1a2b3c4\n'), { version: 'v3.22.0', major: 3, minor: 22, patch: 0 });
    assert.equal(parseHelmVersion('v4.3.1')?.version, 'v4.3.1');
    assert.equal(parseHelmVersion('v4.0.0-rc.1+gabc')?.version, 'v4.0.0-rc.1');
    assert.equal(parseHelmVersion('Client: &version.Version{SemVer:"v2.17.0", GitCommit:"a690bad"}')?.major, 2);
    assert.equal(parseHelmVersion('command not found'), undefined);
    assert.match(helmVersionProblem(parseHelmVersion('v2.17.0')) ?? '', /Helm 3 or 4/);
    assert.equal(helmVersionProblem(parseHelmVersion('v3.22.0')), undefined);
    assert.equal(helmVersionProblem(parseHelmVersion('v3.13.0')), undefined);
    assert.match(
      helmVersionProblem(parseHelmVersion('v3.12.3')) ?? '',
      /cannot label the release it installs \(--labels came in Helm 3\.13\).*Helm 3\.13 or later, or Helm 4/,
    );
  });

  it('says how to get helm, naming the setting when it points nowhere', () => {
    const onPath = helmMissingMessage({});
    assert.match(onPath, /not found on PATH/);
    assert.match(onPath, /https:\/\/helm\.sh\/docs\/intro\/install\//);
    assert.match(onPath, /brew install helm/);
    for (const command of Object.values(helmInstallCommands).flat()) assert.ok(onPath.includes(commandInText(command)));
    assert.match(onPath, /obslab\.helmPath/);
    assert.match(
      helmMissingMessage({ helmPath: '/opt/helm', reason: 'not-found' }),
      /obslab\.helmPath points to \/opt\/helm, which does not exist/,
    );
  });
});

describe('helm: the values that run Prometheus as prometheus-sa', () => {
  it('accepts the values file the scaffold writes', () => {
    assert.deepEqual(checkPrometheusServiceAccount(labValues(), { release: 'prometheus' }), []);
  });

  it("flags the lab's serviceAccounts.server keys: Prometheus would run as the chart's own ServiceAccount", () => {
    const f = checkPrometheusServiceAccount(
      'serviceAccounts:\n  server:\n    create: false\n    name: prometheus-sa\n',
      { file: 'v.yaml', release: 'prometheus' },
    );
    assert.equal(f.length, 1);
    assert.equal(f[0]?.code, helmValuesCodes.serviceAccount);
    assert.equal(f[0]?.file, 'v.yaml');
    assert.match(f[0]?.message ?? '', /does not set prometheus\.serviceAccount\.name/);
    assert.match(f[0]?.message ?? '', /prometheus-kube-prometheus-prometheus/);
    assert.match(f[0]?.message ?? '', /serviceAccounts\.server/);
    assert.deepEqual(f[0]?.range?.start, { line: 1, character: 2 });
  });

  it('flags create: true, and the string "false" that Helm templates treat as true', () => {
    const t = checkPrometheusServiceAccount(
      'prometheus:\n  serviceAccount:\n    create: true\n    name: prometheus-sa\n',
    );
    assert.equal(t.length, 1);
    assert.match(t[0]?.message ?? '', /create is true.*cannot be imported/s);
    assert.deepEqual(t[0]?.range?.start, { line: 3, character: 4 });
    assert.match(
      checkPrometheusServiceAccount('prometheus:\n  serviceAccount:\n    create: "false"\n    name: prometheus-sa\n')[0]
        ?.message ?? '',
      /the string 'false'/,
    );
    assert.match(
      checkPrometheusServiceAccount('prometheus:\n  serviceAccount:\n    name: prometheus-sa\n')[0]?.message ?? '',
      /not set and defaults to true/,
    );
  });

  it('flags another name, a missing name with create: false, a disabled Prometheus, and invalid YAML', () => {
    assert.match(
      checkPrometheusServiceAccount('prometheus:\n  serviceAccount:\n    create: false\n    name: prom\n')[0]
        ?.message ?? '',
      /is 'prom'/,
    );
    assert.match(
      checkPrometheusServiceAccount('prometheus:\n  serviceAccount:\n    create: false\n')[0]?.message ?? '',
      /default ServiceAccount/,
    );
    assert.match(checkPrometheusServiceAccount('prometheus:\n  enabled: false\n')[0]?.message ?? '', /no Prometheus/);
    const bad = checkPrometheusServiceAccount('prometheus: [\n');
    assert.equal(bad[0]?.code, helmValuesCodes.syntax);
  });
});

// Real output of helm 4.3.1 and 3.22.0 (built by the harness) against the local control plane.
const ctx: HelmFailureContext = {
  release: 'prometheus',
  namespace: 'monitoring',
  chart: 'prometheus-community/kube-prometheus-stack',
  kubeContext: 'lab',
  server: 'https://127.0.0.1:6443',
  repoName: 'prometheus-community',
  repoUrl: 'https://prometheus-community.github.io/helm-charts',
  version: '88.5.3',
};
const captured: { kind: string; helm: string; output: string; says: RegExp }[] = [
  {
    kind: 'cluster-unreachable',
    helm: '4',
    output:
      'Error: kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: connection refused',
    says: /could not reach the Kubernetes API server \(context lab.*nothing answers there.*kubectl cluster-info/,
  },
  {
    kind: 'cluster-unreachable',
    helm: '3',
    output:
      'Error: Kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: connection refused',
    says: /nothing answers there/,
  },
  {
    kind: 'cluster-unreachable',
    helm: '4',
    output: 'Error: kubernetes cluster unreachable: context "nope" does not exist',
    says: /no context named nope/,
  },
  {
    kind: 'cluster-unreachable',
    helm: '4',
    output: 'Error: kubernetes cluster unreachable: stat /tmp/nonexist: no such file or directory',
    says: /no usable kubeconfig/,
  },
  {
    kind: 'credentials',
    helm: '4',
    output: 'Error: kubernetes cluster unreachable: the server has asked for the client to provide credentials',
    says: /did not accept your credentials.*aws eks update-kubeconfig/,
  },
  {
    kind: 'forbidden',
    helm: '4',
    output:
      'Error: query: failed to query with labels: secrets is forbidden: User "system:serviceaccount:hx4:student" cannot list resource "secrets" in API group "" in the namespace "hx4"',
    says: /Permission denied.*system:serviceaccount:hx4:student.*cluster-admin/,
  },
  {
    kind: 'in-progress',
    helm: '4',
    output: 'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress',
    says: /locked.*helm status prometheus -n monitoring.*helm rollback prometheus -n monitoring/,
  },
  {
    kind: 'name-in-use',
    helm: '4',
    output:
      'level=ERROR msg="release name check failed" error="cannot reuse a name that is still in use"\nError: INSTALLATION FAILED: release name check failed: cannot reuse a name that is still in use',
    says: /already exists.*helm list -A/,
  },
  {
    kind: 'name-in-use',
    helm: '3',
    output: 'Error: INSTALLATION FAILED: cannot re-use a name that is still in use',
    says: /already exists/,
  },
  {
    kind: 'ownership-conflict',
    helm: '4',
    output:
      'Error: UPGRADE FAILED: unable to continue with update: ServiceAccount "prometheus-sa" in namespace "hx1" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"',
    says: /ServiceAccount hx1\/prometheus-sa already exists.*set it to false/,
  },
  {
    kind: 'repo-not-added',
    helm: '4',
    output: 'Release "x" does not exist. Installing it now.\nError: repo prometheus-community not found',
    says: /helm repo add prometheus-community https:\/\/prometheus-community\.github\.io\/helm-charts/,
  },
  {
    kind: 'repo-name-taken',
    helm: '4',
    output: 'Error: repository name (prometheus-community) already exists, please specify a different name',
    says: /--force-update/,
  },
  {
    kind: 'repo-unreachable',
    helm: '4',
    output:
      'Error: looks like "https://prometheus-community.github.io/helm-charts" is not a valid chart repository or cannot be reached: Get "https://prometheus-community.github.io/helm-charts/index.yaml": dial tcp: lookup prometheus-community.github.io on 10.255.255.53:53: no such host',
    says: /does not resolve.*network/,
  },
  {
    kind: 'chart-not-found',
    helm: '4',
    output:
      'Error: chart "kube-prometheus-stack" matching 88.5.3 not found in prometheus-community index. (try \'helm repo update\'): no chart version found for kube-prometheus-stack-88.5.3',
    says: /helm repo update prometheus-community.*helm search repo/,
  },
  {
    kind: 'values-schema',
    helm: '4',
    output:
      "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nkps-mirror:\n- at '/prometheus/serviceAccount/create': got string, want boolean\n",
    says: /rejected the values file: at '\/prometheus\/serviceAccount\/create': got string, want boolean/,
  },
  {
    kind: 'values-file',
    helm: '4',
    output:
      'Error: failed to parse /tmp/hx-yaml.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 1: did not find expected node content',
    says: /could not read the values file/,
  },
  {
    kind: 'values-file',
    helm: '4',
    output: 'Error: open /tmp/nope.yaml: no such file or directory',
    says: /could not read the values file/,
  },
  {
    kind: 'timeout',
    helm: '4',
    output:
      'Error: resource Deployment/hx3/slow-kube-prometheus-stack-prometheus not ready. status: InProgress, message: Replicas: 0/1\ncontext deadline exceeded',
    says: /gave up waiting.*Deployment\/hx3\/slow-kube-prometheus-stack-prometheus.*kubectl get pods -n monitoring/,
  },
  {
    kind: 'timeout',
    helm: '3',
    output: 'Release "slow3" does not exist. Installing it now.\nError: context deadline exceeded',
    says: /gave up waiting/,
  },
];

describe('helm: failures in words a student can act on', () => {
  for (const c of captured) {
    it(`explains ${c.kind} (helm ${c.helm}): ${
      c.output
        .split('\n')
        .find((l) => l.startsWith('Error:'))
        ?.slice(7, 70) ?? ''
    }`, () => {
      const f = describeHelmFailure(c.output, ctx);
      assert.equal(f.kind, c.kind);
      assert.match(f.message, c.says);
      assert.ok(f.said.startsWith('Error:'), "keeps helm's own words for the output channel");
      for (const command of f.commands) assert.ok(f.message.includes(commandInText(command)), commandInText(command));
    });
  }

  it('gives the commands a message names as values, in its order: the ones shown are the ones to copy or run', () => {
    const f = describeHelmFailure(
      'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress',
      ctx,
    );
    assert.deepEqual(f.commands, [
      ['helm', 'status', 'prometheus', '-n', 'monitoring'],
      ['helm', 'uninstall', 'prometheus', '-n', 'monitoring'],
      ['helm', 'rollback', 'prometheus', '-n', 'monitoring'],
    ]);
    assert.deepEqual(runnableArgv(f.commands[0] ?? []), ['helm', 'status', 'prometheus', '-n', 'monitoring']);
    const expired = describeHelmFailure(
      'Error: kubernetes cluster unreachable: the server has asked for the client to provide credentials',
      ctx,
    );
    assert.match(expired.message, /run `aws eks update-kubeconfig --name <cluster> --region <region>`/);
    assert.equal(
      runnableArgv(expired.commands[0] ?? []),
      undefined,
      "the cluster and region are the student's to fill in",
    );
  });

  it("quotes a repository name from helm's output, so the command shown cannot run more than helm", () => {
    const f = describeHelmFailure('Error: repo x;touch-/tmp/pwned not found', { ...ctx, repoUrl: undefined });
    assert.match(f.message, /Add it with `helm repo add 'x;touch-\/tmp\/pwned' <url>`/);
  });

  it('says a local chart path is missing without talking about repositories', () => {
    const f = describeHelmFailure('Error: path "./no-such-chart" not found', {
      release: 'x',
      namespace: 'n',
      chart: './no-such-chart',
    });
    assert.equal(f.kind, 'chart-not-found');
    assert.match(f.message, /Check the path/);
  });

  it('reports a cancelled run as cancelled, whatever helm printed', () => {
    assert.equal(
      describeHelmFailure('Release prometheus has been cancelled.\nError: context canceled', ctx, { cancelled: true })
        .kind,
      'cancelled',
    );
  });

  it("falls back to helm's own first error line", () => {
    const f = describeHelmFailure('Error: something new\nmore', ctx);
    assert.equal(f.kind, 'unknown');
    assert.match(f.message, /something new/);
  });
});

describe('helm: finding and running the binary', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-helm-unit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds helm on PATH, prefers the setting, and says how to get it when neither has it', () => {
    const bin = join(dir, 'helm');
    writeFileSync(bin, '#!/bin/sh\necho v4.3.1\n');
    chmodSync(bin, 0o755);
    assert.equal(findHelm({ env: { PATH: `/nonexistent:${dir}` } }), bin);
    assert.equal(findHelm({ helmPath: bin, env: { PATH: '' } }), bin);
    assert.throws(
      () => findHelm({ env: { PATH: '/nonexistent' } }),
      (e: unknown) => e instanceof HelmNotFound && /not found on PATH.*helm\.sh/s.test(e.message),
    );
    assert.throws(
      () => findHelm({ helmPath: join(dir, 'nope') }),
      (e: unknown) =>
        e instanceof HelmNotFound && /obslab\.helmPath points to .*nope, which does not exist/.test(e.message),
    );
    const plain = join(dir, 'plain');
    writeFileSync(plain, '');
    chmodSync(plain, 0o644);
    if (process.getuid?.() !== 0) assert.throws(() => findHelm({ helmPath: plain }), /not an executable file/);
  });

  it('streams output line by line and resolves with the exit code', async () => {
    const lines: string[] = [];
    const r = await runHelm(
      process.execPath,
      [
        '-e',
        'process.stdout.write("a\\nb"); setTimeout(() => { console.log("c"); console.error("Error: d"); process.exit(3); }, 50);',
      ],
      { onLine: (l) => lines.push(l) },
    );
    assert.equal(r.code, 3);
    assert.deepEqual(lines.sort(), ['Error: d', 'a', 'bc']);
    assert.match(r.output, /Error: d/);
  });

  it('cancels with SIGTERM, then SIGKILL when the program ignores it', async () => {
    const abort = new AbortController();
    const t0 = Date.now();
    const p = runHelm(
      process.execPath,
      [
        '-e',
        'process.on("SIGTERM", () => console.log("ignoring TERM")); console.log("up"); setInterval(() => {}, 1000);',
      ],
      {
        signal: abort.signal,
        killGraceMs: 300,
        onLine: (l) => {
          if (l === 'up') abort.abort();
        },
      },
    );
    const r = await p;
    assert.equal(r.cancelled, true);
    assert.equal(r.signal, 'SIGKILL');
    assert.match(r.output, /ignoring TERM/);
    assert.ok(Date.now() - t0 < 5000);
  });

  it('rejects with the install hint when the binary vanished, and stops a sequence at the first failure', async () => {
    await assert.rejects(
      runHelm(join(dir, 'gone'), ['version']),
      (e: unknown) => e instanceof HelmNotFound && /helm\.sh/.test(e.message),
    );
    const r = await runHelmSteps(process.execPath, [
      { title: 'ok', args: ['-e', 'process.exit(0)'] },
      { title: 'fails', args: ['-e', 'console.error("Error: no"); process.exit(1)'] },
      { title: 'never', args: ['-e', 'process.exit(0)'] },
    ]);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.failed.title, 'fails');
      assert.equal(r.runs.length, 2);
    }
  });
});
