// The local sandbox for real: the scaffolded Flask app → the OpenTelemetry Collector built with
// ocb → the harness' Prometheus, all on 127.0.0.1. `obslab sandbox up` finds neither program on
// PATH and downloads both from a release mirror (test/harness/mirror.ts) into the per-user data
// folder, as on a student's machine. Real POST /hash traffic must arrive in Prometheus under the
// names and labels the lab's corrected queries use, and every one of those queries must return data.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { appMetrics } from '../../src/core/facts';
import { PrometheusClient, PrometheusError } from '../../src/core/prometheus/client';
import type { FloatSample, QueryData } from '../../src/core/prometheus/types';
import { defaultParams } from '../../src/core/scaffold/params';
import { templateVars } from '../../src/core/scaffold/plan';
import { renderTemplate } from '../../src/core/scaffold/render';
import { isAlive } from '../../src/node/process/processes';
import {
  readSandboxState,
  sandboxCollectorVersion,
  sandboxDown,
  type SandboxPartStatus,
  type SandboxState,
} from '../../src/node/sandbox/sandbox';
import { prometheusRelease } from '../../src/core/downloads/releases';
import { collectorVersions, installCollector } from '../harness/otelcol';
import { repoRoot, sleep } from '../harness/lib';
import { startMirror, type RunningMirror } from '../harness/mirror';
import { prometheusBinary, prometheusPart } from '../harness/prometheus';

/** "prometheus, version 3.14.0 (branch: …)": the version the harness' Prometheus reports. */
function prometheusVersion(bin: string): string {
  return /version (\S+)/.exec(execFileSync(bin, ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
}

/** A PATH holding only this machine's Python, as on a student's machine without otelcol or prometheus. */
function pythonOnlyPath(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  symlinkSync(python, join(bin, 'python3'));
  return bin;
}

const duration = appMetrics.durationBase;

interface CliResult {
  code: number;
  out: string;
  err: string;
}

async function cli(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function post(url: string, body: string, contentType: string): Promise<number> {
  const res = await fetch(`${url}/hash`, { method: 'POST', headers: { 'content-type': contentType }, body });
  await res.arrayBuffer();
  return res.status;
}

/** Polls until `probe` returns a value, or fails with what was last seen. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    await sleep(500);
  }
  assert.fail(`${what}: not within ${timeoutMs / 1000} s${lastError ? ` (last error: ${lastError})` : ''}`);
}

function vector(data: QueryData): FloatSample[] {
  assert.equal(data.resultType, 'vector');
  const floats = data.result.filter((s): s is FloatSample => s.value !== undefined);
  assert.equal(floats.length, data.result.length, 'every sample is a float, none a native histogram');
  return floats;
}

/** Processes whose process group is `pgid` (Linux /proc), to prove a group is empty. */
function processesInGroup(pgid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid pgrp ...: comm may contain spaces, so split after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** Processes with a file under `dir` open (the sandbox's programs write their logs there). */
function holdersOf(dir: string): number[] {
  const found = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      for (const fd of readdirSync(`/proc/${entry}/fd`)) {
        if (readlinkSync(`/proc/${entry}/fd/${fd}`).startsWith(dir)) found.add(Number(entry));
      }
    } catch {
      // exited, or not ours to read
    }
  }
  return [...found];
}

function sandboxDir(): string {
  return join(process.env['OBSLAB_CACHE'] ?? join(homedir(), '.cache', 'obslab'), 'run', 'sandbox');
}

function refusesConnection(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

describe(`the local sandbox: app → collector ${sandboxCollectorVersion} → Prometheus, downloaded from a release mirror`, function () {
  this.timeout(15 * 60_000);
  let started = false;
  let mirror: RunningMirror;
  let home: string;
  let promVersion: string;
  const saved = { collector: process.env['OBSLAB_COLLECTOR'], prometheus: process.env['OBSLAB_PROMETHEUS'] };
  let built: { collector: string; prometheus: string };
  let state: SandboxState | undefined;
  let prom: PrometheusClient;
  const sent = { ok: 300, badRequest: 5, serverError: 5 };

  before(async function () {
    this.timeout(60 * 60_000);
    const existing = readSandboxState();
    if (existing)
      throw new Error(
        `a sandbox is already recorded in the run directory (started ${existing.startedAt}); stop it with \`npx obslab sandbox down\` before running this test`,
      );
    // The sandbox downloads the collector at the version the scaffold pins, which the harness builds.
    assert.equal(sandboxCollectorVersion, collectorVersions.recent);
    await prometheusPart.install();
    built = { collector: await installCollector(collectorVersions.recent), prometheus: prometheusBinary() };
    promVersion = prometheusVersion(built.prometheus);
    mirror = await startMirror({
      collectorBinary: built.collector,
      prometheusBinary: built.prometheus,
      collectorVersion: sandboxCollectorVersion,
      prometheusVersion: prometheusRelease,
    });
    home = mkdtempSync(join(tmpdir(), 'obslab-sandbox-home-'));
    // Until the start test downloads its own: the documented variables, so nothing reaches for the network.
    process.env['OBSLAB_COLLECTOR'] = built.collector;
    process.env['OBSLAB_PROMETHEUS'] = built.prometheus;
  });

  after(async function () {
    this.timeout(60_000);
    if (started) await sandboxDown();
    for (const [name, value] of [
      ['OBSLAB_COLLECTOR', saved.collector],
      ['OBSLAB_PROMETHEUS', saved.prometheus],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await mirror?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('names the part, the cause and the fix when the collector given is missing, in the words of the CLI', async () => {
    const r = await cli(['sandbox', 'up', '--collector', '/nonexistent/otelcol']);
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /collector: no executable collector at \/nonexistent\/otelcol \(from --collector\); check the path given with --collector, or leave it empty so Observability Lab finds otelcol-contrib on PATH or downloads it/,
    );
    assert.equal(readSandboxState(), undefined);
  });

  it('names the download that failed and the next steps when nothing is found and no release is reachable', async () => {
    const saved = {
      path: process.env['PATH'],
      collector: process.env['OBSLAB_COLLECTOR'],
      xdg: process.env['XDG_DATA_HOME'],
    };
    process.env['PATH'] = pythonOnlyPath(join(home, 'unreachable'));
    process.env['XDG_DATA_HOME'] = join(home, 'unreachable', 'data');
    delete process.env['OBSLAB_COLLECTOR'];
    try {
      // A mirror nobody answers on: what a machine without network sees.
      const r = await cli(['sandbox', 'up', '--mirror', 'http://127.0.0.1:9']);
      assert.equal(r.code, 1);
      assert.match(
        r.err,
        /obslab sandbox up: collector: could not fetch the checksums http:\/\/127\.0\.0\.1:9\/open-telemetry\/opentelemetry-collector-releases\/releases\/download\/v[\d.]+\/opentelemetry-collector-releases_otelcol-contrib_checksums\.txt: could not download from 127\.0\.0\.1:9: the connection was refused; check the network connection; behind a proxy set \$HTTPS_PROXY \(and \$NO_PROXY\); without access to GitHub set --mirror URL to a mirror of its release downloads; or install otelcol-contrib yourself and name it with --collector PATH/,
      );
      assert.doesNotMatch(r.err, /npm run|harness|apt-get|\.cache\/obslab\/otelcol/);
    } finally {
      process.env['PATH'] = saved.path;
      if (saved.collector !== undefined) process.env['OBSLAB_COLLECTOR'] = saved.collector;
      if (saved.xdg === undefined) delete process.env['XDG_DATA_HOME'];
      else process.env['XDG_DATA_HOME'] = saved.xdg;
    }
    assert.equal(readSandboxState(), undefined);
  });

  it('names the part, the port and the flag when a fixed port is in use, and starts nothing', async () => {
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as { port: number }).port;
    try {
      const r = await cli(['sandbox', 'up', '--prometheus-port', String(port)]);
      assert.equal(r.code, 1);
      assert.match(
        r.err,
        new RegExp(
          `prometheus: port 127\\.0\\.0\\.1:${port} is already in use by another program; stop that program, pick another port with --prometheus-port, or leave --prometheus-port out to get a free port`,
        ),
      );
    } finally {
      await new Promise((r) => holder.close(r));
    }
    assert.equal(readSandboxState(), undefined);
  });

  it('names the part that exits during start, and stops the others it had started', async () => {
    // /bin/false is an executable "collector" that exits at once.
    const r = await cli(['sandbox', 'up', '--collector', '/bin/false']);
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /obslab sandbox up: collector: exited during start \(last log line: no output\); check its config/,
    );
    assert.equal(readSandboxState(), undefined);
    // Prometheus and the app had started alongside; neither may be left holding its log.
    assert.deepEqual(holdersOf(sandboxDir()), []);
  });

  it('downloads the collector and Prometheus from the mirror, verified, then starts all three and returns once Prometheus has both collector targets up', async () => {
    const t0 = Date.now();
    const env = { path: process.env['PATH'], xdg: process.env['XDG_DATA_HOME'] };
    const data = join(home, 'data');
    process.env['PATH'] = pythonOnlyPath(home);
    process.env['XDG_DATA_HOME'] = data;
    delete process.env['OBSLAB_COLLECTOR'];
    delete process.env['OBSLAB_PROMETHEUS'];
    let r: CliResult;
    try {
      r = await cli(['sandbox', 'up', '--format', 'json', '--mirror', mirror.url]);
    } finally {
      process.env['PATH'] = env.path;
      if (env.xdg === undefined) delete process.env['XDG_DATA_HOME'];
      else process.env['XDG_DATA_HOME'] = env.xdg;
      process.env['OBSLAB_COLLECTOR'] = built.collector;
      process.env['OBSLAB_PROMETHEUS'] = built.prometheus;
    }
    started = true;
    assert.match(r.err, /collector: downloading otelcol-contrib_[\d.]+_linux_amd64\.tar\.gz from 127\.0\.0\.1:\d+: /);
    assert.match(r.err, /collector: otelcol-contrib [\d.]+ installed \([\d.]+ MB archive, sha256 verified\)/);
    assert.match(r.err, /prometheus: Prometheus 3\.14\.0 installed \([\d.]+ MB archive, sha256 verified\)/);
    assert.deepEqual(
      mirror.archiveRequests().map((q) => q.status),
      [302, 200, 302, 200],
    );
    assert.equal(r.code, 0, r.err);
    const result = JSON.parse(r.out) as {
      alreadyRunning: boolean;
      parts: SandboxPartStatus[];
      timings: Record<string, number>;
    };
    assert.equal(result.alreadyRunning, false);
    assert.deepEqual(
      result.parts.map((p) => [p.name, p.state]),
      [
        ['app', 'up'],
        ['collector-telemetry', 'up'],
        ['collector-metrics', 'up'],
        ['prometheus', 'up'],
      ],
    );
    for (const p of result.parts) assert.match(p.url ?? '', /^http:\/\/127\.0\.0\.1:\d+/);
    console.log(`      sandbox up: ${Date.now() - t0} ms in all; ${JSON.stringify(result.timings)}`);
    state = readSandboxState();
    assert.ok(state?.prometheus && state.app && state.collector);
    assert.equal(
      state.collector.binary,
      join(data, 'obslab', 'parts', `otelcol-contrib-${sandboxCollectorVersion}-linux-amd64`, 'otelcol-contrib'),
    );
    assert.equal(
      state.prometheus.binary,
      join(data, 'obslab', 'parts', 'prometheus-3.14.0-linux-amd64', 'prometheus-3.14.0.linux-amd64', 'prometheus'),
    );
    assert.equal(state.prometheus.version, promVersion);
    prom = new PrometheusClient({ baseUrl: state.prometheus.url, fetch: (u, init) => fetch(u, init) });
    // What the collector runs binds loopback only.
    assert.doesNotMatch(
      JSON.stringify(
        readFileSync(state.collector.config, 'utf8')
          .split('\n')
          .filter((l) => !l.trim().startsWith('#')),
      ),
      /0\.0\.0\.0/,
    );
  });

  it('says it is already running on a second up, and starts nothing more', async () => {
    assert.ok(state);
    const r = await cli(['sandbox', 'up']);
    assert.equal(r.code, 0);
    assert.match(r.err, /already running since .*; nothing started \(`obslab sandbox down` stops it\)/);
    const again = readSandboxState();
    assert.deepEqual(
      [again?.app?.pid, again?.collector?.pid, again?.prometheus?.pid],
      [state.app?.pid, state.collector?.pid, state.prometheus?.pid],
    );
  });

  it('labels the two collector targets as the operator would for the lab ServiceMonitors', async () => {
    assert.ok(state?.collector);
    const targets = await prom.activeTargets({ job: 'otel-collector' });
    const seen = targets
      .map((t) => ({ pool: t.scrapePool, health: t.health, labels: t.labels }))
      .sort((a, b) => a.pool.localeCompare(b.pool));
    assert.deepEqual(seen, [
      {
        pool: 'serviceMonitor/monitoring/otel-collector-telemetry/0',
        health: 'up',
        labels: {
          endpoint: 'telemetry',
          instance: `127.0.0.1:${portOf(state.collector.telemetryUrl)}`,
          job: 'otel-collector',
          namespace: 'monitoring',
          service: 'otel-collector',
        },
      },
      {
        pool: 'serviceMonitor/monitoring/otel-collector/0',
        health: 'up',
        labels: {
          endpoint: 'metrics',
          instance: `127.0.0.1:${portOf(state.collector.metricsUrl)}`,
          job: 'otel-collector',
          namespace: 'monitoring',
          service: 'otel-collector',
        },
      },
    ]);
  });

  it("brings the app's POST /hash requests to Prometheus as http_server_request_duration_seconds_{count,bucket,sum} with http_route", async () => {
    assert.ok(state?.app && state.collector);
    const app = state.app.url;
    const requests = (ok: number, badRequest: number, serverError: number): (() => Promise<number>)[] => [
      ...Array.from({ length: ok }, (_, i) => () => post(app, `data=hello-${i}`, 'application/x-www-form-urlencoded')),
      ...Array.from({ length: badRequest }, () => () => post(app, '', 'application/x-www-form-urlencoded')),
      // A number where the app expects text: app.py fails with a 500, real traffic for the error-ratio query.
      ...Array.from({ length: serverError }, () => () => post(app, '{"data": 5}', 'application/json')),
    ];
    const send = async (jobs: (() => Promise<number>)[]): Promise<number[]> => {
      const statuses: number[] = [];
      for (let i = 0; i < jobs.length; i += 10)
        statuses.push(...(await Promise.all(jobs.slice(i, i + 10).map((j) => j()))));
      return statuses;
    };
    const countsNow = async (): Promise<Record<string, number>> => {
      const samples = vector(
        (await prom.query(`sum by (http_response_status_code) (${duration}_count{http_route="/hash"})`)).data,
      );
      return Object.fromEntries(samples.map((s) => [s.metric['http_response_status_code'] ?? '', Number(s.value[1])]));
    };
    // A first wave, scraped before the rest, so rate() over the lab's windows sees the counters grow.
    const first = await send(requests(10, 1, 1));
    await eventually('the first wave in Prometheus', async () => ((await countsNow())['500'] === 1 ? true : undefined));
    const statuses = [...first, ...(await send(requests(sent.ok - 10, sent.badRequest - 1, sent.serverError - 1)))];
    assert.deepEqual(
      [200, 400, 500].map((s) => statuses.filter((x) => x === s).length),
      [sent.ok, sent.badRequest, sent.serverError],
    );

    const byStatus = await eventually('every request counted in Prometheus', async () => {
      const counts = await countsNow();
      return counts['200'] === sent.ok && counts['400'] === sent.badRequest && counts['500'] === sent.serverError
        ? counts
        : undefined;
    });
    assert.deepEqual(byStatus, { '200': sent.ok, '400': sent.badRequest, '500': sent.serverError });

    // The series as Prometheus stores it: the collector's target labels, the app's own job and
    // instance renamed to exported_* (honor_labels: false, as under the operator).
    const [count] = vector(
      (await prom.query(`${duration}_count{http_route="/hash", http_response_status_code="200"}`)).data,
    );
    assert.ok(count);
    const { exported_instance: exportedInstance, ...labels } = count.metric;
    assert.match(exportedInstance ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(labels, {
      __name__: `${duration}_count`,
      endpoint: 'metrics',
      exported_job: 'ds252-hash',
      http_request_method: 'POST',
      http_response_status_code: '200',
      http_route: '/hash',
      instance: `127.0.0.1:${portOf(state.collector.metricsUrl)}`,
      job: 'otel-collector',
      namespace: 'monitoring',
      network_protocol_version: '1.1',
      otel_scope_name: 'opentelemetry.instrumentation.flask',
      otel_scope_schema_url: 'https://opentelemetry.io/schemas/1.21.0',
      otel_scope_version: '0.66b1',
      service: 'otel-collector',
      url_scheme: 'http',
    });

    const buckets = vector(
      (await prom.query(`${duration}_bucket{http_route="/hash", http_response_status_code="200"}`)).data,
    )
      .map((s) => ({ le: s.metric['le'] ?? '', n: Number(s.value[1]) }))
      .sort((a, b) => (a.le === '+Inf' ? Infinity : Number(a.le)) - (b.le === '+Inf' ? Infinity : Number(b.le)));
    // Compared as numbers: Prometheus 3 writes le="1.0" where 2.x wrote le="1".
    assert.deepEqual(
      buckets.map((b) => (b.le === '+Inf' ? Infinity : Number(b.le))),
      [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, Infinity],
    );
    assert.equal(buckets[buckets.length - 1]?.n, sent.ok);
    for (let i = 1; i < buckets.length; i++)
      assert.ok((buckets[i]?.n ?? 0) >= (buckets[i - 1]?.n ?? 0), 'buckets are cumulative');
    const [sum] = vector(
      (await prom.query(`${duration}_sum{http_route="/hash", http_response_status_code="200"}`)).data,
    );
    assert.ok(Number(sum?.value[1]) > 0 && Number(sum?.value[1]) < sent.ok, 'the _sum is in seconds');

    assert.equal(vector((await prom.query(`${appMetrics.activeRequests}{http_request_method="POST"}`)).data).length, 1);
    // Resource attributes go to target_info, not onto every series.
    assert.equal(vector((await prom.query('target_info{exported_job="ds252-hash"}')).data).length, 1);
    // The lab's own names never appear.
    const names = await prom.metricNames();
    assert.deepEqual(
      names.filter((n) => n.startsWith('flask_')),
      [],
    );
    assert.ok(names.includes(`${duration}_count`) && names.includes(`${duration}_bucket`));
  });

  it('answers series, labels, label values, metadata and build info through the client', async () => {
    const series = await prom.series([`${duration}_count{http_route="/hash"}`]);
    assert.deepEqual(series.map((l) => l['http_response_status_code']).sort(), ['200', '400', '500']);
    assert.ok(series.every((l) => l['job'] === 'otel-collector' && l['exported_job'] === 'ds252-hash'));
    const labels = await prom.labels({ match: [`${duration}_bucket`] });
    for (const l of ['le', 'http_route', 'http_response_status_code', 'exported_job', 'endpoint'])
      assert.ok(labels.includes(l), `no label ${l}`);
    assert.deepEqual((await prom.labelValues('http_route')).sort(), ['/hash', '/healthz']);
    const meta = await prom.metadata({ metric: duration });
    assert.equal(meta[duration]?.[0]?.type, 'histogram');
    assert.equal((await prom.buildInfo()).version, promVersion);
  });

  it('returns data for every query in templates/lab/queries/lab-queries.promql', async () => {
    const text = renderTemplate(
      readFileSync(join(repoRoot, 'templates', 'lab', 'queries', 'lab-queries.promql'), 'utf8'),
      templateVars(defaultParams),
    );
    const queries = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    assert.equal(queries.length, 6);
    for (const q of queries) {
      // Non-empty and a number: a quantile of no increase would be NaN, which is data that says nothing.
      await eventually(`a numeric answer to ${q}`, async () => {
        const d = (await prom.query(q)).data;
        return d.resultType === 'vector' &&
          d.result.length > 0 &&
          d.result.every((s) => Number.isFinite(Number(s.value?.[1])))
          ? d
          : undefined;
      });
    }
    // Both targets, up.
    const up = vector((await prom.query(queries[queries.length - 1] ?? '')).data);
    assert.deepEqual(up.map((s) => [s.metric['endpoint'], s.value[1]]).sort(), [
      ['metrics', '1'],
      ['telemetry', '1'],
    ]);
  });

  it("shows Prometheus' own error text and position for a bad query, from the client and the CLI", async () => {
    const err = await prom.query('sum(rate(x[5m])').then(
      () => assert.fail('a bad query succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof PrometheusError);
    assert.equal(err.kind, 'query');
    assert.equal(err.details.errorType, 'bad_data');
    assert.equal(
      err.details.prometheusError,
      'invalid parameter "query": 1:16: parse error: unclosed left parenthesis',
    );
    assert.deepEqual(err.details.position, { line: 1, column: 16 });
    assert.equal(
      err.message,
      'Prometheus: invalid parameter "query": 1:16: parse error: unclosed left parenthesis (bad_data)',
    );

    const exec = await prom.query('label_replace(up, "x", "$1", "job", "(")').then(
      () => assert.fail('an invalid regex succeeded'),
      (e: unknown) => e,
    );
    assert.ok(exec instanceof PrometheusError);
    assert.equal(exec.details.errorType, 'execution');
    assert.match(exec.message, /invalid regular expression in label_replace\(\)/);

    const r = await cli(['query', 'sum(rate(x[5m])']);
    assert.equal(r.code, 1);
    assert.equal(
      r.err,
      'obslab query: Prometheus: invalid parameter "query": 1:16: parse error: unclosed left parenthesis (bad_data)\nsum(rate(x[5m])\n               ^ parse error: unclosed left parenthesis',
    );
  });

  it("prints Prometheus' own data object with --format json, from the running sandbox", async () => {
    assert.ok(state?.prometheus);
    const q = `${duration}_count{http_route="/hash"}`;
    const time = String(Math.floor(Date.now() / 1000) - 5);
    const r = await cli(['query', q, '--time', time, '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const raw = (await (
      await fetch(`${state.prometheus.url}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: q, time }),
      })
    ).json()) as { status: string; data: unknown };
    assert.equal(raw.status, 'success');
    assert.deepEqual(JSON.parse(r.out), raw.data);

    const range = await cli(['query', q, '--range', '1m', '--step', '15s', '--format', 'json']);
    assert.equal(range.code, 0, range.err);
    const matrix = JSON.parse(range.out) as QueryData;
    assert.equal(matrix.resultType, 'matrix');
    assert.ok(matrix.result.length >= 3);
  });

  it("suggests the app's real request counter when a query uses the lab's flask_http_request_total", async () => {
    const r = await cli(['query', 'rate(flask_http_request_total[30s])']);
    assert.equal(r.code, 0);
    assert.equal(r.out, '(no data)');
    assert.match(
      r.err,
      /`flask_http_request_total` is not a metric this Prometheus has; did you mean `http_server_request_duration_seconds_count`/,
    );
  });

  it('reports the four parts with their addresses and states in `sandbox status --format json`', async () => {
    const r = await cli(['sandbox', 'status', '--format', 'json']);
    assert.equal(r.code, 0, r.out);
    const parts = JSON.parse(r.out) as SandboxPartStatus[];
    assert.deepEqual(
      parts.map((p) => [p.name, p.state]),
      [
        ['app', 'up'],
        ['collector-telemetry', 'up'],
        ['collector-metrics', 'up'],
        ['prometheus', 'up'],
      ],
    );
    assert.deepEqual(
      parts.map((p) => p.url),
      [state?.app?.url, state?.collector?.telemetryUrl, state?.collector?.metricsUrl, state?.prometheus?.url],
    );
  });

  it('stops exactly its processes on down: no process, no process group member, no listener, no data left', async () => {
    assert.ok(state?.app && state.collector && state.prometheus);
    const pids = [state.app.pid, state.collector.pid, state.prometheus.pid];
    const ports = [state.app.url, state.collector.telemetryUrl, state.collector.metricsUrl, state.prometheus.url].map(
      portOf,
    );
    ports.push(Number(state.collector.otlpGrpc.split(':')[1]));
    const r = await cli(['sandbox', 'down']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^Stopped app \(pid \d+\), prometheus \(pid \d+\), collector \(pid \d+\)\.$/);
    started = false;
    for (const pid of pids) {
      assert.equal(isAlive(pid), false, `pid ${pid} still runs`);
      assert.deepEqual(processesInGroup(pid), [], `process group ${pid} still has members`);
    }
    assert.deepEqual(holdersOf(sandboxDir()), [], 'a process still holds a sandbox log open');
    for (const port of ports) assert.ok(await refusesConnection(port), `127.0.0.1:${port} still accepts connections`);
    assert.equal(existsSync(state.prometheus.tsdb), false);
    assert.equal(readSandboxState(), undefined);
    const status = await cli(['sandbox', 'status', '--format', 'json']);
    assert.equal(status.code, 1);
    assert.deepEqual(
      (JSON.parse(status.out) as SandboxPartStatus[]).map((p) => p.state),
      ['stopped', 'stopped', 'stopped', 'stopped'],
    );
  });
});
