// Which Prometheus series names and labels an OpenTelemetry instrument becomes, by path: the
// collector's prometheus exporter scraped by Prometheus, or Prometheus' own OTLP receiver. Our own
// port of the naming rules of github.com/prometheus/otlptranslator v1.0.0 (the module both the
// collector's prometheusexporter v0.155.0 and v0.165.1 and Prometheus 3.14.0 use; read in the Go
// module cache on 2026-12-05), so a student can see why a query finds nothing before running one.
import { t } from '../text/l10n';

export type InstrumentKind = 'counter' | 'updowncounter' | 'gauge' | 'histogram';
export const instrumentKinds: readonly InstrumentKind[] = ['counter', 'updowncounter', 'gauge', 'histogram'];
export type Temporality = 'cumulative' | 'delta';

export interface Instrument {
  name: string;
  unit: string;
  kind: InstrumentKind;
  /** Cumulative when absent (the SDKs' default for OTLP). */
  temporality?: Temporality;
  /** Attribute keys of the data points. */
  attributes?: readonly string[];
  /** Resource attribute keys besides service.name/service.instance.id (which give job and instance). */
  resource?: readonly string[];
  /** Whether the resource has service.name / service.instance.id (service.name: always, as the SDK sets it). */
  serviceName?: boolean;
  serviceInstanceId?: boolean;
  /** The instrumentation scope; a label with an empty value is not stored by Prometheus. */
  scope?: { name: string; version?: string; schemaUrl?: string; attributes?: readonly string[] };
}

/** otlptranslator's TranslationStrategyOption values (all four exist in v1.0.0 and in each pin below). */
export type TranslationStrategy =
  | 'UnderscoreEscapingWithSuffixes'
  | 'UnderscoreEscapingWithoutSuffixes'
  | 'NoUTF8EscapingWithSuffixes'
  | 'NoTranslation';
export const translationStrategies: readonly TranslationStrategy[] = [
  'UnderscoreEscapingWithSuffixes',
  'UnderscoreEscapingWithoutSuffixes',
  'NoUTF8EscapingWithSuffixes',
  'NoTranslation',
];

/** The collector releases whose prometheusexporter we read: the lab's pin and the newest. */
export const collectorNamingVersions = ['0.155.0', '0.165.1'] as const;
export const prometheusOtlpVersions = ['3.14.0'] as const;

export interface CollectorPath {
  via: 'collector';
  /** The collector release (its contrib prometheusexporter). */
  version: string;
  /**
   * Unset: the deprecated add_metric_suffixes, which the Beta gate
   * exporter.prometheusexporter.DisableAddMetricSuffixes (on by default in both pins) ignores, so
   * UnderscoreEscapingWithSuffixes.
   */
  translationStrategy?: TranslationStrategy;
  namespace?: string;
  /** resource_to_telemetry_conversion.enabled (deprecated from 0.165.x for resource_constant_labels). */
  resourceToTelemetry?: boolean;
  /** resource_constant_labels.included (0.165.x only). */
  resourceConstantLabels?: readonly string[];
  enableOpenMetrics?: boolean;
  withoutScopeInfo?: boolean;
  /** The scrape config's honor_labels (false by default): false renames job/instance to exported_*. */
  honorLabels?: boolean;
  prometheusMajor: number;
}

export interface PrometheusOtlpPath {
  via: 'prometheus-otlp';
  /** Prometheus release (3.14.0). */
  version: string;
  /** otlp.translation_strategy; UnderscoreEscapingWithSuffixes by default. */
  translationStrategy?: TranslationStrategy;
  /** otlp.promote_resource_attributes. */
  promoteResourceAttributes?: readonly string[];
  promoteAllResourceAttributes?: boolean;
  promoteScopeMetadata?: boolean;
  /** --enable-feature=otlp-deltatocumulative (or otlp-native-delta-ingestion): without it delta points are refused. */
  acceptDelta?: boolean;
  prometheusMajor: number;
}

export type NamingPath = CollectorPath | PrometheusOtlpPath;

export interface Translation {
  /** Every series name Prometheus will hold for the instrument, in a stable order. */
  series: string[];
  /** The label names those series carry (`le` on `_bucket` only), sorted. */
  labels: string[];
  /** The strategy in effect, after defaults. */
  strategy: TranslationStrategy;
  /** Why nothing arrives, when nothing does (series then empty). */
  dropped?: string;
  /** Conditions the names depend on, in words. */
  notes: string[];
}

// otlptranslator's unit words (metric_namer.go unitMap/perUnitMap); "1" has no word of its own.
const unitWords: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};
const perUnitWords: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

type PromType = 'counter' | 'nonMonotonicCounter' | 'gauge' | 'histogram';

function promType(kind: InstrumentKind): PromType {
  if (kind === 'counter') return 'counter';
  if (kind === 'updowncounter') return 'nonMonotonicCounter';
  return kind;
}

/** The unit's words: `s` → seconds, `By/s` → bytes + per_second; annotations (`{request}`) give none. */
export function unitSuffixes(unit: string): { main: string; per: string } {
  const slash = unit.indexOf('/');
  const mainPart = (slash < 0 ? unit : unit.slice(0, slash)).trim();
  const perPart = slash < 0 ? '' : unit.slice(slash + 1).trim();
  const main = mainPart && !/[{}]/.test(mainPart) ? (unitWords[mainPart] ?? mainPart) : '';
  let per = perPart && !/[{}]/.test(perPart) ? (perUnitWords[perPart] ?? perPart) : '';
  if (per) per = `per_${per}`;
  return { main, per };
}

const compliantChar = /[a-zA-Z0-9:]/;

/** Splits on every rune outside [a-zA-Z0-9:], dropping empty pieces (Go's strings.FieldsFunc). */
function fields(text: string, keep: RegExp = compliantChar): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of text) {
    if (keep.test(ch)) cur += ch;
    else if (cur) {
      out.push(cur);
      cur = '';
    }
  }
  if (cur) out.push(cur);
  return out;
}

function cleanUnit(word: string): string {
  return [...word]
    .map((c) => (compliantChar.test(c) ? c : '_'))
    .join('')
    .replace(/_+/g, '_')
    .replace(/^_/, '');
}

function startsWithDigit(s: string): boolean {
  return /^[0-9]/.test(s);
}

/** The escaped name with suffixes: tokens of the legacy alphabet joined by `_`, unit and type words appended once. */
function escapedWithSuffixes(name: string, unit: string, type: PromType, namespace: string): string {
  let tokens = fields(name);
  const { main, per } = unitSuffixes(unit);
  let mainWord = cleanUnit(main);
  let perWord = cleanUnit(per);
  if (tokens.includes(mainWord)) mainWord = '';
  if (perWord === 'per_') perWord = '';
  else {
    perWord = perWord.replace(/_$/, '');
    if (tokens.includes(perWord)) perWord = '';
  }
  if (perWord) mainWord = mainWord.replace(/_$/, '');
  if (mainWord) tokens.push(mainWord);
  if (perWord) tokens.push(perWord);
  if (type === 'counter') tokens = [...tokens.filter((w) => w !== 'total'), 'total'];
  if (unit === '1' && type === 'gauge') tokens = [...tokens.filter((w) => w !== 'ratio'), 'ratio'];
  if (namespace) tokens = [namespace, ...tokens];
  const joined = tokens.join('_');
  return startsWithDigit(joined) ? `_${joined}` : joined;
}

function escapedWithoutSuffixes(name: string, namespace: string): string {
  const keep = /[a-zA-Z0-9:_]/;
  const base = fields(name, keep).join('_');
  if (namespace) return `${fields(namespace, keep).join('_')}_${base}`;
  return startsWithDigit(base) ? `_${base}` : base;
}

function trimSuffixWord(name: string, word: string): string {
  return name.endsWith(word) && name.length > word.length + 1 ? name.slice(0, -(word.length + 1)) : name;
}

/** The UTF-8 name: kept as written, suffixes appended when asked (the unit word is not cleaned). */
function utf8Name(name: string, unit: string, type: PromType, namespace: string, suffixes: boolean): string {
  let out = namespace ? `${namespace}_${name}` : name;
  if (!suffixes) return out;
  const tail: string[] = [];
  if (unit === '1' && type === 'gauge') {
    out = trimSuffixWord(out, 'ratio');
    tail.unshift('_ratio');
  }
  if (type === 'counter') {
    out = trimSuffixWord(out, 'total');
    tail.unshift('_total');
  }
  const { main, per } = unitSuffixes(unit);
  if (per) {
    out = trimSuffixWord(out, per);
    tail.unshift(`_${per}`);
  }
  if (main && !out.endsWith(main)) out = `${out}_${main}`;
  return out + tail.join('');
}

const withSuffixes = (s: TranslationStrategy): boolean =>
  s === 'UnderscoreEscapingWithSuffixes' || s === 'NoUTF8EscapingWithSuffixes';
const escapes = (s: TranslationStrategy): boolean =>
  s === 'UnderscoreEscapingWithSuffixes' || s === 'UnderscoreEscapingWithoutSuffixes';

/** The metric family name an instrument gets under a strategy (before `_bucket`/`_sum`/`_count`). */
export function metricName(inst: Instrument, strategy: TranslationStrategy, namespace = ''): string {
  const type = promType(inst.kind);
  if (!escapes(strategy)) return utf8Name(inst.name, inst.unit, type, namespace, withSuffixes(strategy));
  if (withSuffixes(strategy)) return escapedWithSuffixes(inst.name, inst.unit, type, namespace);
  return escapedWithoutSuffixes(inst.name, namespace);
}

export interface LabelNaming {
  utf8: boolean;
  /** Keep `a__b` as written (the collector's exporter in both pins, Prometheus' OTLP default). */
  preserveMultipleUnderscores: boolean;
  /** Prefix `key` to a name starting with one `_` (Prometheus' OTLP default, for compatibility). */
  underscoreSanitization: boolean;
}

/** A label name from an attribute key (otlptranslator LabelNamer); undefined for one it refuses. */
export function labelName(key: string, naming: LabelNaming): string | undefined {
  if (!key || /^_+$/.test(key)) return undefined;
  if (naming.utf8) return key;
  let out: string;
  if (naming.preserveMultipleUnderscores) out = [...key].map((c) => (/[a-zA-Z0-9]/.test(c) ? c : '_')).join('');
  else {
    const reserved = key.length >= 4 && key.startsWith('__') && key.endsWith('__');
    const inner = reserved ? key.slice(2, -2) : key;
    out = [...inner]
      .map((c) => (/[a-zA-Z0-9]/.test(c) ? c : '_'))
      .join('')
      .replace(/_+/g, '_');
    if (reserved) out = `__${out}__`;
  }
  if (startsWithDigit(out)) out = `key_${out}`;
  else if (naming.underscoreSanitization && out.startsWith('_') && !out.startsWith('__')) out = `key${out}`;
  return /^_+$/.test(out) ? undefined : out;
}

function seriesOf(base: string, inst: Instrument, openMetricsCounter: boolean): string[] {
  if (inst.kind === 'histogram') return [`${base}_bucket`, `${base}_count`, `${base}_sum`];
  if (openMetricsCounter && inst.kind === 'counter' && !base.endsWith('_total')) return [`${base}_total`];
  return [base];
}

function collectorStrategy(path: CollectorPath): TranslationStrategy {
  return path.translationStrategy ?? 'UnderscoreEscapingWithSuffixes';
}

function translateCollector(inst: Instrument, path: CollectorPath): Translation {
  const strategy = collectorStrategy(path);
  const notes: string[] = [];
  const naming: LabelNaming = {
    utf8: !escapes(strategy),
    preserveMultipleUnderscores: true,
    underscoreSanitization: false,
  };
  if ((inst.temporality ?? 'cumulative') === 'delta' && inst.kind === 'updowncounter')
    return {
      series: [],
      labels: [],
      strategy,
      dropped: t`collector ${path.version}'s prometheus exporter refuses a non-monotonic sum with delta temporality`,
      notes,
    };
  // The metric namer gets the configured namespace as written (collector.go configureMetricNamer).
  const base = metricName(inst, strategy, path.namespace ?? '');
  const labels = new Set<string>();
  for (const a of inst.attributes ?? []) {
    const l = labelName(a, naming);
    if (l) labels.add(l);
  }
  if (!path.withoutScopeInfo && inst.scope) {
    for (const a of inst.scope.attributes ?? []) {
      if (a === 'name' || a === 'version' || a === 'schema_url') continue;
      const l = labelName(`otel_scope_${a}`, naming);
      if (l) labels.add(l);
    }
    if (inst.scope.name) labels.add('otel_scope_name');
    if (inst.scope.version) labels.add('otel_scope_version');
    if (inst.scope.schemaUrl) labels.add('otel_scope_schema_url');
  }
  const promoted = [
    ...(path.resourceToTelemetry ? (inst.resource ?? []) : []),
    ...(path.resourceConstantLabels ?? []).filter((r) => (inst.resource ?? []).includes(r)),
  ];
  for (const r of promoted) {
    const l = labelName(r, naming);
    if (l) labels.add(l);
  }
  const hasJob = inst.serviceName !== false;
  const hasInstance = inst.serviceInstanceId === true;
  // What the scrape adds: job and instance of the target; the exporter's own move aside unless honored.
  const honor = path.honorLabels === true;
  if (hasJob) labels.add(honor ? 'job' : 'exported_job');
  if (hasInstance) labels.add(honor ? 'instance' : 'exported_instance');
  labels.add('job');
  labels.add('instance');
  if (!honor && (hasJob || hasInstance))
    notes.push(
      t`honor_labels: false (the default) renames the exporter’s job/instance to exported_job/exported_instance`,
    );
  if ((inst.temporality ?? 'cumulative') === 'delta')
    notes.push(t`the exporter accumulates delta points into cumulative series`);
  if (path.enableOpenMetrics && inst.kind === 'counter' && !base.endsWith('_total'))
    notes.push(t`OpenMetrics exposition appends _total to a counter that lacks it`);
  // The exporter names it with the namespace too (collector.go: namespace + "_" + target_info).
  const targetInfo = path.namespace
    ? `${labelName(path.namespace, naming) ?? path.namespace}_target_info`
    : 'target_info';
  notes.push(t`${targetInfo} holds the resource attributes`);
  return {
    series: seriesOf(base, inst, path.enableOpenMetrics === true),
    labels: withLe(inst, labels),
    strategy,
    notes,
  };
}

function withLe(inst: Instrument, labels: Set<string>): string[] {
  if (inst.kind === 'histogram') labels.add('le');
  return [...labels].sort();
}

function translatePrometheusOtlp(inst: Instrument, path: PrometheusOtlpPath): Translation {
  const strategy = path.translationStrategy ?? 'UnderscoreEscapingWithSuffixes';
  const notes: string[] = [];
  if ((inst.temporality ?? 'cumulative') === 'delta' && !path.acceptDelta)
    return {
      series: [],
      labels: [],
      strategy,
      dropped: t`Prometheus ${path.version}'s OTLP receiver refuses delta temporality unless started with \
${'--enable-feature=otlp-deltatocumulative'}`,
      notes,
    };
  // Prometheus' OTLP defaults: label_name_underscore_sanitization and preserve_multiple_underscores on.
  const naming: LabelNaming = {
    utf8: !escapes(strategy),
    preserveMultipleUnderscores: true,
    underscoreSanitization: true,
  };
  const base = metricName(inst, strategy);
  const labels = new Set<string>();
  for (const a of inst.attributes ?? []) {
    const l = labelName(a, naming);
    if (l) labels.add(l);
  }
  const promote = path.promoteAllResourceAttributes ? (inst.resource ?? []) : (path.promoteResourceAttributes ?? []);
  for (const r of promote) {
    if (!(inst.resource ?? []).includes(r)) continue;
    const l = labelName(r, naming);
    if (l) labels.add(l);
  }
  if (path.promoteScopeMetadata && inst.scope) {
    if (inst.scope.name) labels.add('otel_scope_name');
    if (inst.scope.version) labels.add('otel_scope_version');
    if (inst.scope.schemaUrl) labels.add('otel_scope_schema_url');
    for (const a of inst.scope.attributes ?? []) {
      const l = labelName(`otel_scope_${a}`, naming);
      if (l) labels.add(l);
    }
  }
  if (inst.serviceName !== false) labels.add('job');
  if (inst.serviceInstanceId === true) labels.add('instance');
  notes.push(t`job is service.namespace/service.name and instance is service.instance.id; target_info holds the rest`);
  return { series: seriesOf(base, inst, false), labels: withLe(inst, labels), strategy, notes };
}

/** The series names and labels Prometheus holds for `inst` arriving by `path`. */
export function translateInstrument(inst: Instrument, path: NamingPath): Translation {
  return path.via === 'collector' ? translateCollector(inst, path) : translatePrometheusOtlp(inst, path);
}

/** "collector 0.155.0's prometheus exporter (UnderscoreEscapingWithSuffixes)", for sentences. */
export function describePath(path: NamingPath, strategy?: TranslationStrategy): string {
  const s = strategy ?? path.translationStrategy ?? 'UnderscoreEscapingWithSuffixes';
  return path.via === 'collector'
    ? t`collector ${path.version}'s prometheus exporter (${s})`
    : t`Prometheus ${path.version}'s OTLP receiver (${s})`;
}
