// The sandbox's state file: written atomically, read only when it has the shape `up` writes, and
// `down` deletes only the sandbox's own paths. A state file edited to name /etc, ~ or a link out
// of the sandbox's folders deletes nothing there and says so; a marker that would match any
// process is refused before anything is signalled.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../src/node/process/processes';
import { sandboxDown, SandboxError, type SandboxState } from '../../src/node/sandbox/sandbox';
import {
  readSandboxState,
  readSandboxStateFile,
  refusalToDelete,
  sandboxRunDir,
  sandboxStatePath,
  writeSandboxState,
} from '../../src/node/sandbox/sandboxState';
import { useTempCache } from '../support/tempCache';

describe('sandbox state: atomic writes, checked reads, own paths only', () => {
  let root: string;
  /** Stands in for ~ and /etc: what a tampered state must not delete. */
  let decoy: string;
  const sleepers: ChildProcess[] = [];

  after(() => {
    for (const s of sleepers) s.kill('SIGKILL');
  });
  useTempCache('obslab-sandbox-state-', (d) => (root = d));
  beforeEach(() => {
    decoy = join(root, 'home');
    mkdirSync(join(decoy, '.ssh'), { recursive: true });
    writeFileSync(join(decoy, '.ssh', 'id_ed25519'), 'precious');
  });

  /** A state as `up` writes it, with a real Prometheus data folder and configs that exist. */
  function ownState(): SandboxState {
    const run = sandboxRunDir();
    const tsdb = mkdtempSync(join(tmpdir(), 'obslab-sandbox-tsdb-'));
    writeFileSync(join(tsdb, 'wal'), 'data');
    for (const f of ['collector.yaml', 'prometheus.yml']) writeFileSync(join(run, f), 'x');
    // pid 2 is never ours (kthreadd on Linux): the marker check leaves it alone.
    const rec = { pid: 2, log: join(run, 'x.log') };
    return {
      version: 1,
      startedAt: new Date().toISOString(),
      dir: run,
      namespace: 'app',
      collector: {
        ...rec,
        marker: join(run, 'collector.yaml'),
        config: join(run, 'collector.yaml'),
        binary: '/bin/true',
        otlpGrpc: '127.0.0.1:1',
        telemetryUrl: 'http://127.0.0.1:2',
        metricsUrl: 'http://127.0.0.1:3',
        configSource: 'x',
      },
      prometheus: {
        ...rec,
        marker: join(run, 'prometheus.yml'),
        config: join(run, 'prometheus.yml'),
        binary: '/bin/true',
        url: 'http://127.0.0.1:4',
        tsdb,
      },
    };
  }

  function writeRaw(value: unknown): void {
    writeFileSync(sandboxStatePath(), JSON.stringify(value));
  }

  it('writes the state through a temp file renamed into place, and leaves no temp file even when the rename fails', () => {
    const s = ownState();
    writeSandboxState(s);
    assert.deepEqual(readSandboxState(), s);
    assert.deepEqual(
      readdirSync(join(process.env['OBSLAB_CACHE'] ?? '', 'run')).filter((f) => f.endsWith('.tmp')),
      [],
    );
    // A rename that fails (a folder where the file should be) leaves no temp file behind.
    const blocked = join(root, 'blocked.json');
    mkdirSync(join(blocked, 'inside'), { recursive: true });
    assert.throws(() => writeSandboxState(s, blocked));
    assert.deepEqual(
      readdirSync(root).filter((f) => f.endsWith('.tmp')),
      [],
    );
    rmSync(s.prometheus?.tsdb ?? '', { recursive: true, force: true });
  });

  it('deletes its own Prometheus data folder and configs on down', async () => {
    const s = ownState();
    writeSandboxState(s);
    assert.deepEqual(await sandboxDown(), { stopped: [] });
    assert.ok(!existsSync(s.prometheus?.tsdb ?? ''));
    assert.ok(!existsSync(s.prometheus?.config ?? ''));
    assert.ok(!existsSync(sandboxStatePath()));
  });

  for (const [what, target] of [
    ['~', () => homedir()],
    ['/etc', () => '/etc'],
  ] as const) {
    it(`refuses to delete ${what} as Prometheus' data folder (checked without deleting)`, () => {
      assert.match(
        refusalToDelete(target(), 'tsdb') ?? '',
        /is not inside an obslab-sandbox-tsdb-\* folder in .* \(the sandbox does not name its data folders/,
      );
      assert.match(
        refusalToDelete(join(target(), 'collector.yaml'), 'config') ?? '',
        /is not inside the sandbox's folder .* \(it resolves to/,
      );
    });
  }

  it('a tampered state naming a home folder as the data folder: down deletes nothing there and says so', async () => {
    const s = ownState();
    const own = s.prometheus?.tsdb ?? '';
    if (s.prometheus) s.prometheus.tsdb = decoy;
    writeSandboxState(s);
    await assert.rejects(
      sandboxDown(),
      (e: unknown) =>
        e instanceof SandboxError &&
        /refused to delete what .*sandbox\.json named: .*home is not inside an obslab-sandbox-tsdb-\* folder/.test(
          e.message,
        ) &&
        /nothing outside the sandbox's own folders was deleted/.test(e.message),
    );
    assert.equal(readFileSync(join(decoy, '.ssh', 'id_ed25519'), 'utf8'), 'precious');
    assert.ok(!existsSync(sandboxStatePath()), 'the state is forgotten');
    rmSync(own, { recursive: true, force: true });
  });

  it('a data folder named like ours but linking elsewhere is refused, and what it links to survives', async () => {
    const s = ownState();
    const link = join(tmpdir(), `obslab-sandbox-tsdb-${Math.random().toString(36).slice(2, 8).padEnd(6, 'x')}`);
    symlinkSync(decoy, link);
    try {
      rmSync(s.prometheus?.tsdb ?? '', { recursive: true, force: true });
      if (s.prometheus) s.prometheus.tsdb = link;
      writeSandboxState(s);
      await assert.rejects(
        sandboxDown(),
        (e: unknown) => e instanceof SandboxError && /is a symbolic link/.test(e.message),
      );
      assert.equal(readFileSync(join(decoy, '.ssh', 'id_ed25519'), 'utf8'), 'precious');
    } finally {
      // unlink, not rmSync: Node 24's rmSync refuses a link to a folder ("Path is a directory").
      unlinkSync(link);
    }
  });

  it('a config that is a link to another file is refused, and the file survives', async () => {
    const s = ownState();
    const config = s.collector?.config ?? '';
    rmSync(config);
    symlinkSync(join(decoy, '.ssh', 'id_ed25519'), config);
    writeSandboxState(s);
    await assert.rejects(
      sandboxDown(),
      (e: unknown) =>
        e instanceof SandboxError &&
        /collector\.yaml is not inside the sandbox's folder .* \(it is a symbolic link\)/.test(e.message),
    );
    assert.equal(readFileSync(join(decoy, '.ssh', 'id_ed25519'), 'utf8'), 'precious');
    rmSync(config, { force: true });
  });

  it('refuses a state whose configs are outside its folder, or whose marker would match any process, signalling nothing', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    sleepers.push(sleeper);
    const pid = sleeper.pid ?? 0;
    for (const tamper of [
      (s: SandboxState) => s.collector && Object.assign(s.collector, { pid, marker: '/', config: '/' }),
      (s: SandboxState) => s.collector && Object.assign(s.collector, { pid, marker: 'sleep' }),
      (s: SandboxState) =>
        s.prometheus && Object.assign(s.prometheus, { config: '/etc/prometheus.yml', marker: '/etc/prometheus.yml' }),
      (s: SandboxState) => s.prometheus && Object.assign(s.prometheus, { pid: 'one' }),
    ]) {
      const s = ownState();
      tamper(s);
      writeRaw(s);
      assert.equal(readSandboxState(), undefined);
      assert.ok(readSandboxStateFile().problem);
      await assert.rejects(
        sandboxDown(),
        (e: unknown) =>
          e instanceof SandboxError &&
          /sandbox\.json is not a state obslab wrote \(.*\), so nothing it names was stopped or deleted/.test(
            e.message,
          ),
      );
      assert.ok(existsSync(s.prometheus?.tsdb ?? ''), 'nothing deleted');
      rmSync(s.prometheus?.tsdb ?? '', { recursive: true, force: true });
    }
    assert.ok(isAlive(pid), 'the unrelated process was not signalled');
    rmSync(sandboxStatePath(), { force: true });
  });
});
