// Inspect IRSA Role: everything known about the role Prometheus assumes, turned into one report
// with findings. The node layer gathers the data (IAM, EKS, the cluster); this decides.
import type { Finding } from '../finding';
import { blank, commandInText } from '../shellQuote';
import { t } from '../text/l10n';
import { irsaCodes } from './codes';
import { associateOidcProvider } from './commands';
import type { NamedPolicy } from './evaluate';
import { evaluateLabActions, labActions, whatIfWithout, type ActionVerdict, type WhatIf } from './lab';
import { parsePolicy } from './policy';
import { analyzeTrust, issuerHost, oidcProviderArn, type ExplainedStatement } from './trust';

export interface RolePolicyData {
  name: string;
  /** Managed policies have an ARN; inline ones do not. */
  arn?: string;
  kind: 'managed' | 'inline';
  /** The document as IAM returned it (URL-encoded or not). */
  document: string;
}

export interface RoleData {
  name: string;
  arn: string;
  trustPolicy: string;
  policies: RolePolicyData[];
  tags: Record<string, string>;
}

export interface ClusterData {
  name?: string;
  region?: string;
  accountId?: string;
  issuer?: string;
  /** undefined: not checked (no issuer or no permission). */
  oidcProviderExists?: boolean;
  /** Why the cluster's issuer is unknown, when it is. */
  issuerError?: string;
}

export interface KubeSideData {
  /** Why the cluster could not be asked, when it could not. */
  error?: string;
  serviceAccount?: { namespace: string; name: string; exists: boolean; roleArn?: string };
  /** Prometheus server pods and the ServiceAccount each runs as. */
  prometheusPods?: { namespace: string; name: string; serviceAccount: string }[];
}

export interface IrsaInspectInput {
  role: RoleData;
  cluster: ClusterData;
  kube?: KubeSideData;
  namespace: string;
  serviceAccount: string;
  /** Verdicts from iam:SimulatePrincipalPolicy, when the API offers it; else our own evaluation is used. */
  simulated?: ActionVerdict[];
  /** Why simulation was not used (e.g. "moto does not implement iam:SimulatePrincipalPolicy"). */
  simulationNote?: string;
}

export interface PolicyView {
  name: string;
  arn?: string;
  kind: 'managed' | 'inline';
  /** Pretty JSON, or the raw text when it does not parse. */
  text: string;
  error?: string;
}

export interface IrsaReport {
  role: { name: string; arn: string; createdByLab: boolean };
  cluster: ClusterData;
  serviceAccount: { namespace: string; name: string; subject: string };
  trust: { text: string; statements: ExplainedStatement[]; trustedIssuers: string[]; expectedCanAssume?: string };
  policies: PolicyView[];
  verdicts: ActionVerdict[];
  verdictSource: 'simulation' | 'local';
  verdictNote: string;
  whatIf: WhatIf;
  kube?: KubeSideData;
  findings: Finding[];
}

export const labTag = { key: 'obslab:lab', value: 'true' } as const;

function pretty(text: string): string {
  const parsed = parsePolicy(text);
  return parsed.ok ? JSON.stringify(parsed.raw, null, 2) : text;
}

export function buildIrsaReport(input: IrsaInspectInput): IrsaReport {
  const { role, cluster } = input;
  const findings: Finding[] = [];
  const subject = `system:serviceaccount:${input.namespace}:${input.serviceAccount}`;
  const trustParsed = parsePolicy(role.trustPolicy);
  let statements: ExplainedStatement[] = [];
  let trustedIssuers: string[] = [];
  let expectedCanAssume: string | undefined;
  if (!trustParsed.ok) {
    findings.push({
      code: irsaCodes.policyInvalid,
      severity: 'error',
      message: t`${role.name}'s trust policy could not be read: ${trustParsed.error}.`,
    });
  } else {
    const trust = analyzeTrust(
      trustParsed.policy,
      {
        namespace: input.namespace,
        serviceAccount: input.serviceAccount,
        ...(cluster.issuer ? { issuer: cluster.issuer } : {}),
        ...(cluster.accountId ? { accountId: cluster.accountId } : {}),
      },
      role.name,
    );
    statements = trust.statements;
    trustedIssuers = trust.trustedIssuers;
    expectedCanAssume = trust.expectedCanAssume?.decision;
    findings.push(...trust.findings);
  }
  if (cluster.issuer && cluster.oidcProviderExists === false) {
    const command = commandInText(associateOidcProvider(cluster.name ?? blank('cluster'), cluster.region || undefined));
    findings.push({
      code: irsaCodes.oidcProvider,
      severity: 'error',
      message: cluster.accountId
        ? t`The account has no IAM OIDC provider for the cluster's \
issuer ${cluster.issuer} (expected ${oidcProviderArn(cluster.accountId, cluster.issuer)}): \
no pod can assume any IRSA role. Create it with Create IAM Policy and IRSA Role, or run: ${command}`
        : t`The account has no IAM OIDC provider for the cluster's \
issuer ${cluster.issuer}: no pod can assume any IRSA role. Create it with Create IAM Policy and IRSA Role, or run: ${command}`,
    });
  }
  const policies: PolicyView[] = [];
  const named: NamedPolicy[] = [];
  for (const p of role.policies) {
    const parsed = parsePolicy(p.document);
    policies.push({
      name: p.name,
      kind: p.kind,
      text: pretty(p.document),
      ...(p.arn ? { arn: p.arn } : {}),
      ...(parsed.ok ? {} : { error: parsed.error }),
    });
    if (parsed.ok) named.push({ name: p.name, document: parsed.policy });
    else
      findings.push({
        code: irsaCodes.policyInvalid,
        severity: 'error',
        message:
          p.kind === 'managed'
            ? t`The managed policy ${p.name} could not be read: ${parsed.error}.`
            : t`The inline policy ${p.name} could not be read: ${parsed.error}.`,
      });
  }
  const local = evaluateLabActions(named);
  const verdicts = input.simulated?.length ? input.simulated : local;
  const verdictSource = input.simulated?.length ? 'simulation' : 'local';
  const localNote =
    named.length === 1
      ? t`Decided by Observability Lab's own evaluation of the role's ${named.length} \
policy (attached and inline) (explicit Deny wins, then \
Allow, else the default deny); permissions boundaries, SCPs and the AMP workspace's own \
policy are not seen.`
      : t`Decided by Observability Lab's own evaluation of the role's ${named.length} \
policies (attached and inline) (explicit Deny wins, then \
Allow, else the default deny); permissions boundaries, SCPs and the AMP workspace's own \
policy are not seen.`;
  const verdictNote =
    verdictSource === 'simulation'
      ? t`Decided by IAM itself (iam:SimulatePrincipalPolicy), including permissions boundaries.`
      : input.simulationNote
        ? `${localNote} ${input.simulationNote}`
        : localNote;
  if (!role.policies.length)
    findings.push({
      code: irsaCodes.actionDenied,
      severity: 'error',
      message: t`${role.name} has no attached or inline policy, so it may do nothing. Attach the lab's \
policy (ds252-prometheus-otel-policy) with Create IAM Policy and IRSA Role.`,
    });
  else {
    for (const v of verdicts) {
      if (v.decision === 'allowed') continue;
      const info = labActions.find((a) => a.action === v.action);
      findings.push({
        code: irsaCodes.actionDenied,
        severity: info?.essential ? 'error' : 'warning',
        message: [t`${v.action} (${v.capability}) is ${v.because}.`, info?.symptom ?? ''].join(' ').trim(),
      });
    }
  }
  const kube = input.kube;
  if (kube?.serviceAccount) {
    const sa = kube.serviceAccount;
    if (!sa.exists)
      findings.push({
        code: irsaCodes.annotation,
        severity: 'error',
        message: t`The ServiceAccount ${sa.namespace}/${sa.name} does not exist; create it with the \
annotation eks.amazonaws.com/role-arn: ${role.arn} (Create IAM Policy and IRSA Role does).`,
      });
    else if (!sa.roleArn)
      findings.push({
        code: irsaCodes.annotation,
        severity: 'error',
        message: t`The ServiceAccount ${sa.namespace}/${sa.name} has no eks.amazonaws.com/role-arn \
annotation, so its pods get no AWS credentials from IRSA. Annotate it with ${role.arn}.`,
      });
    else if (sa.roleArn !== role.arn)
      findings.push({
        code: irsaCodes.annotation,
        severity: 'warning',
        message: t`The ServiceAccount ${sa.namespace}/${sa.name} is annotated with ${sa.roleArn}, \
not ${role.arn}: its pods assume that other role. Inspect that role, or annotate the \
ServiceAccount with this one.`,
      });
  }
  if (kube?.prometheusPods) {
    if (!kube.prometheusPods.length) {
      findings.push({
        code: irsaCodes.pods,
        severity: 'info',
        message: t`No Prometheus pods were found in ${input.namespace}; once kube-prometheus-stack runs, \
they must run as ${input.serviceAccount} (prometheus.serviceAccount.name in the chart values).`,
      });
    }
    for (const p of kube.prometheusPods) {
      if (p.serviceAccount !== input.serviceAccount) {
        findings.push({
          code: irsaCodes.pods,
          severity: 'warning',
          message: t`The Prometheus pod ${p.namespace}/${p.name} runs as ServiceAccount ${p.serviceAccount}, \
not ${input.serviceAccount}, so it does not get this role. Set \
prometheus.serviceAccount.create=false and \
prometheus.serviceAccount.name=${input.serviceAccount} in the kube-prometheus-stack \
values (serviceAccounts.server.* is ignored by that chart).`,
        });
      }
    }
  }
  return {
    role: { name: role.name, arn: role.arn, createdByLab: role.tags[labTag.key] === labTag.value },
    cluster,
    serviceAccount: { namespace: input.namespace, name: input.serviceAccount, subject },
    trust: {
      text: pretty(role.trustPolicy),
      statements,
      trustedIssuers,
      ...(expectedCanAssume ? { expectedCanAssume } : {}),
    },
    policies,
    verdicts,
    verdictSource,
    verdictNote,
    whatIf: whatIfWithout(named),
    ...(kube ? { kube } : {}),
    findings,
  };
}

/** How the plain-text report names a decision (shown to a person; the JSON keeps the Decision value). */
function decisionWord(decision: string): string {
  switch (decision) {
    case 'allowed':
      return t`ALLOWED`;
    case 'explicitDeny':
      return t`DENIED (explicit)`;
    case 'implicitDeny':
      return t`DENIED (default)`;
    case 'undetermined':
      return t`UNDECIDED`;
    default:
      return decision;
  }
}

/** The report as plain text for the CLI and the output channel. */
export function reportText(r: IrsaReport): string {
  const lines: string[] = [];
  lines.push(
    r.role.createdByLab
      ? t`Role ${r.role.name} (${r.role.arn}), created by Observability Lab`
      : t`Role ${r.role.name} (${r.role.arn})`,
  );
  if (r.cluster.name) {
    const issuer = r.cluster.issuer ?? t`unknown (${r.cluster.issuerError ?? t`not asked`})`;
    const cluster = r.cluster.region
      ? t`Cluster ${r.cluster.name} in ${r.cluster.region}`
      : t`Cluster ${r.cluster.name}`;
    lines.push(
      r.cluster.oidcProviderExists === undefined
        ? t`${cluster}: issuer ${issuer}`
        : r.cluster.oidcProviderExists
          ? t`${cluster}: issuer ${issuer}, IAM OIDC provider present`
          : t`${cluster}: issuer ${issuer}, NO IAM OIDC provider`,
    );
  }
  lines.push('', t`Trust policy (who may assume it) — expected: ${r.serviceAccount.subject}`);
  for (const s of r.trust.statements) {
    lines.push(`  ${s.summary}`);
    for (const c of s.conditions) lines.push(`    - ${c.text}`);
  }
  if (r.trust.trustedIssuers.length && r.cluster.issuer) {
    const issuers = r.trust.trustedIssuers.join(', ');
    lines.push(
      `  ${
        r.trust.trustedIssuers.includes(issuerHost(r.cluster.issuer))
          ? t`Trusted issuer(s): ${issuers} (this cluster)`
          : t`Trusted issuer(s): ${issuers}`
      }`,
    );
  }
  const policies = r.policies
    .map((p) => (p.kind === 'managed' ? t`managed ${p.name}` : t`inline ${p.name}`))
    .join(', ');
  lines.push('', policies ? t`Permissions (${policies})` : t`Permissions (none)`);
  lines.push(`  ${r.verdictNote}`);
  const width = Math.max(...r.verdicts.map((v) => v.action.length));
  for (const v of r.verdicts)
    lines.push(`  ${v.action.padEnd(width)}  ${decisionWord(v.decision).padEnd(17)}  ${v.capability}`);
  lines.push('', t`What if ${r.whatIf.removed} were removed? (${r.whatIf.edits.join('; ')})`);
  if (!r.whatIf.breaks.length) lines.push(`  ${t`Nothing the lab uses changes.`}`);
  for (const b of r.whatIf.breaks) lines.push(`  ${t`${b.action}: ${b.capability} stops working.`} ${b.symptom}`);
  if (r.kube?.error) lines.push('', t`Cluster side not checked: ${r.kube.error}`);
  lines.push('', r.findings.length ? t`Findings (${r.findings.length}):` : t`No problems found.`);
  for (const f of r.findings) lines.push(`  ${f.severity}  ${f.code}  ${f.message}`);
  return lines.join('\n');
}
