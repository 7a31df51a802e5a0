// IAM, the lab scaffold, the prerequisites and Restricted Mode speak the user's language: in the
// pseudo-locale every sentence they make (the IRSA report and its plain text, trust explanations,
// lab action verdicts and the what-if, policy errors and permission warnings, the Task 1 and Clean
// Up plans, AWS failures, the AWS layer's notes, prerequisite lines, the scaffold's prompts and
// problems, the trust refusals) is made of translated text whole, over the inputs the existing
// tests use (test/unit/iam*.test.ts, test/fixtures/iam, the lab's own policy file).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeAwsFailure, type AwsFailure } from '../../src/core/iam/awsErrors';
import { evaluate, type NamedPolicy } from '../../src/core/iam/evaluate';
import { describeDecision, evaluateLabActions, labActions, whatIfWithout } from '../../src/core/iam/lab';
import { permissionLines, policyPermissions } from '../../src/core/iam/permissions';
import { parsePolicy, type PolicyDocument } from '../../src/core/iam/policy';
import { buildIrsaReport, reportText, type IrsaInspectInput, type IrsaReport } from '../../src/core/iam/report';
import { permissionsText, planAwsCleanup, planIrsaSetup, type IrsaDesired } from '../../src/core/iam/setup';
import { analyzeTrust, explainCondition, irsaTrustPolicy, type IrsaTarget } from '../../src/core/iam/trust';
import {
  awsCredentialsLine,
  clusterLines,
  summarize,
  toolLine,
  tools,
  type AwsCredentialSources,
  type CheckLine,
} from '../../src/core/prerequisites';
import { defaultParams, paramSpecs, paramWarnings, validateParams } from '../../src/core/scaffold/params';
import {
  checkLabManifest,
  describeLabManifestProblems,
  labManifestName,
  labManifestProblemText,
  planLabFiles,
} from '../../src/core/scaffold/plan';
import {
  commandsAllowedUntrusted,
  commandsNeedingTrust,
  configuredProgramQuestion,
  untrustedMessage,
} from '../../src/core/trust';
import { runAwsCleanup } from '../../src/node/aws/cleanup';
import type { AwsClients } from '../../src/node/aws/clients';
import { inspectIrsaRole, readRoleData } from '../../src/node/aws/inspect';
import { applyIrsaChanges, clusterIssuer } from '../../src/node/aws/irsa';
import { inPseudoLocale, inPseudoLocaleAsync, untranslated } from '../support/pseudoLocale';
import { account, issuer, labPolicyText, labRoleInput, roleArn } from '../fixtures/irsaRole';

const root = join(__dirname, '..', '..');
const managedText = readFileSync(
  join(root, 'test', 'fixtures', 'iam', 'amazon-prometheus-remote-write-access.json'),
  'utf8',
);
const eksctlText = readFileSync(join(root, 'test', 'fixtures', 'iam', 'eksctl-trust.json'), 'utf8');

// iam-trust.test.ts's cluster and variants of eksctl's trust policy.
const trustIssuer = 'https://oidc.eks.ap-south-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const trustHost = 'oidc.eks.ap-south-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const trustAccount = '111122223333';
const target: IrsaTarget = {
  namespace: 'monitoring',
  serviceAccount: 'prometheus-sa',
  issuer: trustIssuer,
  accountId: trustAccount,
};
const otherHost = 'oidc.eks.us-east-1.amazonaws.com/id/0THERCLUSTER0000000000000000000';

function parse(text: string): PolicyDocument {
  const p = parsePolicy(text);
  if (!p.ok) throw new Error(p.error);
  return p.policy;
}

function variant(condition: object | undefined, federated = `arn:aws:iam::${trustAccount}:oidc-provider/${trustHost}`) {
  const raw = JSON.parse(eksctlText) as { Statement: Record<string, unknown>[] };
  const st = raw.Statement[0] ?? {};
  if (condition) st['Condition'] = condition;
  else delete st['Condition'];
  st['Principal'] = { Federated: federated };
  return JSON.stringify(raw);
}

const sub = (value: string, op = 'StringEquals'): Record<string, Record<string, string>> => ({
  [op]: { [`${trustHost}:sub`]: value },
});

/** Every trust policy of iam-trust.test.ts, and a few more shapes the explanations cover. */
const trustPolicies: string[] = [
  eksctlText,
  variant({
    StringLike: { [`${trustHost}:sub`]: 'system:serviceaccount:monitoring:*' },
    StringEquals: { [`${trustHost}:aud`]: 'sts.amazonaws.com' },
  }),
  variant({
    StringLike: { [`${trustHost}:sub`]: 'system:serviceaccount:*:*' },
    StringEquals: { [`${trustHost}:aud`]: 'sts.amazonaws.com' },
  }),
  variant({
    StringLike: { [`${trustHost}:sub`]: 'system:serviceaccount:*:prometheus-sa' },
    StringEquals: { [`${trustHost}:aud`]: 'sts.amazonaws.com' },
  }),
  variant({ StringLike: { [`${trustHost}:sub`]: ['system:serviceaccount:monitoring:prom*', 'repo:*'] } }),
  variant({ StringEquals: { [`${trustHost}:aud`]: 'sts.amazonaws.com' } }),
  variant(sub('system:serviceaccount:monitoring:prometheus-sa')),
  variant({
    StringEquals: {
      [`${trustHost}:sub`]: 'system:serviceaccount:monitoring:prometheus-sa',
      [`${trustHost}:aud`]: 'sts.amazon.com',
    },
  }),
  variant({
    StringEquals: {
      [`${trustHost}:sub`]: 'system:serviceaccount:monitoring:prometheus-sa',
    },
    StringLike: { [`${trustHost}:aud`]: '*' },
  }),
  variant({
    StringEquals: {
      [`${trustHost}:sub`]: 'system:serviceaccount:default:prometheus-sa',
      [`${trustHost}:aud`]: 'sts.amazonaws.com',
    },
  }),
  variant({
    StringEquals: {
      [`${trustHost}:sub`]: 'system:serviceaccount:monitoring:prometheus-kube-prometheus-prometheus',
      [`${trustHost}:aud`]: 'sts.amazonaws.com',
    },
  }),
  variant(
    {
      StringEquals: {
        [`${otherHost}:sub`]: 'system:serviceaccount:monitoring:prometheus-sa',
        [`${otherHost}:aud`]: 'sts.amazonaws.com',
      },
    },
    `arn:aws:iam::${trustAccount}:oidc-provider/${otherHost}`,
  ),
  variant({
    StringEquals: {
      [`${otherHost}:sub`]: 'system:serviceaccount:monitoring:prometheus-sa',
      [`${trustHost}:aud`]: 'sts.amazonaws.com',
    },
    StringNotEqualsIfExists: { [`${otherHost}:amr`]: 'x' },
  }),
  variant(
    {
      StringEquals: {
        [`${trustHost}:sub`]: 'system:serviceaccount:monitoring:prometheus-sa',
        [`${trustHost}:aud`]: 'sts.amazonaws.com',
      },
    },
    `arn:aws:iam::999988887777:oidc-provider/${trustHost}`,
  ),
  variant(undefined),
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${trustAccount}:oidc-provider/${trustHost}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${trustHost}:sub`]: 'system:serviceaccount:monitoring:prometheus-sa',
            [`${trustHost}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
      {
        Effect: 'Deny',
        Principal: { Federated: `arn:aws:iam::${trustAccount}:oidc-provider/${trustHost}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          'ForAnyValue:StringEquals': { [`${trustHost}:sub`]: 'system:serviceaccount:monitoring:prometheus-sa' },
        },
      },
    ],
  }),
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  }),
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' },
      { Effect: 'Deny', Principal: '*', NotAction: 'sts:TagSession' },
    ],
  }),
];

/** Conditions of every operator family explainCondition words differently. */
const conditions = [
  { operator: 'StringLike', key: `${trustHost}:sub`, values: ['system:serviceaccount:monitoring:*'] },
  { operator: 'StringEquals', key: `${trustHost}:sub`, values: ['repo:org/name'] },
  { operator: 'StringEqualsIfExists', key: `${trustHost}:aud`, values: ['sts.amazonaws.com'] },
  { operator: 'ForAllValues:StringEquals', key: `${trustHost}:aud`, values: ['other'] },
  { operator: 'Null', key: 'aws:TokenIssueTime', values: ['true'] },
  { operator: 'Null', key: 'aws:TokenIssueTime', values: ['false'] },
];

// The lab's role (test/fixtures/irsaRole.ts), as iam-report.test.ts has it, and variants.

const input = labRoleInput;

function reportInputs(): IrsaInspectInput[] {
  const role = input().role;
  const simulated = labActions.map((a) => ({
    action: a.action,
    capability: a.capability,
    decision: 'implicitDeny' as const,
    source: 'simulation' as const,
    // What the AWS layer hands in is its own translated text (its test below): here marked as such.
    because: "⟦denied by IAM's simulation⟧",
  }));
  return [
    input({
      simulationNote: '⟦IAM policy simulation was not used: moto.⟧',
      kube: {
        serviceAccount: { namespace: 'monitoring', name: 'prometheus-sa', exists: true, roleArn },
        prometheusPods: [{ namespace: 'monitoring', name: 'prometheus-0', serviceAccount: 'prometheus-sa' }],
      },
    }),
    input({ simulated }),
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
    input({ cluster: { name: 'ds252-cluster', issuer, oidcProviderExists: false } }),
    input({ cluster: { name: 'ds252-cluster', issuerError: 'Could not describe the EKS cluster' } }),
    input({
      cluster: { name: 'ds252-cluster', region: 'ap-south-1' },
      kube: { error: 'no kubeconfig', prometheusPods: [] },
    }),
    input({ kube: { serviceAccount: { namespace: 'monitoring', name: 'prometheus-sa', exists: false } } }),
    input({ kube: { serviceAccount: { namespace: 'monitoring', name: 'prometheus-sa', exists: true } } }),
    input({ role: { ...role, policies: [] } }),
    input({
      role: { ...role, tags: {}, policies: [{ name: 'inline1', kind: 'inline', document: '{"Statement": 3}' }] },
    }),
    input({
      role: {
        ...role,
        policies: [{ name: 'AmazonPrometheusRemoteWriteAccess', kind: 'managed', document: managedText }],
      },
    }),
    input({ role: { ...role, policies: [{ name: 'broken', kind: 'managed', document: '{' }] } }),
    input({ role: { ...role, trustPolicy: 'not json' } }),
    ...trustPolicies.map((trustPolicy) =>
      input({
        role: { ...role, trustPolicy },
        cluster: { ...input().cluster, issuer: trustIssuer, accountId: trustAccount },
      }),
    ),
  ];
}

/** The sentences of a report a person reads: findings, explanations, verdicts, the what-if, and its plain text. */
function reportSentences(r: IrsaReport): string[] {
  return [
    ...r.findings.map((f) => f.message),
    ...r.trust.statements.flatMap((s) => [s.summary, ...s.conditions.map((c) => c.text)]),
    r.verdictNote,
    ...r.verdicts.flatMap((v) => [v.capability, v.because]),
    ...r.whatIf.edits,
    ...r.whatIf.before.concat(r.whatIf.after).map((v) => v.because),
    ...r.whatIf.breaks.flatMap((b) => [b.capability, b.symptom]),
    ...r.policies.flatMap((p) => (p.error ? [p.error] : [])),
    ...textLines(r),
  ];
}

/** The plain text's lines, without the values a line carries bare: action names, finding codes, severities. */
function textLines(r: IrsaReport): string[] {
  const bare = [
    ...labActions.map((a) => a.action),
    ...r.findings.map((f) => f.code),
    'error',
    'warning',
    'info',
    r.whatIf.removed,
  ];
  return reportText(r)
    .split('\n')
    .map((line) => bare.reduce((l, word) => l.split(word).join(''), line))
    .filter((line) => line.trim() !== '');
}

const policyDocs: object[] = [
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  {
    Version: '2012-10-17',
    Statement: [{ Sid: 'S3', Effect: 'Allow', Action: ['s3:*'], Resource: 'arn:aws:s3:::lab-bucket/*' }],
  },
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] },
  {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'aps:RemoteWrite', NotResource: 'arn:aws:aps:eu-west-1:1:workspace/ws-1' }],
  },
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['aps:QueryMetrics', 'aps:Get*'], Resource: '*' }] },
  {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'aps:RemoteWrite',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } },
      },
    ],
  },
  { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] },
  {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'aps:RemoteWrite',
        Resource: '*',
        Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      },
      {
        Effect: 'Allow',
        Action: 'logs:*',
        Resource: '*',
        Condition: { StringLike: { 'aws:userid': '${aws:username}' } },
      },
    ],
  },
  {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'aps:*', Resource: '*' },
      {
        Sid: 'Later',
        Effect: 'Deny',
        Action: 'aps:*',
        Resource: '*',
        Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } },
      },
    ],
  },
  {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'aps:*', Resource: '*' },
      { Sid: 'NoWrite', Effect: 'Deny', Action: 'aps:RemoteWrite', Resource: '*' },
    ],
  },
  {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['aps:RemoteWrite'], Resource: '*' }],
  },
];

/** Documents that are not policies, each with its own error (iam-evaluate.test.ts's and every rule of the grammar). */
const brokenPolicies: string[] = [
  '{"Version": "2012-10-17", "Statement": [ {"Effect": "Allow",} ]}',
  '{"apiVersion": "v1", "kind": "ConfigMap"}',
  '[]',
  '{"Statement": [], "Version": "2012-10-17"}',
  '{"Version": "2012-10-17", "Statement": [], "Other": 1}',
  '{"Version": "2020-01-01", "Statement": []}',
  '{"Version": "2012-10-17", "Statement": {"Effect": "Permit", "Action": "aps:RemoteWrite", "Resource": "*"}}',
  '{"Version": "2012-10-17", "Statement": {"Effect": 1, "Action": "aps:RemoteWrite", "Resource": "*"}}',
  '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "RemoteWrite", "Resource": "*"}}',
  '{"Version": "2012-10-17", "Statement": [3]}',
  '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "a:b", "Resource": "*", "Extra": 1}}',
  '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Resource": "*"}}',
  '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "a:b", "Resource": "*", "NotResource": "*"}}',
  '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "a:b", "Principal": "*", "NotPrincipal": "*"}}',
  '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": 3}}',
  '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "a:b", "Principal": 3}}',
  '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "a:b", "Principal": {"User": "x"}}}',
  '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "a:b", "Condition": 3}}',
  '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "a:b", "Condition": {"StringEquals": 3}}}',
  '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "a:b", "Condition": {"StringEquals": {"k": {}}}}}',
];

const want: IrsaDesired = {
  accountId: account,
  issuer,
  policyName: 'ds252-prometheus-otel-policy',
  policyDocument: labPolicyText,
  roleName: 'ds252-prometheus-sa-role',
  namespace: 'monitoring',
  serviceAccount: 'prometheus-sa',
};
const policyArn = `arn:aws:iam::${account}:policy/ds252-prometheus-otel-policy`;

/** iam-report.test.ts's AWS failures, and one of each kind describeAwsFailure tells apart. */
const failures: [AwsFailure, { what: string; region?: string; endpoint?: string }][] = [
  [{ name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' }, { what: 'x' }],
  [
    { name: 'ExpiredToken', message: 'The security token included in the request is expired', httpStatus: 403 },
    { what: 'x' },
  ],
  [{ name: 'InvalidClientTokenId', message: 'bad' }, { what: 'x' }],
  [{ name: 'Error', message: 'Region is missing' }, { what: 'x' }],
  [
    {
      name: 'AccessDenied',
      message: 'User: arn:aws:iam::1:user/x is not authorized to perform: iam:GetRole',
      httpStatus: 403,
    },
    { what: 'x', region: 'ap-south-1' },
  ],
  [
    { name: 'ResourceNotFoundException', message: 'No cluster found for name: ds252-cluster.' },
    { what: 'x', region: 'us-east-1' },
  ],
  [{ name: 'ResourceNotFoundException', message: 'No cluster found for name: ds252-cluster.' }, { what: 'x' }],
  [{ name: 'NoSuchEntity', message: 'The role with name r cannot be found.' }, { what: 'x' }],
  [{ name: 'MalformedPolicyDocument', message: 'Syntax errors in policy.' }, { what: 'x' }],
  [{ name: 'LimitExceeded', message: 'Cannot exceed quota.' }, { what: 'x' }],
  [
    { name: 'Error', message: 'connect ECONNREFUSED', errno: 'ECONNREFUSED' },
    { what: 'x', endpoint: 'http://127.0.0.1:1' },
  ],
  [
    { name: 'TimeoutError', message: 'timed out' },
    { what: 'x', region: 'ap-south-1' },
  ],
  [
    { name: 'Throttling', message: 'Rate exceeded' },
    { what: 'x', region: 'ap-south-1', endpoint: 'http://127.0.0.1:1' },
  ],
];

/** Each text with English left outside the translations. */
const english = (texts: string[]): string[] => [...new Set(texts.filter((text) => untranslated(text) !== ''))];

/**
 * Fake AWS clients: `answers` maps an SDK command's class name to its answer (a function may
 * throw); the AWS layer sends through these exactly as through the SDK's.
 */
function fakeClients(answers: Record<string, unknown>, endpoint?: string): AwsClients {
  const client = {
    send: (command: object): Promise<unknown> => {
      const answer = answers[command.constructor.name];
      if (typeof answer === 'function') return Promise.resolve().then(() => (answer as () => unknown)());
      if (answer === undefined)
        return Promise.reject(Object.assign(new Error('not faked'), { name: 'InternalFailure' }));
      return Promise.resolve(answer);
    },
  };
  return {
    iam: client,
    sts: client,
    eks: client,
    region: 'ap-south-1',
    ...(endpoint ? { endpoint } : {}),
  } as unknown as AwsClients;
}

const awsError = (name: string, status?: number) => (): never => {
  throw Object.assign(new Error(`${name} from AWS`), {
    name,
    ...(status ? { $metadata: { httpStatusCode: status } } : {}),
  });
};

const roleAnswers = {
  GetCallerIdentityCommand: { Account: account, Arn: `arn:aws:iam::${account}:user/student` },
  GetRoleCommand: {
    Role: {
      RoleName: 'ds252-prometheus-sa-role',
      Arn: roleArn,
      AssumeRolePolicyDocument: encodeURIComponent(
        JSON.stringify(irsaTrustPolicy(account, issuer, 'monitoring', 'default')),
      ),
      Tags: [{ Key: 'obslab:lab', Value: 'true' }],
    },
  },
  ListAttachedRolePoliciesCommand: {
    AttachedPolicies: [{ PolicyName: 'ds252-prometheus-otel-policy', PolicyArn: policyArn }],
  },
  ListRolePoliciesCommand: { PolicyNames: ['inline-wide'] },
  GetRolePolicyCommand: {
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'aps:*', Resource: '*' }],
    }),
  },
  GetPolicyCommand: { Policy: { DefaultVersionId: 'v1', Tags: [] } },
  GetPolicyVersionCommand: { PolicyVersion: { Document: encodeURIComponent(labPolicyText) } },
  ListPolicyVersionsCommand: { Versions: [{ VersionId: 'v1', IsDefaultVersion: true }] },
  DescribeClusterCommand: { cluster: { identity: { oidc: { issuer } } } },
  ListOpenIDConnectProvidersCommand: { OpenIDConnectProviderList: [] },
};

describe('IAM, the scaffold and the prerequisites in the pseudo-locale', () => {
  it('explains every trust policy and condition, and says every trust finding, whole', () => {
    const left = inPseudoLocale(() =>
      english([
        ...trustPolicies.flatMap((text) => {
          const doc = parse(text);
          const named = analyzeTrust(doc, target, 'ds252-prometheus-sa-role');
          const unnamed = analyzeTrust(doc, { namespace: 'monitoring', serviceAccount: 'prometheus-sa' });
          return [named, unnamed].flatMap((a) => [
            ...a.findings.map((f) => f.message),
            ...a.statements.flatMap((s) => [s.summary, ...s.conditions.map((c) => c.text)]),
          ]);
        }),
        ...conditions.map(explainCondition),
      ]),
    );
    assert.deepEqual(left, []);
  });

  it('builds every IRSA report of the report tests, its plain text included, from translated sentences', () => {
    const left = inPseudoLocale(() => english(reportInputs().flatMap((i) => reportSentences(buildIrsaReport(i)))));
    assert.deepEqual(left, []);
  });

  it('gives every lab action verdict, undecidable and denied ones too, and every what-if edit whole', () => {
    const left = inPseudoLocale(() => {
      const named: NamedPolicy[][] = [
        [{ name: 'ds252-prometheus-otel-policy', document: parse(labPolicyText) }],
        [{ name: 'AmazonPrometheusRemoteWriteAccess', document: parse(managedText) }],
        [],
        ...policyDocs.map((doc, i) => [{ name: `p${i}`, document: parse(JSON.stringify(doc)) }]),
      ];
      return english(
        named.flatMap((policies) => {
          const w = whatIfWithout(policies);
          return [
            ...evaluateLabActions(policies).flatMap((v) => [v.capability, v.because]),
            ...w.edits,
            ...w.breaks.map((b) => b.symptom),
            describeDecision(evaluate(policies, { action: 'aps:RemoteWrite' })),
          ];
        }),
      );
    });
    assert.deepEqual(left, []);
  });

  it('says what is wrong with every document that is not a policy', () => {
    const left = inPseudoLocale(() =>
      english(
        brokenPolicies
          .map((text) => parsePolicy(text))
          .flatMap((p) => (p.ok ? ['parsed: a corpus entry is a policy'] : [p.error])),
      ),
    );
    assert.deepEqual(left, []);
  });

  it("lists every policy's permissions and warnings whole", () => {
    const left = inPseudoLocale(() =>
      english(
        [labPolicyText, managedText, ...policyDocs.map((d) => JSON.stringify(d))].flatMap((text) => {
          const view = policyPermissions(parse(text));
          return [...permissionLines(view), ...view.warnings];
        }),
      ),
    );
    assert.deepEqual(left, []);
  });

  it("plans Task 1 and Clean Up's AWS part in translated sentences", () => {
    const left = inPseudoLocale(() => {
      const trust = JSON.stringify(irsaTrustPolicy(account, issuer, 'monitoring', 'prometheus-sa'));
      const versions = ['v1', 'v2', 'v3', 'v4', 'v5'].map((id) => ({ id, isDefault: id === 'v5' }));
      const plans = [
        planIrsaSetup(want, { serviceAccount: { exists: false } }),
        planIrsaSetup(want, {}),
        planIrsaSetup(want, {
          oidcProviderArn: `arn:aws:iam::${account}:oidc-provider/x`,
          policy: { arn: policyArn, defaultVersionId: 'v1', defaultDocument: labPolicyText, versions: [], tags: {} },
          role: { arn: roleArn, trustPolicy: trust, attachedPolicyArns: [policyArn], tags: {} },
          serviceAccount: { exists: true, roleArn },
        }),
        planIrsaSetup(want, {
          policy: { arn: policyArn, defaultVersionId: 'v5', defaultDocument: '{"Statement":[]}', versions, tags: {} },
          role: { arn: roleArn, trustPolicy: '{}', attachedPolicyArns: [], tags: {} },
          serviceAccount: { exists: true, roleArn: 'arn:aws:iam::1:role/other' },
        }),
        planIrsaSetup(want, {
          policy: {
            arn: policyArn,
            defaultVersionId: 'v1',
            defaultDocument: '{}',
            versions: [{ id: 'v1', isDefault: true }],
            tags: {},
          },
          serviceAccount: { exists: false, roleArn: 'arn:aws:iam::1:role/other' },
        }),
        planIrsaSetup({ ...want, policyDocument: '{ "Version": ' }, {}),
        planIrsaSetup({ ...want, policyDocument: trust }, {}),
        planIrsaSetup({ ...want, policyDocument: JSON.stringify(policyDocs[0]) }, {}),
      ];
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
        attachedTo: [
          { kind: 'role' as const, name: 'r' },
          { kind: 'role' as const, name: 'other' },
          { kind: 'user' as const, name: 'u' },
          { kind: 'group' as const, name: 'g' },
        ],
      };
      const oidcProvider = { arn: 'arn:aws:iam::1:oidc-provider/x', tags: { 'obslab:lab': 'true' } };
      const cleanups = [
        planAwsCleanup({
          role: { ...role, tags: { 'obslab:lab': 'true' } },
          policy: { ...policy, tags: { 'obslab:lab': 'true' } },
        }),
        planAwsCleanup({ role: { ...role, tags: {} }, policy: { ...policy, tags: {} }, oidcProvider }),
        planAwsCleanup({ oidcProvider: { ...oidcProvider, tags: {} } }, {}, true),
        planAwsCleanup({ oidcProvider }, {}, true),
      ];
      return english([
        ...plans.flatMap((p) => [...p.blockers, ...p.unchanged, ...p.changes.map((c) => c.description)]),
        ...plans.flatMap((p) => permissionsText(p, 'iam/prometheus-iam-policy.json').filter((l) => l !== '')),
        ...cleanups.flatMap((c) => [...c.kept, ...c.steps.map((s) => s.description)]),
      ]);
    });
    assert.deepEqual(left, []);
  });

  it('describes every kind of AWS failure whole, what was being done included', () => {
    const left = inPseudoLocale(() =>
      english(
        failures.map(([f, a]) => describeAwsFailure(f, { ...a, what: 'read the role ds252-prometheus-sa-role' })),
      ),
    );
    assert.deepEqual(left, []);
  });

  it("says in translated words what the AWS layer was doing when it failed, IAM's simulation verdicts and its notes", async () => {
    const texts = await inPseudoLocaleAsync(async () => {
      const out: string[] = [];
      const fail = (e: unknown): void => void out.push(e instanceof Error ? e.message : String(e));
      // Every read of the role failing: the message names the call.
      await readRoleData(fakeClients({ GetRoleCommand: awsError('AccessDenied', 403) }), 'r').catch(fail);
      await readRoleData(fakeClients({ ...roleAnswers, GetPolicyCommand: awsError('Throttling') }), 'r').catch(fail);
      await readRoleData(fakeClients({ ...roleAnswers, GetRolePolicyCommand: awsError('Throttling') }), 'r').catch(
        fail,
      );
      await clusterIssuer(fakeClients({ DescribeClusterCommand: { cluster: {} } }), 'ds252-cluster').catch(fail);
      await clusterIssuer(fakeClients({ DescribeClusterCommand: awsError('ResourceNotFoundException') }), 'c').catch(
        fail,
      );
      // IAM's simulation answering, refusing and missing (moto), and the report built on each.
      const simulation = {
        SimulatePrincipalPolicyCommand: {
          EvaluationResults: [
            {
              EvalActionName: 'aps:RemoteWrite',
              EvalDecision: 'allowed',
              MatchedStatements: [{ SourcePolicyId: 'p' }],
            },
            { EvalActionName: 'aps:QueryMetrics', EvalDecision: 'implicitDeny' },
            {
              EvalActionName: 'aps:GetSeries',
              EvalDecision: 'explicitDeny',
              MatchedStatements: [{ SourcePolicyId: 'd' }],
            },
            { EvalActionName: 'aps:GetLabels', EvalDecision: 'allowed' },
          ],
        },
      };
      const o = { clusterName: 'ds252-cluster', namespace: 'monitoring', serviceAccount: 'prometheus-sa' };
      for (const c of [
        fakeClients({ ...roleAnswers, ...simulation }),
        fakeClients({ ...roleAnswers, SimulatePrincipalPolicyCommand: awsError('AccessDenied', 403) }),
        fakeClients(
          { ...roleAnswers, SimulatePrincipalPolicyCommand: awsError('InternalFailure', 500) },
          'http://127.0.0.1:5000',
        ),
        fakeClients({ ...roleAnswers, SimulatePrincipalPolicyCommand: awsError('InternalFailure', 500) }),
        fakeClients({ ...roleAnswers, DescribeClusterCommand: awsError('ResourceNotFoundException') }),
      ])
        out.push(...reportSentences(await inspectIrsaRole(c, 'ds252-prometheus-sa-role', o)));
      // Task 1's changes: the thumbprint note, the ServiceAccount skipped, a failing call.
      const plan = planIrsaSetup(want, { serviceAccount: { exists: false } });
      const notes: string[] = [];
      await applyIrsaChanges(
        fakeClients({
          CreateOpenIDConnectProviderCommand: {},
          CreatePolicyCommand: {},
          CreateRoleCommand: {},
          AttachRolePolicyCommand: {},
        }),
        plan.changes,
        {
          thumbprint: () => Promise.resolve(undefined),
          onStep: (_c, _r, note) => void (note && notes.push(note)),
        },
      );
      out.push(...notes);
      for (const change of planIrsaSetup(want, {
        policy: {
          arn: policyArn,
          defaultVersionId: 'v5',
          defaultDocument: '{}',
          versions: ['v1', 'v2', 'v3', 'v4', 'v5'].map((id) => ({ id, isDefault: id === 'v5' })),
          tags: {},
        },
        role: { arn: roleArn, trustPolicy: '{}', attachedPolicyArns: [], tags: {} },
      }).changes)
        await applyIrsaChanges(fakeClients({}), [change], { thumbprint: () => Promise.resolve('ab') }).catch(fail);
      // Clean Up: each step failing says what it was doing.
      const cleanup = planAwsCleanup(
        {
          role: {
            name: 'r',
            arn: 'arn:aws:iam::1:role/r',
            attachedPolicyArns: ['arn:aws:iam::1:policy/p'],
            inlinePolicyNames: ['i'],
            tags: { 'obslab:lab': 'true' },
          },
          policy: {
            name: 'p',
            arn: 'arn:aws:iam::1:policy/p',
            nonDefaultVersionIds: ['v1'],
            attachedTo: [{ kind: 'user', name: 'u' }],
            tags: { 'obslab:lab': 'true' },
          },
        },
        {},
        true,
      );
      for (const r of await runAwsCleanup(fakeClients({}), cleanup)) out.push(r.message ?? '');
      return out.filter((text) => text !== '');
    });
    assert.ok(texts.length > 50, `only ${texts.length} texts`);
    assert.deepEqual(english(texts), []);
  });

  it('says every prerequisite line and its fix whole, the line names aside', () => {
    const left = inPseudoLocale(() => {
      const lines: CheckLine[] = [
        ...tools.flatMap((spec) => [
          toolLine(spec, { found: true, output: 'v1.2.3 aws-cli/2.31.4 version 1.2.3' }),
          toolLine(spec, { found: true, output: '' }),
          toolLine(spec, { found: false, reason: 'missing', detail: 'not on PATH' }),
          toolLine(spec, { found: false, reason: 'failed', detail: 'exit 1' }),
        ]),
      ];
      const kubeconfig = {
        ok: true as const,
        files: ['/home/s/.kube/config'],
        context: 'lab',
        server: 'https://ABC.eks.amazonaws.com',
      };
      const version = { ok: true as const, gitVersion: 'v1.37.2-eks-1' };
      const cluster = [
        ...clusterLines({
          kubeconfig,
          version,
          nodes: { ok: true, total: 5, ready: 4, names: ['ip-1', 'ip-2', 'ip-3', 'ip-4'] },
        }),
        ...clusterLines({ kubeconfig, version, nodes: { ok: true, total: 0, ready: 0, names: [] } }),
        ...clusterLines({ kubeconfig, version, nodes: { ok: true, total: 2, ready: 0, names: ['ip-1'] } }),
      ];
      // A failing probe's own message (from kubectl or the API) is the node layer's: only the fix is checked.
      const failing = [
        ...clusterLines({ kubeconfig: { ok: false, message: 'No kubeconfig found' } }),
        ...clusterLines({ kubeconfig, version: { ok: false, message: 'nothing answers' } }),
        ...clusterLines({ kubeconfig, version, nodes: { ok: false, message: 'forbidden' } }),
      ];
      const none: AwsCredentialSources = {
        envKeys: false,
        webIdentity: false,
        container: false,
        profile: 'default',
        profileKeys: undefined,
      };
      const credentials = [
        { ...none, envKeys: true },
        { ...none, webIdentity: true },
        { ...none, container: true },
        { ...none, profile: 'lab', profileKeys: ['sso_session', 'region'] },
        { ...none, profileKeys: ['aws_access_key_id', 'aws_secret_access_key'] },
        { ...none, profileKeys: ['credential_process'] },
        { ...none, profileKeys: ['role_arn'] },
        { ...none, profileKeys: ['region'] },
        none,
        { ...none, profile: 'work' },
      ].map(awsCredentialsLine);
      const all = [...lines, ...cluster, ...credentials];
      return english([
        ...all.flatMap((l) => [l.detail, l.fix ?? '']).filter((x) => x !== ''),
        ...failing.flatMap((l) => (l.fix ? [l.fix] : [])),
        ...tools.flatMap((s) => [s.purpose, s.fix]),
        summarize(all),
        summarize(all.filter((l) => l.ok)),
      ]);
    });
    assert.deepEqual(left, []);
  });

  it("asks the scaffold's questions, refuses its values and reads a lab manifest in translated sentences", () => {
    const left = inPseudoLocale(() => {
      const images = [
        'me/ds252-flask',
        'localhost:5000/lab/flask:2',
        'lab/flask',
        'reg.example/DS252-Flask:1.0',
        'reg.example/flask:-1',
        'reg.example/flask@sha256:xyz',
        'me/ds252-flask:1.0',
        '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ds252-flask',
        '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ds252-flask:latest',
        defaultParams.appImage,
        '',
        'img:1 --privileged',
        'bad_host!/x',
        `reg.example/${'a'.repeat(256)}`,
        'reg.example/a..b',
        'reg.example/',
      ];
      const values = [
        { appNamespace: '' },
        { appNamespace: 'x'.repeat(64) },
        { appNamespace: 'Monitoring/../x' },
        { monitoringNamespace: 'app' },
        { helmRelease: '' },
        { helmRelease: 'x'.repeat(54) },
        { helmRelease: 'x; touch /tmp/p' },
        { clusterName: '-c' },
        { awsRegion: '$(id)' },
        ...images.map((appImage) => ({ appImage })),
      ];
      const params = values.map((v) => ({ ...defaultParams, ...v }));
      const problems = params.flatMap((p) => [...validateParams(p), ...paramWarnings(p)]).map((p) => p.message);
      const good = { kind: 'observability-lab', version: 1, params: { ...defaultParams }, files: ['COMMANDS.md'] };
      const noParams: Record<string, unknown> = { ...good };
      delete noParams['params'];
      const missing: Record<string, unknown> = { ...defaultParams };
      delete missing['clusterName'];
      const manifests = [
        '{ not json',
        '[]',
        JSON.stringify({ ...good, kind: 'other', version: 2 }),
        JSON.stringify({ ...good, kind: undefined, version: undefined }),
        JSON.stringify({ ...good, files: 'COMMANDS.md' }),
        JSON.stringify(noParams),
        JSON.stringify({ ...good, params: 'prometheus' }),
        JSON.stringify({ ...good, params: missing }),
        JSON.stringify({ ...good, params: { ...defaultParams, helmRelease: 7, appNamespace: ['app'] } }),
        JSON.stringify({ ...good, params: { ...defaultParams, monitoringNamespace: 'app' } }),
        JSON.stringify({ ...good, params: { ...defaultParams, helmRelease: 'x; touch /tmp/p' } }),
      ].map(checkLabManifest);
      const manifestTexts = manifests.flatMap((r) =>
        r.ok
          ? []
          : [
              ...r.problems.map(labManifestProblemText),
              ...r.problems.map((p) =>
                labManifestProblemText(p.field === '(file)' ? { ...p, field: labManifestName } : p),
              ),
              describeLabManifestProblems(labManifestName, r.problems),
            ],
      );
      const files = planLabFiles(defaultParams, (template) => readFileSync(join(root, 'templates', template), 'utf8'));
      return english([
        ...problems,
        ...manifestTexts,
        ...paramSpecs.map((s) => s.prompt),
        ...files.map((f) => f.purpose),
      ]);
    });
    assert.deepEqual(left, []);
  });

  it('refuses every command in Restricted Mode, and asks before a configured program, in translated sentences', () => {
    const left = inPseudoLocale(() =>
      english([
        ...Object.keys(commandsNeedingTrust).map(untrustedMessage),
        untrustedMessage('obslab.unknownCommand'),
        ...Object.values(commandsNeedingTrust).map((c) => c.does),
        ...Object.values(commandsAllowedUntrusted).map((c) => c.safe),
        ...(['user', 'workspace', 'folder'] as const).flatMap((scope) => {
          const q = configuredProgramQuestion('obslab.helmPath', '/opt/x/helm', scope, 'for its version');
          return [q.message, q.detail, q.run];
        }),
      ]),
    );
    assert.deepEqual(left, []);
  });
});
