// What the hover on a metric name in a .promql file says: which of the lab's instruments, through
// which path and translation_strategy, give this name (the name translator run backwards), or
// whose name it is when no OpenTelemetry instrument gives it. Pure, so the editor only places it.
import { labPath, originsOf, type NameOrigin } from './labInstruments';
import { describePath } from './otelNames';
import { knownWrongNames, metricNamesIn, translatedEquivalent } from './suggest';
import { equivalentSentence } from './labInstruments';
import { t } from '../text/l10n';

export interface NameHover {
  /** Offsets of the name in the text handed in, end exclusive. */
  start: number;
  end: number;
  /** Markdown lines. */
  lines: string[];
}

function groupByPath(origins: readonly NameOrigin[]): string[] {
  const byInstrument = new Map<string, { head: string; paths: string[] }>();
  for (const o of origins) {
    const key = `${o.instrument.name}|${o.instrument.unit}|${o.instrument.source}`;
    const entry = byInstrument.get(key) ?? {
      head: t`\`${o.instrument.name}\` (${o.instrument.kind}, unit \`${o.instrument.unit}\`) from ${o.instrument.source}`,
      paths: [],
    };
    entry.paths.push(describePath(o.path, o.strategy));
    byInstrument.set(key, entry);
  }
  return [...byInstrument.values()].map((e) => `- ${t`${e.head}, through ${e.paths.join('; ')}`}`);
}

/** What to say about the metric name at `offset` of `text` (one line or one query), if it is one. */
export function nameHover(text: string, offset: number): NameHover | undefined {
  const ref = metricNamesIn(text).find((r) => offset >= r.start && offset <= r.end);
  if (!ref) return undefined;
  const name = ref.name;
  const origins = originsOf(name);
  const lines: string[] = [];
  if (origins.length) {
    const lab = origins.some(
      (o) =>
        o.path.via === labPath.via &&
        o.path.version === labPath.version &&
        o.strategy === 'UnderscoreEscapingWithSuffixes',
    );
    lines.push(t`**\`${name}\`** comes from:`, ...groupByPath(origins));
    lines.push(
      lab
        ? t`The lab's path (${describePath(labPath)}, templates' otel-collector-config.yaml) gives this name.`
        : t`The lab's path (${describePath(labPath)}) does not give this name.`,
    );
  } else if (knownWrongNames[name]) {
    lines.push(`**\`${name}\`**: ${knownWrongNames[name].note}.`);
    const eq = translatedEquivalent(name, [knownWrongNames[name].use]);
    if (eq) lines.push(equivalentSentence(eq.equivalent.role, eq.via, eq.equivalent.name));
  } else if (name.startsWith('otelcol_')) {
    lines.push(
      t`**\`${name}\`** is the collector's own telemetry (service.telemetry.metrics, its Prometheus pull reader on :8888), \
not an instrument of the app.`,
    );
  } else return undefined;
  return { start: ref.start, end: ref.end, lines };
}
