// Port-forward costs (issue 7), on the local control plane with kwok as the node: a 100 MB
// download through our forward against `kubectl port-forward` to the same pod, alternating so
// drift in the machine's load hits both alike; then how long a forward takes to reach the new
// pod after its pod is deleted (kubectl's forward does not survive that at all).
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { loadKube } from '../src/node/kube/config';
import { PortForwardManager } from '../src/node/kube/portForward';
import { kubeBin, startKube, type RunningKube } from '../test/harness/kube';
import { freePort, readRecord, startDaemon, stopDaemon, tail, waitFor } from '../test/harness/lib';

const MB = 1024 * 1024;
const SIZE = 100 * MB;

function row(what: string, value: string, note = ''): void {
  console.log(`${what.padEnd(64)} ${value.padStart(14)}  ${note}`);
}

// The "container": a separate process, so neither forwarder shares an event loop with it.
const serverScript = `
const http = require('node:http');
const chunk = Buffer.alloc(1024 * 1024, 0x61);
const size = ${SIZE};
http.createServer((req, res) => {
  if (req.url !== '/big') { res.end('ok'); return; }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
  let sent = 0;
  const more = () => {
    while (sent < size) {
      sent += chunk.length;
      if (!res.write(chunk)) { res.once('drain', more); return; }
    }
    res.end();
  };
  more();
}).listen(Number(process.argv[1]), '127.0.0.1');
`;

const curl = ['/usr/bin/curl', '/bin/curl'].find((p) => existsSync(p));

/** Downloads url, returns MB/s. curl (its own process) when there is one, so the client is the same for both. */
function download(url: string): Promise<number> {
  if (curl) {
    return new Promise((resolve, reject) => {
      execFile(
        curl,
        ['-sS', '--fail', '-o', '/dev/null', '-w', '%{size_download} %{time_total}', url],
        { timeout: 120_000 },
        (err, stdout) => {
          if (err) return reject(err);
          const [bytes, secs] = stdout.trim().split(' ').map(Number);
          if (bytes !== SIZE) return reject(new Error(`got ${bytes ?? '?'} bytes, expected ${SIZE}`));
          resolve(SIZE / MB / (secs ?? NaN));
        },
      );
    });
  }
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    let n = 0;
    httpGet(url, { agent: false }, (res) => {
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () =>
        n === SIZE
          ? resolve(SIZE / MB / (Number(process.hrtime.bigint() - t0) / 1e9))
          : reject(new Error(`got ${n} bytes`)),
      );
      res.on('error', reject);
    }).on('error', reject);
  });
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet(url, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function benchPortForward(): Promise<void> {
  let kube: RunningKube | undefined;
  const daemons: string[] = [];
  let manager: PortForwardManager | undefined;
  try {
    kube = await startKube();
    const k = kube;
    const ns = 'bench-pf';
    const serverPort = await freePort();
    const srv = `bench-pf-server-${process.pid}`;
    daemons.push(srv);
    const server = startDaemon(srv, process.execPath, ['-e', serverScript, String(serverPort)]);
    await waitFor('the 100 MB server', () => answers(`http://127.0.0.1:${serverPort}/`), 10_000, server.alive);
    await k.kubectl(['apply', '-f', '-'], {
      input: `apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
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
      containers: [{name: web, image: example.invalid/web:1, ports: [{name: http, containerPort: 5000}]}]
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterPortForward
metadata: {name: bench-pf}
spec:
  selector: {matchNamespaces: [${ns}]}
  forwards:
    - ports: [5000]
      target: {address: 127.0.0.1, port: ${serverPort}}
`,
    });
    await k.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s'], { timeoutMs: 150_000 });

    manager = new PortForwardManager(loadKube({ kubeconfig: k.kubeconfig }));
    const ours = await manager.start({
      namespace: ns,
      kind: 'deployment',
      name: 'web',
      remotePort: 5000,
      localPort: 0,
    });
    const kubectlPort = await freePort();
    const pfName = `bench-pf-kubectl-${process.pid}`;
    daemons.push(pfName);
    const pf = startDaemon(pfName, kubeBin('kubectl'), [
      `--kubeconfig=${k.kubeconfig}`,
      `--cache-dir=${join(k.dir, 'kubectl-cache')}`,
      'port-forward',
      '-n',
      ns,
      `pod/${ours.pod ?? ''}`,
      `${kubectlPort}:5000`,
      '--address=127.0.0.1',
    ]);
    await waitFor(
      'kubectl port-forward listening',
      () => Promise.resolve(tail(pf.log).includes(`Forwarding from 127.0.0.1:${kubectlPort}`)),
      60_000,
      pf.alive,
    );
    // kwok learns of the ClusterPortForward through a watch: wait until both paths answer.
    await waitFor('our forward answering', () => answers(`${ours.url}/`), 60_000);
    await waitFor('kubectl forward answering', () => answers(`http://127.0.0.1:${kubectlPort}/`), 60_000, pf.alive);

    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 3; i++) {
      a.push(await download(`${ours.url}/big`));
      b.push(await download(`http://127.0.0.1:${kubectlPort}/big`));
      row(
        `  round ${i + 1}: 100 MB, ours / kubectl port-forward`,
        `${a[i]?.toFixed(0)} / ${b[i]?.toFixed(0)} MB/s`,
        `${((a[i] ?? NaN) / (b[i] ?? NaN)).toFixed(2)}×`,
      );
    }
    row(
      `port-forward throughput, 100 MB, ours against kubectl ${curl ? '(curl)' : '(node client)'}`,
      `${(median(a) / median(b)).toFixed(2)}×`,
      `median ${median(a).toFixed(0)} / ${median(b).toFixed(0)} MB/s; goal ≥ 0.8×`,
    );
    const pfLog = readRecord(pfName)?.log;
    await stopDaemon(pfName);
    if (pfLog) rmSync(pfLog, { force: true });

    const switches: number[] = [];
    const served: number[] = [];
    for (let i = 0; i < 3; i++) {
      const old = manager.get(ours.id)?.pod ?? '';
      const t0 = Date.now();
      await k.kubectl(['delete', 'pod', '-n', ns, old, '--wait=false']);
      await waitFor(
        'the forward on a new pod',
        () => {
          const now = manager?.get(ours.id);
          return Promise.resolve(now?.state === 'active' && now.pod !== undefined && now.pod !== old);
        },
        60_000,
      );
      switches.push(Date.now() - t0);
      await waitFor('a request through the new pod', () => answers(`${ours.url}/`), 60_000);
      served.push(Date.now() - t0);
    }
    row(
      'reconnect after a pod is deleted: new pod chosen (median of 3)',
      `${median(switches)} ms`,
      `each ${switches.join(', ')} ms; goal < 3000 ms`,
    );
    row(
      'reconnect after a pod is deleted: first request served (median of 3)',
      `${median(served)} ms`,
      `each ${served.join(', ')} ms; kwok makes the new pod Ready at once, a real kubelet takes longer`,
    );
  } catch (e) {
    const logs = daemons
      .map((d) => readRecord(d)?.log)
      .filter((l): l is string => !!l)
      .map((l) => tail(l, 10))
      .join('\n');
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${logs}\n${kube?.logs(10) ?? ''}`);
  } finally {
    await manager?.stopAll();
    for (const d of daemons.reverse()) {
      const log = readRecord(d)?.log;
      await stopDaemon(d);
      if (log) rmSync(log, { force: true });
    }
    await kube?.stop();
  }
}

// `npx tsx bench/portForward.ts` runs this part alone.
if (require.main === module) {
  benchPortForward().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
}
