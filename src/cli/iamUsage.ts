// Apart from iam.ts so that `obslab --help` and `obslab iam ... --help` do not load the AWS SDK.
import * as l10n from '@vscode/l10n';
import { defineCommand, usageLine } from './commandSpec';
import { waitForKubeconfigOption } from './kubeconfigWaitOption';
import { contextOption, formatOption, kubeconfigOption } from './commonOptions';

const format = formatOption;
const cluster = {
  type: 'string',
  value: 'NAME',
  get help() {
    return l10n.t("the EKS cluster (default the lab's)");
  },
} as const;
const region = {
  type: 'string',
  value: 'R',
  get help() {
    return l10n.t("AWS region (default $AWS_REGION, else the lab's)");
  },
} as const;
const roleName = {
  type: 'string',
  value: 'NAME',
  get help() {
    return l10n.t("the IAM role (default the lab's)");
  },
} as const;
const policyName = {
  type: 'string',
  value: 'NAME',
  get help() {
    return l10n.t("the IAM policy (default the lab's)");
  },
} as const;
const dryRun = {
  type: 'boolean',
  get help() {
    return l10n.t('show the plan; change nothing');
  },
} as const;
const yes = {
  type: 'boolean',
  get help() {
    return l10n.t('go ahead without asking');
  },
} as const;

/** What inspect and setup share: where the ServiceAccount is, and how to reach the cluster. */
const kubeSide = {
  namespace: {
    type: 'string',
    value: 'NS',
    get help() {
      return l10n.t("Prometheus' namespace (default the lab's monitoring namespace)");
    },
  },
  'service-account': {
    type: 'string',
    value: 'NAME',
    get help() {
      return l10n.t("Prometheus' ServiceAccount (default the lab's)");
    },
  },
  kubeconfig: kubeconfigOption,
  context: contextOption,
  'no-kube': {
    type: 'boolean',
    get help() {
      return l10n.t('leave the cluster out (no ServiceAccount read or annotated)');
    },
  },
  'wait-for-kubeconfig': waitForKubeconfigOption,
} as const;

export const iamInspectSpec = defineCommand({
  command: 'iam inspect',
  args: 'ROLE_NAME',
  get summary() {
    return l10n.t(
      "Reads the role's trust and policies, the cluster's OIDC provider and the ServiceAccount, and says whether Prometheus can use the role.",
    );
  },
  options: { format, cluster, region, ...kubeSide },
});

export const iamSetupSpec = defineCommand({
  command: 'iam setup',
  get summary() {
    return l10n.t(
      "Creates (or brings back in line) the lab's IRSA policy and role, and annotates Prometheus' ServiceAccount, after showing the plan and asking.",
    );
  },
  options: {
    policy: {
      type: 'string',
      value: 'FILE',
      get help() {
        return l10n.t("the policy document (default the lab's iam/prometheus-iam-policy.json)");
      },
    },
    'policy-name': policyName,
    'role-name': roleName,
    cluster,
    region,
    ...kubeSide,
    'create-oidc-provider': {
      type: 'boolean',
      get help() {
        return l10n.t("create the cluster's IAM OIDC provider when it is missing");
      },
    },
    'dry-run': dryRun,
    yes,
    format,
  },
});

export const iamCleanupSpec = defineCommand({
  command: 'iam cleanup',
  get summary() {
    return l10n.t(
      'Deletes the IAM role and policy the lab created (and, if asked, the OIDC provider), after showing the list and asking.',
    );
  },
  options: {
    'role-name': roleName,
    'policy-name': policyName,
    cluster,
    region,
    'include-oidc-provider': {
      type: 'boolean',
      get help() {
        return l10n.t("delete the cluster's IAM OIDC provider too, if the lab created it");
      },
    },
    'dry-run': dryRun,
    yes,
    format,
  },
});

export const iamSpecs = [iamInspectSpec, iamSetupSpec, iamCleanupSpec];

export const iamUsage = iamSpecs
  .map((s, i) => (i ? usageLine(s).replace(/^usage:/, '      ') : usageLine(s)))
  .join('\n');
