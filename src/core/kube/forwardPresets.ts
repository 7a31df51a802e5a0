// The lab's three port-forwards (LAB.md Tasks 2 and 3), with the Service names the charts and
// our scaffold really create for the student's release name and namespaces, and what each opens:
// Grafana opens the lab's dashboard and says how to read its admin password.
import { labDashboardPath } from '../grafana/labDashboard';
import type { LabParams } from '../scaffold/params';
import type { Command } from '../shellQuote';
import { grafanaPasswordKey, kubePrometheusStackNames, kubePrometheusStackPorts } from './kubePrometheusStackNames';
import type { ForwardTarget } from './ports';
import { t } from '../text/l10n';

export type ForwardPurpose = 'grafana' | 'prometheus' | 'app';

export interface ForwardPreset extends ForwardTarget {
  purpose: ForwardPurpose;
  label: string;
  localPort: number;
  /** What the student opens once it runs. */
  detail: string;
  /** The path to open in the browser once it runs ("/" when unset). */
  open?: string;
  /** The command that prints the password to sign in with, when the service asks for one. */
  password?: Command;
}

/** What a forward of the lab is for, in words: the label of its preset, the Port Forwards view and every message. */
export function forwardPurposeName(purpose: ForwardPurpose): string {
  switch (purpose) {
    case 'grafana':
      return 'Grafana';
    case 'prometheus':
      return 'Prometheus';
    case 'app':
      return t`Flask app`;
  }
}

/**
 * Prints Grafana's admin password, decoded, with kubectl alone (its go-template has base64decode),
 * so the same words run in sh, zsh and PowerShell: the key admin-password of the grafana
 * subchart's Secret. Run by kubectl 1.37.2 in test/integration/grafana-dashboard.test.ts (2026-12-05).
 */
export function grafanaPasswordCommand(namespace: string, secret: string): Command {
  return [
    'kubectl',
    '-n',
    namespace,
    'get',
    'secret',
    secret,
    '-o',
    `go-template={{index .data "${grafanaPasswordKey}" | base64decode}}{{"\\n"}}`,
  ];
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
      label: forwardPurposeName('grafana'),
      namespace: params.monitoringNamespace,
      kind: 'service',
      name: kps.grafanaService,
      remotePort: kubePrometheusStackPorts.grafana.port,
      localPort: 3000,
      detail: t`Grafana at http://127.0.0.1:3000 (user admin; password in the secret ${kps.grafanaSecret}, \
key ${grafanaPasswordKey})`,
      open: labDashboardPath,
      password: grafanaPasswordCommand(params.monitoringNamespace, kps.grafanaSecret),
    },
    {
      purpose: 'prometheus',
      label: forwardPurposeName('prometheus'),
      namespace: params.monitoringNamespace,
      kind: 'service',
      name: kps.prometheusService,
      remotePort: kubePrometheusStackPorts.prometheus.port,
      localPort: 9090,
      detail: t`Prometheus at http://127.0.0.1:9090; the query panel uses it`,
    },
    {
      purpose: 'app',
      label: forwardPurposeName('app'),
      namespace: params.appNamespace,
      kind: 'service',
      name: appServiceName,
      remotePort: 80,
      localPort: 8080,
      detail: t`the app at http://127.0.0.1:8080; the load test uses it`,
    },
  ];
}
