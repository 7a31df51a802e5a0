// Checks the recorded facts of the OpenTelemetry Collector chart (src/core/helm/collectorChart.ts)
// against the real chart, for whoever bumps its version and wants the answer before the
// integration tests (test/integration/collector-chart.test.ts, which check the same and more).
// Pass a chart folder (charts/opentelemetry-collector of open-telemetry/opentelemetry-helm-charts,
// or an unpacked `helm pull`), or none for the chart at the pinned version where the tests find it
// (realChartDir in test/harness/helm.ts): <chart>-<version>/ in $OBSLAB_CHARTS, or in
// ../shared/charts when that is unset; else the copy packed unmodified in test/fixtures/charts/;
// else `helm pull --repo` when online.
//
//   npx tsx scripts/verify-collector-chart.ts [PATH/TO/opentelemetry-collector]
//
// It renders the chart with the scaffolded values through helm built by the harness, compares the
// Service, its labels and ports, and the ServiceMonitor with what the facts predict, renders the
// lab's --set flags to see the chart refuse them, and lints the collector config the chart writes.
// Exit 1 on a mismatch.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import {
  collectorChart,
  fullname,
  selectorLabels,
  serviceLabels,
  serviceMonitorOf,
  servicePorts,
  type Values,
} from '../src/core/helm/collectorChart';
import { lint } from '../src/core/lint/engine';
import { labCollectorSetFlags } from '../test/fixtures/findingExamples';
import { helmBin, installHelm, realChartDir, realCharts } from '../test/harness/helm';
import { renderLab } from '../test/support/lab';

type Obj = {
  kind?: string;
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};

const problems: string[] = [];
function same(what: string, got: unknown, want: unknown): void {
  const a = JSON.stringify(got);
  const b = JSON.stringify(want);
  console.log(`${a === b ? 'ok  ' : 'DIFF'} ${what}${a === b ? '' : `\n       got  ${a}\n       want ${b}`}`);
  if (a !== b) problems.push(what);
}

function render(helm: string, chart: string, valuesFile: string): { ok: boolean; objects: Obj[]; output: string } {
  try {
    const out = execFileSync(
      helm,
      ['template', collectorChart.labRelease, chart, '--namespace', 'monitoring', '--values', valuesFile],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return {
      ok: true,
      objects: parseAllDocuments(out)
        .map((d) => d.toJS() as Obj)
        .filter((o) => o && typeof o === 'object'),
      output: out,
    };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return { ok: false, objects: [], output: err.stderr ?? err.message };
  }
}

function sorted(r: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(r ?? {}).sort(([a], [b]) => a.localeCompare(b)));
}

async function main(): Promise<void> {
  const chartDir = process.argv[2] ?? (await realChartDir(realCharts.collector));
  console.log(`chart: ${chartDir}`);
  const chartYaml = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as {
    version?: string;
    appVersion?: string;
  };
  same('chart version', chartYaml.version, collectorChart.version);
  same('chart appVersion', String(chartYaml.appVersion), collectorChart.appVersion);

  await installHelm(undefined, true);
  const helm = helmBin();
  const dir = mkdtempSync(join(tmpdir(), 'obslab-verify-chart-'));
  try {
    const file = renderLab().get('helm/otel-collector-values.yaml');
    if (!file) throw new Error('the scaffold has no helm/otel-collector-values.yaml');
    const valuesFile = join(dir, 'values.yaml');
    writeFileSync(valuesFile, file.content);
    const values = parse(file.content) as Values;
    const release = collectorChart.labRelease;

    const real = render(helm, chartDir, valuesFile);
    if (!real.ok) throw new Error(`helm template failed:\n${real.output}`);
    const objects = real.objects;
    const svc = objects.find((o) => o.kind === 'Service');
    same('Service name', svc?.metadata?.name, fullname(release, values));
    same('Service labels', sorted(svc?.metadata?.labels), sorted(serviceLabels(release, values)));
    same(
      'Service selector',
      sorted(svc?.spec?.['selector'] as Record<string, string>),
      sorted(selectorLabels(release, values)),
    );
    const ports = (
      (svc?.spec?.['ports'] as { name: string; port: number; targetPort: number | string }[] | undefined) ?? []
    )
      .map((p) => `${p.name}:${p.port}->${String(p.targetPort)}`)
      .sort();
    same(
      'Service ports',
      ports,
      servicePorts(values)
        .map((p) => `${p.name}:${p.port}->${p.targetPort}`)
        .sort(),
    );
    const sm = objects.find((o) => o.kind === 'ServiceMonitor');
    const predicted = serviceMonitorOf(release, values);
    same('ServiceMonitor labels', sorted(sm?.metadata?.labels), sorted(predicted?.labels));
    same(
      'ServiceMonitor selector',
      sorted((sm?.spec?.['selector'] as { matchLabels?: Record<string, string> } | undefined)?.matchLabels),
      sorted(predicted?.matchLabels),
    );
    same(
      'ServiceMonitor endpoint ports',
      ((sm?.spec?.['endpoints'] as { port?: string }[] | undefined) ?? []).map((e) => e.port),
      predicted?.endpointPorts,
    );

    // The collector config the real chart writes, through the linter as a ConfigMap would be.
    const configMap = real.objects.find((o) => o.kind === 'ConfigMap');
    const relay = configMap?.data?.['relay'];
    same('real chart: ConfigMap has the relay config', typeof relay, 'string');
    if (relay) {
      const findings = lint([{ file: 'relay.yaml', text: relay }]).filter((f) => f.severity !== 'info');
      same(
        'real chart: the written collector config lints clean',
        findings.map((f) => `${f.code}: ${f.message}`),
        [],
      );
      console.log('\n--- the collector config the real chart writes ---\n' + relay);
    }

    // The lab's --set flags: the real chart refuses them.
    const flags = join(dir, 'flags.yaml');
    writeFileSync(flags, labCollectorSetFlags);
    const refused = render(helm, chartDir, flags);
    same("real chart: the lab's --set flags are refused", refused.ok, false);
    same('real chart: for image.repository', /'image\.repository' must be set/.test(refused.output), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    problems.length
      ? `\n${problems.length} mismatch(es): update src/core/helm/collectorChart.ts`
      : '\nthe recorded facts hold for this chart',
  );
  process.exit(problems.length ? 1 : 0);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(2);
});
