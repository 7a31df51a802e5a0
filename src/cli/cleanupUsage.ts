// Apart from cleanup.ts so that `obslab --help` and `obslab cleanup --help` do not load the Kubernetes client.
import * as l10n from '@vscode/l10n';
import { defineCommand, usageLine } from './commandSpec';
import { waitForKubeconfigOption } from './kubeconfigWaitOption';
import { contextOption, formatOption, kubeconfigOption } from './commonOptions';

export const cleanupSpec = defineCommand({
  command: 'cleanup',
  get summary() {
    return l10n.t(
      'Removes what the lab created in the cluster (its labelled resources and its Helm release), after showing the list and asking.',
    );
  },
  options: {
    yes: {
      type: 'boolean',
      get help() {
        return l10n.t('delete without asking');
      },
    },
    'dry-run': {
      type: 'boolean',
      get help() {
        return l10n.t('show what would be deleted; delete nothing');
      },
    },
    format: formatOption,
    kubeconfig: kubeconfigOption,
    context: contextOption,
    'wait-for-kubeconfig': waitForKubeconfigOption,
    release: {
      type: 'string',
      value: 'NAME',
      get help() {
        return l10n.t("the kube-prometheus-stack release to uninstall (default the lab's default release)");
      },
    },
    namespace: {
      type: 'string',
      value: 'NS',
      get help() {
        return l10n.t("the release's namespace (default the lab's monitoring namespace)");
      },
    },
    helm: {
      type: 'string',
      value: 'PATH',
      get help() {
        return l10n.t('the helm program (default helm on PATH)');
      },
    },
  },
});

export const cleanupUsage = usageLine(cleanupSpec);
