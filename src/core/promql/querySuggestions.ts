// The query panel's "Did you mean" as the page gets it: metric names Prometheus lacks, then (on a
// Prometheus 3, or one whose version is unknown) `le`/`quantile` matchers it never matches, each
// marked with its kind so the page never has to guess which is which from the text.
import type { Suggestion } from '../protocol/query';
import { floatLabelRewritesFor } from './bucketLabels';
import { suggestForQuery } from './suggest';

/** Metric-name suggestions (only when the names are known) followed by matcher rewrites. */
export function querySuggestions(
  expr: string,
  metricNames: readonly string[],
  serverVersion: string | undefined,
): Suggestion[] {
  const names: Suggestion[] = metricNames.length
    ? suggestForQuery(expr, metricNames).map((s) => ({
        kind: 'metric-name',
        name: s.name,
        start: s.start,
        end: s.end,
        suggestions: s.suggestions,
        ...(s.note ? { note: s.note } : {}),
      }))
    : [];
  const matchers: Suggestion[] = floatLabelRewritesFor(expr, serverVersion).map((r) => ({
    kind: 'label-value-rewrite',
    name: r.written,
    start: r.start,
    end: r.end,
    suggestions: [r.replacement],
    note: r.note,
  }));
  return [...names, ...matchers];
}
