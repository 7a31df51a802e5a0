// Apart from cleanup.ts so that `obslab --help` and `obslab cleanup --help` do not load the Kubernetes client.
import { defineCommand, usageLine } from './commandSpec';
import { waitForKubeconfigOption } from './kubeconfigWaitOption';

export const cleanupSpec = defineCommand({
  command: 'cleanup',
  summary:
    'Removes what the lab created in the cluster (its labelled resources and its Helm release), after showing the list and asking.',
  options: {
    yes: { type: 'boolean', help: 'delete without asking' },
    'dry-run': { type: 'boolean', help: 'show what would be deleted; delete nothing' },
    format: { type: 'string', value: 'json|text', help: 'output format (default text)' },
    kubeconfig: { type: 'string', value: 'FILE', help: 'kubeconfig file (default $KUBECONFIG, else ~/.kube/config)' },
    context: { type: 'string', value: 'NAME', help: 'kubeconfig context (default the current one)' },
    'wait-for-kubeconfig': waitForKubeconfigOption,
    release: {
      type: 'string',
      value: 'NAME',
      help: "the kube-prometheus-stack release to uninstall (default the lab's default release)",
    },
    namespace: {
      type: 'string',
      value: 'NS',
      help: "the release's namespace (default the lab's monitoring namespace)",
    },
    helm: { type: 'string', value: 'PATH', help: 'the helm program (default helm on PATH)' },
  },
});

export const cleanupUsage = usageLine(cleanupSpec);
