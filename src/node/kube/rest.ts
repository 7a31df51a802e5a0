// Plain requests to the API server with the kubeconfig's credentials and TLS settings, for the
// calls @kubernetes/client-node has no typed method for: discovery of every group's resources,
// /version, and listing any kind by its path.
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { RequestOptions } from 'node:https';
import type { LoadedKube } from './config';
import { t } from '../../core/text/l10n';

/** The API server answered with an error status; the body is its Status object (as text). */
export class KubeHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: string,
  ) {
    super(`HTTP ${statusCode}`);
    this.name = 'KubeHttpError';
  }
}

export interface RestOptions {
  method?: 'GET' | 'DELETE' | 'POST' | 'PATCH';
  body?: unknown;
  contentType?: string;
  /** Accept header; default application/json. */
  accept?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One request; resolves with the parsed JSON body, rejects with KubeHttpError or a system error. */
export async function kubeRest<T>(
  loaded: Pick<LoadedKube, 'kc' | 'server'>,
  path: string,
  opts: RestOptions = {},
): Promise<T> {
  const url = new URL(path, loaded.server.endsWith('/') ? loaded.server : `${loaded.server}/`);
  // The server may have a path prefix (rancher, proxies): keep it.
  const base = new URL(loaded.server);
  url.pathname = `${base.pathname.replace(/\/$/, '')}${path.split('?')[0] ?? ''}`;
  const options: RequestOptions = {
    method: opts.method ?? 'GET',
    headers: { accept: opts.accept ?? 'application/json' },
  };
  await loaded.kc.applyToHTTPSOptions(options);
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (payload !== undefined)
    options.headers = {
      ...options.headers,
      'content-type': opts.contentType ?? 'application/json',
      'content-length': Buffer.byteLength(payload),
    };
  const send = url.protocol === 'http:' ? httpRequest : request;
  return new Promise<T>((resolve, reject) => {
    const req = send(
      url,
      { ...options, timeout: opts.timeoutMs ?? 30_000, ...(opts.signal ? { signal: opts.signal } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) return reject(new KubeHttpError(status, text));
          try {
            resolve((text ? JSON.parse(text) : {}) as T);
          } catch {
            reject(new Error(t`the API server sent a body that is not JSON for ${path}`));
          }
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(t`no answer from ${loaded.server} in time`), { code: 'ETIMEDOUT' })),
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
