// A real Kubernetes control plane (kube-apiserver, kube-controller-manager, kube-scheduler and
// kubectl from the k8s.io/kubernetes module, etcd, and kwok as the node), built from Go modules by
// the harness: the lab's own manifests go through the real API server, the Deployment's pods become
// Ready through kwok's stages, and kubectl port-forward reaches a process on this machine.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KWOK_NODE, installKube, kubeBin, kubeVersions, startKube, type RunningKube } from '../harness/kube';
import { freePort, readRecord, startDaemon, stopDaemon, tail, waitFor } from '../harness/lib';
import { renderLab } from '../support/lab';
import { defaultParams } from '../../src/core/scaffold/params';

interface Condition {
  type: string;
  status: string;
}
interface PodList {
  items: {
    metadata: { name: string };
    spec: { nodeName?: string };
    status: { phase?: string; conditions?: Condition[] };
  }[];
}

const ready = (conditions: Condition[] | undefined): boolean =>
  conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

describe('a real Kubernetes control plane built from Go modules (kube-apiserver, etcd, kwok)', function () {
  this.timeout(10 * 60_000);

  let kube: RunningKube | undefined;
  let starting: Promise<RunningKube> | undefined;
  let labDir = '';
  const cleanups: (() => Promise<void>)[] = [];
  const app = defaultParams.appNamespace;
  const monitoring = defaultParams.monitoringNamespace;

  function k(): RunningKube {
    if (!kube) throw new Error('the control plane did not start');
    return kube;
  }
  const labFile = (p: string): string => join(labDir, p);

  before(async function () {
    // A cold build of every binary takes a long while on 2 cores; cached runs skip it.
    this.timeout(150 * 60_000);
    await installKube(true);
    // Kept so after() can wait for a start that is still going when an uncaught error fails this hook.
    starting = startKube();
    kube = await starting;
    labDir = mkdtempSync(join(tmpdir(), 'obslab-kube-lab-'));
    const files = renderLab();
    for (const p of ['k8s/namespaces.yaml', 'k8s/app.yaml', 'k8s/otel-servicemonitors.yaml']) {
      const f = files.get(p);
      if (!f) throw new Error(`the lab has no ${p}`);
      writeFileSync(join(labDir, p.replace('k8s/', '')), f.content);
    }
    await k().kubectl(['apply', '-f', labFile('namespaces.yaml')]);
  });

  after(async function () {
    this.timeout(120_000);
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    // A failed start stops what it started itself; a start still under way is waited for, then stopped.
    const running = kube ?? (await starting?.catch(() => undefined));
    await running?.stop();
    if (labDir) rmSync(labDir, { recursive: true, force: true });
  });

  it('answers /version with the pinned Kubernetes version, and kubectl is the same version', async () => {
    const res = await k().get('/version');
    assert.equal(res.status, 200, res.body);
    const v = JSON.parse(res.body) as { gitVersion: string; major: string; minor: string };
    assert.equal(v.gitVersion, kubeVersions.kubernetes);
    assert.equal(`v${v.major}.${v.minor}.`, kubeVersions.kubernetes.replace(/\d+$/, ''));
    const client = JSON.parse(await k().kubectl(['version', '-o', 'json'])) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string };
    };
    assert.equal(client.clientVersion.gitVersion, kubeVersions.kubernetes);
    assert.equal(client.serverVersion.gitVersion, kubeVersions.kubernetes);
  });

  it('lists the kwok node as Ready', async () => {
    const nodes = JSON.parse(await k().kubectl(['get', 'nodes', '-o', 'json'])) as {
      items: {
        metadata: { name: string };
        status: { conditions?: Condition[]; nodeInfo?: { kubeletVersion?: string } };
      }[];
    };
    const node = nodes.items.find((n) => n.metadata.name === KWOK_NODE);
    assert.ok(node, `no node ${KWOK_NODE}: ${nodes.items.map((n) => n.metadata.name).join(', ')}`);
    assert.ok(ready(node.status.conditions), JSON.stringify(node.status.conditions));
    assert.match(node.status.nodeInfo?.kubeletVersion ?? '', /^kwok-/);
    const table = await k().kubectl(['get', 'nodes']);
    assert.match(table, new RegExp(`^${KWOK_NODE}\\s+Ready\\s`, 'm'), table);
  });

  it("runs the lab's otel-flask Deployment to 2/2 ready (scheduled onto the kwok node, Running and Ready by kwok's stages)", async () => {
    await k().kubectl(['apply', '-f', labFile('app.yaml')]);
    try {
      await k().kubectl(['rollout', 'status', '-n', app, 'deployment/otel-flask', '--timeout=180s'], {
        timeoutMs: 200_000,
      });
    } catch (e) {
      const pods = await k()
        .kubectl(['get', 'pods', '-n', app, '-o', 'wide'])
        .catch((x: unknown) => String(x));
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n${pods}\n${k().logs()}`);
    }
    const deploy = JSON.parse(await k().kubectl(['get', '-n', app, 'deployment/otel-flask', '-o', 'json'])) as {
      status: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
    };
    assert.equal(deploy.status.readyReplicas, 2);
    assert.equal(deploy.status.availableReplicas, 2);
    const pods = JSON.parse(
      await k().kubectl(['get', 'pods', '-n', app, '-l', 'app=otel-flask', '-o', 'json']),
    ) as PodList;
    assert.equal(pods.items.length, 2);
    for (const p of pods.items) {
      assert.equal(p.spec.nodeName, KWOK_NODE, p.metadata.name);
      assert.equal(p.status.phase, 'Running', p.metadata.name);
      assert.ok(ready(p.status.conditions), `${p.metadata.name}: ${JSON.stringify(p.status.conditions)}`);
    }
    const table = await k().kubectl(['get', '-n', app, 'deployment/otel-flask']);
    assert.match(table, /^otel-flask\s+2\/2\s+2\s+2\s/m, table);
  });

  it("has the ServiceMonitor CRD, and the scaffold's otel-servicemonitors.yaml passes a server-side dry-run and applies", async () => {
    const crd = JSON.parse(
      await k().kubectl(['get', 'crd', 'servicemonitors.monitoring.coreos.com', '-o', 'json']),
    ) as { spec: { versions: { name: string; served: boolean }[] }; status: { conditions?: Condition[] } };
    assert.ok(crd.spec.versions.some((v) => v.name === 'v1' && v.served));
    assert.ok(crd.status.conditions?.some((c) => c.type === 'Established' && c.status === 'True'));

    const dry = await k().kubectl(['apply', '--dry-run=server', '-f', labFile('otel-servicemonitors.yaml')]);
    assert.match(
      dry,
      /servicemonitor\.monitoring\.coreos\.com\/otel-collector-telemetry created \(server dry run\)/,
      dry,
    );
    assert.match(dry, /servicemonitor\.monitoring\.coreos\.com\/otel-collector created \(server dry run\)/, dry);
    const none = JSON.parse(await k().kubectl(['get', 'servicemonitors', '-n', monitoring, '-o', 'json'])) as {
      items: unknown[];
    };
    assert.equal(none.items.length, 0, 'a dry run created something');

    const out = await k().kubectl(['apply', '-f', labFile('otel-servicemonitors.yaml')]);
    assert.match(out, /otel-collector-telemetry created/, out);
    const list = JSON.parse(await k().kubectl(['get', 'servicemonitors', '-n', monitoring, '-o', 'json'])) as {
      items: { metadata: { name: string; labels?: Record<string, string> } }[];
    };
    assert.deepEqual(list.items.map((i) => i.metadata.name).sort(), ['otel-collector', 'otel-collector-telemetry']);
    for (const i of list.items) assert.equal(i.metadata.labels?.['release'], defaultParams.helmRelease);
  });

  it('port-forwards through the API server and kwok to a process on 127.0.0.1', async () => {
    // The "container" behind the pods' port 5000: a tiny HTTP server in this test.
    let hits = 0;
    const marker = `hello from the port-forward test ${process.pid}`;
    const server: Server = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(marker);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const addr = server.address();
    assert.ok(addr && typeof addr === 'object');

    // kwok forwards every pod in the app namespace, port 5000, to our server.
    await k().kubectl(['apply', '-f', '-'], {
      input: `apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterPortForward
metadata:
  name: otel-flask-to-local
spec:
  selector:
    matchNamespaces: [${app}]
  forwards:
    - ports: [5000]
      target:
        address: 127.0.0.1
        port: ${addr.port}
`,
    });

    const local = await freePort();
    const name = `kube-port-forward-${process.pid}`;
    const pf = startDaemon(name, kubeBin('kubectl'), [
      `--kubeconfig=${k().kubeconfig}`,
      `--cache-dir=${join(k().dir, 'kubectl-cache')}`,
      'port-forward',
      '-n',
      app,
      'deployment/otel-flask',
      `${local}:5000`,
      '--address=127.0.0.1',
    ]);
    cleanups.push(async () => {
      const log = readRecord(name)?.log;
      await stopDaemon(name);
      if (log) rmSync(log, { force: true });
    });
    const why = (): string => `kubectl port-forward:\n${tail(pf.log)}\n${k().logs(15)}`;
    try {
      await waitFor(
        'kubectl port-forward listening',
        () => Promise.resolve(tail(pf.log).includes(`Forwarding from 127.0.0.1:${local}`)),
        60_000,
        pf.alive,
      );
      // kwok sees the new ClusterPortForward through a watch: the first tries may find no forward yet.
      let body = '';
      await waitFor(
        `GET through the port-forward on 127.0.0.1:${local}`,
        async () => {
          const res = await fetch(`http://127.0.0.1:${local}/healthz`, { signal: AbortSignal.timeout(5000) });
          body = await res.text();
          return res.status === 200 && body === marker;
        },
        60_000,
        pf.alive,
      );
      assert.equal(body, marker);
      assert.ok(hits >= 1);
      assert.match(tail(pf.log), /Handling connection for/);
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n${why()}`);
    }
  });
});
