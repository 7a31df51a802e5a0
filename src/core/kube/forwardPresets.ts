// The lab's three port-forwards (LAB.md Tasks 2 and 3), with the Service names the charts and
// our scaffold really create for the student's release name and namespaces.
import type { LabParams } from '../scaffold/params';
import { grafanaPasswordKey, kubePrometheusStackNames, kubePrometheusStackPorts } from './kubePrometheusStackNames';
import type { ForwardTarget } from './ports';

export type ForwardPurpose = 'grafana' | 'prometheus' | 'app';

export interface ForwardPreset extends ForwardTarget {
  purpose: ForwardPurpose;
  label: string;
  localPort: number;
  /** What the student opens once it runs. */
  detail: string;
}

/** kube-prometheus-stack's `kube-prometheus-stack.fullname` for `release` (kubePrometheusStackNames.ts). */
export function kubePrometheusStackFullname(release: string): string {
  return kubePrometheusStackNames(release).fullname;
}

/** The Prometheus Service: "<fullname>-prometheus" (prometheus-kube-prometheus-prometheus for release prometheus). */
export function prometheusServiceName(release: string): string {
  return kubePrometheusStackNames(release).prometheusService;
}

/** The grafana subchart's Service: the release name if it contains "grafana", else "<release>-grafana". */
export function grafanaServiceName(release: string): string {
  return kubePrometheusStackNames(release).grafanaService;
}

/** The app Service of our scaffold (templates/lab/k8s/app.yaml). */
export const appServiceName = 'otel-flask';

export function forwardPresets(
  params: Pick<LabParams, 'helmRelease' | 'monitoringNamespace' | 'appNamespace'>,
): ForwardPreset[] {
  const kps = kubePrometheusStackNames(params.helmRelease);
  return [
    {
      purpose: 'grafana',
      label: 'Grafana',
      namespace: params.monitoringNamespace,
      kind: 'service',
      name: kps.grafanaService,
      remotePort: kubePrometheusStackPorts.grafana.port,
      localPort: 3000,
      detail: `Grafana at http://127.0.0.1:3000 (user admin; password in the secret ${kps.grafanaSecret}, key ${grafanaPasswordKey})`,
    },
    {
      purpose: 'prometheus',
      label: 'Prometheus',
      namespace: params.monitoringNamespace,
      kind: 'service',
      name: kps.prometheusService,
      remotePort: kubePrometheusStackPorts.prometheus.port,
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
