// The eksctl and aws commands of the IRSA setup (Task 1) as values (src/core/shellQuote.ts): a
// message shows one with commandInText, and the editor and the CLI run the same words. The
// cluster's and its credentials' commands live in src/core/kube/commands.ts. Words as the EKS user
// guide's "Create an IAM OIDC provider for your cluster" gives them (checked 2026-12-05, eksctl
// 0.215.0 or later, AWS CLI 2.12.3 or later).
import { blank, type Blank, type Command } from '../shellQuote';

/** The cluster's OIDC issuer URL, which the role's trust policy must name. */
export function clusterIssuer(cluster: string | Blank = blank('cluster')): Command {
  return [
    'aws',
    'eks',
    'describe-cluster',
    '--name',
    cluster,
    '--query',
    'cluster.identity.oidc.issuer',
    '--output',
    'text',
  ];
}

/**
 * Creates the account's IAM OIDC provider for the cluster's issuer (eksctl takes the region from
 * the AWS profile when none is given). All words known: all strings, so it runs as it is.
 */
export function associateOidcProvider<W extends string | Blank>(cluster: W, region?: W): (string | W)[] {
  return [
    'eksctl',
    'utils',
    'associate-iam-oidc-provider',
    '--cluster',
    cluster,
    ...(region === undefined ? [] : ['--region', region]),
    '--approve',
  ];
}

/** The lab text's eksctl path: the role, its policy and the annotated ServiceAccount in one command. */
export function createIamServiceAccount(o: {
  cluster: string;
  region: string;
  namespace: string;
  serviceAccount: string;
  roleName: string;
  policyArn: string;
}): string[] {
  return [
    'eksctl',
    'create',
    'iamserviceaccount',
    '--name',
    o.serviceAccount,
    '--namespace',
    o.namespace,
    '--cluster',
    o.cluster,
    '--region',
    o.region,
    '--role-name',
    o.roleName,
    '--attach-policy-arn',
    o.policyArn,
    '--override-existing-serviceaccounts',
    '--approve',
  ];
}
