// IRSA against a real IAM, STS and EKS API (moto in server mode) and a real Kubernetes API server:
// prerequisites, Task 1 (policy, role, attachment, ServiceAccount), Task 4 (inspect), Clean Up, the
// CLI, and the failures a student meets. The SDK is configured only through its standard
// variables (AWS_ENDPOINT_URL and moto's dummy keys), set for this file and restored after it.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand } from '@aws-sdk/client-eks';
import {
  CreatePolicyCommand,
  CreateRoleCommand,
  AttachRolePolicyCommand,
  GetPolicyCommand,
  GetRoleCommand,
  ListPolicyVersionsCommand,
} from '@aws-sdk/client-iam';
import { startMoto, type RunningMoto } from '../harness/moto';
import type { RunningKube } from '../harness/kube';
import { sharedKube, uniqueNamespace } from '../support/kube';
import { irsaCodes } from '../../src/core/iam/codes';
import { canonicalPolicy } from '../../src/core/iam/policy';
import { planIrsaSetup, type IrsaObserved } from '../../src/core/iam/setup';
import { irsaTrustPolicy, issuerHost } from '../../src/core/iam/trust';
import { AwsError, awsClients, type AwsClients } from '../../src/node/aws/clients';
import { planAwsCleanupFor, runAwsCleanup } from '../../src/node/aws/cleanup';
import { inspectIrsaRole } from '../../src/node/aws/inspect';
import {
  applyIrsaChanges,
  callerIdentity,
  clusterIssuer,
  findOidcProvider,
  observeIrsa,
} from '../../src/node/aws/irsa';
import { applyServiceAccount, readIrsaKubeSide, readServiceAccount } from '../../src/node/kube/serviceAccount';
import { loadKube, type LoadedKube } from '../../src/node/kube/config';
import { runIam } from '../../src/cli/iam';
import type { Io } from '../../src/cli/io';

const labPolicyText = readFileSync(
  join(__dirname, '..', '..', 'templates', 'lab', 'iam', 'prometheus-iam-policy.json'),
  'utf8',
);
const region = 'ap-south-1';

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe('IRSA against moto and a real API server', function () {
  this.timeout(15 * 60_000);
  let moto: RunningMoto;
  let k: RunningKube;
  let loaded: LoadedKube;
  let c: AwsClients;
  let saved: NodeJS.ProcessEnv;
  let issuer: string;
  const ns = uniqueNamespace('irsa');
  const cluster = `lab-${process.pid}`;
  const policyName = `obslab-test-policy-${process.pid}`;
  const roleName = `obslab-test-role-${process.pid}`;
  const want = (): Parameters<typeof planIrsaSetup>[0] => ({
    accountId: '123456789012',
    issuer,
    policyName,
    policyDocument: labPolicyText,
    roleName,
    namespace: ns,
    serviceAccount: 'prometheus-sa',
  });

  before(async function () {
    this.timeout(30 * 60_000);
    saved = { ...process.env };
    [moto, k] = await Promise.all([startMoto(), sharedKube()]);
    for (const key of [
      'AWS_PROFILE',
      'AWS_SESSION_TOKEN',
      'AWS_ENDPOINT_URL_IAM',
      'AWS_ENDPOINT_URL_STS',
      'AWS_ENDPOINT_URL_EKS',
    ])
      delete process.env[key];
    Object.assign(process.env, moto.env);
    c = awsClients({ region });
    loaded = loadKube({ kubeconfig: k.kubeconfig });
    // moto's EKS needs a role ARN but does not check it.
    const created = await c.eks.send(
      new CreateClusterCommand({
        name: cluster,
        roleArn: 'arn:aws:iam::123456789012:role/eks-cluster',
        resourcesVpcConfig: { subnetIds: ['subnet-1'] },
      }),
    );
    issuer = created.cluster?.identity?.oidc?.issuer ?? '';
  });

  after(async function () {
    await k?.kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false']).catch(() => undefined);
    await moto?.stop();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  describe('prerequisites', () => {
    it('reads the identity and the cluster issuer moto reports, and sees no OIDC provider yet', async () => {
      const id = await callerIdentity(c);
      assert.equal(id.account, '123456789012');
      assert.match(
        issuer,
        /^https:\/\/oidc\.eks\.ap-south-1\.amazonaws\.com\/id\/\w+$/,
        'moto returns identity.oidc.issuer',
      );
      assert.equal(await clusterIssuer(c, cluster), issuer);
      assert.equal(await findOidcProvider(c, issuer), undefined);
    });

    it('says which region it looked in when the cluster is not there', async () => {
      const other = awsClients({ region: 'eu-west-1' });
      await assert.rejects(
        clusterIssuer(other, cluster),
        (e: unknown) => e instanceof AwsError && /eu-west-1/.test(e.message) && /region/.test(e.message),
      );
    });
  });

  describe('Task 1: policy, role, attachment and ServiceAccount', () => {
    it('creates the OIDC provider, the policy and the role, attaches it and annotates the ServiceAccount', async () => {
      const observed: IrsaObserved = {
        ...(await observeIrsa(c, { identity: await callerIdentity(c), issuer }, policyName, roleName)),
        serviceAccount: await readServiceAccount(loaded, ns, 'prometheus-sa'),
      };
      const plan = planIrsaSetup(want(), observed);
      assert.deepEqual(
        plan.changes.map((ch) => ch.kind),
        ['createOidcProvider', 'createPolicy', 'createRole', 'attachPolicy', 'applyServiceAccount'],
      );
      const done: string[] = [];
      await applyIrsaChanges(c, plan.changes, {
        thumbprint: () => Promise.resolve('9e99a48a9960b14926bb7f3b02e22da2b0ab7280'),
        applyServiceAccount: (n, name, arn) => applyServiceAccount(loaded, n, name, arn),
        onStep: (ch, r) => done.push(`${ch.kind}:${r}`),
      });
      assert.equal(done.length, 5);
      assert.ok(await findOidcProvider(c, issuer));
      const role = await c.iam.send(new GetRoleCommand({ RoleName: roleName }));
      assert.equal(
        canonicalPolicy(role.Role?.AssumeRolePolicyDocument ?? ''),
        canonicalPolicy(JSON.stringify(irsaTrustPolicy('123456789012', issuer, ns, 'prometheus-sa'))),
      );
      assert.deepEqual(role.Role?.Tags, [{ Key: 'obslab:lab', Value: 'true' }]);
      const sa = JSON.parse(
        await k.kubectl(['get', 'serviceaccount', 'prometheus-sa', '-n', ns, '-o', 'json', '--show-managed-fields']),
      ) as { metadata: { annotations: Record<string, string>; managedFields: { manager: string }[] } };
      assert.equal(sa.metadata.annotations['eks.amazonaws.com/role-arn'], plan.roleArn);
      assert.ok(sa.metadata.managedFields.some((m) => m.manager === 'obslab'));
    });

    it('is idempotent: a second run finds nothing to change', async () => {
      const observed: IrsaObserved = {
        ...(await observeIrsa(c, { identity: await callerIdentity(c), issuer }, policyName, roleName)),
        serviceAccount: await readServiceAccount(loaded, ns, 'prometheus-sa'),
      };
      const plan = planIrsaSetup(want(), observed);
      assert.deepEqual(plan.changes, [], JSON.stringify(plan.changes));
    });

    it('adds a new default policy version when the lab file changed', async () => {
      const changed = JSON.stringify({
        ...(JSON.parse(labPolicyText) as object),
        Statement: [{ Effect: 'Allow', Action: ['aps:RemoteWrite'], Resource: '*' }],
      });
      const observed = await observeIrsa(c, { identity: await callerIdentity(c), issuer }, policyName, roleName);
      const plan = planIrsaSetup({ ...want(), policyDocument: changed }, observed);
      assert.deepEqual(
        plan.changes.map((ch) => ch.kind),
        ['createPolicyVersion'],
      );
      await applyIrsaChanges(c, plan.changes);
      const p = await c.iam.send(new GetPolicyCommand({ PolicyArn: plan.policyArn }));
      assert.equal(p.Policy?.DefaultVersionId, 'v2');
      // Back to the lab's document, for the inspection below.
      await applyIrsaChanges(
        c,
        planIrsaSetup(want(), await observeIrsa(c, { identity: await callerIdentity(c), issuer }, policyName, roleName))
          .changes,
      );
      const versions = await c.iam.send(new ListPolicyVersionsCommand({ PolicyArn: plan.policyArn }));
      assert.equal(versions.Versions?.length, 3);
    });

    it('the CLI refuses a policy file that is not valid JSON, naming the file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'obslab-iam-'));
      try {
        mkdirSync(join(dir, 'iam'));
        writeFileSync(join(dir, 'iam', 'prometheus-iam-policy.json'), '{ "Version": "2012-10-17", "Statement": [ ');
        const io = capture();
        const code = await runIam(
          [
            'setup',
            '--policy',
            join(dir, 'iam', 'prometheus-iam-policy.json'),
            '--cluster',
            cluster,
            '--no-kube',
            '--yes',
            '--policy-name',
            `${policyName}-bad`,
            '--role-name',
            `${roleName}-bad`,
          ],
          io,
        );
        assert.equal(code, 1);
        assert.match(io.errors.join('\n'), /prometheus-iam-policy\.json: The policy document is not valid JSON/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('Task 4: Inspect IRSA Role', () => {
    it('finds the role Task 1 made correct, allows every lab action by its own evaluation, and says simulation is missing in moto', async () => {
      const r = await inspectIrsaRole(c, roleName, {
        clusterName: cluster,
        namespace: ns,
        serviceAccount: 'prometheus-sa',
        readKubeSide: () => readIrsaKubeSide(loaded, ns, 'prometheus-sa'),
      });
      assert.deepEqual(
        r.findings.filter((f) => f.severity !== 'info'),
        [],
        JSON.stringify(r.findings, null, 1),
      );
      assert.equal(r.verdictSource, 'local');
      assert.match(r.verdictNote, /SimulatePrincipalPolicy/);
      assert.ok(r.verdicts.every((v) => v.decision === 'allowed'));
      assert.equal(r.cluster.oidcProviderExists, true);
      assert.deepEqual(
        r.whatIf.breaks.map((b) => b.action),
        ['aps:RemoteWrite'],
      );
      assert.equal(r.kube?.serviceAccount?.roleArn, r.role.arn);
    });

    it('flags Prometheus pods that run as another ServiceAccount', async () => {
      await k.kubectl(['apply', '-n', ns, '-f', '-'], {
        input: `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: prometheus-kube-prometheus-prometheus\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: prometheus-test-0\n  labels:\n    app.kubernetes.io/name: prometheus\nspec:\n  serviceAccountName: prometheus-kube-prometheus-prometheus\n  containers:\n  - name: prometheus\n    image: quay.io/prometheus/prometheus:v3.0.0\n`,
      });
      const r = await inspectIrsaRole(c, roleName, {
        clusterName: cluster,
        namespace: ns,
        serviceAccount: 'prometheus-sa',
        readKubeSide: () => readIrsaKubeSide(loaded, ns, 'prometheus-sa'),
      });
      const pods = r.findings.filter((f) => f.code === irsaCodes.pods);
      assert.equal(pods.length, 1);
      assert.match(
        pods[0]?.message ?? '',
        /prometheus-test-0 runs as ServiceAccount prometheus-kube-prometheus-prometheus/,
      );
      await k.kubectl(['delete', 'pod', 'prometheus-test-0', '-n', ns, '--grace-period=0', '--force', '--wait=false']);
    });

    it('flags broken roles: a wildcard subject, another namespace, another cluster, no audience', async () => {
      const host = issuerHost(issuer);
      const federated = `arn:aws:iam::123456789012:oidc-provider/${host}`;
      const other = 'oidc.eks.us-east-1.amazonaws.com/id/0THERCLUSTER';
      const cases: { name: string; trust: object; code: string }[] = [
        {
          name: 'wild',
          code: irsaCodes.subject,
          trust: {
            StringLike: { [`${host}:sub`]: `system:serviceaccount:${ns}:*` },
            StringEquals: { [`${host}:aud`]: 'sts.amazonaws.com' },
          },
        },
        {
          name: 'otherns',
          code: irsaCodes.subject,
          trust: {
            StringEquals: {
              [`${host}:sub`]: 'system:serviceaccount:default:prometheus-sa',
              [`${host}:aud`]: 'sts.amazonaws.com',
            },
          },
        },
        {
          name: 'noaud',
          code: irsaCodes.audience,
          trust: { StringEquals: { [`${host}:sub`]: `system:serviceaccount:${ns}:prometheus-sa` } },
        },
        {
          name: 'othercluster',
          code: irsaCodes.issuer,
          trust: {
            StringEquals: {
              [`${other}:sub`]: `system:serviceaccount:${ns}:prometheus-sa`,
              [`${other}:aud`]: 'sts.amazonaws.com',
            },
          },
        },
      ];
      const policy = await c.iam.send(
        new CreatePolicyCommand({
          PolicyName: `${policyName}-rw`,
          PolicyDocument: readFileSync(
            join(__dirname, '..', 'fixtures', 'iam', 'amazon-prometheus-remote-write-access.json'),
            'utf8',
          ),
        }),
      );
      for (const cs of cases) {
        const principal = cs.name === 'othercluster' ? `arn:aws:iam::123456789012:oidc-provider/${other}` : federated;
        await c.iam.send(
          new CreateRoleCommand({
            RoleName: `${roleName}-${cs.name}`,
            AssumeRolePolicyDocument: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Federated: principal },
                  Action: 'sts:AssumeRoleWithWebIdentity',
                  Condition: cs.trust,
                },
              ],
            }),
          }),
        );
        await c.iam.send(
          new AttachRolePolicyCommand({ RoleName: `${roleName}-${cs.name}`, PolicyArn: policy.Policy?.Arn }),
        );
        const r = await inspectIrsaRole(c, `${roleName}-${cs.name}`, {
          clusterName: cluster,
          namespace: ns,
          serviceAccount: 'prometheus-sa',
        });
        const codes = r.findings.map((f) => f.code);
        assert.ok(codes.includes(cs.code), `${cs.name}: ${JSON.stringify(r.findings, null, 1)}`);
        // AmazonPrometheusRemoteWriteAccess allows writing only: the query actions are reported as denied.
        assert.equal(r.verdicts.find((v) => v.action === 'aps:RemoteWrite')?.decision, 'allowed');
        assert.equal(r.verdicts.find((v) => v.action === 'aps:QueryMetrics')?.decision, 'implicitDeny');
      }
    });

    it('obslab iam inspect prints the findings and verdicts as JSON and exits 1 on errors', async () => {
      const good = capture();
      assert.equal(
        await runIam(
          [
            'inspect',
            roleName,
            '--format',
            'json',
            '--cluster',
            cluster,
            '--region',
            region,
            '--namespace',
            ns,
            '--kubeconfig',
            k.kubeconfig,
          ],
          good,
        ),
        0,
        good.errors.join('\n'),
      );
      const report = JSON.parse(good.lines.join('\n')) as {
        verdicts: { action: string; decision: string; source: string }[];
        findings: unknown[];
      };
      assert.equal(report.verdicts.length, 9);
      assert.ok(report.verdicts.every((v) => v.source === 'local'));
      const bad = capture();
      assert.equal(
        await runIam(['inspect', `${roleName}-otherns`, '--cluster', cluster, '--namespace', ns, '--no-kube'], bad),
        1,
      );
      assert.match(bad.lines.join('\n'), /iam\/trust-subject-mismatch/);
      const missing = capture();
      assert.equal(await runIam(['inspect', 'no-such-role', '--no-kube'], missing), 1);
      assert.match(missing.errors.join('\n'), /no-such-role/);
    });

    it('without credentials, says so and names the next step', async () => {
      const keep = {
        id: process.env['AWS_ACCESS_KEY_ID'],
        secret: process.env['AWS_SECRET_ACCESS_KEY'],
        files: [process.env['AWS_SHARED_CREDENTIALS_FILE'], process.env['AWS_CONFIG_FILE']],
      };
      delete process.env['AWS_ACCESS_KEY_ID'];
      delete process.env['AWS_SECRET_ACCESS_KEY'];
      process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/credentials';
      process.env['AWS_CONFIG_FILE'] = '/nonexistent/config';
      process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
      try {
        const io = capture();
        assert.equal(await runIam(['inspect', roleName, '--no-kube'], io), 1);
        assert.match(io.errors.join('\n'), /no AWS credentials were found.*aws configure/);
      } finally {
        process.env['AWS_ACCESS_KEY_ID'] = keep.id ?? 'testing';
        process.env['AWS_SECRET_ACCESS_KEY'] = keep.secret ?? 'testing';
        delete process.env['AWS_SHARED_CREDENTIALS_FILE'];
        delete process.env['AWS_CONFIG_FILE'];
        delete process.env['AWS_EC2_METADATA_DISABLED'];
        if (keep.files[0]) process.env['AWS_SHARED_CREDENTIALS_FILE'] = keep.files[0];
        if (keep.files[1]) process.env['AWS_CONFIG_FILE'] = keep.files[1];
      }
    });
  });

  describe('Clean Up (AWS part)', () => {
    it('deletes the lab-tagged role and policy, keeps untagged ones unless named, keeps the OIDC provider', async () => {
      const plan = await planAwsCleanupFor(c, { roleName, policyName, clusterName: cluster });
      assert.deepEqual(
        plan.steps.map((s) => s.kind),
        ['detachRolePolicy', 'deleteRole', 'deletePolicyVersion', 'deletePolicyVersion', 'deletePolicy'],
      );
      assert.ok(plan.kept.some((k2) => /OIDC provider/.test(k2)));
      const results = await runAwsCleanup(c, plan);
      assert.ok(
        results.every((r) => r.result === 'done'),
        JSON.stringify(results),
      );
      await assert.rejects(c.iam.send(new GetRoleCommand({ RoleName: roleName })), /NoSuchEntity|not found/);
      const again = await planAwsCleanupFor(c, { roleName, policyName });
      assert.deepEqual(again.steps, []);
      // A role the lab did not tag is kept, unless named.
      const untagged = await planAwsCleanupFor(c, { roleName: `${roleName}-wild`, policyName: `${policyName}-rw` });
      assert.deepEqual(untagged.steps, []);
      assert.equal(untagged.kept.length, 2);
      const io = capture();
      assert.equal(
        await runIam(['cleanup', '--role-name', `${roleName}-wild`, '--policy-name', `${policyName}-rw`, '--yes'], io),
        0,
        io.errors.join('\n'),
      );
      assert.match(io.lines.join('\n'), /ok\s+delete role/);
    });
  });
});
