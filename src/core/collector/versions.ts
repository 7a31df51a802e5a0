// Which collector release a manifest runs, and what each release does with the config forms
// that changed. Numbers from the collector's CHANGELOG; each is checked against real builds
// by test/integration/collector.test.ts.

export type Version = readonly [number, number, number];

/** The newest release we know; `latest` or an unknown tag means this one. */
export const newestCollector = '0.155.0';

export function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function atLeast(v: Version, text: string): boolean {
  const other = parseVersion(text);
  return other !== undefined && compareVersions(v, other) >= 0;
}

export function formatVersion(v: Version): string {
  return `${v[0]}.${v[1]}.${v[2]}`;
}

export interface ImageVersion {
  version: Version;
  /** How we know: from the tag, or assumed newest for `latest`, no tag, a digest or no image. */
  source: 'tag' | 'latest' | 'assumed';
  image?: string;
}

export function collectorVersionFromImage(image: string | undefined): ImageVersion {
  const newest = parseVersion(newestCollector) as Version;
  if (!image) return { version: newest, source: 'assumed' };
  const withoutDigest = image.split('@')[0] ?? image;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const tag = colon >= 0 ? withoutDigest.slice(colon + 1) : undefined;
  if (tag === undefined || tag === 'latest')
    return { version: newest, source: tag === 'latest' ? 'latest' : 'assumed', image };
  const v = parseVersion(tag);
  return v ? { version: v, source: 'tag', image } : { version: newest, source: 'assumed', image };
}

export function isCollectorImage(image: string): boolean {
  return /opentelemetry-collector|otelcol/.test(image);
}

export type AddressState = 'honoured' | 'deprecated' | 'ignored' | 'rejected';

/** service.telemetry.metrics.address: deprecated v0.111.0, ignored v0.123.0, rejected v0.128.0. */
export function telemetryAddressState(v: Version): AddressState {
  if (atLeast(v, '0.128.0')) return 'rejected';
  if (atLeast(v, '0.123.0')) return 'ignored';
  if (atLeast(v, '0.111.0')) return 'deprecated';
  return 'honoured';
}

export interface RemovedComponent {
  kind: 'receivers' | 'processors' | 'exporters' | 'extensions' | 'connectors';
  type: string;
  deprecatedIn: string;
  removedIn: string;
  replacement: string;
}

export const removedComponents: RemovedComponent[] = [
  {
    kind: 'exporters',
    type: 'logging',
    deprecatedIn: '0.86.0',
    removedIn: '0.111.0',
    replacement: 'the `debug` exporter (verbosity: basic, normal or detailed)',
  },
  {
    kind: 'extensions',
    type: 'memory_ballast',
    deprecatedIn: '0.92.0',
    removedIn: '0.109.0',
    replacement: 'the GOMEMLIMIT environment variable, or the memory_limiter processor',
  },
];

export interface IntroducedComponent {
  kind: 'receivers' | 'processors' | 'exporters' | 'extensions' | 'connectors';
  type: string;
  /** The first release whose images (core or contrib) have it. */
  since: string;
}

/**
 * When components appeared in the collector images, from the release manifests of
 * opentelemetry-collector-releases (distributions/otelcol*\/manifest.yaml at each tag; they start
 * at v0.34.0 for core and v0.42.0 for contrib) and the core and contrib CHANGELOGs; checked on
 * 2026-12-05. Snake_case names are the v0.144.0 to v0.158.0 renames: the old names stay as
 * aliases, the new ones are refused by older releases. Components older than v0.42.0 in every
 * image are left out: no image a student meets lacks them.
 */
export const introducedComponents: IntroducedComponent[] = [
  { kind: 'exporters', type: 'debug', since: '0.86.0' },
  { kind: 'exporters', type: 'nop', since: '0.98.0' },
  { kind: 'exporters', type: 'otlp_grpc', since: '0.144.0' },
  { kind: 'exporters', type: 'otlp_http', since: '0.144.0' },
  { kind: 'exporters', type: 'prometheus_remote_write', since: '0.154.0' },
  { kind: 'processors', type: 'transform', since: '0.52.0' },
  { kind: 'processors', type: 'redaction', since: '0.59.0' },
  { kind: 'processors', type: 'deltatocumulative', since: '0.108.0' },
  { kind: 'processors', type: 'delta_to_cumulative', since: '0.158.0' },
  { kind: 'processors', type: 'cumulative_to_delta', since: '0.157.0' },
  { kind: 'processors', type: 'resource_detection', since: '0.153.0' },
  { kind: 'processors', type: 'k8s_attributes', since: '0.146.0' },
  { kind: 'receivers', type: 'nop', since: '0.98.0' },
  { kind: 'receivers', type: 'k8sobjects', since: '0.67.0' },
  { kind: 'receivers', type: 'k8s_objects', since: '0.151.0' },
  { kind: 'receivers', type: 'httpcheck', since: '0.63.0' },
  { kind: 'receivers', type: 'http_check', since: '0.150.0' },
  { kind: 'receivers', type: 'host_metrics', since: '0.151.0' },
  { kind: 'receivers', type: 'file_log', since: '0.149.0' },
  { kind: 'receivers', type: 'kubelet_stats', since: '0.152.0' },
  { kind: 'connectors', type: 'forward', since: '0.73.0' },
  { kind: 'connectors', type: 'count', since: '0.73.0' },
  { kind: 'connectors', type: 'spanmetrics', since: '0.74.0' },
  { kind: 'connectors', type: 'span_metrics', since: '0.151.0' },
  { kind: 'connectors', type: 'servicegraph', since: '0.75.0' },
  { kind: 'connectors', type: 'service_graph', since: '0.151.0' },
  { kind: 'connectors', type: 'routing', since: '0.86.0' },
  { kind: 'connectors', type: 'exceptions', since: '0.98.0' },
  { kind: 'connectors', type: 'roundrobin', since: '0.100.0' },
  { kind: 'connectors', type: 'round_robin', since: '0.152.0' },
  { kind: 'connectors', type: 'failover', since: '0.116.0' },
  { kind: 'connectors', type: 'signaltometrics', since: '0.119.0' },
  { kind: 'connectors', type: 'signal_to_metrics', since: '0.146.0' },
  { kind: 'extensions', type: 'basicauth', since: '0.43.0' },
];

/** Connectors as a section: v0.71.0 behind a feature gate that v0.74.0 turned on by default. */
export const connectorsOnByDefault = '0.74.0';
