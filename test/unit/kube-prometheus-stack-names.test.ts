// The names kube-prometheus-stack 88.5.3 derives from the release name, pinned to what `helm
// template` of the real chart rendered (helm 4.3.1, 2026-12-05, /work/shared/charts): the
// integration test test/integration/kube-prometheus-stack-chart.test.ts renders the chart again and
// installs it, so these literals cannot drift from the chart unnoticed.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { portForwardService } from '../../src/core/kube/commands';
import { forwardPresets } from '../../src/core/kube/forwardPresets';
import { kubePrometheusStackNames } from '../../src/core/kube/kubePrometheusStackNames';
import { defaultParams } from '../../src/core/scaffold/params';
import { planLabFiles } from '../../src/core/scaffold/plan';
import { commandLine } from '../../src/core/shellQuote';

describe("kube-prometheus-stack's names for a release, as the real chart renders them", () => {
  it('a 3-character release gets "<release>-kube-prometheus-stack" whole (25 characters, under the 26-character cut)', () => {
    assert.deepEqual(kubePrometheusStackNames('kps'), {
      fullname: 'kps-kube-prometheus-stack',
      prometheus: 'kps-kube-prometheus-stack-prometheus',
      prometheusService: 'kps-kube-prometheus-stack-prometheus',
      prometheusStatefulSet: 'prometheus-kps-kube-prometheus-stack-prometheus',
      prometheusChartServiceAccount: 'kps-kube-prometheus-stack-prometheus',
      alertmanager: 'kps-kube-prometheus-stack-alertmanager',
      alertmanagerService: 'kps-kube-prometheus-stack-alertmanager',
      alertmanagerSecret: 'alertmanager-kps-kube-prometheus-stack-alertmanager',
      operator: 'kps-kube-prometheus-stack-operator',
      grafana: 'kps-grafana',
      grafanaService: 'kps-grafana',
      grafanaSecret: 'kps-grafana',
      kubeStateMetrics: 'kps-kube-state-metrics',
      nodeExporter: 'kps-prometheus-node-exporter',
    });
  });

  it("the lab's 10-character release prometheus is cut to prometheus-kube-prometheus, so its Service is prometheus-kube-prometheus-prometheus", () => {
    const n = kubePrometheusStackNames('prometheus');
    assert.equal(n.fullname, 'prometheus-kube-prometheus');
    assert.equal(n.prometheusService, 'prometheus-kube-prometheus-prometheus');
    assert.equal(n.alertmanagerService, 'prometheus-kube-prometheus-alertmanager');
    assert.equal(n.operator, 'prometheus-kube-prometheus-operator');
    assert.equal(n.grafanaService, 'prometheus-grafana');
    assert.equal(n.nodeExporter, 'prometheus-prometheus-node-exporter');
  });

  it('a 30-character release is cut to 26 and loses the "-" the cut leaves at the end; the subcharts keep the whole release', () => {
    const n = kubePrometheusStackNames('observability-lab-metrics-prod');
    assert.equal(n.fullname, 'observability-lab-metrics');
    assert.equal(n.prometheusService, 'observability-lab-metrics-prometheus');
    assert.equal(n.alertmanagerSecret, 'alertmanager-observability-lab-metrics-alertmanager');
    assert.equal(n.operator, 'observability-lab-metrics-operator');
    assert.equal(n.grafanaService, 'observability-lab-metrics-prod-grafana');
    assert.equal(n.kubeStateMetrics, 'observability-lab-metrics-prod-kube-state-metrics');
  });

  it('trimSuffix takes off one "-" only: a cut ending in "--" keeps one', () => {
    const n = kubePrometheusStackNames('observability-lab-metric--prod');
    assert.equal(n.fullname, 'observability-lab-metric-');
    assert.equal(n.prometheusService, 'observability-lab-metric--prometheus');
  });

  it("a release that contains the chart's name is the fullname itself; one that contains grafana is Grafana's name", () => {
    assert.equal(
      kubePrometheusStackNames('kube-prometheus-stack').prometheusService,
      'kube-prometheus-stack-prometheus',
    );
    assert.equal(kubePrometheusStackNames('kube-prometheus-stack').grafanaService, 'kube-prometheus-stack-grafana');
    const g = kubePrometheusStackNames('my-grafana');
    assert.equal(g.grafanaService, 'my-grafana');
    assert.equal(g.grafanaSecret, 'my-grafana');
    assert.equal(g.prometheusService, 'my-grafana-kube-prometheus-prometheus');
  });

  it("the Prometheus port-forward preset and the lab's COMMANDS.md name the same Service for any release", () => {
    const templates = join(__dirname, '..', '..', 'templates');
    for (const helmRelease of ['kps', 'prometheus', 'observability-lab-metrics-prod']) {
      const params = { ...defaultParams, helmRelease };
      const preset = forwardPresets(params).find((p) => p.purpose === 'prometheus');
      assert.equal(preset?.name, kubePrometheusStackNames(helmRelease).prometheusService);
      const commands =
        planLabFiles(params, (t) => readFileSync(join(templates, t), 'utf8')).find((f) => f.path === 'COMMANDS.md')
          ?.content ?? '';
      assert.ok(
        commands.includes(`port-forward svc/${kubePrometheusStackNames(helmRelease).prometheusService} 9090:9090`),
        `COMMANDS.md for release ${helmRelease}`,
      );
      // The doctor's hint is this Command (src/core/kube/commands.ts), so it reads as COMMANDS.md's line.
      const forward = portForwardService(
        params.monitoringNamespace,
        kubePrometheusStackNames(helmRelease).prometheusService,
        '9090:9090',
      );
      assert.ok(commands.includes(`${commandLine(forward, 'posix')}\n`), `the doctor's forward for ${helmRelease}`);
      assert.ok(
        commands.includes(`get secret ${kubePrometheusStackNames(helmRelease).grafanaSecret} `),
        `Grafana's Secret for release ${helmRelease}`,
      );
      const guessed = `${helmRelease}-kube-prometheus-prometheus`;
      if (guessed !== kubePrometheusStackNames(helmRelease).prometheusService)
        assert.ok(!commands.includes(guessed), `COMMANDS.md never names ${guessed}, which the chart does not create`);
    }
  });
});
