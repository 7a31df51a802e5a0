// Every finding code the linter can report, with what it means. Codes are stable: the README
// documents each with a bad and a good example, and tests check both lists stay complete.
import type { Severity } from '../finding';

export interface CodeInfo {
  code: string;
  /** The usual severity; some codes vary with the collector version or the case. */
  severity: Severity | 'varies';
  summary: string;
  /** Short before/after snippets for the README; the full examples are test/fixtures/findingExamples.ts. */
  bad: string;
  good: string;
}

export const findingCodes: CodeInfo[] = [
  {
    code: 'collector/yaml-syntax',
    severity: 'error',
    summary: 'A collector config (standalone or in a ConfigMap) is not valid YAML.',
    bad: 'endpoint: [0.0.0.0:4317',
    good: 'endpoint: 0.0.0.0:4317',
  },
  {
    code: 'collector/schema',
    severity: 'error',
    summary:
      'A component the lab uses (otlp, batch, memory_limiter, prometheus, debug) has an unknown or mistyped ' +
      "setting, checked against the collector's config structs at v0.155.0; keys that changed around it " +
      '(keepalive, resource_constant_labels…) are judged at the version the files run, naming the release that ' +
      'added, deprecated or removed each.',
    bad: 'memory_limiter: {check_interval: 1s}',
    good: 'memory_limiter: {check_interval: 1s, limit_mib: 400}',
  },
  {
    code: 'collector/telemetry-invalid',
    severity: 'error',
    summary:
      'Telemetry settings the collector version refuses: an unknown level, an empty readers list (v0.123.0 ' +
      'on), views without level: detailed, or views before v0.124.0.',
    bad: 'metrics: {level: normal, readers: []}',
    good: 'metrics: {level: normal, readers: [{pull: ...}]}',
  },
  {
    code: 'collector/unknown-component',
    severity: 'error',
    summary: 'A pipeline or service.extensions names a component that is not defined.',
    bad: 'processors: [bacth]',
    good: 'processors: [batch]',
  },
  {
    code: 'collector/unused-component',
    severity: 'warning',
    summary: 'A component is defined but no pipeline (or service.extensions) uses it.',
    bad: 'memory_limiter defined, in no pipeline',
    good: 'processors: [memory_limiter, batch]',
  },
  {
    code: 'collector/pipeline-incomplete',
    severity: 'error',
    summary: 'No pipelines, or a pipeline without receivers or exporters, or an unknown pipeline type.',
    bad: 'metrics: {receivers: [otlp]}',
    good: 'metrics: {receivers: [otlp], exporters: [prometheus]}',
  },
  {
    code: 'collector/removed-component',
    severity: 'varies',
    summary:
      'A component removed from the collector version the files run (the logging exporter, the memory_ballast extension).',
    bad: 'exporters: {logging: {}}',
    good: 'exporters: {debug: {}}',
  },
  {
    code: 'collector/component-not-in-version',
    severity: 'error',
    summary:
      'A component (or the connectors section) newer than the collector release the image tag pins: that release ' +
      'refuses the config. The first version that has it is named.',
    bad: 'image: otel/opentelemetry-collector-contrib:0.51.0 with exporters: {debug: {}}',
    good: 'image: otel/opentelemetry-collector-contrib:0.155.0',
  },
  {
    code: 'collector/telemetry-address-deprecated',
    severity: 'varies',
    summary:
      'service.telemetry.metrics.address: deprecated (v0.111.0), ignored (v0.123.0) or rejected (v0.128.0), by the version the image runs.',
    bad: 'metrics: {address: 0.0.0.0:8888}',
    good: 'metrics: {readers: [{pull: {exporter: {prometheus: {host: 0.0.0.0, port: 8888}}}}]}',
  },
  {
    code: 'collector/invalid-endpoint',
    severity: 'error',
    summary:
      'An endpoint is not host:port, or its port is outside 0 to 65535; or the prometheus exporter has no endpoint.',
    bad: 'endpoint: 0.0.0.0:88890',
    good: 'endpoint: 0.0.0.0:8889',
  },
  {
    code: 'collector/endpoint-localhost-in-pod',
    severity: 'varies',
    summary:
      'In a config that runs in a pod, a receiver, exporter or the telemetry reader listens on localhost, explicitly or by default.',
    bad: 'protocols: {grpc: }  (in a ConfigMap)',
    good: 'protocols: {grpc: {endpoint: 0.0.0.0:4317}}',
  },
  {
    code: 'collector/missing-signal-pipeline',
    severity: 'warning',
    summary: 'An app in the same files sends a signal over OTLP to this collector, which has no pipeline for it.',
    bad: 'app: OTEL_TRACES_EXPORTER=otlp; collector: only a metrics pipeline',
    good: 'pipelines: {traces: {receivers: [otlp], exporters: [debug]}}',
  },
  {
    code: 'k8s/schema',
    severity: 'error',
    summary: 'A document does not match the bundled schema of its kind (unknown or misspelt field, wrong type).',
    bad: 'containers: [{name: flask, imagePullPolcy: Always}]',
    good: 'containers: [{name: flask, imagePullPolicy: Always}]',
  },
  {
    code: 'k8s/deployment-selector-mismatch',
    severity: 'error',
    summary: "A workload's spec.selector does not match its pod template's labels.",
    bad: 'selector: {matchLabels: {app: flask}}, template labels {app: otel-flask}',
    good: 'selector: {matchLabels: {app: otel-flask}}',
  },
  {
    code: 'k8s/service-selector-mismatch',
    severity: 'warning',
    summary: 'A Service selects no pod template in its namespace.',
    bad: 'Service selector {app: flask}',
    good: 'Service selector {app: otel-flask}',
  },
  {
    code: 'k8s/target-port-not-exposed',
    severity: 'varies',
    summary: "A Service's targetPort is not a port the selected containers declare.",
    bad: 'targetPort: web (container port is named http)',
    good: 'targetPort: http',
  },
  {
    code: 'k8s/configmap-key-missing',
    severity: 'error',
    summary: 'A volume item or env reference names a key the ConfigMap lacks.',
    bad: 'items: [{key: config.yaml}] (ConfigMap has collector.yaml)',
    good: 'items: [{key: collector.yaml, path: collector.yaml}]',
  },
  {
    code: 'k8s/config-path-not-mounted',
    severity: 'error',
    summary: 'The --config path is not where the ConfigMap is mounted.',
    bad: 'args: ["--config=/etc/otelcol/config.yaml"], mountPath: /etc/otel',
    good: 'args: ["--config=/etc/otel/collector.yaml"]',
  },
  {
    code: 'k8s/otlp-endpoint-unresolved',
    severity: 'varies',
    summary: 'OTEL_EXPORTER_OTLP_ENDPOINT names no Service, or no port, defined in the files.',
    bad: 'OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector.monitoring.svc.cluster.local:4318 (Service has 4317)',
    good: '...:4317',
  },
  {
    code: 'k8s/image-latest',
    severity: 'warning',
    summary: 'A container image is :latest or untagged.',
    bad: 'image: .../ds252-flask:latest',
    good: 'image: .../ds252-flask:1.0',
  },
  {
    code: 'servicemonitor/release-label-missing',
    severity: 'error',
    summary:
      'kube-prometheus-stack (its values in the same files, or the lab) selects ServiceMonitors by release: <Helm release>, and this one lacks that label.',
    bad: 'labels: {app: otel-collector}',
    good: 'labels: {release: prometheus}',
  },
  {
    code: 'servicemonitor/not-selected',
    severity: 'error',
    summary:
      'A Prometheus object in the same files selects ServiceMonitors by labels (serviceMonitorSelector) or ' +
      'namespaces this one does not have, so it is never scraped.',
    bad: 'serviceMonitorSelector: {matchLabels: {team: frontend}}, ServiceMonitor labelled team: backend',
    good: 'labels: {team: frontend}',
  },
  {
    code: 'servicemonitor/selector-no-service',
    severity: 'warning',
    summary: 'The ServiceMonitor selects no Service in the files.',
    bad: 'matchLabels: {app.kubernetes.io/name: opentelemetry-collector}',
    good: 'matchLabels: {app: otel-collector}',
  },
  {
    code: 'servicemonitor/port-not-found',
    severity: 'error',
    summary: "An endpoint's port is not a named port of the selected Service.",
    bad: 'endpoints: [{port: prom-metrics}]',
    good: 'endpoints: [{port: metrics}]',
  },
  {
    code: 'helm/unknown-value',
    severity: 'error',
    summary:
      'A values key the chart does not have: kube-prometheus-stack ignores it silently; the OpenTelemetry Collector ' +
      'chart refuses it where its schema is closed and ignores it elsewhere.',
    bad: 'serviceAccounts: {server: {name: prometheus-sa}}',
    good: 'prometheus: {serviceAccount: {create: false, name: prometheus-sa}}',
  },
  {
    code: 'helm/missing-required-value',
    severity: 'error',
    summary:
      'An OpenTelemetry Collector chart values file without what the chart fails on: mode, image.repository, or health_check in config.service.extensions.',
    bad: 'mode: deployment  (no image.repository)',
    good: 'image: {repository: otel/opentelemetry-collector-contrib, tag: "0.155.0"}',
  },
  {
    code: 'helm/port-not-exposed',
    severity: 'warning',
    summary:
      "The collector chart's config listens on a port (prometheus exporter, telemetry reader) that no enabled " +
      'entry under ports: declares, so its Service has no port for Prometheus.',
    bad: 'exporters: {prometheus: {endpoint: 0.0.0.0:8889}}, no ports entry',
    good: 'ports: {metrics: {enabled: true, containerPort: 8889, servicePort: 8889, protocol: TCP}}',
  },
  {
    code: 'servicemonitor/chart-service-labels',
    severity: 'error',
    summary:
      "A ServiceMonitor selects labels (the custom path's app: otel-collector) that the Service of the collector chart in the files does not carry.",
    bad: 'matchLabels: {app: otel-collector} with helm/otel-collector-values.yaml',
    good: 'serviceMonitor: {enabled: true, extraLabels: {release: prometheus}} in the chart values',
  },
  {
    code: 'jmx/xml-syntax',
    severity: 'error',
    summary: 'The plan is not well-formed XML, or not a JMeter plan.',
    bad: '<TestPlan ...> without </TestPlan>',
    good: 'every element closed',
  },
  {
    code: 'jmx/missing-main-controller',
    severity: 'error',
    summary: 'A Thread Group without its loop controller: JMeter sends nothing and exits 0.',
    bad: '<ThreadGroup> without ThreadGroup.main_controller',
    good: '<elementProp name="ThreadGroup.main_controller" elementType="LoopController">',
  },
  {
    code: 'jmx/argument-missing-name',
    severity: 'error',
    summary: 'A user-defined variable without Argument.name, so ${NAME} stays literal.',
    bad: '<elementProp name="SERVER" elementType="Argument"> with only Argument.value',
    good: 'add <stringProp name="Argument.name">SERVER</stringProp>',
  },
  {
    code: 'jmx/undefined-variable',
    severity: 'error',
    summary: 'A ${NAME} that nothing in the plan defines.',
    bad: 'HTTPSampler.domain = ${HOST}, nothing defines HOST',
    good: '${__P(HOST,localhost)}',
  },
  {
    code: 'jmx/no-keepalive',
    severity: 'info',
    summary: 'An HTTP sampler without keep-alive opens a connection per request.',
    bad: 'HTTPSamplerProxy without use_keepalive',
    good: '<boolProp name="HTTPSampler.use_keepalive">true</boolProp>',
  },
  {
    code: 'iam/policy-syntax',
    severity: 'error',
    summary: 'Not valid JSON, or not a valid IAM policy (Version, Effect, Action, Resource).',
    bad: '"Action": ["aps:RemoteWrite",]',
    good: '"Action": ["aps:RemoteWrite"]',
  },
  {
    code: 'iam/trust-subject-mismatch',
    severity: 'varies',
    summary:
      "The IRSA trust policy's :sub is missing, a wildcard, or not system:serviceaccount:NS:NAME of the ServiceAccount.",
    bad: '":sub": "system:serviceaccount:monitoring:prometheus"',
    good: '":sub": "system:serviceaccount:monitoring:prometheus-sa"',
  },
  {
    code: 'iam/trust-audience-missing',
    severity: 'varies',
    summary: 'The IRSA trust policy does not require :aud sts.amazonaws.com.',
    bad: 'StringEquals with :sub only',
    good: 'add ":aud": "sts.amazonaws.com"',
  },
  {
    code: 'iam/wildcard-resource',
    severity: 'info',
    summary: '"Resource": "*" in a permissions policy.',
    bad: '"Resource": "*"',
    good: '"Resource": "arn:aws:aps:REGION:ACCOUNT:workspace/ws-ID"',
  },
  {
    code: 'loadtest/loops-forever',
    severity: 'varies',
    summary:
      'From the load-test plan model: a Thread Group loop count without LoopController.continue_forever=false, ' +
      'which JMeter 5.6.3 repeats forever (an error without a duration).',
    bad: '<intProp name="LoopController.loops">3</intProp> alone',
    good: 'add <boolProp name="LoopController.continue_forever">false</boolProp>',
  },
  {
    code: 'loadtest/unsupported',
    severity: 'error',
    summary:
      'From the load-test plan model: an element or function the built-in engine cannot reproduce (JMeter can still run the plan).',
    bad: '<JDBCSampler ...>',
    good: 'HTTP samplers, or --engine jmeter',
  },
  {
    code: 'loadtest/invalid-value',
    severity: 'error',
    summary:
      'From the load-test plan model: threads, ramp-up, duration or loops that are not whole numbers once properties are resolved.',
    bad: 'ThreadGroup.num_threads = ${__P(THREADS,sixty)}',
    good: '${__P(THREADS,60)}',
  },
  {
    code: 'loadtest/no-samplers',
    severity: 'warning',
    summary: 'From the load-test plan model: a Thread Group that would send nothing (no HTTP sampler, or 0 loops).',
    bad: 'a Thread Group with only a timer',
    good: 'an HTTP Request sampler under it',
  },
  {
    code: 'loadtest/unbounded',
    severity: 'info',
    summary: 'From the load-test plan model: loops forever with no duration, so the run ends only when stopped.',
    bad: 'loops -1, scheduler off',
    good: 'ThreadGroup.scheduler true with a duration',
  },
  {
    code: 'loadtest/redirects-not-followed',
    severity: 'info',
    summary: 'From the load-test plan model: JMeter follows redirects; the built-in engine records the 3xx as it is.',
    bad: 'HTTPSampler.follow_redirects true',
    good: '(a note, nothing to change)',
  },
  {
    code: 'loadtest/ignored',
    severity: 'info',
    summary: 'From the load-test plan model: listeners and other elements that do not change the load.',
    bad: '<ResultCollector ...>',
    good: '(a note, nothing to change)',
  },
  {
    code: 'lab/manifest-invalid',
    severity: 'error',
    summary:
      "The lab folder's obslab-lab.json breaks a rule the scaffold's prompts apply (a name, the release, the " +
      'image, params missing): commands use none of its values until it is fixed.',
    bad: '"helmRelease": "x; touch /tmp/pwned"',
    good: '"helmRelease": "prometheus"',
  },
  {
    code: 'yaml/syntax',
    severity: 'error',
    summary: 'A YAML file (not a collector config) is not valid YAML.',
    bad: 'name: app\n   labels: x',
    good: 'name: app',
  },
  {
    code: 'json/syntax',
    severity: 'error',
    summary: 'A JSON file (not an IAM policy) is not valid JSON.',
    bad: '{"a": 1,,}',
    good: '{"a": 1}',
  },
  {
    code: 'lint/file-skipped',
    severity: 'info',
    summary:
      'A file was not checked: too large, binary, not UTF-8, nested deeper than 200 levels, or not a regular ' +
      'file (a FIFO, a symbolic link that loops or leads nowhere).',
    bad: 'a 10 MB dump, a binary file, a named pipe',
    good: 'files under 2 MB of UTF-8 text',
  },
  {
    code: 'lint/internal-error',
    severity: 'info',
    summary: 'A rule failed on this input; the other rules still ran. Please report it.',
    bad: '(a bug of ours)',
    good: 'report it with the file',
  },
];
