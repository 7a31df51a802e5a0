// Grafana's built-in interval and range variables, filled in the way Grafana fills them before a
// panel's PromQL reaches Prometheus, so a dashboard's queries can be run (and tested) without
// Grafana: $__rate_interval, $__interval, $__interval_ms, $__range, $__range_s and $__range_ms,
// each also written ${__name}. A variable this does not know is left as it is, for the caller to see.
import { t } from '../text/l10n';

export interface GrafanaTimeVariables {
  /** $__interval: the step Grafana picked for the panel, a Prometheus duration ("15s"). */
  interval: string;
  /** $__rate_interval: see rateInterval for how Grafana derives it. */
  rateInterval: string;
  /** $__range: the dashboard's time range ("15m"). */
  range: string;
}

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds in a duration such as "1m30s", or undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  if (!/^(?:\d+(?:ms|s|m|h|d|w))+$/.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) ms += Number(m[1]) * (unitMs[m[2] ?? ''] ?? 0);
  return ms;
}

/** A whole number of seconds (or milliseconds below a second) as Prometheus writes a duration. */
export function formatDurationMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Grafana's $__rate_interval: max($__interval + scrape interval, 4 × scrape interval), the scrape
 * interval being the data source's setting (kube-prometheus-stack 88.5.3 sets Prometheus' own, 30s
 * by default), so a rate always spans at least four scrapes. As Grafana defines it since 10.2
 * (grafana/grafana#77234; checked 2026-12-05).
 */
export function rateInterval(intervalMs: number, scrapeIntervalMs: number): number {
  return Math.max(intervalMs + scrapeIntervalMs, 4 * scrapeIntervalMs);
}

/** `expr` with every built-in variable replaced; longer names first, so $__range_ms is not read as $__range. */
export function fillGrafanaVariables(expr: string, vars: GrafanaTimeVariables): string {
  const seconds = (d: string, name: string): number => {
    const ms = durationMs(d);
    if (ms === undefined) throw new Error(t`${name} "${d}" is not a duration such as 1m or 30s`);
    return ms;
  };
  const values: Record<string, string> = {
    __rate_interval: vars.rateInterval,
    __interval_ms: String(seconds(vars.interval, 'interval')),
    __interval: vars.interval,
    __range_ms: String(seconds(vars.range, 'range')),
    __range_s: String(Math.floor(seconds(vars.range, 'range') / 1000)),
    __range: vars.range,
  };
  return expr.replace(
    /\$\{(__[a-z_]+)\}|\$(__rate_interval|__interval_ms|__interval|__range_ms|__range_s|__range)(?![A-Za-z0-9_])/g,
    (whole, braced: string | undefined, bare: string | undefined) => values[braced ?? bare ?? ''] ?? whole,
  );
}

/** The template variables still in `expr` ($name, ${name} or [[name]]), e.g. after fillGrafanaVariables. */
export function grafanaVariablesIn(expr: string): string[] {
  return [...expr.matchAll(/\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)|\[\[([A-Za-z0-9_]+)\]\]/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? '',
  );
}
