// The sandbox's pure pieces (why a program stopped, which collector endpoint a target is, the
// status lines, the app's Python) and the order in which its two programs are found on a
// student's machine: a path they gave, then PATH, then a copy installed earlier, then a download.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { versions } from '../../src/core/facts';
import { collectorAsset, prometheusAsset, prometheusRelease } from '../../src/core/downloads/releases';
import type { ActiveTarget } from '../../src/core/prometheus/types';
import { diagnose } from '../../src/core/sandbox/diagnose';
import { describeParts, endpointOf } from '../../src/core/sandbox/parts';
import {
  minPython,
  parsePythonVersion,
  pythonCandidates,
  pythonInstallHint,
  pythonIsRecentEnough,
  venvProgram,
} from '../../src/core/sandbox/python';
import { SandboxError } from '../../src/node/sandbox/sandboxError';
import {
  cliPartWords,
  findSandboxPrograms,
  onPath,
  type SandboxPartsOptions,
} from '../../src/node/sandbox/sandboxParts';

describe('why a sandbox program stopped', () => {
  it('names the port another program holds, from the log line or the one port we gave it', () => {
    const named = diagnose({
      logText: 'ts=… level=error msg="listen tcp 127.0.0.1:9090: bind: address already in use"',
      exited: true,
      waitedFor: 'http://127.0.0.1:9090/-/ready',
      fix: 'x',
    });
    assert.equal(named.reason, 'port 127.0.0.1:9090 is already in use by another program');
    assert.match(
      named.fix,
      /start the sandbox again .*it picks new free ports.*`lsof -iTCP -sTCP:LISTEN` on macOS, `netstat -ano` on Windows/,
    );
    const given = diagnose({
      logText: 'OSError: [Errno 98] Address already in use',
      exited: true,
      waitedFor: '',
      fix: 'x',
      ports: [5000],
    });
    assert.equal(given.reason, 'port 127.0.0.1:5000 is already in use by another program');
    const unknown = diagnose({
      logText: 'Address already in use',
      exited: true,
      waitedFor: '',
      fix: 'x',
      ports: [1, 2],
    });
    assert.equal(unknown.reason, 'a port it needs is already in use by another program');
  });

  it('says it exited with its last log line, or did not answer in time, and passes the fix through', () => {
    assert.deepEqual(
      diagnose({ logText: 'a\nError: invalid config\n\n', exited: true, waitedFor: 'u', fix: 'check it' }),
      {
        reason: 'exited during start (last log line: Error: invalid config)',
        fix: 'check it',
      },
    );
    assert.deepEqual(
      diagnose({ logText: '', exited: true, waitedFor: 'u', fix: 'f' }).reason,
      'exited during start (last log line: no output)',
    );
    assert.equal(
      diagnose({ logText: 'starting', exited: false, waitedFor: 'http://127.0.0.1:1/metrics', fix: 'f' }).reason,
      'did not answer at http://127.0.0.1:1/metrics in time',
    );
  });
});

describe("the sandbox's status lines", () => {
  const target = (endpoint: string): ActiveTarget =>
    ({
      labels: { endpoint },
      scrapePool: '',
      scrapeUrl: '',
      health: 'up',
      lastError: '',
      discoveredLabels: {},
    }) as unknown as ActiveTarget;

  it("tells the collector's two endpoints apart by the endpoint label the ServiceMonitors give", () => {
    assert.equal(endpointOf(target('telemetry')), 'telemetry');
    assert.equal(endpointOf(target('metrics')), 'metrics');
    assert.equal(endpointOf(target('web')), undefined);
  });

  it('lists state, part, address and detail, with the log on a line of its own', () => {
    assert.deepEqual(
      describeParts([
        { name: 'app', url: 'http://127.0.0.1:5000', state: 'up', log: '/run/app.log' },
        { name: 'prometheus', url: null, state: 'stopped', detail: 'Prometheus 3.14.0' },
      ]),
      [
        '  up       app                  http://127.0.0.1:5000\n           log: /run/app.log',
        '  stopped  prometheus             (Prometheus 3.14.0)',
      ],
    );
  });
});

describe("the app's Python", () => {
  it("tries $OBSLAB_PYTHON alone when set; else python3 then python, and Windows' py -3 first", () => {
    assert.deepEqual(pythonCandidates('linux', { OBSLAB_PYTHON: '/opt/py/bin/python3.12' }), [
      { cmd: '/opt/py/bin/python3.12', args: [] },
    ]);
    assert.deepEqual(
      pythonCandidates('darwin', {}).map((c) => c.cmd),
      ['python3', 'python'],
    );
    assert.deepEqual(
      pythonCandidates('win32', {}).map((c) => [c.cmd, ...c.args].join(' ')),
      ['py -3', 'python', 'python3'],
    );
  });

  it('needs Python 3.10, what the pinned OpenTelemetry packages declare', () => {
    assert.deepEqual(minPython, [3, 10]);
    assert.deepEqual(parsePythonVersion('3.12\n'), [3, 12]);
    assert.equal(
      parsePythonVersion('Python was not found; run without arguments to install from the Microsoft Store'),
      undefined,
    );
    assert.equal(pythonIsRecentEnough([3, 9]), false);
    assert.equal(pythonIsRecentEnough([3, 10]), true);
    assert.equal(pythonIsRecentEnough([4, 0]), true);
  });

  it('says how to install Python on each OS, not with apt alone', () => {
    assert.match(pythonInstallHint('win32'), /winget install Python\.Python\.3\.12.*python\.org/);
    assert.match(pythonInstallHint('darwin'), /brew install python.*python\.org/);
    assert.match(pythonInstallHint('linux'), /sudo apt install python3 python3-venv.*dnf.*pacman.*python\.org/);
    for (const p of ['win32', 'darwin']) assert.doesNotMatch(pythonInstallHint(p), /apt/);
  });

  it("finds a venv's programs under Scripts\\*.exe on Windows and bin/ elsewhere", () => {
    assert.deepEqual(venvProgram('win32', 'pip'), ['Scripts', 'pip.exe']);
    assert.deepEqual(venvProgram('linux', 'opentelemetry-instrument'), ['bin', 'opentelemetry-instrument']);
  });
});

describe('where the sandbox finds its collector and Prometheus', () => {
  let dir: string;
  let bin: string;
  let root: string;

  function program(folder: string, name: string): string {
    mkdirSync(folder, { recursive: true });
    const p = join(folder, name);
    writeFileSync(p, '');
    chmodSync(p, 0o755);
    return p;
  }

  /** A copy "downloaded earlier": the installed folder with its mark, as installRelease leaves it. */
  function installedEarlier(asset: ReturnType<typeof collectorAsset>): string {
    const folder = join(root, asset.installFolder);
    const binary = program(
      join(folder, ...asset.binaryInArchive.split('/').slice(0, -1)),
      asset.binaryInArchive.split('/').pop() ?? '',
    );
    writeFileSync(
      join(folder, '.obslab-installed'),
      JSON.stringify({ archive: asset.archive, sha256: 'x', url: 'u', binary: asset.binaryInArchive, installedAt: '' }),
    );
    return binary;
  }

  const options = (o: Partial<SandboxPartsOptions> = {}): SandboxPartsOptions => ({
    root,
    network: { env: {} },
    words: cliPartWords,
    env: { PATH: bin },
    platform: 'linux',
    arch: 'x64',
    ...o,
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-parts-'));
    bin = join(dir, 'bin');
    root = join(dir, 'parts');
    mkdirSync(bin);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a path the student gave over everything else, saying where it came from', async () => {
    program(bin, 'otelcol-contrib');
    const given = program(join(dir, 'mine'), 'my-otelcol');
    const prom = program(join(dir, 'mine'), 'prom');
    const found = await findSandboxPrograms(
      options({
        collector: { path: given, from: 'obslab.sandbox.collectorPath' },
        env: { PATH: bin, OBSLAB_PROMETHEUS: prom },
      }),
    );
    assert.deepEqual(found.collector, {
      path: given,
      source: 'given',
      detail: `otelcol-contrib from obslab.sandbox.collectorPath (${given})`,
    });
    assert.deepEqual(found.prometheus, {
      path: prom,
      source: 'given',
      detail: `prometheus from $OBSLAB_PROMETHEUS (${prom})`,
    });
  });

  it('refuses a given path that is not a program, naming the setting or flag and the way out', async () => {
    await assert.rejects(
      findSandboxPrograms(options({ collector: { path: join(dir, 'nope'), from: 'obslab.sandbox.collectorPath' } })),
      (e: unknown) => {
        assert.ok(e instanceof SandboxError);
        assert.equal(e.part, 'collector');
        assert.equal(e.reason, `no executable collector at ${join(dir, 'nope')} (from obslab.sandbox.collectorPath)`);
        assert.match(
          e.fix,
          /check the path given with obslab\.sandbox\.collectorPath, or leave it empty so Observability Lab finds otelcol-contrib on PATH or downloads it/,
        );
        return true;
      },
    );
  });

  it('takes otelcol-contrib, else otelcol, and prometheus from PATH', async () => {
    const core = program(bin, 'otelcol');
    const prom = program(bin, 'prometheus');
    let found = await findSandboxPrograms(options());
    assert.deepEqual([found.collector.path, found.collector.source, found.prometheus.path], [core, 'path', prom]);
    const contrib = program(bin, 'otelcol-contrib');
    found = await findSandboxPrograms(options());
    assert.equal(found.collector.path, contrib);
    assert.equal(found.collector.detail, `otelcol-contrib from PATH (${contrib})`);
  });

  it('looks for name.exe on PATH on Windows', () => {
    const exe = program(bin, 'prometheus.exe');
    assert.equal(onPath(['prometheus'], { Path: bin }, 'win32'), exe);
    assert.equal(onPath(['prometheus'], { PATH: bin }, 'linux'), undefined);
  });

  it('uses the copy downloaded earlier without touching the network', async () => {
    const col = installedEarlier(collectorAsset(versions.collector, { os: 'linux', arch: 'amd64' }));
    const prom = installedEarlier(prometheusAsset(prometheusRelease, { os: 'linux', arch: 'amd64' }));
    // A mirror nobody listens on: any request would fail.
    const found = await findSandboxPrograms(options({ mirror: 'http://127.0.0.1:9' }));
    assert.deepEqual(
      [found.collector.path, found.collector.source, found.prometheus.path, found.prometheus.source],
      [col, 'installed', prom, 'installed'],
    );
    assert.equal(found.prometheus.detail, `Prometheus 3.14.0, downloaded earlier (${prom})`);
  });

  it('names a mirror setting that is not a URL before downloading anything', async () => {
    await assert.rejects(
      findSandboxPrograms(
        options({ mirror: 'not a url', words: { ...cliPartWords, mirror: 'the setting obslab.downloads.mirror' } }),
      ),
      (e: unknown) => {
        assert.ok(e instanceof SandboxError);
        assert.match(e.reason, /^the setting obslab\.downloads\.mirror is not a URL: 'not a url'/);
        assert.match(e.fix, /^correct the setting obslab\.downloads\.mirror, then run `obslab sandbox up` again$/);
        return true;
      },
    );
  });

  it('says there is no download for a machine without official archives', async () => {
    await assert.rejects(
      findSandboxPrograms(options({ platform: 'freebsd' })),
      /collector: there is no official otelcol-contrib download for freebsd\/x64/,
    );
  });

  it("says what failed and what to do when the download cannot reach anything, in the CLI's words", async () => {
    await assert.rejects(findSandboxPrograms(options({ mirror: 'http://127.0.0.1:9' })), (e: unknown) => {
      assert.ok(e instanceof SandboxError);
      assert.equal(e.part, 'collector');
      assert.match(
        e.reason,
        /could not fetch the checksums http:\/\/127\.0\.0\.1:9\/open-telemetry\/opentelemetry-collector-releases\/releases\/download\/v[\d.]+\/opentelemetry-collector-releases_otelcol-contrib_checksums\.txt: could not download from 127\.0\.0\.1:9: the connection was refused/,
      );
      assert.match(
        e.fix,
        /behind a proxy set \$HTTPS_PROXY.*set --mirror URL to a mirror.*or install otelcol-contrib yourself and name it with --collector PATH/,
      );
      assert.doesNotMatch(e.message, /npm run|harness|apt-get/);
      return true;
    });
  });
});
