// Debian's Prometheus (package `prometheus`, HTTP API v1), run as our own process on a free
// 127.0.0.1 port with a temporary data folder: never the system service the package may install.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** $OBSLAB_PROMETHEUS, else Debian's /usr/bin/prometheus. */
export function prometheusBinary(): string {
  return process.env['OBSLAB_PROMETHEUS'] ?? '/usr/bin/prometheus';
}

function requireBinary(): string {
  const bin = prometheusBinary();
  if (!existsSync(bin))
    throw new Error(
      `prometheus: ${bin} is missing; install Debian's package with \`sudo apt-get install prometheus\` (npm run setup does), or set OBSLAB_PROMETHEUS to a prometheus binary`,
    );
  return bin;
}

/** e.g. "2.42.0+ds", from `prometheus --version`. */
export async function prometheusVersion(): Promise<string> {
  const out = await run(requireBinary(), ['--version'], { timeoutMs: 30_000 });
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

/** Starts Prometheus with `configYaml` and waits until /-/ready answers. The mocha root hook stops it too. */
export async function startPrometheus(
  configYaml = emptyPrometheusConfig,
  opts: { name?: string } = {},
): Promise<RunningPrometheus> {
  const bin = requireBinary();
  const name = opts.name ?? `prometheus-${process.pid}-${++serial}`;
  const config = join(cacheDir('run', 'prometheus-config'), `${name}.yml`);
  writeFileSync(config, configYaml);
  const tsdb = mkdtempSync(join(tmpdir(), 'obslab-prometheus-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const daemon = startDaemon(
    name,
    bin,
    [`--config.file=${config}`, `--storage.tsdb.path=${tsdb}`, `--web.listen-address=127.0.0.1:${port}`],
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
  description: "Debian's Prometheus on a free 127.0.0.1 port with an empty config and a temporary data folder",
  install(): Promise<void> {
    requireBinary();
    return Promise.resolve();
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
    const s = daemonStatus(PART, existsSync(prometheusBinary()));
    return Promise.resolve(
      s.state === 'missing' ? { ...s, detail: `${prometheusBinary()} is missing: sudo apt-get install prometheus` } : s,
    );
  },
};
