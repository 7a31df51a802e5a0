// The trust policy of an IRSA role, explained and checked. IRSA's shape (EKS user guide, "Assign
// IAM roles to Kubernetes service accounts"; eksctl pkg/iam/oidc): Principal.Federated is
// arn:aws:iam::ACCOUNT:oidc-provider/ISSUER_HOST_AND_PATH, Action sts:AssumeRoleWithWebIdentity, and
// StringEquals on ISSUER:sub = system:serviceaccount:NS:NAME and ISSUER:aud = sts.amazonaws.com.
// Checks are made by evaluating the policy against the token STS would see, not by pattern-matching text.
import type { Finding } from '../finding';
import { irsaCodes } from './codes';
import {
  evaluate,
  evaluateCondition,
  operatorParts,
  wildcardRegExp,
  type EvalResult,
  type NamedPolicy,
} from './evaluate';
import type { Condition, PolicyDocument, Statement } from './policy';

export const webIdentityAction = 'sts:AssumeRoleWithWebIdentity';
export const stsAudience = 'sts.amazonaws.com';

export interface IrsaTarget {
  namespace: string;
  serviceAccount: string;
  /** The cluster's issuer as EKS reports it (https://oidc.eks.REGION.amazonaws.com/id/ID); unknown when the cluster could not be asked. */
  issuer?: string;
  /** The account the role lives in. */
  accountId?: string;
  audience?: string;
}

/** The issuer without https:// and without a trailing slash: what IAM uses in ARNs and condition keys. */
export function issuerHost(issuer: string): string {
  return issuer.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

export function oidcProviderArn(accountId: string, issuer: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${issuerHost(issuer)}`;
}

export function serviceAccountSubject(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The trust policy eksctl writes for `create iamserviceaccount` (and we write for Create IRSA Role). */
export function irsaTrustPolicy(
  accountId: string,
  issuer: string,
  namespace: string,
  serviceAccount: string,
  partition = 'aws',
): object {
  const host = issuerHost(issuer);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: oidcProviderArn(accountId, issuer, partition) },
        Action: webIdentityAction,
        Condition: {
          StringEquals: {
            [`${host}:sub`]: serviceAccountSubject(namespace, serviceAccount),
            [`${host}:aud`]: stsAudience,
          },
        },
      },
    ],
  };
}

/** Parses arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST/PATH. */
export function parseOidcProviderArn(arn: string): { accountId: string; host: string } | undefined {
  const m = /^arn:[a-z-]+:iam::(\d{12}):oidc-provider\/(.+)$/.exec(arn);
  return m ? { accountId: m[1] ?? '', host: m[2] ?? '' } : undefined;
}

export interface ExplainedCondition extends Condition {
  text: string;
}

export interface ExplainedStatement {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  principals: string[];
  actions: string[];
  /** One sentence: who may do what. */
  summary: string;
  conditions: ExplainedCondition[];
}

export interface TrustAnalysis {
  statements: ExplainedStatement[];
  findings: Finding[];
  /** Can the expected ServiceAccount's token (from the expected issuer) assume the role? */
  expectedCanAssume: EvalResult | undefined;
  /** The OIDC issuers (host/path) the policy trusts through Federated principals. */
  trustedIssuers: string[];
}

function quoteList(values: string[]): string {
  return values.map((v) => `'${v}'`).join(' or ');
}

function explainSubject(pattern: string, like: boolean): string {
  const m = /^system:serviceaccount:([^:]+):(.+)$/.exec(pattern);
  if (!m)
    return like && pattern.includes('*')
      ? `any token subject matching '${pattern}'`
      : `the token subject '${pattern}', which is not a ServiceAccount subject (system:serviceaccount:NAMESPACE:NAME)`;
  const [, ns = '', name = ''] = m;
  const wildNs = like && /[*?]/.test(ns);
  const wildName = like && /[*?]/.test(name);
  if (wildNs && wildName) return `any ServiceAccount in any namespace matching '${pattern}'`;
  if (wildName)
    return name === '*'
      ? `every ServiceAccount in namespace ${ns}`
      : `every ServiceAccount in namespace ${ns} whose name matches '${name}'`;
  if (wildNs) return `a ServiceAccount named ${name} in any namespace matching '${ns}'`;
  return `only the ServiceAccount ${name} in namespace ${ns}`;
}

export function explainCondition(c: Condition): string {
  const { set, base, ifExists } = operatorParts(c.operator);
  const key = c.key;
  const like = /Like$/.test(base);
  const negated = /Not/.test(base);
  const whenPresent = ifExists ? ' (checked only when the request has this key)' : '';
  const setNote = set ? ` (${set}: ${set === 'ForAnyValue' ? 'at least one' : 'every'} value of the key)` : '';
  const suffix = `${whenPresent}${setNote}`;
  if (/:sub$/.test(key) && !negated && base.startsWith('String')) {
    const who = c.values.map((v) => explainSubject(v, like)).join('; or ');
    return (
      `The ServiceAccount token's subject (${key}) must ` +
      `be ${quoteList(c.values)}${like ? ' (wildcards * and ? allowed)' : ''}: ${who} may assume ` +
      `the role.${suffix}`
    );
  }
  if (/:aud$/.test(key) && !negated && base.startsWith('String')) {
    const ok = c.values.includes(stsAudience);
    const consequence = ok
      ? ', which the EKS pod identity webhook requests, so tokens made for other services are refused'
      : `; the EKS pod identity webhook requests ${stsAudience}, so its tokens do not match`;
    return `The token must be issued for the audience ${quoteList(c.values)}${consequence}.${suffix}`;
  }
  if (base === 'Null')
    return `The request ${(c.values[0] ?? '').toLowerCase() === 'true' ? 'must not have' : 'must have'} the key ${key}.`;
  const verb = base.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `The request's ${key} must satisfy ${c.operator} ${quoteList(c.values)} (${verb}).${suffix}`;
}

function principalsOf(st: Statement): string[] {
  const p = st.principal;
  if (!p) return [];
  if (p.any) return ['everyone (*)'];
  return [
    ...p.Federated.map((f) => `Federated ${f}`),
    ...p.AWS.map((a) => `AWS ${a}`),
    ...p.Service.map((s) => `Service ${s}`),
    ...p.CanonicalUser.map((c) => `CanonicalUser ${c}`),
  ];
}

function summarize(st: Statement): string {
  const actions = st.action ?? [];
  const fed = st.principal?.Federated ?? [];
  const web = actions.some((a) => wildcardRegExp(a, true).test(webIdentityAction));
  if (fed.length && web) {
    const issuers = fed.map((f) => parseOidcProviderArn(f)?.host ?? f);
    return (
      `${st.effect === 'Allow' ? 'Lets' : 'Forbids'} Kubernetes ServiceAccount tokens issued ` +
      `by ${issuers.map((i) => `https://${i}`).join(' or ')} to exchange them for this role's ` +
      `credentials (${webIdentityAction})${st.conditions.length ? ', when:' : ', with no condition: any ServiceAccount of that cluster.'}`
    );
  }
  if (st.principal?.Service.length)
    return `${st.effect === 'Allow' ? 'Lets' : 'Forbids'} the AWS service(s) ${st.principal.Service.join(', ')} assume the role (${actions.join(', ')}).`;
  if (st.principal?.AWS.length || st.principal?.any)
    return (
      `${st.effect === 'Allow' ? 'Lets' : 'Forbids'} ${principalsOf(st).join(', ')} assume the ` +
      `role (${actions.join(', ') || `all but ${(st.notAction ?? []).join(', ')}`}).`
    );
  return `${st.effect} ${actions.join(', ') || `all but ${(st.notAction ?? []).join(', ')}`}.`;
}

export function explainTrust(doc: PolicyDocument): ExplainedStatement[] {
  return doc.statements.map((st, index) => ({
    index,
    ...(st.sid ? { sid: st.sid } : {}),
    effect: st.effect,
    principals: principalsOf(st),
    actions: st.action ?? (st.notAction ?? []).map((a) => `NotAction ${a}`),
    summary: summarize(st),
    conditions: st.conditions.map((c) => ({ ...c, text: explainCondition(c) })),
  }));
}

function tokenRequest(
  host: string,
  accountId: string | undefined,
  sub: string,
  aud: string,
): Parameters<typeof evaluate>[1] {
  // The account of the provider is the role's; when unknown, take the one the policy names.
  return {
    action: webIdentityAction,
    principal: { type: 'Federated', id: `arn:aws:iam::${accountId ?? '000000000000'}:oidc-provider/${host}` },
    context: { [`${host}:sub`]: sub, [`${host}:aud`]: aud },
  };
}

export function analyzeTrust(doc: PolicyDocument, target: IrsaTarget, roleName = 'the role'): TrustAnalysis {
  const findings: Finding[] = [];
  const policy: NamedPolicy[] = [{ name: 'trust policy', document: doc }];
  const expectedSub = serviceAccountSubject(target.namespace, target.serviceAccount);
  const audience = target.audience ?? stsAudience;
  const webStatements = doc.statements.filter(
    (st) =>
      st.effect === 'Allow' &&
      (st.principal?.Federated.length ?? 0) > 0 &&
      (st.action ?? []).some((a) => wildcardRegExp(a, true).test(webIdentityAction)),
  );
  const trusted = [
    ...new Set(webStatements.flatMap((st) => st.principal?.Federated ?? []).map((f) => parseOidcProviderArn(f))),
  ].filter((x): x is { accountId: string; host: string } => x !== undefined);
  const trustedIssuers = [...new Set(trusted.map((t) => t.host))];
  const statements = explainTrust(doc);
  if (!webStatements.length) {
    findings.push({
      code: irsaCodes.notWebIdentity,
      severity: 'error',
      message:
        `${roleName}'s trust policy has no Allow statement for a Federated OIDC provider ` +
        `with ${webIdentityAction}, so no Kubernetes ServiceAccount can assume it. Recreate it as ` +
        `an IRSA role (Create IAM Policy and IRSA Role, or eksctl create iamserviceaccount).`,
    });
    return { statements, findings, expectedCanAssume: undefined, trustedIssuers };
  }
  const clusterHost = target.issuer ? issuerHost(target.issuer) : undefined;
  if (clusterHost && !trustedIssuers.includes(clusterHost)) {
    findings.push({
      code: irsaCodes.issuer,
      severity: 'error',
      message:
        `${roleName} trusts tokens ` +
        `from ${trustedIssuers.map((h) => `https://${h}`).join(', ') || 'no parsable OIDC provider'}, ` +
        `but the cluster's issuer is https://${clusterHost}: STS refuses the pods' tokens ` +
        `(InvalidIdentityToken or AccessDenied). Point Principal.Federated and the condition keys ` +
        `at the cluster's issuer.`,
    });
  }
  if (target.accountId) {
    for (const t of trusted) {
      if (t.accountId !== target.accountId)
        findings.push({
          code: irsaCodes.issuer,
          severity: 'error',
          message:
            `${roleName} trusts the OIDC provider in account ${t.accountId}, but the role is in ` +
            `account ${target.accountId}; a role can only trust an OIDC provider of its own account.`,
        });
    }
  }
  // Condition keys must name the same issuer as the principal, or the key is absent from the request and StringEquals fails.
  for (const st of webStatements) {
    const hosts = (st.principal?.Federated ?? [])
      .map((f) => parseOidcProviderArn(f)?.host)
      .filter((h): h is string => h !== undefined);
    for (const c of st.conditions) {
      const m = /^(.*):(sub|aud|amr)$/.exec(c.key);
      if (m && hosts.length && !hosts.includes(m[1] ?? '')) {
        findings.push({
          code: irsaCodes.issuer,
          severity: 'error',
          message:
            `The condition key ${c.key} names issuer ${m[1] ?? ''}, but the statement ` +
            `trusts ${hosts.join(', ')}; STS never sets that key for these tokens, so the ` +
            `condition ${/Not|IfExists/.test(c.operator) ? 'is skipped' : 'always fails'}. ` +
            `Use ${hosts[0] ?? ''}:${m[2] ?? ''}.`,
        });
      }
    }
  }
  const host = clusterHost ?? trustedIssuers[0];
  const account = target.accountId ?? trusted[0]?.accountId;
  let expectedCanAssume: EvalResult | undefined;
  if (host) {
    expectedCanAssume = evaluate(policy, tokenRequest(host, account, expectedSub, audience));
    const subKeys = webStatements.flatMap((st) => st.conditions.filter((c) => /:sub$/.test(c.key)));
    const audKeys = webStatements.flatMap((st) => st.conditions.filter((c) => /:aud$/.test(c.key)));
    const request = tokenRequest(host, account, expectedSub, audience);
    const subOk = subKeys.every((c) => evaluateCondition(c, request.context).result === true);
    const audOk = audKeys.every((c) => evaluateCondition(c, request.context).result === true);
    // A wrong issuer or account is the one cause; the subject is then judged once that is fixed.
    const issuerWrong = findings.some((f) => f.code === irsaCodes.issuer);
    if (
      expectedCanAssume.decision !== 'allowed' &&
      !issuerWrong &&
      trustedIssuers.includes(host) &&
      (!subOk || audOk)
    ) {
      const named = subKeys.flatMap((c) => c.values);
      const allows = named.length ? `: the trust policy allows ${quoteList(named)}` : '';
      const denied = expectedCanAssume.decision === 'explicitDeny' ? ' and a Deny statement matches' : '';
      findings.push({
        code: irsaCodes.subject,
        severity: 'error',
        message:
          `${expectedSub} cannot assume ${roleName}${allows}${denied}. ` +
          `Prometheus' pods get AccessDenied from AssumeRoleWithWebIdentity and remote write fails. ` +
          `Trust "${host}:sub": "${expectedSub}".`,
      });
    }
    if (expectedCanAssume.decision === 'allowed') {
      const otherSa = evaluate(
        policy,
        tokenRequest(host, account, serviceAccountSubject(target.namespace, 'default'), audience),
      );
      const otherNs = evaluate(
        policy,
        tokenRequest(host, account, serviceAccountSubject('kube-system', target.serviceAccount), audience),
      );
      if (!subKeys.length) {
        findings.push({
          code: irsaCodes.subject,
          severity: 'error',
          message:
            `${roleName}'s trust policy does not restrict ${host}:sub: every ServiceAccount of the ` +
            `cluster can assume it. Add "StringEquals": {"${host}:sub": "${expectedSub}"}.`,
        });
      } else if (otherSa.decision === 'allowed' || otherNs.decision === 'allowed') {
        const wild = subKeys.filter((c) => c.values.some((v) => /[*?]/.test(v)) || /Not/.test(c.operator));
        const condition =
          wild.map((c) => `${c.operator} ${quoteList(c.values)}`).join(', ') || 'is broader than one ServiceAccount';
        const saAllowed = otherSa.decision === 'allowed';
        const nsAllowed = otherNs.decision === 'allowed';
        const others =
          (saAllowed ? `${serviceAccountSubject(target.namespace, 'default')} ` : '') +
          (saAllowed && nsAllowed ? 'and ' : '') +
          (nsAllowed ? `${serviceAccountSubject('kube-system', target.serviceAccount)} ` : '');
        findings.push({
          code: irsaCodes.subject,
          severity: 'warning',
          message:
            `The subject condition ${condition}: ${others}could ` +
            `assume the role too, not only ${expectedSub}. Use StringEquals with the exact subject.`,
        });
      }
      const otherAud = evaluate(policy, tokenRequest(host, account, expectedSub, 'some-other-audience'));
      if (!audKeys.length) {
        findings.push({
          code: irsaCodes.audience,
          severity: 'warning',
          message:
            `The trust policy does not check ${host}:aud, so a token ${expectedSub} got for another ` +
            `audience is accepted too. Add "${host}:aud": "${stsAudience}" next to the :sub condition ` +
            `(eksctl and the EKS guide do).`,
        });
      } else if (otherAud.decision === 'allowed') {
        findings.push({
          code: irsaCodes.audience,
          severity: 'warning',
          message: `The audience condition accepts tokens for audiences other than ${stsAudience}. Use "StringEquals": {"${host}:aud": "${stsAudience}"}.`,
        });
      }
    } else {
      for (const c of audKeys) {
        if (!/Not/.test(c.operator) && !c.values.some((v) => wildcardRegExp(v, false).test(audience))) {
          findings.push({
            code: irsaCodes.audience,
            severity: 'error',
            message:
              `The audience must be ${quoteList(c.values)}, but the EKS pod identity webhook requests ` +
              `tokens for ${audience}; AssumeRoleWithWebIdentity fails. Use "${c.key}": "${stsAudience}".`,
          });
        }
      }
    }
  }
  return { statements, findings, expectedCanAssume, trustedIssuers };
}
