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
  if (tag === undefined || tag === 'latest') return { version: newest, source: tag === 'latest' ? 'latest' : 'assumed', image };
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
  { kind: 'exporters', type: 'logging', deprecatedIn: '0.86.0', removedIn: '0.111.0', replacement: 'the `debug` exporter (verbosity: basic, normal or detailed)' },
  { kind: 'extensions', type: 'memory_ballast', deprecatedIn: '0.93.0', removedIn: '0.109.0', replacement: 'the GOMEMLIMIT environment variable, or the memory_limiter processor' },
];
