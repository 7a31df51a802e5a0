// What Create IAM Policy and IRSA Role shows before it attaches the workspace's policy: each
// statement (effect, actions, resources, conditions) and a warning where it is broad — every
// action, a whole service, NotAction, or actions that can change things on every resource.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mayWrite, permissionLines, policyPermissions } from '../../src/core/iam/permissions';
import { parsePolicy } from '../../src/core/iam/policy';
import { permissionsText, planIrsaSetup } from '../../src/core/iam/setup';

const root = join(__dirname, '..', '..');
const labPolicyText = readFileSync(join(root, 'templates', 'lab', 'iam', 'prometheus-iam-policy.json'), 'utf8');

function permissions(statements: unknown[]) {
  const p = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
  if (!p.ok) throw new Error(p.error);
  return policyPermissions(p.policy);
}

describe('the permissions a policy grants, as the IRSA dialog shows them', () => {
  it('tells actions that may write from those that only read', () => {
    for (const a of [
      'aps:RemoteWrite',
      'cloudwatch:PutMetricData',
      'logs:CreateLogGroup',
      'iam:PassRole',
      '*',
      'aps:*',
      's3:Put*',
      'ec2:*Instances',
      'kms:Ge*',
    ])
      assert.equal(mayWrite(a), true, a);
    for (const a of [
      'aps:QueryMetrics',
      'aps:GetSeries',
      'aps:Get*',
      'ecr:BatchGetImage',
      'logs:FilterLogEvents',
      'ec2:Describe*',
      's3:ListBucket',
    ])
      assert.equal(mayWrite(a), false, a);
  });

  it("lists each statement of the lab's policy file and warns where writes reach every resource", () => {
    const p = parsePolicy(labPolicyText);
    assert.ok(p.ok);
    const view = policyPermissions(p.policy);
    assert.deepEqual(permissionLines(view), [
      '1. Allow [AmazonManagedPrometheusWriteAndQuery]: aps:RemoteWrite, aps:QueryMetrics, aps:GetSeries, aps:GetLabels, aps:GetMetricMetadata on every resource (*)',
      '2. Allow [CloudWatchMetricsAndLogs]: cloudwatch:PutMetricData, logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents on every resource (*)',
    ]);
    assert.equal(view.warnings.length, 2);
    assert.equal(
      view.warnings[0],
      'Statement 1 (AmazonManagedPrometheusWriteAndQuery) allows aps:RemoteWrite, which can change things, on every resource (Resource: "*"). Name the resources instead (the Amazon Managed Prometheus workspace: arn:aws:aps:REGION:ACCOUNT:workspace/WORKSPACE_ID).',
    );
    // PutMetricData takes no resource ARN: not blamed for "*", but said so.
    assert.match(
      view.warnings[1] ?? '',
      /^Statement 2 \(CloudWatchMetricsAndLogs\) allows logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents, which can change things, on every resource \(Resource: "\*"\)\. Name the resources instead \(the log group: arn:aws:logs:REGION:ACCOUNT:log-group:NAME:\*\)\. \(cloudwatch:PutMetricData accepts no resource ARN, so "\*" is right there\.\)$/,
    );
  });

  it('warns for Action "*", a whole service and NotAction, but not for reads on "*", named resources or a Deny', () => {
    assert.match(
      permissions([{ Effect: 'Allow', Action: '*', Resource: '*' }]).warnings.join('\n'),
      /^Statement 1 allows every action of every service \(Action: "\*"\)/,
    );
    const service = permissions([
      { Sid: 'S3', Effect: 'Allow', Action: ['s3:*'], Resource: 'arn:aws:s3:::lab-bucket/*' },
    ]);
    assert.deepEqual(service.warnings, [
      'Statement 1 (S3) allows every action of s3 (s3:*), writes and deletes included. List the actions Prometheus needs instead.',
    ]);
    assert.match(
      permissions([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]).warnings.join('\n'),
      /allows every action except iam:\* \(NotAction\)/,
    );
    assert.match(
      permissions([
        { Effect: 'Allow', Action: 'aps:RemoteWrite', NotResource: 'arn:aws:aps:eu-west-1:1:workspace/ws-1' },
      ]).warnings.join('\n'),
      /on every resource except arn:aws:aps:eu-west-1:1:workspace\/ws-1 \(NotResource\)/,
    );
    assert.deepEqual(
      permissions([{ Effect: 'Allow', Action: ['aps:QueryMetrics', 'aps:Get*'], Resource: '*' }]).warnings,
      [],
    );
    assert.deepEqual(
      permissions([
        { Effect: 'Allow', Action: 'aps:RemoteWrite', Resource: 'arn:aws:aps:eu-west-1:111122223333:workspace/ws-1' },
      ]).warnings,
      [],
    );
    assert.deepEqual(permissions([{ Effect: 'Deny', Action: '*', Resource: '*' }]).warnings, []);
  });

  it('shows conditions with the statement', () => {
    const view = permissions([
      {
        Effect: 'Allow',
        Action: 'aps:RemoteWrite',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } },
      },
    ]);
    assert.deepEqual(permissionLines(view), [
      '1. Allow: aps:RemoteWrite on every resource (*), when StringEquals aws:RequestedRegion = eu-west-1 or eu-central-1',
    ]);
    assert.match(view.warnings[0] ?? '', /on every resource \(Resource: "\*"\), limited only by its conditions\./);
  });

  it('puts them in the confirmation of Task 1 whenever the policy is created, changed or attached', () => {
    const want = {
      accountId: '123456789012',
      issuer: 'https://oidc.eks.ap-south-1.amazonaws.com/id/ABC',
      policyName: 'p',
      policyDocument: labPolicyText,
      roleName: 'r',
      namespace: 'monitoring',
      serviceAccount: 'prometheus-sa',
    };
    const plan = planIrsaSetup(want, {});
    assert.equal(plan.permissions.statements.length, 2);
    const text = permissionsText(plan, 'lab/iam/prometheus-iam-policy.json');
    assert.equal(text[0], 'Permissions the role gets from lab/iam/prometheus-iam-policy.json:');
    assert.match(text[1] ?? '', /^1\. Allow \[AmazonManagedPrometheusWriteAndQuery\]: aps:RemoteWrite/);
    assert.deepEqual(text.slice(3, 5), ['', 'Warnings:']);
    assert.ok(text.slice(5).every((l) => l.startsWith('⚠ Statement ')));
    // Nothing about the policy changes: nothing to show.
    assert.deepEqual(permissionsText({ changes: [], permissions: plan.permissions }), []);
    // A document that does not parse has no permissions to show (the plan is blocked instead).
    assert.deepEqual(planIrsaSetup({ ...want, policyDocument: '{' }, {}).permissions, { statements: [], warnings: [] });
  });
});
