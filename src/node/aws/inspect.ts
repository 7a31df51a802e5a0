// Inspect IRSA Role: gathers the role (trust, attached and inline policies), the cluster's issuer
// and OIDC provider, IAM's own simulation when the API offers it, and the cluster side (the
// ServiceAccount's annotation, the pods Prometheus runs as, read by the function ui/cli hand in),
// and hands them to the core report.
import {
  GetRolePolicyCommand,
  ListRolePoliciesCommand,
  ListAttachedRolePoliciesCommand,
  GetRoleCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { labActions, type ActionVerdict } from '../../core/iam/lab';
import {
  buildIrsaReport,
  type ClusterData,
  type IrsaReport,
  type KubeSideData,
  type RoleData,
  type RolePolicyData,
} from '../../core/iam/report';
import { t } from '../../core/text/l10n';
import { AwsError, awsCall, toAwsFailure, type AwsClients } from './clients';
import { callerIdentity, clusterIssuer, findOidcProvider, readPolicy, tagMap } from './irsa';

export async function readRoleData(c: AwsClients, roleName: string): Promise<RoleData> {
  const r = await awsCall(c, t`read the role ${roleName} (iam:GetRole)`, () =>
    c.iam.send(new GetRoleCommand({ RoleName: roleName })),
  );
  const [attached, inline] = await Promise.all([
    awsCall(c, t`list the policies attached to ${roleName}`, () =>
      c.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName })),
    ),
    awsCall(c, t`list the inline policies of ${roleName}`, () =>
      c.iam.send(new ListRolePoliciesCommand({ RoleName: roleName })),
    ),
  ]);
  const policies: RolePolicyData[] = [];
  for (const p of attached.AttachedPolicies ?? []) {
    const arn = p.PolicyArn ?? '';
    const state = await readPolicy(c, arn);
    policies.push({ name: p.PolicyName ?? arn, arn, kind: 'managed', document: state?.defaultDocument ?? '' });
  }
  for (const name of inline.PolicyNames ?? []) {
    const doc = await awsCall(c, t`read the inline policy ${name} of ${roleName}`, () =>
      c.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name })),
    );
    policies.push({ name, kind: 'inline', document: doc.PolicyDocument ?? '' });
  }
  return {
    name: r.Role?.RoleName ?? roleName,
    arn: r.Role?.Arn ?? '',
    trustPolicy: r.Role?.AssumeRolePolicyDocument ?? '',
    policies,
    tags: tagMap(r.Role?.Tags),
  };
}

/**
 * IAM's own verdict for each lab action, or why there is none. moto 5.2.5 does not implement
 * iam:SimulatePrincipalPolicy (HTTP 500); real IAM needs the caller to hold that permission.
 */
/** A simulated decision in the words the panel shows, with the statements IAM names (IAM's ids). */
function simulatedBecause(decision: ActionVerdict['decision'], by: string[]): string {
  const ids = by.join(', ');
  if (decision === 'allowed')
    return by.length ? t`allowed by IAM's simulation (${ids})` : t`allowed by IAM's simulation`;
  if (decision === 'undetermined')
    return by.length ? t`not answered by IAM's simulation (${ids})` : t`not answered by IAM's simulation`;
  return by.length ? t`denied by IAM's simulation (${ids})` : t`denied by IAM's simulation`;
}

export async function simulateLabActions(
  c: AwsClients,
  roleArn: string,
): Promise<{ verdicts?: ActionVerdict[]; note?: string }> {
  try {
    const r = await c.iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: labActions.map((a) => a.action),
        ResourceArns: ['*'],
      }),
    );
    const verdicts = labActions.map((a): ActionVerdict => {
      const e = (r.EvaluationResults ?? []).find((x) => x.EvalActionName?.toLowerCase() === a.action.toLowerCase());
      const d = e?.EvalDecision;
      const decision =
        d === 'allowed'
          ? 'allowed'
          : d === 'explicitDeny'
            ? 'explicitDeny'
            : d === 'implicitDeny'
              ? 'implicitDeny'
              : 'undetermined';
      const by = (e?.MatchedStatements ?? []).map((m) => m.SourcePolicyId ?? '').filter(Boolean);
      return {
        action: a.action,
        capability: a.capability,
        decision,
        source: 'simulation',
        because: simulatedBecause(decision, by),
      };
    });
    return { verdicts };
  } catch (e) {
    const f = toAwsFailure(e);
    const why =
      f.httpStatus === 403 || /AccessDenied/.test(f.name)
        ? t`you may not call iam:SimulatePrincipalPolicy`
        : f.httpStatus && f.httpStatus >= 500
          ? c.endpoint
            ? t`the IAM endpoint at ${c.endpoint} does not implement iam:SimulatePrincipalPolicy (HTTP ${f.httpStatus}; moto does not)`
            : t`the IAM endpoint does not implement iam:SimulatePrincipalPolicy (HTTP ${f.httpStatus}; moto does not)`
          : f.name;
    return { note: t`IAM policy simulation was not used: ${why}.` };
  }
}

export interface InspectOptions {
  clusterName?: string;
  namespace: string;
  serviceAccount: string;
  /** Reads the cluster side (node/kube/serviceAccount's readIrsaKubeSide), or undefined to skip it. */
  readKubeSide?: () => Promise<KubeSideData>;
  /** Ask IAM to simulate (default true). */
  simulate?: boolean;
}

export async function inspectIrsaRole(c: AwsClients, roleName: string, o: InspectOptions): Promise<IrsaReport> {
  const identity = await callerIdentity(c);
  const role = await readRoleData(c, roleName);
  const cluster: ClusterData = {
    accountId: identity.account,
    region: c.region,
    ...(o.clusterName ? { name: o.clusterName } : {}),
  };
  if (o.clusterName) {
    try {
      cluster.issuer = await clusterIssuer(c, o.clusterName);
      cluster.oidcProviderExists = (await findOidcProvider(c, cluster.issuer)) !== undefined;
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      cluster.issuerError = e.message;
    }
  }
  const sim = o.simulate === false ? {} : await simulateLabActions(c, role.arn);
  const kube = await o.readKubeSide?.();
  return buildIrsaReport({
    role,
    cluster,
    namespace: o.namespace,
    serviceAccount: o.serviceAccount,
    ...(kube ? { kube } : {}),
    ...(sim.verdicts ? { simulated: sim.verdicts } : {}),
    ...(sim.note ? { simulationNote: sim.note } : {}),
  });
}
