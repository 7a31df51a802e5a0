// Facts about the lab's components that the extension states to students, each with the
// version it was checked against, the date it was last checked and how. Tests pin every one of
// them: the walkthrough must say them, the scaffold must follow them, where a real component runs
// here it must agree, and test/unit/facts.test.ts fails on a fact without a version or a date.
import { prometheusRelease } from './downloads/releases';

/**
 * How far a fact is known to hold: only at the version we pin, or at the one version read for a
 * part we do not pin (what was read there says nothing of other releases); across the releases
 * `version` names; or for any version.
 */
export type FactScope = 'at the pinned version' | 'at the version checked' | 'across releases' | 'any version';

export interface Fact {
  id: string;
  /** What the lab text says or does. */
  lab: string;
  /** What is true, for `version`. */
  truth: string;
  /** The component and the version (or versions) the truth was checked against. */
  version: string;
  /** When it was last checked against `version` (YYYY-MM-DD). */
  checked: string;
  scope: FactScope;
  /** Where it was checked: a source file at that version, or a test that runs the component. */
  checkedBy: string;
  /** Phrases the walkthrough must contain so the student is told. */
  walkthroughSays: string[];
}

/** The versions of the lab's parts that the lab files and the extension pin. */
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

export interface PinCheck {
  /** When the pin was last checked (YYYY-MM-DD). */
  checked: string;
  how: string;
}

/** When and how each pin in `versions` was last checked. */
export const versionsChecked: Record<keyof typeof versions, PinCheck> = {
  kubePrometheusStack: {
    checked: '2026-12-05',
    how: 'Chart.yaml of the chart the lab installs (../shared/charts/kube-prometheus-stack-88.5.3): version 88.5.3',
  },
  collector: {
    checked: '2026-12-05',
    how:
      'appVersion 0.155.0 of the opentelemetry-collector chart 0.164.1 (../shared/charts); built from its Go ' +
      'modules and run by the test harness. The newest on the module proxy is 0.165.1 (collector/versions.ts)',
  },
  collectorImage: {
    checked: '2026-12-05',
    how: 'the contrib image at the chart appVersion (the chart leaves image.repository empty and the tag defaults to it)',
  },
  collectorChart: {
    checked: '2026-12-05',
    how: 'Chart.yaml of ../shared/charts/opentelemetry-collector-0.164.1: version 0.164.1, appVersion 0.155.0',
  },
  flaskInstrumentation: {
    checked: '2026-12-05',
    how: "the app's templates/app/requirements.txt pins it; PyPI serves it (the newest opentelemetry-distro is 0.66b2)",
  },
  otelSdk: {
    checked: '2026-12-05',
    how: 'templates/app/requirements.txt pins opentelemetry-exporter-otlp 1.45.1; PyPI serves it (and 1.45.2)',
  },
  jmeter: {
    checked: '2026-12-05',
    how: 'Maven Central maven-metadata.xml of org.apache.jmeter:ApacheJMeter_core: 5.6.3 is the latest release',
  },
};

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
    checked: '2026-12-05',
    scope: 'at the pinned version',
    checkedBy:
      'charts/kube-prometheus-stack/values.yaml and templates/_helpers.tpl (kube-prometheus-stack.prometheus.serviceAccountName) at 88.5.3 (../shared/charts)',
    walkthroughSays: ['prometheus.serviceAccount.name', 'prometheus.serviceAccount.create', 'serviceAccounts.server'],
  },
  {
    id: 'grafana-admin-password',
    lab: 'Grafana at http://localhost:3000 (admin / prom-operator)',
    truth:
      'Since chart 79.0.0 the Grafana admin password is random; read it from the secret <release>-grafana, key admin-password.',
    version: `kube-prometheus-stack ${versions.kubePrometheusStack}`,
    checked: '2026-12-05',
    scope: 'at the pinned version',
    checkedBy:
      'charts/kube-prometheus-stack/values.yaml at 88.5.3 (grafana.adminPassword commented out; admin.passwordKey ' +
      'admin-password), ../shared/charts. "Since chart 79.0.0" comes from ../shared/lab/FACTS.md and is not ' +
      're-checked here: only 88.5.3 is at hand',
    walkthroughSays: ['admin-password', 'prom-operator'],
  },
  {
    id: 'servicemonitor-release-label',
    lab: 'release: prometheus  # REQUIRED',
    truth:
      'With serviceMonitorSelectorNilUsesHelmValues: true (the default), Prometheus selects only ServiceMonitors labelled release: <Helm release name>.',
    version: `kube-prometheus-stack ${versions.kubePrometheusStack}`,
    checked: '2026-12-05',
    scope: 'at the pinned version',
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
    checked: '2026-12-05',
    scope: 'at the pinned version',
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
    version: `collector 0.111.0, ${versions.collector} and 0.165.1`,
    checked: '2026-12-05',
    scope: 'across releases',
    checkedBy:
      'collector CHANGELOG at v0.165.0 (#11205; feature gate telemetry.disableAddressFieldForInternalTelemetry ' +
      'beta in v0.123.0, stable in v0.128.0); test/integration/collector.test.ts runs the three builds: 0.111.0 ' +
      'serves the address with a warning, 0.155.0 and 0.165.1 refuse it, the readers form serves otelcol_* in both',
    walkthroughSays: ['readers', 'pull', 'address'],
  },
  {
    id: 'otlp-receiver-default-endpoint',
    lab: 'endpoint: 0.0.0.0:4317 (set explicitly, correctly)',
    truth:
      'Since v0.104.0 the otlp receiver listens on localhost by default; inside a pod the endpoint must be 0.0.0.0:4317 or other pods cannot reach it.',
    version: `collector ${versions.collector} and 0.165.1`,
    checked: '2026-12-05',
    scope: 'across releases',
    checkedBy:
      'collector CHANGELOG v0.104.0 (component.UseLocalHostAsDefaultHost); the real 0.155.0 and 0.165.1 builds ' +
      'listen on 127.0.0.1:4317 with no endpoint (test/fixtures/collector/otlp-without-endpoint.yaml)',
    walkthroughSays: ['0.0.0.0:4317', 'localhost'],
  },
  {
    id: 'traces-pipeline',
    lab: 'OTEL_TRACES_EXPORTER=otlp, but the collector config has only a metrics pipeline',
    truth:
      'The app exports traces too; without a traces pipeline the collector rejects them and the ' +
      'app logs export errors. The lab files add a traces pipeline to the debug exporter.',
    version: `collector ${versions.collector} and 0.165.0 (otlpreceiver)`,
    checked: '2026-12-05',
    scope: 'across releases',
    checkedBy:
      'receiver/otlpreceiver otlp.go at v0.155.0 and v0.165.0 registers the gRPC and HTTP trace service only when ' +
      'a traces pipeline feeds it (nextTraces != nil)',
    walkthroughSays: ['traces pipeline'],
  },
  {
    id: 'jmeter-plan-defects',
    lab: 'ThreadGroup without ThreadGroup.main_controller; user-defined variables without Argument.name; no keep-alive',
    truth:
      "JMeter 5.6.3 needs the ThreadGroup's LoopController and named arguments for ${SERVER} " +
      'etc. to resolve; without HTTPSampler.use_keepalive each request opens a new connection.',
    version: `JMeter ${versions.jmeter}`,
    checked: '2026-12-05',
    scope: 'at the pinned version',
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
    version: 'eksctl 0.215.0',
    checked: '2026-12-05',
    scope: 'at the version checked',
    checkedBy:
      'github.com/weaveworks/eksctl@v0.215.0 from the Go module proxy: pkg/cfn/manager/iam.go names the stack; ' +
      'pkg/cfn/builder/iam.go sets RoleName only from --role-name, so CloudFormation names the role otherwise',
    walkthroughSays: ['--role-name'],
  },
  {
    id: 'prometheus-target-health-page',
    lab: "Prometheus' Status → Targets page (http://localhost:9090/targets)",
    truth:
      'Prometheus 3 calls the page Status → Target health; it is still at /targets. The query panel ' +
      'names its tab the same.',
    version: `Prometheus ${prometheusRelease} (kube-prometheus-stack ${versions.kubePrometheusStack})`,
    checked: '2026-12-05',
    scope: 'at the pinned version',
    checkedBy:
      'web/ui/mantine-ui/src/App.tsx in github.com/prometheus/prometheus@v0.314.0 (monitoringStatusPages: title ' +
      '"Target health", path "/targets"); test/integration/prometheus3.test.ts: the 3.14.0 binary routes ' +
      '/targets to its UI',
    walkthroughSays: ['Target health'],
  },
  {
    id: 'prometheus-float-label-values',
    lab: 'histogram_quantile over _bucket series; a query may match a bucket as le="1"',
    truth:
      'Prometheus 3 stores the le label of classic histograms and the quantile label of summaries as ' +
      'floats (le="1" is ingested as le="1.0", 1e6 as 1e+06), so a matcher on the integer form ' +
      'matches nothing. The query panel, the doctor and obslab query name the float form.',
    version: `Prometheus ${prometheusRelease} (kube-prometheus-stack ${versions.kubePrometheusStack})`,
    checked: '2026-12-05',
    scope: 'at the pinned version',
    checkedBy:
      'docs/migration.md "le and quantile label values" and model/textparse normalizeFloatsInLabelValues at ' +
      'v0.314.0; test/integration/prometheus3.test.ts: the 3.14.0 binary stores every le its own /metrics ' +
      'writes as formatOpenMetricsFloat does, le="1" finds nothing and le="1.0" the bucket',
    walkthroughSays: [],
  },
  {
    id: 'prometheus-utf8-names',
    lab: 'metric and label names such as http_server_request_duration_seconds_count and http_route',
    truth:
      'Prometheus 3 accepts any UTF-8 metric and label name; PromQL reads one outside the legacy ' +
      'alphabet only quoted inside the braces ({"http.server.request.duration_seconds_count", ' +
      '"http.route"="/hash"}); written bare it is a parse error. The label-values API takes such a ' +
      'name U__-escaped in its path (/api/v1/label/U__http_2e_route/values).',
    version: `Prometheus ${prometheusRelease} (kube-prometheus-stack ${versions.kubePrometheusStack})`,
    checked: '2026-12-05',
    scope: 'at the pinned version',
    checkedBy:
      'docs/migration.md "UTF-8 names", promql/parser/generated_parser.y (label_matcher: string_identifier), ' +
      'web/api/v1/api.go labelValues (UnescapeName ValueEncodingEscaping) at v0.314.0; ' +
      'test/integration/prometheus3.test.ts runs the app → collector (NoUTF8EscapingWithSuffixes) → 3.14.0',
    walkthroughSays: [],
  },
  {
    id: 'prometheus-native-histograms-off',
    lab: "the app's request-duration histogram, queried through its _bucket series",
    truth:
      'kube-prometheus-stack 88.5.3 leaves prometheus.prometheusSpec.scrapeNativeHistograms false, so its ' +
      'Prometheus (3.14.0, whose scrape_native_histograms defaults to false) keeps scraping classic ' +
      '_bucket series. With it on, a histogram that also has a native form is answered as a native ' +
      'histogram (the API writes "histogram" instead of "value"), which the query panel and obslab ' +
      'query show as its count and sum.',
    version: `kube-prometheus-stack ${versions.kubePrometheusStack} with Prometheus ${prometheusRelease}`,
    checked: '2026-12-05',
    scope: 'at the pinned version',
    checkedBy:
      'values.yaml (scrapeNativeHistograms: false) and templates/prometheus/prometheus.yaml (set only when ' +
      'true) of ../shared/charts/kube-prometheus-stack-88.5.3; config/config.go DefaultGlobalConfig ' +
      '(ScrapeNativeHistograms false) and web/api/v1/json_codec.go at v0.314.0; ' +
      'test/integration/prometheus3.test.ts scrapes the 3.14.0 binary with the option off and on',
    walkthroughSays: [],
  },
  {
    id: 'app-image',
    lab: 'image: 961341544454.dkr.ecr.ap-south-1.amazonaws.com/ds252-flask:latest',
    truth:
      "That image is in the lab authors' private registry; build the scaffolded app/Dockerfile " +
      'and push it to your own registry, with a fixed tag instead of :latest.',
    version: 'any (the image reference in the lab text)',
    checked: '2026-12-05',
    scope: 'any version',
    checkedBy: 'the image reference in ../shared/lab/LAB.md names account 961341544454',
    walkthroughSays: ['docker build', ':latest'],
  },
];
