// A real Kubernetes control plane for tests, built from Go modules (no images, no GitHub):
// kube-apiserver, kube-controller-manager, kube-scheduler and kubectl from the k8s.io/kubernetes
// module, etcd from go.etcd.io/etcd/server/v3, and kwok (sigs.k8s.io/kwok) as the only "node":
// it runs pods through their lifecycle by stages and answers the API server's port-forward.
// Each comes from its own generated wrapper module in the cache (never in the repository), so
// one's pins do not force the others'. See /work/shared/design/CONTROL-PLANE-RECIPE.md.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import {
  CommandError,
  cacheDir,
  freePort,
  installed,
  isAlive,
  markInstalled,
  readRecord,
  run,
  runDir,
  sleep,
  startDaemon,
  stopDaemon,
  tail,
  waitFor,
  type Part,
  type PartStatus,
} from './lib';

/**
 * kubernetes v1.37.2: the version the repository's schemas come from (scripts/gen-schemas.mjs);
 * its go.mod says `go 1.26.0`, which the local Go 1.26 builds. etcd v3.7.3: kubeadm 1.37 pins
 * etcd 3.7.0 (cmd/kubeadm/app/constants) and the API server's etcd client is 3.7.0; 3.7.3 is the
 * newest 3.7 patch. kwok v0.8.0: the newest release (go 1.26.0, k8s libraries 0.36). The
 * prometheus-operator version is the one the ServiceMonitor schema is generated from.
 */
export const kubeVersions = {
  kubernetes: 'v1.37.2',
  etcd: 'v3.7.3',
  kwok: 'v0.8.0',
  prometheusOperator: 'v0.85.0',
} as const;

const K8S = 'k8s.io/kubernetes';
const ETCD = 'go.etcd.io/etcd/server/v3';
const KWOK = 'sigs.k8s.io/kwok';
const PROMETHEUS_OPERATOR = 'github.com/prometheus-operator/prometheus-operator';
const SERVICEMONITOR_CRD = 'example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml';
const KUBE_COMMANDS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'] as const;

export function kubeDir(): string {
  return cacheDir(`kube-${kubeVersions.kubernetes.replace(/^v/, '')}`);
}

export function kubeBin(name: (typeof KUBE_COMMANDS)[number] | 'etcd' | 'kwok'): string {
  return join(kubeDir(), 'bin', name);
}

/** Go without toolchain downloads, static; the caller's GOPROXY, GOMODCACHE and GOCACHE are kept. */
function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOWORK: 'off', GOFLAGS: '-mod=mod -buildvcs=false' };
}

interface ModuleInfo {
  Dir?: string;
  GoMod?: string;
  Error?: string;
}

/** `go mod download -json module@version` (module cache, else the Go module proxy), from an empty directory. */
export async function goModDownload(module: string, version: string): Promise<ModuleInfo> {
  const cwd = mkdtempSync(join(tmpdir(), 'obslab-gomod-'));
  try {
    let out: string;
    try {
      out = await run('go', ['mod', 'download', '-json', `${module}@${version}`], {
        cwd,
        env: goEnv(),
        timeoutMs: 20 * 60_000,
      });
    } catch (e) {
      throw new Error(
        `go mod download ${module}@${version} failed: ${e instanceof CommandError ? e.output : String(e)}`,
      );
    }
    const info = JSON.parse(out) as ModuleInfo;
    if (info.Error) throw new Error(`go mod download ${module}@${version}: ${info.Error}`);
    return info;
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

export interface StagingReplace {
  module: string;
  version: string;
}

/**
 * The staging modules of k8s.io/kubernetes, read from its own go.mod: every `k8s.io/X => ./staging/...`
 * replace that the module also requires (the sample-controller and sample-cli-plugin replaces are
 * not required, and the proxy does not even serve sample-controller), each pointed at the
 * published v0.MINOR.PATCH tag that matches v1.MINOR.PATCH.
 */
export function stagingReplaces(goMod: string, kubernetesVersion: string): StagingReplace[] {
  const m = /^v1\.(\d+)\.(\d+)$/.exec(kubernetesVersion);
  if (!m) throw new Error(`unexpected Kubernetes version ${kubernetesVersion}`);
  const published = `v0.${m[1]}.${m[2]}`;
  const local = [...goMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\//gm)].map((r) => r[1] ?? '');
  const required = new Set([...goMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+v0\.0\.0\b/gm)].map((r) => r[1] ?? ''));
  if (local.length === 0) throw new Error(`no ./staging replaces in k8s.io/kubernetes ${kubernetesVersion}'s go.mod`);
  return local.filter((mod) => required.has(mod)).map((mod) => ({ module: mod, version: published }));
}

/** The `go` line of a go.mod (a wrapper must not claim less than what it requires). */
function goLine(goMod: string): string {
  return /^go\s+(\S+)/m.exec(goMod)?.[1] ?? '1.26.0';
}

function wrapperGoMod(name: string, go: string, requires: string[], replaces: StagingReplace[] = []): string {
  const lines = [
    `// Generated by the Observability Lab harness (test/harness/kube.ts): builds ${name}.`,
    `module obslab.local/build/${name}`,
    '',
    `go ${go}`,
    '',
    'require (',
  ];
  for (const r of requires) lines.push(`\t${r}`);
  lines.push(')');
  if (replaces.length) {
    lines.push('', 'replace (');
    for (const r of replaces) lines.push(`\t${r.module} => ${r.module} ${r.version}`);
    lines.push(')');
  }
  return `${lines.join('\n')}\n`;
}

export interface KubeBuildStep {
  binary: string;
  ms: number;
  bytes: number;
}

/** The builds this process ran, in order, for reports (empty when everything was cached). */
export const lastKubeBuild: KubeBuildStep[] = [];

/** What a component's build depends on: when this changes, that component is rebuilt. */
function componentKey(component: string, version: string): string {
  return JSON.stringify({ component, version, flags: 'CGO_ENABLED=0 -trimpath -s -w' });
}

function keyFile(component: string): string {
  return join(kubeDir(), `${component}.key`);
}

function componentBuilt(component: string, version: string, binaries: string[]): boolean {
  const f = keyFile(component);
  return (
    existsSync(f) &&
    readFileSync(f, 'utf8') === componentKey(component, version) &&
    binaries.every((b) => existsSync(b))
  );
}

async function goBuild(srcDir: string, pkg: string, out: string, ldflags: string[], echo: boolean): Promise<void> {
  const t0 = Date.now();
  const args = ['build', '-trimpath', `-ldflags=${['-s', '-w', ...ldflags].join(' ')}`, '-o', out, pkg];
  await run('nice', ['-n', '10', 'go', ...args], { cwd: srcDir, env: goEnv(), echo, timeoutMs: 90 * 60_000 });
  const step = { binary: out, ms: Date.now() - t0, bytes: statSync(out).size };
  lastKubeBuild.push(step);
  if (echo)
    process.stderr.write(
      `kube: built ${out} in ${(step.ms / 1000).toFixed(0)} s (${(step.bytes / 1e6).toFixed(1)} MB)\n`,
    );
}

function freshSrc(component: string): string {
  const src = join(kubeDir(), 'src', component);
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  return src;
}

async function buildKubernetes(echo: boolean): Promise<void> {
  const v = kubeVersions.kubernetes;
  const bins = KUBE_COMMANDS.map((c) => kubeBin(c));
  if (componentBuilt('kubernetes', v, bins)) return;
  const info = await goModDownload(K8S, v);
  if (!info.GoMod) throw new Error(`go mod download ${K8S}@${v} gave no go.mod`);
  const upstream = readFileSync(info.GoMod, 'utf8');
  const src = freshSrc('kubernetes');
  writeFileSync(
    join(src, 'go.mod'),
    wrapperGoMod('kubernetes', goLine(upstream), [`${K8S} ${v}`], stagingReplaces(upstream, v)),
  );
  const [, major, minor] = /^v(\d+)\.(\d+)\./.exec(v) ?? [];
  // As hack/lib/version.sh stamps them, or the commands report v0.0.0-master.
  const stamp = { gitVersion: v, gitMajor: major ?? '', gitMinor: minor ?? '', gitTreeState: 'clean' };
  const ldflags = Object.entries(stamp).flatMap(([k, val]) => [
    `-X k8s.io/component-base/version.${k}=${val}`,
    `-X k8s.io/client-go/pkg/version.${k}=${val}`,
  ]);
  // One command at a time: the API server is most of the work, the others reuse its packages.
  for (const cmd of KUBE_COMMANDS) await goBuild(src, `${K8S}/cmd/${cmd}`, kubeBin(cmd), ldflags, echo);
  writeFileSync(keyFile('kubernetes'), componentKey('kubernetes', v));
}

async function buildEtcd(echo: boolean): Promise<void> {
  const v = kubeVersions.etcd;
  if (componentBuilt('etcd', v, [kubeBin('etcd')])) return;
  const info = await goModDownload(ETCD, v);
  const src = freshSrc('etcd');
  // The server module's main package is its root (server/main.go); its replaces (../api and so on) are ignored in a dependency.
  writeFileSync(
    join(src, 'go.mod'),
    wrapperGoMod('etcd', goLine(readFileSync(info.GoMod ?? '', 'utf8')), [`${ETCD} ${v}`]),
  );
  await goBuild(src, ETCD, kubeBin('etcd'), [], echo);
  writeFileSync(keyFile('etcd'), componentKey('etcd', v));
}

async function buildKwok(echo: boolean): Promise<void> {
  const v = kubeVersions.kwok;
  if (componentBuilt('kwok', v, [kubeBin('kwok')])) return;
  const info = await goModDownload(KWOK, v);
  const src = freshSrc('kwok');
  writeFileSync(
    join(src, 'go.mod'),
    wrapperGoMod('kwok', goLine(readFileSync(info.GoMod ?? '', 'utf8')), [`${KWOK} ${v}`]),
  );
  await goBuild(src, `${KWOK}/cmd/kwok`, kubeBin('kwok'), [], echo);
  writeFileSync(keyFile('kwok'), componentKey('kwok', v));
}

function buildKey(): string {
  return JSON.stringify(kubeVersions);
}

export function kubeInstalled(): boolean {
  const dir = kubeDir();
  const key = join(dir, 'build-key.json');
  return (
    installed(dir) &&
    existsSync(key) &&
    readFileSync(key, 'utf8') === buildKey() &&
    [...KUBE_COMMANDS, 'etcd' as const, 'kwok' as const].every((b) => existsSync(kubeBin(b))) &&
    Object.values(manifest).every((f) => existsSync(f()))
  );
}

async function build(echo: boolean): Promise<string> {
  const dir = kubeDir();
  if (kubeInstalled()) return join(dir, 'bin');
  rmSync(join(dir, '.obslab-installed'), { force: true });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  // One Go build at a time: two at once only fight over the cores and double the memory.
  await buildKubernetes(echo);
  await buildEtcd(echo);
  await buildKwok(echo);
  await copyManifests();
  const out = await run(kubeBin('kube-apiserver'), ['--version'], { timeoutMs: 30_000 });
  if (!out.includes(kubeVersions.kubernetes))
    throw new Error(`kube-apiserver --version says ${out.trim()}, not ${kubeVersions.kubernetes}`);
  writeFileSync(join(dir, 'build-key.json'), buildKey());
  markInstalled(dir);
  return join(dir, 'bin');
}

let building: Promise<string> | undefined;

/** Builds every binary once (cached by a marker and the versions) and returns the bin directory. */
export function installKube(echo = false): Promise<string> {
  building ??= build(echo).finally(() => {
    building = undefined;
  });
  return building;
}

/** The stages kwokctl's "fast" profile uses: nodes become Ready and keep a lease; pods become Running and Ready, complete and go away. */
const KWOK_STAGES = [
  'kustomize/stage/node/fast/node-initialize.yaml',
  'kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'kustomize/stage/pod/fast/pod-ready.yaml',
  'kustomize/stage/pod/fast/pod-complete.yaml',
  'kustomize/stage/pod/fast/pod-delete.yaml',
];

/** Copied out of the Go modules at install time, so a start runs no `go` command and needs no module cache. */
const manifest = {
  /** kwok's --config: the stages above, from the kwok module (kwok exits with "no stages found" without them). */
  kwokStages: (): string => join(kubeDir(), 'manifests', 'kwok-stages.yaml'),
  /** kwok's port-forward CRDs: port forwards are objects (--enable-crds), so a test can point one at its own server after the start. */
  clusterPortForwardCrd: (): string => join(kubeDir(), 'manifests', 'kwok.x-k8s.io_clusterportforwards.yaml'),
  portForwardCrd: (): string => join(kubeDir(), 'manifests', 'kwok.x-k8s.io_portforwards.yaml'),
  /** The ServiceMonitor CRD from the prometheus-operator module (the one the bundled schema comes from). */
  serviceMonitorCrd: (): string => join(kubeDir(), 'manifests', 'monitoring.coreos.com_servicemonitors.yaml'),
};

async function copyManifests(): Promise<void> {
  mkdirSync(join(kubeDir(), 'manifests'), { recursive: true });
  const kwok = (await goModDownload(KWOK, kubeVersions.kwok)).Dir ?? '';
  const read = (dir: string, f: string): string => {
    if (!existsSync(join(dir, f))) throw new Error(`${f} is not in the module at ${dir}`);
    return readFileSync(join(dir, f), 'utf8');
  };
  writeFileSync(manifest.kwokStages(), `${KWOK_STAGES.map((f) => read(kwok, f).trim()).join('\n---\n')}\n`);
  writeFileSync(
    manifest.clusterPortForwardCrd(),
    read(kwok, 'kustomize/crd/bases/kwok.x-k8s.io_clusterportforwards.yaml'),
  );
  writeFileSync(manifest.portForwardCrd(), read(kwok, 'kustomize/crd/bases/kwok.x-k8s.io_portforwards.yaml'));
  const operator = (await goModDownload(PROMETHEUS_OPERATOR, kubeVersions.prometheusOperator)).Dir ?? '';
  writeFileSync(manifest.serviceMonitorCrd(), read(operator, SERVICEMONITOR_CRD));
}

/** The ServiceMonitor CRD file the control plane installs (from the pinned prometheus-operator module). */
export function serviceMonitorCrdFile(): string {
  return manifest.serviceMonitorCrd();
}

// ---- certificates (per run, with openssl: Node's crypto makes keys but cannot sign certificates) ----

/** The names the admin certificate serves under, as kwokctl's pki.go writes them. */
const ADMIN_SANS = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
  'localhost',
  '127.0.0.1',
  '::1',
];

export interface KubePki {
  ca: string;
  caKey: string;
  /** The admin certificate (CN kwok-admin, O system:masters): serving, client, and the service-account key. */
  cert: string;
  key: string;
}

async function generatePki(dir: string): Promise<KubePki> {
  mkdirSync(dir, { recursive: true });
  const cfg = join(dir, 'openssl.cnf');
  const san = ADMIN_SANS.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  writeFileSync(
    cfg,
    `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_kube_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign
subjectKeyIdentifier = hash
[v3_kube_admin]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = ${san}
authorityKeyIdentifier = keyid
`,
  );
  const p: KubePki = {
    ca: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    cert: join(dir, 'admin.crt'),
    key: join(dir, 'admin.key'),
  };
  const csr = join(dir, 'admin.csr');
  const openssl = (args: string[]): Promise<string> => run('openssl', args, { timeoutMs: 60_000 });
  const rsa = ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out'];
  await openssl([...rsa, p.caKey]);
  await openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    p.caKey,
    '-sha256',
    '-days',
    '7',
    '-subj',
    '/CN=kwok-ca',
    '-config',
    cfg,
    '-extensions',
    'v3_kube_ca',
    '-out',
    p.ca,
  ]);
  await openssl([...rsa, p.key]);
  await openssl([
    'req',
    '-new',
    '-key',
    p.key,
    '-subj',
    '/O=system:masters/CN=kwok-admin',
    '-config',
    cfg,
    '-out',
    csr,
  ]);
  const serial = `0x${randomBytes(12).toString('hex')}`;
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    p.ca,
    '-CAkey',
    p.caKey,
    '-set_serial',
    serial,
    '-days',
    '7',
    '-sha256',
    '-extfile',
    cfg,
    '-extensions',
    'v3_kube_admin',
    '-out',
    p.cert,
  ]);
  rmSync(csr, { force: true });
  return p;
}

// ---- talking to the servers ----

export interface HttpsResult {
  status: number;
  body: string;
}

interface TlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** The controller-manager and scheduler serve self-signed certificates. */
  insecure?: boolean;
}

function httpsGet(url: string, tls: TlsOptions, timeoutMs = 5000): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: 'GET',
        agent: false,
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        rejectUnauthorized: tls.insecure !== true,
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** kwok serves these kinds from CRDs instead of its --config. */
const KWOK_CRDS = ['ClusterPortForward', 'PortForward'];

// ---- the running control plane ----

export const KWOK_NODE = 'kwok-node-0';

export interface KubePorts {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

export interface RunningKube {
  name: string;
  /** Path of a kubeconfig for the admin user (system:masters). */
  kubeconfig: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** The run's temporary directory: certificates, kubeconfig, etcd data. */
  dir: string;
  ports: KubePorts;
  pki: KubePki;
  /** The Node kwok manages. */
  nodeName: string;
  /** Runs the built kubectl with this cluster's kubeconfig. */
  kubectl(args: readonly string[], opts?: { input?: string; timeoutMs?: number }): Promise<string>;
  /** GET on the API server as the admin user. */
  get(path: string): Promise<HttpsResult>;
  /** The last lines of every component's log, for failure messages. */
  logs(lines?: number): string;
  stop(): Promise<void>;
}

/** What `down` in another process needs to stop a control plane. */
interface KubeState {
  name: string;
  dir: string;
  kubeconfig: string;
  server: string;
  daemons: string[];
  /** Remove the daemons' logs on stop (one-off runs). */
  dropLogs: boolean;
}

function statePath(name: string): string {
  return join(runDir(), `${name}.kube.json`);
}

function readState(name: string): KubeState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(name), 'utf8')) as KubeState;
  } catch {
    return undefined;
  }
}

/** Stops every process of the control plane `name` (newest first) and removes its directory. */
export async function stopKube(name: string): Promise<void> {
  const st = readState(name);
  if (!st) return;
  for (const d of [...st.daemons].reverse()) {
    await stopDaemon(d);
    // startDaemon's log path; the record may already be gone (the mocha root hook stops daemons too).
    if (st.dropLogs) rmSync(join(runDir(), `${d}.log`), { force: true });
  }
  // Only the folder startKube made (an obslab-kube-* folder in the temp folder), whatever the state file says.
  if (dirname(resolve(st.dir)) === resolve(tmpdir()) && /^obslab-kube-[A-Za-z0-9]{6}$/.test(basename(st.dir)))
    rmSync(st.dir, { recursive: true, force: true });
  else console.error(`${name}: not deleting ${st.dir}: it is not a folder the harness made`);
  rmSync(statePath(name), { force: true });
}

async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

function kubeconfigYaml(server: string, pki: KubePki): string {
  return `apiVersion: v1
kind: Config
clusters:
  - name: obslab
    cluster:
      server: ${server}
      certificate-authority: ${JSON.stringify(pki.ca)}
users:
  - name: obslab-admin
    user:
      client-certificate: ${JSON.stringify(pki.cert)}
      client-key: ${JSON.stringify(pki.key)}
contexts:
  - name: obslab
    context:
      cluster: obslab
      user: obslab-admin
current-context: obslab
`;
}

function nodeYaml(name: string): string {
  return `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: ${name}
    kubernetes.io/os: linux
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
    type: kwok
`;
}

export interface StartKubeOptions {
  /** Names the daemons and the state file; unique by default (and then the logs go on stop). */
  name?: string;
  /** Per component. */
  readyTimeoutMs?: number;
}

let serial = 0;

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on free
 * 127.0.0.1 ports with a temporary directory; installs the ServiceMonitor CRD and kwok's port
 * forward CRDs, creates a Node that kwok makes Ready, and waits for the default ServiceAccount
 * (the controller-manager's work). On any failure everything started is stopped and the error
 * carries the components' last log lines.
 */
export async function startKube(opts: StartKubeOptions = {}): Promise<RunningKube> {
  await installKube();
  const name = opts.name ?? `kube-${process.pid}-${++serial}`;
  const timeout = opts.readyTimeoutMs ?? 120_000;
  const old = readState(name);
  if (
    old?.daemons.some((d) => {
      const r = readRecord(d);
      return r !== undefined && isAlive(r.pid);
    })
  ) {
    throw new Error(`the control plane '${name}' is already running; run 'npm run harness -- kube down' first`);
  }
  if (old) await stopKube(name);
  const dir = mkdtempSync(join(tmpdir(), 'obslab-kube-'));
  const [etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok] = (await distinctPorts(6)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ports: KubePorts = { etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok };
  const server = `https://127.0.0.1:${apiserver}`;
  const kubeconfig = join(dir, 'kubeconfig');
  const state: KubeState = { name, dir, kubeconfig, server, daemons: [], dropLogs: opts.name === undefined };
  const saveState = (): void => writeFileSync(statePath(name), JSON.stringify(state, null, 2));
  saveState();

  const logs = new Map<string, string>();
  const start = (component: string, bin: string, args: string[]): (() => boolean) => {
    const daemonName = `${name}-${component}`;
    state.daemons.push(daemonName);
    saveState();
    const d = startDaemon(daemonName, bin, args, { cwd: dir, ...(component === 'apiserver' ? { url: server } : {}) });
    logs.set(component, d.log);
    return d.alive;
  };
  const logTails = (lines = 25): string =>
    [...logs].map(([c, f]) => `--- ${c} (${f}) ---\n${tail(f, lines)}`).join('\n');

  let pki: KubePki | undefined;
  let tls: TlsOptions = {};
  const kubectl = (args: readonly string[], o: { input?: string; timeoutMs?: number } = {}): Promise<string> =>
    run(kubeBin('kubectl'), [`--kubeconfig=${kubeconfig}`, `--cache-dir=${join(dir, 'kubectl-cache')}`, ...args], {
      timeoutMs: o.timeoutMs ?? 120_000,
      ...(o.input !== undefined ? { input: o.input } : {}),
    });
  const get = (path: string): Promise<HttpsResult> => httpsGet(`${server}${path}`, tls);

  try {
    pki = await generatePki(join(dir, 'pki'));
    tls = { ca: readFileSync(pki.ca), cert: readFileSync(pki.cert), key: readFileSync(pki.key) };
    writeFileSync(kubeconfig, kubeconfigYaml(server, pki));

    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const peerUrl = `http://127.0.0.1:${etcdPeer}`;
    const etcdAlive = start('etcd', kubeBin('etcd'), [
      '--name=node0',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=node0=${peerUrl}`,
      '--initial-cluster-state=new',
      // A throwaway cluster: no fsync, and quiet.
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ]);
    await waitFor(
      'etcd /health',
      async () => {
        const res = await fetch(`${etcdUrl}/health`, { signal: AbortSignal.timeout(2000) });
        return res.ok && (await res.text()).includes('"true"');
      },
      timeout,
      etcdAlive,
    );

    const apiAlive = start('apiserver', kubeBin('kube-apiserver'), [
      `--etcd-servers=${etcdUrl}`,
      '--etcd-prefix=/registry',
      '--allow-privileged=true',
      '--endpoint-reconciler-type=none',
      '--authorization-mode=Node,RBAC',
      '--bind-address=127.0.0.1',
      `--secure-port=${apiserver}`,
      '--service-cluster-ip-range=10.96.0.0/12',
      `--tls-cert-file=${pki.cert}`,
      `--tls-private-key-file=${pki.key}`,
      `--client-ca-file=${pki.ca}`,
      `--service-account-key-file=${pki.key}`,
      `--service-account-signing-key-file=${pki.key}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--proxy-client-cert-file=${pki.cert}`,
      `--proxy-client-key-file=${pki.key}`,
      // Front-proxy (aggregation) settings; the proxy client is the admin certificate, so its CN is the allowed name.
      `--requestheader-client-ca-file=${pki.ca}`,
      '--requestheader-allowed-names=kwok-admin',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      // kwok's node has a Hostname address too ("localhost"): dial its InternalIP, 127.0.0.1.
      '--kubelet-preferred-address-types=InternalIP',
    ]);
    await waitFor('kube-apiserver /readyz', async () => (await get('/readyz')).status === 200, timeout, apiAlive);

    // CRDs before kwok starts watching them: kwok's port forwards, and the ServiceMonitor.
    for (const f of [manifest.clusterPortForwardCrd(), manifest.portForwardCrd(), manifest.serviceMonitorCrd()])
      await kubectl(['apply', '--server-side', '-f', f]);
    await kubectl([
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/clusterportforwards.kwok.x-k8s.io',
      'crd/portforwards.kwok.x-k8s.io',
      'crd/servicemonitors.monitoring.coreos.com',
    ]);

    const cmAlive = start('controller-manager', kubeBin('kube-controller-manager'), [
      `--kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${controllerManager}`,
      `--root-ca-file=${pki.ca}`,
      `--service-account-private-key-file=${pki.key}`,
      '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
      '--leader-elect=false',
    ]);
    const schedAlive = start('scheduler', kubeBin('kube-scheduler'), [
      `--kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${scheduler}`,
      '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
      '--leader-elect=false',
    ]);
    const kwokAlive = start('kwok', kubeBin('kwok'), [
      `--kubeconfig=${kubeconfig}`,
      `--config=${manifest.kwokStages()}`,
      '--manage-all-nodes=true',
      `--enable-crds=${KWOK_CRDS.join(',')}`,
      `--tls-cert-file=${pki.cert}`,
      `--tls-private-key-file=${pki.key}`,
      '--node-ip=127.0.0.1',
      '--node-name=localhost',
      `--node-port=${kwok}`,
      `--server-address=127.0.0.1:${kwok}`,
      '--node-lease-duration-seconds=40',
    ]);
    const insecure: TlsOptions = { insecure: true };
    await waitFor(
      'kube-controller-manager /healthz',
      async () => (await httpsGet(`https://127.0.0.1:${controllerManager}/healthz`, insecure)).status === 200,
      timeout,
      cmAlive,
    );
    await waitFor(
      'kube-scheduler /healthz',
      async () => (await httpsGet(`https://127.0.0.1:${scheduler}/healthz`, insecure)).status === 200,
      timeout,
      schedAlive,
    );
    await waitFor(
      'kwok /healthz',
      async () => (await httpsGet(`https://127.0.0.1:${kwok}/healthz`, insecure)).status === 200,
      timeout,
      kwokAlive,
    );

    await kubectl(['apply', '-f', '-'], { input: nodeYaml(KWOK_NODE) });
    await waitFor(
      `node ${KWOK_NODE} Ready`,
      async () => {
        const res = await get(`/api/v1/nodes/${KWOK_NODE}`);
        if (res.status !== 200) return false;
        const node = JSON.parse(res.body) as { status?: { conditions?: { type: string; status: string }[] } };
        return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
      },
      timeout,
      kwokAlive,
    );
    await waitFor(
      'the default ServiceAccount',
      async () => (await get('/api/v1/namespaces/default/serviceaccounts/default')).status === 200,
      timeout,
      cmAlive,
    );
  } catch (e) {
    await sleep(300);
    const detail = logTails();
    await stopKube(name);
    throw new Error(`the control plane did not start: ${e instanceof Error ? e.message : String(e)}\n${detail}`);
  }
  const finalPki = pki;
  return {
    name,
    kubeconfig,
    server,
    dir,
    ports,
    pki: finalPki,
    nodeName: KWOK_NODE,
    kubectl,
    get,
    logs: logTails,
    stop: () => stopKube(name),
  };
}

// ---- the harness part ----

/** The kubeconfig of the control plane `npm run harness -- kube up` (or npm start) runs, if it runs. */
export function runningKubeconfig(name = 'kube'): string | undefined {
  const st = readState(name);
  const rec = readRecord(`${name}-apiserver`);
  return st && rec && isAlive(rec.pid) ? st.kubeconfig : undefined;
}

const PART = 'kube';

export const kubePart: Part = {
  name: PART,
  description: `Kubernetes ${kubeVersions.kubernetes} control plane from Go modules (etcd ${kubeVersions.etcd}, kwok ${kubeVersions.kwok} for the node, pods and port-forward), plus kubectl`,
  async install(): Promise<void> {
    await installKube(true);
  },
  async up(): Promise<PartStatus> {
    await installKube(true);
    const k = await startKube({ name: PART });
    const pid = readRecord(`${PART}-apiserver`)?.pid;
    return {
      name: PART,
      state: 'running',
      url: k.server,
      ...(pid !== undefined ? { pid } : {}),
      detail: `kubectl: ${kubeBin('kubectl')}; node ${k.nodeName} (kwok); logs: ${join(runDir(), `${PART}-*.log`)}`,
      env: { KUBECONFIG: k.kubeconfig },
    };
  },
  down(): Promise<void> {
    return stopKube(PART);
  },
  status(): Promise<PartStatus> {
    const st = readState(PART);
    const rec = readRecord(`${PART}-apiserver`);
    if (st && rec && isAlive(rec.pid)) {
      const down = st.daemons.filter((d) => {
        const r = readRecord(d);
        return !r || !isAlive(r.pid);
      });
      return Promise.resolve({
        name: PART,
        state: 'running',
        url: st.server,
        pid: rec.pid,
        ...(down.length ? { detail: `not running: ${down.join(', ')}` } : {}),
        env: { KUBECONFIG: st.kubeconfig },
      });
    }
    const ok = kubeInstalled();
    return Promise.resolve({
      name: PART,
      state: ok ? 'installed' : 'missing',
      ...(ok ? { detail: join(kubeDir(), 'bin') } : {}),
    });
  },
};
