// The answers a real Prometheus never gives: a cut-off body, an HTML page, silence. A local HTTP
// server produces each; normal answers and query errors are tested against the real Prometheus
// in test/integration/sandbox.test.ts.
import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pointAtPosition, PrometheusClient, PrometheusError, type FetchLike } from '../../src/core/prometheus/client';
import { parseDuration } from '../../src/core/prometheus/duration';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const routes: Record<string, Handler> = {
  // A web UI, not the API: what a user gets pointing at Grafana or at Prometheus' /graph.
  '/html/api/v1/query': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><head><title>Grafana</title></head><body></body></html>');
  },
  // Promises 1000 bytes, sends 30, then the connection drops.
  '/truncated/api/v1/query': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"status":"success","data":{"re');
    setTimeout(() => res.socket?.destroy(), 50);
  },
  // A complete HTTP answer whose JSON is cut short (a proxy's size limit, a crashed writer).
  '/cutjson/api/v1/query': (_req, res) => {
    const body = '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up"';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  },
  '/other/api/v1/query': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"hello":"world"}');
  },
  // Never answers: a firewall that drops, a port-forward whose pod is gone.
  '/silent/api/v1/query': () => undefined,
  // Headers, a little body, then nothing.
  '/stalls/api/v1/query': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"status":"success",');
  },
};

describe('Prometheus client: answers a real Prometheus cannot give', () => {
  let server: Server;
  let base: string;
  let requests: string[] = [];
  const fetchFn: FetchLike = (url, init) => fetch(url, init);

  before(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const handler = routes[(req.url ?? '').split('?')[0] ?? ''];
      if (handler) return handler(req, res);
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    requests = [];
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  async function failure(p: Promise<unknown>): Promise<PrometheusError> {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof PrometheusError, `expected a PrometheusError, got ${String(e)}`);
      return e;
    }
    assert.fail('the request succeeded');
  }

  const client = (prefix: string, timeoutMs = 2000): PrometheusClient =>
    new PrometheusClient({ baseUrl: `${base}${prefix}`, fetch: fetchFn, timeoutMs });

  it('says an HTML page is not the Prometheus API and asks for the server root', async () => {
    const e = await failure(client('/html').query('up'));
    assert.equal(e.kind, 'bad-answer');
    assert.match(e.message, /answered with an HTML page \(HTTP 200\), not the Prometheus API/);
    assert.match(e.message, /server root/);
  });

  it('says the answer broke off when the connection drops mid-body', async () => {
    const e = await failure(client('/truncated').query('up'));
    assert.equal(e.kind, 'bad-answer');
    assert.match(e.message, /broke off before it was complete/);
  });

  it('says the JSON is incomplete when a whole HTTP answer carries cut-off JSON', async () => {
    const e = await failure(client('/cutjson').query('up'));
    assert.equal(e.kind, 'bad-answer');
    assert.match(e.message, /not complete JSON \(\d+ bytes, HTTP 200\)/);
  });

  it('quotes a plain-text answer such as a 404 from a wrong path', async () => {
    const e = await failure(client('/wrong/prefix').labels());
    assert.equal(e.kind, 'bad-answer');
    assert.equal(e.details.status, 404);
    assert.match(e.message, /answered with "404 page not found" \(HTTP 404\)/);
  });

  it('rejects JSON that is not shaped like an API answer', async () => {
    const e = await failure(client('/other').query('up'));
    assert.equal(e.kind, 'bad-answer');
    assert.match(e.message, /JSON of another shape/);
  });

  it('times out on a server that accepts the connection and never answers', async () => {
    const t0 = Date.now();
    const e = await failure(client('/silent', 300).query('up'));
    const elapsed = Date.now() - t0;
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /did not answer \/api\/v1\/query within 300 ms/);
    assert.ok(elapsed >= 290 && elapsed < 2000, `took ${elapsed} ms`);
  });

  it('times out when the body stops arriving halfway', async () => {
    const e = await failure(client('/stalls', 300).query('up'));
    assert.equal(e.kind, 'timeout');
  });

  it("uses a request's own timeout over the client's", async () => {
    const t0 = Date.now();
    const e = await failure(client('/silent', 10_000).query('up', { timeoutMs: 200 }));
    assert.equal(e.kind, 'timeout');
    assert.ok(Date.now() - t0 < 2000);
  });

  it('stops when the caller aborts, and says it was cancelled, not timed out', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const e = await failure(client('/silent', 10_000).query('up', { signal: ac.signal }));
    assert.equal(e.kind, 'cancelled');
  });

  it('sends nothing when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const e = await failure(client('/silent').query('up', { signal: ac.signal }));
    assert.equal(e.kind, 'cancelled');
    assert.deepEqual(requests, []);
  });

  it('still times out with an injected fetch that ignores the signal', async () => {
    const deaf: FetchLike = (url, init) =>
      fetch(url, {
        method: init.method,
        headers: init.headers,
        ...(init.body !== undefined ? { body: init.body } : {}),
      });
    const e = await failure(
      new PrometheusClient({ baseUrl: `${base}/silent`, fetch: deaf, timeoutMs: 200 }).query('up'),
    );
    assert.equal(e.kind, 'timeout');
  });

  it('names the address, the cause and the hint when nothing listens', async () => {
    // Our own server's port, after it is closed, is a port nothing listens on.
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    const e = await failure(
      new PrometheusClient({
        baseUrl: `http://127.0.0.1:${port}`,
        fetch: fetchFn,
        unreachableHint: 'start one with `obslab sandbox up`',
      }).query('up'),
    );
    assert.equal(e.kind, 'unreachable');
    assert.equal(
      e.message,
      `Prometheus at http://127.0.0.1:${port} is unreachable (connect ECONNREFUSED 127.0.0.1:${port}); start one with \`obslab sandbox up\``,
    );
  });

  it('sends the query as a form POST and label values as a GET', async () => {
    let seen: { method: string; url: string; body?: string } | undefined;
    const recording: FetchLike = (url, init) => {
      seen = { method: init.method, url, ...(init.body !== undefined ? { body: init.body } : {}) };
      return fetch(`${base}/html/api/v1/query`, init);
    };
    const c = new PrometheusClient({ baseUrl: 'http://prom.example:9090/', fetch: recording });
    await failure(c.query('sum(rate(x[5m]))', { time: new Date(1_700_000_000_500) }));
    assert.deepEqual(seen, {
      method: 'POST',
      url: 'http://prom.example:9090/api/v1/query',
      body: 'query=sum%28rate%28x%5B5m%5D%29%29&time=1700000000.500',
    });
    await failure(c.labelValues('__name__', { match: ['up'] }));
    assert.deepEqual(seen, {
      method: 'GET',
      url: 'http://prom.example:9090/api/v1/label/__name__/values?match%5B%5D=up',
    });
  });
});

describe('query positions and durations', () => {
  it('puts a caret under the column Prometheus names, on the right line', () => {
    assert.equal(
      pointAtPosition('sum(rate(x[5m])', { line: 1, column: 16 }, 'unclosed left parenthesis'),
      'sum(rate(x[5m])\n               ^ unclosed left parenthesis',
    );
    assert.equal(
      pointAtPosition('sum(\n  rate(x[5m]) by', { line: 2, column: 15 }, 'unexpected <by>'),
      'sum(\n  rate(x[5m]) by\n              ^ unexpected <by>',
    );
  });

  it("reads Prometheus' duration syntax", () => {
    assert.equal(parseDuration('5m'), 300);
    assert.equal(parseDuration('1h30m'), 5400);
    assert.equal(parseDuration('250ms'), 0.25);
    assert.equal(parseDuration('15'), 15);
    assert.equal(parseDuration('5 minutes'), undefined);
    assert.equal(parseDuration('m5'), undefined);
  });
});
