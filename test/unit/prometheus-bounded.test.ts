// Prometheus answers are read with a byte limit: an endless body, or a valid answer far larger
// than the limit, fails fast with a message that says how to narrow the query, the connection is
// dropped, and this process's memory stays bounded. The query page gets a capped share of an answer.
import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { capForPage, pageLimits, truncationNote } from '../../src/core/protocol/query';
import { defaultMaxResponseBytes, PrometheusClient, PrometheusError } from '../../src/core/prometheus/client';
import type { QueryData } from '../../src/core/prometheus/types';

const head = Buffer.from('{"status":"success","data":{"resultType":"vector","result":[');
const tail = Buffer.from('{"metric":{"__name__":"up"},"value":[1,"1"]}]}}');
/** 64 KiB of valid vector samples, each followed by a comma. */
const samples = ((): Buffer => {
  const one = `{"metric":{"__name__":"http_server_active_requests","pod":"otel-flask-${'x'.repeat(40)}"},"value":[1700000000,"1"]},`;
  return Buffer.from(one.repeat(Math.ceil(65536 / one.length)));
})();

interface Served {
  /** Resolves when the server saw the client go away, with the bytes it had written by then. */
  closed: Promise<number>;
}

/** Streams `total` bytes of a valid answer (Infinity: never ends), respecting back-pressure. */
function stream(res: ServerResponse, total: number, announce: boolean): Served {
  let written = 0;
  const closed = new Promise<number>((resolve) => res.on('close', () => resolve(written)));
  res.writeHead(200, { 'content-type': 'application/json', ...(announce ? { 'content-length': String(total) } : {}) });
  res.write(head);
  written += head.length;
  const pump = (): void => {
    while (!res.destroyed) {
      if (written + samples.length + tail.length >= total) {
        res.end(tail);
        return;
      }
      written += samples.length;
      if (!res.write(samples)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
  return { closed };
}

describe('Prometheus client: bounded reads', function () {
  this.timeout(60_000);
  let server: Server;
  let base: string;
  let served: Served | undefined;
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/endless/api/v1/query': (_req, res) => (served = stream(res, Infinity, false)),
    // A valid answer of 156 MB, as a real Prometheus sends a huge one: chunked, no length.
    '/huge/api/v1/query_range': (_req, res) => (served = stream(res, 156 * 1024 * 1024, false)),
    // The same size, announced.
    '/announced/api/v1/query': (_req, res) => (served = stream(res, 156 * 1024 * 1024, true)),
    '/small/api/v1/query': (_req, res) => (served = stream(res, 600 * 1024, false)),
  };

  before(async () => {
    server = createServer(
      (req, res) => routes[(req.url ?? '').split('?')[0] ?? '']?.(req, res) ?? res.writeHead(404).end(),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const client = (prefix: string, maxResponseBytes?: number): PrometheusClient =>
    new PrometheusClient({
      baseUrl: `${base}${prefix}`,
      fetch: (u, init) => fetch(u, init),
      timeoutMs: 30_000,
      ...(maxResponseBytes ? { maxResponseBytes } : {}),
    });

  /** Runs `work`, sampling this process's RSS; resolves with the error, the time and the peak growth. */
  async function measured(
    work: () => Promise<unknown>,
  ): Promise<{ error: PrometheusError; ms: number; grewMb: number }> {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const t0 = Date.now();
    try {
      await work();
    } catch (e) {
      assert.ok(e instanceof PrometheusError, `a PrometheusError, not ${String(e)}`);
      peak = Math.max(peak, process.memoryUsage().rss);
      return { error: e, ms: Date.now() - t0, grewMb: (peak - before) / (1024 * 1024) };
    } finally {
      clearInterval(sampler);
    }
    assert.fail('the request succeeded');
  }

  it('stops reading an endless body at 32 MB, says how to narrow the query, and drops the connection', async () => {
    assert.equal(defaultMaxResponseBytes, 32 * 1024 * 1024);
    const r = await measured(() => client('/endless').query('{__name__=~".+"}'));
    assert.equal(r.error.kind, 'too-large');
    assert.match(
      r.error.message,
      /answer to \/api\/v1\/query is larger than 32 MB \(more than 32 MB arrived\), so it was not read; narrow the query: fewer series with a label matcher .*topk\(10, …\)/,
    );
    assert.ok(r.ms < 15_000, `failed fast (${r.ms} ms)`);
    assert.ok(r.grewMb < 200, `RSS grew by ${r.grewMb.toFixed(0)} MB`);
    const written = await served?.closed;
    assert.ok(written !== undefined && written < 200 * 1024 * 1024, `the server stopped sending (${written} bytes)`);
  });

  it('refuses a valid 156 MB range answer part-way, advising a shorter range or a larger step', async () => {
    const r = await measured(() =>
      client('/huge').queryRange('rate(http_server_request_duration_seconds_count[1m])', {
        start: 0,
        end: 3600,
        step: 1,
      }),
    );
    assert.equal(r.error.kind, 'too-large');
    assert.match(
      r.error.message,
      /query_range is larger than 32 MB.*a shorter range, a larger step, fewer series with a label matcher/,
    );
    assert.ok(r.grewMb < 200, `RSS grew by ${r.grewMb.toFixed(0)} MB`);
    assert.ok((await served?.closed) !== undefined);
  });

  it('refuses an answer that announces more than the limit before reading any of it', async () => {
    const r = await measured(() => client('/announced').query('up'));
    assert.equal(r.error.kind, 'too-large');
    assert.match(r.error.message, /it announced 156 MB/);
    assert.ok(r.ms < 5_000, `${r.ms} ms`);
    const written = await served?.closed;
    assert.ok(
      written !== undefined && written < 64 * 1024 * 1024,
      `${written} bytes written before the client went away`,
    );
  });

  it('takes the limit as an option: the same valid answer passes under a larger one', async () => {
    await assert.rejects(
      client('/small', 512 * 1024).query('up'),
      (e: unknown) => e instanceof PrometheusError && e.kind === 'too-large' && /larger than 0\.5 MB/.test(e.message),
    );
    const ok = await client('/small', 1024 * 1024).query('up');
    assert.equal(ok.data.resultType, 'vector');
    assert.ok(ok.data.resultType === 'vector' && ok.data.result.length > 1000);
  });
});

describe('query page: a capped share of an answer', () => {
  const vector = (n: number): QueryData => ({
    resultType: 'vector',
    result: Array.from({ length: n }, (_, i) => ({
      metric: { __name__: 'up', i: String(i) },
      value: [1, '1'] as [number, string],
    })),
  });
  const matrix = (n: number): QueryData => ({
    resultType: 'matrix',
    result: Array.from({ length: n }, (_, i) => ({
      metric: { i: String(i) },
      values: [[1, '1']] as [number, string][],
    })),
  });

  it('sends at most 2,000 rows of an instant answer, saying how many there were', () => {
    const r = capForPage(vector(15_000));
    assert.equal(r.data.resultType === 'vector' && r.data.result.length, pageLimits.rows);
    assert.deepEqual(r.truncated, { shown: 2000, total: 15_000, unit: 'rows' });
    assert.match(truncationNote(r.truncated), /^showing 2,000 of 15,000 rows: narrow the query/);
  });

  it('sends at most 200 series of a range answer', () => {
    const r = capForPage(matrix(450));
    assert.equal(r.data.resultType === 'matrix' && r.data.result.length, pageLimits.series);
    assert.deepEqual(r.truncated, { shown: 200, total: 450, unit: 'series' });
    assert.equal(r.data.resultType === 'matrix' && r.data.result[199]?.metric['i'], '199');
  });

  it('leaves an answer within the limits as it is', () => {
    const data = vector(2000);
    assert.deepEqual(capForPage(data), { data });
    const scalar: QueryData = { resultType: 'scalar', result: [1, '3'] };
    assert.deepEqual(capForPage(scalar), { data: scalar });
    assert.deepEqual(capForPage(matrix(200)).truncated, undefined);
  });
});
