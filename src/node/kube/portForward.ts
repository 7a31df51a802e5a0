// Port-forwards that outlive a pod: each one listens on 127.0.0.1 and, per incoming connection,
// opens the API server's pod portforward subresource over a WebSocket (v4.channel.k8s.io: one
// WebSocket per connection, channel 0 data, channel 1 errors, each channel's first frame starts
// with the port as two little-endian bytes). A watch on the pods notices when the pod goes away
// or stops being Ready; the forward then picks a new Ready pod, as kubectl would have at start.
// (client-node's PortForward speaks the same protocol but has no backpressure or error channel
// handling, so the few lines of framing live here, on the `ws` client it already ships.)
import type { ClientRequest, IncomingMessage } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { AppsV1Api, CoreV1Api, Watch, type V1Pod, type V1Service } from '@kubernetes/client-node';
import WebSocket from 'isomorphic-ws';
import { getPods } from '../../core/kube/commands';
import type { ForwardPurpose } from '../../core/kube/forwardPresets';
import {
  choosePod,
  describePods,
  describeTarget,
  isForwardable,
  labelSelectorString,
  podTargetPort,
  portsToProbe,
  serviceTargetPort,
  suggestFreePort,
  type ForwardTarget,
  type PodLike,
  type Resolution,
  type ServiceLike,
} from '../../core/kube/ports';
import { commandInText } from '../../core/shellQuote';
import { KubeError, kubeCall, type LoadedKube } from './config';
import { portIsFree } from '../process/processes';
import { sleep } from '../process/sleep';
import { t } from '../../core/text/l10n';

export interface ForwardRequest extends ForwardTarget {
  /** 0: any free port. */
  localPort: number;
  purpose?: ForwardPurpose;
}

export type ForwardState = 'active' | 'waiting' | 'stopped';

/** A forward as the UI shows it. */
export interface ForwardInfo {
  id: string;
  purpose?: ForwardPurpose;
  target: ForwardTarget;
  localPort: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** The pod connections go to now; undefined while waiting for a Ready pod. */
  pod?: string;
  podPort?: number;
  state: ForwardState;
  /** Connections open now, and since the start. */
  open: number;
  total: number;
  /** How long the last switch to a new pod took, from noticing the loss to a Ready pod. */
  lastReconnectMs?: number;
  /** Why it is waiting, or the last connection error. */
  message?: string;
}

/** The local port is taken; `suggestion` is the next free one, if any was found. */
export class PortInUseError extends KubeError {
  constructor(
    readonly port: number,
    readonly suggestion: number | undefined,
    what: string,
  ) {
    super(
      suggestion
        ? t`Port ${port} on 127.0.0.1 is in use by another process, so ${what} cannot listen there. \
Port ${suggestion} is free: forward to it instead, or stop what uses ${port}.`
        : t`Port ${port} on 127.0.0.1 is in use by another process, so ${what} cannot listen there. \
Stop what uses ${port}, or choose another local port.`,
    );
    this.name = 'PortInUseError';
  }
}

export interface PortForwardOptions {
  /** Connection-level problems (a refused pod port, a pod that vanished mid-request); never thrown. */
  log?: (message: string) => void;
  /** How long a new connection waits for a Ready pod after the old one went away. Default 60 s. */
  podWaitMs?: number;
  /** Between lookups while waiting for a Ready pod. Default 250 ms. */
  pollMs?: number;
}

// ---- the parts of `ws` used here (typed locally: ws ships no types and @types/ws is not installed) ----

interface WsLike {
  readonly protocol: string;
  readonly readyState: number;
  on(event: 'open', listener: () => void): this;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'unexpected-response', listener: (req: ClientRequest, res: IncomingMessage) => void): this;
  send(data: Buffer, cb?: (err?: Error) => void): void;
  pause(): void;
  resume(): void;
  close(code?: number): void;
  terminate(): void;
}
type WsCtor = new (url: string, protocols: string[], options: Record<string, unknown>) => WsLike;
const WsClient = WebSocket as unknown as WsCtor;
const OPEN = 1;

const PROTOCOL = 'v4.channel.k8s.io';

// ---- conversions from the client's types to the API-shaped plain objects core reads ----

function toPod(p: V1Pod): PodLike {
  return {
    metadata: {
      name: p.metadata?.name ?? '',
      ...(p.metadata?.creationTimestamp ? { creationTimestamp: p.metadata.creationTimestamp } : {}),
      ...(p.metadata?.deletionTimestamp ? { deletionTimestamp: p.metadata.deletionTimestamp } : {}),
    },
    spec: {
      ...(p.spec?.nodeName ? { nodeName: p.spec.nodeName } : {}),
      containers: (p.spec?.containers ?? []).map((c) => ({
        name: c.name,
        ports: (c.ports ?? []).map((cp) => ({
          containerPort: cp.containerPort,
          ...(cp.name ? { name: cp.name } : {}),
        })),
      })),
    },
    status: {
      ...(p.status?.phase ? { phase: p.status.phase } : {}),
      conditions: (p.status?.conditions ?? []).map((c) => ({
        type: c.type,
        status: c.status,
        ...(c.lastTransitionTime ? { lastTransitionTime: c.lastTransitionTime } : {}),
      })),
      containerStatuses: (p.status?.containerStatuses ?? []).map((c) => ({ restartCount: c.restartCount })),
    },
  };
}

function toService(s: V1Service): ServiceLike {
  return {
    metadata: { name: s.metadata?.name ?? '' },
    spec: {
      ...(s.spec?.selector ? { selector: s.spec.selector } : {}),
      ...(s.spec?.clusterIP ? { clusterIP: s.spec.clusterIP } : {}),
      ports: (s.spec?.ports ?? []).map((p) => ({
        port: p.port,
        ...(p.name ? { name: p.name } : {}),
        ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
      })),
    },
  };
}

/** The raw watch object is untyped JSON; only the fields core reads are taken, defensively. */
function watchedPod(obj: unknown): PodLike | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const p = obj as V1Pod;
  return typeof p.metadata?.name === 'string' ? toPod(p) : undefined;
}

/** A target with nothing to forward to yet: the message says what is missing and what to do. */
class NoReadyPod extends KubeError {}

interface Resolver {
  /** The pod and pod port to use now; NoReadyPod when there is none. */
  resolve(): Promise<Resolution>;
  /** Query for the pod watch: the pods this target may go to. */
  watchQuery: Record<string, string>;
}

async function makeResolver(loaded: LoadedKube, target: ForwardTarget): Promise<Resolver> {
  const core = loaded.kc.makeApiClient(CoreV1Api);
  const what = describeTarget(target);
  const listPods = async (selector: string): Promise<PodLike[]> =>
    (
      await kubeCall(loaded, t`list the pods of ${what}`, () =>
        core.listNamespacedPod({ namespace: target.namespace, labelSelector: selector }),
      )
    ).items.map(toPod);
  const pick = (pods: PodLike[], selector: string): PodLike => {
    const pod = choosePod(pods);
    if (!pod) {
      throw new NoReadyPod(
        t`${what} has no ready pod to forward to (${describePods(pods)}). Check \
${commandInText(getPods(target.namespace, selector))}, and wait for the rollout to finish.`,
      );
    }
    return pod;
  };
  const portOn = (port: number | string): number => {
    if (typeof port === 'number') return port;
    throw new KubeError(t`Cannot forward to ${what}: ${port}.`);
  };

  if (target.kind === 'service') {
    const svc = toService(
      await kubeCall(loaded, t`read Service ${target.namespace}/${target.name}`, () =>
        core.readNamespacedService({ name: target.name, namespace: target.namespace }),
      ),
    );
    const selector = labelSelectorString(svc.spec?.selector);
    if (!selector)
      throw new KubeError(
        t`Service ${target.namespace}/${target.name} has no selector, so it names no pods to forward to. \
Forward to one of its pods or its Deployment instead.`,
      );
    return {
      watchQuery: { labelSelector: selector },
      async resolve() {
        const pod = pick(await listPods(selector), selector);
        return { pod: pod.metadata.name, podPort: portOn(serviceTargetPort(svc, target.remotePort, pod)) };
      },
    };
  }
  if (target.kind === 'deployment') {
    const apps = loaded.kc.makeApiClient(AppsV1Api);
    const d = await kubeCall(loaded, t`read Deployment ${target.namespace}/${target.name}`, () =>
      apps.readNamespacedDeployment({ name: target.name, namespace: target.namespace }),
    );
    const selector = labelSelectorString(d.spec?.selector);
    if (!selector)
      throw new KubeError(
        t`Deployment ${target.namespace}/${target.name} has an empty selector; fix its spec.selector.`,
      );
    return {
      watchQuery: { labelSelector: selector },
      async resolve() {
        const pod = pick(await listPods(selector), selector);
        return { pod: pod.metadata.name, podPort: portOn(podTargetPort(target.remotePort, pod)) };
      },
    };
  }
  return {
    watchQuery: { fieldSelector: `metadata.name=${target.name}` },
    async resolve() {
      const pod = toPod(
        await kubeCall(loaded, t`read pod ${target.namespace}/${target.name}`, () =>
          core.readNamespacedPod({ name: target.name, namespace: target.namespace }),
        ),
      );
      if (!isForwardable(pod))
        throw new NoReadyPod(
          t`Pod ${target.namespace}/${target.name} is not ready (${describePods([pod])}); forward to its Service \
or Deployment to follow restarts.`,
        );
      return { pod: pod.metadata.name, podPort: portOn(podTargetPort(target.remotePort, pod)) };
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** The next free port after `port` on 127.0.0.1, probing a few. */
export async function nextFreePort(port: number, count = 20): Promise<number | undefined> {
  const probes: { port: number; free: boolean }[] = [];
  for (const p of portsToProbe(port, count)) {
    const free = await portIsFree(p);
    probes.push({ port: p, free });
    if (free) break;
  }
  return suggestFreePort(port, probes);
}

class Forward {
  readonly sockets = new Set<Socket>();
  readonly streams = new Set<WsLike>();
  current: Resolution | undefined;
  state: ForwardState = 'active';
  open = 0;
  total = 0;
  lastReconnectMs: number | undefined;
  message: string | undefined;
  private resolving: Promise<Resolution> | undefined;
  private watchAbort: AbortController | undefined;
  private watchRetry: ReturnType<typeof setTimeout> | undefined;
  /** Grows while the watch keeps failing (no RBAC for watch, server away), back to 1 s once it works. */
  private watchDelay = 1000;

  constructor(
    readonly id: string,
    readonly req: ForwardRequest,
    readonly localPort: number,
    readonly server: Server,
    private readonly loaded: LoadedKube,
    private readonly resolver: Resolver,
    private readonly opts: Required<PortForwardOptions>,
    private readonly changed: () => void,
  ) {}

  info(): ForwardInfo {
    const { namespace, kind, name, remotePort, purpose } = this.req;
    const target: ForwardTarget = { namespace, kind, name, remotePort };
    return {
      id: this.id,
      ...(purpose ? { purpose } : {}),
      target,
      localPort: this.localPort,
      url: `http://127.0.0.1:${this.localPort}`,
      ...(this.current ? { pod: this.current.pod, podPort: this.current.podPort } : {}),
      state: this.state,
      open: this.open,
      total: this.total,
      ...(this.lastReconnectMs !== undefined ? { lastReconnectMs: this.lastReconnectMs } : {}),
      ...(this.message ? { message: this.message } : {}),
    };
  }

  /** The pod to use now, waiting (up to podWaitMs) for a Ready one after a loss. */
  target(): Promise<Resolution> {
    if (this.current) return Promise.resolve(this.current);
    this.resolving ??= this.findPod().finally(() => {
      this.resolving = undefined;
    });
    return this.resolving;
  }

  private async findPod(): Promise<Resolution> {
    const lostAt = Date.now();
    const deadline = lostAt + this.opts.podWaitMs;
    for (;;) {
      if (this.state === 'stopped') throw new KubeError(t`The forward on 127.0.0.1:${this.localPort} was stopped.`);
      try {
        const r = await this.resolver.resolve();
        this.current = r;
        this.state = 'active';
        this.message = undefined;
        this.lastReconnectMs = Date.now() - lostAt;
        this.changed();
        return r;
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (this.message !== msg) {
          this.message = msg;
          this.changed();
        }
        if (Date.now() >= deadline) throw e instanceof KubeError ? e : new KubeError(msg);
      }
      await sleep(this.opts.pollMs);
    }
  }

  /** The current pod is gone or not Ready: stop sending new connections to it and look for another. */
  lose(why: string): void {
    if (!this.current || this.state === 'stopped') return;
    this.opts.log(`${describeTarget(this.req)}: pod ${this.current.pod} ${why}; looking for another ready pod`);
    this.current = undefined;
    this.state = 'waiting';
    this.changed();
    // Start looking now, so the next connection finds the new pod already chosen.
    this.target().catch(() => undefined);
  }

  async watch(): Promise<void> {
    if (this.state === 'stopped') return;
    const w = new Watch(this.loaded.kc);
    const path = `/api/v1/namespaces/${encodeURIComponent(this.req.namespace)}/pods`;
    try {
      this.watchAbort = await w.watch(
        path,
        this.resolver.watchQuery,
        (phase, obj: unknown) => {
          this.watchDelay = 1000;
          const pod = watchedPod(obj);
          if (!pod) return;
          if (this.current?.pod === pod.metadata.name) {
            if (phase === 'DELETED') this.lose('was deleted');
            else if (!isForwardable(pod)) this.lose(pod.metadata.deletionTimestamp ? 'is terminating' : 'is not ready');
          } else if (!this.current && isForwardable(pod)) {
            this.target().catch(() => undefined);
          }
        },
        (err: unknown) => this.rewatch(err !== null && err !== undefined),
      );
    } catch {
      this.rewatch(true);
    }
  }

  private rewatch(failed: boolean): void {
    // Both the done callback and a rejected start may call this for one failure: one retry each time.
    if (this.state === 'stopped' || this.watchRetry) return;
    const delay = this.watchDelay;
    if (failed) this.watchDelay = Math.min(this.watchDelay * 2, 30_000);
    // The server ends watches now and then; a pod lost meanwhile is caught by the check on connect.
    this.watchRetry = setTimeout(() => {
      this.watchRetry = undefined;
      if (this.current) this.check().catch(() => undefined);
      void this.watch();
    }, delay);
  }

  /** After a gap in the watch: is the current pod still the one to use? */
  private async check(): Promise<void> {
    const cur = this.current;
    if (!cur) return;
    const core = this.loaded.kc.makeApiClient(CoreV1Api);
    try {
      const pod = toPod(await core.readNamespacedPod({ name: cur.pod, namespace: this.req.namespace }));
      if (!isForwardable(pod)) this.lose('is not ready');
    } catch {
      this.lose('could not be read');
    }
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.watchAbort?.abort();
    if (this.watchRetry) clearTimeout(this.watchRetry);
    for (const s of this.streams) s.terminate();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export class PortForwardManager {
  private readonly forwards = new Map<string, Forward>();
  private readonly listeners = new Set<(forwards: ForwardInfo[]) => void>();
  private readonly opts: Required<PortForwardOptions>;
  private serial = 0;
  private emitTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly loaded: LoadedKube,
    opts: PortForwardOptions = {},
  ) {
    this.opts = { log: opts.log ?? (() => undefined), podWaitMs: opts.podWaitMs ?? 60_000, pollMs: opts.pollMs ?? 250 };
  }

  /** Resolves the target to a Ready pod, then listens on 127.0.0.1:localPort. */
  async start(req: ForwardRequest): Promise<ForwardInfo> {
    const what = t`the forward to ${describeTarget(req)}`;
    const resolver = await makeResolver(this.loaded, req);
    const first = await resolver.resolve();
    const server = createServer({ allowHalfOpen: true, noDelay: true });
    let port: number;
    try {
      port = await listen(server, req.localPort);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === 'EADDRINUSE') throw new PortInUseError(req.localPort, await nextFreePort(req.localPort), what);
      if (code === 'EACCES')
        throw new KubeError(
          t`Port ${req.localPort} on 127.0.0.1 needs root to listen on, so ${what} cannot use it. \
Choose a port of 1024 or above.`,
        );
      const why = e instanceof Error ? e.message : String(e);
      throw new KubeError(t`Could not listen on 127.0.0.1:${req.localPort} for ${what}: ${why}.`);
    }
    const id = `${req.purpose ?? 'forward'}-${port}-${++this.serial}`;
    const f = new Forward(id, req, port, server, this.loaded, resolver, this.opts, () => this.emit());
    f.current = first;
    server.on('connection', (sock) => this.connect(f, sock));
    server.on('error', (e) => this.opts.log(`${what}: the listener failed: ${e.message}`));
    this.forwards.set(id, f);
    void f.watch();
    this.emit();
    return f.info();
  }

  list(): ForwardInfo[] {
    return [...this.forwards.values()].map((f) => f.info());
  }

  get(id: string): ForwardInfo | undefined {
    return this.forwards.get(id)?.info();
  }

  async stop(id: string): Promise<void> {
    const f = this.forwards.get(id);
    if (!f) return;
    this.forwards.delete(id);
    await f.stop();
    this.emit();
  }

  async stopAll(): Promise<void> {
    const all = [...this.forwards.values()];
    this.forwards.clear();
    await Promise.all(all.map((f) => f.stop()));
    if (all.length) this.emit();
  }

  /** Called with the whole list whenever a forward starts, stops, changes pod or state. */
  onChange(listener: (forwards: ForwardInfo[]) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Connection counts change per request (JMeter opens one connection each): tell listeners at most twice a second. */
  private emitSoon(): void {
    if (this.emitTimer) return;
    this.emitTimer = setTimeout(() => {
      this.emitTimer = undefined;
      this.emit();
    }, 500);
    this.emitTimer.unref();
  }

  private emit(): void {
    if (this.emitTimer) {
      clearTimeout(this.emitTimer);
      this.emitTimer = undefined;
    }
    const list = this.list();
    for (const l of this.listeners) {
      try {
        l(list);
      } catch (e) {
        this.opts.log(`a port-forward listener failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  private connect(f: Forward, sock: Socket): void {
    f.sockets.add(sock);
    f.open++;
    f.total++;
    sock.pause();
    let ws: WsLike | undefined;
    let closed = false;
    const what = `${f.info().url} → ${describeTarget(f.req)}`;
    sock.on('error', (e) => this.opts.log(`${what}: local connection: ${e.message}`));
    sock.on('close', () => {
      closed = true;
      f.sockets.delete(sock);
      f.open--;
      if (ws) {
        f.streams.delete(ws);
        if (ws.readyState === OPEN) ws.close();
        else ws.terminate();
      }
      this.emitSoon();
    });
    this.emitSoon();
    void (async () => {
      // One retry: the pod may have gone between the last watch event and this connection.
      for (let attempt = 0; attempt < 2 && !closed; attempt++) {
        let target: Resolution;
        try {
          target = await f.target();
        } catch (e) {
          this.opts.log(`${what}: ${e instanceof Error ? e.message : String(e)}`);
          sock.destroy();
          return;
        }
        if (closed) return;
        try {
          ws = await this.openStream(f, target);
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          this.opts.log(`${what}: could not open a stream to pod ${target.pod} port ${target.podPort}: ${msg}`);
          if (f.current?.pod === target.pod) f.lose('refused the stream');
          continue;
        }
        if (closed) {
          ws.terminate();
          return;
        }
        f.streams.add(ws);
        this.pipe(f, sock, ws, target, what);
        return;
      }
      sock.destroy();
    })();
  }

  private async openStream(f: Forward, target: Resolution): Promise<WsLike> {
    const base = this.loaded.server.replace(/^http/, 'ws').replace(/\/+$/, '');
    const url = `${base}/api/v1/namespaces/${encodeURIComponent(f.req.namespace)}/pods/${encodeURIComponent(target.pod)}/portforward?ports=${target.podPort}`;
    const options: Record<string, unknown> = { perMessageDeflate: false, handshakeTimeout: 15_000 };
    // Certificates, bearer tokens and exec plugins (aws eks get-token), as for every other call.
    await this.loaded.kc.applyToHTTPSOptions(options);
    return new Promise((resolve, reject) => {
      const ws = new WsClient(url, [PROTOCOL], options);
      let settled = false;
      ws.on('unexpected-response', (req, res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (body.length < 4096) body += c;
        });
        res.on('end', () => {
          let said = body.trim();
          try {
            said = (JSON.parse(body) as { message?: string }).message ?? said;
          } catch {
            // not a Status object: keep the text
          }
          settled = true;
          req.destroy();
          reject(new Error(`the API server answered ${res.statusCode ?? '?'}${said ? `: ${said}` : ''}`));
        });
      });
      ws.on('error', (e) => {
        if (!settled) {
          settled = true;
          reject(e);
        }
      });
      ws.on('open', () => {
        settled = true;
        resolve(ws);
      });
    });
  }

  private pipe(f: Forward, sock: Socket, ws: WsLike, target: Resolution, what: string): void {
    // Each channel's first two bytes are the port number, not data.
    const prefix = [2, 2];
    let errorText = '';
    let pending = 0;
    let paused = false;
    ws.on('message', (data: Buffer) => {
      const channel = data[0];
      let payload = data.subarray(1);
      if (channel === 0 || channel === 1) {
        const skip = Math.min(prefix[channel] ?? 0, payload.length);
        prefix[channel] = (prefix[channel] ?? 0) - skip;
        payload = payload.subarray(skip);
      }
      if (payload.length === 0) return;
      if (channel === 0) {
        if (!sock.write(payload)) {
          ws.pause();
          sock.once('drain', () => ws.resume());
        }
      } else if (channel === 1) {
        errorText += payload.toString('utf8');
      }
    });
    ws.on('error', (e) => {
      this.opts.log(`${what}: stream to pod ${target.pod}: ${e.message}`);
      sock.destroy();
    });
    ws.on('close', () => {
      if (errorText) {
        f.message = t`pod ${target.pod} port ${target.podPort}: ${errorText.trim()}`;
        this.opts.log(`${what}: ${f.message}`);
        sock.destroy();
        this.emit();
      } else {
        sock.end();
      }
    });
    sock.on('data', (chunk: Buffer) => {
      if (ws.readyState !== OPEN) return;
      const frame = Buffer.allocUnsafe(chunk.length + 1);
      frame[0] = 0;
      chunk.copy(frame, 1);
      pending += frame.length;
      ws.send(frame, () => {
        pending -= frame.length;
        if (paused && pending < 256 * 1024) {
          paused = false;
          sock.resume();
        }
      });
      if (pending > 1024 * 1024 && !paused) {
        paused = true;
        sock.pause();
      }
    });
    sock.resume();
  }
}
