// Which proxy a download goes through, decided as VS Code and curl decide it: the editor's
// http.proxy when set, else HTTPS_PROXY (then HTTP_PROXY) for https and HTTP_PROXY for http, in
// either case, unless the host is in http.noProxy or NO_PROXY. Credentials in a proxy URL are
// used, never shown: proxyLabel is what messages print.
import { t } from '../text/l10n';

export interface NetworkSettings {
  /** The editor's http.proxy; empty or absent: the environment decides. */
  proxy?: string;
  /** The editor's http.noProxy (hosts or domains that go direct). */
  noProxy?: readonly string[];
  /** http.proxyStrictSSL: verify certificates on connections made through the proxy. Default true. */
  strictSSL?: boolean;
  /** The process environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY and their lowercase forms). */
  env: Readonly<Record<string, string | undefined>>;
}

export type ProxyChoice =
  { proxy: URL; from: string } | { proxy?: undefined; from: 'direct' | 'no proxy list' } | { problem: string };

function envValue(env: NetworkSettings['env'], name: string): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v?.trim() ? v.trim() : undefined;
}

/** Parses "host:port", "http://user:pw@host:port"…; a scheme-less value is http, as curl reads it. */
function parseProxy(value: string, from: string): { proxy: URL; from: string } | { problem: string } {
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    return { problem: t`${from} is not a proxy URL (expected http://host:port)` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return { problem: t`${from} uses ${u.protocol.replace(/:$/, '')}; only http and https proxies are supported` };
  return { proxy: u, from };
}

/** True when `host` (and `port`) is matched by a NO_PROXY-style list: "*", "host", ".domain", "domain", "host:port". */
export function bypassesProxy(host: string, port: string, list: readonly string[]): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  for (const raw of list) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (m?.[1] && m[2]) {
      entry = m[1];
      entryPort = m[2];
    }
    entry = entry.replace(/^\[|\]$/g, '').replace(/^\*?\./, '.');
    if (entryPort && entryPort !== port) continue;
    if (entry.startsWith('.') ? h.endsWith(entry) || h === entry.slice(1) : h === entry || h.endsWith(`.${entry}`))
      return true;
  }
  return false;
}

function noProxyList(s: NetworkSettings): string[] {
  return [...(s.noProxy ?? []), ...(envValue(s.env, 'NO_PROXY') ?? '').split(',')];
}

/** The proxy for `url`, where the choice came from, or a sentence naming a proxy value we cannot use. */
export function chooseProxy(url: URL, s: NetworkSettings): ProxyChoice {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (bypassesProxy(url.hostname, port, noProxyList(s))) return { from: 'no proxy list' };
  if (s.proxy?.trim()) return parseProxy(s.proxy.trim(), 'http.proxy');
  const names = url.protocol === 'https:' ? ['HTTPS_PROXY', 'HTTP_PROXY'] : ['HTTP_PROXY'];
  for (const name of names) {
    const v = envValue(s.env, name);
    if (v) return parseProxy(v, `$${name}`);
  }
  return { from: 'direct' };
}

/** A proxy URL for messages: scheme, host and port, never the user name or password. */
export function proxyLabel(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}
