// The real sandbox on a lab folder written as a cluster would want it (every listener on
// ${env:MY_POD_IP}) by someone else: it must listen on 127.0.0.1 only, hand none of this process'
// AWS keys to the app, the collector or Prometheus, refuse a config that reads the environment,
// and refuse to run the folder's code from a script that did not say --yes.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import {
  readSandboxState,
  sandboxCollectorVersion,
  sandboxDown,
  type SandboxState,
} from '../../src/node/sandbox/sandbox';
import { collectorBinary, collectorVersions, installCollector } from '../harness/otelcol';
import { repoRoot } from '../harness/lib';
import { prometheusBinary, prometheusPart } from '../harness/prometheus';

const secret = 'obslab-test-secret-do-not-leak';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A process' environment from /proc, as NAME → value. */
function environ(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

/** An address from /proc/net/tcp{,6}: little-endian 32-bit words of hex. */
function decodeAddress(hex: string): string {
  const [ip = '', port = ''] = hex.split(':');
  const words = ip.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  const host =
    bytes.length === 4
      ? bytes.join('.')
      : `[${(
          bytes
            .map((b) => b.toString(16).padStart(2, '0'))
            .join('')
            .match(/.{4}/g) ?? []
        ).join(':')}]`;
  return `${host}:${parseInt(port, 16)}`;
}

/** The TCP sockets `pid` listens on, from its file descriptors and the kernel's socket tables. */
function listening(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // closed while we looked
    }
  }
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
      if (f[3] === '0A' && f[9] && inodes.has(f[9]) && f[1]) found.push(decodeAddress(f[1]));
    }
  }
  return found.sort();
}

describe(`the sandbox (collector ${sandboxCollectorVersion}) on a lab folder someone else wrote`, function () {
  this.timeout(15 * 60_000);
  const saved = {
    cache: process.env['OBSLAB_CACHE'],
    collector: process.env['OBSLAB_COLLECTOR'],
    prometheus: process.env['OBSLAB_PROMETHEUS'],
    secret: process.env['AWS_SECRET_ACCESS_KEY'],
    key: process.env['AWS_ACCESS_KEY_ID'],
  };
  let cache: string;
  let lab: string;
  let state: SandboxState | undefined;

  before(async function () {
    this.timeout(60 * 60_000);
    await installCollector(collectorVersions.recent);
    const collector = collectorBinary(collectorVersions.recent);
    const realCache = saved.cache ?? join(homedir(), '.cache', 'obslab');
    // A cache of its own, so a sandbox that runs on this machine is neither seen nor stopped; the
    // harness' collector and the app's installed venvs are reused from the real cache.
    cache = mkdtempSync(join(tmpdir(), 'obslab-safety-cache-'));
    for (const name of existsSync(realCache) ? readdirSync(realCache) : []) {
      if (name.startsWith('app-venv-')) symlinkSync(join(realCache, name), join(cache, name));
    }
    process.env['OBSLAB_CACHE'] = cache;
    process.env['OBSLAB_COLLECTOR'] = collector;
    // The harness' programs by the documented variables: nothing is looked up on PATH or downloaded.
    await prometheusPart.install();
    process.env['OBSLAB_PROMETHEUS'] = prometheusBinary();
    // What a student's shell holds, and what the sandbox's programs must never see.
    process.env['AWS_SECRET_ACCESS_KEY'] = secret;
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIAOBSLABTEST';

    lab = join(mkdtempSync(join(tmpdir(), 'obslab-safety-')), 'lab');
    const made = await cli(['scaffold', lab]);
    assert.equal(made.code, 0, made.err);
    // The listeners written as the collector chart writes them: on the pod's IP, from the environment.
    const file = join(lab, 'k8s', 'otel-collector-config.yaml');
    const text = readFileSync(file, 'utf8')
      .replace(
        'endpoint: 0.0.0.0:4317',
        'endpoint: ${env:MY_POD_IP}:4317\n          http:\n            endpoint: ${env:MY_POD_IP}:4318',
      )
      .replace('endpoint: 0.0.0.0:8889', 'endpoint: ${env:MY_POD_IP}:8889')
      .replace('host: 0.0.0.0', 'host: ${env:MY_POD_IP}');
    assert.equal((text.match(/\$\{env:MY_POD_IP\}/g) ?? []).length, 4, 'the test rewrote the four listeners');
    writeFileSync(file, text);
  });

  after(async function () {
    this.timeout(60_000);
    await sandboxDown().catch(() => undefined);
    for (const [name, value] of [
      ['OBSLAB_CACHE', saved.cache],
      ['OBSLAB_COLLECTOR', saved.collector],
      ['OBSLAB_PROMETHEUS', saved.prometheus],
      ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ['AWS_ACCESS_KEY_ID', saved.key],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(cache, { recursive: true, force: true });
    rmSync(join(lab, '..'), { recursive: true, force: true });
  });

  it("refuses to run the folder's code from a script without --yes (stdin not a terminal): exit 2, nothing started", async () => {
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', join(repoRoot, 'src', 'cli', 'main.ts'), 'sandbox', 'up', '--lab', lab],
      { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'], env: process.env },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.end();
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.equal(code, 2, err);
    assert.match(err, /Run the code in .*lab on this machine\?/);
    assert.match(err, /app\/app\.py: runs with Python under OpenTelemetry/);
    assert.match(
      err,
      /obslab sandbox up: not started: pass --yes to run the lab folder's code without asking \(stdin is not a terminal\)/,
    );
    assert.equal(readSandboxState(), undefined);
  });

  it('refuses a config that would read ${env:AWS_SECRET_ACCESS_KEY}, naming it, before anything starts', async () => {
    const file = join(lab, 'k8s', 'otel-collector-config.yaml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      good.replace(
        'verbosity: basic',
        'verbosity: basic\n      otlphttp/leak:\n        endpoint: https://collector.example.com\n        headers:\n          x-key: ${env:AWS_SECRET_ACCESS_KEY}',
      ),
    );
    try {
      const r = await cli(['sandbox', 'up', '--lab', lab, '--yes']);
      assert.equal(r.code, 1);
      assert.match(
        r.err,
        /collector: .*otel-collector-config\.yaml: the collector config reads \$\{env:AWS_SECRET_ACCESS_KEY\} \(line \d+\), a value from the environment, a file or a URL/,
      );
      assert.equal(readSandboxState(), undefined);
    } finally {
      writeFileSync(file, good);
    }
  });

  it('starts with --yes and every program listens on 127.0.0.1 only, though the config said ${env:MY_POD_IP}', async () => {
    const r = await cli(['sandbox', 'up', '--lab', lab, '--yes', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    state = readSandboxState();
    assert.ok(state?.app && state.collector && state.prometheus);
    const collector = listening(state.collector.pid);
    // otlp grpc and http, the prometheus exporter and the collector's own telemetry.
    assert.equal(collector.length, 4, `collector listens on ${collector.join(', ')}`);
    for (const [name, pid] of [
      ['app', state.app.pid],
      ['collector', state.collector.pid],
      ['prometheus', state.prometheus.pid],
    ] as const) {
      const addrs = listening(pid);
      assert.ok(addrs.length > 0, `${name} listens somewhere`);
      assert.deepEqual(
        addrs.filter((a) => !a.startsWith('127.0.0.1:')),
        [],
        `${name} listens on loopback only: ${addrs.join(', ')}`,
      );
    }
    assert.ok(collector.includes(state.collector.otlpGrpc));
    assert.doesNotMatch(readFileSync(state.collector.config, 'utf8'), /\$\{env:/);
  });

  it("hands this process' AWS keys to none of them: not in the app's, the collector's or Prometheus' /proc/<pid>/environ", () => {
    assert.ok(state?.app && state.collector && state.prometheus);
    assert.equal(process.env['AWS_SECRET_ACCESS_KEY'], secret, 'the parent holds the secret');
    for (const [name, pid] of [
      ['app', state.app.pid],
      ['collector', state.collector.pid],
      ['prometheus', state.prometheus.pid],
    ] as const) {
      const env = environ(pid);
      assert.equal(env['AWS_SECRET_ACCESS_KEY'], undefined, `${name} has no AWS_SECRET_ACCESS_KEY`);
      assert.deepEqual(
        Object.keys(env).filter((k) => k.startsWith('AWS_')),
        [],
        `${name} has no AWS_* at all`,
      );
      assert.ok(
        !readFileSync(`/proc/${pid}/environ`, 'utf8').includes(secret),
        `${name}'s environment holds the secret's value nowhere`,
      );
      assert.ok(env['PATH'], `${name} still has PATH`);
    }
    const app = environ(state.app.pid);
    assert.equal(app['OTEL_EXPORTER_OTLP_ENDPOINT'], `http://${state.collector.otlpGrpc}`);
    assert.equal(app['OTEL_SERVICE_NAME'], 'ds252-hash');
  });

  it('still runs the data path (all four parts up), and stops on down', async () => {
    const r = await cli(['sandbox', 'status', '--format', 'json']);
    assert.equal(r.code, 0, r.out);
    const down = await cli(['sandbox', 'down']);
    assert.equal(down.code, 0);
    assert.equal(readSandboxState(), undefined);
  });
});
