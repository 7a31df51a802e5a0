// The server's own view of a load test, from the lab's Task 5 queries: which queries, what their
// answers mean as numbers, and the line the live view shows beside the client's figures.
import type { LabQuery } from '../protocol/query';
import { parseDuration } from '../prometheus/duration';
import type { QueryData } from '../prometheus/types';
import { t } from '../text/l10n';

export interface ServerQueries {
  /** Requests per second at the server (lab: rate(flask_http_request_total[30s])). */
  rate: string;
  /** 95th-percentile latency in seconds. */
  p95: string;
  /** The range each query averages over, in seconds (from its [..] selector). */
  rateWindowSec: number | undefined;
  p95WindowSec: number | undefined;
}

/** The first range selector's duration in seconds, e.g. 30 for `rate(x[30s])`. */
export function rangeWindowSec(expr: string): number | undefined {
  const m = /\[(\w+)\]/.exec(expr);
  return m?.[1] ? parseDuration(m[1]) : undefined;
}

/** Task 5's rate and p95 queries among the lab's, by the titles lab-queries.promql gives them. */
export function task5Queries(queries: readonly LabQuery[]): ServerQueries | undefined {
  const rate = queries.find((q) => /^Task 5: request rate/i.test(q.title))?.expr;
  const p95 = queries.find((q) => /^Task 5: 95th percentile/i.test(q.title))?.expr;
  if (!rate || !p95) return undefined;
  return { rate, p95, rateWindowSec: rangeWindowSec(rate), p95WindowSec: rangeWindowSec(p95) };
}

/** One number from an instant query: the single series' value; undefined when there is none, it is NaN (no traffic) or a native histogram. */
export function singleValue(data: QueryData): number | undefined {
  let raw: string | undefined;
  if (data.resultType === 'vector') raw = data.result.length === 1 ? data.result[0]?.value?.[1] : undefined;
  else if (data.resultType === 'scalar') raw = data.result[1];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

export interface ServerFigures {
  /** Epoch milliseconds of the answer. */
  atMs: number;
  rps: number | undefined;
  p95Ms: number | undefined;
  rateWindowSec: number | undefined;
  p95WindowSec: number | undefined;
  /** Where the figures come from, e.g. "sandbox Prometheus" or "port-forwarded Prometheus". */
  source: string;
}

/** The figures from the two answers (p95 arrives in seconds). */
export function serverFigures(
  rate: QueryData,
  p95: QueryData,
  q: ServerQueries,
  atMs: number,
  source: string,
): ServerFigures {
  const seconds = singleValue(p95);
  return {
    atMs,
    rps: singleValue(rate),
    p95Ms: seconds === undefined ? undefined : seconds * 1000,
    rateWindowSec: q.rateWindowSec,
    p95WindowSec: q.p95WindowSec,
    source,
  };
}

const window = (s: number | undefined): string =>
  s === undefined ? '' : s % 60 === 0 && s >= 60 ? t`${s / 60} min` : t`${s} s`;

function round(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

/** "server: 412 req/s, p95 38 ms (sandbox Prometheus; rate over 30 s, p95 over 1 min)". */
export function formatServerFigures(f: ServerFigures): string {
  const rps = f.rps === undefined ? t`no requests seen yet` : t`${round(f.rps)} req/s`;
  const p95 = f.p95Ms === undefined ? t`p95 not yet known` : t`p95 ${round(f.p95Ms)} ms`;
  const windows =
    f.rateWindowSec === f.p95WindowSec
      ? t`${window(f.rateWindowSec)} window`
      : t`rate over ${window(f.rateWindowSec)}, p95 over ${window(f.p95WindowSec)}`;
  return t`server: ${rps}, ${p95} (${f.source}; ${windows})`;
}
