// Clean Up, AWS part: finds the lab's role, policy and OIDC provider, and deletes what the plan
// (src/core/iam/setup.ts planAwsCleanup) says, step by step, reporting each.
import {
  DeleteOpenIDConnectProviderCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  ListEntitiesForPolicyCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { planAwsCleanup, type AwsCleanupPlan, type AwsCleanupStep, type CleanupCandidates } from '../../core/iam/setup';
import { t } from '../../core/text/l10n';
import { AwsError, awsCall, isNotFound, type AwsClients } from './clients';
import { callerIdentity, clusterIssuer, findOidcProvider, oidcProviderTags, readPolicy, readRole } from './irsa';

export interface AwsCleanupTarget {
  roleName: string;
  policyName: string;
  /** The student named the role / policy explicitly: delete it even without the lab's tag. */
  named?: { role?: boolean; policy?: boolean };
  /** With a cluster name, the lab-created OIDC provider of its issuer is offered too (only with includeOidcProvider). */
  clusterName?: string;
  includeOidcProvider?: boolean;
}

export async function findCleanupCandidates(c: AwsClients, target: AwsCleanupTarget): Promise<CleanupCandidates> {
  const id = await callerIdentity(c);
  const out: CleanupCandidates = {};
  const role = await readRole(c, target.roleName);
  if (role) {
    const inline = await awsCall(c, t`list the inline policies of ${target.roleName}`, () =>
      c.iam.send(new ListRolePoliciesCommand({ RoleName: target.roleName })),
    );
    out.role = {
      name: target.roleName,
      arn: role.arn,
      tags: role.tags,
      attachedPolicyArns: role.attachedPolicyArns,
      inlinePolicyNames: inline.PolicyNames ?? [],
    };
  }
  const policyArn = `arn:${id.partition}:iam::${id.account}:policy/${target.policyName}`;
  const policy = await readPolicy(c, policyArn);
  if (policy) {
    const ents = await awsCall(c, t`list what ${target.policyName} is attached to`, () =>
      c.iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: policyArn })),
    );
    out.policy = {
      name: target.policyName,
      arn: policyArn,
      tags: policy.tags,
      nonDefaultVersionIds: policy.versions.filter((v) => !v.isDefault).map((v) => v.id),
      attachedTo: [
        ...(ents.PolicyRoles ?? []).map((r) => ({ kind: 'role' as const, name: r.RoleName ?? '' })),
        ...(ents.PolicyUsers ?? []).map((u) => ({ kind: 'user' as const, name: u.UserName ?? '' })),
        ...(ents.PolicyGroups ?? []).map((g) => ({ kind: 'group' as const, name: g.GroupName ?? '' })),
      ],
    };
  }
  if (target.clusterName) {
    try {
      const issuer = await clusterIssuer(c, target.clusterName);
      const arn = await findOidcProvider(c, issuer);
      if (arn) out.oidcProvider = { arn, tags: await oidcProviderTags(c, arn) };
    } catch (e) {
      // Without the cluster there is no issuer to look up; the role and policy are still cleaned up.
      if (!(e instanceof AwsError)) throw e;
    }
  }
  return out;
}

export async function planAwsCleanupFor(c: AwsClients, target: AwsCleanupTarget): Promise<AwsCleanupPlan> {
  return planAwsCleanup(
    await findCleanupCandidates(c, target),
    target.named ?? {},
    target.includeOidcProvider ?? false,
  );
}

export interface AwsCleanupResult {
  step: AwsCleanupStep;
  result: 'done' | 'gone' | 'failed';
  message?: string;
}

/** Runs every step; one failing does not stop the ones that do not depend on it (IAM refuses those itself). */
export async function runAwsCleanup(
  c: AwsClients,
  plan: AwsCleanupPlan,
  onStep: (r: AwsCleanupResult) => void = () => undefined,
): Promise<AwsCleanupResult[]> {
  const results: AwsCleanupResult[] = [];
  for (const step of plan.steps) {
    let r: AwsCleanupResult;
    try {
      await awsCall(c, step.description, () => send(c, step));
      r = { step, result: 'done' };
    } catch (e) {
      r = isNotFound(e)
        ? { step, result: 'gone' }
        : { step, result: 'failed', message: e instanceof Error ? e.message : String(e) };
    }
    results.push(r);
    onStep(r);
  }
  return results;
}

function send(c: AwsClients, s: AwsCleanupStep): Promise<unknown> {
  switch (s.kind) {
    case 'detachRolePolicy':
      return c.iam.send(new DetachRolePolicyCommand({ RoleName: s.roleName, PolicyArn: s.policyArn }));
    case 'deleteRolePolicy':
      return c.iam.send(new DeleteRolePolicyCommand({ RoleName: s.roleName, PolicyName: s.policyName }));
    case 'deleteRole':
      return c.iam.send(new DeleteRoleCommand({ RoleName: s.roleName }));
    case 'detachPolicyFrom':
      if (s.entity === 'role')
        return c.iam.send(new DetachRolePolicyCommand({ RoleName: s.entityName, PolicyArn: s.policyArn }));
      if (s.entity === 'user')
        return c.iam.send(new DetachUserPolicyCommand({ UserName: s.entityName, PolicyArn: s.policyArn }));
      return c.iam.send(new DetachGroupPolicyCommand({ GroupName: s.entityName, PolicyArn: s.policyArn }));
    case 'deletePolicyVersion':
      return c.iam.send(new DeletePolicyVersionCommand({ PolicyArn: s.policyArn, VersionId: s.versionId }));
    case 'deletePolicy':
      return c.iam.send(new DeletePolicyCommand({ PolicyArn: s.policyArn }));
    case 'deleteOidcProvider':
      return c.iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: s.arn }));
  }
}
