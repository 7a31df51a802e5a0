// Apart from cleanup.ts so that `obslab --help` does not load the Kubernetes client.
export const cleanupUsage = 'usage: obslab cleanup [--yes] [--dry-run] [--format json|text] [--kubeconfig FILE] [--context NAME] [--release NAME] [--namespace NS] [--helm PATH]';
