// The local sandbox: the lab's data path on one machine. The Flask app (OpenTelemetry, OTLP gRPC)
// → a real OpenTelemetry Collector (prometheus exporter, own telemetry through a pull reader) →
// a real Prometheus scraping the collector's two endpoints as the lab's ServiceMonitors make the
// operator do. Every program listens on 127.0.0.1 at a free port, gets a minimal environment (no
// credentials), runs in its own process group with its log in a file, and is recorded in
// run/sandbox.json so `down` from any process ends exactly those programs.
import { t } from '../../core/text/l10n';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { versions } from '../../core/facts';
import { PrometheusClient, PrometheusError } from '../../core/prometheus/client';
import type { ActiveTarget } from '../../core/prometheus/types';
import { downloadPercent, downloadProgressText } from '../../core/downloads/progressText';
import { diagnose as diagnoseLog } from '../../core/sandbox/diagnose';
import { minPython, pythonInstallHint } from '../../core/sandbox/python';
import {
  endpointOf,
  sandboxPartNames,
  type SandboxPartName,
  type SandboxPartState,
  type SandboxPartStatus,
} from '../../core/sandbox/parts';
import {
  collectorConfigText,
  collectorScrape,
  deploymentEnv,
  sandboxCollectorConfig,
  sandboxPrometheusConfig,
  SandboxConfigError,
  type CollectorEndpoint,
} from '../../core/sandbox/config';
import type { SandboxInputFile } from '../../core/sandbox/consent';
import { sandboxEnv } from '../../core/sandbox/env';
import { defaultParams } from '../../core/scaffold/params';
import { labManifestName, parseLabManifest, templateVars } from '../../core/scaffold/plan';
import { renderTemplate } from '../../core/scaffold/render';
import { partsDir, userDataDir } from '../downloads/dataDir';
import { appCommand, installAppVenv, PythonMissing } from './appVenv';
import { labInputs } from './sandboxInputs';
import { SandboxCancelled, SandboxError } from './sandboxError';
import { cliPartWords, findSandboxPrograms, type DownloadRunner, type SandboxPartsOptions } from './sandboxParts';
import {
  readSandboxState,
  readSandboxStateFile,
  removeSandboxPath,
  sandboxPrometheusUrl,
  sandboxStatePath,
  writeSandboxState,
} from './sandboxState';
import { cacheDir } from '../files/cache';
import { removeStaleTargets } from '../loadtest/clientMetricsPublish';
import { templatesDir } from '../files/labFiles';
import {
  ExitedEarly,
  freePort,
  httpAnswers,
  isAlive,
  isOurProcess,
  portIsFree,
  ProgramFailed,
  startDetached,
  stopGroup,
  tail,
  waitFor,
  type Detached,
} from '../process/processes';
import { sleep } from '../process/sleep';

/** The collector release the sandbox downloads: the version the scaffold pins. */
export const sandboxCollectorVersion = versions.collector;

export {
  SandboxCancelled,
  SandboxError,
  sandboxPartNames,
  type SandboxPartName,
  type SandboxPartState,
  type SandboxPartStatus,
};

interface ProcessRecord {
  pid: number;
  /** A path in the process' command line, so a reused pid is never mistaken for ours. */
  marker: string;
  log: string;
}

export interface SandboxState {
  version: 1;
  startedAt: string;
  /** While `up` runs: its pid, so a second `up` does not start a second sandbox. */
  startingPid?: number;
  dir: string;
  lab?: string;
  namespace: string;
  app?: ProcessRecord & { url: string; appDir: string };
  collector?: ProcessRecord & {
    binary: string;
    otlpGrpc: string;
    telemetryUrl: string;
    metricsUrl: string;
    config: string;
    configSource: string;
  };
  prometheus?: ProcessRecord & { binary: string; url: string; config: string; tsdb: string; version?: string };
}

export interface SandboxOptions {
  /** A scaffolded lab folder: its app/, k8s/otel-collector-config.yaml and k8s/app.yaml are used. The templates otherwise. */
  labDir?: string;
  /** The collector program (`--collector`); else as `parts` finds it (src/node/sandbox/sandboxParts.ts). */
  collectorBinary?: string;
  /** The prometheus program (`--prometheus-bin`); else as `parts` finds it. */
  prometheusBinary?: string;
  /**
   * How the programs are found or downloaded, and how messages name the next step; by default
   * the CLI's: its flags, the per-user data folder, GitHub, the environment's proxy.
   */
  parts?: Partial<SandboxPartsOptions>;
  /** Fixed ports, for a stable address; free ports otherwise. */
  appPort?: number;
  prometheusPort?: number;
  /** How long to wait for Prometheus to report both collector targets up. Default 60 s. */
  targetsTimeoutMs?: number;
  /** The lab's files as the student approved them (sandboxPlan's sha256): refuse to start if they changed since. */
  approvedSha256?: string;
}

/** What `up` would take from a lab folder, for the question asked before running it. */
export interface SandboxPlan {
  /** The lab folder; absent for the extension's own templates, which need no question. */
  lab?: string;
  files: SandboxInputFile[];
  sha256?: string;
}

export interface SandboxTimings {
  /** Creating the app's venv (0 when it was cached). */
  venvMs: number;
  /** From spawning the three programs until all answer. */
  startMs: number;
  /** From all answering until Prometheus reports both collector targets up. */
  targetsMs: number;
  totalMs: number;
}

export interface SandboxUpResult {
  alreadyRunning: boolean;
  parts: SandboxPartStatus[];
  state: SandboxState;
  timings?: SandboxTimings;
}

export type Progress = (message: string) => void;

const job = collectorScrape.service;

const statePath = sandboxStatePath;
export { readSandboxState, sandboxPrometheusUrl };

function writeState(state: SandboxState): void {
  writeSandboxState(state, statePath());
}

function records(state: SandboxState): [string, ProcessRecord][] {
  const out: [string, ProcessRecord][] = [];
  if (state.app) out.push(['app', state.app]);
  if (state.prometheus) out.push(['prometheus', state.prometheus]);
  if (state.collector) out.push(['collector', state.collector]);
  return out;
}

function anyRunning(state: SandboxState): boolean {
  return (
    records(state).some(([, r]) => isOurProcess(r.pid, r.marker)) ||
    (state.startingPid !== undefined && state.startingPid !== process.pid && isAlive(state.startingPid))
  );
}

/** Downloads reported as lines (the CLI's stderr): each phase, and the download every tenth of the way. */
function lineRunner(onProgress: Progress, signal: AbortSignal | undefined): DownloadRunner {
  return (asset, download) => {
    let last = '';
    return download((p) => {
      const pct = downloadPercent(p);
      const key = `${p.phase}:${p.phase === 'download' ? (pct === undefined ? Math.floor(p.received / 50e6) : Math.floor(pct / 10)) : ''}`;
      if (key === last) return;
      last = key;
      onProgress(`${asset.part}: ${downloadProgressText({ ...p, archive: asset.archive, title: asset.title })}`);
    }, signal);
  };
}

/** The parts options with the CLI's defaults filled in. */
function partsOptions(opts: SandboxOptions): SandboxPartsOptions {
  const p = opts.parts ?? {};
  const words = p.words ?? cliPartWords;
  return {
    ...p,
    root: p.root ?? partsDir(userDataDir()),
    network: p.network ?? { env: process.env },
    words,
    ...(opts.collectorBinary ? { collector: { path: opts.collectorBinary, from: '--collector' } } : {}),
    ...(opts.prometheusBinary ? { prometheus: { path: opts.prometheusBinary, from: '--prometheus-bin' } } : {}),
  };
}

interface LabSources {
  appDir: string;
  collectorManifest: string;
  collectorSource: string;
  appManifest?: string;
  namespace: string;
  lab?: string;
}

/** The app and manifests to run: from a scaffolded lab folder, or the templates with the default choices. */
function labSources(labDir: string | undefined): LabSources {
  if (!labDir) {
    const templates = templatesDir();
    const vars = templateVars(defaultParams);
    const render = (t: string): string => renderTemplate(readFileSync(join(templates, t), 'utf8'), vars, t);
    return {
      appDir: join(templates, 'app'),
      collectorManifest: render('lab/k8s/otel-collector-config.yaml'),
      collectorSource: join(templates, 'lab/k8s/otel-collector-config.yaml'),
      appManifest: render('lab/k8s/app.yaml'),
      namespace: defaultParams.monitoringNamespace,
    };
  }
  const lab = resolve(labDir);
  const need = (rel: string): string => {
    const p = join(lab, rel);
    if (!existsSync(p))
      throw new SandboxError(
        'lab',
        t`${lab} has no ${rel}`,
        t`pass a folder made by \`obslab scaffold\` (or the editor's Create Lab Files), or leave ${'--lab'} out to use the templates`,
      );
    return p;
  };
  const appDir = join(lab, 'app');
  need('app/app.py');
  need('app/requirements.txt');
  const collectorSource = need('k8s/otel-collector-config.yaml');
  const appYaml = join(lab, 'k8s', 'app.yaml');
  const manifestFile = join(lab, labManifestName);
  const manifest = existsSync(manifestFile) ? parseLabManifest(readFileSync(manifestFile, 'utf8')) : undefined;
  return {
    appDir,
    collectorManifest: readFileSync(collectorSource, 'utf8'),
    collectorSource,
    ...(existsSync(appYaml) ? { appManifest: readFileSync(appYaml, 'utf8') } : {}),
    namespace: manifest?.params.monitoringNamespace ?? defaultParams.monitoringNamespace,
    lab,
  };
}

/** The collector config as the sandbox would run it, or a SandboxError naming the file and the problem. */
function renderCollectorConfig(
  sources: LabSources,
  ports: { otlpGrpc: number; metrics: number; telemetry: number },
): string {
  try {
    return sandboxCollectorConfig(collectorConfigText(sources.collectorManifest), ports);
  } catch (e) {
    if (e instanceof SandboxConfigError)
      throw new SandboxError(
        'collector',
        `${sources.collectorSource}: ${e.message}`,
        t`fix the collector config, then run \`obslab sandbox up\` again`,
      );
    throw e;
  }
}

/**
 * The files `up` would run, install and read from `labDir` (none for the templates), with one
 * sha256 over them; throws the SandboxError `up` would throw for a missing file or a collector
 * config the sandbox refuses, so the student is not asked about a lab that cannot start.
 */
export async function sandboxPlan(opts: Pick<SandboxOptions, 'labDir'> = {}): Promise<SandboxPlan> {
  const sources = labSources(opts.labDir);
  renderCollectorConfig(sources, { otlpGrpc: 0, metrics: 0, telemetry: 0 });
  if (!sources.lab) return { files: [] };
  const inputs = await labInputs(sources.lab);
  return { lab: sources.lab, files: inputs.files, sha256: inputs.sha256 };
}

async function choosePort(part: SandboxPartName, fixed: number | undefined, flag: string): Promise<number> {
  if (fixed === undefined) return freePort();
  if (!(await portIsFree(fixed)))
    throw new SandboxError(
      part,
      t`port ${`127.0.0.1:${fixed}`} is already in use by another program`,
      t`stop that program, pick another port with ${flag}, or leave ${flag} out to get a free port`,
    );
  return fixed;
}

/** Why a program stopped or never answered, read from its log; `ports` are the ones we gave it, for programs that do not name the port. */
function diagnose(
  part: SandboxPartName | 'collector',
  log: string,
  exited: boolean,
  waitedFor: string,
  fix: string,
  ports: number[] = [],
): SandboxError {
  const problem = diagnoseLog({ logText: tail(log, 200), exited, waitedFor, fix, ports });
  return new SandboxError(part, problem.reason, problem.fix, log);
}

async function startAndWait(
  part: 'app' | 'collector' | 'prometheus',
  proc: Detached,
  log: string,
  probeUrls: string[],
  timeoutMs: number,
  fix: string,
): Promise<void> {
  try {
    for (const url of probeUrls) await waitFor(`${part} at ${url}`, () => httpAnswers(url), timeoutMs, proc.alive);
  } catch (e) {
    // Give a dying program a moment to write its last words.
    await sleep(300);
    throw diagnose(
      part,
      log,
      e instanceof ExitedEarly || !proc.alive(),
      probeUrls.reduce((list, url) => t`${list} and ${url}`),
      fix,
      probeUrls.map((u) => Number(new URL(u).port)),
    );
  }
}

function prometheusClient(url: string): PrometheusClient {
  return new PrometheusClient({
    baseUrl: url,
    fetch: (u, init) => fetch(u, init),
    timeoutMs: 5000,
    unreachableHint: t`is the sandbox running? (\`obslab sandbox status\`)`,
  });
}

/** Prometheus' view of the two collector targets, by endpoint. */
async function collectorTargets(prometheusUrl: string): Promise<Partial<Record<CollectorEndpoint, ActiveTarget>>> {
  const targets = await prometheusClient(prometheusUrl).activeTargets({ job });
  const out: Partial<Record<CollectorEndpoint, ActiveTarget>> = {};
  for (const tg of targets) {
    const e = endpointOf(tg);
    if (e) out[e] = tg;
  }
  return out;
}

async function waitForTargets(
  prometheusUrl: string,
  timeoutMs: number,
  collector: Detached,
  collectorLog: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: Partial<Record<CollectorEndpoint, ActiveTarget>> = {};
  while (Date.now() < deadline) {
    if (!collector.alive()) throw diagnose('collector', collectorLog, true, '', t`check its config and log`);
    try {
      last = await collectorTargets(prometheusUrl);
      if (last.telemetry?.health === 'up' && last.metrics?.health === 'up') return;
    } catch {
      // Prometheus is still loading its config
    }
    await sleep(250);
  }
  for (const e of ['telemetry', 'metrics'] as const) {
    const tg = last[e];
    const s = Math.round(timeoutMs / 1000);
    if (tg?.health !== 'up') {
      throw new SandboxError(
        `collector-${e}`,
        tg
          ? tg.lastError
            ? t`Prometheus reports ${tg.scrapeUrl} ${tg.health}: ${tg.lastError} after ${s} s`
            : t`Prometheus reports ${tg.scrapeUrl} ${tg.health} (not scraped yet) after ${s} s`
          : t`Prometheus has no such target`,
        e === 'telemetry'
          ? t`check ${'service.telemetry.metrics.readers'} in the collector config`
          : t`check the prometheus exporter in the collector config`,
        collectorLog,
      );
    }
  }
}

/** Stops the recorded programs, each with its process group. */
/**
 * The processes this process started: ours for certain, even in the instant between fork and exec
 * when their command line is still node's and the marker check would fail. Kept in memory, so a
 * state file that names this process's pid does not make a stranger's pid ours.
 */
const startedHere = new Set<number>();

function startedByUs<T extends { pid?: number | undefined }>(child: T): T {
  if (child.pid !== undefined) startedHere.add(child.pid);
  return child;
}

async function stopRecorded(state: SandboxState): Promise<{ name: string; pid: number }[]> {
  const stopped: { name: string; pid: number }[] = [];
  // The app first, so it does not log export errors at a collector that is already gone.
  for (const [name, rec] of records(state)) {
    if (startedHere.has(rec.pid) ? !isAlive(rec.pid) : !isOurProcess(rec.pid, rec.marker)) continue;
    await stopGroup(rec.pid);
    if (isAlive(rec.pid))
      throw new SandboxError(
        'sandbox',
        t`${name} (pid ${rec.pid}) did not stop after SIGKILL`,
        t`end it by hand: ${`kill -9 -${rec.pid}`}`,
      );
    stopped.push({ name, pid: rec.pid });
  }
  return stopped;
}

/**
 * Starts the sandbox, or says it is already running. Resolves once Prometheus reports both
 * collector targets up. On any failure everything started so far is stopped and a
 * SandboxError names the part, the cause and the fix.
 */
export async function sandboxUp(
  opts: SandboxOptions = {},
  onProgress: Progress = () => undefined,
): Promise<SandboxUpResult> {
  const t0 = Date.now();
  const existing = readSandboxState();
  if (existing && anyRunning(existing)) {
    return { alreadyRunning: true, parts: await sandboxStatus(), state: existing };
  }
  if (existing) {
    // A sandbox whose programs are all gone (a reboot, a kill): forget it and start afresh.
    await stopRecorded(existing);
    // Only its own data folder: a refused path (the state was edited) is left alone.
    removeSandboxPath(existing.prometheus?.tsdb, 'tsdb');
    rmSync(statePath(), { force: true });
  }

  const sources = labSources(opts.labDir);
  // A config the sandbox refuses (a listener it cannot move, ${env:…} it will not hand over) fails before anything is installed.
  renderCollectorConfig(sources, { otlpGrpc: 0, metrics: 0, telemetry: 0 });
  if (
    opts.approvedSha256 !== undefined &&
    sources.lab &&
    (await labInputs(sources.lab)).sha256 !== opts.approvedSha256
  ) {
    throw new SandboxError(
      'lab',
      t`files in ${sources.lab} changed after you approved running them`,
      t`start the sandbox again to see them and answer again`,
    );
  }
  const programs = await findSandboxPrograms({
    ...partsOptions(opts),
    run: opts.parts?.run ?? lineRunner(onProgress, opts.parts?.signal),
  });
  for (const p of [programs.collector, programs.prometheus])
    if (p.source !== 'downloaded') onProgress(t`using ${p.detail}`);
  const collectorBinary = programs.collector.path;
  const prometheusBinary = programs.prometheus.path;
  const dir = cacheDir('run', 'sandbox');
  const state: SandboxState = {
    version: 1,
    startedAt: new Date().toISOString(),
    startingPid: process.pid,
    dir,
    namespace: sources.namespace,
    ...(sources.lab ? { lab: sources.lab } : {}),
  };
  writeState(state);

  const tVenv = Date.now();
  let venv: string;
  try {
    venv = await installAppVenv(sources.appDir, (m) => onProgress(`app: ${m}`));
  } catch (e) {
    rmSync(statePath(), { force: true });
    if (e instanceof PythonMissing) throw new SandboxError('app', e.reason, e.fix);
    const detail =
      e instanceof ProgramFailed
        ? `${e.command} ${e.reason}; ${e.output.trim().split('\n').slice(-1)[0] ?? ''}`
        : e instanceof Error
          ? e.message
          : String(e);
    throw new SandboxError(
      'app',
      t`could not install its Python packages (${detail})`,
      t`make sure PyPI (or your pip index) is reachable; if it is, ${pythonInstallHint(process.platform)} \
(or set ${'$OBSLAB_PYTHON'} to a Python ${minPython.join('.')}+)`,
    );
  }
  const venvMs = Date.now() - tVenv;

  let tsdb: string | undefined;
  try {
    const appPort = await choosePort('app', opts.appPort, '--app-port');
    const prometheusPort = await choosePort('prometheus', opts.prometheusPort, '--prometheus-port');
    const ports = { otlpGrpc: await freePort(), metrics: await freePort(), telemetry: await freePort() };

    const collectorYaml = renderCollectorConfig(sources, ports);
    const collectorConfig = join(dir, 'collector.yaml');
    writeFileSync(collectorConfig, collectorYaml);
    const telemetryUrl = `http://127.0.0.1:${ports.telemetry}/metrics`;
    const metricsUrl = `http://127.0.0.1:${ports.metrics}/metrics`;
    const prometheusConfig = join(dir, 'prometheus.yml');
    writeFileSync(
      prometheusConfig,
      sandboxPrometheusConfig({
        targets: { telemetry: `127.0.0.1:${ports.telemetry}`, metrics: `127.0.0.1:${ports.metrics}` },
        namespace: sources.namespace,
      }),
    );
    // A load test that died without removing its target file would show as a down target.
    removeStaleTargets(dir);
    tsdb = mkdtempSync(join(tmpdir(), 'obslab-sandbox-tsdb-'));
    const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    const appUrl = `http://127.0.0.1:${appPort}`;

    const tStart = Date.now();
    onProgress(
      t`collector: starting ${collectorBinary} (OTLP gRPC ${`127.0.0.1:${ports.otlpGrpc}`}, metrics ${metricsUrl}, own telemetry ${telemetryUrl})`,
    );
    const collectorLog = join(dir, 'collector.log');
    const collector = startedByUs(
      startDetached(collectorBinary, [`--config=${collectorConfig}`], {
        log: collectorLog,
        env: sandboxEnv('collector', process.env),
      }),
    );
    state.collector = {
      pid: collector.pid,
      marker: collectorConfig,
      log: collectorLog,
      binary: collectorBinary,
      otlpGrpc: `127.0.0.1:${ports.otlpGrpc}`,
      telemetryUrl,
      metricsUrl,
      config: collectorConfig,
      configSource: sources.collectorSource,
    };
    writeState(state);

    onProgress(t`prometheus: starting ${prometheusBinary} at ${prometheusUrl}`);
    const prometheusLog = join(dir, 'prometheus.log');
    const prometheus = startedByUs(
      startDetached(
        prometheusBinary,
        [
          `--config.file=${prometheusConfig}`,
          `--storage.tsdb.path=${tsdb}`,
          `--web.listen-address=127.0.0.1:${prometheusPort}`,
          '--storage.tsdb.retention.time=1d',
        ],
        { log: prometheusLog, env: sandboxEnv('prometheus', process.env) },
      ),
    );
    state.prometheus = {
      pid: prometheus.pid,
      marker: prometheusConfig,
      log: prometheusLog,
      binary: prometheusBinary,
      url: prometheusUrl,
      config: prometheusConfig,
      tsdb,
    };
    writeState(state);

    onProgress(t`app: starting ${`${sources.appDir}/app.py`} at ${appUrl}`);
    const appLog = join(dir, 'app.log');
    const { cmd, args } = appCommand(venv, sources.appDir);
    // A minimal environment: no AWS_* or other credentials of this process reach the lab's code.
    const appEnv = sandboxEnv('app', process.env, {
      // What the lab's Deployment sets (OTEL_SERVICE_NAME, OTEL_SEMCONV_STABILITY_OPT_IN, exporters; OTEL_* only) ...
      deployment: {
        OTEL_SERVICE_NAME: 'ds252-hash',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'none',
        ...(sources.appManifest ? deploymentEnv(sources.appManifest) : {}),
      },
      // ... but sent to our collector, every 5 s instead of the SDK's 60 s so data shows up quickly.
      set: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.otlpGrpc}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_METRIC_EXPORT_INTERVAL: '5000',
        HOST: '127.0.0.1',
        PORT: String(appPort),
        PYTHONUNBUFFERED: '1',
      },
    });
    const app = startedByUs(startDetached(cmd, args, { cwd: sources.appDir, env: appEnv, log: appLog }));
    state.app = {
      pid: app.pid,
      marker: join(sources.appDir, 'app.py'),
      log: appLog,
      url: appUrl,
      appDir: sources.appDir,
    };
    writeState(state);

    // All three start at once; each is waited for on its own, so the first failure is reported.
    await Promise.all([
      startAndWait(
        'collector',
        collector,
        collectorLog,
        [telemetryUrl, metricsUrl],
        30_000,
        t`check its config (${sources.collectorSource}; \`obslab lint\` explains most problems); generated config: ${collectorConfig}`,
      ),
      startAndWait(
        'prometheus',
        prometheus,
        prometheusLog,
        [`${prometheusUrl}/-/ready`],
        30_000,
        t`check the generated config ${prometheusConfig}`,
      ),
      startAndWait(
        'app',
        app,
        appLog,
        [`${appUrl}/healthz`],
        60_000,
        t`check ${`${sources.appDir}/app.py`} and its requirements`,
      ),
    ]);
    const startMs = Date.now() - tStart;

    onProgress(t`waiting for Prometheus to scrape both collector endpoints`);
    const tTargets = Date.now();
    await waitForTargets(prometheusUrl, opts.targetsTimeoutMs ?? 60_000, collector, collectorLog);
    const targetsMs = Date.now() - tTargets;

    try {
      state.prometheus.version = (await prometheusClient(prometheusUrl).buildInfo()).version;
    } catch {
      // Older Prometheus without buildinfo: the version is only a nicety.
    }
    delete state.startingPid;
    writeState(state);
    const timings = { venvMs, startMs, targetsMs, totalMs: Date.now() - t0 };
    onProgress(t`sandbox up in ${(timings.totalMs / 1000).toFixed(1)} s`);
    return { alreadyRunning: false, parts: await sandboxStatus(), state, timings };
  } catch (e) {
    await stopRecorded(state);
    if (tsdb) rmSync(tsdb, { recursive: true, force: true });
    rmSync(statePath(), { force: true });
    throw e;
  }
}

/** Each part, where it listens, and its state; the collector's endpoints as Prometheus sees them. */
export async function sandboxStatus(): Promise<SandboxPartStatus[]> {
  const state = readSandboxState();
  if (!state) return sandboxPartNames.map((name) => ({ name, url: null, state: 'stopped' }));

  const processState = async (
    rec: ProcessRecord | undefined,
    probeUrl: string | undefined,
  ): Promise<SandboxPartState> => {
    if (!rec || !isOurProcess(rec.pid, rec.marker)) return 'stopped';
    if (!probeUrl) return 'unknown';
    return (await httpAnswers(probeUrl).catch(() => false)) ? 'up' : 'down';
  };
  const app = state.app;
  const prom = state.prometheus;
  const col = state.collector;
  const [appState, promState] = await Promise.all([
    processState(app, app ? `${app.url}/healthz` : undefined),
    processState(prom, prom ? `${prom.url}/-/ready` : undefined),
  ]);
  const collectorAlive = col !== undefined && isOurProcess(col.pid, col.marker);

  let targets: Partial<Record<CollectorEndpoint, ActiveTarget>> = {};
  let targetsProblem: string | undefined;
  if (prom && promState === 'up') {
    try {
      targets = await collectorTargets(prom.url);
    } catch (e) {
      targetsProblem = e instanceof PrometheusError ? e.message : String(e);
    }
  } else {
    targetsProblem = t`Prometheus is not running, so nobody scrapes this endpoint`;
  }
  const endpoint = (e: CollectorEndpoint): SandboxPartStatus => {
    const url = col ? (e === 'telemetry' ? col.telemetryUrl : col.metricsUrl) : null;
    const base = { name: `collector-${e}` as const, url, ...(col ? { pid: col.pid, log: col.log } : {}) };
    if (!collectorAlive) return { ...base, state: 'stopped' };
    const tg = targets[e];
    if (!tg)
      return { ...base, state: 'unknown', detail: targetsProblem ?? t`Prometheus has no target for this endpoint yet` };
    return {
      ...base,
      state: tg.health,
      ...(tg.lastError
        ? { detail: tg.lastError }
        : {
            detail: t`scraped by Prometheus as ${`job="${tg.labels['job'] ?? ''}", instance="${tg.labels['instance'] ?? ''}"`}`,
          }),
    };
  };
  return [
    { name: 'app', url: app?.url ?? null, state: appState, ...(app ? { pid: app.pid, log: app.log } : {}) },
    endpoint('telemetry'),
    endpoint('metrics'),
    {
      name: 'prometheus',
      url: prom?.url ?? null,
      state: promState,
      ...(prom
        ? { pid: prom.pid, log: prom.log, ...(prom.version ? { detail: `Prometheus ${prom.version}` } : {}) }
        : {}),
    },
  ];
}

/** Stops exactly the recorded programs (and their process groups), removes Prometheus' data, forgets the sandbox. Logs stay. */
export async function sandboxDown(): Promise<{ stopped: { name: string; pid: number }[] }> {
  const { state, problem } = readSandboxStateFile();
  if (problem)
    throw new SandboxError(
      'sandbox',
      t`${statePath()} is not a state obslab wrote (${problem}), so nothing it names was stopped or deleted`,
      t`if no sandbox of yours is running, delete ${statePath()}; otherwise stop its programs by hand`,
    );
  if (!state) return { stopped: [] };
  const stopped = await stopRecorded(state);
  // Only the sandbox's own files and folders: a state file edited to name /etc or ~ deletes nothing there.
  const refused = [
    removeSandboxPath(state.prometheus?.tsdb, 'tsdb'),
    removeSandboxPath(state.collector?.config, 'config'),
    removeSandboxPath(state.prometheus?.config, 'config'),
  ].filter((r): r is string => r !== undefined);
  rmSync(statePath(), { force: true });
  if (refused.length)
    throw new SandboxError(
      'sandbox',
      t`stopped ${stopped.length} program(s), but refused to delete what ${statePath()} named: ${refused.join('; ')}`,
      t`nothing outside the sandbox's own folders was deleted; the state file had been changed by something other than obslab`,
    );
  return { stopped };
}
