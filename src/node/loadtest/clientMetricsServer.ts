// The load generator's metrics endpoint: a node:http server on 127.0.0.1 at a port the kernel
// picks, answering GET /metrics with the text the caller renders at that moment (so each scrape
// sees the latest figures) and 404 for anything else. It counts scrapes, so a run can wait for
// Prometheus to take its last figures before it closes the endpoint.
import { createServer, type Server } from 'node:http';
import { expositionContentType } from '../../core/loadtest/clientMetrics';

export interface ClientMetricsServer {
  /** http://127.0.0.1:PORT/metrics */
  url: string;
  /** 127.0.0.1:PORT, as a scrape target. */
  hostPort: string;
  /** GET /metrics answered in full so far. */
  readonly scrapes: number;
  /** Resolves true once a scrape after the call is answered in full, false after `timeoutMs` without one. */
  nextScrape(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function serveClientMetrics(render: () => string): Promise<ClientMetricsServer> {
  let scrapes = 0;
  const waiting = new Set<(scraped: boolean) => void>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('not found: the metrics are at /metrics\n');
      return;
    }
    let body: string;
    try {
      body = render();
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(String(e));
      return;
    }
    // Counted once the whole answer is handed to the socket: a run that ends on this scrape then
    // closes no connection with the final figures still in Node's buffer.
    res.once('finish', () => {
      scrapes++;
      for (const w of waiting) w(true);
    });
    res.writeHead(200, { 'content-type': expositionContentType }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const hostPort = `127.0.0.1:${port}`;
  return {
    url: `http://${hostPort}/metrics`,
    hostPort,
    get scrapes() {
      return scrapes;
    },
    nextScrape: (timeoutMs) =>
      new Promise<boolean>((resolve) => {
        const done = (scraped: boolean): void => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve(scraped);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        waiting.add(done);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const w of waiting) w(false);
        // Prometheus keeps its connection alive between scrapes: end it, or close() waits for it.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
