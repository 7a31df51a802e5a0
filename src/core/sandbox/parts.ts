// The sandbox's parts as the status, the editor and the CLI show them: one row per part, the
// collector as its two endpoints (Prometheus scrapes each on its own), with the address and state.
import { t } from '../text/l10n';
import type { ActiveTarget } from '../prometheus/types';
import type { CollectorEndpoint } from './config';

export type SandboxPartName = 'app' | 'collector-telemetry' | 'collector-metrics' | 'prometheus';
export const sandboxPartNames: readonly SandboxPartName[] = [
  'app',
  'collector-telemetry',
  'collector-metrics',
  'prometheus',
];

/**
 * up: answering (for a collector endpoint: Prometheus' last scrape of it succeeded); down: the
 * process runs but does not answer (or the scrape failed); unknown: not scraped yet, or
 * Prometheus cannot say; stopped: no process.
 */
export type SandboxPartState = 'up' | 'down' | 'unknown' | 'stopped';

export interface SandboxPartStatus {
  name: SandboxPartName;
  url: string | null;
  state: SandboxPartState;
  pid?: number;
  log?: string;
  detail?: string;
}

/** Which of the collector's two endpoints a Prometheus target is, by the `endpoint` label the ServiceMonitors give it. */
export function endpointOf(t: ActiveTarget): CollectorEndpoint | undefined {
  const e = t.labels['endpoint'];
  return e === 'telemetry' || e === 'metrics' ? e : undefined;
}

/** The parts as the editor's output channel lists them: state, name, address, detail, and the log on its own line. */
export function describeParts(parts: readonly SandboxPartStatus[]): string[] {
  return parts.map(
    (p) =>
      `  ${p.state.padEnd(8)} ${p.name.padEnd(20)} ${p.url ?? ''}${p.detail ? `  (${p.detail})` : ''}` +
      `${p.log ? `\n           ${t`log: ${p.log}`}` : ''}`,
  );
}
