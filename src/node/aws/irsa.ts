// The IRSA steps against the real IAM, STS and EKS APIs: who we are, the cluster's OIDC issuer,
// its IAM OIDC provider, and Task 1's policy and role (read, then changed only as the plan says).
// Everything the lab creates is tagged obslab:lab=true, so Clean Up can tell it from the rest.
import { connect } from 'node:tls';
import { DescribeClusterCommand } from '@aws-sdk/client-eks';
import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeletePolicyVersionCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProvidersCommand,
  ListPolicyVersionsCommand,
  UpdateAssumeRolePolicyCommand,
  type Tag,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  labTagKey,
  labTagValue,
  type IrsaChange,
  type IrsaObserved,
  type PolicyState,
  type RoleState,
} from '../../core/iam/setup';
import { issuerHost, stsAudience } from '../../core/iam/trust';
import { t } from '../../core/text/l10n';
import { AwsError, awsCall, isNotFound, type AwsClients } from './clients';

export const labTags: Tag[] = [{ Key: labTagKey, Value: labTagValue }];

export function tagMap(tags: Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).filter((t) => t.Key).map((t) => [t.Key ?? '', t.Value ?? '']));
}

export interface Identity {
  account: string;
  arn: string;
  partition: string;
}

export async function callerIdentity(c: AwsClients): Promise<Identity> {
  const r = await awsCall(c, t`find out who you are (sts:GetCallerIdentity)`, () =>
    c.sts.send(new GetCallerIdentityCommand({})),
  );
  const arn = r.Arn ?? '';
  return { account: r.Account ?? '', arn, partition: /^arn:([^:]+):/.exec(arn)?.[1] ?? 'aws' };
}

/** The cluster's OIDC issuer URL (https://oidc.eks.REGION.amazonaws.com/id/ID). */
export async function clusterIssuer(c: AwsClients, clusterName: string): Promise<string> {
  const r = await awsCall(c, t`describe the EKS cluster ${clusterName} (eks:DescribeCluster)`, () =>
    c.eks.send(new DescribeClusterCommand({ name: clusterName })),
  );
  const issuer = r.cluster?.identity?.oidc?.issuer;
  if (!issuer)
    throw new AwsError(
      t`The EKS cluster ${clusterName} in ${c.region} reports no OIDC issuer; \
IRSA needs one (every EKS cluster since 1.13 has it). Check the cluster in the EKS console.`,
      { name: 'NoIssuer', message: 'no identity.oidc.issuer' },
    );
  return issuer;
}

/** The ARN of the account's IAM OIDC provider for `issuer`, if there is one. */
export async function findOidcProvider(c: AwsClients, issuer: string): Promise<string | undefined> {
  const host = issuerHost(issuer);
  const r = await awsCall(c, t`list the IAM OIDC providers (iam:ListOpenIDConnectProviders)`, () =>
    c.iam.send(new ListOpenIDConnectProvidersCommand({})),
  );
  return (r.OpenIDConnectProviderList ?? [])
    .map((p) => p.Arn ?? '')
    .find((arn) => arn.endsWith(`:oidc-provider/${host}`));
}

export async function oidcProviderTags(c: AwsClients, arn: string): Promise<Record<string, string>> {
  const r = await awsCall(c, t`read the IAM OIDC provider ${arn}`, () =>
    c.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
  );
  return tagMap(r.Tags);
}

/**
 * The SHA-1 fingerprint of the top certificate of the chain the issuer's host presents, the way
 * eksctl and the IAM console compute an OIDC provider's thumbprint.
 */
export function issuerThumbprint(issuer: string, timeoutMs = 10_000): Promise<string> {
  const url = new URL(issuer);
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: url.hostname, port: Number(url.port || 443), servername: url.hostname, timeout: timeoutMs },
      () => {
        let cert = socket.getPeerCertificate(true);
        const seen = new Set<string>();
        while (cert.issuerCertificate && cert.issuerCertificate !== cert && !seen.has(cert.fingerprint)) {
          seen.add(cert.fingerprint);
          cert = cert.issuerCertificate;
        }
        socket.end();
        resolve(cert.fingerprint.replace(/:/g, '').toLowerCase());
      },
    );
    socket.on('timeout', () => socket.destroy(new Error(`no TLS answer from ${url.hostname} in time`)));
    socket.on('error', reject);
  });
}

export async function createOidcProvider(
  c: AwsClients,
  issuer: string,
  thumbprint: string | undefined,
): Promise<string> {
  // Since 2023 IAM trusts well-known CAs for OIDC providers and the thumbprint is optional; we send it when we could compute it.
  const r = await awsCall(c, t`create the IAM OIDC provider for ${issuer}`, () =>
    c.iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: issuer,
        ClientIDList: [stsAudience],
        ...(thumbprint ? { ThumbprintList: [thumbprint] } : {}),
        Tags: labTags,
      }),
    ),
  );
  return r.OpenIDConnectProviderArn ?? '';
}

export async function readPolicy(c: AwsClients, arn: string): Promise<PolicyState | undefined> {
  try {
    const p = await awsCall(c, t`read the policy ${arn}`, () => c.iam.send(new GetPolicyCommand({ PolicyArn: arn })));
    const defaultVersionId = p.Policy?.DefaultVersionId ?? 'v1';
    const [v, list] = await Promise.all([
      awsCall(c, t`read the default version of ${arn}`, () =>
        c.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: defaultVersionId })),
      ),
      awsCall(c, t`list the versions of ${arn}`, () => c.iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))),
    ]);
    const versions = (list.Versions ?? [])
      .map((x) => ({
        id: x.VersionId ?? '',
        isDefault: x.IsDefaultVersion === true,
        created: x.CreateDate?.getTime() ?? 0,
      }))
      .sort((a, b) => a.created - b.created || Number(a.id.slice(1)) - Number(b.id.slice(1)))
      .map(({ id, isDefault }) => ({ id, isDefault }));
    return {
      arn,
      defaultVersionId,
      defaultDocument: v.PolicyVersion?.Document ?? '',
      versions,
      tags: tagMap(p.Policy?.Tags),
    };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export async function readRole(c: AwsClients, name: string): Promise<RoleState | undefined> {
  try {
    const r = await awsCall(c, t`read the role ${name}`, () => c.iam.send(new GetRoleCommand({ RoleName: name })));
    const attached = await awsCall(c, t`list the policies attached to ${name}`, () =>
      c.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name })),
    );
    return {
      arn: r.Role?.Arn ?? '',
      trustPolicy: r.Role?.AssumeRolePolicyDocument ?? '',
      attachedPolicyArns: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? ''),
      tags: tagMap(r.Role?.Tags),
    };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export interface IrsaContext {
  identity: Identity;
  issuer: string;
}

/** What exists in the account for Task 1 (the ServiceAccount is read by the caller, from the cluster). */
export async function observeIrsa(
  c: AwsClients,
  ctx: IrsaContext,
  policyName: string,
  roleName: string,
): Promise<Omit<IrsaObserved, 'serviceAccount'>> {
  const policyArn = `arn:${ctx.identity.partition}:iam::${ctx.identity.account}:policy/${policyName}`;
  const [oidcProviderArn, policy, role] = await Promise.all([
    findOidcProvider(c, ctx.issuer),
    readPolicy(c, policyArn),
    readRole(c, roleName),
  ]);
  return { ...(oidcProviderArn ? { oidcProviderArn } : {}), ...(policy ? { policy } : {}), ...(role ? { role } : {}) };
}

export interface ApplyHooks {
  /** The thumbprint for a new OIDC provider; default: computed over TLS from the issuer's host. */
  thumbprint?: (issuer: string) => Promise<string | undefined>;
  /** Applies the ServiceAccount change (the Kubernetes layer); without it that change is reported as skipped. */
  applyServiceAccount?: (namespace: string, name: string, roleArn: string) => Promise<void>;
  onStep?: (change: IrsaChange, result: 'done' | 'skipped', note?: string) => void;
}

/** Makes the plan's changes in order; stops at the first failure (an AwsError or KubeError). */
export async function applyIrsaChanges(c: AwsClients, changes: IrsaChange[], hooks: ApplyHooks = {}): Promise<void> {
  for (const ch of changes) {
    let note: string | undefined;
    switch (ch.kind) {
      case 'createOidcProvider': {
        const thumb = await (hooks.thumbprint ?? ((i: string) => issuerThumbprint(i).catch(() => undefined)))(
          ch.issuer,
        );
        if (!thumb)
          note = t`thumbprint not computed (issuer not reachable); IAM verifies the issuer through its trusted CAs`;
        await createOidcProvider(c, ch.issuer, thumb);
        break;
      }
      case 'createPolicy':
        await awsCall(c, t`create the policy ${ch.name}`, () =>
          c.iam.send(
            new CreatePolicyCommand({
              PolicyName: ch.name,
              PolicyDocument: ch.document,
              Description: 'Observability Lab: Prometheus remote write to AMP, CloudWatch metrics and logs',
              Tags: labTags,
            }),
          ),
        );
        break;
      case 'createPolicyVersion':
        if (ch.deleteVersionId) {
          const id = ch.deleteVersionId;
          await awsCall(c, t`delete version ${id} of ${ch.arn}`, () =>
            c.iam.send(new DeletePolicyVersionCommand({ PolicyArn: ch.arn, VersionId: id })),
          );
        }
        await awsCall(c, t`add a version to ${ch.arn}`, () =>
          c.iam.send(
            new CreatePolicyVersionCommand({ PolicyArn: ch.arn, PolicyDocument: ch.document, SetAsDefault: true }),
          ),
        );
        break;
      case 'createRole':
        await awsCall(c, t`create the role ${ch.name}`, () =>
          c.iam.send(
            new CreateRoleCommand({
              RoleName: ch.name,
              AssumeRolePolicyDocument: ch.trustPolicy,
              Description: 'Observability Lab: IRSA role for Prometheus',
              Tags: labTags,
            }),
          ),
        );
        break;
      case 'updateTrustPolicy':
        await awsCall(c, t`replace the trust policy of ${ch.name}`, () =>
          c.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: ch.name, PolicyDocument: ch.trustPolicy })),
        );
        break;
      case 'attachPolicy':
        await awsCall(c, t`attach ${ch.policyArn} to ${ch.roleName}`, () =>
          c.iam.send(new AttachRolePolicyCommand({ RoleName: ch.roleName, PolicyArn: ch.policyArn })),
        );
        break;
      case 'applyServiceAccount':
        if (!hooks.applyServiceAccount) {
          hooks.onStep?.(ch, 'skipped', t`no cluster to apply it to`);
          continue;
        }
        await hooks.applyServiceAccount(ch.namespace, ch.name, ch.roleArn);
        break;
    }
    hooks.onStep?.(ch, 'done', note);
  }
}
