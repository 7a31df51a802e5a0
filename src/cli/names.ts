// obslab names INSTRUMENT --unit UNIT --kind KIND [--via collector|prometheus-otlp] [--strategy S] ...
// Prints the series names and labels Prometheus 3 holds for an OpenTelemetry instrument, by default
// through the lab's pinned collector with the exporter settings of the lab's collector config.
// Exit 0: printed (1 when the path refuses the points); 2: bad usage.
import * as l10n from '@vscode/l10n';
import { readFileSync } from 'node:fs';
import { versions } from '../core/facts';
import { exporterNaming } from '../core/promql/exporterNaming';
import { labInstruments } from '../core/promql/labInstruments';
import {
  collectorNamingVersions,
  describePath,
  instrumentKinds,
  prometheusOtlpVersions,
  translateInstrument,
  translationStrategies,
  type Instrument,
  type InstrumentKind,
  type NamingPath,
  type TranslationStrategy,
} from '../core/promql/otelNames';
import { defaultParams } from '../core/scaffold/params';
import { templateVars } from '../core/scaffold/plan';
import { renderTemplate } from '../core/scaffold/render';
import { templateReader } from '../node/files/labFiles';
import { defineCommand, usageLine } from './commandSpec';
import { parseCli, UsageError, type Io } from './io';
import { readFormat } from './jtl';
import { formatOption } from './commonOptions';

const labConfig = 'lab/k8s/otel-collector-config.yaml';

export const namesSpec = defineCommand({
  command: 'names',
  args: 'INSTRUMENT',
  get summary() {
    return l10n.t(
      'Prints the series names and labels Prometheus 3 holds for an OpenTelemetry instrument on a given path.',
    );
  },
  options: {
    unit: {
      type: 'string',
      value: 'UNIT',
      get help() {
        return l10n.t("the instrument's unit: s, ms, By, 1, {request} (default none)");
      },
    },
    kind: {
      type: 'string',
      value: instrumentKinds.join('|'),
      get help() {
        return l10n.t('the instrument kind (required)');
      },
    },
    via: {
      type: 'string',
      value: 'collector|prometheus-otlp',
      get help() {
        return l10n.t("the collector's prometheus exporter scraped by Prometheus, or Prometheus' own OTLP receiver");
      },
    },
    strategy: {
      type: 'string',
      value: 'STRATEGY',
      get help() {
        return l10n.t('translation_strategy (below)');
      },
    },
    release: {
      type: 'string',
      value: 'VERSION',
      get help() {
        const [a, b] = collectorNamingVersions;
        return l10n.t('collector {0} or {1}, or Prometheus {2}', a, b, prometheusOtlpVersions.join(', '));
      },
    },
    config: {
      type: 'string',
      value: 'FILE',
      get help() {
        return l10n.t("a collector config (or its ConfigMap) whose prometheus exporter's settings to use");
      },
    },
    attribute: {
      type: 'string',
      multiple: true,
      value: 'KEY',
      get help() {
        return l10n.t('a data point attribute key (repeatable)');
      },
    },
    delta: {
      type: 'boolean',
      get help() {
        return l10n.t('delta temporality (default cumulative)');
      },
    },
    'honor-labels': {
      type: 'boolean',
      get help() {
        return l10n.t("the scrape keeps the exporter's job and instance (collector)");
      },
    },
    format: formatOption,
  },
  get notes() {
    const dflt = 'UnderscoreEscapingWithSuffixes';
    return [
      l10n.t('STRATEGY: {0}.', translationStrategies.join(', ')),
      ...l10n
        .t(
          "Defaults: {0} at {1} with the exporter settings of the lab's\n{2} (no {3}: {4}), or Prometheus\n{5}'s default {4} with {6}.",
          '--via collector',
          versions.collector,
          labConfig,
          'translation_strategy',
          dflt,
          prometheusOtlpVersions[0],
          '--via prometheus-otlp',
        )
        .split('\n'),
      ...l10n
        .t(
          'A lab instrument ({0})\nbrings its attributes and scope unless --attribute is given.',
          'http.server.duration, http.server.request.duration, http.server.active_requests',
        )
        .split('\n'),
    ];
  },
});

function oneOf<T extends string>(what: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(
      `${l10n.t("{0} is {1}, not '{2}'", what, allowed.join(', '), value)}\n${usageLine(namesSpec)}`,
    );
  return value as T;
}

function readConfig(file: string | undefined): string {
  if (file === undefined) return renderTemplate(templateReader()(labConfig), templateVars(defaultParams), labConfig);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      l10n.t('cannot read {0} ({1}); name a collector config file', file, e instanceof Error ? e.message : String(e)),
    );
  }
}

export function runNames(argv: string[], io: Io): number {
  const { values, positionals } = parseCli(argv, namesSpec);
  if (positionals.length !== 1 || !positionals[0])
    throw new UsageError(
      `${l10n.t('name one instrument, as the SDK names it ({0})', 'http.server.request.duration')}\n${usageLine(namesSpec)}`,
    );
  const name = positionals[0];
  const kind = oneOf<InstrumentKind>('--kind', values.kind, instrumentKinds);
  if (!kind)
    throw new UsageError(`${l10n.t('--kind is required: {0}', instrumentKinds.join(', '))}\n${usageLine(namesSpec)}`);
  const via = oneOf('--via', values.via, ['collector', 'prometheus-otlp'] as const) ?? 'collector';
  const strategy = oneOf<TranslationStrategy>('--strategy', values.strategy, translationStrategies);
  const format = readFormat(values.format);
  const unit = values.unit ?? '';

  let path: NamingPath;
  if (via === 'collector') {
    const release = oneOf('--release', values.release, collectorNamingVersions) ?? versions.collector;
    const text = readConfig(values.config);
    const fromConfig = exporterNaming(text, release);
    if (!fromConfig && values.config !== undefined)
      throw new UsageError(
        l10n.t('{0} has no prometheus exporter; name a collector config that exports to Prometheus', values.config),
      );
    path = fromConfig ?? { via: 'collector', version: release, prometheusMajor: 3 };
    if (strategy) path.translationStrategy = strategy;
    if (values['honor-labels']) path.honorLabels = true;
  } else {
    if (values.config !== undefined || values['honor-labels'])
      throw new UsageError(`${l10n.t('--config and --honor-labels are for --via collector')}\n${usageLine(namesSpec)}`);
    const release = oneOf('--release', values.release, prometheusOtlpVersions) ?? prometheusOtlpVersions[0];
    path = {
      via: 'prometheus-otlp',
      version: release,
      prometheusMajor: 3,
      ...(strategy ? { translationStrategy: strategy } : {}),
    };
  }

  const known = labInstruments.find((i) => i.name === name && i.unit === unit && i.kind === kind);
  const instrument: Instrument = {
    name,
    unit,
    kind,
    ...(values.delta ? { temporality: 'delta' as const } : {}),
    attributes: values.attribute ?? known?.attributes ?? [],
    scope: known?.scope ?? { name: 'the meter' },
    // The lab's SDK (Python 1.45.1) sets service.instance.id on every resource.
    serviceInstanceId: true,
  };
  const t = translateInstrument(instrument, path);
  if (format === 'json')
    io.out(
      JSON.stringify(
        {
          series: t.series,
          labels: t.labels,
          path: describePath(path, t.strategy),
          ...(t.dropped ? { dropped: t.dropped } : {}),
          notes: t.notes,
        },
        null,
        2,
      ),
    );
  else {
    const through = describePath(path, t.strategy);
    io.out(
      unit
        ? l10n.t('{0} ({1}, unit {2}) through {3}:', name, kind, unit, through)
        : l10n.t('{0} ({1}) through {2}:', name, kind, through),
    );
    if (t.dropped) io.out(`  ${l10n.t('nothing: {0}', t.dropped)}`);
    else {
      io.out(`  ${l10n.t('series: {0}', t.series.join(', '))}`);
      io.out(`  ${l10n.t('labels: {0}', t.labels.join(', '))}`);
    }
    for (const n of t.notes) io.out(`  (${n})`);
  }
  return t.dropped ? 1 : 0;
}
