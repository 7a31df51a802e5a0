// Where the pipeline view reads a collector's own telemetry, decided without I/O from what the
// sandbox and the port-forwards say: which URLs to try, in which order. The reader takes the first
// one that serves `otelcol_` metrics, so a guess costs one request, never a wrong figure.
import { t } from '../text/l10n';

/**
 * The collector's own telemetry port: its Prometheus pull reader, on 8888 in the lab's config and
 * the collector chart's `metrics` port (Prometheus scrapes it there too).
 */
export const collectorTelemetryPort = 8888;

/** A URL that may serve a collector's telemetry, and the words the view's live line names it by. */
export interface TelemetrySource {
  url: string;
  label: string;
}

/** A port-forward as the editor publishes it (ProvidedForward) or the manager lists it. */
export interface TelemetryForward {
  id: string;
  /** http://127.0.0.1:PORT */
  url: string;
  state: 'active' | 'waiting' | 'stopped';
  /** Set for the lab's Prometheus, Grafana and app forwards, which are never a collector's telemetry. */
  purpose?: string;
  /** The port asked for: a number or a port name, on a Service, Deployment or pod. */
  remotePort?: number | string;
  /** The pod's container port connections reach, once a Ready pod is found. */
  podPort?: number;
  /** What it forwards to, in words: "monitoring/svc/otel-collector:8888". */
  target?: string;
}

/** Whether the forward reaches port 8888 of the pod, asked for by number or found behind a Service or a name. */
function reachesTelemetryPort(f: TelemetryForward): boolean {
  return f.podPort === collectorTelemetryPort || f.remotePort === collectorTelemetryPort;
}

function forwardSource(f: TelemetryForward): TelemetrySource {
  const url = `${f.url.replace(/\/+$/, '')}/metrics`;
  return { url, label: f.target ? t`the port-forward to ${f.target} (${url})` : t`the port-forward ${f.id} (${url})` };
}

/**
 * The URLs to try, in order:
 * 1. active forwards that reach a pod's telemetry port, 8888: the student forwarded it to watch that
 *    collector, as Query Prometheus prefers a forward to the sandbox;
 * 2. the sandbox's collector, when it runs (`sandboxCollector` is given only then);
 * 3. the other active forwards the lab did not make for Prometheus, Grafana or the app: a collector
 *    may serve its telemetry on another port, and the reader keeps only one that serves it.
 * A forward waiting for a Ready pod, or stopped, answers nothing and is left out.
 */
export function telemetrySources(
  sandboxCollector: { telemetryUrl: string } | undefined,
  forwards: readonly TelemetryForward[],
): TelemetrySource[] {
  const candidates = forwards.filter((f) => f.state === 'active' && !f.purpose);
  const telemetry = candidates.filter(reachesTelemetryPort);
  const others = candidates.filter((f) => !reachesTelemetryPort(f));
  return [
    ...telemetry.map(forwardSource),
    ...(sandboxCollector
      ? [
          {
            url: sandboxCollector.telemetryUrl,
            label: t`the sandbox's collector (${sandboxCollector.telemetryUrl})`,
          },
        ]
      : []),
    ...others.map(forwardSource),
  ];
}
