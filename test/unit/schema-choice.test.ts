// Which bundled schema the YAML server gives a file: the lab's files get theirs, everything else
// in the workspace (workflows, compose files, values files, other kinds) gets none of ours.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { maxLintBytes } from '../../src/core/lint/model';
import { chooseSchema } from '../../src/core/lint/schemaChoice';
import { loadSchemaCatalog } from '../../src/node/files/schemas';
import { renderLab } from '../support/lab';

const root = join(__dirname, '..', '..');
const catalog = loadSchemaCatalog(join(root, 'schemas'));
const fixture = (path: string) => readFileSync(join(root, 'test', 'fixtures', path), 'utf8');
const choose = (text: string) => chooseSchema(text, catalog);

const workflow = `name: CI
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      redis:
        image: redis:7
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci && npm test
`;

const compose = `services:
  app:
    build: .
    ports:
      - "5000:5000"
    environment:
      OTEL_EXPORTER_OTLP_ENDPOINT: http://collector:4317
  collector:
    image: otel/opentelemetry-collector-contrib:0.155.0
    volumes:
      - ./collector.yaml:/etc/otelcol-contrib/config.yaml
volumes:
  data: {}
`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: otel-flask
  namespace: app
spec:
  replicas: 1
  selector:
    matchLabels:
      app: otel-flask
  template:
    metadata:
      labels:
        app: otel-flask
    spec:
      containers:
        - name: app
          image: otel-flask:latest
`;

const service = `apiVersion: v1
kind: Service
metadata:
  name: otel-flask
spec:
  selector:
    app: otel-flask
  ports:
    - name: http
      port: 5000
`;

const certificate = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: example-com
spec:
  secretName: example-com-tls
  dnsNames: [example.com]
  issuerRef:
    name: letsencrypt
    kind: ClusterIssuer
`;

describe('the schema a YAML file gets', () => {
  it('gives a Deployment the Deployment schema and a ServiceMonitor the ServiceMonitor schema', () => {
    assert.equal(choose(deployment), 'deployment-apps-v1.json');
    const [, monitor] = fixture('schemas/lab-otel-servicemonitors.yaml').split(/^---\n/m);
    assert.ok(monitor);
    assert.equal(choose(monitor), 'servicemonitor-monitoring-v1.json');
  });

  it("gives a file whose documents are all one kind (the two ServiceMonitors, the two Namespaces) that kind's schema", () => {
    assert.equal(choose(fixture('schemas/lab-otel-servicemonitors.yaml')), 'servicemonitor-monitoring-v1.json');
    assert.equal(
      choose(
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: monitoring\n',
      ),
      'namespace-v1.json',
    );
  });

  it('gives a standalone collector config the collector schema, also with only the deprecated telemetry address', () => {
    assert.equal(choose(fixture('collector/lab.yaml')), 'otelcol-config.json');
    assert.equal(choose(fixture('schemas/otelcol-deprecated-address.yaml')), 'otelcol-config.json');
  });

  it('gives a multi-document file of several kinds we know the combined lab schema', () => {
    assert.equal(choose(`${deployment}---\n${service}`), 'lab.json');
    assert.equal(choose(fixture('schemas/lab-otel-flask.yaml')), 'lab.json');
  });

  it('gives every manifest the lab scaffolds a schema, and its Helm values files none', () => {
    for (const [path, file] of renderLab()) {
      if (!/\.ya?ml$/.test(path)) continue;
      const chosen = choose(file.content);
      if (path.startsWith('k8s/')) assert.ok(chosen, `${path} gets a schema`);
      else assert.equal(chosen, undefined, `${path} gets none`);
    }
    const lab = renderLab();
    assert.equal(choose(lab.get('k8s/otel-collector-config.yaml')?.content ?? ''), 'configmap-v1.json');
    assert.equal(choose(lab.get('k8s/app.yaml')?.content ?? ''), 'lab.json');
  });

  it('gives a GitHub Actions workflow and a docker-compose file none', () => {
    assert.equal(choose(workflow), undefined);
    assert.equal(choose(compose), undefined);
  });

  it("gives the collector chart's values file none, although it has a top-level service and a config with receivers", () => {
    const values =
      'mode: deployment\nimage:\n  repository: otel/opentelemetry-collector-contrib\nconfig:\n  receivers:\n    otlp: {}\n  service:\n    pipelines: {}\nservice:\n  type: ClusterIP\n';
    assert.equal(choose(values), undefined);
  });

  it('gives a resource of a kind we have no schema for (a cert-manager Certificate, a CRD, a Pod) none', () => {
    assert.equal(choose(certificate), undefined);
    assert.equal(
      choose(
        'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: certificates.cert-manager.io\nspec:\n  group: cert-manager.io\n',
      ),
      undefined,
    );
    assert.equal(choose('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n'), undefined);
    // The kind alone is not enough: the schemas are per apiVersion.
    assert.equal(choose('apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: old\n'), undefined);
  });

  it('gives a multi-document file with any document we do not know none, so a lab schema never covers foreign YAML', () => {
    assert.equal(choose(`${deployment}---\n${certificate}`), undefined);
    assert.equal(choose(`${service}---\n${compose}`), undefined);
    assert.equal(choose(`${deployment}---\nfoo: bar\n`), undefined);
  });

  it('gives an empty file, a file of comments and a bare document marker none', () => {
    for (const text of ['', '\n', '# nothing yet\n', '---\n', '---\n# kind: Deployment\n'])
      assert.equal(choose(text), undefined, JSON.stringify(text));
  });

  it('ignores empty documents and comments around a lab document', () => {
    assert.equal(choose(`# the app\n---\n${deployment}---\n`), 'deployment-apps-v1.json');
  });

  it('keeps the schema while a key is half typed or a line is broken, so completion works mid-edit', () => {
    assert.equal(
      choose('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: scratch\nspec:\n  re'),
      'deployment-apps-v1.json',
    );
    assert.equal(
      choose(
        'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: [app\n',
      ),
      'deployment-apps-v1.json',
    );
  });

  it('follows the kind when it is edited: a Service becomes a Deployment, then a kind we do not know', () => {
    assert.equal(choose(service), 'service-v1.json');
    assert.equal(
      choose(service.replace('apiVersion: v1\nkind: Service', 'apiVersion: apps/v1\nkind: Deployment')),
      'deployment-apps-v1.json',
    );
    assert.equal(choose(service.replace('kind: Service', 'kind: Servic')), undefined);
  });

  it('reads quoted keys and does not mistake nested kind keys for a document kind', () => {
    assert.equal(choose('"apiVersion": "v1"\n"kind": "ConfigMap"\ndata: {}\n'), 'configmap-v1.json');
    // A workflow with kind: under a job, and a values file with a top-level kind of its own.
    assert.equal(choose(`${workflow}    container:\n      kind: Deployment\n`), undefined);
    assert.equal(choose('kind: cluster\nnodes: 3\n'), undefined);
  });

  it('reads the root keys right where the lines at column 0 alone would mislead: a quoted value over lines, an alias, a BOM, CRLF, a root sequence', () => {
    assert.equal(
      choose('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndescription: "one\n  kind: Pod\n  two"\n'),
      'configmap-v1.json',
    );
    assert.equal(
      choose('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: &l\n    app: x\n  name: c\nextra: *l\n'),
      'configmap-v1.json',
    );
    assert.equal(choose(`\uFEFF${deployment}`), 'deployment-apps-v1.json');
    assert.equal(choose(deployment.replace(/\n/g, '\r\n')), 'deployment-apps-v1.json');
    assert.equal(choose('- kind: Deployment\n  apiVersion: apps/v1\n'), undefined);
    assert.equal(
      choose('apiVersion: v1\nkind: Service\nspec:\n  ports:\n  - port: 80\nitems:\n- a\n- b: |\n    kind: Pod\n'),
      'service-v1.json',
    );
  });

  it('decides a 790 KB ConfigMap of alert rules from its root lines, far quicker than a full parse', () => {
    const rule = (i: number) =>
      `  rule-${i}.yaml: |\n    groups:\n      - name: latency-${i}\n        rules:\n          - alert: HighLatency${i}\n            expr: histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket[5m]))) > 0.5\n`;
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alert-rules\n  labels:\n    app: prometheus\ndata:\n${Array.from({ length: 3500 }, (_, i) => rule(i)).join('')}`;
    assert.ok(big.length > 700_000);
    const time = (f: () => unknown): number => {
      const started = process.hrtime.bigint();
      f();
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const ours = time(() => assert.equal(choose(big), 'configmap-v1.json'));
    const full = time(() => parseAllDocuments(big));
    // Here about 1 ms against some 400.
    assert.ok(ours * 5 < full, `${ours.toFixed(1)} ms, a full parse ${full.toFixed(1)} ms`);
  });

  it('skips a file larger than the linter reads', () => {
    const big = `${deployment}${'# padding\n'.repeat(Math.ceil(maxLintBytes / 10))}`;
    assert.equal(choose(big), undefined);
  });

  it("without the combined schema, a file of several kinds gets none rather than one kind's", () => {
    assert.equal(chooseSchema(`${deployment}---\n${service}`, { ...catalog, combined: undefined }), undefined);
  });
});
