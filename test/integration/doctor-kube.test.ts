// The doctor on the real local control plane (kube-apiserver, etcd, kwok): the lab's manifests
// applied in namespaces of this run, a Prometheus object (test/support/prometheusObject.ts: no
// operator runs here), pods Ready through kwok, and the IRSA role in moto. A healthy lab is healthy; then one cluster-side
// fault at a time must be the first broken link with its code, and is undone before the next.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateRoleCommand, DeleteRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { runDoctor as runDoctorCommand } from '../../src/cli/doctor';
import { doctorCodes } from '../../src/core/doctor/codes';
import type { DoctorReport } from '../../src/core/doctor/report';
import { commandText } from '../../src/core/doctor/text';
import { portForwardService } from '../../src/core/kube/commands';
import { kubePrometheusStackNames } from '../../src/core/kube/kubePrometheusStackNames';
import { applyEdits } from '../../src/core/lint/applyEdits';
import { irsaTrustPolicy } from '../../src/core/iam/trust';
import { defaultParams } from '../../src/core/scaffold/params';
import { labNames } from '../../src/core/scaffold/plan';
import { commandLine } from '../../src/core/shellQuote';
import { doctor } from '../../src/node/doctor';
import { awsClients } from '../../src/node/aws/clients';
import { sleep } from '../../src/node/process/sleep';
import type { RunningKube } from '../harness/kube';
import { motoAccount, motoRegion, startMoto, type RunningMoto } from '../harness/moto';
import { renderLab } from '../support/lab';
import { sharedKube, uniqueNamespace } from '../support/kube';
import { ensurePrometheusCrd, labPrometheusManifests, prometheusName } from '../support/prometheusObject';

describe('the doctor on the local control plane', function () {
  this.timeout(10 * 60_000);
  const appNs = uniqueNamespace('doc-app');
  const monNs = uniqueNamespace('doc-mon');
  const release = defaultParams.helmRelease;
  const promName = prometheusName(release);
  const roleName = `obslab-doctor-role-${process.pid}`;
  const issuer = 'https://oidc.eks.ap-south-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
  let kube: RunningKube;
  let moto: RunningMoto;
  let lab: string;
  let saved: NodeJS.ProcessEnv;

  const kubectl = (args: string[], input?: string): Promise<string> =>
    kube.kubectl(args, input === undefined ? {} : { input });
  const run = async (): Promise<{ report: DoctorReport; ms: number }> =>
    doctor({ source: 'cluster', kubeconfig: kube.kubeconfig, labDir: lab, roleName, region: motoRegion });
  const trust = (sa: string): string => JSON.stringify(irsaTrustPolicy(motoAccount, issuer, monNs, sa));
  const statusOf = (r: DoctorReport): string =>
    JSON.stringify(
      r.links.map((l) => [l.id, l.status, l.detail]),
      null,
      1,
    );

  /** The doctor until `ok` holds (a rollout through kwok takes a moment), or fails with the last report. */
  async function until(what: string, ok: (r: DoctorReport) => boolean, timeoutMs = 60_000): Promise<DoctorReport> {
    const deadline = Date.now() + timeoutMs;
    let last: DoctorReport | undefined;
    while (Date.now() < deadline) {
      last = (await run()).report;
      if (ok(last)) return last;
      await sleep(1000);
    }
    assert.fail(`${what}: not within ${timeoutMs / 1000} s; last report: ${last ? statusOf(last) : 'none'}`);
  }
  const causeIs =
    (code: string) =>
    (r: DoctorReport): boolean =>
      r.cause?.code === code;
  const healthy = (r: DoctorReport): boolean => r.healthy && r.links.filter((l) => l.status === 'passed').length >= 7;

  before(async function () {
    this.timeout(150 * 60_000);
    saved = { ...process.env };
    [kube, moto] = await Promise.all([sharedKube(), startMoto()]);
    for (const key of [
      'AWS_PROFILE',
      'AWS_SESSION_TOKEN',
      'AWS_ENDPOINT_URL_IAM',
      'AWS_ENDPOINT_URL_STS',
      'AWS_ENDPOINT_URL_EKS',
    ])
      delete process.env[key];
    Object.assign(process.env, moto.env);
    await awsClients({ region: motoRegion }).iam.send(
      new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trust(labNames.prometheusServiceAccount) }),
    );

    lab = mkdtempSync(join(tmpdir(), 'obslab-doctor-kube-'));
    for (const f of renderLab({ appNamespace: appNs, monitoringNamespace: monNs }).values()) {
      mkdirSync(dirname(join(lab, f.path)), { recursive: true });
      writeFileSync(join(lab, f.path), f.content);
    }
    await ensurePrometheusCrd(kube);
    await kubectl(['apply', '-f', join(lab, 'k8s', 'namespaces.yaml')]);
    for (const f of [
      'otel-collector-config.yaml',
      'otel-collector-deploy-svc.yaml',
      'app.yaml',
      'otel-servicemonitors.yaml',
    ])
      await kubectl(['apply', '-f', join(lab, 'k8s', f)]);
    // What kube-prometheus-stack would make for the lab: the Prometheus object selecting release=<release>,
    // run as prometheus-sa (annotated with the role), and its pod (the operator's StatefulSet, here a Deployment).
    const roleArn = `arn:aws:iam::${motoAccount}:role/${roleName}`;
    await kubectl(
      ['apply', '-f', '-'],
      labPrometheusManifests({ namespace: monNs, release, serviceAccount: labNames.prometheusServiceAccount, roleArn }),
    );
    for (const [ns, d] of [
      [appNs, 'otel-flask'],
      [monNs, 'otel-collector'],
      [monNs, `prometheus-${promName}`],
    ] as const) {
      await kube.kubectl(['rollout', 'status', '-n', ns, `deployment/${d}`, '--timeout=180s'], { timeoutMs: 200_000 });
    }
  });

  after(async function () {
    this.timeout(120_000);
    await kube
      ?.kubectl(['delete', 'namespace', appNs, monNs, '--ignore-not-found', '--wait=false'])
      .catch(() => undefined);
    await awsClients({ region: motoRegion })
      .iam.send(new DeleteRoleCommand({ RoleName: roleName }))
      .catch(() => undefined);
    await moto?.stop();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    if (lab) rmSync(lab, { recursive: true, force: true });
  });

  it("reports the healthy lab healthy: every cluster link and the IRSA trust passed, Prometheus' links skipped with the reason; the CLI exits 0", async () => {
    const r = await until('healthy', healthy);
    const passed = r.links.filter((l) => l.status === 'passed').map((l) => l.id);
    assert.deepEqual(
      passed,
      [
        'app-ready',
        'otlp-endpoint',
        'collector-config',
        'collector-up',
        'servicemonitor-selected',
        'port-names',
        'prometheus-service-account',
        'irsa-annotation',
        'irsa-trust',
      ],
      statusOf(r),
    );
    const forward = portForwardService(monNs, kubePrometheusStackNames(release).prometheusService, '9090');
    for (const l of r.links.filter((x) => x.status === 'skipped'))
      assert.equal(
        l.detail,
        `no Prometheus URL: port-forward it (${commandLine(forward, 'posix')}) and pass --prometheus http://127.0.0.1:9090`,
      );
    const out: string[] = [];
    const code = await runDoctorCommand(
      ['--kubeconfig', kube.kubeconfig, '--lab', lab, '--role', roleName, '--region', motoRegion, '--format', 'json'],
      { out: (l) => out.push(l), err: () => undefined },
    );
    assert.equal(code, 0, out.join('\n'));
    assert.equal((JSON.parse(out.join('\n')) as DoctorReport).healthy, true);
  });

  it('names a wrong OTLP endpoint on the Deployment (doctor/otlp-endpoint), and its edit fixes the manifest', async () => {
    const wrong = `http://otel-colector.${monNs}.svc.cluster.local:4317`;
    const right = `http://otel-collector.${monNs}.svc.cluster.local:4317`;
    const file = join(lab, 'k8s', 'app.yaml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace(right, wrong));
    await kubectl(['apply', '-f', file]);
    try {
      const r = await until('otlp-endpoint', causeIs(doctorCodes.otlpEndpoint));
      assert.deepEqual(
        r.causes.map((c) => c.code),
        [doctorCodes.otlpEndpoint],
      );
      const f = r.links.find((l) => l.id === 'otlp-endpoint')?.findings[0];
      assert.match(f?.message ?? '', new RegExp(`${monNs}/otel-colector, which does not exist`));
      assert.equal(f?.evidence[0]?.expected, right);
      const edit = f?.remedies.find((x) => x.kind === 'edit');
      assert.ok(edit?.kind === 'edit', JSON.stringify(f?.remedies));
      writeFileSync(file, applyEdits(readFileSync(file, 'utf8'), edit.edits));
      assert.equal(readFileSync(file, 'utf8'), good);
      const out: string[] = [];
      assert.equal(
        await runDoctorCommand(['--kubeconfig', kube.kubeconfig, '--lab', lab], {
          out: (l) => out.push(l),
          err: () => undefined,
        }),
        1,
      );
      assert.match(out.join('\n'), /FAIL The app sends OTLP to the collector/);
    } finally {
      writeFileSync(file, good);
      await kubectl(['apply', '-f', file]);
    }
    await until('healthy again', healthy);
  });

  it('names the collector down (doctor/collector-down) when its Deployment has no ready pod', async () => {
    await kubectl(['scale', '-n', monNs, 'deployment/otel-collector', '--replicas=0']);
    try {
      const r = await until('collector-down', causeIs(doctorCodes.collectorDown));
      assert.deepEqual(
        r.causes.map((c) => c.code),
        [doctorCodes.collectorDown],
      );
      assert.ok(
        r.links
          .find((l) => l.id === 'collector-up')
          ?.findings[0]?.remedies.some(
            (f) => f.kind === 'command' && /rollout restart deployment\/otel-collector/.test(commandText(f)),
          ),
      );
    } finally {
      await kubectl(['scale', '-n', monNs, 'deployment/otel-collector', '--replicas=1']);
    }
    await until('healthy again', healthy);
  });

  it("names the telemetry `address` form in the ConfigMap (doctor/telemetry-address) for the collector image's version", async () => {
    const file = join(lab, 'k8s', 'otel-collector-config.yaml');
    const good = readFileSync(file, 'utf8');
    const readers = /( *)readers:\n(?:\1 .*\n)+/.exec(good);
    assert.ok(readers, "the lab's config has readers");
    writeFileSync(file, good.replace(readers[0], `${readers[1] ?? ''}address: 0.0.0.0:8888\n`));
    await kubectl(['apply', '-f', file]);
    try {
      const r = await until('telemetry-address', causeIs(doctorCodes.telemetryAddress));
      assert.equal(r.cause?.link, 'collector-config');
      const f = r.links.find((l) => l.id === 'collector-config')?.findings[0];
      assert.match(f?.evidence[0]?.object ?? '', new RegExp(`ConfigMap ${monNs}/otel-collector-config`));
      // The fix is on the student's file, where the lint rule's edit has the right range.
      const edit = f?.remedies.find((x) => x.kind === 'edit');
      assert.ok(edit?.kind === 'edit', JSON.stringify(f?.remedies));
      assert.match(applyEdits(readFileSync(file, 'utf8'), edit.edits), /readers:/);
    } finally {
      writeFileSync(file, good);
      await kubectl(['apply', '-f', file]);
    }
    await until('healthy again', healthy);
  });

  it('names a ServiceMonitor without the release label as not selected by the Prometheus object (doctor/servicemonitor-not-selected)', async () => {
    await kubectl(['label', '-n', monNs, 'servicemonitor', 'otel-collector', 'release-']);
    try {
      const r = await until('servicemonitor-not-selected', causeIs(doctorCodes.serviceMonitorNotSelected));
      const f = r.links.find((l) => l.id === 'servicemonitor-selected')?.findings[0];
      assert.equal(f?.evidence[0]?.expected, `release=${release}`);
      const fix = f?.remedies.find((x) => x.kind === 'command');
      assert.ok(fix?.kind === 'command');
      assert.match(
        commandText(fix),
        new RegExp(
          `^kubectl( --context \\S+)? -n ${monNs} label servicemonitor otel-collector release=${release} --overwrite$`,
        ),
      );
      // The fix works: the same kubectl arguments against this cluster's kubeconfig make the lab healthy.
      await kubectl(
        (fix.steps[0] ?? []).slice(1).filter((a, i, all) => a !== '--context' && all[i - 1] !== '--context'),
      );
      await until('healthy after the fix', healthy);
    } finally {
      await kubectl(['label', '-n', monNs, 'servicemonitor', 'otel-collector', `release=${release}`, '--overwrite']);
    }
    await until('healthy again', healthy);
  });

  it('names a ServiceMonitor endpoint port the Service does not have (doctor/port-name)', async () => {
    await kubectl([
      'patch',
      '-n',
      monNs,
      'servicemonitor',
      'otel-collector',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/endpoints/0/port","value":"prom-metrics"}]',
    ]);
    try {
      const r = await until('port-name', causeIs(doctorCodes.portName));
      assert.equal(r.cause?.link, 'port-names');
      assert.match(r.cause?.message ?? '', /scrapes port "prom-metrics"/);
    } finally {
      await kubectl([
        'patch',
        '-n',
        monNs,
        'servicemonitor',
        'otel-collector',
        '--type=json',
        '-p',
        '[{"op":"replace","path":"/spec/endpoints/0/port","value":"metrics"}]',
      ]);
    }
    await until('healthy again', healthy);
  });

  it('names Prometheus on the default ServiceAccount instead of prometheus-sa (doctor/prometheus-service-account)', async () => {
    await kubectl([
      'patch',
      '-n',
      monNs,
      'prometheus',
      promName,
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/spec/serviceAccountName"}]',
    ]);
    await kubectl([
      'patch',
      '-n',
      monNs,
      `deployment/prometheus-${promName}`,
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/template/spec/serviceAccountName","value":"default"}]',
    ]);
    try {
      const r = await until(
        'prometheus-service-account',
        (x) =>
          causeIs(doctorCodes.prometheusServiceAccount)(x) &&
          x.links.find((l) => l.id === 'irsa-trust')?.status === 'passed',
      );
      assert.deepEqual(
        r.causes.map((c) => c.code),
        [doctorCodes.prometheusServiceAccount],
      );
      const f = r.links.find((l) => l.id === 'prometheus-service-account')?.findings[0];
      assert.equal(f?.evidence[0]?.seen, 'spec.serviceAccountName: default');
      assert.ok(
        f?.remedies.some(
          (x) => x.kind === 'command' && /--set prometheus\.serviceAccount\.name=prometheus-sa/.test(commandText(x)),
        ),
      );
    } finally {
      await kubectl([
        'patch',
        '-n',
        monNs,
        'prometheus',
        promName,
        '--type=merge',
        '-p',
        JSON.stringify({ spec: { serviceAccountName: labNames.prometheusServiceAccount } }),
      ]);
      await kubectl([
        'patch',
        '-n',
        monNs,
        `deployment/prometheus-${promName}`,
        '--type=json',
        '-p',
        `[{"op":"replace","path":"/spec/template/spec/serviceAccountName","value":"${labNames.prometheusServiceAccount}"}]`,
      ]);
    }
    await until('healthy again', healthy, 120_000);
  });

  it('names prometheus-sa annotated with another role (doctor/irsa-annotation), and its fix annotates it right', async () => {
    await kubectl([
      'annotate',
      '-n',
      monNs,
      'serviceaccount',
      labNames.prometheusServiceAccount,
      `eks.amazonaws.com/role-arn=arn:aws:iam::${motoAccount}:role/someone-else`,
      '--overwrite',
    ]);
    try {
      const r = await run();
      assert.equal(r.report.cause?.code, doctorCodes.irsaAnnotation, statusOf(r.report));
      const fix = r.report.links
        .find((l) => l.id === 'irsa-annotation')
        ?.findings[0]?.remedies.find((x) => x.kind === 'command');
      assert.ok(fix?.kind === 'command');
      await kubectl(
        (fix.steps[0] ?? []).slice(1).filter((a, i, all) => a !== '--context' && all[i - 1] !== '--context'),
      );
      assert.equal((await run()).report.healthy, true);
    } finally {
      await kubectl([
        'annotate',
        '-n',
        monNs,
        'serviceaccount',
        labNames.prometheusServiceAccount,
        `eks.amazonaws.com/role-arn=arn:aws:iam::${motoAccount}:role/${roleName}`,
        '--overwrite',
      ]);
    }
  });

  it('names a trust policy for another ServiceAccount (doctor/irsa-trust), from the role in moto', async () => {
    const iam = awsClients({ region: motoRegion }).iam;
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trust('prometheus') }));
    try {
      const r = await run();
      assert.equal(r.report.cause?.code, doctorCodes.irsaTrust, statusOf(r.report));
      assert.deepEqual(
        r.report.causes.map((c) => c.code),
        [doctorCodes.irsaTrust],
      );
      const f = r.report.links.find((l) => l.id === 'irsa-trust')?.findings[0];
      assert.equal(f?.evidence[0]?.seen, `system:serviceaccount:${monNs}:prometheus`);
      assert.equal(f?.evidence[0]?.expected, `system:serviceaccount:${monNs}:prometheus-sa`);
    } finally {
      await iam.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: roleName,
          PolicyDocument: trust(labNames.prometheusServiceAccount),
        }),
      );
    }
    assert.equal((await run()).report.healthy, true);
  });
});
