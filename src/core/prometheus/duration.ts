// Prometheus' duration syntax ("5m", "1h30m", "250ms"), for --range and --step and the webview's
// range picker, so a user writes durations the same way as inside PromQL.

const unitSeconds: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };
const whole = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;
const part = /(\d+)(ms|s|m|h|d|w|y)/g;

/** Seconds in a Prometheus duration, or undefined when `text` is not one. A bare number is seconds. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  if (!whole.test(t)) return undefined;
  let seconds = 0;
  for (const m of t.matchAll(part)) seconds += Number(m[1]) * (unitSeconds[m[2] ?? ''] ?? 0);
  return seconds;
}
