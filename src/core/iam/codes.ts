// Finding codes of the IRSA inspection (Inspect IRSA Role, `obslab iam inspect`). The trust-policy
// codes the file linter already reports (src/core/lint/codes.ts) keep their meaning here; the others
// come from the live role, cluster and ServiceAccount. Same shape as the linter's table, for the README.
import type { CodeInfo } from '../lint/codes';
import { blank, commandLine } from '../shellQuote';
import { associateOidcProvider, clusterIssuer } from './commands';

export const irsaCodes = {
  subject: 'iam/trust-subject-mismatch',
  audience: 'iam/trust-audience-missing',
  issuer: 'iam/trust-issuer-mismatch',
  notWebIdentity: 'iam/trust-not-web-identity',
  oidcProvider: 'iam/oidc-provider-missing',
  annotation: 'iam/service-account-annotation',
  pods: 'iam/pods-service-account',
  actionDenied: 'iam/lab-action-denied',
  policyInvalid: 'iam/policy-syntax',
} as const;

export const irsaFindingCodes: CodeInfo[] = [
  {
    code: irsaCodes.issuer,
    severity: 'error',
    summary:
      "The role trusts the OIDC provider of another cluster (or account) than the one the lab uses; its pods' tokens are refused.",
    bad: '"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/OTHER"',
    // The README shows bad and good as code, so the command goes in bare, not in backticks.
    good: `the cluster's own issuer, from ${commandLine(clusterIssuer(), 'posix')}`,
  },
  {
    code: irsaCodes.notWebIdentity,
    severity: 'error',
    summary: 'No statement lets a Federated OIDC principal call sts:AssumeRoleWithWebIdentity: it is not an IRSA role.',
    bad: '"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"',
    good: '"Principal": {"Federated": "arn:aws:iam::ACCOUNT:oidc-provider/ISSUER"}, "Action": "sts:AssumeRoleWithWebIdentity"',
  },
  {
    code: irsaCodes.oidcProvider,
    severity: 'error',
    summary: "The account has no IAM OIDC provider for the cluster's issuer, so no pod can assume any IRSA role.",
    bad: 'list-open-id-connect-providers without the issuer',
    good: commandLine(associateOidcProvider(blank('cluster')), 'posix'),
  },
  {
    code: irsaCodes.annotation,
    severity: 'varies',
    summary:
      'The ServiceAccount is missing, or its eks.amazonaws.com/role-arn annotation is absent or names another role.',
    bad: 'eks.amazonaws.com/role-arn: arn:aws:iam::ACCOUNT:role/other',
    good: 'eks.amazonaws.com/role-arn: arn:aws:iam::ACCOUNT:role/ds252-prometheus-sa-role',
  },
  {
    code: irsaCodes.pods,
    severity: 'warning',
    summary:
      'The Prometheus pods run as another ServiceAccount than the one the role trusts (for example because the chart value was ignored).',
    bad: 'serviceAccountName: prometheus-kube-prometheus-prometheus',
    good: 'serviceAccountName: prometheus-sa',
  },
  {
    code: irsaCodes.actionDenied,
    severity: 'varies',
    summary:
      "An action the lab needs (aps:RemoteWrite, the AMP query actions, CloudWatch and Logs) is not allowed by the role's policies.",
    bad: 'policy without aps:RemoteWrite',
    good: '"Action": ["aps:RemoteWrite", ...]',
  },
];
