// The kubectl commands in the walkthrough that name kube-prometheus-stack's objects (written for the
// default release `prometheus` in namespace monitoring), read one way for the unit test that pins
// which ones there are and the integration test that checks each against the installed chart.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  grafanaPasswordKey,
  kubePrometheusStackNames,
  kubePrometheusStackPorts,
} from '../../src/core/kube/kubePrometheusStackNames';

const walkthroughs = join(__dirname, '..', '..', 'walkthroughs');

export type ClusterCommand =
  | { file: string; kind: 'port-forward'; service: string; port: number }
  | { file: string; kind: 'secret'; secret: string; key: string };

/** `port-forward svc/<name> <port>` or `secret <name> <key>`: what a command names, without its file. */
export function commandKey(c: ClusterCommand): string {
  return c.kind === 'port-forward' ? `port-forward svc/${c.service} ${c.port}` : `secret ${c.secret} ${c.key}`;
}

/** Every `kubectl -n monitoring port-forward svc/…` and `kubectl -n monitoring get secret … -o jsonpath=…` in walkthroughs/. */
export function walkthroughClusterCommands(): ClusterCommand[] {
  const found: ClusterCommand[] = [];
  for (const file of readdirSync(walkthroughs)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    const text = readFileSync(join(walkthroughs, file), 'utf8');
    for (const m of text.matchAll(/kubectl -n monitoring port-forward svc\/(\S+) \d+:(\d+)/g))
      found.push({ file, kind: 'port-forward', service: m[1] ?? '', port: Number(m[2]) });
    for (const m of text.matchAll(/kubectl -n monitoring get secret (\S+) -o jsonpath='\{\.data\.([\w-]+)\}'/g))
      found.push({ file, kind: 'secret', secret: m[1] ?? '', key: m[2] ?? '' });
  }
  return found;
}

/** What the walkthrough must name for release `prometheus`: Task 2 forwards Grafana and reads its password, Task 5 forwards Prometheus. */
export function expectedClusterCommands(): string[] {
  const n = kubePrometheusStackNames('prometheus');
  return [
    `port-forward svc/${n.grafanaService} ${kubePrometheusStackPorts.grafana.port}`,
    `port-forward svc/${n.prometheusService} ${kubePrometheusStackPorts.prometheus.port}`,
    `secret ${n.grafanaSecret} ${grafanaPasswordKey}`,
  ];
}
