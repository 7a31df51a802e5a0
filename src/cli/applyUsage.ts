// Apart from apply.ts so that `obslab --help` and `obslab apply --help` do not load the Kubernetes client.
import * as l10n from '@vscode/l10n';
import { defineCommand, usageLine } from './commandSpec';
import { waitForKubeconfigOption } from './kubeconfigWaitOption';
import { contextOption, formatOption, kubeconfigOption } from './commonOptions';

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
    format: formatOption,
    kubeconfig: kubeconfigOption,
    context: contextOption,
    'wait-for-kubeconfig': waitForKubeconfigOption,
  },
});

export const applyUsage = usageLine(applySpec);
