// Options several commands take with the same meaning and the same words: one definition each, so
// --help says them alike everywhere and a translator sees them once. Their help is a getter, read
// after the CLI has chosen its language.
import * as l10n from '@vscode/l10n';

export const formatOption = {
  type: 'string',
  value: 'json|text',
  get help() {
    return l10n.t('output format (default text)');
  },
} as const;

export const kubeconfigOption = {
  type: 'string',
  value: 'FILE',
  get help() {
    return l10n.t('kubeconfig file (default $KUBECONFIG, else ~/.kube/config)');
  },
} as const;

export const contextOption = {
  type: 'string',
  value: 'NAME',
  get help() {
    return l10n.t('kubeconfig context (default the current one)');
  },
} as const;
