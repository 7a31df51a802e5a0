// The lab's three port-forwards (LAB.md Tasks 2 and 3), with the Service names the charts and
// our scaffold really create for the student's release name and namespaces.
import type { LabParams } from '../scaffold/params';
import type { ForwardTarget } from './ports';

export type ForwardPurpose = 'grafana' | 'prometheus' | 'app';

export interface ForwardPreset extends ForwardTarget {
  purpose: ForwardPurpose;
  label: string;
  localPort: number;
  /** What the student opens once it runs. */
  detail: string;
}

function trunc(s: string, n: number): string {
  return s.slice(0, n).replace(/-+$/, '');
}

/**
 * kube-prometheus-stack's `kube-prometheus-stack.fullname` (templates/_helpers.tpl): the release
 * name when it already contains the chart name, else "<release>-kube-prometheus-stack", cut to 26.
 */
export function kubePrometheusStackFullname(release: string): string {
  const chart = 'kube-prometheus-stack';
  return release.includes(chart) ? trunc(release, 26) : trunc(`${release}-${chart}`, 26);
}

/** The Prometheus Service: "<fullname>-prometheus" (prometheus-kube-prometheus-prometheus for release prometheus). */
export function prometheusServiceName(release: string): string {
  return trunc(`${kubePrometheusStackFullname(release)}-prometheus`, 63);
}

/** The grafana subchart's `grafana.fullname`: the release name if it contains "grafana", else "<release>-grafana". */
export function grafanaServiceName(release: string): string {
  return release.includes('grafana') ? trunc(release, 63) : trunc(`${release}-grafana`, 63);
}

/** The app Service of our scaffold (templates/lab/k8s/app.yaml). */
export const appServiceName = 'otel-flask';

export function forwardPresets(
  params: Pick<LabParams, 'helmRelease' | 'monitoringNamespace' | 'appNamespace'>,
): ForwardPreset[] {
  return [
    {
      purpose: 'grafana',
      label: 'Grafana',
      namespace: params.monitoringNamespace,
      kind: 'service',
      name: grafanaServiceName(params.helmRelease),
      remotePort: 80,
      localPort: 3000,
      detail: `Grafana at http://127.0.0.1:3000 (user admin; password in the secret ${grafanaServiceName(params.helmRelease)}, key admin-password)`,
    },
    {
      purpose: 'prometheus',
      label: 'Prometheus',
      namespace: params.monitoringNamespace,
      kind: 'service',
      name: prometheusServiceName(params.helmRelease),
      remotePort: 9090,
      localPort: 9090,
      detail: 'Prometheus at http://127.0.0.1:9090; the query panel uses it',
    },
    {
      purpose: 'app',
      label: 'Flask app',
      namespace: params.appNamespace,
      kind: 'service',
      name: appServiceName,
      remotePort: 80,
      localPort: 8080,
      detail: 'the app at http://127.0.0.1:8080; the load test uses it',
    },
  ];
}
