// The address a load test is aimed at, as the student types it into Run Load Test: host:port.
import { t } from '../text/l10n';

/** "host:port" (a name, an IPv4 address or a bracketed IPv6 one) → its parts, or a message saying what is wrong. */
export function parseTarget(value: string): { host: string; port: string } | string {
  const m = /^\s*(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})\s*$/.exec(value);
  if (!m?.[1] || !m[2]) return t`write it as host:port, e.g. 127.0.0.1:8080`;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return t`${m[2]} is not a port (1–65535)`;
  return { host: m[1], port: m[2] };
}
