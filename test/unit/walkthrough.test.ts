import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { facts } from '../../src/core/facts';
import { helmSteps, kubePrometheusStackSource } from '../../src/core/helm/helm';
import { labNames } from '../../src/core/scaffold/plan';
import { activationEvents } from '../../src/features';
import { at, docs, renderLab } from '../support/lab';
import { realChartDir, realCharts } from '../harness/helm';
import { englishManifest } from '../support/manifest';
import { commandKey, expectedClusterCommands, walkthroughClusterCommands } from '../support/walkthroughCommands';

const root = join(__dirname, '..', '..');
interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents?: string[];
}
const manifest = englishManifest() as {
  activationEvents: string[];
  contributes: { commands: { command: string }[]; walkthroughs: { id: string; steps: Step[] }[] };
};
const steps = manifest.contributes.walkthroughs[0]?.steps ?? [];
const commandIds = new Set(manifest.contributes.commands.map((c) => c.command));
const markdown = (s: Step): string => readFileSync(join(root, s.media.markdown ?? ''), 'utf8');

describe('walkthrough', () => {
  it('has a step for the prerequisites, each of Tasks 1 to 5, and cleanup', () => {
    assert.deepEqual(
      steps.map((s) => s.id),
      ['prerequisites', 'task1', 'task2', 'task3', 'task4', 'task5', 'cleanup'],
    );
    for (const s of steps)
      assert.ok(s.media.markdown && existsSync(join(root, s.media.markdown)), `${s.id} has its markdown`);
  });

  it('links only to commands the extension contributes', () => {
    for (const s of steps) {
      const links = [...`${s.description}\n${markdown(s)}`.matchAll(/command:([\w.]+)/g)].map((m) => m[1] ?? '');
      assert.ok(links.length > 0 || s.description.includes('command:'), `${s.id} has a button`);
      for (const id of links) assert.ok(commandIds.has(id), `${s.id} links to ${id}, which exists`);
    }
  });

  it('completes steps from commands and context keys, not from opening them', () => {
    for (const s of steps) {
      assert.ok(s.completionEvents?.length, `${s.id} has completion events`);
      for (const e of s.completionEvents ?? []) assert.match(e, /^(onCommand|onContext):/, `${s.id}: ${e}`);
    }
  });

  for (const fact of facts) {
    it(`tells the student: ${fact.id} (${fact.version})`, () => {
      const all = steps.map(markdown).join('\n');
      for (const phrase of fact.walkthroughSays) assert.ok(all.includes(phrase), `the walkthrough says "${phrase}"`);
    });
  }

  it('activates only after start-up (or to restore its query or doctor panel), doing no work before a command runs', () => {
    // The panels come from the feature table (src/features.ts); test/unit/features.test.ts names them.
    assert.deepEqual(manifest.activationEvents, activationEvents());
    assert.equal(manifest.activationEvents[0], 'onStartupFinished');
  });
});

// The real charts the lab installs, where the harness finds them ($OBSLAB_CHARTS, ../shared/charts,
// else the unmodified copies in test/fixtures/charts/, unpacked once into the cache).
let kpsChart = '';
let collectorChart = '';
before(async () => {
  kpsChart = await realChartDir(realCharts.kubePrometheusStack);
  collectorChart = await realChartDir(realCharts.collector);
});
const step = (id: string): string => {
  const s = steps.find((x) => x.id === id);
  assert.ok(s, `step ${id}`);
  return markdown(s);
};
/** The text as it reads: line breaks inside a paragraph are spaces. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('walkthrough: each step says what to do, what success looks like and where the lab text goes wrong', () => {
  for (const id of ['prerequisites', 'task1', 'task2', 'task3', 'task4', 'task5', 'cleanup'])
    it(`${id} says what success looks like and where the lab text differs`, () => {
      const text = step(id);
      assert.match(text, /\*\*(Success looks like|What to expect):\*\*/);
      assert.match(text, /\*\*Differs from the lab text/);
    });

  it("names Grafana's dashboards as kube-prometheus-stack 88.5.3 titles them, not the lab's Namespace dashboard", function () {
    const text = flat(step('task2'));
    const named = [...text.matchAll(/Kubernetes \/ Compute Resources \/ Namespace \((\w+)\)/g)].map((m) => m[0]);
    assert.deepEqual([...new Set(named)].sort(), [
      'Kubernetes / Compute Resources / Namespace (Pods)',
      'Kubernetes / Compute Resources / Namespace (Workloads)',
    ]);
    const dashboards = join(kpsChart, 'templates', 'grafana', 'dashboards-1.14');
    if (!existsSync(dashboards)) this.skip();
    const titles = new Set(
      readdirSync(dashboards).flatMap((f) =>
        [...readFileSync(join(dashboards, f), 'utf8').matchAll(/"title":"(Kubernetes \/ [^"]+)"/g)].map((m) => m[1]),
      ),
    );
    for (const t of named) assert.ok(titles.has(t), `the chart has the dashboard "${t}"`);
    assert.ok(!titles.has('Kubernetes / Compute Resources / Namespace'), "the lab's dashboard name is not the chart's");
  });

  it('says exactly what Install kube-prometheus-stack runs, and Helm 3 or 4 everywhere', () => {
    const text = step('task2');
    const spec = {
      release: 'prometheus',
      namespace: 'monitoring',
      chart: kubePrometheusStackSource(),
      valuesFiles: ['<lab folder>/helm/kube-prometheus-stack-values.yaml'],
      kubeContext: '<context>',
    };
    for (const s of helmSteps(spec))
      assert.ok(text.includes(`helm ${s.args.join(' ')}\n`), `task2 shows helm ${s.args.join(' ')}`);
    for (const flag of ['--labels obslab.dev/lab=true', '--kube-context', '--wait --timeout 10m'])
      assert.ok(flat(text).includes(flag), `task2 explains ${flag}`);
    for (const s of steps) assert.doesNotMatch(flat(markdown(s)), /Helm 3(?![.\d]| or 4)/, `${s.id}: Helm 3 or 4`);
  });

  it('shows the ServiceAccount Prometheus runs as, by the label the Prometheus Operator puts on its pods', () => {
    // prometheus-operator v0.93.1 (what chart 88.5.3 deploys), pkg/prometheus/server/operator.go
    // makeSelectorLabels: app.kubernetes.io/name=prometheus on every Prometheus pod.
    assert.ok(
      step('task2').includes(
        "kubectl -n monitoring get pod -l app.kubernetes.io/name=prometheus -o jsonpath='{.items[0].spec.serviceAccountName}'",
      ),
    );
    assert.match(flat(step('task2')), /this prints `prometheus-sa`/);
  });

  it("lists the policy's actions as the policy file grants them, with no wildcard anywhere", () => {
    const policy = JSON.parse(
      readFileSync(join(root, 'templates', 'lab', 'iam', 'prometheus-iam-policy.json'), 'utf8'),
    ) as {
      Statement: { Action: string[] }[];
    };
    const granted = [...new Set(policy.Statement.flatMap((s) => s.Action))].sort();
    for (const id of ['task1', 'task4']) {
      const named = [
        ...new Set([...step(id).matchAll(/`((?:aps|logs|cloudwatch):\w+)`/g)].map((m) => m[1] ?? '')),
      ].sort();
      assert.deepEqual(named, granted, `${id} names each granted action`);
    }
    for (const s of steps) assert.doesNotMatch(markdown(s), /\b(aps|logs|cloudwatch):\*/, `${s.id} names no wildcard`);
    assert.match(
      flat(step('task4')),
      /nine named actions: five for Amazon Managed Prometheus .* three for CloudWatch Logs/,
    );
  });

  it("restores the lab's external-write check in Task 4, saying what Prometheus shows and why", function () {
    const text = flat(step('task4'));
    assert.match(text, /Status → Configuration/);
    assert.match(text, /http:\/\/localhost:9090\/config/);
    assert.match(text, /no `remote_write:` section/);
    const values = join(kpsChart, 'values.yaml');
    if (!existsSync(values)) this.skip();
    const doc = parseAllDocuments(readFileSync(values, 'utf8'))[0]?.toJS() as {
      prometheus: { prometheusSpec: { remoteWrite: unknown[] } };
    };
    assert.deepEqual(doc.prometheus.prometheusSpec.remoteWrite, [], 'the chart writes nowhere by default');
  });

  it("names kube-prometheus-stack's Services and Secret for release prometheus in its port-forward and password commands", () => {
    // test/integration/kube-prometheus-stack-chart.test.ts checks each of these against the installed chart.
    const found = walkthroughClusterCommands().map(commandKey).sort();
    assert.deepEqual(found, [...expectedClusterCommands()].sort());
  });

  it('keeps Task 3 short (at most 320 words, 40 lines wrapped at 100 characters), its chart internals in a README section it names', () => {
    const text = step('task3');
    // Words, not newlines: a paragraph on one long line is as long to read as the same words wrapped.
    const words = flat(text).trim().split(' ').length;
    assert.ok(words <= 320, `task3 has ${words} words`);
    // Prose wrapped like the other steps (code blocks may run longer, as commands are copied whole).
    const prose = text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
    for (const line of prose.split('\n')) assert.ok(line.length <= 100, `task3 wraps at 100: ${line}`);
    const lines = text.trimEnd().split('\n').length;
    assert.ok(lines <= 40, `task3 has ${lines} lines`);
    const section = 'The OpenTelemetry Collector chart, read at 0.164.1';
    assert.ok(text.includes(section), 'task3 names the README section');
    assert.match(
      readFileSync(join(root, 'README.md'), 'utf8'),
      new RegExp(`^### ${section.replace(/\./g, '\\.')}$`, 'm'),
    );
    assert.doesNotMatch(
      text,
      /component: standalone-collector|metricsEndpoints|jaeger/i,
      'the internals live in the README',
    );
  });

  it('tells who switches the collector to the Helm path to delete the custom ServiceMonitors too, or Helm refuses them', function () {
    const text = flat(step('task3'));
    assert.match(text, /kubectl delete -f k8s\/otel-servicemonitors\.yaml -f k8s\/otel-collector-deploy-svc\.yaml/);
    assert.match(text, /invalid ownership metadata/);
    assert.match(text, /helm uninstall otel-collector -n monitoring/);
    // Why: the custom path's ServiceMonitor and the chart's (named after fullnameOverride) share a name.
    const lab = renderLab();
    const custom = docs(lab, 'k8s/otel-servicemonitors.yaml').map((d) => at(d, 'metadata.name'));
    assert.ok(custom.includes('otel-collector'));
    assert.equal(at(docs(lab, 'helm/otel-collector-values.yaml')[0], 'fullnameOverride'), 'otel-collector');
    const template = join(collectorChart, 'templates', 'servicemonitor.yaml');
    if (!existsSync(template)) this.skip();
    assert.match(
      readFileSync(template, 'utf8'),
      /kind: ServiceMonitor\nmetadata:\n {2}name: \{\{ include "opentelemetry-collector\.fullname" \. \}\}/,
    );
  });

  it('builds the image with its registry and for amd64 nodes, in the walkthrough and the Dockerfile', () => {
    const image = '<account>.dkr.ecr.<region>.amazonaws.com/ds252-flask:1.0';
    assert.ok(step('task3').includes(`docker build --platform linux/amd64 -t ${image} app/`));
    assert.ok(
      readFileSync(join(root, 'templates', 'app', 'Dockerfile'), 'utf8').includes(
        `docker build --platform linux/amd64 -t ${image} .`,
      ),
    );
    assert.match(flat(step('task3')), /Apple silicon/);
  });

  it("says what Task 5 should show: a rate near the load test's throughput and a p95 in seconds, and which query gives each", () => {
    const text = flat(step('task5'));
    assert.match(text, /the first query gives the app's request rate .* near that throughput/);
    assert.match(text, /The second gives the 95th-percentile latency at the server \*\*in seconds\*\*/);
    const queries = readFileSync(join(root, 'templates', 'lab', 'queries', 'lab-queries.promql'), 'utf8').replace(
      /\{\{durationBase\}\}/g,
      'http_server_request_duration_seconds',
    );
    const block = /```promql\n([^`]+)```/.exec(step('task5'))?.[1]?.trim().split('\n') ?? [];
    assert.equal(block.length, 2);
    assert.match(block[0] ?? '', /^sum\(rate\(/);
    assert.match(block[1] ?? '', /^histogram_quantile\(0\.95,/);
    for (const q of block) assert.ok(queries.includes(q), `${q} is the lab files' query`);
  });

  it('cleans up both Helm releases, the role as the extension or eksctl made it, and names Clean Up AWS', () => {
    const text = step('cleanup');
    for (const line of [
      'helm uninstall otel-collector -n monitoring',
      'helm uninstall prometheus -n monitoring',
      'kubectl -n monitoring delete serviceaccount prometheus-sa --ignore-not-found',
      `aws iam detach-role-policy --role-name ${labNames.roleName} --policy-arn "$POLICY_ARN"`,
      `aws iam delete-role --role-name ${labNames.roleName}`,
      'aws iam delete-policy --policy-arn "$POLICY_ARN"',
      'eksctl delete iamserviceaccount --name prometheus-sa --namespace monitoring',
      `Policies[?PolicyName=='${labNames.policyName}'].Arn`,
    ])
      assert.ok(text.includes(line), `cleanup says ${line}`);
    assert.match(text, /\*\*Clean Up AWS\*\*/);
    // Deleting the role must come after detaching its policy, and the policy after both ways of deleting the role.
    const at = (t: string) => text.indexOf(t);
    assert.ok(at('detach-role-policy') < at('delete-role --role-name'));
    assert.ok(at('eksctl delete iamserviceaccount') < at('aws iam delete-policy --policy-arn'));
  });

  it('gives real versions for the tools it names', () => {
    const all = steps.map(markdown).join('\n');
    assert.doesNotMatch(all, /\b0\.2xx\b|eksctl any|version any/i);
    const eksctl = facts.find((f) => f.id === 'irsa-role-name')?.version.replace(/^eksctl /, '');
    for (const m of all.matchAll(/eksctl v(\d+\.\d+\.\d+)/g))
      assert.equal(m[1], eksctl, 'the eksctl version the facts were checked at');
    assert.match(all, /eksctl v\d/);
  });
});
