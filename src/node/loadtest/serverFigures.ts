// Asks Prometheus for the server's own rate and p95 (the lab's Task 5 queries) every few seconds
// while a load test runs, through the one Prometheus client.
import { PrometheusClient, type FetchLike } from '../../core/prometheus/client';
import { serverFigures, type ServerFigures, type ServerQueries } from '../../core/loadtest/serverFigures';
import { t } from '../../core/text/l10n';

export interface ServerPollOptions {
  baseUrl: string;
  /** Named in the figures, e.g. "sandbox Prometheus". */
  source: string;
  queries: ServerQueries;
  /** Ends the polling. */
  signal: AbortSignal;
  onFigures: (f: ServerFigures) => void;
  /** Called once per outage: the first failed round after a good one (or at the start). */
  onUnreachable: (message: string) => void;
  intervalMs?: number;
  fetch?: FetchLike;
}

function clientFor(baseUrl: string, fetchImpl: FetchLike | undefined): PrometheusClient {
  return new PrometheusClient({
    baseUrl,
    fetch: fetchImpl ?? ((url, init) => fetch(url, init)),
    timeoutMs: 4000,
    unreachableHint: t`is the sandbox or the port-forward still running?`,
  });
}

/** One round: both queries at the same instant. */
export async function queryServerFigures(
  baseUrl: string,
  queries: ServerQueries,
  source: string,
  fetchImpl?: FetchLike,
): Promise<ServerFigures> {
  const client = clientFor(baseUrl, fetchImpl);
  const time = Date.now() / 1000;
  const [rate, p95] = await Promise.all([client.query(queries.rate, { time }), client.query(queries.p95, { time })]);
  return serverFigures(rate.data, p95.data, queries, Math.round(time * 1000), source);
}

/** Polls until `signal` aborts; a failed round is reported once, then retried quietly. */
export async function pollServerFigures(opts: ServerPollOptions): Promise<void> {
  const interval = opts.intervalMs ?? 5000;
  let failing = false;
  while (!opts.signal.aborted) {
    try {
      const f = await queryServerFigures(opts.baseUrl, opts.queries, opts.source, opts.fetch);
      failing = false;
      if (!opts.signal.aborted) opts.onFigures(f);
    } catch (e) {
      if (!failing && !opts.signal.aborted) opts.onUnreachable(e instanceof Error ? e.message : String(e));
      failing = true;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        opts.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, interval);
      opts.signal.addEventListener('abort', done, { once: true });
    });
  }
}
