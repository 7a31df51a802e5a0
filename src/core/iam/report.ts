// Inspect IRSA Role: everything known about the role Prometheus assumes, turned into one report
// with findings. The node layer gathers the data (IAM, EKS, the cluster); this decides.
import type { Finding } from '../finding';
import { blank, commandInText } from '../shellQuote';
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
      message: `${role.name}'s trust policy could not be read: ${trustParsed.error}.`,
    });
  } else {
    const t = analyzeTrust(
      trustParsed.policy,
      {
        namespace: input.namespace,
        serviceAccount: input.serviceAccount,
        ...(cluster.issuer ? { issuer: cluster.issuer } : {}),
        ...(cluster.accountId ? { accountId: cluster.accountId } : {}),
      },
      role.name,
    );
    statements = t.statements;
    trustedIssuers = t.trustedIssuers;
    expectedCanAssume = t.expectedCanAssume?.decision;
    findings.push(...t.findings);
  }
  if (cluster.issuer && cluster.oidcProviderExists === false) {
    findings.push({
      code: irsaCodes.oidcProvider,
      severity: 'error',
      message:
        `The account has no IAM OIDC provider for the cluster's ` +
        `issuer ${cluster.issuer}${cluster.accountId ? ` (expected ${oidcProviderArn(cluster.accountId, cluster.issuer)})` : ''}: ` +
        `no pod can assume any IRSA role. Create it with Create IAM Policy and IRSA Role, or run: ` +
        commandInText(associateOidcProvider(cluster.name ?? blank('cluster'), cluster.region || undefined)),
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
        message: `The ${p.kind} policy ${p.name} could not be read: ${parsed.error}.`,
      });
  }
  const local = evaluateLabActions(named);
  const verdicts = input.simulated?.length ? input.simulated : local;
  const verdictSource = input.simulated?.length ? 'simulation' : 'local';
  const verdictNote =
    verdictSource === 'simulation'
      ? 'Decided by IAM itself (iam:SimulatePrincipalPolicy), including permissions boundaries.'
      : `Decided by Observability Lab's own evaluation of the role's ${named.length} ` +
        `polic${named.length === 1 ? 'y' : 'ies'} (attached and inline) (explicit Deny wins, then ` +
        `Allow, else the default deny); permissions boundaries, SCPs and the AMP workspace's own ` +
        `policy are not seen.${input.simulationNote ? ` ${input.simulationNote}` : ''}`;
  if (!role.policies.length)
    findings.push({
      code: irsaCodes.actionDenied,
      severity: 'error',
      message:
        `${role.name} has no attached or inline policy, so it may do nothing. Attach the lab's ` +
        `policy (ds252-prometheus-otel-policy) with Create IAM Policy and IRSA Role.`,
    });
  else {
    for (const v of verdicts) {
      if (v.decision === 'allowed') continue;
      const info = labActions.find((a) => a.action === v.action);
      findings.push({
        code: irsaCodes.actionDenied,
        severity: info?.essential ? 'error' : 'warning',
        message: `${v.action} (${v.capability}) is ${v.because}. ${info?.symptom ?? ''}`.trim(),
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
        message:
          `The ServiceAccount ${sa.namespace}/${sa.name} does not exist; create it with the ` +
          `annotation eks.amazonaws.com/role-arn: ${role.arn} (Create IAM Policy and IRSA Role does).`,
      });
    else if (!sa.roleArn)
      findings.push({
        code: irsaCodes.annotation,
        severity: 'error',
        message:
          `The ServiceAccount ${sa.namespace}/${sa.name} has no eks.amazonaws.com/role-arn ` +
          `annotation, so its pods get no AWS credentials from IRSA. Annotate it with ${role.arn}.`,
      });
    else if (sa.roleArn !== role.arn)
      findings.push({
        code: irsaCodes.annotation,
        severity: 'warning',
        message:
          `The ServiceAccount ${sa.namespace}/${sa.name} is annotated with ${sa.roleArn}, ` +
          `not ${role.arn}: its pods assume that other role. Inspect that role, or annotate the ` +
          `ServiceAccount with this one.`,
      });
  }
  if (kube?.prometheusPods) {
    if (!kube.prometheusPods.length) {
      findings.push({
        code: irsaCodes.pods,
        severity: 'info',
        message:
          `No Prometheus pods were found in ${input.namespace}; once kube-prometheus-stack runs, ` +
          `they must run as ${input.serviceAccount} (prometheus.serviceAccount.name in the chart values).`,
      });
    }
    for (const p of kube.prometheusPods) {
      if (p.serviceAccount !== input.serviceAccount) {
        findings.push({
          code: irsaCodes.pods,
          severity: 'warning',
          message:
            `The Prometheus pod ${p.namespace}/${p.name} runs as ServiceAccount ${p.serviceAccount}, ` +
            `not ${input.serviceAccount}, so it does not get this role. Set ` +
            `prometheus.serviceAccount.create=false and ` +
            `prometheus.serviceAccount.name=${input.serviceAccount} in the kube-prometheus-stack ` +
            `values (serviceAccounts.server.* is ignored by that chart).`,
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

const decisionWord: Record<string, string> = {
  allowed: 'ALLOWED',
  explicitDeny: 'DENIED (explicit)',
  implicitDeny: 'DENIED (default)',
  undetermined: 'UNDECIDED',
};

/** The report as plain text for the CLI and the output channel. */
export function reportText(r: IrsaReport): string {
  const lines: string[] = [];
  lines.push(`Role ${r.role.name} (${r.role.arn})${r.role.createdByLab ? ', created by Observability Lab' : ''}`);
  if (r.cluster.name) {
    const issuer = r.cluster.issuer ?? `unknown (${r.cluster.issuerError ?? 'not asked'})`;
    const provider =
      r.cluster.oidcProviderExists === undefined
        ? ''
        : r.cluster.oidcProviderExists
          ? ', IAM OIDC provider present'
          : ', NO IAM OIDC provider';
    lines.push(
      `Cluster ${r.cluster.name}${r.cluster.region ? ` in ${r.cluster.region}` : ''}: issuer ${issuer}${provider}`,
    );
  }
  lines.push('', `Trust policy (who may assume it) — expected: ${r.serviceAccount.subject}`);
  for (const s of r.trust.statements) {
    lines.push(`  ${s.summary}`);
    for (const c of s.conditions) lines.push(`    - ${c.text}`);
  }
  if (r.trust.trustedIssuers.length && r.cluster.issuer)
    lines.push(
      `  Trusted issuer(s): ${r.trust.trustedIssuers.join(', ')}${r.trust.trustedIssuers.includes(issuerHost(r.cluster.issuer)) ? ' (this cluster)' : ''}`,
    );
  lines.push('', `Permissions (${r.policies.map((p) => `${p.kind} ${p.name}`).join(', ') || 'none'})`);
  lines.push(`  ${r.verdictNote}`);
  const width = Math.max(...r.verdicts.map((v) => v.action.length));
  for (const v of r.verdicts)
    lines.push(`  ${v.action.padEnd(width)}  ${(decisionWord[v.decision] ?? v.decision).padEnd(17)}  ${v.capability}`);
  lines.push('', `What if ${r.whatIf.removed} were removed? (${r.whatIf.edits.join('; ')})`);
  if (!r.whatIf.breaks.length) lines.push('  Nothing the lab uses changes.');
  for (const b of r.whatIf.breaks) lines.push(`  ${b.action}: ${b.capability} stops working. ${b.symptom}`);
  if (r.kube?.error) lines.push('', `Cluster side not checked: ${r.kube.error}`);
  lines.push('', r.findings.length ? `Findings (${r.findings.length}):` : 'No problems found.');
  for (const f of r.findings) lines.push(`  ${f.severity}  ${f.code}  ${f.message}`);
  return lines.join('\n');
}
