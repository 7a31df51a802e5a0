// The names kube-prometheus-stack 88.5.3 gives what it installs, computed from the release name as
// the chart's helpers compute them (templates/_helpers.tpl and its subcharts' own), so that every
// port-forward, hint and command the lab builds names a Service the real chart creates. Checked
// against `helm template` of the real chart with releases of 3, 10 and 30 characters (2026-12-05).

/** Go template `trunc n | trimSuffix "-"`: the first n bytes, then one trailing "-" off (not all of them). */
function truncTrim(s: string, n: number): string {
  const cut = s.slice(0, n);
  return cut.endsWith('-') ? cut.slice(0, -1) : cut;
}

/** A chart's `<chart>.fullname` with no overrides: the release when it contains the chart's name, else "<release>-<name>". */
function chartFullname(release: string, chart: string, max: number): string {
  return truncTrim(release.includes(chart) ? release : `${release}-${chart}`, max);
}

export interface KubePrometheusStackNames {
  /** `kube-prometheus-stack.fullname`: cut to 26 characters, since the chart appends up to 37 more. */
  fullname: string;
  /** The Prometheus object (`prometheus.crname`), also its Service's name. */
  prometheus: string;
  /** The Service the lab port-forwards to reach Prometheus (port 9090, named http-web). */
  prometheusService: string;
  /** The StatefulSet the operator makes for the Prometheus object ("prometheus-<object>"). */
  prometheusStatefulSet: string;
  /** The ServiceAccount the chart would create for Prometheus when `prometheus.serviceAccount.create` is true and no name is set. */
  prometheusChartServiceAccount: string;
  /** The Alertmanager object and its Service (port 9093). */
  alertmanager: string;
  alertmanagerService: string;
  /** The Secret holding alertmanager.yaml ("alertmanager-<object>"). */
  alertmanagerSecret: string;
  /** The operator's Deployment, Service and ServiceAccount. */
  operator: string;
  /** The grafana subchart's Deployment and Service (port 80) and the Secret with admin-password. */
  grafana: string;
  grafanaService: string;
  grafanaSecret: string;
  kubeStateMetrics: string;
  nodeExporter: string;
}

/** Ports of the chart's Services as it renders them. */
export const kubePrometheusStackPorts = {
  prometheus: { name: 'http-web', port: 9090 },
  alertmanager: { name: 'http-web', port: 9093 },
  grafana: { name: 'http-web', port: 80 },
} as const;

/** The key of Grafana's admin password in its Secret. */
export const grafanaPasswordKey = 'admin-password';

/** Every name kube-prometheus-stack (without nameOverride or fullnameOverride) derives from `release`. */
export function kubePrometheusStackNames(release: string): KubePrometheusStackNames {
  const fullname = chartFullname(release, 'kube-prometheus-stack', 26);
  const prometheus = `${fullname}-prometheus`;
  const alertmanager = `${fullname}-alertmanager`;
  const grafana = chartFullname(release, 'grafana', 63);
  return {
    fullname,
    prometheus,
    prometheusService: prometheus,
    prometheusStatefulSet: `prometheus-${prometheus}`,
    prometheusChartServiceAccount: prometheus,
    alertmanager,
    alertmanagerService: alertmanager,
    alertmanagerSecret: `alertmanager-${alertmanager}`,
    operator: `${fullname}-operator`,
    grafana,
    grafanaService: grafana,
    grafanaSecret: grafana,
    kubeStateMetrics: chartFullname(release, 'kube-state-metrics', 63),
    nodeExporter: chartFullname(release, 'prometheus-node-exporter', 63),
  };
}
