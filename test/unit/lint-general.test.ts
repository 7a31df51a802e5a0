// General rules outside a lab folder: a finding must rest on evidence in the files (a Prometheus
// object, kube-prometheus-stack values, an annotated ServiceAccount, an image tag, a compose
// command), and with no evidence there is nothing to say. The lab's own rules are pinned in
// lint.test.ts; the real files in lint-corpus.test.ts.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Finding } from '../../src/core/finding';
import { applyEdits } from '../../src/core/lint/applyEdits';
import { lint as lintWith } from '../../src/core/lint/engine';
import type { LintInput } from '../../src/core/lint/model';
import type { LintOptions } from '../../src/core/lint/rule';
import { loadCollectorSchema, loadKindSchemas } from '../../src/node/files/schemas';

const dir = join(__dirname, '..', '..', 'schemas');
const schemas = loadKindSchemas(dir);
const collectorSchema = loadCollectorSchema(dir);
const lint = (files: Record<string, string>, options: Partial<LintOptions> = {}): Finding[] =>
  lintWith(
    Object.entries(files).map(([file, text]): LintInput => ({ file, text })),
    { schemas, collectorSchema, labRules: false, ...options },
  );
const codes = (findings: Finding[]): string[] => findings.map((f) => `${f.code}:${f.severity}`);

const sm = (labels: string, ns = 'apps'): string => `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
  namespace: ${ns}
  labels:
${labels}
spec:
  selector:
    matchLabels: {app: web}
  endpoints:
    - port: http
`;
const prometheus = (
  selector: string,
  nsSelector = '  serviceMonitorNamespaceSelector: {}\n',
): string => `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: main
  namespace: monitoring
spec:
${selector}${nsSelector}`;

describe('general rules: which Prometheus picks up a ServiceMonitor', () => {
  it('says nothing without a Prometheus or chart values in the files, and the lab rule asks for the release label', () => {
    assert.deepEqual(lint({ 'sm.yaml': sm('    team: web') }), []);
    assert.deepEqual(codes(lint({ 'sm.yaml': sm('    team: web') }, { labRules: true })), [
      'servicemonitor/release-label-missing:error',
    ]);
  });

  it('judges a ServiceMonitor against the Prometheus object beside it, with a fix that adds the label', () => {
    const files = {
      'prometheus.yaml': prometheus('  serviceMonitorSelector:\n    matchLabels: {team: frontend}\n'),
      'sm.yaml': sm('    team: backend'),
    };
    const f = lint(files).find((x) => x.code === 'servicemonitor/not-selected');
    assert.equal(f?.severity, 'error');
    assert.match(
      f?.message ?? '',
      /Prometheus monitoring\/main \(prometheus\.yaml\) selects ServiceMonitors labelled team=frontend/,
    );
    const fixed = applyEdits(files['sm.yaml'], f?.fixes?.[0]?.edits ?? []);
    assert.deepEqual(lint({ ...files, 'sm.yaml': fixed }), []);
  });

  it('takes {} as every ServiceMonitor and a missing selector as none, and honours the namespace selector', () => {
    assert.deepEqual(
      lint({ 'p.yaml': prometheus('  serviceMonitorSelector: {}\n'), 'sm.yaml': sm('    any: thing') }),
      [],
    );
    assert.match(
      lint({ 'p.yaml': prometheus(''), 'sm.yaml': sm('    any: thing') })[0]?.message ?? '',
      /no ServiceMonitor \(it has no serviceMonitorSelector/,
    );
    const ownNamespace = lint({
      'p.yaml': prometheus('  serviceMonitorSelector: {}\n', ''),
      'sm.yaml': sm('    any: thing'),
    });
    assert.deepEqual(codes(ownNamespace), ['servicemonitor/not-selected:error']);
    assert.deepEqual(
      lint({
        'p.yaml': prometheus('  serviceMonitorSelector: {}\n', ''),
        'sm.yaml': sm('    any: thing', 'monitoring'),
      }),
      [],
    );
  });

  it('with kube-prometheus-stack values: a release label is needed, but any name may be the release unless it was given', () => {
    const values = 'prometheus:\n  prometheusSpec:\n    retention: 10d\n';
    assert.deepEqual(codes(lint({ 'values.yaml': values, 'sm.yaml': sm('    team: web') })), [
      'servicemonitor/release-label-missing:error',
    ]);
    assert.deepEqual(lint({ 'values.yaml': values, 'sm.yaml': sm('    release: kps') }), []);
    assert.deepEqual(
      codes(
        lint(
          { 'values.yaml': values, 'sm.yaml': sm('    release: kps') },
          { helmRelease: 'monitoring', helmReleaseGiven: true },
        ),
      ),
      ['servicemonitor/release-label-missing:error'],
    );
    // serviceMonitorSelectorNilUsesHelmValues: false selects every ServiceMonitor.
    assert.deepEqual(
      lint({
        'values.yaml': 'prometheus:\n  prometheusSpec:\n    serviceMonitorSelectorNilUsesHelmValues: false\n',
        'sm.yaml': sm('    team: web'),
      }),
      [],
    );
  });

  it("does not take another chart's values (the prometheus chart, SigNoz) for kube-prometheus-stack's", () => {
    const prometheusChart =
      'serviceAccounts:\n  server:\n    create: true\nserver:\n  retention: 15d\nalertmanager:\n  enabled: false\nkube-state-metrics:\n  enabled: true\n';
    assert.deepEqual(lint({ 'values.yaml': prometheusChart }), []);
    assert.deepEqual(
      lint({
        'values.yaml':
          'global:\n  storageClass: gp3\nnameOverride: signoz\nfullnameOverride: signoz\nclickhouse:\n  enabled: true\n',
      }),
      [],
    );
  });
});

const trust = (
  sub: string,
  federated = 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC',
): string =>
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: federated },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              [`${federated.split('oidc-provider/')[1] ?? ''}:sub`]: sub,
              [`${federated.split('oidc-provider/')[1] ?? ''}:aud`]: 'sts.amazonaws.com',
            },
          },
        },
      ],
    },
    null,
    2,
  );
const annotatedSa = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: aws-load-balancer-controller
  namespace: kube-system
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/lbc
`;

describe('general rules: IRSA trust policies', () => {
  it("accepts a valid trust policy for another workload when nothing in the files names the role's ServiceAccount", () => {
    assert.deepEqual(lint({ 'trust.json': trust('system:serviceaccount:kube-system:cluster-autoscaler') }), []);
  });

  it('compares it with the ServiceAccount annotated with the role, when the files have one role and one trust policy', () => {
    const files = {
      'trust.json': trust('system:serviceaccount:kube-system:cluster-autoscaler'),
      'sa.yaml': annotatedSa,
    };
    const f = lint(files).find((x) => x.code === 'iam/trust-subject-mismatch');
    assert.equal(f?.severity, 'error');
    assert.match(
      f?.message ?? '',
      /the role is for system:serviceaccount:kube-system:aws-load-balancer-controller \(the ServiceAccount annotated with eks\.amazonaws\.com\/role-arn/,
    );
    assert.deepEqual(
      lint({ ...files, 'trust.json': trust('system:serviceaccount:kube-system:aws-load-balancer-controller') }),
      [],
    );
  });

  it("leaves other OIDC providers alone (GitHub Actions' web identity is not IRSA)", () => {
    assert.deepEqual(
      lint({
        'trust.json': trust(
          'repo:octo/app:ref:refs/heads/main',
          'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
        ),
      }),
      [],
    );
  });

  it("in the lab, still compares with the lab's prometheus-sa", () => {
    assert.deepEqual(
      codes(lint({ 'trust.json': trust('system:serviceaccount:monitoring:prometheus') }, { labRules: true })),
      ['iam/trust-subject-mismatch:error'],
    );
  });
});

const collectorCm = (config: string, image: string, key = 'collector.yaml'): Record<string, string> => ({
  'cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: col\ndata:\n  ${key}: |\n${config
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`,
  'deploy.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: col\nspec:\n  selector:\n    matchLabels: {app: col}\n  template:\n    metadata:\n      labels: {app: col}\n    spec:\n      containers:\n        - name: col\n          image: ${image}\n          args: ["--config=/conf/${key}"]\n          volumeMounts: [{name: conf, mountPath: /conf}]\n      volumes:\n        - name: conf\n          configMap: {name: col}\n`,
});
const pipeline = (receivers: string, exporters: string, extra = ''): string =>
  `receivers:\n${receivers}\nexporters:\n${exporters}\n${extra}service:\n  pipelines:\n    metrics:\n      receivers: [${/^ {2}(\w+)/m.exec(receivers)?.[1] ?? ''}]\n      exporters: [${/^ {2}(\w+)/m.exec(exporters)?.[1] ?? ''}]\n`;

describe('general rules: the collector as it really runs', () => {
  it("reads a scraper's endpoint as what it reads from: a unix socket URL, or localhost beside a sidecar", () => {
    assert.deepEqual(
      lint({ 'c.yaml': pipeline('  docker_stats:\n    endpoint: unix:///var/run/docker.sock', '  debug: {}') }),
      [],
    );
    assert.deepEqual(
      lint(
        collectorCm(
          pipeline('  redis:\n    endpoint: localhost:6379', '  debug: {}'),
          'otel/opentelemetry-collector-contrib:0.155.0',
        ),
      ),
      [],
    );
  });

  it('knows when components appeared: debug on a 0.51.0 image is refused, and names the first version', () => {
    const f = lint(
      collectorCm(
        pipeline('  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317', '  debug: {}'),
        'otel/opentelemetry-collector-contrib:0.51.0',
      ),
    ).find((x) => x.code === 'collector/component-not-in-version');
    assert.equal(f?.severity, 'error');
    assert.match(f?.message ?? '', /first shipped in v0\.86\.0; collector 0\.51\.0/);
    // Unpinned, the image is the newest release, which has it.
    assert.ok(
      !lint(
        collectorCm(
          pipeline('  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317', '  debug: {}'),
          'otel/opentelemetry-collector-contrib:latest',
        ),
      ).some((x) => x.code === 'collector/component-not-in-version'),
    );
  });

  it("reads a ConfigMap key named relay (the collector chart's) as a collector config", () => {
    const files = collectorCm(
      pipeline('  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317', '  logging: {}'),
      'otel/opentelemetry-collector-contrib:0.150.0',
      'relay',
    );
    assert.ok(lint(files).some((x) => x.code === 'collector/removed-component' && x.severity === 'error'));
  });

  it('judges configs a compose command merges together (--config twice) as layers, not each alone', () => {
    const base =
      'receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n';
    const extra =
      'exporters:\n  otlphttp:\n    endpoint: http://jaeger:4318\nservice:\n  pipelines:\n    traces:\n      exporters: [debug, otlphttp]\n';
    const compose =
      'services:\n  otel-collector:\n    image: otel/opentelemetry-collector-contrib:0.155.0\n    command: ["--config=/etc/otelcol-config.yml", "--config=/etc/otelcol-config-extras.yml"]\n';
    assert.deepEqual(
      lint({ 'otelcol-config.yml': base, 'otelcol-config-extras.yml': extra, 'compose.yaml': compose }),
      [],
    );
    assert.ok(lint({ 'otelcol-config-extras.yml': extra }).some((x) => x.code === 'collector/unknown-component'));
  });

  it('counts the ports the collector listens on, ${env:MY_POD_IP}:4318 included, as reached by a Service (even in the lab)', () => {
    const files = collectorCm(
      pipeline('  otlp:\n    protocols:\n      http:\n        endpoint: ${env:MY_POD_IP}:4318', '  debug: {}'),
      'otel/opentelemetry-collector-contrib:0.155.0',
    );
    const svc =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: col\nspec:\n  selector: {app: col}\n  ports:\n  - {name: otlp-http, port: 4318, targetPort: 4318}\n';
    assert.deepEqual(
      lint({ ...files, 'svc.yaml': svc }, { labRules: true }).filter((f) => f.code === 'k8s/target-port-not-exposed'),
      [],
    );
  });

  it('reports a pipeline without receivers once, not again as a schema problem', () => {
    const f = lint({
      'c.yaml':
        'receivers:\n  otlp:\n    protocols:\n      grpc: {endpoint: 0.0.0.0:4317}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    metrics:\n      exporters: [debug]\n',
    });
    assert.deepEqual(
      codes(f).filter((c) => c.endsWith(':error')),
      ['collector/pipeline-incomplete:error'],
    );
  });
});

const chart = (extra: string): string =>
  `mode: deployment\nimage:\n  repository: otel/opentelemetry-collector-contrib\n  tag: "0.155.0"\n${extra}`;

describe('general rules: collector chart values', () => {
  it("applies the chart's presets to alternateConfig as the chart does (receivers come from presets)", () => {
    const values = chart(
      'presets:\n  clusterMetrics:\n    enabled: true\nalternateConfig:\n  exporters:\n    debug: {}\n  extensions:\n    health_check: {endpoint: "${env:MY_POD_IP}:13133"}\n  service:\n    extensions: [health_check]\n    pipelines:\n      metrics:\n        exporters: [debug]\n',
    );
    assert.deepEqual(
      lint({ 'values.yaml': values }).filter((f) => f.severity === 'error'),
      [],
    );
  });

  it("warns of an unexposed metrics port only when something scrapes it, and its fix turns on the chart's own port", () => {
    assert.deepEqual(
      lint({ 'values.yaml': chart('') }).filter((f) => f.code === 'helm/port-not-exposed'),
      [],
    );
    const scraped = chart('serviceMonitor:\n  enabled: true\n');
    const f = lint({ 'values.yaml': scraped }).find((x) => x.code === 'helm/port-not-exposed');
    assert.equal(f?.fixes?.[0]?.title, 'Set ports.metrics.enabled: true');
    const fixed = applyEdits(scraped, f?.fixes?.[0]?.edits ?? []);
    assert.match(fixed, /\nports:\n {2}metrics:\n {4}enabled: true\n$/);
    assert.deepEqual(
      lint({ 'values.yaml': fixed }).filter((x) => x.code === 'helm/port-not-exposed'),
      [],
    );
  });
});

describe('general rules: Kubernetes manifests as the API server reads them', () => {
  const deployment = (extra: string, port = '        ports: [{containerPort: 8080}]'): string =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\nspec:\n  strategy:\n    rollingUpdate: null\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: web:1.0\n${port}\n${extra}`;

  it('takes null for an optional field as unset', () => {
    assert.deepEqual(
      lint({ 'd.yaml': deployment('') }).filter((f) => f.code === 'k8s/schema'),
      [],
    );
  });

  it('takes targetPort 0 as the port, and an undeclared numeric container port as no evidence', () => {
    const svc = (target: string) =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - name: http\n    port: 8080\n    targetPort: ${target}\n`;
    assert.deepEqual(lint({ 'd.yaml': deployment(''), 's.yaml': svc('0') }), []);
    assert.deepEqual(lint({ 'd.yaml': deployment(''), 's.yaml': svc('9090') }), []);
    assert.deepEqual(codes(lint({ 'd.yaml': deployment(''), 's.yaml': svc('9090') }, { labRules: true })), [
      'k8s/target-port-not-exposed:warning',
    ]);
  });

  it("expands $(VAR) in an OTLP endpoint from the container's own variables before resolving the Service", () => {
    const env =
      '        env:\n        - {name: COLLECTOR, value: otel}\n        - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://$(COLLECTOR):4318"}';
    const svc =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: otel\nspec:\n  selector: {app: otel}\n  ports:\n  - {name: grpc, port: 4317}\n';
    const f = lint({ 'd.yaml': deployment(env), 's.yaml': svc }).find((x) => x.code === 'k8s/otlp-endpoint-unresolved');
    assert.match(f?.message ?? '', /uses port 4318 of Service otel, which exposes only 4317/);
  });
});
