// Which collector release a manifest runs, and what each release does with the config forms
// that changed. Numbers from the collector's CHANGELOG; each is checked against real builds
// by test/integration/collector.test.ts. Every fact here carries the date it was last checked
// (YYYY-MM-DD), and test/unit/facts.test.ts fails on one that does not.
// What the lint says from a fact (a replacement, what to write instead) is a getter, so it is
// read in the language of the moment the message is made, not of the moment this module loaded.
import { t } from '../text/l10n';

export type Version = readonly [number, number, number];

/** A version fact: what, at which version, when it was last checked and how. */
export interface VersionFact {
  version: string;
  /** YYYY-MM-DD. */
  checked: string;
  how: string;
}

/** The newest release we know; `latest` or an unknown tag means this one. */
export const newestCollector = '0.165.1';

export const newestCollectorFact: VersionFact = {
  version: newestCollector,
  checked: '2026-12-05',
  how:
    'the Go module proxy: go.opentelemetry.io/collector/* at v0.165.0 and contrib (exporter/prometheusexporter and ' +
    'the other contrib modules) at v0.165.1, a patch on the same core, as v0.140.1 was; built with ocb and run by ' +
    'test/integration/collector.test.ts. The image tag itself is not checked (Docker Hub is out of reach here).',
};

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
export const telemetryAddressChanges = {
  deprecated: '0.111.0',
  ignored: '0.123.0',
  rejected: '0.128.0',
  checked: '2026-12-05',
  how:
    'collector CHANGELOG at v0.165.0 (#11205 in v0.111.0; telemetry.disableAddressFieldForInternalTelemetry beta in ' +
    'v0.123.0 (#25115), stable in v0.128.0 (#13152)); real builds: 0.111.0 honours it with a warning, 0.155.0 and ' +
    '0.165.1 refuse it (test/integration/collector.test.ts)',
} as const;

export function telemetryAddressState(v: Version): AddressState {
  if (atLeast(v, telemetryAddressChanges.rejected)) return 'rejected';
  if (atLeast(v, telemetryAddressChanges.ignored)) return 'ignored';
  if (atLeast(v, telemetryAddressChanges.deprecated)) return 'deprecated';
  return 'honoured';
}

export interface RemovedComponent {
  kind: 'receivers' | 'processors' | 'exporters' | 'extensions' | 'connectors';
  type: string;
  deprecatedIn: string;
  removedIn: string;
  replacement: string;
  /** When deprecatedIn and removedIn were last checked (YYYY-MM-DD). */
  checked: string;
}

/** Both checked on 2026-12-05 in the core CHANGELOG at v0.165.0 and against the real 0.111.0 build. */

export const removedComponents: RemovedComponent[] = [
  {
    kind: 'exporters',
    type: 'logging',
    deprecatedIn: '0.86.0',
    removedIn: '0.111.0',
    get replacement() {
      return t`the ${'`debug`'} exporter (verbosity: basic, normal or detailed)`;
    },
    checked: '2026-12-05',
  },
  {
    kind: 'extensions',
    type: 'memory_ballast',
    deprecatedIn: '0.92.0',
    removedIn: '0.109.0',
    get replacement() {
      return t`the GOMEMLIMIT environment variable, or the memory_limiter processor`;
    },
    checked: '2026-12-05',
  },
];

export interface IntroducedComponent {
  kind: 'receivers' | 'processors' | 'exporters' | 'extensions' | 'connectors';
  type: string;
  /** The first release whose images (core or contrib) have it. */
  since: string;
  /** When `since` was last checked (YYYY-MM-DD). */
  checked: string;
}

/**
 * When components appeared in the collector images, from the release manifests of
 * opentelemetry-collector-releases (distributions/otelcol*\/manifest.yaml at each tag; they start
 * at v0.34.0 for core and v0.42.0 for contrib) and the core and contrib CHANGELOGs; checked on
 * 2026-12-05. Snake_case names are the v0.144.0 to v0.158.0 renames: the old names stay as
 * aliases, the new ones are refused by older releases. Components older than v0.42.0 in every
 * image are left out: no image a student meets lacks them.
 *
 * Re-checked up to 0.165.1 on 2026-12-05 from the modules on the proxy (metadata.yaml `type:` at
 * v0.165.1 against v0.155.0): the lab-relevant contrib components renamed after 0.155.0 are
 * cumulative_to_delta and delta_to_cumulative, both listed; the others kept their 0.155.0 names.
 * Left out: core's queue_batch processor (new as queuebatch in v0.158.0, renamed in v0.162.0),
 * because the release manifests here stop at v0.159.0, which ships it in no image.
 */
export const introducedComponents: IntroducedComponent[] = [
  { kind: 'exporters', type: 'debug', since: '0.86.0', checked: '2026-12-05' },
  { kind: 'exporters', type: 'nop', since: '0.98.0', checked: '2026-12-05' },
  { kind: 'exporters', type: 'otlp_grpc', since: '0.144.0', checked: '2026-12-05' },
  { kind: 'exporters', type: 'otlp_http', since: '0.144.0', checked: '2026-12-05' },
  { kind: 'exporters', type: 'prometheus_remote_write', since: '0.154.0', checked: '2026-12-05' },
  { kind: 'processors', type: 'transform', since: '0.52.0', checked: '2026-12-05' },
  { kind: 'processors', type: 'redaction', since: '0.59.0', checked: '2026-12-05' },
  { kind: 'processors', type: 'deltatocumulative', since: '0.108.0', checked: '2026-12-05' },
  { kind: 'processors', type: 'delta_to_cumulative', since: '0.158.0', checked: '2026-12-05' },
  { kind: 'processors', type: 'cumulative_to_delta', since: '0.157.0', checked: '2026-12-05' },
  { kind: 'processors', type: 'resource_detection', since: '0.153.0', checked: '2026-12-05' },
  { kind: 'processors', type: 'k8s_attributes', since: '0.146.0', checked: '2026-12-05' },
  { kind: 'receivers', type: 'nop', since: '0.98.0', checked: '2026-12-05' },
  { kind: 'receivers', type: 'k8sobjects', since: '0.67.0', checked: '2026-12-05' },
  { kind: 'receivers', type: 'k8s_objects', since: '0.151.0', checked: '2026-12-05' },
  { kind: 'receivers', type: 'httpcheck', since: '0.63.0', checked: '2026-12-05' },
  { kind: 'receivers', type: 'http_check', since: '0.150.0', checked: '2026-12-05' },
  { kind: 'receivers', type: 'host_metrics', since: '0.151.0', checked: '2026-12-05' },
  { kind: 'receivers', type: 'file_log', since: '0.149.0', checked: '2026-12-05' },
  { kind: 'receivers', type: 'kubelet_stats', since: '0.152.0', checked: '2026-12-05' },
  { kind: 'connectors', type: 'forward', since: '0.73.0', checked: '2026-12-05' },
  { kind: 'connectors', type: 'count', since: '0.73.0', checked: '2026-12-05' },
  { kind: 'connectors', type: 'spanmetrics', since: '0.74.0', checked: '2026-12-05' },
  { kind: 'connectors', type: 'span_metrics', since: '0.151.0', checked: '2026-12-05' },
  { kind: 'connectors', type: 'servicegraph', since: '0.75.0', checked: '2026-12-05' },
  { kind: 'connectors', type: 'service_graph', since: '0.151.0', checked: '2026-12-05' },
  { kind: 'connectors', type: 'routing', since: '0.86.0', checked: '2026-12-05' },
  { kind: 'connectors', type: 'exceptions', since: '0.98.0', checked: '2026-12-05' },
  { kind: 'connectors', type: 'roundrobin', since: '0.100.0', checked: '2026-12-05' },
  { kind: 'connectors', type: 'round_robin', since: '0.152.0', checked: '2026-12-05' },
  { kind: 'connectors', type: 'failover', since: '0.116.0', checked: '2026-12-05' },
  { kind: 'connectors', type: 'signaltometrics', since: '0.119.0', checked: '2026-12-05' },
  { kind: 'connectors', type: 'signal_to_metrics', since: '0.146.0', checked: '2026-12-05' },
  { kind: 'extensions', type: 'basicauth', since: '0.43.0', checked: '2026-12-05' },
];

/** Connectors as a section: v0.71.0 behind a feature gate that v0.74.0 turned on by default. */
export const connectorsOnByDefault = '0.74.0';

export const connectorsOnByDefaultFact: VersionFact = {
  version: connectorsOnByDefault,
  checked: '2026-12-05',
  how: 'collector CHANGELOG at v0.165.0: service.connectors gate added in v0.71.0, beta (on by default) in v0.74.0 (#7369)',
};

/** Where a key sits: in each component of `kind` whose type is one of `types`, at `path` inside it. */
export interface ConfigPlace {
  kind: 'receivers' | 'processors' | 'exporters' | 'extensions' | 'connectors';
  types: readonly string[];
  path: readonly string[];
}

/**
 * The HTTP servers (confighttp ServerConfig) of the components the lab uses: the otlp receiver's
 * protocols.http and the prometheus exporter, which squashes it into its own config.
 */
export const httpServerPlaces: readonly ConfigPlace[] = [
  { kind: 'receivers', types: ['otlp'], path: ['protocols', 'http'] },
  { kind: 'exporters', types: ['prometheus'], path: [] },
];

/** The HTTP clients (confighttp ClientConfig, squashed): the otlphttp exporter, otlp_http from v0.144.0. */
export const httpClientPlaces: readonly ConfigPlace[] = [
  { kind: 'exporters', types: ['otlphttp', 'otlp_http'], path: [] },
];

/** The value types of a new section's fields, enough for the lint to check inside it. */
export type ConfigFieldType = 'bool' | 'duration' | 'int' | 'strings';

export interface ConfigKeyChange {
  /** Where the key sits, in words: `exporters/prometheus`, or `confighttp client`/`confighttp server` for every HTTP client or server. */
  where: string;
  /** Where the key sits, for the lint: the components and the path inside them. */
  places: readonly ConfigPlace[];
  key: string;
  change: 'added' | 'deprecated' | 'removed';
  /** The first release with the change (as far as it was narrowed down). */
  since: string;
  /** A removed key: the release that deprecated it (still accepted, with a warning, until `since`). */
  deprecatedIn?: string;
  /** An added section: its fields (the lint refuses others where the key is accepted). */
  fields?: Readonly<Record<string, ConfigFieldType>>;
  /**
   * An added key: what to do on releases before `since`, after "or" ("use …"). A deprecated or
   * removed key: what to use instead.
   */
  instead: string;
  /** An added key the release refuses beside this other key (both set): the collector's own words. */
  refusedBeside?: { key: string; says: string };
  /** What the real builds did. */
  note: string;
  checked: string;
}

/**
 * Config keys that one release accepts and another refuses, between the builds the truth test runs
 * (0.111.0, the lab's pin 0.155.0 and the newest, 0.165.1). The lint's collector schema describes
 * 0.155.0; the collector/schema rule reads this table to judge each key at the version the files
 * run (test/integration/collector-truth.test.ts holds it to the real builds). The confighttp field
 * names were read in the module sources at v0.111.0, v0.137.0, v0.138.0, v0.155.0, v0.160.0,
 * v0.164.0 and v1.71.0 (which ships with 0.165.0) on 2026-12-05.
 */
export const configKeyChanges: ConfigKeyChange[] = [
  {
    where: 'exporters/prometheus',
    places: [{ kind: 'exporters', types: ['prometheus'], path: [] }],
    key: 'resource_constant_labels',
    change: 'added',
    since: '0.160.0',
    fields: { included: 'strings', excluded: 'strings' },
    get instead() {
      return t`use ${'resource_to_telemetry_conversion: {enabled: true}'}, which copies every resource attribute`;
    },
    refusedBeside: {
      key: 'resource_to_telemetry_conversion',
      says: 'cannot configure both resource_to_telemetry_conversion and resource_constant_labels',
    },
    note:
      '0.155.0 and 0.111.0 refuse it ("has invalid keys"); 0.165.1 accepts it, and refuses it beside a non-empty ' +
      'resource_to_telemetry_conversion, and enabled or exclude_service_attributes inside it. The module has it at ' +
      'v0.161.0, not at v0.159.0; v0.160.0 is not on the proxy, but the feature gate that comes with it says ' +
      'from_version v0.160.0',
    checked: '2026-12-05',
  },
  {
    where: 'exporters/prometheus',
    places: [{ kind: 'exporters', types: ['prometheus'], path: [] }],
    key: 'resource_to_telemetry_conversion',
    change: 'deprecated',
    since: '0.160.0',
    get instead() {
      return t`${'resource_constant_labels: {included: ["*"]}'} (${'exclude_service_attributes: true'} becomes \
${'excluded: [service.name, service.instance.id, service.namespace]'})`;
    },
    note: '0.165.1 still honours it and warns "use resource_constant_labels instead"; 0.155.0 says nothing',
    checked: '2026-12-05',
  },
  {
    where: 'confighttp server',
    places: httpServerPlaces,
    key: 'keepalive',
    change: 'added',
    since: '0.160.0',
    fields: { enabled: 'bool', idle_timeout: 'duration' },
    get instead() {
      return t`use idle_timeout (and keep_alives_enabled from v0.138.0) directly in the server settings`;
    },
    note: 'the section for idle_timeout and keep_alives_enabled (enabled): 0.165.1 accepts it, 0.155.0 and 0.111.0 refuse it',
    checked: '2026-12-05',
  },
  {
    where: 'confighttp server',
    places: httpServerPlaces,
    key: 'keep_alives_enabled',
    change: 'added',
    since: '0.138.0',
    get instead() {
      return t`leave the key out: keep-alives are always on before v0.138.0`;
    },
    note: 'confighttp has it from v0.138.0 (not at v0.137.0); 0.111.0 refuses it, 0.155.0 accepts it',
    checked: '2026-12-05',
  },
  {
    where: 'confighttp server',
    places: httpServerPlaces,
    key: 'idle_timeout',
    change: 'removed',
    deprecatedIn: '0.160.0',
    since: '0.165.0',
    instead: 'keepalive: {idle_timeout: <duration>}',
    note:
      'deprecated in v0.160.0 for keepalive.idle_timeout; confighttp v0.164.0 still has it, v1.71.0 (with 0.165.0) ' +
      'does not: 0.165.1 refuses it, 0.155.0 and 0.111.0 accept it',
    checked: '2026-12-05',
  },
  {
    where: 'confighttp server',
    places: httpServerPlaces,
    key: 'keep_alives_enabled',
    change: 'removed',
    deprecatedIn: '0.160.0',
    since: '0.165.0',
    get instead() {
      return t`${'keepalive: {enabled: false}'} to turn keep-alives off (they are on by default)`;
    },
    note: 'deprecated in v0.160.0 for keepalive.enabled; 0.165.1 refuses it, 0.155.0 accepts it',
    checked: '2026-12-05',
  },
  {
    where: 'confighttp client',
    places: httpClientPlaces,
    key: 'keepalive',
    change: 'added',
    since: '0.160.0',
    fields: { enabled: 'bool', idle_conn_timeout: 'duration', max_idle_conns: 'int', max_idle_conns_per_host: 'int' },
    get instead() {
      return t`use idle_conn_timeout, max_idle_conns, max_idle_conns_per_host and disable_keep_alives directly \
in the client settings`;
    },
    note: 'the otlphttp exporter: 0.165.1 accepts it, 0.155.0 and 0.111.0 refuse it',
    checked: '2026-12-05',
  },
  ...(['idle_conn_timeout', 'max_idle_conns', 'max_idle_conns_per_host'] as const).map((key): ConfigKeyChange => ({
    where: 'confighttp client',
    places: httpClientPlaces,
    key,
    change: 'removed',
    deprecatedIn: '0.160.0',
    since: '0.165.0',
    instead: `keepalive: {${key}: …}`,
    note: 'deprecated in v0.160.0 for the keepalive section; the otlphttp exporter at 0.165.1 refuses it (#15973), 0.155.0 and 0.111.0 accept it',
    checked: '2026-12-05',
  })),
  {
    where: 'confighttp client',
    places: httpClientPlaces,
    key: 'disable_keep_alives',
    change: 'removed',
    deprecatedIn: '0.160.0',
    since: '0.165.0',
    instead: 'keepalive: {enabled: false}',
    note: 'deprecated in v0.160.0 for keepalive.enabled: false; the otlphttp exporter at 0.165.1 refuses it (#15973), 0.155.0 and 0.111.0 accept it',
    checked: '2026-12-05',
  },
];
