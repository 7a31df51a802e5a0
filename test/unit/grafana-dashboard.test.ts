// The lab's Grafana dashboard as the scaffold writes it: a ConfigMap kube-prometheus-stack's
// Grafana sidecar loads and the same JSON to import by hand, with the app's and the collector's
// real metric names and the chart's Prometheus data source through a ${datasource} variable;
// checked against Grafana's own Dashboard type (@grafana/schema 13.2.0, the Grafana chart 88.5.3
// runs, which ships TypeScript types and no JSON schema) by the TypeScript compiler. Also Grafana's
// built-in interval variables, and Forward Grafana opening the dashboard with its password command.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { appMetrics } from '../../src/core/facts';
import {
  dashboardQueries,
  kubePrometheusStackGrafana,
  labDashboardPath,
  labDashboardTitle,
  labDashboardUid,
  labDashboardUrl,
} from '../../src/core/grafana/labDashboard';
import { durationMs, fillGrafanaVariables, grafanaVariablesIn, rateInterval } from '../../src/core/grafana/variables';
import { forwardPresets } from '../../src/core/kube/forwardPresets';
import { kubePrometheusStackNames } from '../../src/core/kube/kubePrometheusStackNames';
import { filesForTask } from '../../src/core/scaffold/plan';
import { defaultParams } from '../../src/core/scaffold/params';
import { commandLine } from '../../src/core/shellQuote';
import { docs, renderLab, type Doc } from '../support/lab';

const root = join(__dirname, '..', '..');

type Json = Record<string, unknown>;

function dashboardOf(lab: ReturnType<typeof renderLab>): Json {
  return JSON.parse(lab.get('grafana/obslab-dashboard.json')?.content ?? '') as Json;
}

function configMapOf(lab: ReturnType<typeof renderLab>): Doc {
  const all = docs(lab, 'k8s/grafana-dashboard.yaml');
  assert.equal(all.length, 1);
  return all[0] as Doc;
}

function panels(d: Json): Json[] {
  return d['panels'] as Json[];
}

describe("the lab's Grafana dashboard", () => {
  const lab = renderLab();
  const dashboard = dashboardOf(lab);

  it('is written for Task 5 as a ConfigMap and as the same JSON to import by hand', () => {
    assert.ok(filesForTask('task5').includes('k8s/grafana-dashboard.yaml'));
    assert.ok(filesForTask('task5').includes('grafana/obslab-dashboard.json'));
    const cm = configMapOf(lab);
    const data = cm['data'] as Record<string, string>;
    assert.deepEqual(Object.keys(data), ['obslab-dashboard.json']);
    assert.deepEqual(JSON.parse(data['obslab-dashboard.json'] ?? ''), dashboard);
  });

  it("carries the label the chart's sidecar loads, in the monitoring namespace beside Grafana", () => {
    const cm = configMapOf(lab);
    assert.equal(cm['kind'], 'ConfigMap');
    const meta = cm['metadata'] as { namespace: string; labels: Record<string, string> };
    assert.equal(meta.namespace, defaultParams.monitoringNamespace);
    assert.equal(
      meta.labels[kubePrometheusStackGrafana.dashboardLabel],
      kubePrometheusStackGrafana.dashboardLabelValue,
    );
    const custom = configMapOf(renderLab({ monitoringNamespace: 'obs' }));
    assert.equal((custom['metadata'] as { namespace: string }).namespace, 'obs');
  });

  it('has the uid, title and path Forward Grafana opens', () => {
    assert.equal(dashboard['uid'], labDashboardUid);
    assert.equal(dashboard['title'], labDashboardTitle);
    assert.equal(labDashboardPath, '/d/obslab-lab/observability-lab');
    assert.equal(labDashboardUrl('http://127.0.0.1:3000/'), 'http://127.0.0.1:3000/d/obslab-lab/observability-lab');
  });

  it("queries the chart's Prometheus through a datasource variable whose default is its uid, prometheus", () => {
    const list = (dashboard['templating'] as { list: Json[] }).list;
    const ds = list.find((v) => v['name'] === 'datasource');
    assert.equal(ds?.['type'], 'datasource');
    assert.equal(ds?.['query'], 'prometheus');
    assert.deepEqual((ds?.['current'] as Json)['value'], kubePrometheusStackGrafana.datasourceUid);
    for (const p of panels(dashboard)) {
      assert.deepEqual(p['datasource'], { type: 'prometheus', uid: '${datasource}' }, String(p['title']));
      for (const t of p['targets'] as Json[])
        assert.deepEqual(t['datasource'], { type: 'prometheus', uid: '${datasource}' }, String(p['title']));
    }
  });

  it('shows request rate, p50/p95/p99, error ratio, requests in flight, collector points and targets, with the real names', () => {
    const q = dashboardQueries(dashboard);
    const exprs = q.map((x) => x.expr).join('\n');
    assert.deepEqual(
      panels(dashboard).map((p) => p['title']),
      [
        'Request rate by route',
        'Latency of /hash: p50, p95, p99',
        'Error ratio (5xx)',
        'Requests in flight',
        'Collector targets up',
        'Collector: metric points accepted, refused, sent',
      ],
    );
    for (const quantile of ['0.5', '0.95', '0.99'])
      assert.match(exprs, new RegExp(`histogram_quantile\\(${quantile.replace('.', '\\.')}, `));
    assert.match(exprs, new RegExp(`${appMetrics.durationBase}_count`));
    assert.match(exprs, new RegExp(`${appMetrics.durationBase}_bucket`));
    assert.match(exprs, new RegExp(`sum\\(${appMetrics.activeRequests}\\)`));
    for (const name of [
      'otelcol_receiver_accepted_metric_points',
      'otelcol_receiver_refused_metric_points',
      'otelcol_exporter_sent_metric_points',
    ])
      assert.match(exprs, new RegExp(`${name}\\{`));
    assert.match(exprs, /up\{namespace="monitoring", service="otel-collector"\}/);
    assert.doesNotMatch(exprs, /flask_http_request/);
    assert.equal(q.length, 10);
  });

  it('gives every query a window Grafana fills and no variable of its own', () => {
    for (const { expr, panel } of dashboardQueries(dashboard)) {
      assert.ok(
        grafanaVariablesIn(expr).every((v) => v === '__rate_interval'),
        `${panel}: ${expr}`,
      );
      const filled = fillGrafanaVariables(expr, { interval: '15s', rateInterval: '1m', range: '15m' });
      assert.deepEqual(grafanaVariablesIn(filled), [], filled);
    }
  });

  it('puts the names of a custom namespace in the collector queries', () => {
    const exprs = dashboardQueries(dashboardOf(renderLab({ monitoringNamespace: 'obs' }))).map((x) => x.expr);
    assert.ok(
      exprs.filter((e) => e.includes('otelcol_') || e.startsWith('up{')).every((e) => e.includes('namespace="obs"')),
    );
  });

  it("type-checks against @grafana/schema's Dashboard, and its panels' options against the timeseries and stat panels' types", function () {
    this.timeout(120_000);
    // A JSON import widens every string, so the dashboard is checked as an object literal with
    // `satisfies`, which keeps literals and reports unknown keys. Grafana's string enums
    // (ThresholdsMode, LegendDisplayMode...) are written in JSON as their values: Jsonish says so.
    const schema = '@grafana/schema';
    const panelTypes = `${schema}/dist/esm/raw/composable`;
    const options = panels(dashboard).map((p, i) => {
      const kind = p['type'] === 'stat' ? 'Stat' : 'TimeSeries';
      return `export const options${i} = ${JSON.stringify(p['options'])} satisfies Jsonish<${kind}Options>;`;
    });
    const source = [
      `import type { Dashboard } from '${schema}';`,
      `import type { Options as TimeSeriesOptions } from '${panelTypes}/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen';`,
      `import type { Options as StatOptions } from '${panelTypes}/stat/panelcfg/x/StatPanelCfg_types.gen';`,
      'type Jsonish<T> = T extends string ? `${T}` : T extends readonly (infer U)[] ? Jsonish<U>[] :',
      '  T extends object ? { [K in keyof T]: Jsonish<T[K]> } : T;',
      `export const dashboard = ${JSON.stringify(dashboard, null, 2)} satisfies Jsonish<Dashboard>;`,
      ...options,
    ].join('\n');
    const file = join(root, 'test', 'unit', 'grafana-dashboard-check.ts');
    const options_: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
      types: [],
    };
    const host = ts.createCompilerHost(options_);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, lang, ...rest) =>
      name === file ? ts.createSourceFile(name, source, lang) : read(name, lang, ...rest);
    const exists = host.fileExists.bind(host);
    host.fileExists = (name) => name === file || exists(name);
    const program = ts.createProgram([file], options_, host);
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(problems, []);

    // The check has teeth: a misspelt key and a wrong enum value are reported.
    const broken = source
      .replace('"graphTooltip": 1', '"graphTooltipp": 1')
      .replaceAll('"displayMode":"list"', '"displayMode":"lists"');
    const host2 = ts.createCompilerHost(options_);
    host2.getSourceFile = (name, lang, ...rest) =>
      name === file ? ts.createSourceFile(name, broken, lang) : read(name, lang, ...rest);
    host2.fileExists = host.fileExists;
    const wrong = ts
      .getPreEmitDiagnostics(ts.createProgram([file], options_, host2))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
      .join('\n');
    assert.match(wrong, /graphTooltipp/);
    assert.match(wrong, /"lists"/);
  });
});

describe("COMMANDS.md and the walkthrough's Task 5 on the dashboard", () => {
  it('applies the ConfigMap in Task 5, names the dashboard and deletes it in the cleanup', () => {
    const commands = renderLab({ monitoringNamespace: 'obs' }).get('COMMANDS.md')?.content ?? '';
    const task5 = commands.slice(commands.indexOf('## Task 5'), commands.indexOf('## Cleanup'));
    assert.match(task5, /^kubectl apply -f k8s\/grafana-dashboard\.yaml$/m);
    assert.ok(task5.includes(`http://localhost:3000${labDashboardPath}`));
    assert.match(task5, /grafana\/obslab-dashboard\.json/);
    const cleanup = commands.slice(commands.indexOf('## Cleanup'));
    assert.match(cleanup, /-f k8s\/grafana-dashboard\.yaml --ignore-not-found/);
  });

  it("says in the walkthrough's Task 5 where the dashboard is and how Forward Grafana opens it", () => {
    const text = readFileSync(join(root, 'walkthroughs', 'task5-load.md'), 'utf8');
    assert.ok(text.includes('k8s/grafana-dashboard.yaml'));
    assert.ok(text.includes('grafana/obslab-dashboard.json'));
    assert.ok(text.includes(`http://localhost:3000${labDashboardPath}`));
    assert.match(text, /\*\*Forward Grafana\*\*/);
  });
});

describe("Grafana's built-in interval variables", () => {
  it('fills $__rate_interval, $__interval and $__range, bare and braced, the longer names first', () => {
    const vars = { interval: '15s', rateInterval: '1m', range: '1h' };
    assert.equal(fillGrafanaVariables('rate(x[$__rate_interval])', vars), 'rate(x[1m])');
    assert.equal(fillGrafanaVariables('rate(x[${__rate_interval}])', vars), 'rate(x[1m])');
    assert.equal(fillGrafanaVariables('avg_over_time(x[$__interval])', vars), 'avg_over_time(x[15s])');
    assert.equal(fillGrafanaVariables('x * $__interval_ms', vars), 'x * 15000');
    assert.equal(fillGrafanaVariables('increase(x[$__range])', vars), 'increase(x[1h])');
    assert.equal(fillGrafanaVariables('x / $__range_s + $__range_ms', vars), 'x / 3600 + 3600000');
  });

  it('leaves variables it does not know for the caller to see', () => {
    const filled = fillGrafanaVariables('rate(x{job="$job"}[$__rate_interval]) + $__unknown', {
      interval: '15s',
      rateInterval: '1m',
      range: '1h',
    });
    assert.equal(filled, 'rate(x{job="$job"}[1m]) + $__unknown');
    assert.deepEqual(grafanaVariablesIn(filled), ['job', '__unknown']);
  });

  it('refuses a window that is not a duration, naming it', () => {
    assert.throws(
      () => fillGrafanaVariables('x', { interval: 'soon', rateInterval: '1m', range: '1h' }),
      /interval "soon" is not a duration such as 1m or 30s/,
    );
  });

  it('derives $__rate_interval as Grafana does: max(interval + scrape interval, 4 × scrape interval)', () => {
    // kube-prometheus-stack gives its data source Prometheus' scrape interval, 30s by default.
    assert.equal(rateInterval(durationMs('15s') ?? 0, durationMs('30s') ?? 0), 120_000);
    assert.equal(rateInterval(durationMs('2m') ?? 0, durationMs('30s') ?? 0), 150_000);
    assert.equal(durationMs('1m30s'), 90_000);
    assert.equal(durationMs('1.5m'), undefined);
  });
});

describe('Forward Grafana', () => {
  it("opens the lab's dashboard and names the command that prints the admin password", () => {
    const grafana = forwardPresets({ ...defaultParams, helmRelease: 'kps', monitoringNamespace: 'obs' }).find(
      (p) => p.purpose === 'grafana',
    );
    assert.equal(grafana?.open, labDashboardPath);
    const secret = kubePrometheusStackNames('kps').grafanaSecret;
    assert.equal(
      commandLine(grafana?.password ?? [], 'posix'),
      `kubectl -n obs get secret ${secret} -o 'go-template={{index .data "admin-password" | base64decode}}{{"\\n"}}'`,
    );
    assert.equal(
      commandLine(grafana?.password ?? [], 'powershell'),
      `kubectl -n obs get secret ${secret} -o 'go-template={{index .data "admin-password" | base64decode}}{{"\\n"}}'`,
    );
    for (const p of forwardPresets(defaultParams).filter((x) => x.purpose !== 'grafana'))
      assert.equal(p.open, undefined);
  });
});

describe("the README's table of the dashboard's panels", () => {
  // Grafana does not run here, so the README shows the panels as a table instead of a screenshot:
  // it must say what the JSON says, row by row (gridPos.y), left to right (gridPos.x).
  it("lists every panel with its row, kind and width as the JSON's gridPos places it", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf("### The lab's Grafana dashboard"));
    const table = section.slice(section.indexOf('| Row | Panel | Kind | Width (of 24) |'), section.indexOf('\n\n!['));
    const listed = table
      .split('\n')
      .slice(2)
      .filter((l) => l.startsWith('|'))
      .map((l) =>
        l
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    const kinds: Record<string, string> = { timeseries: 'time series', stat: 'stat' };
    const placed = panels(dashboardOf(renderLab()))
      .map((p) => ({ p, pos: p['gridPos'] as { x: number; y: number; w: number } }))
      .sort((a, b) => a.pos.y - b.pos.y || a.pos.x - b.pos.x);
    const rows = [...new Set(placed.map((x) => x.pos.y))];
    assert.deepEqual(
      listed,
      placed.map(({ p, pos }) => [
        String(rows.indexOf(pos.y) + 1),
        String(p['title']),
        kinds[String(p['type'])] ?? String(p['type']),
        String(pos.w),
      ]),
    );
  });
});
