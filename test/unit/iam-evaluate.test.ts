// Policy evaluation against documented IAM behaviour (IAM User Guide: "Policy evaluation logic",
// "Condition operators"), because moto cannot simulate policies.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionMatches, arnMatches, evaluate, evaluateCondition, type NamedPolicy } from '../../src/core/iam/evaluate';
import { canonicalPolicy, decodePolicyText, parsePolicy, type PolicyDocument } from '../../src/core/iam/policy';

const root = join(__dirname, '..', '..');
const doc = (json: object): PolicyDocument => {
  const p = parsePolicy(JSON.stringify(json));
  if (!p.ok) throw new Error(p.error);
  return p.policy;
};
const named = (name: string, json: object): NamedPolicy => ({ name, document: doc(json) });

describe('IAM policy parsing', () => {
  it('reads the lab policy as the scaffold writes it', () => {
    const p = parsePolicy(readFileSync(join(root, 'templates', 'lab', 'iam', 'prometheus-iam-policy.json'), 'utf8'));
    assert.ok(p.ok);
    assert.equal(p.policy.statements.length, 2);
    assert.deepEqual(p.policy.statements[0]?.action?.[0], 'aps:RemoteWrite');
  });

  it('decodes the URL-encoded documents IAM returns from GetRole', () => {
    const encoded = encodeURIComponent(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      }),
    );
    const p = parsePolicy(encoded);
    assert.ok(p.ok);
    assert.equal(decodePolicyText('{"a":1}'), '{"a":1}');
  });

  it('says what is wrong with text that is not JSON, and with JSON that is not a policy', () => {
    const bad = parsePolicy('{"Version": "2012-10-17", "Statement": [ {"Effect": "Allow",} ]}');
    assert.ok(!bad.ok && /not valid JSON/.test(bad.error));
    const notPolicy = parsePolicy('{"apiVersion": "v1", "kind": "ConfigMap"}');
    assert.ok(!notPolicy.ok && /no "Statement"/.test(notPolicy.error));
    const wrongEffect = parsePolicy(
      '{"Version": "2012-10-17", "Statement": {"Effect": "Permit", "Action": "aps:RemoteWrite", "Resource": "*"}}',
    );
    assert.ok(!wrongEffect.ok && /Permit/.test(wrongEffect.error));
    const badAction = parsePolicy(
      '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "RemoteWrite", "Resource": "*"}}',
    );
    assert.ok(!badAction.ok && /service:Action/.test(badAction.error));
  });

  it('treats key order and one-element lists as the same document, a changed action as different', () => {
    const a = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["aps:RemoteWrite"],"Resource":"*"}]}';
    const b = '{"Statement":{"Resource":"*","Action":"aps:RemoteWrite","Effect":"Allow"},"Version":"2012-10-17"}';
    const c = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["aps:QueryMetrics"],"Resource":"*"}]}';
    assert.equal(canonicalPolicy(a), canonicalPolicy(b));
    assert.notEqual(canonicalPolicy(a), canonicalPolicy(c));
    assert.equal(canonicalPolicy(encodeURIComponent(a)), canonicalPolicy(b));
  });
});

describe('IAM policy evaluation', () => {
  it('matches actions case-insensitively with * and ?', () => {
    assert.ok(actionMatches('aps:*', 'aps:RemoteWrite'));
    assert.ok(actionMatches('APS:remotewrite', 'aps:RemoteWrite'));
    assert.ok(actionMatches('aps:Get*', 'aps:GetSeries'));
    assert.ok(actionMatches('aps:GetLabel?', 'aps:GetLabels'));
    assert.ok(!actionMatches('aps:Get*', 'aps:RemoteWrite'));
    assert.ok(actionMatches('*', 'logs:PutLogEvents'));
  });

  it('matches ARNs part by part, case-sensitively', () => {
    assert.ok(
      arnMatches('arn:aws:aps:*:123456789012:workspace/*', 'arn:aws:aps:ap-south-1:123456789012:workspace/ws-1'),
    );
    assert.ok(
      !arnMatches('arn:aws:aps:*:123456789012:workspace/*', 'arn:aws:aps:ap-south-1:999999999999:workspace/ws-1'),
    );
    assert.ok(
      !arnMatches('arn:aws:aps:*:123456789012:Workspace/*', 'arn:aws:aps:ap-south-1:123456789012:workspace/ws-1'),
    );
  });

  it('allows what the AWS managed AmazonPrometheusRemoteWriteAccess allows, and denies the rest by default', () => {
    const managed: NamedPolicy = {
      name: 'AmazonPrometheusRemoteWriteAccess',
      document: doc(
        JSON.parse(
          readFileSync(join(root, 'test', 'fixtures', 'iam', 'amazon-prometheus-remote-write-access.json'), 'utf8'),
        ) as object,
      ),
    };
    assert.equal(evaluate([managed], { action: 'aps:RemoteWrite' }).decision, 'allowed');
    const q = evaluate([managed], { action: 'aps:QueryMetrics' });
    assert.equal(q.decision, 'implicitDeny');
    assert.deepEqual(q.decidedBy, []);
  });

  it('lets an explicit Deny win over any Allow, in the same or another policy', () => {
    const allowAll = named('allow', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'aps:*', Resource: '*' }],
    });
    const deny = named('deny', {
      Version: '2012-10-17',
      Statement: [{ Sid: 'NoWrite', Effect: 'Deny', Action: 'aps:RemoteWrite', Resource: '*' }],
    });
    const r = evaluate([allowAll, deny], { action: 'aps:RemoteWrite' });
    assert.equal(r.decision, 'explicitDeny');
    assert.equal(r.decidedBy[0]?.sid, 'NoWrite');
    assert.equal(evaluate([allowAll, deny], { action: 'aps:QueryMetrics' }).decision, 'allowed');
  });

  it('reads NotAction as every action but those, in Allow and in Deny', () => {
    const p = named('p', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
        { Effect: 'Deny', NotAction: ['aps:*', 'logs:*'], Resource: '*' },
      ],
    });
    assert.equal(evaluate([p], { action: 'aps:RemoteWrite' }).decision, 'allowed');
    assert.equal(evaluate([p], { action: 'cloudwatch:PutMetricData' }).decision, 'explicitDeny');
    assert.equal(evaluate([p], { action: 'iam:CreateRole' }).decision, 'explicitDeny');
  });

  it('applies Resource and NotResource to the requested ARN', () => {
    const ws = 'arn:aws:aps:ap-south-1:123456789012:workspace/ws-abc';
    const p = named('p', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'aps:RemoteWrite', Resource: ws }],
    });
    assert.equal(evaluate([p], { action: 'aps:RemoteWrite', resource: ws }).decision, 'allowed');
    assert.equal(evaluate([p], { action: 'aps:RemoteWrite', resource: `${ws}x` }).decision, 'implicitDeny');
  });

  it('evaluates StringEquals and StringLike on the OIDC sub and aud keys, with case-insensitive key names', () => {
    const ctx = {
      'oidc.example/id/1:sub': 'system:serviceaccount:monitoring:prometheus-sa',
      'oidc.example/id/1:aud': 'sts.amazonaws.com',
    };
    assert.equal(
      evaluateCondition(
        {
          operator: 'StringEquals',
          key: 'OIDC.example/id/1:SUB',
          values: ['system:serviceaccount:monitoring:prometheus-sa'],
        },
        ctx,
      ).result,
      true,
    );
    assert.equal(
      evaluateCondition(
        {
          operator: 'StringEquals',
          key: 'oidc.example/id/1:sub',
          values: ['system:serviceaccount:monitoring:Prometheus-sa'],
        },
        ctx,
      ).result,
      false,
    );
    assert.equal(
      evaluateCondition(
        { operator: 'StringLike', key: 'oidc.example/id/1:sub', values: ['system:serviceaccount:monitoring:*'] },
        ctx,
      ).result,
      true,
    );
    assert.equal(
      evaluateCondition(
        { operator: 'StringLike', key: 'oidc.example/id/1:sub', values: ['system:serviceaccount:app:*'] },
        ctx,
      ).result,
      false,
    );
    assert.equal(
      evaluateCondition(
        { operator: 'StringEquals', key: 'oidc.example/id/1:aud', values: ['other', 'sts.amazonaws.com'] },
        ctx,
      ).result,
      true,
      'several values are any-of',
    );
  });

  it('treats a missing key as false, but as true for negated operators, IfExists and ForAllValues', () => {
    assert.equal(
      evaluateCondition({ operator: 'StringEquals', key: 'aws:PrincipalTag/team', values: ['obs'] }, {}).result,
      false,
    );
    assert.equal(
      evaluateCondition({ operator: 'StringNotEquals', key: 'aws:PrincipalTag/team', values: ['obs'] }, {}).result,
      true,
    );
    assert.equal(
      evaluateCondition({ operator: 'StringEqualsIfExists', key: 'aws:PrincipalTag/team', values: ['obs'] }, {}).result,
      true,
    );
    assert.equal(
      evaluateCondition({ operator: 'ForAllValues:StringEquals', key: 'aws:TagKeys', values: ['a'] }, {}).result,
      true,
    );
    assert.equal(
      evaluateCondition({ operator: 'ForAnyValue:StringEquals', key: 'aws:TagKeys', values: ['a'] }, {}).result,
      false,
    );
    assert.equal(evaluateCondition({ operator: 'Null', key: 'aws:TokenIssueTime', values: ['true'] }, {}).result, true);
    assert.equal(
      evaluateCondition(
        { operator: 'ForAllValues:StringEquals', key: 'aws:TagKeys', values: ['a', 'b'] },
        { 'aws:TagKeys': ['a', 'c'] },
      ).result,
      false,
    );
  });

  it('does not guess on conditions it cannot decide: the verdict is undetermined, not allowed', () => {
    const p = named('p', {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'aps:RemoteWrite',
          Resource: '*',
          Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
        },
      ],
    });
    const r = evaluate([p], { action: 'aps:RemoteWrite' });
    assert.equal(r.decision, 'undetermined');
    assert.match(r.undetermined[0]?.reason ?? '', /IpAddress/);
    const withDeny = named('d', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'aps:*', Resource: '*' },
        {
          Effect: 'Deny',
          Action: 'aps:*',
          Resource: '*',
          Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } },
        },
      ],
    });
    assert.equal(
      evaluate([withDeny], { action: 'aps:RemoteWrite' }).decision,
      'undetermined',
      'an undecidable Deny may still deny',
    );
  });
});
