// The trust policy of an IRSA role, explained and checked. IRSA's shape (EKS user guide, "Assign
// IAM roles to Kubernetes service accounts"; eksctl pkg/iam/oidc): Principal.Federated is
// arn:aws:iam::ACCOUNT:oidc-provider/ISSUER_HOST_AND_PATH, Action sts:AssumeRoleWithWebIdentity, and
// StringEquals on ISSUER:sub = system:serviceaccount:NS:NAME and ISSUER:aud = sts.amazonaws.com.
// Checks are made by evaluating the policy against the token STS would see, not by pattern-matching text.
import type { Finding } from '../finding';
import { t } from '../text/l10n';
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

/** 'a' or 'b' or 'c': the values quoted, each "or" in the reader's language. */
function quoteList(values: string[]): string {
  return orList(values.map((v) => `'${v}'`));
}

function orList(items: string[]): string {
  return items.length ? items.reduce((list, item) => t`${list} or ${item}`) : '';
}

function explainSubject(pattern: string, like: boolean): string {
  const m = /^system:serviceaccount:([^:]+):(.+)$/.exec(pattern);
  if (!m)
    return like && pattern.includes('*')
      ? t`any token subject matching '${pattern}'`
      : t`the token subject '${pattern}', which is not a ServiceAccount subject (system:serviceaccount:NAMESPACE:NAME)`;
  const [, ns = '', name = ''] = m;
  const wildNs = like && /[*?]/.test(ns);
  const wildName = like && /[*?]/.test(name);
  if (wildNs && wildName) return t`any ServiceAccount in any namespace matching '${pattern}'`;
  if (wildName)
    return name === '*'
      ? t`every ServiceAccount in namespace ${ns}`
      : t`every ServiceAccount in namespace ${ns} whose name matches '${name}'`;
  if (wildNs) return t`a ServiceAccount named ${name} in any namespace matching '${ns}'`;
  return t`only the ServiceAccount ${name} in namespace ${ns}`;
}

export function explainCondition(c: Condition): string {
  const { set, base, ifExists } = operatorParts(c.operator);
  const key = c.key;
  const like = /Like$/.test(base);
  const negated = /Not/.test(base);
  // Notes after the sentence, each its own translated text (each starts with its space).
  const whenPresent = ifExists ? t` (checked only when the request has this key)` : '';
  const setNote = set
    ? set === 'ForAnyValue'
      ? t` (${set}: at least one value of the key)`
      : t` (${set}: every value of the key)`
    : '';
  const suffix = `${whenPresent}${setNote}`;
  if (/:sub$/.test(key) && !negated && base.startsWith('String')) {
    const subjects = c.values.map((v) => explainSubject(v, like));
    const who = subjects.length ? subjects.reduce((list, one) => t`${list}; or ${one}`) : '';
    const values = quoteList(c.values);
    return like
      ? t`The ServiceAccount token's subject (${key}) must be ${values} (wildcards * and ? allowed): ${who} may assume \
the role.${suffix}`
      : t`The ServiceAccount token's subject (${key}) must be ${values}: ${who} may assume the role.${suffix}`;
  }
  if (/:aud$/.test(key) && !negated && base.startsWith('String')) {
    const values = quoteList(c.values);
    return c.values.includes(stsAudience)
      ? t`The token must be issued for the audience ${values}, which the EKS pod identity webhook requests, so tokens \
made for other services are refused.${suffix}`
      : t`The token must be issued for the audience ${values}; the EKS pod identity webhook requests ${stsAudience}, \
so its tokens do not match.${suffix}`;
  }
  if (base === 'Null')
    return (c.values[0] ?? '').toLowerCase() === 'true'
      ? t`The request must not have the key ${key}.`
      : t`The request must have the key ${key}.`;
  // The operator's name spelled out (StringNotLike: string not like): words of IAM's grammar, not translated.
  const verb = base.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return t`The request's ${key} must satisfy ${c.operator} ${quoteList(c.values)} (${verb}).${suffix}`;
}

function principalsOf(st: Statement): string[] {
  const p = st.principal;
  if (!p) return [];
  if (p.any) return [t`everyone (*)`];
  // The principal types are IAM's own words (the policy's keys): names, not translated.
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
  const allow = st.effect === 'Allow';
  if (fed.length && web) {
    const issuers = orList(fed.map((f) => `https://${parseOidcProviderArn(f)?.host ?? f}`));
    if (st.conditions.length)
      return allow
        ? t`Lets Kubernetes ServiceAccount tokens issued by ${issuers} to exchange them for this role's \
credentials (${webIdentityAction}), when:`
        : t`Forbids Kubernetes ServiceAccount tokens issued by ${issuers} to exchange them for this role's \
credentials (${webIdentityAction}), when:`;
    return allow
      ? t`Lets Kubernetes ServiceAccount tokens issued by ${issuers} to exchange them for this role's \
credentials (${webIdentityAction}), with no condition: any ServiceAccount of that cluster.`
      : t`Forbids Kubernetes ServiceAccount tokens issued by ${issuers} to exchange them for this role's \
credentials (${webIdentityAction}), with no condition: any ServiceAccount of that cluster.`;
  }
  if (st.principal?.Service.length) {
    const services = st.principal.Service.join(', ');
    return allow
      ? t`Lets the AWS service(s) ${services} assume the role (${actions.join(', ')}).`
      : t`Forbids the AWS service(s) ${services} assume the role (${actions.join(', ')}).`;
  }
  const what = actions.join(', ') || t`all but ${(st.notAction ?? []).join(', ')}`;
  if (st.principal?.AWS.length || st.principal?.any) {
    const who = principalsOf(st).join(', ');
    return allow ? t`Lets ${who} assume the role (${what}).` : t`Forbids ${who} assume the role (${what}).`;
  }
  return allow ? t`Allow ${what}.` : t`Deny ${what}.`;
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

export function analyzeTrust(doc: PolicyDocument, target: IrsaTarget, roleName = t`the role`): TrustAnalysis {
  const findings: Finding[] = [];
  const policy: NamedPolicy[] = [{ name: t`trust policy`, document: doc }];
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
  const trustedIssuers = [...new Set(trusted.map((x) => x.host))];
  const statements = explainTrust(doc);
  if (!webStatements.length) {
    findings.push({
      code: irsaCodes.notWebIdentity,
      severity: 'error',
      message: t`${roleName}'s trust policy has no Allow statement for a Federated OIDC provider \
with ${webIdentityAction}, so no Kubernetes ServiceAccount can assume it. Recreate it as \
an IRSA role (Create IAM Policy and IRSA Role, or eksctl create iamserviceaccount).`,
    });
    return { statements, findings, expectedCanAssume: undefined, trustedIssuers };
  }
  const clusterHost = target.issuer ? issuerHost(target.issuer) : undefined;
  if (clusterHost && !trustedIssuers.includes(clusterHost)) {
    findings.push({
      code: irsaCodes.issuer,
      severity: 'error',
      message: t`${roleName} trusts tokens \
from ${trustedIssuers.map((h) => `https://${h}`).join(', ') || t`no parsable OIDC provider`}, \
but the cluster's issuer is https://${clusterHost}: STS refuses the pods' tokens \
(InvalidIdentityToken or AccessDenied). Point Principal.Federated and the condition keys \
at the cluster's issuer.`,
    });
  }
  if (target.accountId) {
    for (const provider of trusted) {
      if (provider.accountId !== target.accountId)
        findings.push({
          code: irsaCodes.issuer,
          severity: 'error',
          message: t`${roleName} trusts the OIDC provider in account ${provider.accountId}, but the role is in \
account ${target.accountId}; a role can only trust an OIDC provider of its own account.`,
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
          message: /Not|IfExists/.test(c.operator)
            ? t`The condition key ${c.key} names issuer ${m[1] ?? ''}, but the statement \
trusts ${hosts.join(', ')}; STS never sets that key for these tokens, so the \
condition is skipped. Use ${hosts[0] ?? ''}:${m[2] ?? ''}.`
            : t`The condition key ${c.key} names issuer ${m[1] ?? ''}, but the statement \
trusts ${hosts.join(', ')}; STS never sets that key for these tokens, so the \
condition always fails. Use ${hosts[0] ?? ''}:${m[2] ?? ''}.`,
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
      const allows = quoteList(named);
      const denied = expectedCanAssume.decision === 'explicitDeny';
      const cannot = named.length
        ? denied
          ? t`${expectedSub} cannot assume ${roleName}: the trust policy allows ${allows} and a Deny statement matches.`
          : t`${expectedSub} cannot assume ${roleName}: the trust policy allows ${allows}.`
        : denied
          ? t`${expectedSub} cannot assume ${roleName} and a Deny statement matches.`
          : t`${expectedSub} cannot assume ${roleName}.`;
      findings.push({
        code: irsaCodes.subject,
        severity: 'error',
        message: [
          cannot,
          t`Prometheus' pods get AccessDenied from AssumeRoleWithWebIdentity and remote write fails.`,
          t`Trust "${host}:sub": "${expectedSub}".`,
        ].join(' '),
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
          message: t`${roleName}'s trust policy does not restrict ${host}:sub: every ServiceAccount of the \
cluster can assume it. Add ${`"StringEquals": {"${host}:sub": "${expectedSub}"}`}.`,
        });
      } else if (otherSa.decision === 'allowed' || otherNs.decision === 'allowed') {
        const wild = subKeys.filter((c) => c.values.some((v) => /[*?]/.test(v)) || /Not/.test(c.operator));
        const condition = wild.map((c) => `${c.operator} ${quoteList(c.values)}`).join(', ');
        const saAllowed = otherSa.decision === 'allowed';
        const nsAllowed = otherNs.decision === 'allowed';
        const defaultSa = serviceAccountSubject(target.namespace, 'default');
        const systemSa = serviceAccountSubject('kube-system', target.serviceAccount);
        const others = saAllowed && nsAllowed ? t`${defaultSa} and ${systemSa}` : saAllowed ? defaultSa : systemSa;
        findings.push({
          code: irsaCodes.subject,
          severity: 'warning',
          message: condition
            ? t`The subject condition ${condition}: ${others} could \
assume the role too, not only ${expectedSub}. Use StringEquals with the exact subject.`
            : t`The subject condition is broader than one ServiceAccount: ${others} could \
assume the role too, not only ${expectedSub}. Use StringEquals with the exact subject.`,
        });
      }
      const otherAud = evaluate(policy, tokenRequest(host, account, expectedSub, 'some-other-audience'));
      if (!audKeys.length) {
        findings.push({
          code: irsaCodes.audience,
          severity: 'warning',
          message: t`The trust policy does not check ${host}:aud, so a token ${expectedSub} got for another \
audience is accepted too. Add "${host}:aud": "${stsAudience}" next to the :sub condition \
(eksctl and the EKS guide do).`,
        });
      } else if (otherAud.decision === 'allowed') {
        findings.push({
          code: irsaCodes.audience,
          severity: 'warning',
          message: t`The audience condition accepts tokens for audiences other than ${stsAudience}. \
Use ${`"StringEquals": {"${host}:aud": "${stsAudience}"}`}.`,
        });
      }
    } else {
      for (const c of audKeys) {
        if (!/Not/.test(c.operator) && !c.values.some((v) => wildcardRegExp(v, false).test(audience))) {
          findings.push({
            code: irsaCodes.audience,
            severity: 'error',
            message: t`The audience must be ${quoteList(c.values)}, but the EKS pod identity webhook requests \
tokens for ${audience}; AssumeRoleWithWebIdentity fails. Use "${c.key}": "${stsAudience}".`,
          });
        }
      }
    }
  }
  return { statements, findings, expectedCanAssume, trustedIssuers };
}
