// The truth harness for Kubernetes documents (issue 4): our verdict on each document (k8s/schema,
// and k8s/deployment-selector-mismatch, which the API server also enforces)
// must agree with the real API server's (1.37.2, built from Go modules), asked by a server-side
// dry-run with strict field validation, which is what `kubectl apply` does against a cluster.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { lint } from '../../src/core/lint/engine';
import { loadKindSchemas } from '../../src/node/files/schemas';
import { examples } from '../fixtures/findingExamples';
import { CommandError } from '../harness/lib';
import { installKube, kubeVersions, startKube, type RunningKube } from '../harness/kube';
import { renderLab } from '../support/lab';

/** The rules that model what the API server itself refuses; the others find what it accepts but breaks later. */
const serverChecks = new Set(['k8s/schema', 'k8s/deployment-selector-mismatch']);

interface Doc {
  name: string;
  text: string;
}

/** Every Kubernetes document of a file, alone, so each gets its own verdict. */
function split(name: string, text: string): Doc[] {
  return parseAllDocuments(text)
    .map((d, i) => ({ name: `${name}#${i + 1}`, text: d.toString() }))
    .filter((d) => /^kind:/m.test(d.text) && /^apiVersion:/m.test(d.text));
}

const deployment = (spec: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: truth
  namespace: app
spec:
${spec}`;
const podSpec = `  selector:
    matchLabels: {app: truth}
  template:
    metadata:
      labels: {app: truth}
    spec:
      containers:
        - name: c
          image: ds252-flask:1.0
`;

/** Documents the API server should refuse, each for one reason our schemas know. */
const hostile: Doc[] = [
  { name: 'replicas as a string', text: deployment(`  replicas: "2"\n${podSpec}`) },
  { name: 'misspelt containers', text: deployment(podSpec.replace('containers:', 'contianers:')) },
  {
    name: 'unknown field in metadata',
    text: deployment(podSpec).replace('  namespace: app\n', '  namespace: app\n  lables: {a: b}\n'),
  },
  {
    name: 'containerPort as a string',
    text: deployment(
      podSpec.replace('image: ds252-flask:1.0', 'image: ds252-flask:1.0\n          ports: [{containerPort: "5000"}]'),
    ),
  },
  {
    name: 'env value as a number',
    text: deployment(
      podSpec.replace('image: ds252-flask:1.0', 'image: ds252-flask:1.0\n          env: [{name: N, value: 5}]'),
    ),
  },
  {
    name: 'Service port missing',
    text: 'apiVersion: v1\nkind: Service\nmetadata: {name: truth, namespace: app}\nspec:\n  ports: [{name: http, targetPort: 5000}]\n',
  },
  {
    name: 'ServiceMonitor endpoint port as a number',
    text: 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: truth, namespace: monitoring}\nspec:\n  selector: {matchLabels: {app: x}}\n  endpoints: [{port: 8888}]\n',
  },
  {
    name: 'ConfigMap value as a number',
    text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: truth, namespace: app}\ndata:\n  replicas: 3\n',
  },
];

describe(`truth: our verdict on Kubernetes documents agrees with the real API server (Kubernetes ${kubeVersions.kubernetes})`, function () {
  this.timeout(10 * 60_000);
  let kube: RunningKube | undefined;
  let dir = '';
  const schemas = loadKindSchemas();

  const fixtures = join(__dirname, '..', 'fixtures', 'lab');
  const corpus: Doc[] = [
    ...[...renderLab().values()]
      .filter((f) => f.path.startsWith('k8s/'))
      .flatMap((f) => split(`scaffold ${f.path}`, f.content)),
    ...readdirSync(fixtures)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => split(`lab ${f}`, readFileSync(join(fixtures, f), 'utf8'))),
    ...examples
      .filter((e) => e.code.startsWith('k8s/') || e.code.startsWith('servicemonitor/'))
      .flatMap((e) =>
        (['bad', 'good'] as const).flatMap((side) =>
          Object.entries(e[side]).flatMap(([f, t]) => split(`${e.code} (${side}) ${f}`, t)),
        ),
      )
      // Only kinds whose CRDs this control plane has (the ServiceMonitor's): a Prometheus object is
      // there as evidence for the selection rules, not a document we check against a schema.
      .filter((d) => !/^kind: Prometheus$/m.test(d.text)),
    ...hostile,
  ];

  before(async function () {
    this.timeout(150 * 60_000);
    await installKube(true);
    kube = await startKube({ name: 'kube-truth' });
    dir = mkdtempSync(join(tmpdir(), 'obslab-k8s-truth-'));
    await kube.kubectl(['create', 'namespace', 'app']);
    await kube.kubectl(['create', 'namespace', 'monitoring']);
  });

  after(async function () {
    this.timeout(60_000);
    await kube?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has a corpus of lab, scaffold and hostile documents', () => {
    assert.ok(corpus.length >= 30, `${corpus.length} documents`);
  });

  for (const doc of corpus) {
    it(doc.name, async () => {
      const file = join(dir, 'doc.yaml');
      writeFileSync(file, doc.text);
      let serverRefuses = false;
      let serverSays = '';
      try {
        await kube?.kubectl(['apply', '--dry-run=server', '--validate=strict', '--field-manager=obslab', '-f', file]);
      } catch (e) {
        if (!(e instanceof CommandError)) throw e;
        serverRefuses = true;
        serverSays = e.output.trim().split('\n').slice(-2).join(' ');
      }
      const ours = lint([{ file: 'doc.yaml', text: doc.text }], { schemas }).filter(
        (f) => serverChecks.has(f.code) && f.severity === 'error',
      );
      assert.equal(
        ours.length > 0,
        serverRefuses,
        `the API server ${serverRefuses ? `refuses it: ${serverSays}` : 'accepts it'}; we say ${ours.length ? ours.map((f) => `${f.code}: ${f.message}`).join(' | ') : 'nothing'}`,
      );
    });
  }
});
