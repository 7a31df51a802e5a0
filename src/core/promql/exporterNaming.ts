// The naming settings of a collector config's prometheus exporter, read from its YAML (a
// standalone config or the lab's ConfigMap with the config under data), so `obslab names` and the
// hover speak of the settings the student's collector really runs with.
import { parse } from 'yaml';
import { translationStrategies, type CollectorPath, type TranslationStrategy } from './otelNames';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The collector config itself: the document, or the first string under a ConfigMap's data that holds one. */
function collectorConfig(doc: unknown): Record<string, unknown> | undefined {
  if (!isRecord(doc)) return undefined;
  if (isRecord(doc['exporters'])) return doc;
  const data = doc['data'];
  if (!isRecord(data)) return undefined;
  for (const v of Object.values(data)) {
    if (typeof v !== 'string') continue;
    const inner: unknown = parse(v);
    if (isRecord(inner) && isRecord(inner['exporters'])) return inner;
  }
  return undefined;
}

const isStrategy = (v: unknown): v is TranslationStrategy =>
  typeof v === 'string' && (translationStrategies as readonly string[]).includes(v);

/**
 * The naming options of the first `prometheus` (or `prometheus/...`) exporter in `yamlText`, as a
 * path at `version`; undefined when the text holds no such exporter.
 */
export function exporterNaming(yamlText: string, version: string): CollectorPath | undefined {
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch {
    return undefined;
  }
  const config = collectorConfig(doc);
  const exporters = config?.['exporters'];
  if (!isRecord(exporters)) return undefined;
  const key = Object.keys(exporters).find((k) => k === 'prometheus' || k.startsWith('prometheus/'));
  if (key === undefined) return undefined;
  const e = isRecord(exporters[key]) ? exporters[key] : {};
  const path: CollectorPath = { via: 'collector', version, prometheusMajor: 3 };
  if (isStrategy(e['translation_strategy'])) path.translationStrategy = e['translation_strategy'];
  if (typeof e['namespace'] === 'string' && e['namespace']) path.namespace = e['namespace'];
  if (e['enable_open_metrics'] === true) path.enableOpenMetrics = true;
  if (e['without_scope_info'] === true) path.withoutScopeInfo = true;
  const r2t = e['resource_to_telemetry_conversion'];
  if (isRecord(r2t) && r2t['enabled'] === true) path.resourceToTelemetry = true;
  const rcl = e['resource_constant_labels'];
  if (isRecord(rcl) && Array.isArray(rcl['included']))
    path.resourceConstantLabels = rcl['included'].filter((x): x is string => typeof x === 'string');
  return path;
}
