import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  collectorConfigText,
  deploymentEnv,
  sandboxCollectorConfig,
  sandboxPrometheusConfig,
  SandboxConfigError,
} from '../../src/core/sandbox/config';
import { lastLogLine, portInUse } from '../../src/core/sandbox/logs';
import { defaultParams } from '../../src/core/scaffold/params';
import { templateVars } from '../../src/core/scaffold/plan';
import { renderTemplate } from '../../src/core/scaffold/render';

const templates = join(__dirname, '..', '..', 'templates');
const rendered = (t: string): string =>
  renderTemplate(readFileSync(join(templates, t), 'utf8'), templateVars(defaultParams), t);
const ports = { otlpGrpc: 41001, metrics: 41002, telemetry: 41003 };

interface CollectorShape {
  receivers: { otlp: { protocols: { grpc: { endpoint: string }; http?: { endpoint: string } } } };
  exporters: { prometheus: { endpoint: string } };
  service: {
    telemetry: { metrics: { readers: { pull: { exporter: { prometheus: { host: string; port: number } } } }[] } };
  };
}

describe('sandbox collector config', () => {
  it("moves the scaffold's three listeners from 0.0.0.0 to 127.0.0.1 and the given ports, keeping comments", () => {
    const out = sandboxCollectorConfig(collectorConfigText(rendered('lab/k8s/otel-collector-config.yaml')), ports);
    const cfg = parse(out) as CollectorShape;
    assert.equal(cfg.receivers.otlp.protocols.grpc.endpoint, '127.0.0.1:41001');
    assert.equal(cfg.exporters.prometheus.endpoint, '127.0.0.1:41002');
    assert.deepEqual(cfg.service.telemetry.metrics.readers[0]?.pull.exporter.prometheus, {
      host: '127.0.0.1',
      port: 41003,
    });
    // Only comments may still say 0.0.0.0.
    assert.doesNotMatch(JSON.stringify(cfg), /0\.0\.0\.0/);
    assert.match(out, /# Metrics received over OTLP/);
  });

  it('gives an empty grpc protocol an endpoint, and an http protocol a kernel-chosen loopback port', () => {
    const out = sandboxCollectorConfig(
      'receivers:\n  otlp:\n    protocols:\n      grpc:\n      http:\nexporters:\n  prometheus:\n    endpoint: 0.0.0.0:8889\nservice:\n  telemetry:\n    metrics:\n      readers:\n        - pull:\n            exporter:\n              prometheus:\n                host: 0.0.0.0\n                port: 8888\n',
      ports,
    );
    const cfg = parse(out) as CollectorShape;
    assert.equal(cfg.receivers.otlp.protocols.grpc.endpoint, '127.0.0.1:41001');
    assert.equal(cfg.receivers.otlp.protocols.http?.endpoint, '127.0.0.1:0');
  });

  it('refuses the old telemetry address form, naming the fix', () => {
    const old =
      'receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\nexporters:\n  prometheus:\n    endpoint: 0.0.0.0:8889\nservice:\n  telemetry:\n    metrics:\n      address: 0.0.0.0:8888\n';
    assert.throws(
      () => sandboxCollectorConfig(old, ports),
      (e: unknown) =>
        e instanceof SandboxConfigError &&
        /address, which collectors from v0\.128\.0 refuse.*readers: \[\{pull/.test(e.message),
    );
  });

  it('says what is missing when there is no prometheus exporter or no otlp receiver', () => {
    assert.throws(
      () =>
        sandboxCollectorConfig('receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\n', ports),
      /no prometheus exporter/,
    );
    assert.throws(
      () => sandboxCollectorConfig('receivers: {}\nexporters:\n  prometheus: {endpoint: "0.0.0.0:8889"}\n', ports),
      /no otlp receiver with a grpc protocol/,
    );
  });

  it('finds the collector config inside the ConfigMap, or takes a bare config as it is', () => {
    assert.match(collectorConfigText(rendered('lab/k8s/otel-collector-config.yaml')), /^receivers:/);
    assert.throws(() => collectorConfigText('apiVersion: v1\nkind: Service\n'), /found no collector config/);
  });
});

describe('sandbox prometheus.yml', () => {
  interface ScrapeConfig {
    job_name: string;
    honor_labels: boolean;
    static_configs: { targets: string[]; labels: Record<string, string> }[];
    relabel_configs: { target_label: string; replacement: string }[];
  }
  it("scrapes both endpoints as the lab's ServiceMonitors make the operator do, every 5 s", () => {
    const cfg = parse(
      sandboxPrometheusConfig({
        targets: { telemetry: '127.0.0.1:1', metrics: '127.0.0.1:2' },
        namespace: 'monitoring',
      }),
    ) as { global: Record<string, string>; scrape_configs: ScrapeConfig[] };
    assert.equal(cfg.global['scrape_interval'], '5s');
    assert.equal(cfg.global['evaluation_interval'], '5s');
    assert.deepEqual(
      cfg.scrape_configs
        .slice(0, 2)
        .map((s) => [
          s.job_name,
          s.honor_labels,
          s.static_configs[0]?.targets,
          s.static_configs[0]?.labels,
          s.relabel_configs[0],
        ]),
      [
        [
          'serviceMonitor/monitoring/otel-collector-telemetry/0',
          false,
          ['127.0.0.1:1'],
          { namespace: 'monitoring', service: 'otel-collector', endpoint: 'telemetry' },
          { target_label: 'job', replacement: 'otel-collector' },
        ],
        [
          'serviceMonitor/monitoring/otel-collector/0',
          false,
          ['127.0.0.1:2'],
          { namespace: 'monitoring', service: 'otel-collector', endpoint: 'metrics' },
          { target_label: 'job', replacement: 'otel-collector' },
        ],
      ],
    );
  });

  it("scrapes a running load test's generator every second, from the target files it writes beside prometheus.yml", () => {
    const cfg = parse(
      sandboxPrometheusConfig({
        targets: { telemetry: '127.0.0.1:1', metrics: '127.0.0.1:2' },
        namespace: 'monitoring',
      }),
    ) as { scrape_configs: Record<string, unknown>[] };
    assert.equal(cfg.scrape_configs.length, 3);
    assert.deepEqual(cfg.scrape_configs[2], {
      job_name: 'obslab-loadtest',
      scrape_interval: '1s',
      scrape_timeout: '1s',
      metrics_path: '/metrics',
      file_sd_configs: [{ files: ['loadtest-targets-*.json'], refresh_interval: '5s' }],
    });
  });
});

describe("the app's environment from its Deployment", () => {
  it("reads the scaffold's OTEL_* settings, literal values only", () => {
    const env = deploymentEnv(rendered('lab/k8s/app.yaml'));
    assert.equal(env['OTEL_SEMCONV_STABILITY_OPT_IN'], 'http');
    assert.equal(env['OTEL_SERVICE_NAME'], 'ds252-hash');
    assert.equal(env['OTEL_METRICS_EXPORTER'], 'otlp');
    assert.deepEqual(
      deploymentEnv(
        'kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          env:\n            - name: FROM_SECRET\n              valueFrom: {secretKeyRef: {name: s, key: k}}\n            - name: PORT\n              value: 5000\n',
      ),
      { PORT: '5000' },
    );
  });
});

describe('reading why a sandbox program stopped', () => {
  // Each line is what the real program printed when its port was taken (Prometheus 2.42.0+ds, collector 0.155.0, waitress 3.0.2).
  const prometheus =
    'ts=2026-11-25T10:27:29.776Z caller=web.go:503 level=info component=web msg="Start listening for connections" address=127.0.0.1:49829\nts=2026-11-25T10:27:29.776Z caller=main.go:802 level=error msg="Unable to start web listener" err="listen tcp 127.0.0.1:49829: bind: address already in use"\n';
  const collector =
    '2026-11-25T10:27:30.047Z\tinfo\tservice@v0.155.0/service.go:307\tShutdown complete.\nError: cannot start pipelines: failed to start "otlp" receiver: listen tcp 127.0.0.1:4317: bind: address already in use\n';
  const waitress =
    '    return self.socket.bind(addr)\n           ^^^^^^^^^^^^^^^^^^^^^^\nOSError: [Errno 98] Address already in use\n';

  it('finds the port a program could not bind, never a time of day', () => {
    assert.equal(portInUse(prometheus)?.port, 49829);
    assert.equal(portInUse(collector)?.port, 4317);
    assert.equal(portInUse('listen tcp [::1]:9090: bind: address already in use')?.port, 9090);
  });

  it('knows the address was in use even when the program does not say which port', () => {
    assert.deepEqual(portInUse(waitress), { line: 'OSError: [Errno 98] Address already in use' });
    assert.equal(portInUse('all good\n'), undefined);
  });

  it('quotes the last line, shortened', () => {
    assert.equal(
      lastLogLine(collector),
      'Error: cannot start pipelines: failed to start "otlp" receiver: listen tcp 127.0.0.1:4317: bind: address already in use',
    );
    assert.equal(lastLogLine('x'.repeat(400), 20), `${'x'.repeat(17)}...`);
    assert.equal(lastLogLine('\n\n'), undefined);
  });
});
