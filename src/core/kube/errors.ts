// What went wrong talking to a Kubernetes API server, in words a student can act on. The node
// layer turns @kubernetes/client-node's errors into a KubeFailure; this module only reads data.
import { commandInText } from '../shellQuote';
import { clusterInfo, ssoLogin, updateKubeconfig } from './commands';
import { t } from '../text/l10n';

/** The parts of a failed call that matter, whatever library raised it. */
export interface KubeFailure {
  /** HTTP status from the API server, when it answered. */
  status?: number;
  /** The API server's Status object (or its text), when it answered. */
  body?: unknown;
  /** A Node system error code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED...), when it did not. */
  errno?: string;
  /** The library's own message, used when nothing better is known. */
  message: string;
}

/** The fields of metav1.Status we read. */
export interface KubeStatus {
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    kind?: string;
    group?: string;
    causes?: { type?: string; message?: string; field?: string }[];
  };
}

export function parseStatus(body: unknown): KubeStatus | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const s = value as KubeStatus & { kind?: unknown };
  return s.kind === 'Status' || typeof s.message === 'string' ? s : undefined;
}

/** What the caller was doing, to name it in the message ("list nodes", "apply Deployment monitoring/app"). */
export interface KubeAction {
  what: string;
  server?: string;
  context?: string;
}

/** One sentence naming the problem, then the next step. */
export function describeKubeFailure(f: KubeFailure, action: KubeAction): string {
  const what = action.what;
  const where = action.server ? ` ${t`at ${action.server}`}` : '';
  const ctx = action.context ? ` ${t`(context ${action.context})`}` : '';
  const status = parseStatus(f.body);
  const said = status?.message ?? f.message;
  switch (f.errno) {
    case 'ECONNREFUSED':
      return t`Could not ${what}: nothing answers${where}${ctx}. Is the cluster running? Check \
the server address with ${commandInText(clusterInfo)}, or choose another context.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return t`Could not ${what}: the API server's host name${where} does not resolve${ctx}. \
Check your network or VPN, or refresh the kubeconfig with ${commandInText(updateKubeconfig)}.`;
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return t`Could not ${what}: the API server${where} did not answer in time${ctx}. Check your \
network, VPN or the cluster's endpoint access settings.`;
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return t`Could not ${what}: the API server's certificate${where} is not trusted \
(${f.errno})${ctx}. The kubeconfig's certificate-authority data may be stale; refresh it \
with ${commandInText(updateKubeconfig)}.`;
  }
  switch (f.status) {
    case 401:
      return t`Could not ${what}: the API server${where} did not accept your credentials${ctx} \
(${said}). Your token may have expired: refresh it (${commandInText(ssoLogin)} or \
${commandInText(updateKubeconfig)}) and try again.`;
    case 403:
      return t`Could not ${what}: permission denied${ctx}. ${said}. Ask for RBAC that allows it, or use a context with more rights.`;
    case 404:
      return t`Could not ${what}: ${said}.`;
    case 409:
      return t`Could not ${what}: conflict. ${said}.`;
    case 422:
      return t`Could not ${what}: the server rejected it as invalid. ${said}.`;
  }
  if (f.status !== undefined)
    return status?.reason
      ? t`Could not ${what}: the API server answered ${f.status} ${status.reason}. ${said}.`
      : t`Could not ${what}: the API server answered ${f.status}. ${said}.`;
  return where ? t`Could not ${what}: ${said} (${where.trim()}).` : t`Could not ${what}: ${said}.`;
}
