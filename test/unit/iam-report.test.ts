// The lab's questions answered from the role's data: which lab actions are allowed, what breaks
// without aps:RemoteWrite, and the report's findings; Task 1's plan and Clean Up's AWS plan.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeAwsFailure } from '../../src/core/iam/awsErrors';
import { irsaCodes, irsaFindingCodes } from '../../src/core/iam/codes';
import { associateOidcProvider, clusterIssuer } from '../../src/core/iam/commands';
import { evaluateLabActions, labActions, whatIfWithout } from '../../src/core/iam/lab';
import { parsePolicy } from '../../src/core/iam/policy';
import { buildIrsaReport, reportText } from '../../src/core/iam/report';
import {
  eksctlIamServiceAccountArgs,
  eksctlOidcArgs,
  planAwsCleanup,
  planIrsaSetup,
  type IrsaDesired,
} from '../../src/core/iam/setup';
import { irsaTrustPolicy } from '../../src/core/iam/trust';
import { callerIdentity, configure, listClusters, ssoLogin } from '../../src/core/kube/commands';
import { blank, commandInText, commandLine, runnableArgv } from '../../src/core/shellQuote';
import { account, issuer, labPolicyText, labRoleInput, roleArn } from '../fixtures/irsaRole';

const root = join(__dirname, '..', '..');
const managedText = readFileSync(
  join(root, 'test', 'fixtures', 'iam', 'amazon-prometheus-remote-write-access.json'),
  'utf8',
);

function labPolicy() {
  const p = parsePolicy(labPolicyText);
  if (!p.ok) throw new Error(p.error);
  return [{ name: 'ds252-prometheus-otel-policy', document: p.policy }];
}

const input = labRoleInput;

describe('IRSA: the lab actions and the what-if', () => {
  it('lists exactly the actions of the lab policy the scaffold writes', () => {
    const p = labPolicy()[0]?.document;
    const inPolicy = (p?.statements ?? []).flatMap((s) => s.action ?? []);
    assert.deepEqual(labActions.map((a) => a.action).sort(), [...inPolicy].sort());
  });

  it('allows every lab action under the lab policy', () => {
    assert.ok(evaluateLabActions(labPolicy()).every((v) => v.decision === 'allowed' && v.source === 'local'));
  });

  it('under AmazonPrometheusRemoteWriteAccess allows writing only', () => {
    const p = parsePolicy(managedText);
    assert.ok(p.ok);
    const v = evaluateLabActions([{ name: 'AmazonPrometheusRemoteWriteAccess', document: p.policy }]);
    assert.deepEqual(
      v.filter((x) => x.decision === 'allowed').map((x) => x.action),
      ['aps:RemoteWrite'],
    );
  });

  it('without aps:RemoteWrite, remote write breaks with a 403 and the remote-storage metrics show it; nothing else changes', () => {
    const w = whatIfWithout(labPolicy());
    assert.deepEqual(
      w.breaks.map((b) => b.action),
      ['aps:RemoteWrite'],
    );
    assert.match(w.breaks[0]?.symptom ?? '', /403/);
    assert.match(w.breaks[0]?.symptom ?? '', /prometheus_remote_storage_samples_failed_total/);
    assert.ok(w.after.filter((a) => a.action !== 'aps:RemoteWrite').every((a) => a.decision === 'allowed'));
    const copy = JSON.stringify(w.policies[0]?.document);
    assert.ok(!copy.includes('aps:RemoteWrite') && copy.includes('aps:QueryMetrics'), copy);
    // The original is untouched.
    assert.ok(labPolicy()[0]?.document.statements[0]?.action?.includes('aps:RemoteWrite'));
  });

  it('when a wildcard grants it, the what-if adds an explicit Deny instead of rewriting the wildcard', () => {
    const p = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'aps:*', Resource: '*' }] }),
    );
    assert.ok(p.ok);
    const w = whatIfWithout([{ name: 'wide', document: p.policy }]);
    assert.deepEqual(
      w.breaks.map((b) => b.action),
      ['aps:RemoteWrite'],
    );
    assert.match(w.edits.join(' '), /Deny statement/);
    assert.equal(w.after.find((a) => a.action === 'aps:QueryMetrics')?.decision, 'allowed');
  });
});

describe('IRSA inspect report', () => {
  it('reports no problem for the role Task 1 creates, and says the verdicts are our own evaluation', () => {
    const r = buildIrsaReport(
      input({
        simulationNote: 'IAM policy simulation was not used: moto.',
        kube: {
          serviceAccount: { namespace: 'monitoring', name: 'prometheus-sa', exists: true, roleArn },
          prometheusPods: [{ namespace: 'monitoring', name: 'prometheus-0', serviceAccount: 'prometheus-sa' }],
        },
      }),
    );
    assert.deepEqual(r.findings, []);
    assert.equal(r.verdictSource, 'local');
    assert.match(r.verdictNote, /own evaluation.*moto/);
    assert.ok(r.role.createdByLab);
    const text = reportText(r);
    assert.match(text, /aps:RemoteWrite\s+ALLOWED/);
    assert.match(text, /No problems found/);
  });

  it('uses IAM simulation verdicts when they are given', () => {
    const simulated = labActions.map((a) => ({
      action: a.action,
      capability: a.capability,
      decision: 'implicitDeny' as const,
      source: 'simulation' as const,
      because: "denied by IAM's simulation",
    }));
    const r = buildIrsaReport(input({ simulated }));
    assert.equal(r.verdictSource, 'simulation');
    assert.equal(r.findings.filter((f) => f.code === irsaCodes.actionDenied).length, labActions.length);
    assert.equal(r.findings.find((f) => f.message.startsWith('aps:RemoteWrite'))?.severity, 'error');
  });

  it('flags a missing OIDC provider with the eksctl command, an annotation to another role, and pods under another ServiceAccount', () => {
    const r = buildIrsaReport(
      input({
        cluster: { name: 'ds252-cluster', region: 'ap-south-1', accountId: account, issuer, oidcProviderExists: false },
        kube: {
          serviceAccount: {
            namespace: 'monitoring',
            name: 'prometheus-sa',
            exists: true,
            roleArn: `arn:aws:iam::${account}:role/other`,
          },
          prometheusPods: [
            {
              namespace: 'monitoring',
              name: 'prometheus-prometheus-kube-prometheus-prometheus-0',
              serviceAccount: 'prometheus-kube-prometheus-prometheus',
            },
          ],
        },
      }),
    );
    const byCode = new Map(r.findings.map((f) => [f.code, f]));
    assert.match(
      byCode.get(irsaCodes.oidcProvider)?.message ?? '',
      /run: `eksctl utils associate-iam-oidc-provider --cluster ds252-cluster --region ap-south-1 --approve`$/,
    );
    assert.ok(
      byCode
        .get(irsaCodes.oidcProvider)
        ?.message.endsWith(commandInText(associateOidcProvider('ds252-cluster', 'ap-south-1'))),
      'the command shown is the one eksctlOidcArgs runs',
    );
    assert.match(byCode.get(irsaCodes.annotation)?.message ?? '', /role\/other/);
    assert.match(byCode.get(irsaCodes.pods)?.message ?? '', /prometheus\.serviceAccount\.name=prometheus-sa/);
  });

  it('flags a ServiceAccount that does not exist or has no annotation', () => {
    const missing = buildIrsaReport(
      input({ kube: { serviceAccount: { namespace: 'monitoring', name: 'prometheus-sa', exists: false } } }),
    );
    assert.match(missing.findings[0]?.message ?? '', /does not exist/);
    const bare = buildIrsaReport(
      input({ kube: { serviceAccount: { namespace: 'monitoring', name: 'prometheus-sa', exists: true } } }),
    );
    assert.match(bare.findings[0]?.message ?? '', /no eks\.amazonaws\.com\/role-arn/);
  });

  it('reports a role without policies, and an attached document that is not a policy', () => {
    const none = buildIrsaReport(input({ role: { ...input().role, policies: [] } }));
    assert.deepEqual(
      none.findings.map((f) => f.code),
      [irsaCodes.actionDenied],
    );
    const broken = buildIrsaReport(
      input({
        role: { ...input().role, policies: [{ name: 'inline1', kind: 'inline', document: '{"Statement": 3}' }] },
      }),
    );
    assert.ok(broken.findings.some((f) => f.code === irsaCodes.policyInvalid));
  });
});

describe('IRSA Task 1 plan', () => {
  const want: IrsaDesired = {
    accountId: account,
    issuer,
    policyName: 'ds252-prometheus-otel-policy',
    policyDocument: labPolicyText,
    roleName: 'ds252-prometheus-sa-role',
    namespace: 'monitoring',
    serviceAccount: 'prometheus-sa',
  };

  it('creates everything in an empty account, in order', () => {
    const p = planIrsaSetup(want, { serviceAccount: { exists: false } });
    assert.deepEqual(
      p.changes.map((c) => c.kind),
      ['createOidcProvider', 'createPolicy', 'createRole', 'attachPolicy', 'applyServiceAccount'],
    );
    assert.equal(p.roleArn, roleArn);
  });

  it('changes nothing when everything is already right (the same document in another key order)', () => {
    const reordered = JSON.stringify(JSON.parse(labPolicyText) as object);
    const policyArn = `arn:aws:iam::${account}:policy/ds252-prometheus-otel-policy`;
    const p = planIrsaSetup(want, {
      oidcProviderArn: `arn:aws:iam::${account}:oidc-provider/x`,
      policy: {
        arn: policyArn,
        defaultVersionId: 'v1',
        defaultDocument: encodeURIComponent(reordered),
        versions: [{ id: 'v1', isDefault: true }],
        tags: {},
      },
      role: { arn: roleArn, trustPolicy: encodeURIComponent(p0()), attachedPolicyArns: [policyArn], tags: {} },
      serviceAccount: { exists: true, roleArn },
    });
    assert.deepEqual(p.changes, []);
    assert.equal(p.unchanged.length, 5);
    function p0(): string {
      return JSON.stringify(irsaTrustPolicy(account, issuer, 'monitoring', 'prometheus-sa'));
    }
  });

  it('offers a new default version when the policy differs, making room when IAM already keeps five', () => {
    const policyArn = `arn:aws:iam::${account}:policy/ds252-prometheus-otel-policy`;
    const versions = ['v1', 'v2', 'v3', 'v4', 'v5'].map((id) => ({ id, isDefault: id === 'v5' }));
    const p = planIrsaSetup(want, {
      policy: {
        arn: policyArn,
        defaultVersionId: 'v5',
        defaultDocument:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aps:QueryMetrics","Resource":"*"}]}',
        versions,
        tags: {},
      },
    });
    const change = p.changes.find((c) => c.kind === 'createPolicyVersion');
    assert.ok(change && change.kind === 'createPolicyVersion');
    assert.equal(change.deleteVersionId, 'v1');
  });

  it('replaces a trust policy that trusts the wrong ServiceAccount', () => {
    const wrong = JSON.stringify(irsaTrustPolicy(account, issuer, 'default', 'prometheus'));
    const p = planIrsaSetup(want, { role: { arn: roleArn, trustPolicy: wrong, attachedPolicyArns: [], tags: {} } });
    assert.ok(p.changes.some((c) => c.kind === 'updateTrustPolicy'));
  });

  it('refuses a policy file that is not JSON, or is a trust policy', () => {
    assert.match(planIrsaSetup({ ...want, policyDocument: '{ "Version": ' }, {}).blockers[0] ?? '', /not valid JSON/);
    assert.match(
      planIrsaSetup(
        { ...want, policyDocument: JSON.stringify(irsaTrustPolicy(account, issuer, 'monitoring', 'prometheus-sa')) },
        {},
      ).blockers[0] ?? '',
      /trust policy/,
    );
  });

  it('builds the eksctl command of the lab as an argument array', () => {
    const args = eksctlIamServiceAccountArgs({
      cluster: 'ds252-cluster',
      region: 'ap-south-1',
      namespace: 'monitoring',
      serviceAccount: 'prometheus-sa',
      roleName: 'ds252-prometheus-sa-role',
      policyArn: 'arn:aws:iam::1:policy/p',
    });
    assert.deepEqual(args.slice(0, 2), ['create', 'iamserviceaccount']);
    assert.equal(args[args.indexOf('--attach-policy-arn') + 1], 'arn:aws:iam::1:policy/p');
  });

  it('shows the eksctl command that creates the OIDC provider as the words eksctl is run with, the cluster left blank', () => {
    const oidc = planIrsaSetup(want, {}).changes.find((c) => c.kind === 'createOidcProvider');
    assert.ok(oidc);
    assert.ok(oidc.description.endsWith(`Same as: ${commandInText(associateOidcProvider(blank('cluster')))}`));
    assert.match(oidc.description, /`eksctl utils associate-iam-oidc-provider --cluster <cluster> --approve`$/);
    assert.deepEqual(
      ['eksctl', ...eksctlOidcArgs({ cluster: 'ds252-cluster', region: 'ap-south-1' })],
      runnableArgv(associateOidcProvider('ds252-cluster', 'ap-south-1')),
    );
  });
});

describe('IRSA Clean Up plan', () => {
  const role = {
    name: 'r',
    arn: 'arn:aws:iam::1:role/r',
    attachedPolicyArns: ['arn:aws:iam::1:policy/p'],
    inlinePolicyNames: ['i'],
  };
  const policy = {
    name: 'p',
    arn: 'arn:aws:iam::1:policy/p',
    nonDefaultVersionIds: ['v1'],
    attachedTo: [{ kind: 'role' as const, name: 'r' }],
  };

  it('deletes the tagged role and policy in an order IAM accepts', () => {
    const p = planAwsCleanup({
      role: { ...role, tags: { 'obslab:lab': 'true' } },
      policy: { ...policy, tags: { 'obslab:lab': 'true' } },
    });
    assert.deepEqual(
      p.steps.map((s) => s.kind),
      ['detachRolePolicy', 'deleteRolePolicy', 'deleteRole', 'deletePolicyVersion', 'deletePolicy'],
    );
  });

  it('keeps what the lab did not create unless the student names it', () => {
    const kept = planAwsCleanup({ role: { ...role, tags: {} }, policy: { ...policy, tags: {} } });
    assert.deepEqual(kept.steps, []);
    assert.equal(kept.kept.length, 2);
    const named = planAwsCleanup({ role: { ...role, tags: {} }, policy: { ...policy, tags: {} } }, { role: true });
    assert.ok(named.steps.some((s) => s.kind === 'deleteRole'));
    assert.ok(!named.steps.some((s) => s.kind === 'deletePolicy'));
  });

  it('deletes the OIDC provider only if the lab created it and the student asks', () => {
    const oidcProvider = { arn: 'arn:aws:iam::1:oidc-provider/x', tags: { 'obslab:lab': 'true' } };
    assert.ok(!planAwsCleanup({ oidcProvider }).steps.length);
    assert.equal(planAwsCleanup({ oidcProvider }, {}, true).steps[0]?.kind, 'deleteOidcProvider');
    assert.ok(!planAwsCleanup({ oidcProvider: { ...oidcProvider, tags: {} } }, {}, true).steps.length);
  });
});

describe('AWS failures for the student', () => {
  const action = { what: 'read the role ds252-prometheus-sa-role', region: 'ap-south-1' };
  it('names the cause and the next step', () => {
    assert.match(
      describeAwsFailure(
        { name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' },
        action,
      ),
      /no AWS credentials.*aws configure/,
    );
    assert.match(
      describeAwsFailure(
        { name: 'ExpiredToken', message: 'The security token included in the request is expired', httpStatus: 403 },
        action,
      ),
      /expired.*aws sso login/,
    );
    assert.match(
      describeAwsFailure(
        {
          name: 'AccessDenied',
          message: 'User: arn:aws:iam::1:user/x is not authorized to perform: iam:GetRole',
          httpStatus: 403,
        },
        action,
      ),
      /access denied.*not authorized/,
    );
    assert.match(
      describeAwsFailure(
        { name: 'ResourceNotFoundException', message: 'No cluster found for name: ds252-cluster.' },
        { what: 'describe the EKS cluster', region: 'us-east-1' },
      ),
      /in us-east-1.*region/,
    );
    assert.match(
      describeAwsFailure(
        { name: 'Error', message: 'connect ECONNREFUSED', errno: 'ECONNREFUSED' },
        { what: 'x', endpoint: 'http://127.0.0.1:1' },
      ),
      /did not answer.*AWS_ENDPOINT_URL/,
    );
  });

  it('names each command as a value, and lists the clusters of the region it asked in (a blank one when none was set)', () => {
    const failure = (name: string, message: string, region?: string): string =>
      describeAwsFailure({ name, message }, { what: 'x', ...(region ? { region } : {}) });
    const none = failure('CredentialsProviderError', 'Could not load credentials from any providers');
    assert.ok(none.includes(`Run ${commandInText(configure)} or ${commandInText(ssoLogin)}`), none);
    assert.ok(failure('ExpiredToken', 'expired').includes(commandInText(ssoLogin)));
    assert.ok(failure('InvalidClientTokenId', 'bad').includes('`aws sts get-caller-identity`'));
    assert.ok(failure('InvalidClientTokenId', 'bad').includes(commandInText(callerIdentity)));
    const notFound = 'No cluster found for name: ds252-cluster.';
    assert.match(
      failure('ResourceNotFoundException', notFound, 'us-east-1'),
      /`aws eks list-clusters --region us-east-1`/,
    );
    assert.match(failure('ResourceNotFoundException', notFound), /`aws eks list-clusters --region <region>`/);
    assert.equal(runnableArgv(listClusters(undefined)), undefined, 'the region is left to the student');
  });
});

describe("Inspect IRSA Role's finding codes in the README", () => {
  it('give the commands as the EKS guide does, bare (the table shows them as code)', () => {
    const good = new Map(irsaFindingCodes.map((c) => [c.code, c.good]));
    assert.equal(good.get(irsaCodes.issuer), `the cluster's own issuer, from ${commandLine(clusterIssuer(), 'posix')}`);
    assert.match(
      good.get(irsaCodes.issuer) ?? '',
      /aws eks describe-cluster --name <cluster> --query cluster\.identity\.oidc\.issuer --output text$/,
    );
    assert.equal(
      good.get(irsaCodes.oidcProvider),
      'eksctl utils associate-iam-oidc-provider --cluster <cluster> --approve',
    );
    for (const c of irsaFindingCodes)
      assert.ok(!c.good.includes('`'), `${c.code}: a backtick would end the table's code span`);
  });
});
