// Which Prometheus a query goes to: a port-forward's or the sandbox's, chosen in one order for
// every command that queries, or the address a student types in when neither runs, checked before
// our client is pointed at it.
import { t } from '../text/l10n';

export const defaultPrometheusUrl = 'http://127.0.0.1:9090';

/** Why `value` is not a Prometheus server root our client can use, or undefined when it is. */
export function validatePrometheusUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return t`'${value}' is not a URL; write it like ${defaultPrometheusUrl}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return t`${url.protocol} is not supported; use ${'http://'} or ${'https://'}`;
  if (url.username || url.password) return t`leave credentials out of the URL; this panel sends none`;
  if (/\/(graph|api\/v1)\/?$/.test(url.pathname))
    return t`give the server root (e.g. ${defaultPrometheusUrl}), without ${'/graph'} or ${'/api/v1'}`;
  return undefined;
}

/** The Prometheus a command talks to, and where it was found (the load test names it in its view). */
export interface PrometheusChoice {
  url: string;
  from: 'forward' | 'sandbox';
}

/**
 * Which Prometheus Query Prometheus (and a .promql file's Run lens) and the load test's server figures
 * use: a running port-forward to the cluster's Prometheus first, since the student set it up for this,
 * then the running sandbox's. Undefined when there is neither: Query Prometheus then asks for a URL,
 * and the load test says it has no server-side figures.
 */
export function choosePrometheus(
  forwarded: string | undefined,
  sandbox: string | undefined,
): PrometheusChoice | undefined {
  if (forwarded) return { url: forwarded, from: 'forward' };
  if (sandbox) return { url: sandbox, from: 'sandbox' };
  return undefined;
}
