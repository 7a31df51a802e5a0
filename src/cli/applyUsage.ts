// Apart from apply.ts so that `obslab --help` and `obslab apply --help` do not load the Kubernetes client.
import * as l10n from '@vscode/l10n';
import { defineCommand, usageLine } from './commandSpec';
import { waitForKubeconfigOption } from './kubeconfigWaitOption';

export const applySpec = defineCommand({
  command: 'apply',
  args: 'PATH...',
  get summary() {
    return l10n.t(
      'Server-side applies the manifests in PATH (files or folders) to the cluster, after showing the plan and asking.',
    );
  },
  options: {
    'dry-run': {
      type: 'boolean',
      get help() {
        return l10n.t('show what would change; change nothing');
      },
    },
    yes: {
      type: 'boolean',
      short: 'y',
      get help() {
        return l10n.t('apply without asking');
      },
    },
    format: {
      type: 'string',
      value: 'json|text',
      get help() {
        return l10n.t('output format (default text)');
      },
    },
    kubeconfig: {
      type: 'string',
      value: 'FILE',
      get help() {
        return l10n.t('kubeconfig file (default $KUBECONFIG, else ~/.kube/config)');
      },
    },
    context: {
      type: 'string',
      value: 'NAME',
      get help() {
        return l10n.t('kubeconfig context (default the current one)');
      },
    },
    'wait-for-kubeconfig': waitForKubeconfigOption,
  },
});

export const applyUsage = usageLine(applySpec);
