// obslab query 'PROMQL' [--prometheus URL] [--range 5m [--step 15s]] [--time T] [--timeout 30s] [--format json|text]
// JSON output is Prometheus' own `data` object. An empty answer is followed (on stderr) by the
// closest real metric names for any name Prometheus does not have; on a Prometheus 3 (per its
// buildinfo; one that does not say counts as 3) an `le`/`quantile` matcher written as an integer,
// which it never stores, is named with its rewrite (`le="1"` → `le="1.0"`). A native histogram
// sample reads "native histogram: count N, sum S".
// Exit 0: Prometheus answered (even with no data); 1: it could not (unreachable, query error); 2: bad usage.
import * as l10n from '@vscode/l10n';
import { pointAtPosition, PrometheusClient, PrometheusError } from '../core/prometheus/client';
import { parseDuration } from '../core/prometheus/duration';
import { pointText, sampleText, seriesPoints } from '../core/prometheus/samples';
import type { Labels, QueryData } from '../core/prometheus/types';
import { floatLabelRewritesFor } from '../core/promql/bucketLabels';
import { selectorFor } from '../core/promql/names';
import { describeSuggestion, suggestForQuery } from '../core/promql/suggest';
import { sandboxPrometheusUrl } from '../node/sandbox/sandbox';
import { defineCommand, usageLine } from './commandSpec';
import { UsageError, type Io, parseCli, notJsonOrText } from './io';
import { formatOption } from './commonOptions';

export const querySpec = defineCommand({
  command: 'query',
  args: "'PROMQL'",
  get summary() {
    return l10n.t('Asks Prometheus one PromQL expression, at one instant or over a range, and prints the answer.');
  },
  options: {
    prometheus: {
      type: 'string',
      value: 'URL',
      get help() {
        return l10n.t("Prometheus' URL (default the sandbox's, when it runs)");
      },
    },
    range: {
      type: 'string',
      value: 'DURATION',
      get help() {
        return l10n.t('a range query over the last DURATION (e.g. 15m) instead of an instant query');
      },
    },
    step: {
      type: 'string',
      value: 'DURATION',
      get help() {
        return l10n.t("the range query's resolution (with --range; default chosen from the range)");
      },
    },
    time: {
      type: 'string',
      value: 'TIME',
      get help() {
        return l10n.t('evaluate an instant query at TIME instead of now');
      },
    },
    timeout: {
      type: 'string',
      value: 'DURATION',
      get help() {
        return l10n.t('how long to wait for Prometheus');
      },
    },
    format: formatOption,
  },
  get notes() {
    return [l10n.t('--step needs --range; --time is for instant queries only.')];
  },
});

export const queryUsage = usageLine(querySpec);

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const s = parseDuration(value);
  if (s === undefined || s <= 0)
    throw new UsageError(l10n.t("{0} takes a Prometheus duration such as 30s, 5m or 1h30m, not '{1}'", flag, value));
  return s;
}

/** The series as the selector that finds it: `name{a="b"}`, or `{"x.y", "http.route"="/"}` for UTF-8 names. */
function formatLabels(labels: Labels): string {
  const { __name__: name, ...rest } = labels;
  return selectorFor(name, rest);
}

function at(t: number): string {
  return new Date(t * 1000).toISOString();
}

/** Lines for a person, in the spirit of Prometheus' own console view. */
export function textLines(data: QueryData): string[] {
  switch (data.resultType) {
    case 'vector':
      return data.result.map(
        (s) => `${formatLabels(s.metric)} => ${sampleText(s)} @ ${at((s.histogram ?? s.value)[0])}`,
      );
    case 'matrix':
      return data.result.flatMap((s) => [
        formatLabels(s.metric),
        ...seriesPoints(s).map((p) => `  ${pointText(p)} @ ${at(p.t)}`),
      ]);
    case 'scalar':
    case 'string':
      return [`${data.resultType} ${data.result[1]} @ ${at(data.result[0])}`];
  }
}

function isEmpty(data: QueryData): boolean {
  return (data.resultType === 'vector' || data.resultType === 'matrix') && data.result.length === 0;
}

export async function runQuery(argv: string[], io: Io): Promise<number> {
  const parsed = parseCli(argv, querySpec);
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || !positionals[0]?.trim())
    throw new UsageError(`${l10n.t('give one PromQL expression (quote it)')}\n${queryUsage}`);
  const expr = positionals[0];
  const format = values.format ?? 'text';
  if (format !== 'json' && format !== 'text') throw notJsonOrText(format);
  const range = seconds('--range', values.range);
  const explicitStep = seconds('--step', values.step);
  if (explicitStep !== undefined && range === undefined)
    throw new UsageError(
      l10n.t('--step needs --range (a range query); without --range the query is evaluated at one instant'),
    );
  if (range !== undefined && values.time !== undefined)
    throw new UsageError(l10n.t('--time is for instant queries; a range query ends now'));
  const timeout = seconds('--timeout', values.timeout);

  const baseUrl = values.prometheus ?? sandboxPrometheusUrl();
  if (!baseUrl) {
    io.err(
      l10n.t(
        'obslab query: no Prometheus to ask: pass --prometheus URL (e.g. a port-forward to {0}), or start the local one with {1}',
        'http://127.0.0.1:9090',
        '`obslab sandbox up`',
      ),
    );
    return 1;
  }
  const client = new PrometheusClient({
    baseUrl,
    fetch: (url, init) => fetch(url, init),
    ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
    unreachableHint: values.prometheus
      ? l10n.t('check the URL, and that the port-forward or Prometheus is running')
      : l10n.t("the sandbox's Prometheus is not answering; {0} says why", '`obslab sandbox status`'),
  });

  try {
    let result;
    if (range !== undefined) {
      // About 250 points per series unless told otherwise: enough for a sparkline, far below Prometheus' 11,000 limit.
      const step = explicitStep ?? Math.max(1, Math.ceil(range / 250));
      const end = Date.now() / 1000;
      result = await client.queryRange(expr, { start: end - range, end, step });
    } else {
      result = await client.query(expr, values.time !== undefined ? { time: values.time } : {});
    }
    for (const w of result.warnings) io.err(l10n.t('obslab query: Prometheus warns: {0}', w));
    if (format === 'json') io.out(JSON.stringify(result.data, null, 2));
    else if (!isEmpty(result.data)) for (const line of textLines(result.data)) io.out(line);
    if (isEmpty(result.data)) {
      if (format === 'text') io.out(l10n.t('(no data)'));
      // Only now ask for every metric name: a query with data needs no advice.
      const suggestions = suggestForQuery(expr, await client.metricNames().catch(() => []));
      for (const s of suggestions) io.err(`obslab query: ${describeSuggestion(s)}`);
    }
    // Ask for the version only when the query has a matcher Prometheus 3 would never match.
    const rewrites = floatLabelRewritesFor(expr, undefined).length
      ? floatLabelRewritesFor(expr, (await client.buildInfo().catch(() => undefined))?.version)
      : [];
    for (const r of rewrites) io.err(`obslab query: ${r.note}`);
    return 0;
  } catch (e) {
    if (!(e instanceof PrometheusError)) throw e;
    const position = e.details.position;
    io.err(`obslab query: ${e.message}`);
    if (position && e.details.prometheusError)
      io.err(pointAtPosition(expr, position, e.details.prometheusError.replace(/^.*?\d+:\d+: /, '')));
    return 1;
  }
}
