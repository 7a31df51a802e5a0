// Facts about the lab's components that the extension states to students, each with the
// version it was checked against and how. Tests pin every one of them: the walkthrough must
// say them, the scaffold must follow them, and where a real component runs here, it must agree.

export interface Fact {
  id: string;
  /** What the lab text says or does. */
  lab: string;
  /** What is true, for `version`. */
  truth: string;
  version: string;
  /** Where it was checked: a source file at that version, or a test that runs the component. */
  checkedBy: string;
  /** Phrases the walkthrough must contain so the student is told. */
  walkthroughSays: string[];
}

export const versions = {
  kubePrometheusStack: '88.5.3',
  collector: '0.155.0',
  collectorImage: 'otel/opentelemetry-collector-contrib:0.155.0',
  /** open-telemetry/opentelemetry-collector chart whose appVersion is the collector above. */
  collectorChart: '0.164.1',
  flaskInstrumentation: '0.66b1',
  otelSdk: '1.45.1',
  jmeter: '5.6.3',
} as const;

/** The app's request-duration histogram as Prometheus names it (OTEL_SEMCONV_STABILITY_OPT_IN=http). */
export const appMetrics = {
  otelDuration: 'http.server.request.duration',
  otelDurationUnit: 's',
  durationBase: 'http_server_request_duration_seconds',
  activeRequests: 'http_server_active_requests',
  routeLabel: 'http_route',
  /** Under the default (old) conventions the instrumentation records this instead, in ms. */
  oldOtelDuration: 'http.server.duration',
  oldDurationBase: 'http_server_duration_milliseconds',
} as const;

export const facts: Fact[] = [
  {
    id: 'prometheus-service-account-key',
    lab: '--set serviceAccounts.server.name=prometheus-sa --set serviceAccounts.server.create=false',
    truth:
      'kube-prometheus-stack has no serviceAccounts key (it belongs to the separate prometheus ' +
      'chart), so those flags are silently ignored. The Prometheus ServiceAccount is set with ' +
      'prometheus.serviceAccount.create=false and prometheus.serviceAccount.name=prometheus-sa.',
    version: `kube-prometheus-stack ${versions.kubePrometheusStack}`,
    checkedBy:
      'charts/kube-prometheus-stack/values.yaml and templates/_helpers.tpl (kube-prometheus-stack.prometheus.serviceAccountName) at 88.5.3',
    walkthroughSays: ['prometheus.serviceAccount.name', 'prometheus.serviceAccount.create', 'serviceAccounts.server'],
  },
  {
    id: 'grafana-admin-password',
    lab: 'Grafana at http://localhost:3000 (admin / prom-operator)',
    truth:
      'Since chart 79.0.0 the Grafana admin password is random; read it from the secret <release>-grafana, key admin-password.',
    version: `kube-prometheus-stack ${versions.kubePrometheusStack}`,
    checkedBy:
      'charts/kube-prometheus-stack/values.yaml at 88.5.3 (grafana.adminPassword commented out; admin.passwordKey admin-password)',
    walkthroughSays: ['admin-password', 'prom-operator'],
  },
  {
    id: 'servicemonitor-release-label',
    lab: 'release: prometheus  # REQUIRED',
    truth:
      'With serviceMonitorSelectorNilUsesHelmValues: true (the default), Prometheus selects only ServiceMonitors labelled release: <Helm release name>.',
    version: `kube-prometheus-stack ${versions.kubePrometheusStack}`,
    checkedBy:
      'charts/kube-prometheus-stack/values.yaml at 88.5.3 (prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues: true)',
    walkthroughSays: ['release: prometheus', 'serviceMonitorSelectorNilUsesHelmValues'],
  },
  {
    id: 'app-metric-names',
    lab: 'rate(flask_http_request_total[30s]) and flask_http_request_duration_seconds_bucket',
    truth:
      `Those are prometheus_flask_exporter names. The OpenTelemetry Flask instrumentation ` +
      `records ${appMetrics.otelDuration} (seconds) with OTEL_SEMCONV_STABILITY_OPT_IN=http, ` +
      `which Prometheus shows as ${appMetrics.durationBase}_bucket/_sum/_count; without the ` +
      `opt-in it records ${appMetrics.oldOtelDuration} in milliseconds ` +
      `(${appMetrics.oldDurationBase}_*).`,
    version: `opentelemetry-instrumentation-flask ${versions.flaskInstrumentation}`,
    checkedBy: 'test/integration/app.test.ts runs the scaffolded app and reads the metrics it records',
    walkthroughSays: [
      'flask_http_request_total',
      `${appMetrics.durationBase}_count`,
      `${appMetrics.durationBase}_bucket`,
      'OTEL_SEMCONV_STABILITY_OPT_IN',
    ],
  },
  {
    id: 'collector-telemetry-readers',
    lab: 'service.telemetry.metrics.address (in older guides)',
    truth:
      'service.telemetry.metrics.address was deprecated in v0.111.0, ignored from v0.123.0 and ' +
      'rejected from v0.128.0; use readers: [{pull: {exporter: {prometheus: {host: 0.0.0.0, ' +
      'port: 8888}}}}].',
    version: `collector ${versions.collector}`,
    checkedBy:
      'collector CHANGELOG (PR #11205, feature gate telemetry.disableAddressFieldForInternalTelemetry); checked against the real collector by the lint issue',
    walkthroughSays: ['readers', 'pull', 'address'],
  },
  {
    id: 'otlp-receiver-default-endpoint',
    lab: 'endpoint: 0.0.0.0:4317 (set explicitly, correctly)',
    truth:
      'Since v0.104.0 the otlp receiver listens on localhost by default; inside a pod the endpoint must be 0.0.0.0:4317 or other pods cannot reach it.',
    version: `collector ${versions.collector}`,
    checkedBy: 'collector CHANGELOG v0.104.0 (component.UseLocalHostAsDefaultHost)',
    walkthroughSays: ['0.0.0.0:4317', 'localhost'],
  },
  {
    id: 'traces-pipeline',
    lab: 'OTEL_TRACES_EXPORTER=otlp, but the collector config has only a metrics pipeline',
    truth:
      'The app exports traces too; without a traces pipeline the collector rejects them and the ' +
      'app logs export errors. The lab files add a traces pipeline to the debug exporter.',
    version: `collector ${versions.collector}`,
    checkedBy: 'the OTLP receiver registers only the signals that have pipelines (collector receiver/otlpreceiver)',
    walkthroughSays: ['traces pipeline'],
  },
  {
    id: 'jmeter-plan-defects',
    lab: 'ThreadGroup without ThreadGroup.main_controller; user-defined variables without Argument.name; no keep-alive',
    truth:
      "JMeter 5.6.3 needs the ThreadGroup's LoopController and named arguments for ${SERVER} " +
      'etc. to resolve; without HTTPSampler.use_keepalive each request opens a new connection.',
    version: `JMeter ${versions.jmeter}`,
    checkedBy: 'test/integration/jmeter.test.ts runs both plans in real JMeter 5.6.3',
    walkthroughSays: ['main_controller', 'Argument.name', 'use_keepalive'],
  },
  {
    id: 'irsa-role-name',
    lab: 'find eksctl-*-prometheus-sa-role',
    truth:
      'Without --role-name, eksctl lets CloudFormation generate the role name (stack ' +
      'eksctl-<cluster>-addon-iamserviceaccount-<ns>-<name>); the lab files pass --role-name so ' +
      'the role is easy to find.',
    version: 'eksctl 0.2xx',
    checkedBy: 'eksctl pkg/cfn/builder iamserviceaccount stack naming',
    walkthroughSays: ['--role-name'],
  },
  {
    id: 'app-image',
    lab: 'image: 961341544454.dkr.ecr.ap-south-1.amazonaws.com/ds252-flask:latest',
    truth:
      "That image is in the lab authors' private registry; build the scaffolded app/Dockerfile " +
      'and push it to your own registry, with a fixed tag instead of :latest.',
    version: 'any',
    checkedBy: 'the image reference names account 961341544454',
    walkthroughSays: ['docker build', ':latest'],
  },
];
