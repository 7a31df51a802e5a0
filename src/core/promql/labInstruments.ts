// The instruments the lab's data comes from, and the way back from a Prometheus name to them: the
// Flask app's (opentelemetry-instrumentation-flask 0.66b1, read in its source on 2026-12-05: the
// old conventions record http.server.duration in ms and http.server.active_requests in
// "requests"; OTEL_SEMCONV_STABILITY_OPT_IN=http records http.server.request.duration in s and
// the active requests in "{request}") and the lab's default path (collector 0.155.0's prometheus
// exporter, no translation_strategy: UnderscoreEscapingWithSuffixes). The Python SDK 1.45.1 gives
// every process a service.instance.id (a UUID), so the app's series carry an instance of their own.
import {
  collectorNamingVersions,
  describePath,
  prometheusOtlpVersions,
  translateInstrument,
  translationStrategies,
  type Instrument,
  type NamingPath,
  type TranslationStrategy,
} from './otelNames';

export interface LabInstrument extends Instrument {
  /** Who records it and when, in words. */
  source: string;
}

const flaskScope = (schemaVersion: string): Instrument['scope'] => ({
  name: 'opentelemetry.instrumentation.flask',
  version: '0.66b1',
  schemaUrl: `https://opentelemetry.io/schemas/${schemaVersion}`,
});
const oldMode = 'the OpenTelemetry Flask instrumentation with OTEL_SEMCONV_STABILITY_OPT_IN unset';
const newMode = 'the OpenTelemetry Flask instrumentation with OTEL_SEMCONV_STABILITY_OPT_IN=http';

export const labInstruments: readonly LabInstrument[] = [
  {
    name: 'http.server.duration',
    unit: 'ms',
    kind: 'histogram',
    attributes: [
      'http.method',
      'http.scheme',
      'http.status_code',
      'http.flavor',
      'http.server_name',
      'net.host.port',
      'http.route',
      'http.target',
      'http.host',
      'net.host.name',
    ],
    scope: flaskScope('1.11.0'),
    serviceInstanceId: true,
    source: oldMode,
  },
  {
    name: 'http.server.active_requests',
    unit: 'requests',
    kind: 'updowncounter',
    attributes: ['http.method', 'http.scheme', 'http.flavor', 'http.server_name', 'http.host'],
    scope: flaskScope('1.11.0'),
    serviceInstanceId: true,
    source: oldMode,
  },
  {
    name: 'http.server.request.duration',
    unit: 's',
    kind: 'histogram',
    attributes: [
      'http.request.method',
      'http.response.status_code',
      'http.route',
      'network.protocol.version',
      'url.scheme',
      'error.type',
    ],
    scope: flaskScope('1.21.0'),
    serviceInstanceId: true,
    source: newMode,
  },
  {
    name: 'http.server.active_requests',
    unit: '{request}',
    kind: 'updowncounter',
    attributes: ['http.request.method', 'url.scheme'],
    scope: flaskScope('1.21.0'),
    serviceInstanceId: true,
    source: newMode,
  },
];

/** The lab's default path: the pinned collector's exporter as templates/lab/k8s/otel-collector-config.yaml sets it. */
export const labPath: NamingPath = { via: 'collector', version: '0.155.0', prometheusMajor: 3 };

/** Every path and strategy the pinned versions support. */
export function allPaths(): NamingPath[] {
  const paths: NamingPath[] = [];
  for (const version of collectorNamingVersions)
    for (const translationStrategy of translationStrategies)
      paths.push({ via: 'collector', version, translationStrategy, prometheusMajor: 3 });
  for (const version of prometheusOtlpVersions)
    for (const translationStrategy of translationStrategies)
      paths.push({ via: 'prometheus-otlp', version, translationStrategy, prometheusMajor: 3 });
  return paths;
}

export interface NameOrigin {
  instrument: LabInstrument;
  path: NamingPath;
  strategy: TranslationStrategy;
}

/** Which lab instruments, by which paths, give a series named `series`. */
export function originsOf(series: string, paths: readonly NamingPath[] = allPaths()): NameOrigin[] {
  const out: NameOrigin[] = [];
  for (const instrument of labInstruments)
    for (const path of paths) {
      const t = translateInstrument(instrument, path);
      if (t.series.includes(series)) out.push({ instrument, path, strategy: t.strategy });
    }
  return out;
}

/** "`http.server.duration` (ms, histogram) from <source>", for hovers and messages. */
export function describeInstrument(i: LabInstrument): string {
  return `\`${i.name}\` (${i.kind}, unit \`${i.unit}\`) from ${i.source}`;
}

/**
 * One sentence on where a series name comes from, grouping the paths that agree:
 * "`x` comes from `http.server.duration` (...) through collector 0.155.0's ... or ...".
 */
export function describeOrigins(series: string, origins: readonly NameOrigin[]): string | undefined {
  if (origins.length === 0) return undefined;
  const byInstrument = new Map<LabInstrument, string[]>();
  for (const o of origins) {
    const list = byInstrument.get(o.instrument) ?? [];
    list.push(describePath(o.path, o.strategy));
    byInstrument.set(o.instrument, list);
  }
  const parts = [...byInstrument].map(([i, paths]) => `${describeInstrument(i)}, through ${paths.join('; ')}`);
  return `\`${series}\` comes from ${parts.join('; or from ')}`;
}

/** What the lab's default path names an instrument's series, for "Did you mean" sentences. */
export function labSeriesFor(instrument: Instrument, path: NamingPath = labPath): string[] {
  return translateInstrument(instrument, path).series;
}
