// The lab's Grafana dashboard as facts the rest of the product uses: where Grafana shows it once
// the sidecar has loaded it, the label kube-prometheus-stack's Grafana sidecar loads it by, and
// the PromQL of each of its panels (read from the dashboard's JSON, so tests run exactly those).
import { isRecord } from '../isRecord';

/** The dashboard's uid in templates/lab/grafana/obslab-dashboard.json. */
export const labDashboardUid = 'obslab-lab';

/** Its title, and the slug Grafana puts after the uid in its URL. */
export const labDashboardTitle = 'Observability Lab';

/** The path Grafana serves it at (Grafana redirects /d/<uid> alone there too). */
export const labDashboardPath = `/d/${labDashboardUid}/observability-lab`;

/**
 * What kube-prometheus-stack 88.5.3 sets for its Grafana's dashboard sidecar (values.yaml
 * grafana.sidecar.dashboards; checked 2026-12-05 against the chart and `helm template`): ConfigMaps
 * labelled grafana_dashboard: "1", searched in every namespace (the grafana chart alone searches
 * only its release's namespace). Its provisioned Prometheus data source has the uid prometheus.
 */
export const kubePrometheusStackGrafana = {
  dashboardLabel: 'grafana_dashboard',
  dashboardLabelValue: '1',
  searchNamespace: 'ALL',
  datasourceUid: 'prometheus',
} as const;

/** The dashboard's address behind a Grafana at `grafanaUrl` (a port-forward's http://127.0.0.1:3000). */
export function labDashboardUrl(grafanaUrl: string): string {
  return `${grafanaUrl.replace(/\/+$/, '')}${labDashboardPath}`;
}

export interface DashboardQuery {
  panel: string;
  refId: string;
  expr: string;
}

/** Every Prometheus query of a dashboard's panels (rows' panels included), in order; [] for what is not a dashboard. */
export function dashboardQueries(dashboard: unknown): DashboardQuery[] {
  if (!isRecord(dashboard) || !Array.isArray(dashboard['panels'])) return [];
  const queries: DashboardQuery[] = [];
  const visit = (panels: unknown[]): void => {
    for (const p of panels) {
      if (!isRecord(p)) continue;
      if (Array.isArray(p['panels'])) visit(p['panels']);
      const title = typeof p['title'] === 'string' ? p['title'] : '';
      for (const t of Array.isArray(p['targets']) ? p['targets'] : [])
        if (isRecord(t) && typeof t['expr'] === 'string')
          queries.push({ panel: title, refId: typeof t['refId'] === 'string' ? t['refId'] : '', expr: t['expr'] });
    }
  };
  visit(dashboard['panels']);
  return queries;
}
