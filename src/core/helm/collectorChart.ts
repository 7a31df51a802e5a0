// The open-telemetry/opentelemetry-collector Helm chart, as facts read from its published source
// at one pinned version (the extension ships none of the chart's files; the tests hold these facts
// against the real chart, test/integration/collector-chart.test.ts), plus
// what those facts imply for a values file: the release's Service, its ports, its ServiceMonitor
// and the collector config the chart really writes. Pure: values come in as plain data.
import { versions } from '../facts';
import { t } from '../text/l10n';

/** Where each fact was read: charts/opentelemetry-collector/<file> at this commit of open-telemetry/opentelemetry-helm-charts. */
export const collectorChart = {
  repoName: 'open-telemetry',
  repoUrl: 'https://open-telemetry.github.io/opentelemetry-helm-charts',
  chart: 'opentelemetry-collector',
  version: versions.collectorChart,
  appVersion: versions.collector,
  sourceCommit: 'f143fb4375ff6cbf98b91fe725e25ad8ecf414e7',
  /** The release name the lab's `helm upgrade --install otel-collector ...` uses. */
  labRelease: 'otel-collector',
  /** The header that marks a values file as this chart's, whatever its name. */
  header: '# chart: open-telemetry/opentelemetry-collector',
} as const;

/** One recorded fact: what is true at the pinned chart version, and the chart file it comes from. */
export interface ChartFact {
  id: string;
  truth: string;
  source: string;
}

export const collectorChartFacts: ChartFact[] = [
  {
    id: 'image-repository-required',
    truth:
      'image.repository defaults to "" and the chart fails with "[ERROR] \'image.repository\' ' +
      'must be set"; the lab\'s --set flags do not set it, so its helm command fails.',
    source: 'values.yaml (image.repository: ""), templates/NOTES.txt line 2 (fail)',
  },
  {
    id: 'mode-required',
    truth:
      'mode defaults to "" and must be daemonset, deployment or statefulset, or the chart fails ' +
      'with "[ERROR] \'mode\' must be set". The schema lists mode as required but also allows "".',
    source:
      'values.yaml (mode: ""), values.schema.json (required: [apiVersion, mode]; enum), templates/NOTES.txt line 22 (fail)',
  },
  {
    id: 'health-check-required',
    truth:
      'config.service.extensions must include health_check or healthcheckv2, or the chart fails; ' +
      'the default has health_check on ${env:MY_POD_IP}:13133 (the probes use it). A list in the ' +
      'values replaces the default list.',
    source: 'templates/NOTES.txt line 35 (fail), values.yaml (config.extensions.health_check)',
  },
  {
    id: 'closed-values',
    truth:
      'The top level of the values (and image, service, serviceAccount, command, presets, ' +
      'ports.<name>, internalTelemetryViaOTLP) allows no unknown keys: helm refuses the install ' +
      'with "additional properties ... not allowed". Elsewhere (serviceMonitor, podMonitor, ' +
      'configMap) an unknown key is silently ignored.',
    source: 'values.schema.json (additionalProperties: false)',
  },
  {
    id: 'service-name',
    truth:
      'The Service (and Deployment, ConfigMap, ServiceMonitor) is named ' +
      '<release>-opentelemetry-collector unless the release name contains ' +
      '"opentelemetry-collector" or fullnameOverride is set: release otel-collector gives ' +
      'otel-collector-opentelemetry-collector, not the otel-collector the app exports to. ' +
      "The ConfigMap has that name in deployment mode (the lab's); daemonset mode names it " +
      '<fullname>-agent and statefulset mode <fullname>-statefulset.',
    source:
      'templates/_helpers.tpl (opentelemetry-collector.fullname), templates/service.yaml, ' +
      'templates/configmap.yaml, configmap-agent.yaml, configmap-statefulset.yaml',
  },
  {
    id: 'service-labels',
    truth:
      'The Service carries app.kubernetes.io/name: opentelemetry-collector (nameOverride), ' +
      'app.kubernetes.io/instance: <release>, component: standalone-collector (mode deployment), ' +
      'plus helm.sh/chart, app.kubernetes.io/version, managed-by, part-of and ' +
      'app.kubernetes.io/component; never app: otel-collector.',
    source: 'templates/_helpers.tpl (labels, selectorLabels, component), templates/service.yaml',
  },
  {
    id: 'default-ports',
    truth:
      'Enabled by default: otlp 4317, otlp-http 4318, jaeger-compact 6831/UDP, jaeger-thrift ' +
      "14268, jaeger-grpc 14250, zipkin 9411. metrics 8888 (the collector's own telemetry) is " +
      'disabled; 8889 is not declared at all. A Service port exists only for ' +
      'ports.<name>.enabled: true, named <name>.',
    source: 'values.yaml (ports), templates/_config.tpl (servicePortsConfig, podPortsConfig)',
  },
  {
    id: 'servicemonitor',
    truth:
      'serviceMonitor.enabled: true (with the Service enabled and metricsEndpoints non-empty) ' +
      'creates a ServiceMonitor named like the Service, labelled with the chart labels plus ' +
      'serviceMonitor.extraLabels (no release label by default), selecting the Service by ' +
      'app.kubernetes.io/name, app.kubernetes.io/instance and component, scraping ' +
      'metricsEndpoints (default [{port: metrics}]). It does not check that the ports exist: ' +
      'ports.metrics.enabled stays false unless set.',
    source: 'templates/servicemonitor.yaml, values.yaml (serviceMonitor)',
  },
  {
    id: 'config-merged',
    truth:
      "config is merged with the chart's default config key by key (Helm merges maps; lists and " +
      'scalars replace; null removes a default): jaeger, zipkin and a prometheus self-scrape ' +
      'receiver, otlp on ${env:MY_POD_IP}, and pipelines that export only to debug stay unless ' +
      "overridden. So the lab's --set config.exporters.prometheus.endpoint defines an exporter " +
      'no pipeline uses.',
    source: 'values.yaml (config), templates/_config.tpl (baseConfig, deploymentConfig), templates/configmap.yaml',
  },
  {
    id: 'telemetry-default',
    truth:
      'The default config serves internal telemetry through service.telemetry.metrics.readers ' +
      '(pull/prometheus) on host ${env:MY_POD_IP}, port 8888, and scrapes it back with its own ' +
      'prometheus receiver; the address key is gone (chart 0.161.0 dropped it).',
    source: 'values.yaml (config.service.telemetry.metrics.readers, config.receivers.prometheus)',
  },
];

export type Mode = 'daemonset' | 'deployment' | 'statefulset';
export const modes: Mode[] = ['daemonset', 'deployment', 'statefulset'];

/** Values the chart refuses to render without (templates/NOTES.txt `fail` calls). */
export const requiredValues = [
  { path: 'mode', oneOf: modes as readonly string[], source: 'templates/NOTES.txt' },
  { path: 'image.repository', oneOf: undefined, source: 'templates/NOTES.txt' },
] as const;

/** Extensions of which config.service.extensions must name one (templates/NOTES.txt). */
export const healthExtensions = ['health_check', 'healthcheckv2'] as const;

/** The component label per mode (templates/_helpers.tpl opentelemetry-collector.component). */
export const componentLabel: Record<Mode, string> = {
  deployment: 'standalone-collector',
  daemonset: 'agent-collector',
  statefulset: 'statefulset-collector',
};

export interface ChartPort {
  enabled: boolean;
  containerPort: number;
  servicePort?: number;
  protocol: 'TCP' | 'UDP';
  appProtocol?: string;
}

/** values.yaml `ports` (hostPort omitted: used only in daemonset mode). */
export const defaultPorts: Record<string, ChartPort> = {
  otlp: { enabled: true, containerPort: 4317, servicePort: 4317, protocol: 'TCP', appProtocol: 'grpc' },
  'otlp-http': { enabled: true, containerPort: 4318, servicePort: 4318, protocol: 'TCP' },
  'jaeger-compact': { enabled: true, containerPort: 6831, servicePort: 6831, protocol: 'UDP' },
  'jaeger-thrift': { enabled: true, containerPort: 14268, servicePort: 14268, protocol: 'TCP' },
  'jaeger-grpc': { enabled: true, containerPort: 14250, servicePort: 14250, protocol: 'TCP' },
  zipkin: { enabled: true, containerPort: 9411, servicePort: 9411, protocol: 'TCP' },
  metrics: { enabled: false, containerPort: 8888, servicePort: 8888, protocol: 'TCP' },
};

/** values.yaml `serviceMonitor` defaults. */
export const defaultServiceMonitor = {
  enabled: false,
  metricsEndpoints: [{ port: 'metrics' }],
  extraLabels: {} as Record<string, string>,
};

/**
 * values.yaml `config` at the pinned version: what the chart merges a values file's `config:` into.
 * The telemetry resource attributes are left out: they change nothing the lab checks.
 */
export const defaultConfig = {
  exporters: { debug: {} },
  extensions: { health_check: { endpoint: '${env:MY_POD_IP}:13133' } },
  processors: {
    batch: {},
    memory_limiter: { check_interval: '5s', limit_percentage: 80, spike_limit_percentage: 25 },
  },
  receivers: {
    jaeger: {
      protocols: {
        grpc: { endpoint: '${env:MY_POD_IP}:14250' },
        thrift_http: { endpoint: '${env:MY_POD_IP}:14268' },
        thrift_compact: { endpoint: '${env:MY_POD_IP}:6831' },
      },
    },
    otlp: { protocols: { grpc: { endpoint: '${env:MY_POD_IP}:4317' }, http: { endpoint: '${env:MY_POD_IP}:4318' } } },
    prometheus: {
      config: {
        scrape_configs: [
          {
            job_name: 'opentelemetry-collector',
            scrape_interval: '10s',
            static_configs: [{ targets: ['${env:MY_POD_IP}:8888'] }],
          },
        ],
      },
    },
    zipkin: { endpoint: '${env:MY_POD_IP}:9411' },
  },
  service: {
    telemetry: {
      metrics: { readers: [{ pull: { exporter: { prometheus: { host: '${env:MY_POD_IP}', port: 8888 } } } }] },
    },
    extensions: ['health_check'],
    pipelines: {
      logs: { exporters: ['debug'], processors: ['memory_limiter', 'batch'], receivers: ['otlp'] },
      metrics: { exporters: ['debug'], processors: ['memory_limiter', 'batch'], receivers: ['otlp', 'prometheus'] },
      traces: {
        exporters: ['debug'],
        processors: ['memory_limiter', 'batch'],
        receivers: ['otlp', 'jaeger', 'zipkin'],
      },
    },
  },
};

/**
 * The keys the chart has, from values.yaml and values.schema.json. `closed` objects have
 * additionalProperties: false (helm refuses unknown keys); in the others an unknown key is
 * ignored. `config`, `alternateConfig` and free-form maps (resources limits, labels,
 * annotations, affinity...) are not listed below their top level.
 */
export const chartKeys: { path: string; closed: boolean; keys: string[] }[] = [
  {
    path: '',
    closed: true,
    keys: [
      'additionalLabels',
      'affinity',
      'alternateConfig',
      'annotations',
      'apiVersion',
      'autoscaling',
      'clusterRole',
      'command',
      'config',
      'configMap',
      'dnsConfig',
      'dnsPolicy',
      'enableConfigChecksumAnnotation',
      'enabled',
      'extraContainers',
      'extraEnvs',
      'extraEnvsFrom',
      'extraManifests',
      'extraVolumeMounts',
      'extraVolumes',
      'fullnameOverride',
      'global',
      'hostAliases',
      'hostNetwork',
      'hostPID',
      'httproute',
      'image',
      'imagePullSecrets',
      'ingress',
      'initContainers',
      'internalTelemetryViaOTLP',
      'lifecycleHooks',
      'livenessProbe',
      'mode',
      'nameOverride',
      'namespaceOverride',
      'networkPolicy',
      'nodeSelector',
      'podAnnotations',
      'podDisruptionBudget',
      'podLabels',
      'podMonitor',
      'podSecurityContext',
      'ports',
      'presets',
      'priorityClassName',
      'prometheusRule',
      'readinessProbe',
      'replicaCount',
      'resizePolicy',
      'resources',
      'revisionHistoryLimit',
      'rewriteDeprecatedComponentNames',
      'rollout',
      'runtimeClassName',
      'schedulerName',
      'securityContext',
      'service',
      'serviceAccount',
      'serviceMonitor',
      'shareProcessNamespace',
      'startupProbe',
      'statefulset',
      'terminationGracePeriodSeconds',
      'tolerations',
      'topologySpreadConstraints',
      'useGOMEMLIMIT',
    ],
  },
  { path: 'image', closed: true, keys: ['digest', 'pullPolicy', 'registry', 'repository', 'tag'] },
  { path: 'command', closed: true, keys: ['extraArgs', 'name'] },
  { path: 'serviceAccount', closed: true, keys: ['annotations', 'automountServiceAccountToken', 'create', 'name'] },
  {
    path: 'service',
    closed: true,
    keys: [
      'annotations',
      'clusterIP',
      'enabled',
      'externalTrafficPolicy',
      'internalTrafficPolicy',
      'loadBalancerIP',
      'loadBalancerSourceRanges',
      'trafficDistribution',
      'type',
    ],
  },
  {
    path: 'presets',
    closed: true,
    keys: [
      'annotationDiscovery',
      'clusterMetrics',
      'hostMetrics',
      'kubeletMetrics',
      'kubernetesAttributes',
      'kubernetesEvents',
      'kubernetesObjects',
      'logsCollection',
      'profiling',
      'resourceDetection',
    ],
  },
  {
    path: 'ports.*',
    closed: true,
    keys: ['appProtocol', 'containerPort', 'enabled', 'hostPort', 'nodePort', 'protocol', 'servicePort'],
  },
  { path: 'internalTelemetryViaOTLP', closed: true, keys: ['endpoint', 'headers', 'logs', 'metrics', 'traces'] },
  {
    path: 'serviceMonitor',
    closed: false,
    keys: ['enabled', 'extraLabels', 'metricRelabelings', 'metricsEndpoints', 'relabelings', 'sampleLimit'],
  },
  { path: 'podMonitor', closed: false, keys: ['enabled', 'extraLabels', 'metricsEndpoints'] },
  { path: 'configMap', closed: false, keys: ['create', 'existingName', 'existingPath'] },
];

/** Keys students carry over from other charts or from the custom path, and where this chart keeps them. */
export const knownValueMistakes: Record<string, string> = {
  'serviceMonitor.labels': 'serviceMonitor.extraLabels',
  'serviceMonitor.additionalLabels': 'serviceMonitor.extraLabels',
  'serviceMonitor.endpoints': 'serviceMonitor.metricsEndpoints',
  'podMonitor.labels': 'podMonitor.extraLabels',
  // A getter, so the explanation is said in the language of the moment it is read.
  get 'service.ports'(): string {
    // The braces are code, a value: the translators fill {…} in a key.
    const fields = '{enabled, containerPort, servicePort, protocol}';
    return t`ports.<name> (ports is a top-level map of name to ${fields})`;
  },
  labels: 'additionalLabels',
  replicas: 'replicaCount',
  'image.name': 'image.repository',
};

// ---- What the chart renders for a values file ----

export type Values = Record<string, unknown>;

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** Helm's coalescing of values into chart defaults: maps merge, anything else replaces, null removes. */
export function coalesce(defaults: unknown, values: unknown): unknown {
  const d = obj(defaults);
  const v = obj(values);
  if (!d || !v) return values === undefined ? defaults : values;
  const out: Record<string, unknown> = { ...d };
  for (const [k, val] of Object.entries(v)) {
    if (val === null) delete out[k];
    else out[k] = coalesce(d[k], val);
  }
  return out;
}

export function modeOf(values: Values): Mode | undefined {
  const m = values['mode'];
  return modes.find((x) => x === m);
}

/** templates/_helpers.tpl opentelemetry-collector.name. */
export function chartName(values: Values): string {
  return (str(values['nameOverride']) || collectorChart.chart).slice(0, 63).replace(/-+$/, '');
}

/** templates/_helpers.tpl opentelemetry-collector.fullname: the name of the Service, Deployment, ConfigMap and ServiceMonitor. */
export function fullname(release: string, values: Values): string {
  const override = str(values['fullnameOverride']);
  if (override) return override.slice(0, 63).replace(/-+$/, '');
  const name = str(values['nameOverride']) || collectorChart.chart;
  if (release.includes(name)) return release.slice(0, 63).replace(/-+$/, '');
  return `${release}-${name}`.slice(0, 63).replace(/-+$/, '');
}

/** The Service's spec.selector, which the chart's ServiceMonitor also uses as its matchLabels. */
export function selectorLabels(release: string, values: Values): Record<string, string> {
  const mode = modeOf(values);
  return {
    'app.kubernetes.io/name': chartName(values),
    'app.kubernetes.io/instance': release,
    ...(mode ? { component: componentLabel[mode] } : {}),
  };
}

/** The Service's metadata.labels (common labels, additionalLabels, component). */
export function serviceLabels(release: string, values: Values): Record<string, string> {
  const mode = modeOf(values);
  const additional = Object.fromEntries(
    Object.entries(obj(values['additionalLabels']) ?? {}).map(([k, v]) => [k, str(v) ?? '']),
  );
  return {
    'helm.sh/chart': `${collectorChart.chart}-${collectorChart.version}`,
    'app.kubernetes.io/name': chartName(values),
    'app.kubernetes.io/instance': release,
    'app.kubernetes.io/version': collectorChart.appVersion,
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/part-of': collectorChart.chart,
    ...(mode ? { 'app.kubernetes.io/component': componentLabel[mode] } : {}),
    ...additional,
    ...(mode ? { component: componentLabel[mode] } : {}),
  };
}

/** templates/_helpers.tpl serviceEnabled: on unless service.enabled is false, off by default for a daemonset. */
export function serviceEnabled(values: Values): boolean {
  const enabled = obj(values['service'])?.['enabled'];
  if (modeOf(values) === 'daemonset') return enabled === true;
  return enabled !== false;
}

export interface RenderedPort {
  name: string;
  port: number;
  targetPort: number;
  protocol: string;
}

/** The Service's ports: every enabled entry of the merged `ports` map, in key order (Go templates range maps sorted). */
export function servicePorts(values: Values): RenderedPort[] {
  const merged = obj(coalesce(defaultPorts, values['ports'])) ?? {};
  return Object.keys(merged)
    .sort()
    .flatMap((name) => {
      const p = obj(merged[name]);
      if (!p || p['enabled'] !== true) return [];
      const target = Number(p['containerPort']);
      const port = p['servicePort'] === undefined ? Number.NaN : Number(p['servicePort']);
      return [{ name, port, targetPort: target, protocol: str(p['protocol']) ?? 'TCP' }];
    });
}

export interface RenderedServiceMonitor {
  name: string;
  labels: Record<string, string>;
  matchLabels: Record<string, string>;
  endpointPorts: string[];
}

/** templates/servicemonitor.yaml: undefined when the chart renders none. */
export function serviceMonitorOf(release: string, values: Values): RenderedServiceMonitor | undefined {
  const sm = obj(coalesce(defaultServiceMonitor, values['serviceMonitor'])) ?? {};
  const endpoints = Array.isArray(sm['metricsEndpoints']) ? (sm['metricsEndpoints'] as unknown[]) : [];
  if (!serviceEnabled(values) || sm['enabled'] !== true || endpoints.length === 0) return undefined;
  const common = serviceLabels(release, values);
  delete common['component'];
  const extra = Object.fromEntries(Object.entries(obj(sm['extraLabels']) ?? {}).map(([k, v]) => [k, str(v) ?? '']));
  return {
    name: fullname(release, values),
    labels: { ...common, ...extra },
    matchLabels: selectorLabels(release, values),
    endpointPorts: endpoints.map((e) => str(obj(e)?.['port']) ?? '').filter((p) => p !== ''),
  };
}

/** The collector config the chart writes into its ConfigMap (no presets, no alternateConfig). */
export function effectiveConfig(values: Values): Record<string, unknown> {
  const alternate = obj(values['alternateConfig']);
  if (alternate && Object.keys(alternate).length) return alternate;
  return obj(coalesce(defaultConfig, values['config'])) ?? {};
}

export interface MissingValue {
  path: string;
  message: string;
}

/** What the chart's NOTES.txt `fail`s on, for these values. */
export function missingRequiredValues(values: Values): MissingValue[] {
  const out: MissingValue[] = [];
  const mode = values['mode'];
  if (!modeOf(values)) {
    out.push({
      path: 'mode',
      message:
        mode === undefined || mode === ''
          ? t`mode is not set, so the chart fails with "[ERROR] 'mode' must be set"; the lab's collector is mode: deployment.`
          : t`mode is '${str(mode) ?? typeof mode}', but the chart accepts only ${modes.join(', ')}.`,
    });
  }
  if (!str(obj(values['image'])?.['repository'])) {
    out.push({
      path: 'image.repository',
      message: t`image.repository is not set, so the chart fails with "[ERROR] 'image.repository' must be \
set". Set image.repository: otel/opentelemetry-collector-contrib and image.tag: "${versions.collector}".`,
    });
  }
  const extensions = obj(obj(effectiveConfig(values)['service']))?.['extensions'];
  const list = Array.isArray(extensions) ? extensions.map(str) : [];
  if (!obj(values['alternateConfig']) || !Object.keys(obj(values['alternateConfig']) ?? {}).length) {
    const either = healthExtensions.map(String).reduce((x, y) => t`${x} nor ${y}`);
    if (!healthExtensions.some((h) => list.includes(h)))
      out.push({
        path: 'config.service.extensions',
        message: t`config.service.extensions has neither ${either}, so the chart \
fails ("requires that the health_check extension ... be included"); the pod's probes call \
it on port 13133. A list in the values replaces the chart's [health_check]: keep health_check in it.`,
      });
  }
  return out;
}

/** The collector version a values file runs: image.tag, or the chart's appVersion. */
export function collectorVersionOfValues(values: Values): string {
  const tag = str(obj(values['image'])?.['tag']);
  return tag ? tag.replace(/^v/, '') : collectorChart.appVersion;
}
