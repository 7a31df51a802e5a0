// How PromQL must write a metric or label name in Prometheus 3, which accepts any UTF-8 name
// (checked against Prometheus 3.14.0, model/labels and docs/migration.md "UTF-8 names", on
// 2026-12-05): a name of the legacy alphabet is written bare (`up`, `http_route`), any other one
// only quoted inside the braces (`{"http.server.duration"}`, `{"http.route"="/hash"}`).

/** Prometheus' legacy metric name alphabet: what PromQL can write without quotes. */
export function isLegacyMetricName(name: string): boolean {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name);
}

/** Prometheus' legacy label name alphabet (no colon). */
export function isLegacyLabelName(name: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
}

/** A PromQL double-quoted string: PromQL unquotes with Go's rules, which JSON's escapes satisfy. */
export function promqlString(value: string): string {
  return JSON.stringify(value);
}

/** A label name as a matcher or a `by (...)` list writes it: bare when legacy, quoted otherwise. */
export function promqlLabelName(name: string): string {
  return isLegacyLabelName(name) ? name : promqlString(name);
}

/**
 * A selector for one series or metric: `name{a="b"}` for a legacy name, `{"x.y", a="b"}` for a
 * UTF-8 one, `{a="b"}` without a name. Label values are always quoted; label names only when they
 * must be.
 */
export function selectorFor(name: string | undefined, labels: Readonly<Record<string, string>> = {}): string {
  const matchers = Object.entries(labels).map(([k, v]) => `${promqlLabelName(k)}=${promqlString(v)}`);
  if (name && isLegacyMetricName(name)) return matchers.length ? `${name}{${matchers.join(', ')}}` : name;
  const all = name ? [promqlString(name), ...matchers] : matchers;
  return `{${all.join(', ')}}`;
}
