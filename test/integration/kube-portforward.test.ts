// Our port-forward manager against the real control plane: the API server's pod portforward
// subresource over WebSocket, kwok answering for the pods and forwarding to a server in this test.
import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, get as httpGet, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { waitFor } from '../harness/lib';
import type { RunningKube } from '../harness/kube';
import { sharedKube, uniqueNamespace } from '../support/kube';
import { loadKube } from '../../src/node/kube/config';
import { PortForwardManager, PortInUseError, type ForwardInfo } from '../../src/node/kube/portForward';
import { portIsFree } from '../../src/node/process/processes';

interface Got {
  status: number;
  body: Buffer;
}

/** A GET on a fresh connection (no keep-alive pool), so each request goes through a new stream. */
function get(url: string, timeoutMs = 20_000): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('port-forwards through the API server and kwok (PortForwardManager)', function () {
  this.timeout(5 * 60_000);

  let kube: RunningKube;
  const ns = uniqueNamespace('obslab-pf');
  const cpf = `${ns}-to-local`;
  const big = randomBytes(10 * 1024 * 1024);
  const bigHash = createHash('sha256').update(big).digest('hex');
  const marker = `hello from behind kwok ${process.pid}`;
  let server: Server;
  let manager: PortForwardManager;
  const logs: string[] = [];
  const why = (): string => `\nmanager log:\n${logs.slice(-20).join('\n')}\n${kube.logs(10)}`;

  before(async function () {
    this.timeout(150 * 60_000);
    kube = await sharedKube();
    // The "container" behind every pod's port 5000 in our namespace.
    server = createServer((req, res) => {
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': big.length });
        res.end(big);
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(marker);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await kube.kubectl(['apply', '-f', '-'], {
      input: `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: example.invalid/web:1
          ports: [{name: http, containerPort: 5000}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: nobody, namespace: ${ns}}
spec:
  selector: {app: nobody-has-this-label}
  ports: [{port: 80, targetPort: 5000}]
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterPortForward
metadata: {name: ${cpf}}
spec:
  selector: {matchNamespaces: [${ns}]}
  forwards:
    - ports: [5000]
      target: {address: 127.0.0.1, port: ${port}}
`,
    });
    await kube.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s'], { timeoutMs: 150_000 });
    manager = new PortForwardManager(loadKube({ kubeconfig: kube.kubeconfig }), {
      log: (m) => logs.push(m),
      podWaitMs: 30_000,
    });
  });

  after(async function () {
    this.timeout(120_000);
    await manager?.stopAll();
    await kube?.kubectl(['delete', 'clusterportforward', cpf, '--ignore-not-found']).catch(() => undefined);
    await kube?.kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  async function firstAnswer(f: ForwardInfo): Promise<void> {
    // kwok learns of the ClusterPortForward through a watch: the first streams may find no forward yet.
    await waitFor(
      `GET through ${f.url}`,
      async () => {
        const r = await get(`${f.url}/healthz`, 5000).catch(() => undefined);
        return r?.status === 200 && r.body.toString() === marker;
      },
      60_000,
    );
  }

  it("forwards to a Service, following its named targetPort to the pod's container port", async () => {
    const f = await manager.start({
      namespace: ns,
      kind: 'service',
      name: 'web',
      remotePort: 80,
      localPort: 0,
      purpose: 'app',
    });
    try {
      assert.equal(f.podPort, 5000);
      assert.match(f.pod ?? '', /^web-/);
      assert.match(f.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      await firstAnswer(f);
      const r = await get(`${f.url}/`);
      assert.equal(r.body.toString(), marker);
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}${why()}`);
    } finally {
      await manager.stop(f.id);
    }
  });

  it('carries a 10 MB body intact through a forward to a Deployment', async () => {
    const f = await manager.start({ namespace: ns, kind: 'deployment', name: 'web', remotePort: 5000, localPort: 0 });
    try {
      await firstAnswer(f);
      const t0 = Date.now();
      const r = await get(`${f.url}/big`);
      const ms = Date.now() - t0;
      assert.equal(r.status, 200);
      assert.equal(r.body.length, big.length);
      assert.equal(createHash('sha256').update(r.body).digest('hex'), bigHash);
      console.log(`      10 MB through the forward in ${ms} ms (${(10 / (ms / 1000)).toFixed(0)} MB/s)`);
    } finally {
      await manager.stop(f.id);
    }
  });

  it("picks up the Deployment's new pod after the pod is deleted, and a new request succeeds", async () => {
    const f = await manager.start({ namespace: ns, kind: 'deployment', name: 'web', remotePort: 'http', localPort: 0 });
    try {
      await firstAnswer(f);
      const old = f.pod ?? '';
      const t0 = Date.now();
      await kube.kubectl(['delete', 'pod', '-n', ns, old, '--wait=false']);
      let now: ForwardInfo | undefined;
      await waitFor(
        'the forward to move to a new pod',
        () => {
          now = manager.get(f.id);
          return Promise.resolve(now?.state === 'active' && now.pod !== undefined && now.pod !== old);
        },
        60_000,
      );
      const switched = Date.now() - t0;
      const r = await get(`${f.url}/after-restart`);
      const served = Date.now() - t0;
      assert.equal(r.body.toString(), marker);
      assert.notEqual(manager.get(f.id)?.pod, old);
      console.log(
        `      pod ${old} deleted → ${now?.pod ?? '?'} in use after ${switched} ms (forward's own measure ${now?.lastReconnectMs ?? '?'} ms); first request served at ${served} ms`,
      );
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}${why()}`);
    } finally {
      await manager.stop(f.id);
    }
  });

  it('refuses a local port in use, naming it and suggesting the next free one', async () => {
    const blocker = createTcpServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await assert.rejects(
        manager.start({ namespace: ns, kind: 'service', name: 'web', remotePort: 80, localPort: port }),
        (e: unknown) => {
          assert.ok(e instanceof PortInUseError, String(e));
          assert.equal(e.port, port);
          assert.ok(e.suggestion !== undefined && e.suggestion > port, String(e.suggestion));
          assert.match(
            e.message,
            new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is in use .* Port ${e.suggestion} is free`),
          );
          return true;
        },
      );
      assert.equal(manager.list().length, 0);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('says a Service with no ready pods has nothing to forward to, and names a missing Service', async () => {
    await assert.rejects(
      manager.start({ namespace: ns, kind: 'service', name: 'nobody', remotePort: 80, localPort: 0 }),
      /svc\/nobody has no ready pod to forward to \(no pods match its selector\)\. Check `kubectl get pods -n \S+ -l app=nobody-has-this-label`/,
    );
    await assert.rejects(
      manager.start({ namespace: ns, kind: 'service', name: 'absent', remotePort: 80, localPort: 0 }),
      /Could not read Service \S+\/absent: services "absent" not found/,
    );
    await assert.rejects(
      manager.start({ namespace: ns, kind: 'service', name: 'web', remotePort: 8080, localPort: 0 }),
      /service web has no port 8080; its ports are 80 \(http\)/,
    );
    assert.equal(manager.list().length, 0);
  });

  it('stopAll closes every listener and connection: nothing is left listening', async () => {
    const a = await manager.start({ namespace: ns, kind: 'service', name: 'web', remotePort: 80, localPort: 0 });
    const b = await manager.start({ namespace: ns, kind: 'deployment', name: 'web', remotePort: 5000, localPort: 0 });
    await firstAnswer(a);
    // A connection held open across stopAll must be closed too.
    const held = connect({ host: '127.0.0.1', port: a.localPort });
    const heldClosed = new Promise<void>((resolve) => held.once('close', () => resolve()));
    held.on('error', () => undefined);
    await new Promise<void>((resolve) => held.once('connect', () => resolve()));
    assert.equal(manager.list().length, 2);
    await manager.stopAll();
    await heldClosed;
    assert.deepEqual(manager.list(), []);
    for (const p of [a.localPort, b.localPort]) {
      assert.ok(await refused(p), `127.0.0.1:${p} still accepts connections`);
      assert.ok(await portIsFree(p), `127.0.0.1:${p} is not free`);
    }
  });
});
