// Apart from apply.ts so that `obslab --help` does not load the Kubernetes client.
export const applyUsage = 'usage: obslab apply PATH... [--dry-run] [--yes] [--format json|text] [--kubeconfig FILE] [--context NAME]';
