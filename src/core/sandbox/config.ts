// Configs for the local sandbox, derived from the lab's own files so the sandbox runs what the
// student deploys: the collector config from the scaffold's ConfigMap with every listener moved
// to 127.0.0.1 and a free port, whatever host it named (a folder someone else wrote must not open
// ports to the network), and with no way to read the environment, files or URLs (its
// ${env:MY_POD_IP} becomes 127.0.0.1, any other reference is refused); and a prometheus.yml that
// scrapes the collector the way the lab's two ServiceMonitors make the Prometheus operator scrape it,
// and the load generator's own endpoint while a load test runs (found through file_sd files).
import {
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  parseDocument,
  stringify,
  visit,
  type Document,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import { clientMetricsJob } from '../loadtest/clientMetrics';
import { t } from '../text/l10n';

export class SandboxConfigError extends Error {}

export interface CollectorListenPorts {
  /** The otlp receiver's gRPC endpoint, where the app sends its telemetry. */
  otlpGrpc: number;
  /** The prometheus exporter: the metrics the collector received (:8889 in the cluster). */
  metrics: number;
  /** The collector's own telemetry, the `readers` pull exporter (:8888 in the cluster). */
  telemetry: number;
}

const loopback = '127.0.0.1';

/**
 * The collector config inside a ConfigMap manifest (the key ending in .yaml whose value has
 * `receivers`), or the text itself when it already is a collector config.
 */
export function collectorConfigText(manifestOrConfig: string): string {
  const docs = parseAllDocuments(manifestOrConfig);
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    if (doc.errors.length)
      throw new SandboxConfigError(t`the collector config is not valid YAML: ${doc.errors[0]?.message ?? ''}`);
    const value: unknown = doc.toJS();
    if (!isPlainObject(value)) continue;
    if ('receivers' in value || 'service' in value) return manifestOrConfig;
    if (value['kind'] === 'ConfigMap' && isPlainObject(value['data'])) {
      for (const [key, text] of Object.entries(value['data'])) {
        if (typeof text === 'string' && /\.ya?ml$/.test(key) && /^receivers:/m.test(text)) return text;
      }
    }
  }
  throw new SandboxConfigError(
    t`found no collector config: expected a ConfigMap with a collector.yaml key (k8s/otel-collector-config.yaml) or a collector config with receivers`,
  );
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function path(value: unknown, keys: readonly string[]): unknown {
  let cur = value;
  for (const k of keys) cur = isPlainObject(cur) ? cur[k] : undefined;
  return cur;
}

function mapAt(doc: Document, path: readonly string[]): YAMLMap | undefined {
  const node = doc.getIn(path, true);
  return isMap(node) ? node : undefined;
}

function keysOf(map: YAMLMap | undefined): string[] {
  return (map?.items ?? []).map((p) => (isScalar(p.key) ? String(p.key.value) : '')).filter(Boolean);
}

/** Component ids of one type: `otlp` and `otlp/app` are both otlp receivers. */
function idsOfType(map: YAMLMap | undefined, type: string): string[] {
  return keysOf(map).filter((k) => k === type || k.startsWith(`${type}/`));
}

/** A listener's `endpoint` under `path`, whatever host it named, becomes 127.0.0.1 with a port the kernel picks. */
function moveEndpoint(doc: Document, path: readonly string[]): void {
  const map = mapAt(doc, path);
  if (map?.has('endpoint')) map.set('endpoint', `${loopback}:0`);
}

/**
 * Environment variables the lab's manifests read that mean "this pod's address": in the sandbox
 * that is 127.0.0.1. Any other ${...} would hand the collector a value from the environment, a
 * file or a URL (the collector has those providers built in), so it is refused.
 */
export const sandboxKnownEnv: Readonly<Record<string, string>> = {
  MY_POD_IP: loopback,
  POD_IP: loopback,
  K8S_POD_IP: loopback,
};

/** `${...}` with the `$`s before it: an even number of `$` in all is the collector's escape ($${x} is the text ${x}). */
const reference = /(\$+)\{([^}]*)\}/g;

function lineOf(source: string, offset: number | undefined): string {
  return offset === undefined ? '' : ` ${t`(line ${source.slice(0, offset).split('\n').length})`}`;
}

/**
 * Replaces ${env:MY_POD_IP}-style references with 127.0.0.1 and refuses every other reference
 * (${env:…}, ${…}, ${file:…}, ${http:…}, ${https:…}, ${yaml:…}) with a SandboxConfigError naming it.
 */
function replaceReferences(doc: Document, source: string): void {
  const replace = (node: Scalar): void => {
    if (typeof node.value !== 'string' || !node.value.includes('${')) return;
    node.value = node.value.replace(reference, (whole: string, dollars: string, inner: string) => {
      if (dollars.length % 2 === 0) return whole; // escaped: the collector reads it as text
      const known = /^(?:env:)?([A-Za-z_]\w*)(?::-.*)?$/.exec(inner);
      const value = known?.[1] !== undefined ? sandboxKnownEnv[known[1]] : undefined;
      if (value === undefined) {
        throw new SandboxConfigError(
          t`the collector config reads ${`\${${inner}}`}${lineOf(source, node.range?.[0])}, a value from the environment, \
a file or a URL. The sandbox's collector may read none of those (only ${'${env:MY_POD_IP}'}, the pod's address, \
becomes 127.0.0.1), so that a lab folder's config cannot send this machine's secrets anywhere; write the value itself \
there to run it in the sandbox`,
        );
      }
      return `${dollars.slice(1)}${value}`;
    });
  };
  visit(doc, {
    Scalar(_key, node) {
      replace(node);
    },
  });
}

/**
 * The collector config (YAML text) with the otlp gRPC receiver, the prometheus exporter and the
 * telemetry pull reader on 127.0.0.1 at the given ports; any other listener (every receiver's
 * endpoint and protocols.*.endpoint, extensions' endpoints, other pull readers) moves to 127.0.0.1
 * with a port the kernel picks, whatever host it named, so the sandbox never binds another
 * interface or a fixed port. ${env:MY_POD_IP} and its kin become 127.0.0.1. Comments are kept, so
 * the file reads like the lab's. Throws SandboxConfigError when a part the sandbox scrapes is
 * missing, naming what to add, or when the config reads the environment, a file or a URL.
 */
export function sandboxCollectorConfig(collectorYaml: string, ports: CollectorListenPorts): string {
  const doc = parseDocument(collectorYaml);
  if (doc.errors.length)
    throw new SandboxConfigError(t`the collector config is not valid YAML: ${doc.errors[0]?.message ?? ''}`);
  const receivers = mapAt(doc, ['receivers']);
  const exporters = mapAt(doc, ['exporters']);

  const otlpWithGrpc = idsOfType(receivers, 'otlp').filter((id) => doc.hasIn(['receivers', id, 'protocols', 'grpc']));
  if (!otlpWithGrpc.length)
    throw new SandboxConfigError(
      t`the collector config has no otlp receiver with a grpc protocol, so the app has nowhere to send its telemetry; \
add ${'receivers.otlp.protocols.grpc.endpoint: 0.0.0.0:4317'}`,
    );
  otlpWithGrpc.forEach((id, i) => {
    // `grpc:` with no value is valid collector config (defaults); give it a map to hold the endpoint.
    if (!mapAt(doc, ['receivers', id, 'protocols', 'grpc']))
      doc.setIn(['receivers', id, 'protocols', 'grpc'], doc.createNode({}));
    doc.setIn(['receivers', id, 'protocols', 'grpc', 'endpoint'], `${loopback}:${i === 0 ? ports.otlpGrpc : 0}`);
  });
  for (const id of idsOfType(receivers, 'otlp')) {
    if (doc.hasIn(['receivers', id, 'protocols', 'http'])) {
      if (!mapAt(doc, ['receivers', id, 'protocols', 'http']))
        doc.setIn(['receivers', id, 'protocols', 'http'], doc.createNode({}));
      doc.setIn(['receivers', id, 'protocols', 'http', 'endpoint'], `${loopback}:0`);
    }
  }
  // Every other receiver's listener (a second otlp, zipkin, jaeger's protocols), whatever host it
  // names: 0.0.0.0, ${env:MY_POD_IP}, a concrete address, [::], :P or a host name.
  for (const id of keysOf(receivers)) {
    const otlp = idsOfType(receivers, 'otlp').includes(id);
    moveEndpoint(doc, ['receivers', id]);
    for (const protocol of keysOf(mapAt(doc, ['receivers', id, 'protocols']))) {
      if (otlp && (protocol === 'grpc' || protocol === 'http')) continue; // set above
      moveEndpoint(doc, ['receivers', id, 'protocols', protocol]);
    }
  }
  // Extensions that serve something (health_check, pprof, zpages, and health_checkv2's http/grpc).
  const extensions = mapAt(doc, ['extensions']);
  for (const id of keysOf(extensions)) {
    moveEndpoint(doc, ['extensions', id]);
    for (const sub of keysOf(mapAt(doc, ['extensions', id]))) moveEndpoint(doc, ['extensions', id, sub]);
  }

  const promExporters = idsOfType(exporters, 'prometheus');
  if (!promExporters.length)
    throw new SandboxConfigError(
      t`the collector config has no prometheus exporter, so Prometheus has nothing to scrape on :8889; \
add ${'exporters.prometheus.endpoint: 0.0.0.0:8889'} and list it in the metrics pipeline`,
    );
  promExporters.forEach((id, i) =>
    doc.setIn(['exporters', id, 'endpoint'], `${loopback}:${i === 0 ? ports.metrics : 0}`),
  );

  const metricsTelemetry = mapAt(doc, ['service', 'telemetry', 'metrics']);
  const readers = metricsTelemetry?.get('readers', true);
  const pullIndexes = isSeq(readers)
    ? readers.items
        .map((r, i) => (isMap(r) && r.hasIn(['pull', 'exporter', 'prometheus']) ? i : -1))
        .filter((i) => i >= 0)
    : [];
  if (!pullIndexes.length) {
    const use = 'readers: [{pull: {exporter: {prometheus: {host: 0.0.0.0, port: 8888}}}}]';
    throw new SandboxConfigError(
      metricsTelemetry?.has('address')
        ? t`the collector config sets service.telemetry.metrics.address, which collectors from v0.128.0 refuse; \
use ${use} (\`obslab lint\` offers the fix)`
        : t`the collector config has no service.telemetry.metrics.readers pull exporter, so the collector's own metrics \
have no endpoint for Prometheus; use ${use} (\`obslab lint\` offers the fix)`,
    );
  }
  pullIndexes.forEach((ri, i) => {
    const path = ['service', 'telemetry', 'metrics', 'readers', ri, 'pull', 'exporter', 'prometheus'];
    doc.setIn([...path, 'host'], loopback);
    doc.setIn([...path, 'port'], i === 0 ? ports.telemetry : 0);
  });

  // Whatever else listens (an extension, a second pipeline's receiver) stays on loopback too.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && /^(0\.0\.0\.0|\[::\]|::|):\d+$/.test(node.value))
        node.value = `${loopback}:0`;
    },
    Pair(_key, pair) {
      if (
        isScalar(pair.key) &&
        pair.key.value === 'host' &&
        isScalar(pair.value) &&
        (pair.value.value === '0.0.0.0' || pair.value.value === '::')
      )
        pair.value.value = loopback;
    },
  });
  // Last, so a reference in a listener the sandbox has replaced does not count: what is left is what the collector would read.
  replaceReferences(doc, collectorYaml);
  return doc.toString();
}

/** How the lab's ServiceMonitors and Service name things (templates/lab/k8s/otel-servicemonitors.yaml). */
export const collectorScrape = {
  service: 'otel-collector',
  /** ServiceMonitor name per Service port name. */
  serviceMonitors: { telemetry: 'otel-collector-telemetry', metrics: 'otel-collector' },
} as const;

export type CollectorEndpoint = keyof typeof collectorScrape.serviceMonitors;

export interface PrometheusConfigInput {
  /** host:port of each collector endpoint. */
  targets: Record<CollectorEndpoint, string>;
  /** The lab's monitoring namespace, which the operator puts in the `namespace` label. */
  namespace: string;
  /** Seconds; 5 so a test sees data quickly (the lab's ServiceMonitors say 15s). */
  scrapeIntervalSeconds?: number;
}

/**
 * The file_sd files a load test writes beside prometheus.yml while it runs, one per run (its pid
 * and port in the name), each naming the generator's loopback endpoint. A glob, so two runs at
 * once are two targets; Prometheus resolves it against the config's folder, watches the folder,
 * and drops a target when its file is deleted (discovery/file, v3.14.0, checked 2026-12-05).
 */
export const clientMetricsTargetsGlob = 'loadtest-targets-*.json';

/**
 * A prometheus.yml with one scrape config per ServiceMonitor endpoint, labelled as the Prometheus
 * operator labels them: scrape pool serviceMonitor/<ns>/<name>/0, job = the Service name, plus
 * namespace, service and endpoint (the port name). honor_labels stays false, as in the operator,
 * so the exporter's own job/instance labels arrive as exported_job/exported_instance. A third job,
 * obslab-loadtest, scrapes the load generator every second while a run writes its target file:
 * a run of a few seconds still gets several points, and its last figures are scraped before it ends.
 */
export function sandboxPrometheusConfig(input: PrometheusConfigInput): string {
  const interval = `${input.scrapeIntervalSeconds ?? 5}s`;
  const endpoints: CollectorEndpoint[] = ['telemetry', 'metrics'];
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    scrape_configs: endpoints.map((endpoint) => ({
      job_name: `serviceMonitor/${input.namespace}/${collectorScrape.serviceMonitors[endpoint]}/0`,
      honor_labels: false,
      metrics_path: '/metrics',
      static_configs: [
        {
          targets: [input.targets[endpoint]],
          labels: { namespace: input.namespace, service: collectorScrape.service, endpoint },
        },
      ],
      // The operator sets job from the Service name with a relabelling; so do we.
      relabel_configs: [{ target_label: 'job', replacement: collectorScrape.service }],
    })),
  };
  const loadtest = {
    job_name: clientMetricsJob,
    scrape_interval: '1s',
    scrape_timeout: '1s',
    metrics_path: '/metrics',
    // Prometheus also watches the folder; the interval only catches an event it missed (default 5m).
    file_sd_configs: [{ files: [clientMetricsTargetsGlob], refresh_interval: '5s' }],
  };
  return (
    "# Generated by obslab sandbox: the lab's two ServiceMonitors as static scrape configs, and the\n" +
    "# load generator's endpoint while a load test runs.\n" +
    stringify({ ...config, scrape_configs: [...config.scrape_configs, loadtest] })
  );
}

/**
 * The literal environment of the first container of the first Deployment in a manifest
 * (k8s/app.yaml), so the sandbox runs the app with the student's OTEL_* settings. Values from
 * secrets or fields (valueFrom) have no meaning outside the cluster and are left out.
 */
export function deploymentEnv(manifest: string): Record<string, string> {
  const docs = parseAllDocuments(manifest);
  for (const doc of Array.isArray(docs) ? docs : []) {
    const value: unknown = doc.toJS();
    if (!isPlainObject(value) || value['kind'] !== 'Deployment') continue;
    const containers = path(value, ['spec', 'template', 'spec', 'containers']);
    const first: unknown = Array.isArray(containers) ? containers[0] : undefined;
    const env = isPlainObject(first) && Array.isArray(first['env']) ? first['env'] : [];
    const out: Record<string, string> = {};
    for (const e of env) {
      if (
        isPlainObject(e) &&
        typeof e['name'] === 'string' &&
        (typeof e['value'] === 'string' || typeof e['value'] === 'number' || typeof e['value'] === 'boolean')
      )
        out[e['name']] = String(e['value']);
    }
    return out;
  }
  return {};
}
