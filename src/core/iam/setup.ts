// Task 1 as a plan: from what exists in the account and the cluster, the changes that give the
// lab an IAM policy, an IRSA role for monitoring/prometheus-sa and the annotated ServiceAccount.
// Every change is described before it is made, the permissions the policy grants included (each
// statement, and warnings where it is broad); nothing is changed that is already right.
// Clean Up's AWS part is planned here too: only what carries the lab's tag, or what the student names.
import { blank, commandInText } from '../shellQuote';
import { t } from '../text/l10n';
import { associateOidcProvider, createIamServiceAccount } from './commands';
import { permissionLines, policyPermissions, type PolicyPermissions } from './permissions';
import { canonicalPolicy, parsePolicy } from './policy';
import { irsaTrustPolicy, issuerHost, oidcProviderArn, serviceAccountSubject, stsAudience } from './trust';

export const labTagKey = 'obslab:lab';
export const labTagValue = 'true';

export interface IrsaDesired {
  accountId: string;
  issuer: string;
  policyName: string;
  /** The policy document's text, as the student's lab file has it. */
  policyDocument: string;
  roleName: string;
  namespace: string;
  serviceAccount: string;
  partition?: string;
}

export interface PolicyState {
  arn: string;
  defaultVersionId: string;
  /** The default version's document text. */
  defaultDocument: string;
  /** Version ids, oldest first; IAM keeps at most five. */
  versions: { id: string; isDefault: boolean }[];
  tags: Record<string, string>;
}

export interface RoleState {
  arn: string;
  trustPolicy: string;
  attachedPolicyArns: string[];
  tags: Record<string, string>;
}

export interface IrsaObserved {
  oidcProviderArn?: string;
  policy?: PolicyState;
  role?: RoleState;
  /** undefined: the cluster could not be asked (the plan then says so and skips the ServiceAccount). */
  serviceAccount?: { exists: boolean; roleArn?: string };
}

export type IrsaChange =
  | { kind: 'createOidcProvider'; issuer: string; audience: string; description: string }
  | { kind: 'createPolicy'; name: string; document: string; description: string }
  | { kind: 'createPolicyVersion'; arn: string; document: string; deleteVersionId?: string; description: string }
  | { kind: 'createRole'; name: string; trustPolicy: string; description: string }
  | { kind: 'updateTrustPolicy'; name: string; trustPolicy: string; description: string }
  | { kind: 'attachPolicy'; roleName: string; policyArn: string; description: string }
  | { kind: 'applyServiceAccount'; namespace: string; name: string; roleArn: string; description: string };

export interface IrsaPlan {
  changes: IrsaChange[];
  /** What is already right, in words. */
  unchanged: string[];
  policyArn: string;
  roleArn: string;
  trustPolicy: string;
  /** Problems that stop the plan (invalid policy document): nothing is changed. */
  blockers: string[];
  /** What the policy document grants, statement by statement, with warnings where it is broad (none when it does not parse). */
  permissions: PolicyPermissions;
}

export function policyArnFor(accountId: string, name: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:policy/${name}`;
}

export function roleArnFor(accountId: string, name: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:role/${name}`;
}

export function planIrsaSetup(want: IrsaDesired, have: IrsaObserved): IrsaPlan {
  const partition = want.partition ?? 'aws';
  const changes: IrsaChange[] = [];
  const unchanged: string[] = [];
  const blockers: string[] = [];
  const trustPolicy = JSON.stringify(
    irsaTrustPolicy(want.accountId, want.issuer, want.namespace, want.serviceAccount, partition),
    null,
    2,
  );
  const policyArn = have.policy?.arn ?? policyArnFor(want.accountId, want.policyName, partition);
  const roleArn = have.role?.arn ?? roleArnFor(want.accountId, want.roleName, partition);
  const parsed = parsePolicy(want.policyDocument);
  if (!parsed.ok) {
    blockers.push(
      t`The policy document is ${parsed.error}. Fix iam/prometheus-iam-policy.json (the editor marks the problem) \
and run the command again.`,
    );
    return {
      changes,
      unchanged,
      policyArn,
      roleArn,
      trustPolicy,
      blockers,
      permissions: { statements: [], warnings: [] },
    };
  }
  const permissions = policyPermissions(parsed.policy);
  if (parsed.policy.statements.some((s) => s.principal || s.notPrincipal)) {
    blockers.push(
      t`The policy document has a Principal: that is a trust policy, not a permissions policy. \
Use iam/prometheus-iam-policy.json.`,
    );
    return { changes, unchanged, policyArn, roleArn, trustPolicy, blockers, permissions };
  }

  if (have.oidcProviderArn) unchanged.push(t`IAM OIDC provider ${have.oidcProviderArn} exists`);
  else
    changes.push({
      kind: 'createOidcProvider',
      issuer: want.issuer,
      audience: stsAudience,
      description: t`Create the IAM OIDC provider for the cluster's issuer ${want.issuer} \
(${oidcProviderArn(want.accountId, want.issuer, partition)}), audience ${stsAudience}, \
with the thumbprint of the issuer's root certificate. Same as: ${commandInText(associateOidcProvider(blank('cluster')))}`,
    });

  const compact = JSON.stringify(parsed.raw);
  if (!have.policy)
    changes.push({
      kind: 'createPolicy',
      name: want.policyName,
      document: compact,
      description: t`Create the IAM policy ${want.policyName} from the lab's policy document`,
    });
  else if (canonicalPolicy(have.policy.defaultDocument) === canonicalPolicy(want.policyDocument))
    unchanged.push(
      t`Policy ${have.policy.arn} already has this document (version ${have.policy.defaultVersionId}); reused`,
    );
  else {
    // IAM keeps five versions: make room by deleting the oldest non-default one.
    const full = have.policy.versions.length >= 5;
    const oldest = have.policy.versions.find((v) => !v.isDefault);
    changes.push({
      kind: 'createPolicyVersion',
      arn: have.policy.arn,
      document: compact,
      ...(full && oldest ? { deleteVersionId: oldest.id } : {}),
      description:
        full && oldest
          ? t`Policy ${have.policy.arn} exists with a different document \
(default ${have.policy.defaultVersionId}): add a new version from the lab's file and make \
it the default, deleting the oldest version ${oldest.id} (IAM keeps five)`
          : t`Policy ${have.policy.arn} exists with a different document \
(default ${have.policy.defaultVersionId}): add a new version from the lab's file and make \
it the default`,
    });
  }

  if (!have.role)
    changes.push({
      kind: 'createRole',
      name: want.roleName,
      trustPolicy,
      description: t`Create the role ${want.roleName}, trusting \
only ${serviceAccountSubject(want.namespace, want.serviceAccount)} with \
audience ${stsAudience} from issuer ${issuerHost(want.issuer)}`,
    });
  else if (canonicalPolicy(have.role.trustPolicy) !== canonicalPolicy(trustPolicy))
    changes.push({
      kind: 'updateTrustPolicy',
      name: want.roleName,
      trustPolicy,
      description: t`Replace the trust policy of the existing role ${want.roleName} with the IRSA trust \
for ${serviceAccountSubject(want.namespace, want.serviceAccount)} (the current one differs)`,
    });
  else unchanged.push(t`Role ${roleArn} exists with the right trust policy`);

  if (have.role?.attachedPolicyArns.includes(policyArn)) unchanged.push(t`Policy is attached to ${want.roleName}`);
  else
    changes.push({
      kind: 'attachPolicy',
      roleName: want.roleName,
      policyArn,
      description: t`Attach ${policyArn} to the role ${want.roleName}`,
    });

  if (have.serviceAccount === undefined)
    unchanged.push(
      t`The cluster was not asked: annotate the ServiceAccount later (or run the command again with a cluster)`,
    );
  else if (have.serviceAccount.exists && have.serviceAccount.roleArn === roleArn)
    unchanged.push(t`ServiceAccount ${want.namespace}/${want.serviceAccount} is annotated with the role`);
  else {
    const sa = `${want.namespace}/${want.serviceAccount}`;
    const now = have.serviceAccount.roleArn;
    changes.push({
      kind: 'applyServiceAccount',
      namespace: want.namespace,
      name: want.serviceAccount,
      roleArn,
      description: have.serviceAccount.exists
        ? now
          ? t`Annotate the ServiceAccount ${sa} with eks.amazonaws.com/role-arn: ${roleArn} (now ${now})`
          : t`Annotate the ServiceAccount ${sa} with eks.amazonaws.com/role-arn: ${roleArn}`
        : now
          ? t`Create the ServiceAccount ${sa} with eks.amazonaws.com/role-arn: ${roleArn} (now ${now})`
          : t`Create the ServiceAccount ${sa} with eks.amazonaws.com/role-arn: ${roleArn}`,
    });
  }
  return { changes, unchanged, policyArn, roleArn, trustPolicy, blockers, permissions };
}

/**
 * The permissions part of the confirmation: each statement the role gets from the policy file,
 * then the warnings. Empty when the plan neither creates nor changes nor attaches the policy.
 */
export function permissionsText(
  plan: Pick<IrsaPlan, 'changes' | 'permissions'>,
  file = 'iam/prometheus-iam-policy.json',
): string[] {
  const touches = plan.changes.some(
    (c) => c.kind === 'createPolicy' || c.kind === 'createPolicyVersion' || c.kind === 'attachPolicy',
  );
  if (!touches || !plan.permissions.statements.length) return [];
  const lines = [t`Permissions the role gets from ${file}:`, ...permissionLines(plan.permissions)];
  if (plan.permissions.warnings.length)
    lines.push(
      '',
      plan.permissions.warnings.length > 1 ? t`Warnings:` : t`Warning:`,
      ...plan.permissions.warnings.map((w) => `⚠ ${w}`),
    );
  return lines;
}

/** The eksctl path the lab text uses: eksctl's arguments (createIamServiceAccount without the program). */
export function eksctlIamServiceAccountArgs(o: Parameters<typeof createIamServiceAccount>[0]): string[] {
  return createIamServiceAccount(o).slice(1);
}

/** eksctl's arguments that create the OIDC provider (associateOidcProvider without the program). */
export function eksctlOidcArgs(o: { cluster: string; region: string }): string[] {
  return associateOidcProvider(o.cluster, o.region).slice(1);
}

// ---- Clean Up (AWS part) --------------------------------------------------------------------

export interface CleanupCandidates {
  role?: {
    name: string;
    arn: string;
    tags: Record<string, string>;
    attachedPolicyArns: string[];
    inlinePolicyNames: string[];
  };
  policy?: {
    name: string;
    arn: string;
    tags: Record<string, string>;
    nonDefaultVersionIds: string[];
    attachedTo: { kind: 'role' | 'user' | 'group'; name: string }[];
  };
  oidcProvider?: { arn: string; tags: Record<string, string> };
}

export type AwsCleanupStep =
  | { kind: 'detachRolePolicy'; roleName: string; policyArn: string; description: string }
  | { kind: 'deleteRolePolicy'; roleName: string; policyName: string; description: string }
  | { kind: 'deleteRole'; roleName: string; description: string }
  | {
      kind: 'detachPolicyFrom';
      entity: 'role' | 'user' | 'group';
      entityName: string;
      policyArn: string;
      description: string;
    }
  | { kind: 'deletePolicyVersion'; policyArn: string; versionId: string; description: string }
  | { kind: 'deletePolicy'; policyArn: string; description: string }
  | { kind: 'deleteOidcProvider'; arn: string; description: string };

export interface AwsCleanupPlan {
  steps: AwsCleanupStep[];
  kept: string[];
}

const tagged = (tags: Record<string, string>): boolean => tags[labTagKey] === labTagValue;

/**
 * Deletes the role and the policy when the lab tagged them, or when `named` says the student named
 * them; the OIDC provider only when the lab created it and `includeOidcProvider` (other IRSA roles of
 * the cluster need it).
 */
export function planAwsCleanup(
  c: CleanupCandidates,
  named: { role?: boolean; policy?: boolean } = {},
  includeOidcProvider = false,
): AwsCleanupPlan {
  const steps: AwsCleanupStep[] = [];
  const kept: string[] = [];
  const roleGoes = c.role && (tagged(c.role.tags) || named.role);
  if (c.role && roleGoes) {
    for (const arn of c.role.attachedPolicyArns)
      steps.push({
        kind: 'detachRolePolicy',
        roleName: c.role.name,
        policyArn: arn,
        description: t`detach ${arn} from role ${c.role.name}`,
      });
    for (const p of c.role.inlinePolicyNames)
      steps.push({
        kind: 'deleteRolePolicy',
        roleName: c.role.name,
        policyName: p,
        description: t`delete inline policy ${p} of role ${c.role.name}`,
      });
    steps.push({ kind: 'deleteRole', roleName: c.role.name, description: t`delete role ${c.role.name}` });
  } else if (c.role)
    kept.push(t`role ${c.role.name}: not created by Observability Lab (no ${labTagKey} tag); name it to delete it`);
  if (c.policy && (tagged(c.policy.tags) || named.policy)) {
    for (const a of c.policy.attachedTo) {
      if (a.kind === 'role' && roleGoes && a.name === c.role?.name) continue;
      steps.push({
        kind: 'detachPolicyFrom',
        entity: a.kind,
        entityName: a.name,
        policyArn: c.policy.arn,
        description:
          a.kind === 'role'
            ? t`detach ${c.policy.name} from role ${a.name}`
            : a.kind === 'user'
              ? t`detach ${c.policy.name} from user ${a.name}`
              : t`detach ${c.policy.name} from group ${a.name}`,
      });
    }
    for (const v of c.policy.nonDefaultVersionIds)
      steps.push({
        kind: 'deletePolicyVersion',
        policyArn: c.policy.arn,
        versionId: v,
        description: t`delete version ${v} of policy ${c.policy.name}`,
      });
    steps.push({ kind: 'deletePolicy', policyArn: c.policy.arn, description: t`delete policy ${c.policy.name}` });
  } else if (c.policy)
    kept.push(t`policy ${c.policy.name}: not created by Observability Lab (no ${labTagKey} tag); name it to delete it`);
  if (c.oidcProvider) {
    if (tagged(c.oidcProvider.tags) && includeOidcProvider)
      steps.push({
        kind: 'deleteOidcProvider',
        arn: c.oidcProvider.arn,
        description: t`delete IAM OIDC provider ${c.oidcProvider.arn} (every IRSA role of this cluster stops working)`,
      });
    else
      kept.push(
        tagged(c.oidcProvider.tags)
          ? t`IAM OIDC provider ${c.oidcProvider.arn}: kept (other IRSA roles of the cluster may use it)`
          : t`IAM OIDC provider ${c.oidcProvider.arn}: kept (not created by Observability Lab)`,
      );
  }
  return { steps, kept };
}
