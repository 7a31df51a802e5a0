// One GET over node:http/https, as a download needs it: redirects followed (GitHub sends release
// files to another host), the proxy chosen again for every host (src/core/downloads/proxy.ts),
// https through a proxy by a CONNECT tunnel, http through a proxy in absolute form, and an
// AbortSignal that ends it at once. No npm package: the tunnel is a dozen lines of node:http.
import { request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { chooseProxy, proxyLabel, type NetworkSettings } from '../../core/downloads/proxy';
import { t } from '../../core/text/l10n';

/** A failure to reach or read a URL, in words: the host, the proxy if any, the cause. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface GetOptions {
  network: NetworkSettings;
  signal?: AbortSignal;
  headers?: OutgoingHttpHeaders;
  /** No bytes for this long ends the request (default 60 s). */
  idleTimeoutMs?: number;
  /** Redirects to follow (default 10). */
  maxRedirects?: number;
}

export interface GetResult {
  response: IncomingMessage;
  /** The URL that answered, after redirects. */
  url: string;
  /** The proxy it went through, for messages (no credentials). */
  via?: string;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException(t`The download was cancelled`, 'AbortError');
}

function proxyAuth(proxy: URL): OutgoingHttpHeaders {
  if (!proxy.username && !proxy.password) return {};
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return { 'proxy-authorization': `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

/** Describes a socket-level error without the noise: "connection refused", "certificate not trusted". */
export function networkCause(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { code?: string };
  switch (err?.code) {
    case 'ECONNREFUSED':
      return t`the connection was refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return t`the host name does not resolve`;
    case 'ECONNRESET':
      return t`the connection was reset`;
    case 'ETIMEDOUT':
      return t`the connection timed out`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return t`its TLS certificate is not trusted (${err.code})`;
    default:
      return err instanceof Error ? err.message : String(e);
  }
}

/** Opens a CONNECT tunnel to host:port through `proxy`. */
function tunnel(proxy: URL, host: string, port: string, opts: GetOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const make = proxy.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = make({
      host: proxy.hostname,
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...proxyAuth(proxy) },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    req.once('connect', (res: IncomingMessage, socket: Socket) => {
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(
        new HttpError(
          res.statusCode === 407
            ? t`the proxy ${proxyLabel(proxy)} refused to connect to ${target} (HTTP 407: it wants credentials, \
as http://user:password@host:port)`
            : t`the proxy ${proxyLabel(proxy)} refused to connect to ${target} (HTTP ${res.statusCode ?? '?'})`,
          target,
          res.statusCode,
        ),
      );
    });
    req.once('error', (e) =>
      reject(
        opts.signal?.aborted
          ? abortError(opts.signal)
          : new HttpError(t`could not reach the proxy ${proxyLabel(proxy)}: ${networkCause(e)}`, target),
      ),
    );
    req.end();
  });
}

async function once(url: URL, opts: GetOptions): Promise<{ response: IncomingMessage; via?: string }> {
  const choice = chooseProxy(url, opts.network);
  if ('problem' in choice) throw new HttpError(choice.problem, url.href);
  const headers: OutgoingHttpHeaders = { 'user-agent': 'observability-lab', ...opts.headers };
  const signal = opts.signal ? { signal: opts.signal } : {};
  let req: ClientRequest;
  const via = choice.proxy ? proxyLabel(choice.proxy) : undefined;
  if (!choice.proxy) {
    req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { headers, ...signal });
  } else if (url.protocol === 'http:') {
    // A plain-http URL goes to the proxy in absolute form, as every HTTP proxy expects.
    const proxy = choice.proxy;
    req = (proxy.protocol === 'https:' ? httpsRequest : httpRequest)({
      host: proxy.hostname,
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      path: url.href,
      headers: { ...headers, host: url.host, ...proxyAuth(proxy) },
      ...signal,
    });
  } else {
    const port = url.port || '443';
    const socket = await tunnel(choice.proxy, url.hostname, port, opts);
    const secure = tlsConnect({
      socket,
      servername: url.hostname,
      rejectUnauthorized: opts.network.strictSSL !== false,
    });
    req = httpsRequest(url, { headers, ...signal, createConnection: () => secure });
  }
  return new Promise((resolve, reject) => {
    req.setTimeout(opts.idleTimeoutMs ?? 60_000, () =>
      req.destroy(
        new HttpError(
          t`no answer from ${url.host} for ${Math.round((opts.idleTimeoutMs ?? 60_000) / 1000)} s`,
          url.href,
        ),
      ),
    );
    req.once('response', (response) => resolve({ response, ...(via ? { via } : {}) }));
    req.once('error', (e) => {
      if (opts.signal?.aborted) return reject(abortError(opts.signal));
      if (e instanceof HttpError) return reject(e);
      reject(
        new HttpError(
          via
            ? t`could not download from ${url.host} through the proxy ${via}: ${networkCause(e)}`
            : t`could not download from ${url.host}: ${networkCause(e)}`,
          url.href,
        ),
      );
    });
    req.end();
  });
}

/** GETs `url`, following redirects; resolves with the final response (any status) for the caller to read or refuse. */
export async function httpGet(url: string, opts: GetOptions): Promise<GetResult> {
  let current = new URL(url);
  for (let hops = 0; ; hops++) {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    if (current.protocol !== 'https:' && current.protocol !== 'http:')
      throw new HttpError(t`${current.href} is neither http nor https`, current.href);
    const { response, via } = await once(current, opts);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if ([301, 302, 303, 307, 308].includes(status) && location) {
      response.resume();
      if (hops >= (opts.maxRedirects ?? 10))
        throw new HttpError(t`${url} redirects more than ${opts.maxRedirects ?? 10} times`, url, status);
      current = new URL(location, current);
      continue;
    }
    return { response, url: current.href, ...(via ? { via } : {}) };
  }
}

/** GETs a small text file (a checksum list): its body, or an HttpError for a status other than 200. */
export async function httpGetText(url: string, opts: GetOptions, maxBytes = 4 * 1024 * 1024): Promise<string> {
  const { response } = await httpGet(url, opts);
  const status = response.statusCode ?? 0;
  if (status !== 200) {
    response.resume();
    throw new HttpError(t`${url} answered HTTP ${status}`, url, status);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.destroy();
      throw new HttpError(t`${url} is larger than ${maxBytes} bytes; it is not a checksum file`, url, status);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
