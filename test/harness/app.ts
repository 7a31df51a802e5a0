// The lab's Flask app, from its scaffold source, under OpenTelemetry auto-instrumentation,
// in a private virtual environment built from the pinned requirements.txt.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appCommand, appVenvInstalled, installAppVenv as installVenv } from '../../src/node/sandbox/appVenv';
import {
  daemonStatus,
  freePort,
  httpOk,
  repoRoot,
  startDaemon,
  stopDaemon,
  tail,
  waitFor,
  type Part,
  type PartStatus,
} from './lib';

const templateApp = join(repoRoot, 'templates', 'app');

/** Creates (once per requirements.txt content) a venv with the app's packages from PyPI; the sandbox shares it. */
export function installAppVenv(appDir = templateApp): Promise<string> {
  return installVenv(appDir);
}

export interface AppOptions {
  /** Folder holding app.py and requirements.txt (a scaffolded lab's app/); the template by default. */
  appDir?: string;
  /** Extra or overriding environment, e.g. OTEL_EXPORTER_OTLP_ENDPOINT for a real collector. */
  env?: Record<string, string>;
  /** Daemon name, so two apps can run at once. */
  name?: string;
}

export interface RunningApp {
  url: string;
  port: number;
  pid: number;
  log: string;
  stop(): Promise<void>;
}

/**
 * Telemetry defaults for running outside a cluster: metrics to the console every second so a
 * test can read what the instrumentation records; callers point OTLP at a collector instead.
 */
export const consoleTelemetryEnv: Record<string, string> = {
  OTEL_SERVICE_NAME: 'ds252-hash',
  OTEL_SEMCONV_STABILITY_OPT_IN: 'http',
  OTEL_METRICS_EXPORTER: 'console',
  OTEL_TRACES_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
  OTEL_METRIC_EXPORT_INTERVAL: '1000',
};

export async function startApp(opts: AppOptions = {}): Promise<RunningApp> {
  const appDir = opts.appDir ?? templateApp;
  if (!existsSync(join(appDir, 'app.py'))) throw new Error(`no app.py in ${appDir}`);
  const venv = await installAppVenv(appDir);
  const port = await freePort();
  const name = opts.name ?? 'app';
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    ...consoleTelemetryEnv,
    ...opts.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    PYTHONUNBUFFERED: '1',
  };
  const { cmd, args } = appCommand(venv, appDir);
  const daemon = startDaemon(name, cmd, args, { cwd: appDir, env, url });
  try {
    await waitFor(`the app on ${url}`, () => httpOk(`${url}/healthz`), 60_000, daemon.alive);
  } catch (e) {
    await stopDaemon(name);
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${tail(daemon.log)}`);
  }
  return { url, port, pid: daemon.pid, log: daemon.log, stop: () => stopDaemon(name) };
}

export const appPart: Part = {
  name: 'app',
  description: 'the lab Flask app under opentelemetry-instrument (metrics to the console)',
  install: async () => {
    await installAppVenv();
  },
  up: async (): Promise<PartStatus> => {
    const app = await startApp();
    return {
      name: 'app',
      state: 'running',
      url: app.url,
      pid: app.pid,
      detail: `log: ${app.log}; try: curl -X POST -d data=hello ${app.url}/hash`,
    };
  },
  down: () => stopDaemon('app'),
  status: async () => daemonStatus('app', appVenvInstalled(join(templateApp, 'requirements.txt'))),
};
