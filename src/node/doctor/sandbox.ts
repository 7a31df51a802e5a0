// Snapshot of the local sandbox: its recorded programs, the app's real environment (from
// /proc), the collector's generated config, and its Prometheus.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastLogLine } from '../../core/sandbox/logs';
import type { DoctorSnapshot, PodState } from '../../core/doctor/snapshot';
import { httpAnswers, isOurProcess, tail } from '../process/processes';
import { readSandboxState, sandboxCollectorVersion } from '../sandbox/sandbox';
import { gatherPrometheus, withPrometheus } from './prometheus';
import { readText } from '../files/textFiles';
import { t } from '../../core/text/l10n';
import { labOf, labParams, labQueries } from './lab';

export interface SandboxDoctorOptions {
  /** The lab folder the queries and fixes refer to; the sandbox's own lab (if it was started with one) otherwise. */
  labDir?: string;
  /** Another Prometheus than the sandbox's. */
  prometheusUrl?: string;
}

/** The process' environment as it was started (Linux /proc), or why it cannot be read. */
export function processEnv(pid: number): Record<string, string> | string {
  try {
    const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
    const env: Record<string, string> = {};
    for (const pair of raw.split('\0')) {
      const i = pair.indexOf('=');
      if (i > 0) env[pair.slice(0, i)] = pair.slice(i + 1);
    }
    return env;
  } catch (e) {
    return t`cannot read ${`/proc/${pid}/environ`} (${e instanceof Error ? e.message : String(e)})`;
  }
}

async function answers(url: string): Promise<boolean> {
  return httpAnswers(url).catch(() => false);
}

export async function sandboxSnapshot(o: SandboxDoctorOptions = {}): Promise<DoctorSnapshot> {
  const state = readSandboxState();
  const labDir = o.labDir ?? state?.lab;
  const params = labParams(labDir);
  const s: DoctorSnapshot = { mode: 'sandbox', takenAt: Date.now(), lab: labOf(labDir, params), unavailable: {} };
  const queries = labQueries(labDir, params);
  if (typeof queries === 'string') s.unavailable.queries = queries;
  else s.queries = queries;
  if (!state) {
    const why = t`the sandbox is not running: start it with \`npx obslab sandbox up\``;
    s.unavailable.app = why;
    s.unavailable.collector = why;
    if (!o.prometheusUrl) s.unavailable.prometheus = why;
  }

  const app = state?.app;
  const col = state?.collector;
  const [appUp, colUp] = await Promise.all([
    app && isOurProcess(app.pid, app.marker) ? answers(`${app.url}/healthz`) : Promise.resolve(undefined),
    col && isOurProcess(col.pid, col.marker) ? answers(col.metricsUrl) : Promise.resolve(undefined),
  ]);

  if (state && !app) s.unavailable.app = t`the sandbox records no app`;
  if (app) {
    const alive = appUp !== undefined;
    const pod: PodState = {
      name: t`app (pid ${app.pid})`,
      ready: appUp === true,
      phase: alive ? 'running' : 'stopped',
      ...(alive
        ? appUp
          ? {}
          : { reason: t`no answer at ${`${app.url}/healthz`}` }
        : { reason: t`exited; last log line: ${lastLogLine(tail(app.log, 50)) ?? t`none`}` }),
    };
    const env = alive ? processEnv(app.pid) : undefined;
    const manifestFile = labDir ? join(labDir, 'k8s', 'app.yaml') : undefined;
    const manifestText = readText(manifestFile);
    s.app = {
      object: t`sandbox app ${app.url}`,
      url: app.url,
      pods: [pod],
      otlpEndpointSource: typeof env === 'object' ? `/proc/${app.pid}/environ` : (env ?? t`the app is not running`),
      ...(typeof env === 'object'
        ? { otlpEndpoint: env['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_ENDPOINT'] }
        : {}),
      ...(typeof env === 'string' || env === undefined
        ? { otlpEndpointUnreadable: env ?? t`the app is not running` }
        : {}),
      ...(manifestFile && manifestText !== undefined ? { manifestFile, manifestText } : {}),
    };
  }

  if (state && !col) s.unavailable.collector = t`the sandbox records no collector`;
  if (col) {
    const alive = colUp !== undefined;
    const last = alive ? undefined : lastLogLine(tail(col.log, 50));
    const configFile = labDir ? join(labDir, 'k8s', 'otel-collector-config.yaml') : col.configSource;
    const configText = readText(col.config);
    const configFileText = readText(configFile);
    s.collector = {
      object: t`sandbox collector ${col.metricsUrl.replace(/\/metrics$/, '')}`,
      pods: [
        {
          name: t`collector (pid ${col.pid})`,
          ready: colUp === true,
          phase: alive ? 'running' : 'stopped',
          ...(alive ? (colUp ? {} : { reason: t`no answer at ${col.metricsUrl}` }) : { reason: t`exited` }),
        },
      ],
      otlpAddress: col.otlpGrpc,
      configSource: col.config,
      ...(configText !== undefined ? { configText } : {}),
      // The template itself is not the student's to edit; a lab folder's file is.
      ...(labDir && configFileText !== undefined ? { configFile, configFileText } : {}),
      version: sandboxCollectorVersion,
      ...(last ? { lastLog: last } : {}),
    };
  }

  const promUrl =
    o.prometheusUrl ??
    (state?.prometheus && isOurProcess(state.prometheus.pid, state.prometheus.marker)
      ? state.prometheus.url
      : undefined);
  if (promUrl)
    withPrometheus(
      s,
      await gatherPrometheus({
        url: promUrl,
        service: s.lab.collectorService,
        namespace: state?.namespace ?? s.lab.monitoringNamespace,
        metricsPort: s.lab.portNames.metrics,
        window: '30s',
        hint: t`is the sandbox running? (\`npx obslab sandbox status\`)`,
      }),
    );
  else if (state)
    s.unavailable.prometheus = t`the sandbox's Prometheus is not running: restart the sandbox (\`npx obslab sandbox down && npx obslab sandbox up\`)`;
  return s;
}
