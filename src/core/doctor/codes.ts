// Every code the doctor can report, in the order of the chain, with bad/good examples for the
// README table (shaped like src/core/lint/codes.ts).
import type { CodeInfo } from '../lint/codes';

export const doctorCodes = {
  appNotReady: 'doctor/app-not-ready',
  otlpEndpoint: 'doctor/otlp-endpoint',
  telemetryAddress: 'doctor/telemetry-address',
  collectorConfig: 'doctor/collector-config',
  collectorDown: 'doctor/collector-down',
  serviceMonitorNotSelected: 'doctor/servicemonitor-not-selected',
  portName: 'doctor/port-name',
  targetMissing: 'doctor/target-missing',
  targetDown: 'doctor/target-down',
  noAppMetrics: 'doctor/no-app-metrics',
  staleSamples: 'doctor/stale-samples',
  metricNames: 'doctor/metric-names',
  floatLabelValue: 'doctor/float-label-value',
  prometheusServiceAccount: 'doctor/prometheus-service-account',
  irsaAnnotation: 'doctor/irsa-annotation',
  irsaTrust: 'doctor/irsa-trust',
} as const;

export type DoctorCode = (typeof doctorCodes)[keyof typeof doctorCodes];

export const doctorCodeInfo: CodeInfo[] = [
  {
    code: doctorCodes.appNotReady,
    severity: 'error',
    summary: 'The app has no ready pod (or the sandbox app does not answer), so nothing sends telemetry.',
    bad: 'otel-flask 0/2 ready (ImagePullBackOff)',
    good: 'otel-flask 2/2 ready',
  },
  {
    code: doctorCodes.otlpEndpoint,
    severity: 'error',
    summary: "OTEL_EXPORTER_OTLP_ENDPOINT does not lead to the collector Service's OTLP gRPC port.",
    bad: 'http://otel-colector.monitoring.svc.cluster.local:4317',
    good: 'http://otel-collector.monitoring.svc.cluster.local:4317',
  },
  {
    code: doctorCodes.telemetryAddress,
    severity: 'error',
    summary:
      'The collector config sets service.telemetry.metrics.address, which the running collector version ignores or refuses.',
    bad: 'metrics: {address: 0.0.0.0:8888}',
    good: 'metrics: {readers: [{pull: {exporter: {prometheus: {host: 0.0.0.0, port: 8888}}}}]}',
  },
  {
    code: doctorCodes.collectorConfig,
    severity: 'error',
    summary: "The collector's effective config has an error the lint rules find (the collector/* codes).",
    bad: 'exporters: {logging: {}}',
    good: 'exporters: {debug: {}}',
  },
  {
    code: doctorCodes.collectorDown,
    severity: 'error',
    summary: 'The collector has no ready pod (or the sandbox collector is not running).',
    bad: 'otel-collector 0/1 ready',
    good: 'otel-collector 1/1 ready',
  },
  {
    code: doctorCodes.serviceMonitorNotSelected,
    severity: 'error',
    summary:
      "The Prometheus object's serviceMonitorSelector (or namespace selector) does not select the lab's ServiceMonitor.",
    bad: 'ServiceMonitor labels {app: otel-collector}',
    good: 'labels {release: prometheus}',
  },
  {
    code: doctorCodes.portName,
    severity: 'error',
    summary:
      'A ServiceMonitor endpoint names a port the collector Service lacks, or Prometheus scrapes a port the collector does not serve that endpoint on.',
    bad: 'endpoints: [{port: prom-metrics}]',
    good: 'endpoints: [{port: metrics}]',
  },
  {
    code: doctorCodes.targetMissing,
    severity: 'error',
    summary: "Prometheus has no target for one of the collector's endpoints (telemetry :8888, metrics :8889).",
    bad: 'no target with endpoint="metrics"',
    good: 'serviceMonitor/monitoring/otel-collector/0 up',
  },
  {
    code: doctorCodes.targetDown,
    severity: 'error',
    summary: 'A collector target is down; its last scrape error says why.',
    bad: 'health down: connection refused',
    good: 'health up',
  },
  {
    code: doctorCodes.noAppMetrics,
    severity: 'error',
    summary:
      "The collector's metrics endpoint is scraped but holds none of the app's metrics (no requests yet, or OTEL_METRICS_EXPORTER is not otlp).",
    bad: 'only up and scrape_* for endpoint="metrics"',
    good: 'http_server_request_duration_seconds_* present',
  },
  {
    code: doctorCodes.staleSamples,
    severity: 'error',
    summary: 'The collector has received no metric points from the app recently, so the latest samples are stale.',
    bad: 'increase(otelcol_receiver_accepted_metric_points[1m]) = 0',
    good: '> 0',
  },
  {
    code: doctorCodes.metricNames,
    severity: 'error',
    summary: "The lab's queries use metric names Prometheus does not have; the names it has are suggested.",
    bad: 'rate(flask_http_request_total[30s])',
    good: 'sum(rate(http_server_request_duration_seconds_count[30s]))',
  },
  {
    code: doctorCodes.floatLabelValue,
    severity: 'error',
    summary:
      'A lab query matches le or quantile with an integer, which Prometheus 3 never stores (it writes le="1.0"), ' +
      'so it finds nothing; the float form is suggested.',
    bad: 'rate(http_server_request_duration_seconds_bucket{le="1"}[5m])',
    good: 'rate(http_server_request_duration_seconds_bucket{le="1.0"}[5m])',
  },
  {
    code: doctorCodes.prometheusServiceAccount,
    severity: 'error',
    summary:
      'Prometheus (the object and its pods) runs under a ServiceAccount other than prometheus-sa, so it does not ' +
      'get the IRSA role; or it names prometheus-sa, which does not exist, so no pod starts.',
    bad: 'serviceAccountName: prometheus-kube-prometheus-prometheus (or default)',
    good: 'serviceAccountName: prometheus-sa',
  },
  {
    code: doctorCodes.irsaAnnotation,
    severity: 'error',
    summary:
      'The prometheus-sa ServiceAccount has no eks.amazonaws.com/role-arn annotation, or it names another role, so its pods get no (or other) AWS credentials.',
    bad: 'eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/other-role',
    good: 'eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/ds252-prometheus-sa-role',
  },
  {
    code: doctorCodes.irsaTrust,
    severity: 'error',
    summary: "The IRSA role's trust policy does not let the Prometheus ServiceAccount assume it.",
    bad: '":sub": "system:serviceaccount:monitoring:prometheus"',
    good: '":sub": "system:serviceaccount:monitoring:prometheus-sa"',
  },
];
