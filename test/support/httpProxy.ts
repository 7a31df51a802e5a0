// A small HTTP proxy on 127.0.0.1 for the download tests: CONNECT tunnels (https through a proxy)
// and absolute-form GETs (http through a proxy), as a school's or company's proxy takes them. It
// resolves the host names it is given in `hosts` itself, so a test can use a name this machine
// cannot resolve and know that a request which succeeded went through the proxy. A test peer,
// like the curl a user would run, not a stand-in for a part of ours.
import { request, createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ProxySeen {
  method: string;
  target: string;
  auth?: string;
}

export interface RunningProxy {
  url: string;
  port: number;
  seen: ProxySeen[];
  stop(): Promise<void>;
}

export async function startHttpProxy(
  opts: { hosts?: Record<string, string>; requireAuth?: string } = {},
): Promise<RunningProxy> {
  const seen: ProxySeen[] = [];
  const sockets = new Set<Socket>();
  const resolveHost = (h: string): string => opts.hosts?.[h] ?? h;
  const authorized = (req: IncomingMessage): boolean =>
    !opts.requireAuth ||
    req.headers['proxy-authorization'] === `Basic ${Buffer.from(opts.requireAuth).toString('base64')}`;
  const note = (req: IncomingMessage): void => {
    const auth = req.headers['proxy-authorization'];
    seen.push({ method: req.method ?? '', target: req.url ?? '', ...(auth ? { auth } : {}) });
  };
  const server: Server = createServer((req, res) => {
    note(req);
    if (!authorized(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="obslab-test"' }).end();
      return;
    }
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = request(
      {
        host: resolveHost(target.hostname),
        port: target.port || 80,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    note(req);
    if (!authorized(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="obslab-test"\r\n\r\n');
      return;
    }
    const [host = '', port = '443'] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), resolveHost(host), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
