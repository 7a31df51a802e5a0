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
import { t } from '../text/l10n';

export interface LabInstrument extends Instrument {
  /** Who records it and when, in words. */
  source: string;
  /** What it measures: instruments measuring the same thing stand in for each other in suggestions. */
  measures: 'request duration' | 'active requests';
}

const flaskScope = (schemaVersion: string): Instrument['scope'] => ({
  name: 'opentelemetry.instrumentation.flask',
  version: '0.66b1',
  schemaUrl: `https://opentelemetry.io/schemas/${schemaVersion}`,
});
// Functions, so the words are those of the language asked for when they are read, not at load.
const oldMode = (): string => t`the OpenTelemetry Flask instrumentation with OTEL_SEMCONV_STABILITY_OPT_IN unset`;
const newMode = (): string => t`the OpenTelemetry Flask instrumentation with OTEL_SEMCONV_STABILITY_OPT_IN=http`;

export const labInstruments: readonly LabInstrument[] = [
  {
    name: 'http.server.duration',
    unit: 'ms',
    kind: 'histogram',
    measures: 'request duration',
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
    get source() {
      return oldMode();
    },
  },
  {
    name: 'http.server.active_requests',
    unit: 'requests',
    kind: 'updowncounter',
    measures: 'active requests',
    attributes: ['http.method', 'http.scheme', 'http.flavor', 'http.server_name', 'http.host'],
    scope: flaskScope('1.11.0'),
    serviceInstanceId: true,
    get source() {
      return oldMode();
    },
  },
  {
    name: 'http.server.request.duration',
    unit: 's',
    kind: 'histogram',
    measures: 'request duration',
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
    get source() {
      return newMode();
    },
  },
  {
    name: 'http.server.active_requests',
    unit: '{request}',
    kind: 'updowncounter',
    measures: 'active requests',
    attributes: ['http.request.method', 'url.scheme'],
    scope: flaskScope('1.21.0'),
    serviceInstanceId: true,
    get source() {
      return newMode();
    },
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
      const named = translateInstrument(instrument, path);
      if (named.series.includes(series)) out.push({ instrument, path, strategy: named.strategy });
    }
  return out;
}

/** "`http.server.duration` (ms, histogram) from <source>", for hovers and messages. */
export function describeInstrument(i: LabInstrument): string {
  return t`\`${i.name}\` (${i.kind}, unit \`${i.unit}\`) from ${i.source}`;
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
  const parts = [...byInstrument].map(([i, paths]) => t`${describeInstrument(i)}, through ${paths.join('; ')}`);
  return t`\`${series}\` comes from ${parts.reduce((list, part) => t`${list}; or from ${part}`)}`;
}

/** What the lab's default path names an instrument's series, for "Did you mean" sentences. */
export function labSeriesFor(instrument: Instrument, path: NamingPath = labPath): string[] {
  return translateInstrument(instrument, path).series;
}

/** Which series of a family a name is: a histogram's `_bucket`, `_count` or `_sum`, or the one series of the others. */
export type SeriesRole = 'bucket' | 'count' | 'sum' | 'value';

/** "with <source> through <path> the latency buckets are `name`": what another path gives in place of a name. */
export function equivalentClause(role: SeriesRole, via: string, name: string): string {
  switch (role) {
    case 'bucket':
      return t`with ${via} the latency buckets are \`${name}\``;
    case 'count':
      return t`with ${via} the request count is \`${name}\``;
    case 'sum':
      return t`with ${via} the latency sum is \`${name}\``;
    case 'value':
      return t`with ${via} the value is \`${name}\``;
  }
}

/** The same as a sentence of its own: "With <source> through <path> the latency buckets are `name`." */
export function equivalentSentence(role: SeriesRole, via: string, name: string): string {
  switch (role) {
    case 'bucket':
      return t`With ${via} the latency buckets are \`${name}\`.`;
    case 'count':
      return t`With ${via} the request count is \`${name}\`.`;
    case 'sum':
      return t`With ${via} the latency sum is \`${name}\`.`;
    case 'value':
      return t`With ${via} the value is \`${name}\`.`;
  }
}

function roleOf(series: readonly string[], name: string): SeriesRole | undefined {
  if (series.length === 1) return series[0] === name ? 'value' : undefined;
  const i = series.indexOf(name);
  return i < 0 ? undefined : (['bucket', 'count', 'sum'] as const)[i];
}

export interface Equivalent {
  /** The name Prometheus has. */
  name: string;
  role: SeriesRole;
  instrument: LabInstrument;
  path: NamingPath;
  strategy: TranslationStrategy;
}

/**
 * The name among `known` that gives what `measures`/`role` asks for, through the lab's path
 * first and then every other path the pinned versions support; undefined when Prometheus has none.
 */
export function equivalentIn(
  known: readonly string[],
  measures: LabInstrument['measures'],
  role: SeriesRole,
): Equivalent | undefined {
  const have = new Set(known);
  for (const path of [labPath, ...allPaths()])
    for (const instrument of labInstruments) {
      if (instrument.measures !== measures) continue;
      const named = translateInstrument(instrument, path);
      const name = named.series.find((n) => roleOf(named.series, n) === role);
      if (name !== undefined && have.has(name)) return { name, role, instrument, path, strategy: named.strategy };
    }
  return undefined;
}

/** What a lab name is (its instrument's measure and its series' role), when some path gives it. */
export function roleIn(name: string): { measures: LabInstrument['measures']; role: SeriesRole } | undefined {
  for (const o of originsOf(name)) {
    const role = roleOf(translateInstrument(o.instrument, o.path).series, name);
    if (role) return { measures: o.instrument.measures, role };
  }
  return undefined;
}
