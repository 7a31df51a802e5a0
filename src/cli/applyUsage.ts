// Apart from apply.ts so that `obslab --help` and `obslab apply --help` do not load the Kubernetes client.
import { defineCommand, usageLine } from './commandSpec';
import { waitForKubeconfigOption } from './kubeconfigWaitOption';

export const applySpec = defineCommand({
  command: 'apply',
  args: 'PATH...',
  summary:
    'Server-side applies the manifests in PATH (files or folders) to the cluster, after showing the plan and asking.',
  options: {
    'dry-run': { type: 'boolean', help: 'show what would change; change nothing' },
    yes: { type: 'boolean', short: 'y', help: 'apply without asking' },
    format: { type: 'string', value: 'json|text', help: 'output format (default text)' },
    kubeconfig: { type: 'string', value: 'FILE', help: 'kubeconfig file (default $KUBECONFIG, else ~/.kube/config)' },
    context: { type: 'string', value: 'NAME', help: 'kubeconfig context (default the current one)' },
    'wait-for-kubeconfig': waitForKubeconfigOption,
  },
});

export const applyUsage = usageLine(applySpec);
