// The doctor on the real sandbox (app → collector 0.155.0 → Prometheus on 127.0.0.1): a healthy
// lab is healthy; then one fault at a time, each must be named as the first broken link with its
// code, and the lab is repaired before the next. The sandbox runs in a cache of its own, so a
// sandbox another process started is never touched.
import { strict as assert } from 'node:assert';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runDoctor as runDoctorCommand } from '../../src/cli/doctor';
import { runLoadtest } from '../../src/cli/loadtest';
import { runDoctor } from '../../src/core/doctor/chain';
import { doctorCodes } from '../../src/core/doctor/codes';
import type { DoctorReport } from '../../src/core/doctor/report';
import { commandText } from '../../src/core/doctor/text';
import { applyEdits } from '../../src/core/lint/applyEdits';
import { appCommand, installAppVenv } from '../../src/node/sandbox/appVenv';
import { sandboxSnapshot, processEnv } from '../../src/node/doctor/sandbox';
import { freePort, isAlive, startDetached, stopGroup } from '../../src/node/process/processes';
import { sleep } from '../../src/node/process/sleep';
import {
  readSandboxState,
  sandboxCollectorVersion,
  sandboxDown,
  sandboxUp,
  type SandboxState,
} from '../../src/node/sandbox/sandbox';
import { collectorVersions, installCollector } from '../harness/otelcol';
import { harnessSandboxPrograms } from '../harness/sandbox';
import { renderLab } from '../support/lab';
import { sourceWorker } from '../support/loadgenWorkerScript';

const realCache = process.env['OBSLAB_CACHE'] ?? join(homedir(), '.cache', 'obslab');

async function doctorNow(labDir: string): Promise<DoctorReport> {
  return runDoctor(await sandboxSnapshot({ labDir }));
}

/** Polls the doctor until `ok` holds for its report (the sandbox scrapes every 5 s), or fails with the last one. */
async function until(
  labDir: string,
  what: string,
  ok: (r: DoctorReport) => boolean,
  timeoutMs = 60_000,
): Promise<DoctorReport> {
  const deadline = Date.now() + timeoutMs;
  let last: DoctorReport | undefined;
  while (Date.now() < deadline) {
    last = await doctorNow(labDir);
    if (ok(last)) return last;
    await sleep(1000);
  }
  assert.fail(
    `${what}: not within ${timeoutMs / 1000} s; last report: ${JSON.stringify(
      last?.links.map((l) => [l.id, l.status, l.detail]),
      null,
      1,
    )}`,
  );
}

const causeIs =
  (code: string) =>
  (r: DoctorReport): boolean =>
    r.cause?.code === code;

function statePath(): string {
  return join(process.env['OBSLAB_CACHE'] ?? '', 'run', 'sandbox.json');
}

function patchState(patch: (s: SandboxState) => void): void {
  const s = readSandboxState();
  assert.ok(s, 'the sandbox is recorded');
  patch(s);
  writeFileSync(statePath(), `${JSON.stringify(s, null, 2)}\n`);
}

async function post(url: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${url}/hash`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `data=doctor${i}`,
    });
    await res.arrayBuffer();
  }
}

describe(`the doctor on the sandbox (collector ${sandboxCollectorVersion})`, function () {
  this.timeout(10 * 60_000);
  let cache: string;
  let lab: string;
  let savedCache: string | undefined;
  let state: SandboxState;

  before(async function () {
    this.timeout(60 * 60_000);
    await installCollector(collectorVersions.recent);
    cache = mkdtempSync(join(tmpdir(), 'obslab-doctor-cache-'));
    // The app's venvs are reused; the run directory is ours alone. The harness' programs go by path.
    for (const e of existsSync(realCache) ? readdirSync(realCache) : [])
      if (e.startsWith('app-venv-')) symlinkSync(join(realCache, e), join(cache, e));
    savedCache = process.env['OBSLAB_CACHE'];
    process.env['OBSLAB_CACHE'] = cache;

    lab = mkdtempSync(join(tmpdir(), 'obslab-doctor-lab-'));
    for (const f of renderLab().values()) {
      mkdirSync(dirname(join(lab, f.path)), { recursive: true });
      writeFileSync(join(lab, f.path), f.content);
    }
    const up = await sandboxUp({ labDir: lab, ...(await harnessSandboxPrograms()) });
    state = up.state;
    assert.ok(state.app && state.collector && state.prometheus);
  });

  after(async function () {
    this.timeout(60_000);
    await sandboxDown();
    if (savedCache === undefined) delete process.env['OBSLAB_CACHE'];
    else process.env['OBSLAB_CACHE'] = savedCache;
    rmSync(cache, { recursive: true, force: true });
    rmSync(lab, { recursive: true, force: true });
  });

  it("names no app metrics (doctor/no-app-metrics) when the collector holds none, and its fix, a short load test of the lab's plan, sends requests to the app", async () => {
    // Whether the app has handled a request before the first scrape depends on timing, so the
    // collector's series are taken as empty in the real snapshot; the fix then runs for real.
    const snapshot = await sandboxSnapshot({ labDir: lab });
    assert.ok(snapshot.prometheus, 'Prometheus answered');
    snapshot.prometheus.appSeries = snapshot.prometheus.appSeries.filter((n) => !n.startsWith('http_'));
    const r = runDoctor(snapshot);
    assert.equal(
      r.cause?.code,
      doctorCodes.noAppMetrics,
      JSON.stringify(r.links.map((l) => [l.id, l.status, l.detail])),
    );
    const fix = r.links.find((l) => l.id === 'app-metrics')?.findings[0]?.remedies.find((x) => x.kind === 'command');
    assert.ok(fix && fix.kind === 'command');
    const args = fix.steps[0] ?? [];
    assert.deepEqual(args.slice(0, 3), ['npx', 'obslab', 'loadtest']);
    assert.deepEqual(args.slice(-2), ['--', join(lab, 'jmeter', 'hash-load.jmx')]);
    const out: string[] = [];
    // `obslab loadtest` as main dispatches it, with the engine's worker run from source (the
    // product runs dist/loadgenWorker.js, which a test of src/ does not have).
    const code = await runLoadtest(
      ['--format', 'json', ...args.slice(3)],
      { out: (l) => out.push(l), err: () => undefined },
      { worker: sourceWorker },
    );
    assert.equal(code, 0, out.join('\n'));
    const summary = JSON.parse(out.join('\n')) as { samples: number; errors: number };
    assert.ok(summary.samples > 0 && summary.errors === 0, `the load test reached the sandbox app: ${out.join('\n')}`);
    await until(
      lab,
      "the app's metrics in Prometheus",
      (x) => x.links.find((l) => l.id === 'app-metrics')?.status === 'passed',
    );
  });

  it('reports a healthy lab as healthy, with every sandbox link passed or skipped with a reason, and exits 0', async () => {
    await post(state.app?.url ?? '', 20);
    // Freshness needs two scrapes of the collector's own telemetry inside its window: right after the start it is skipped.
    const r = await until(
      lab,
      'healthy',
      (x) =>
        x.healthy && ['app-metrics', 'freshness'].every((id) => x.links.find((l) => l.id === id)?.status === 'passed'),
    );
    const passed = r.links.filter((l) => l.status === 'passed').map((l) => l.id);
    assert.deepEqual(passed, [
      'app-ready',
      'otlp-endpoint',
      'collector-config',
      'collector-up',
      'targets',
      'app-metrics',
      'freshness',
      'metric-names',
    ]);
    for (const l of r.links.filter((x) => x.status === 'skipped'))
      assert.ok(l.detail.length > 10, `${l.id} says why it was skipped`);
    const out: string[] = [];
    const code = await runDoctorCommand(['--sandbox', '--lab', lab, '--format', 'json'], {
      out: (l) => out.push(l),
      err: () => undefined,
    });
    assert.equal(code, 0);
    assert.equal((JSON.parse(out.join('\n')) as DoctorReport).healthy, true);
  });

  it("names the lab's wrong metric names (flask_http_request_total) and its edit fixes the queries", async () => {
    const file = join(lab, 'queries', 'lab-queries.promql');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, '# Task 5: request rate (as the lab wrote it)\nrate(flask_http_request_total[30s])\n');
    try {
      const r = await doctorNow(lab);
      assert.equal(r.cause?.code, doctorCodes.metricNames);
      const f = r.links.find((l) => l.id === 'metric-names')?.findings[0];
      assert.match(f?.message ?? '', /flask_http_request_total/);
      assert.equal(f?.evidence[0]?.expected.split(' or ')[0], 'http_server_request_duration_seconds_count');
      const edit = f?.remedies.find((x) => x.kind === 'edit');
      assert.ok(edit && edit.kind === 'edit');
      writeFileSync(file, applyEdits(readFileSync(file, 'utf8'), edit.edits));
      assert.match(readFileSync(file, 'utf8'), /rate\(http_server_request_duration_seconds_count\[30s\]\)/);
      assert.equal((await doctorNow(lab)).healthy, true);
      const out: string[] = [];
      writeFileSync(file, 'rate(flask_http_request_total[30s])\n');
      assert.equal(
        await runDoctorCommand(['--sandbox', '--lab', lab], { out: (l) => out.push(l), err: () => undefined }),
        1,
      );
      assert.match(out.join('\n'), /FAIL The lab's queries use names Prometheus has/);
    } finally {
      writeFileSync(file, good);
    }
  });

  async function reloadPrometheus(config: string): Promise<void> {
    assert.ok(state.prometheus);
    writeFileSync(state.prometheus.config, config);
    process.kill(state.prometheus.pid, 'SIGHUP');
  }

  it('names a scrape of the wrong port for the prometheus exporter (doctor/port-name)', async () => {
    assert.ok(state.prometheus && state.collector);
    const good = readFileSync(state.prometheus.config, 'utf8');
    const metricsHostPort = new URL(state.collector.metricsUrl).host;
    const wrong = `127.0.0.1:${await freePort()}`;
    assert.ok(good.includes(metricsHostPort));
    await reloadPrometheus(good.replace(metricsHostPort, wrong));
    try {
      const r = await until(lab, 'port-name', causeIs(doctorCodes.portName));
      assert.equal(r.cause?.link, 'targets');
      assert.match(r.cause?.message ?? '', new RegExp(`listens on port ${new URL(state.collector.metricsUrl).port}`));
    } finally {
      await reloadPrometheus(good);
    }
    await until(lab, 'healthy again', (x) => x.healthy);
  });

  it("names the prometheus exporter's port not scraped at all (doctor/target-missing)", async () => {
    assert.ok(state.prometheus);
    const good = readFileSync(state.prometheus.config, 'utf8');
    // Keep only the first scrape config (the telemetry endpoint).
    const cut = good.indexOf('  - job_name', good.indexOf('  - job_name') + 1);
    assert.ok(cut > 0);
    await reloadPrometheus(good.slice(0, cut));
    try {
      const r = await until(lab, 'target-missing', causeIs(doctorCodes.targetMissing));
      assert.match(r.cause?.message ?? '', /endpoint "metrics"/);
    } finally {
      await reloadPrometheus(good);
    }
    await until(lab, 'healthy again', (x) => x.healthy);
  });

  async function restartCollector(): Promise<void> {
    const col = readSandboxState()?.collector;
    assert.ok(col);
    const proc = startDetached(col.binary, [`--config=${col.config}`], { log: col.log });
    patchState((s) => {
      if (s.collector) s.collector.pid = proc.pid;
    });
  }

  it('names the telemetry `address` form, which collector 0.155.0 refuses, before the collector being down', async () => {
    const col = readSandboxState()?.collector;
    assert.ok(col);
    const good = readFileSync(col.config, 'utf8');
    const port = new URL(col.telemetryUrl).port;
    const readers = /( *)readers:\n(?:\1 .*\n)+/.exec(good);
    assert.ok(readers, 'the generated config has readers');
    await stopGroup(col.pid);
    writeFileSync(col.config, good.replace(readers[0], `${readers[1] ?? ''}address: 127.0.0.1:${port}\n`));
    try {
      await restartCollector();
      const r = await until(lab, 'telemetry-address', causeIs(doctorCodes.telemetryAddress));
      assert.equal(r.cause?.link, 'collector-config');
      assert.equal(r.links.find((l) => l.id === 'collector-up')?.status, 'consequence');
      assert.match(r.cause?.message ?? '', /refuses to start/);
    } finally {
      const now = readSandboxState()?.collector;
      if (now && isAlive(now.pid)) await stopGroup(now.pid);
      writeFileSync(col.config, good);
      await restartCollector();
    }
    await until(lab, 'healthy again', (x) => x.healthy);
  });

  it('names the collector being down (doctor/collector-down), with the scrapes as its consequences', async () => {
    const col = readSandboxState()?.collector;
    assert.ok(col);
    await stopGroup(col.pid);
    try {
      const r = await until(
        lab,
        'collector-down',
        (x) =>
          causeIs(doctorCodes.collectorDown)(x) && x.links.find((l) => l.id === 'targets')?.status === 'consequence',
      );
      assert.deepEqual(
        r.causes.map((c) => c.code),
        [doctorCodes.collectorDown],
      );
      assert.ok(
        r.links
          .find((l) => l.id === 'collector-up')
          ?.findings[0]?.remedies.some((f) => f.kind === 'command' && /sandbox up/.test(commandText(f))),
      );
    } finally {
      await restartCollector();
    }
    await until(lab, 'healthy again', (x) => x.healthy);
  });

  /** Replaces the running app with one started with `env` over its current environment. */
  async function restartApp(env: Record<string, string>): Promise<void> {
    const app = readSandboxState()?.app;
    assert.ok(app);
    const current = processEnv(app.pid);
    assert.equal(typeof current, 'object', "the app's environment is readable");
    await stopGroup(app.pid);
    const venv = await installAppVenv(app.appDir);
    const { cmd, args } = appCommand(venv, app.appDir);
    const proc = startDetached(cmd, args, {
      cwd: app.appDir,
      env: { ...(current as Record<string, string>), ...env },
      log: app.log,
    });
    patchState((s) => {
      if (s.app) s.app.pid = proc.pid;
    });
    const deadline = Date.now() + 60_000;
    while (
      Date.now() < deadline &&
      !(await fetch(`${app.url}/healthz`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      await sleep(250);
  }

  it("names a wrong OTLP endpoint (doctor/otlp-endpoint) from the app's real environment", async () => {
    const right = `http://${state.collector?.otlpGrpc ?? ''}`;
    const wrong = `http://127.0.0.1:${await freePort()}`;
    await restartApp({ OTEL_EXPORTER_OTLP_ENDPOINT: wrong });
    try {
      const r = await until(lab, 'otlp-endpoint', causeIs(doctorCodes.otlpEndpoint));
      const f = r.links.find((l) => l.id === 'otlp-endpoint')?.findings[0];
      assert.equal(f?.evidence[0]?.seen, `OTEL_EXPORTER_OTLP_ENDPOINT=${wrong}`);
      assert.equal(f?.evidence[0]?.expected, right);
    } finally {
      await restartApp({ OTEL_EXPORTER_OTLP_ENDPOINT: right });
    }
    await post(state.app?.url ?? '', 5);
    await until(lab, 'healthy again', (x) => x.healthy);
  });

  it('names stale samples when the app runs but stops exporting (doctor/stale-samples)', async () => {
    // An export interval far beyond the 30 s freshness window: the app answers, sends nothing.
    await restartApp({ OTEL_METRIC_EXPORT_INTERVAL: '600000' });
    const r = await until(lab, 'stale-samples', causeIs(doctorCodes.staleSamples), 90_000);
    assert.equal(r.links.find((l) => l.id === 'app-ready')?.status, 'passed');
  });

  it('names a stopped app as the cause (doctor/app-not-ready), with stale samples as its consequence', async () => {
    const app = readSandboxState()?.app;
    assert.ok(app);
    await stopGroup(app.pid);
    const r = await until(lab, 'app-not-ready', causeIs(doctorCodes.appNotReady));
    assert.deepEqual(
      r.causes.map((c) => c.code),
      [doctorCodes.appNotReady],
    );
    const fresh = r.links.find((l) => l.id === 'freshness');
    assert.equal(fresh?.status, 'consequence');
    assert.equal(fresh?.causedBy, 'app-ready');
  });
});
