// Prometheus v3.14.0, the version kube-prometheus-stack 88.5.3 runs, built from its Go module
// (github.com/prometheus/prometheus@v0.314.0) through a wrapper module into the cache, and run as
// our own process on a free 127.0.0.1 port with a temporary data folder. The module carries no
// built UI assets, so this build serves the HTTP API (all the extension uses) and no web UI.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGoMain, goBinary, goMainBuilt, lastGoBuild, type GoMainBuild } from './goBuild';
import {
  cacheDir,
  daemonStatus,
  freePort,
  httpOk,
  readRecord,
  run,
  startDaemon,
  stopDaemon,
  tail,
  waitFor,
  type Part,
  type PartStatus,
} from './lib';

const PART = 'prometheus';

/** What kube-prometheus-stack 88.5.3 deploys (its values.yaml, prometheus.prometheusSpec.image.tag v3.14.0). */
export const PROMETHEUS_VERSION = '3.14.0';

/** Prometheus 3.x is served as Go module v0.3xx.y: v3.14.0 is v0.314.0. */
export function prometheusModuleVersion(version: string = PROMETHEUS_VERSION): string {
  const [major, minor, patch] = version.split('.');
  return `v0.${major ?? '3'}${(minor ?? '0').padStart(2, '0')}.${patch ?? '0'}`;
}

const VERSION_PKG = 'github.com/prometheus/common/version';

/**
 * The wrapper build: without the cloud.google.com/go replace an old cloud.google.com/go makes
 * compute/metadata ambiguous; the version comes in with -X as the release's promu does; netgo as
 * the release (its builtinassets tag needs UI assets the module does not carry).
 */
export const prometheusBuild: GoMainBuild = {
  cacheName: `prometheus-${PROMETHEUS_VERSION}`,
  requires: { 'github.com/prometheus/prometheus': prometheusModuleVersion() },
  replaces: { 'cloud.google.com/go': 'cloud.google.com/go v0.123.0' },
  mains: { prometheus: 'github.com/prometheus/prometheus/cmd/prometheus' },
  tags: ['netgo'],
  ldflags: [
    '-s',
    '-w',
    `-X ${VERSION_PKG}.Version=${PROMETHEUS_VERSION}`,
    `-X ${VERSION_PKG}.Branch=module-${prometheusModuleVersion()}`,
    `-X ${VERSION_PKG}.BuildUser=obslab-harness`,
  ],
};

/** $OBSLAB_PROMETHEUS, else the Prometheus 3.14.0 the harness builds into the cache. */
export function prometheusBinary(): string {
  return process.env['OBSLAB_PROMETHEUS'] ?? goBinary(prometheusBuild, 'prometheus');
}

/** Builds Prometheus once (about 5.5 min cold on 2 cores) unless OBSLAB_PROMETHEUS names another. */
export async function installPrometheus(echo = false): Promise<string> {
  if (!process.env['OBSLAB_PROMETHEUS']) await buildGoMain(prometheusBuild, echo);
  const bin = prometheusBinary();
  if (!existsSync(bin))
    throw new Error(
      `prometheus: ${bin} is missing; unset OBSLAB_PROMETHEUS to build ${PROMETHEUS_VERSION}, or point it at a prometheus binary`,
    );
  return bin;
}

/** The last cold build's timing in this process (undefined when the cache served it). */
export function lastPrometheusBuild(): ReturnType<typeof lastGoBuild.get> {
  return lastGoBuild.get(prometheusBuild.cacheName);
}

/** e.g. "3.14.0", from `prometheus --version`. */
export async function prometheusVersion(): Promise<string> {
  const out = await run(await installPrometheus(), ['--version'], { timeoutMs: 30_000 });
  const m = /version (\S+)/.exec(out);
  if (!m?.[1]) throw new Error(`prometheus --version said something unexpected:\n${out}`);
  return m[1];
}

/** No targets: a Prometheus that answers the API and scrapes nothing. */
export const emptyPrometheusConfig = 'global:\n  scrape_interval: 5s\n  evaluation_interval: 5s\nscrape_configs: []\n';

export interface RunningPrometheus {
  name: string;
  url: string;
  pid: number;
  log: string;
  stop(): Promise<void>;
}

let serial = 0;

/**
 * Starts Prometheus with `configYaml` (or the config made for its own URL, for a Prometheus that
 * scrapes itself) and waits until /-/ready answers. The mocha root hook stops it too.
 */
export async function startPrometheus(
  configYaml: string | ((url: string) => string) = emptyPrometheusConfig,
  opts: { name?: string; /** More flags, e.g. --web.enable-otlp-receiver. */ args?: readonly string[] } = {},
): Promise<RunningPrometheus> {
  const bin = await installPrometheus();
  const name = opts.name ?? `prometheus-${process.pid}-${++serial}`;
  const config = join(cacheDir('run', 'prometheus-config'), `${name}.yml`);
  const tsdb = mkdtempSync(join(tmpdir(), 'obslab-prometheus-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  writeFileSync(config, typeof configYaml === 'string' ? configYaml : configYaml(url));
  const daemon = startDaemon(
    name,
    bin,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${tsdb}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...(opts.args ?? []),
    ],
    { url, extra: { tsdb, config } },
  );
  const stop = async (): Promise<void> => {
    await stopDaemon(name);
    rmSync(tsdb, { recursive: true, force: true });
    rmSync(config, { force: true });
  };
  try {
    await waitFor(`prometheus at ${url}`, () => httpOk(`${url}/-/ready`), 30_000, daemon.alive);
  } catch (e) {
    const log = tail(daemon.log);
    await stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${log}`);
  }
  return { name, url, pid: daemon.pid, log: daemon.log, stop };
}

export const prometheusPart: Part = {
  name: PART,
  description: `Prometheus ${PROMETHEUS_VERSION} built from the Go module github.com/prometheus/prometheus@${prometheusModuleVersion()}, on a free 127.0.0.1 port with an empty config and a temporary data folder`,
  async install(): Promise<void> {
    await installPrometheus(true);
  },
  async up(): Promise<PartStatus> {
    const p = await startPrometheus(emptyPrometheusConfig, { name: PART });
    return {
      name: PART,
      state: 'running',
      url: p.url,
      pid: p.pid,
      detail: `Prometheus ${await prometheusVersion()}; log: ${p.log}`,
    };
  },
  async down(): Promise<void> {
    const extra = readRecord(PART)?.extra;
    await stopDaemon(PART);
    for (const key of ['tsdb', 'config']) {
      const path = extra?.[key];
      if (typeof path === 'string') rmSync(path, { recursive: true, force: true });
    }
  },
  status(): Promise<PartStatus> {
    const built = process.env['OBSLAB_PROMETHEUS'] ? existsSync(prometheusBinary()) : goMainBuilt(prometheusBuild);
    const s = daemonStatus(PART, built);
    return Promise.resolve(
      s.state === 'missing'
        ? { ...s, detail: `${prometheusBinary()} is missing: npm run harness -- prometheus install` }
        : s,
    );
  },
};
