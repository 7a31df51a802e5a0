// Doctor costs (issue 9): a full run (snapshot + chain) on the healthy sandbox, goal under 2 s,
// and on the local control plane with the lab applied and the IRSA role in moto, goal under 3 s.
// Each printed as the first run (cold: modules, connections) and the median of warm runs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { irsaTrustPolicy } from '../src/core/iam/trust';
import { defaultParams } from '../src/core/scaffold/params';
import { labNames } from '../src/core/scaffold/plan';
import { awsClients } from '../src/node/aws/clients';
import { doctor, type DoctorOptions } from '../src/node/doctor';
import { readSandboxState, sandboxDown, sandboxUp } from '../src/node/sandbox/sandbox';
import { harnessSandboxPrograms } from '../test/harness/sandbox';
import { sleep } from '../src/node/process/sleep';
import { startKube } from '../test/harness/kube';
import { motoAccount, motoRegion, startMoto } from '../test/harness/moto';
import { renderLab } from '../test/support/lab';

function row(what: string, value: string, note = ''): void {
  console.log(`${what.padEnd(64)} ${value.padStart(14)}  ${note}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** Times the first run and the median of `runs` more; says what was checked, so a fast run that skipped everything does not pass for a fast doctor. */
async function timeDoctor(what: string, o: DoctorOptions, goalMs: number, runs = 10): Promise<void> {
  const samples: number[] = [];
  let summary = '';
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const { report } = await doctor(o);
    samples.push(performance.now() - t0);
    summary = `${report.healthy ? 'healthy' : `broken: ${report.causes.map((c) => c.code).join(', ')}`}, ${report.links.filter((l) => l.status === 'passed').length}/${report.links.length} links passed`;
  }
  const [first = NaN, ...warm] = samples;
  const m = median(warm);
  row(
    `doctor on ${what}: first run / median of ${runs}`,
    `${first.toFixed(0)} / ${m.toFixed(0)} ms`,
    `${(m / goalMs).toFixed(2)}× of the ${goalMs / 1000} s goal (first ${(first / goalMs).toFixed(2)}×, with module loading); ${summary}`,
  );
}

async function benchOnSandbox(): Promise<void> {
  if (readSandboxState()) {
    row('doctor on the sandbox', 'skipped', 'a sandbox is already running; stop it with `npm run stop` for this bench');
    return;
  }
  try {
    const up = await sandboxUp(await harnessSandboxPrograms());
    const app = up.state.app;
    // Requests so the app's metrics exist, then until the chain is healthy (the freshness link needs points).
    for (let i = 0; i < 20 && app; i++)
      await (
        await fetch(`${app.url}/hash`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `data=bench${i}`,
        })
      ).arrayBuffer();
    const deadline = Date.now() + 90_000;
    const ready = (r: Awaited<ReturnType<typeof doctor>>['report']): boolean =>
      r.healthy && ['app-metrics', 'freshness'].every((id) => r.links.find((l) => l.id === id)?.status === 'passed');
    while (Date.now() < deadline && !ready((await doctor({ source: 'sandbox' })).report)) await sleep(1000);
    await timeDoctor('the healthy sandbox', { source: 'sandbox' }, 2000);
  } finally {
    await sandboxDown();
  }
}

const prometheusCrd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: prometheuses.monitoring.coreos.com}
spec:
  group: monitoring.coreos.com
  scope: Namespaced
  names: {plural: prometheuses, singular: prometheus, kind: Prometheus, listKind: PrometheusList}
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
`;

async function benchOnControlPlane(): Promise<void> {
  const [kube, moto] = await Promise.all([startKube(), startMoto()]);
  const lab = mkdtempSync(join(tmpdir(), 'obslab-bench-doctor-'));
  const saved = { ...process.env };
  try {
    Object.assign(process.env, moto.env);
    const roleName = 'obslab-bench-doctor-role';
    await awsClients({ region: motoRegion }).iam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        AssumeRolePolicyDocument: JSON.stringify(
          irsaTrustPolicy(
            motoAccount,
            'https://oidc.eks.ap-south-1.amazonaws.com/id/BENCH',
            defaultParams.monitoringNamespace,
            labNames.prometheusServiceAccount,
          ),
        ),
      }),
    );
    for (const f of renderLab().values()) {
      mkdirSync(dirname(join(lab, f.path)), { recursive: true });
      writeFileSync(join(lab, f.path), f.content);
    }
    const mon = defaultParams.monitoringNamespace;
    const prom = `${defaultParams.helmRelease}-kube-prometheus-prometheus`;
    await kube.kubectl(['apply', '-f', '-'], { input: prometheusCrd });
    await kube.kubectl([
      'wait',
      '--for=condition=Established',
      'crd/prometheuses.monitoring.coreos.com',
      '--timeout=60s',
    ]);
    // Namespaces first: a folder is applied in file-name order, app.yaml before namespaces.yaml.
    await kube.kubectl(['apply', '-f', join(lab, 'k8s', 'namespaces.yaml')]);
    await kube.kubectl(['apply', '-f', join(lab, 'k8s')]);
    await kube.kubectl(['apply', '-f', '-'], {
      input: `apiVersion: v1
kind: ServiceAccount
metadata: {name: ${labNames.prometheusServiceAccount}, namespace: ${mon}, annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::${motoAccount}:role/${roleName}"}}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: ${prom}, namespace: ${mon}, labels: {release: ${defaultParams.helmRelease}}}
spec: {serviceAccountName: ${labNames.prometheusServiceAccount}, serviceMonitorSelector: {matchLabels: {release: ${defaultParams.helmRelease}}}, serviceMonitorNamespaceSelector: {}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus-${prom}, namespace: ${mon}}
spec:
  selector: {matchLabels: {prometheus: ${prom}}}
  template:
    metadata: {labels: {prometheus: ${prom}}}
    spec: {serviceAccountName: ${labNames.prometheusServiceAccount}, containers: [{name: prometheus, image: quay.io/prometheus/prometheus:v3.5.0}]}
`,
    });
    for (const [ns, d] of [
      [defaultParams.appNamespace, 'otel-flask'],
      [mon, 'otel-collector'],
      [mon, `prometheus-${prom}`],
    ] as const)
      await kube.kubectl(['rollout', 'status', '-n', ns, `deployment/${d}`, '--timeout=180s'], { timeoutMs: 200_000 });
    await timeDoctor(
      'the local control plane (kwok pods, IRSA role in moto)',
      { source: 'cluster', kubeconfig: kube.kubeconfig, labDir: lab, roleName, region: motoRegion },
      3000,
    );
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await moto.stop();
    await kube.stop();
    rmSync(lab, { recursive: true, force: true });
  }
}

export async function benchDoctor(): Promise<void> {
  await benchOnSandbox();
  await benchOnControlPlane();
}
