// Apart from iam.ts so that `obslab --help` does not load the AWS SDK.
export const iamUsage =
  'usage: obslab iam inspect ROLE_NAME [--format json|text] [--cluster NAME] [--region R] [--namespace NS] [--service-account NAME] [--kubeconfig FILE] [--context NAME] [--no-kube]\n' +
  '       obslab iam setup [--policy FILE] [--policy-name NAME] [--role-name NAME] [--cluster NAME] [--region R] [--namespace NS] [--service-account NAME] [--kubeconfig FILE] [--context NAME] [--no-kube] [--create-oidc-provider] [--dry-run] [--yes] [--format json|text]\n' +
  '       obslab iam cleanup [--role-name NAME] [--policy-name NAME] [--cluster NAME] [--region R] [--include-oidc-provider] [--dry-run] [--yes] [--format json|text]';
