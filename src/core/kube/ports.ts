// Which pod and port a forward reaches, decided the way `kubectl port-forward` decides it
// (k8s.io/kubectl pkg/cmd/portforward and pkg/util/podutils), over plain API-shaped objects.
// One difference on purpose: kubectl takes the "most active" pod even when it is not Ready and
// then fails if it is not Running; a forward that should survive restarts wants a Ready pod.
import { t } from '../text/l10n';

export interface ContainerPortSpec {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface PodLike {
  metadata: {
    name: string;
    namespace?: string;
    creationTimestamp?: string | Date;
    deletionTimestamp?: string | Date | undefined;
    labels?: Record<string, string>;
  };
  spec?: { nodeName?: string; containers: { name: string; ports?: ContainerPortSpec[] }[] };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string | Date }[];
    containerStatuses?: { restartCount: number }[];
  };
}

export interface ServicePortSpec {
  name?: string;
  port: number;
  /** A number, a container port name, or absent (then the service port itself). */
  targetPort?: number | string;
  protocol?: string;
}

export interface ServiceLike {
  metadata: { name: string; namespace?: string };
  spec?: { selector?: Record<string, string>; clusterIP?: string; type?: string; ports?: ServicePortSpec[] };
}

export { labelSelectorString, type LabelSelectorLike } from './selectors';

export type ForwardKind = 'service' | 'deployment' | 'pod';

/** What the student asked to forward. `remotePort` is a number or a port name. */
export interface ForwardTarget {
  namespace: string;
  kind: ForwardKind;
  name: string;
  remotePort: number | string;
}

/** "svc/prometheus-grafana" style, as kubectl prints it. */
export function describeTarget(target: Pick<ForwardTarget, 'namespace' | 'kind' | 'name'>): string {
  const short = target.kind === 'service' ? 'svc' : target.kind === 'deployment' ? 'deploy' : 'pod';
  return `${target.namespace}/${short}/${target.name}`;
}

// ---- port specs ----

export interface PortSpec {
  /** 0: any free port (kubectl's ":80"). */
  local: number;
  /** A number or a named port. */
  remote: number | string;
}

const portName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A TCP port number 1..65535 from text, or a message saying what is wrong. */
export function parsePortNumber(text: string, what = t`port`): number | string {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return t`${what} '${text}' is not a number`;
  const n = Number(trimmed);
  if (n < 1 || n > 65535) return t`${what} ${n} is outside 1-65535`;
  return n;
}

/** A local port the student typed: 1..65535; below 1024 needs root on Linux and macOS. */
export function validateLocalPort(text: string): string | undefined {
  const n = parsePortNumber(text, t`local port`);
  if (typeof n === 'string') return n;
  if (n < 1024)
    return t`local port ${n} is privileged (below 1024) and usually needs root; choose 1024 or above, e.g. ${n + 8000}`;
  return undefined;
}

/** "3000:80", "9090" (same both sides), ":80" (any free local port), "8080:http" (a named remote port). */
export function parsePortSpec(text: string): PortSpec | string {
  const trimmed = text.trim();
  const parts = trimmed.split(':');
  if (trimmed === '' || parts.length > 2)
    return t`'${text}' is not a port mapping; write LOCAL:REMOTE such as 3000:80, or one port such as 9090`;
  const [localText, remoteText] =
    parts.length === 2 ? [parts[0] ?? '', parts[1] ?? ''] : [parts[0] ?? '', parts[0] ?? ''];
  if (parts.length === 1 && !/^\d+$/.test(trimmed))
    return t`'${text}' is not a port number; write LOCAL:REMOTE such as 8080:http to forward to a named port`;
  let local = 0;
  if (localText !== '') {
    const n = parsePortNumber(localText, t`local port`);
    if (typeof n === 'string') return n;
    local = n;
  }
  if (remoteText === '') return t`'${text}' has no remote port; write LOCAL:REMOTE such as 3000:80`;
  if (/^\d+$/.test(remoteText)) {
    const n = parsePortNumber(remoteText, t`remote port`);
    if (typeof n === 'string') return n;
    return { local, remote: n };
  }
  if (!portName.test(remoteText) || remoteText.length > 15)
    return t`remote port '${remoteText}' is neither a number nor a port name`;
  return { local, remote: remoteText };
}

/** The next free port after `wanted`, from probes of the ports after it (in any order). */
export function suggestFreePort(
  wanted: number,
  probes: readonly { port: number; free: boolean }[],
): number | undefined {
  return probes
    .filter((p) => p.free && p.port > wanted && p.port <= 65535)
    .map((p) => p.port)
    .sort((a, b) => a - b)[0];
}

/** The ports to probe for a suggestion: the next `count` after `wanted`. */
export function portsToProbe(wanted: number, count = 20): number[] {
  const out: number[] = [];
  for (let p = wanted + 1; p <= 65535 && out.length < count; p++) out.push(p);
  return out;
}

// ---- selectors ----

// ---- choosing a pod ----

export function isPodReady(p: PodLike): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** Running, Ready and not being deleted: a pod a forward can use. */
export function isForwardable(p: PodLike): boolean {
  return p.status?.phase === 'Running' && isPodReady(p) && !p.metadata.deletionTimestamp;
}

function time(at: string | Date | undefined): number {
  if (at === undefined) return 0;
  const n = at instanceof Date ? at.getTime() : Date.parse(at);
  return Number.isNaN(n) ? 0 : n;
}

function readySince(p: PodLike): number {
  return time(p.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True')?.lastTransitionTime);
}

function restarts(p: PodLike): number {
  return (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
}

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * podutils.ActivePods reversed, as kubectl's GetFirstPod sorts: assigned before unassigned,
 * Running before Unknown before Pending, Ready before not, Ready for longer first, fewer
 * restarts first, older first. Negative when `a` is the better choice.
 */
export function compareActive(a: PodLike, b: PodLike): number {
  const assigned = (p: PodLike): number => (p.spec?.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(b) - assigned(a);
  const pa = phaseRank[a.status?.phase ?? ''] ?? -1;
  const pb = phaseRank[b.status?.phase ?? ''] ?? -1;
  if (pa !== pb) return pb - pa;
  const ra = isPodReady(a) ? 1 : 0;
  const rb = isPodReady(b) ? 1 : 0;
  if (ra !== rb) return rb - ra;
  if (ra && rb) {
    const ta = readySince(a);
    const tb = readySince(b);
    if (ta !== tb) return ta - tb;
  }
  if (restarts(a) !== restarts(b)) return restarts(a) - restarts(b);
  return time(a.metadata.creationTimestamp) - time(b.metadata.creationTimestamp);
}

/** The pod kubectl would pick among those that can take a forward, or undefined. */
export function choosePod(pods: readonly PodLike[]): PodLike | undefined {
  return pods.filter(isForwardable).sort(compareActive)[0];
}

/** "2 pods, none ready: web-1 (Pending), web-2 (Running, not ready)" for error messages. */
export function describePods(pods: readonly PodLike[]): string {
  if (!pods.length) return t`no pods match its selector`;
  const state = (p: PodLike): string => {
    if (p.metadata.deletionTimestamp) return t`terminating`;
    const phase = p.status?.phase ?? t`unknown phase`;
    return phase === 'Running' && !isPodReady(p) ? t`Running, not ready` : phase;
  };
  const names = pods.slice(0, 5).map((p) => `${p.metadata.name} (${state(p)})`);
  const shown = `${names.join(', ')}${pods.length > 5 ? ', …' : ''}`;
  return pods.length === 1 ? t`1 pod, none ready: ${shown}` : t`${pods.length} pods, none ready: ${shown}`;
}

// ---- ports ----

/** A container port number from its name in the pod's containers (LookupContainerPortNumberByName). */
export function containerPortByName(pod: PodLike, name: string): number | string {
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === name) return p.containerPort;
  }
  const names = (pod.spec?.containers ?? [])
    .flatMap((c) => (c.ports ?? []).map((p) => p.name))
    .filter((n): n is string => !!n);
  return names.length
    ? t`pod ${pod.metadata.name} has no container port named '${name}' (it has: ${names.join(', ')})`
    : t`pod ${pod.metadata.name} has no container port named '${name}'`;
}

/** The service port the student meant: by number, or by its name (kubectl accepts both). */
export function findServicePort(svc: ServiceLike, port: number | string): ServicePortSpec | string {
  const ports = svc.spec?.ports ?? [];
  const found = ports.find((p) => (typeof port === 'number' ? p.port === port : p.name === port));
  if (found) return found;
  const has = ports.map((p) => (p.name ? `${p.port} (${p.name})` : String(p.port))).join(', ');
  const which = typeof port === 'number' ? String(port) : t`named '${port}'`;
  return has
    ? t`service ${svc.metadata.name} has no port ${which}; its ports are ${has}`
    : t`service ${svc.metadata.name} has no port ${which}`;
}

/** The port on the pod that a service port leads to (LookupContainerPortNumberByServicePort). */
export function serviceTargetPort(svc: ServiceLike, port: number | string, pod: PodLike): number | string {
  const sp = findServicePort(svc, port);
  if (typeof sp === 'string') return sp;
  // A headless Service has no port mapping: the service port is the pod's port.
  if (svc.spec?.clusterIP === 'None') return sp.port;
  const targetPort = sp.targetPort;
  if (targetPort === undefined || targetPort === 0 || targetPort === '') return sp.port;
  if (typeof targetPort === 'number') return targetPort;
  if (/^\d+$/.test(targetPort)) return Number(targetPort);
  return containerPortByName(pod, targetPort);
}

/** The port on the pod for a Deployment or pod forward: a number as is, a name looked up. */
export function podTargetPort(port: number | string, pod: PodLike): number | string {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return containerPortByName(pod, port);
}

/** Where a forward goes now: one pod, one port on it. */
export interface Resolution {
  pod: string;
  podPort: number;
}
