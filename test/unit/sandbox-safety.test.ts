// The sandbox runs a lab folder someone may have written for you: every listener of its collector
// config lands on 127.0.0.1 whatever host it named, the config cannot read the environment, files
// or URLs, each program gets a minimal environment, and `obslab sandbox up --lab` asks first.
import { strict as assert } from 'node:assert';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runSandbox } from '../../src/cli/sandbox';
import { sandboxCollectorConfig, SandboxConfigError } from '../../src/core/sandbox/config';
import { sandboxQuestion } from '../../src/core/sandbox/consent';
import { sandboxEnv } from '../../src/core/sandbox/env';
import { defaultParams } from '../../src/core/scaffold/params';
import { templateVars } from '../../src/core/scaffold/plan';
import { renderTemplate } from '../../src/core/scaffold/render';
import { readSandboxState, sandboxPlan } from '../../src/node/sandbox/sandbox';
import { labInputs } from '../../src/node/sandbox/sandboxInputs';

const ports = { otlpGrpc: 41001, metrics: 41002, telemetry: 41003 };
const telemetry =
  'service:\n  telemetry:\n    metrics:\n      readers:\n        - pull:\n            exporter:\n              prometheus:\n                host: "${env:MY_POD_IP}"\n                port: 8888\n';
const prometheusExporter = 'exporters:\n  prometheus:\n    endpoint: "${env:MY_POD_IP}:8889"\n';

/** Every `endpoint` and `host` value in a parsed config, with its path. */
function listeners(value: unknown, path = ''): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => listeners(v, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'endpoint' || k === 'host' ? [[`${path}.${k}`, v] as [string, unknown]] : listeners(v, `${path}.${k}`),
  );
}

describe('sandbox collector config: every listener on 127.0.0.1', () => {
  const forms = [
    '0.0.0.0:4317',
    '${env:MY_POD_IP}:4317',
    '${MY_POD_IP}:4317',
    '10.1.2.3:4317',
    '"[::]:4317"',
    ':4317',
    'otel-collector.monitoring.svc:4317',
    'localhost:4317',
    '"[fd00::1]:4317"',
  ];
  for (const form of forms) {
    it(`moves a receiver endpoint written ${form} to 127.0.0.1`, () => {
      const text = `receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: ${form}\n      http:\n        endpoint: ${form.replace('4317', '4318')}\n  zipkin:\n    endpoint: ${form.replace('4317', '9411')}\n${prometheusExporter}${telemetry}`;
      const cfg = parse(sandboxCollectorConfig(text, ports)) as unknown;
      const seen = listeners(cfg);
      assert.deepEqual(seen, [
        ['.receivers.otlp.protocols.grpc.endpoint', '127.0.0.1:41001'],
        ['.receivers.otlp.protocols.http.endpoint', '127.0.0.1:0'],
        ['.receivers.zipkin.endpoint', '127.0.0.1:0'],
        ['.exporters.prometheus.endpoint', '127.0.0.1:41002'],
        ['.service.telemetry.metrics.readers[0].pull.exporter.prometheus.host', '127.0.0.1'],
      ]);
    });
  }

  it("moves every receiver's protocols.*.endpoint, a second otlp receiver, extensions' endpoints and every pull reader", () => {
    const text = [
      'receivers:',
      '  otlp:',
      '    protocols:',
      '      grpc:',
      '        endpoint: ${env:MY_POD_IP}:4317',
      '  otlp/second:',
      '    protocols:',
      '      grpc:',
      '        endpoint: 192.168.1.10:5317',
      '      http:',
      '        endpoint: "[::]:5318"',
      '  jaeger:',
      '    protocols:',
      '      thrift_http:',
      '        endpoint: my-host:14268',
      '      grpc:',
      '        endpoint: 0.0.0.0:14250',
      'extensions:',
      '  health_check:',
      '    endpoint: ${MY_POD_IP}:13133',
      '  pprof:',
      '    endpoint: 10.0.0.1:1777',
      '  zpages: {endpoint: ":55679"}',
      '  healthcheckv2:',
      '    http:',
      '      endpoint: 0.0.0.0:13133',
      'exporters:',
      '  prometheus:',
      '    endpoint: 10.9.9.9:8889',
      '  prometheus/two:',
      '    endpoint: example.org:9999',
      'service:',
      '  telemetry:',
      '    metrics:',
      '      readers:',
      '        - pull: {exporter: {prometheus: {host: 10.0.0.2, port: 8888}}}',
      '        - pull: {exporter: {prometheus: {host: "::", port: 8899}}}',
      '',
    ].join('\n');
    const cfg = parse(sandboxCollectorConfig(text, ports)) as unknown;
    const notLoopback = listeners(cfg).filter(([, v]) => typeof v !== 'string' || !/^127\.0\.0\.1(:\d+)?$/.test(v));
    assert.deepEqual(notLoopback, []);
    assert.equal(listeners(cfg).length, 13);
  });

  it("keeps a client exporter's endpoint (where data goes is not a listener)", () => {
    const text = `receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\n${prometheusExporter}  otlphttp:\n    endpoint: https://collector.example.com:4318\n${telemetry}`;
    const cfg = parse(sandboxCollectorConfig(text, ports)) as { exporters: { otlphttp: { endpoint: string } } };
    assert.equal(cfg.exporters.otlphttp.endpoint, 'https://collector.example.com:4318');
  });
});

describe('sandbox collector config: no environment, files or URLs', () => {
  const base = (extra: string): string =>
    `receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\n${prometheusExporter}${extra}${telemetry}`;

  for (const ref of [
    '${env:AWS_SECRET_ACCESS_KEY}',
    '${AWS_SECRET_ACCESS_KEY}',
    '${file:/home/me/.aws/credentials}',
    '${http://example.com/x}',
    '${https://example.com/x}',
    '${yaml:a: b}',
    '${env:HOME:-/x}',
  ]) {
    it(`refuses ${ref}, naming it and its line`, () => {
      const text = base(
        `  otlphttp:\n    endpoint: https://collector.example.com:4318\n    headers:\n      x-key: "${ref}"\n`,
      );
      assert.throws(
        () => sandboxCollectorConfig(text, ports),
        (e: unknown) =>
          e instanceof SandboxConfigError &&
          e.message.startsWith(
            `the collector config reads ${ref} (line 12), a value from the environment, a file or a URL`,
          ) &&
          /only \$\{env:MY_POD_IP\}, the pod's address, becomes 127\.0\.0\.1/.test(e.message),
      );
    });
  }

  it('replaces ${env:MY_POD_IP} outside listeners too, and leaves the escaped $${env:X} as text', () => {
    const text = base(
      'processors:\n  resource:\n    attributes:\n      - {key: ip, value: "${env:MY_POD_IP}", action: upsert}\n      - {key: literal, value: "$${env:AWS_SECRET_ACCESS_KEY}", action: upsert}\n',
    );
    const cfg = parse(sandboxCollectorConfig(text, ports)) as {
      processors: { resource: { attributes: { value: string }[] } };
    };
    assert.deepEqual(
      cfg.processors.resource.attributes.map((a) => a.value),
      ['127.0.0.1', '$${env:AWS_SECRET_ACCESS_KEY}'],
    );
  });

  it('does not count a reference in a listener it replaces anyway', () => {
    const text = `receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: \${env:HOST_IP}:4317\n${prometheusExporter}${telemetry}`;
    assert.equal(
      (
        parse(sandboxCollectorConfig(text, ports)) as {
          receivers: { otlp: { protocols: { grpc: { endpoint: string } } } };
        }
      ).receivers.otlp.protocols.grpc.endpoint,
      '127.0.0.1:41001',
    );
  });
});

describe("the sandbox programs' environment", () => {
  const parent = {
    PATH: '/usr/bin:/bin',
    HOME: '/home/me',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TMPDIR: '/tmp',
    HTTPS_PROXY: 'http://proxy:3128',
    no_proxy: 'localhost',
    AWS_ACCESS_KEY_ID: 'AKIA…',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: 'token',
    AWS_PROFILE: 'prod',
    GITHUB_TOKEN: 'ghp_x',
    KUBECONFIG: '/home/me/.kube/config',
    OTEL_EXPORTER_OTLP_HEADERS: 'api-key=parent-secret',
    PIP_INDEX_URL: 'https://mirror/simple',
    SSH_AUTH_SOCK: '/tmp/ssh',
    NODE_OPTIONS: '--require x',
    PYTHONPATH: '/evil',
    LD_PRELOAD: '/evil.so',
    EMPTY: undefined,
  };
  const minimal = {
    PATH: '/usr/bin:/bin',
    HOME: '/home/me',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TMPDIR: '/tmp',
    HTTPS_PROXY: 'http://proxy:3128',
    no_proxy: 'localhost',
  };

  it('gives the collector and Prometheus PATH, HOME, LANG/LC_*, TMPDIR and the proxies, and nothing else', () => {
    assert.deepEqual(sandboxEnv('collector', parent), minimal);
    assert.deepEqual(sandboxEnv('prometheus', parent), minimal);
  });

  it("gives the app the OTEL_* settings of its Deployment and the sandbox's own, never AWS_* even when a manifest names it", () => {
    const env = sandboxEnv('app', parent, {
      deployment: {
        OTEL_SERVICE_NAME: 'ds252-hash',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4317',
        AWS_SECRET_ACCESS_KEY: 'from-manifest',
        PYTHONPATH: '/x',
      },
      set: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:41001', PORT: '5000', AWS_REGION: 'x' },
    });
    assert.deepEqual(env, {
      ...minimal,
      OTEL_SERVICE_NAME: 'ds252-hash',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:41001',
      PORT: '5000',
    });
  });

  it("gives pip its PIP_* settings as well, and no one the parent's OTEL_* headers", () => {
    assert.deepEqual(sandboxEnv('pip', parent), { ...minimal, PIP_INDEX_URL: 'https://mirror/simple' });
    for (const p of ['app', 'pip', 'collector', 'prometheus'] as const)
      assert.equal(sandboxEnv(p, parent)['OTEL_EXPORTER_OTLP_HEADERS'], undefined);
  });
});

describe("the question before running a lab folder's code", () => {
  it('names the app, its requirements, the collector config and the manifest, and what the programs may see', () => {
    const q = sandboxQuestion('lab', [
      { path: 'app/app.py', role: 'app' },
      { path: 'app/requirements.txt', role: 'requirements' },
      { path: 'k8s/otel-collector-config.yaml', role: 'collector-config' },
      { path: 'k8s/app.yaml', role: 'app-manifest' },
      { path: 'app/Dockerfile', role: 'app-module' },
      { path: 'app/util.py', role: 'app-module' },
    ]);
    assert.equal(q.message, 'Run the code in lab on this machine?');
    assert.match(q.detail, /^ {2}app\/app\.py: runs with Python under OpenTelemetry$/m);
    assert.match(q.detail, /^ {2}app\/requirements\.txt: installed with pip/m);
    assert.match(q.detail, /^ {2}k8s\/otel-collector-config\.yaml: the collector's config/m);
    assert.match(q.detail, /^ {2}2 more files in app\/: in the app's folder, which the app runs from/m);
    assert.match(q.detail, /no AWS_\* or other credentials/);
    assert.match(q.detail, /asked again when one of these files changes/);
  });
});

describe('the lab files the sandbox takes, and their hash', () => {
  const templates = join(__dirname, '..', '..', 'templates');
  let lab: string;
  beforeEach(() => {
    lab = mkdtempSync(join(tmpdir(), 'obslab-sandbox-lab-'));
    cpSync(join(templates, 'app'), join(lab, 'app'), { recursive: true });
    cpSync(join(templates, 'lab', 'k8s'), join(lab, 'k8s'), { recursive: true });
    const vars = templateVars(defaultParams);
    for (const f of ['otel-collector-config.yaml', 'app.yaml'])
      writeFileSync(
        join(lab, 'k8s', f),
        renderTemplate(readFileSync(join(templates, 'lab', 'k8s', f), 'utf8'), vars, f),
      );
  });
  afterEach(() => rmSync(lab, { recursive: true, force: true }));

  it('lists the app, its requirements, the collector config, the manifest and every other file in app/', async () => {
    writeFileSync(join(lab, 'app', 'helper.py'), 'X = 1\n');
    const { files } = await labInputs(lab);
    assert.deepEqual(files.slice(0, 4), [
      { path: 'app/app.py', role: 'app' },
      { path: 'app/requirements.txt', role: 'requirements' },
      { path: 'k8s/otel-collector-config.yaml', role: 'collector-config' },
      { path: 'k8s/app.yaml', role: 'app-manifest' },
    ]);
    assert.ok(files.some((f) => f.path === 'app/helper.py' && f.role === 'app-module'));
  });

  it('takes files and links in app/ eight folders deep, but not its caches and environments', async () => {
    const deep = join(lab, 'app', ...Array.from({ length: 9 }, (_, i) => `d${i + 1}`));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(lab, 'app', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'eighth.py'), '');
    writeFileSync(join(deep, 'ninth.py'), '');
    symlinkSync('app.py', join(lab, 'app', 'alias.py'));
    for (const cache of ['__pycache__', '.venv', 'venv', 'node_modules', '.git']) {
      mkdirSync(join(lab, 'app', cache));
      writeFileSync(join(lab, 'app', cache, 'x.py'), '');
    }
    const modules = (await labInputs(lab)).files.filter((f) => f.role === 'app-module').map((f) => f.path);
    assert.ok(modules.includes('app/alias.py'), 'a symbolic link');
    assert.ok(modules.includes('app/d1/d2/d3/d4/d5/d6/d7/d8/eighth.py'), 'eight folders down');
    assert.ok(!modules.some((p) => p.endsWith('ninth.py')), 'nine folders down');
    assert.deepEqual(
      modules.filter((p) => p.endsWith('/x.py')),
      [],
    );
  });

  it('changes its hash when any of those files changes, and only then', async () => {
    const first = (await labInputs(lab)).sha256;
    assert.equal((await labInputs(lab)).sha256, first);
    writeFileSync(join(lab, 'k8s', 'namespaces.yaml'), '# not read by the sandbox\n');
    assert.equal((await labInputs(lab)).sha256, first);
    writeFileSync(
      join(lab, 'app', 'requirements.txt'),
      `${readFileSync(join(lab, 'app', 'requirements.txt'), 'utf8')}evil-package==1.0\n`,
    );
    assert.notEqual((await labInputs(lab)).sha256, first);
  });

  it('refuses a collector config that reads the environment before anything is asked or run', async () => {
    const file = join(lab, 'k8s', 'otel-collector-config.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('verbosity: basic', 'verbosity: "${env:AWS_SECRET_ACCESS_KEY}"'),
    );
    await assert.rejects(
      sandboxPlan({ labDir: lab }),
      /collector: .*reads \$\{env:AWS_SECRET_ACCESS_KEY\} \(line \d+\)/,
    );
  });

  describe('obslab sandbox up --lab', () => {
    // A cache of its own, so a sandbox running on this machine (npm start) is neither seen nor touched.
    let savedCache: string | undefined;
    let cache: string;
    before(() => {
      savedCache = process.env['OBSLAB_CACHE'];
      cache = mkdtempSync(join(tmpdir(), 'obslab-cache-'));
      process.env['OBSLAB_CACHE'] = cache;
    });
    after(() => {
      if (savedCache === undefined) delete process.env['OBSLAB_CACHE'];
      else process.env['OBSLAB_CACHE'] = savedCache;
      rmSync(cache, { recursive: true, force: true });
    });

    async function up(
      args: string[],
      deps: { interactive?: boolean; answer?: string },
    ): Promise<{ code: number; err: string; asked: number }> {
      const err: string[] = [];
      let asked = 0;
      const code = await runSandbox(
        ['up', ...args],
        { out: () => undefined, err: (l) => err.push(l) },
        {
          ...(deps.interactive === undefined ? {} : { interactive: deps.interactive }),
          ask: () => {
            asked++;
            return Promise.resolve(deps.answer ?? '');
          },
        },
      );
      return { code, err: err.join('\n'), asked };
    }

    it('refuses with exit 2 and says to pass --yes when stdin is not a terminal, starting nothing', async () => {
      const r = await up(['--lab', lab], { interactive: false });
      assert.equal(r.code, 2);
      assert.equal(r.asked, 0);
      assert.match(r.err, /^Run the code in .* on this machine\?\nStart Sandbox runs these files/);
      assert.match(
        r.err,
        /obslab sandbox up: not started: pass --yes to run the lab folder's code without asking \(stdin is not a terminal\)$/,
      );
      assert.equal(readSandboxState(), undefined);
    });

    it('asks on a terminal and starts nothing on "no"', async () => {
      const r = await up(['--lab', lab], { interactive: true, answer: 'n' });
      assert.equal(r.asked, 1);
      assert.equal(r.code, 2);
      assert.match(r.err, /obslab sandbox up: not started$/);
      assert.equal(readSandboxState(), undefined);
    });

    it('does not ask with --yes (and goes on to start: here it stops at a collector that is not there)', async () => {
      const r = await up(['--lab', lab, '--yes', '--collector', '/nonexistent/otelcol'], { interactive: false });
      assert.equal(r.asked, 0);
      assert.equal(r.code, 1);
      assert.match(r.err, /collector: no executable collector at \/nonexistent\/otelcol/);
      assert.doesNotMatch(r.err, /Run the code in/);
    });
  });
});
