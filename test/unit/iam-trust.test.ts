// The IRSA trust analysis on real-world documents: eksctl's, and the ways students break them.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { irsaCodes } from '../../src/core/iam/codes';
import { canonicalPolicy, parsePolicy, type PolicyDocument } from '../../src/core/iam/policy';
import { analyzeTrust, explainCondition, irsaTrustPolicy, type IrsaTarget } from '../../src/core/iam/trust';

const issuer = 'https://oidc.eks.ap-south-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const host = 'oidc.eks.ap-south-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const account = '111122223333';
const target: IrsaTarget = { namespace: 'monitoring', serviceAccount: 'prometheus-sa', issuer, accountId: account };
const eksctlText = readFileSync(join(__dirname, '..', 'fixtures', 'iam', 'eksctl-trust.json'), 'utf8');

function parse(text: string): PolicyDocument {
  const p = parsePolicy(text);
  if (!p.ok) throw new Error(p.error);
  return p.policy;
}

/** eksctl's document with its one statement's Condition (and optionally Principal) replaced. */
function variant(
  condition: object | undefined,
  federated = `arn:aws:iam::${account}:oidc-provider/${host}`,
): PolicyDocument {
  const raw = JSON.parse(eksctlText) as { Statement: Record<string, unknown>[] };
  const st = raw.Statement[0] ?? {};
  if (condition) st['Condition'] = condition;
  else delete st['Condition'];
  st['Principal'] = { Federated: federated };
  return parse(JSON.stringify(raw));
}

const codes = (doc: PolicyDocument, t: IrsaTarget = target): string[] =>
  analyzeTrust(doc, t, 'ds252-prometheus-sa-role').findings.map((f) => `${f.code}:${f.severity}`);

describe('IRSA trust analysis', () => {
  it('finds nothing wrong with the trust policy eksctl creates, and lets prometheus-sa assume the role', () => {
    const a = analyzeTrust(parse(eksctlText), target);
    assert.deepEqual(a.findings, []);
    assert.equal(a.expectedCanAssume?.decision, 'allowed');
    assert.deepEqual(a.trustedIssuers, [host]);
  });

  it('writes the same trust policy as eksctl (same document, whatever the key order)', () => {
    assert.equal(
      canonicalPolicy(JSON.stringify(irsaTrustPolicy(account, issuer, 'monitoring', 'prometheus-sa'))),
      canonicalPolicy(eksctlText),
    );
  });

  it('explains each condition in plain words', () => {
    const a = analyzeTrust(parse(eksctlText), target);
    const texts = a.statements[0]?.conditions.map((c) => c.text) ?? [];
    assert.ok(
      texts.some((t) => /only the ServiceAccount prometheus-sa in namespace monitoring/.test(t)),
      texts.join('\n'),
    );
    assert.ok(
      texts.some((t) => /audience 'sts\.amazonaws\.com'.*pod identity webhook/.test(t)),
      texts.join('\n'),
    );
    assert.match(a.statements[0]?.summary ?? '', /tokens issued by https:\/\/oidc\.eks\.ap-south-1/);
    assert.match(
      explainCondition({ operator: 'StringLike', key: `${host}:sub`, values: ['system:serviceaccount:monitoring:*'] }),
      /every ServiceAccount in namespace monitoring/,
    );
  });

  it('warns about a wildcard subject (StringLike) that lets other ServiceAccounts in', () => {
    const doc = variant({
      StringLike: { [`${host}:sub`]: 'system:serviceaccount:monitoring:*' },
      StringEquals: { [`${host}:aud`]: 'sts.amazonaws.com' },
    });
    assert.deepEqual(codes(doc), [`${irsaCodes.subject}:warning`]);
    const any = variant({
      StringLike: { [`${host}:sub`]: 'system:serviceaccount:*:*' },
      StringEquals: { [`${host}:aud`]: 'sts.amazonaws.com' },
    });
    assert.match(analyzeTrust(any, target).findings[0]?.message ?? '', /kube-system:prometheus-sa/);
  });

  it('flags a trust without any sub condition as open to every ServiceAccount', () => {
    const doc = variant({ StringEquals: { [`${host}:aud`]: 'sts.amazonaws.com' } });
    assert.deepEqual(codes(doc), [`${irsaCodes.subject}:error`]);
    assert.match(analyzeTrust(doc, target).findings[0]?.message ?? '', /every ServiceAccount/);
  });

  it('warns when the audience is not checked', () => {
    const doc = variant({ StringEquals: { [`${host}:sub`]: 'system:serviceaccount:monitoring:prometheus-sa' } });
    assert.deepEqual(codes(doc), [`${irsaCodes.audience}:warning`]);
  });

  it('says the audience is wrong, not the subject, when only aud is off', () => {
    const doc = variant({
      StringEquals: {
        [`${host}:sub`]: 'system:serviceaccount:monitoring:prometheus-sa',
        [`${host}:aud`]: 'sts.amazon.com',
      },
    });
    assert.deepEqual(codes(doc), [`${irsaCodes.audience}:error`]);
  });

  it('flags a subject in another namespace, or another ServiceAccount, as an error that breaks remote write', () => {
    const ns = variant({
      StringEquals: {
        [`${host}:sub`]: 'system:serviceaccount:default:prometheus-sa',
        [`${host}:aud`]: 'sts.amazonaws.com',
      },
    });
    assert.deepEqual(codes(ns), [`${irsaCodes.subject}:error`]);
    assert.match(analyzeTrust(ns, target).findings[0]?.message ?? '', /AccessDenied.*remote write/);
    const sa = variant({
      StringEquals: {
        [`${host}:sub`]: 'system:serviceaccount:monitoring:prometheus-kube-prometheus-prometheus',
        [`${host}:aud`]: 'sts.amazonaws.com',
      },
    });
    assert.deepEqual(codes(sa), [`${irsaCodes.subject}:error`]);
  });

  it('flags the issuer of another cluster, in the principal and in the condition keys', () => {
    const other = 'oidc.eks.us-east-1.amazonaws.com/id/0THERCLUSTER0000000000000000000';
    const doc = variant(
      {
        StringEquals: {
          [`${other}:sub`]: 'system:serviceaccount:monitoring:prometheus-sa',
          [`${other}:aud`]: 'sts.amazonaws.com',
        },
      },
      `arn:aws:iam::${account}:oidc-provider/${other}`,
    );
    const found = analyzeTrust(doc, target).findings;
    assert.deepEqual(
      found.map((f) => f.code),
      [irsaCodes.issuer],
    );
    assert.match(found[0]?.message ?? '', /cluster's issuer is https:\/\/oidc\.eks\.ap-south-1/);
    const mixed = variant({
      StringEquals: {
        [`${other}:sub`]: 'system:serviceaccount:monitoring:prometheus-sa',
        [`${host}:aud`]: 'sts.amazonaws.com',
      },
    });
    const m = analyzeTrust(mixed, target).findings.map((f) => f.code);
    assert.ok(m.includes(irsaCodes.issuer), m.join());
    assert.equal(analyzeTrust(mixed, target).expectedCanAssume?.decision, 'implicitDeny');
  });

  it('flags a provider in another account', () => {
    const doc = variant(
      {
        StringEquals: {
          [`${host}:sub`]: 'system:serviceaccount:monitoring:prometheus-sa',
          [`${host}:aud`]: 'sts.amazonaws.com',
        },
      },
      `arn:aws:iam::999988887777:oidc-provider/${host}`,
    );
    // One problem, one finding: the subject is right, only the account is wrong.
    assert.deepEqual(codes(doc), [`${irsaCodes.issuer}:error`]);
  });

  it('says a role that only EC2 may assume is not an IRSA role', () => {
    const ec2 = parse(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    );
    const a = analyzeTrust(ec2, target);
    assert.deepEqual(
      a.findings.map((f) => f.code),
      [irsaCodes.notWebIdentity],
    );
    assert.match(a.statements[0]?.summary ?? '', /ec2\.amazonaws\.com/);
  });

  it('works without knowing the cluster: checks the subject against the issuer the policy trusts', () => {
    const t: IrsaTarget = { namespace: 'monitoring', serviceAccount: 'prometheus-sa' };
    assert.deepEqual(analyzeTrust(parse(eksctlText), t).findings, []);
    assert.deepEqual(
      codes(
        variant({
          StringEquals: {
            [`${host}:sub`]: 'system:serviceaccount:app:prometheus-sa',
            [`${host}:aud`]: 'sts.amazonaws.com',
          },
        }),
        t,
      ),
      [`${irsaCodes.subject}:error`],
    );
  });
});
