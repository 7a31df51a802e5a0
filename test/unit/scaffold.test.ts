import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { appMetrics, versions } from '../../src/core/facts';
import {
  compareWithExisting,
  filesForTask,
  labFileSpecs,
  labManifestName,
  labNames,
  parseLabManifest,
  planLabFiles,
} from '../../src/core/scaffold/plan';
import { defaultParams } from '../../src/core/scaffold/params';
import { placeholdersIn, renderTemplate } from '../../src/core/scaffold/render';
import { at, docs, readTemplate, renderLab, type Doc } from '../support/lab';

function byKind(all: Doc[], kind: string): Doc[] {
  return all.filter((d) => d['kind'] === kind);
}

function only(all: Doc[], kind: string): Doc {
  const found = byKind(all, kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0] as Doc;
}

type Port = { name?: string; port?: number; containerPort?: number; targetPort?: number | string };

describe('lab scaffold', () => {
  const lab = renderLab();

  it('writes every file the lab needs, the manifest last', () => {
    const paths = [...lab.keys()];
    for (const p of [
      'iam/prometheus-iam-policy.json',
      'k8s/app.yaml',
      'k8s/otel-collector-config.yaml',
      'k8s/otel-collector-deploy-svc.yaml',
      'k8s/otel-servicemonitors.yaml',
      'helm/kube-prometheus-stack-values.yaml',
      'app/app.py',
      'app/requirements.txt',
      'app/Dockerfile',
      'jmeter/hash-load.jmx',
      'queries/lab-queries.promql',
      'k8s/grafana-dashboard.yaml',
      'grafana/obslab-dashboard.json',
      'COMMANDS.md',
    ]) {
      assert.ok(paths.includes(p), `${p} is written`);
    }
    assert.equal(paths.at(-1), labManifestName);
    assert.deepEqual(parseLabManifest(lab.get(labManifestName)?.content ?? '')?.params, defaultParams);
  });

  it('leaves no placeholder unfilled and fails loudly on an unknown one', () => {
    for (const f of lab.values()) assert.deepEqual(placeholdersIn(f.content), [], f.path);
    assert.throws(() => renderTemplate('x {{nope}}', {}, 't'), /t: no value for \{\{nope\}\}/);
  });

  it("fills in the student's names everywhere", () => {
    const custom = renderLab({
      appNamespace: 'shop',
      monitoringNamespace: 'obs',
      helmRelease: 'kps',
      appImage: 'reg.example/flask:2',
      clusterName: 'c1',
      awsRegion: 'eu-west-1',
    });
    const all = [...custom.values()].map((f) => f.content).join('\n');
    assert.doesNotMatch(all, /namespace: (app|monitoring)\b/);
    assert.deepEqual(at(docs(custom, 'k8s/otel-servicemonitors.yaml')[0], 'metadata.labels'), { release: 'kps' });
    assert.match(custom.get('COMMANDS.md')?.content ?? '', /--cluster c1 --region eu-west-1/);
    assert.match(custom.get('k8s/app.yaml')?.content ?? '', /otel-collector\.obs\.svc\.cluster\.local:4317/);
  });

  it('gives the app Deployment a selector that matches its pods, and a Service that selects them', () => {
    const all = docs(lab, 'k8s/app.yaml');
    const deploy = only(all, 'Deployment');
    const svc = only(all, 'Service');
    const podLabels = at(deploy, 'spec.template.metadata.labels') as Record<string, string>;
    assert.deepEqual(at(deploy, 'spec.selector.matchLabels'), podLabels);
    for (const [k, v] of Object.entries(at(svc, 'spec.selector') as Record<string, string>))
      assert.equal(podLabels[k], v);
    const containerPorts = (at(deploy, 'spec.template.spec.containers') as { ports: Port[] }[])[0]?.ports ?? [];
    for (const p of at(svc, 'spec.ports') as Port[])
      assert.ok(
        containerPorts.some((c) => c.name === p.targetPort || c.containerPort === p.targetPort),
        `targetPort ${String(p.targetPort)} exists`,
      );
  });

  it("points the app at the collector Service's OTLP gRPC port, with the stable HTTP conventions", () => {
    const deploy = only(docs(lab, 'k8s/app.yaml'), 'Deployment');
    const env = new Map(
      ((at(deploy, 'spec.template.spec.containers') as { env: { name: string; value: string }[] }[])[0]?.env ?? []).map(
        (e) => [e.name, e.value],
      ),
    );
    const svc = only(docs(lab, 'k8s/otel-collector-deploy-svc.yaml'), 'Service');
    const grpc = (at(svc, 'spec.ports') as Port[]).find((p) => p.name === 'otlp-grpc');
    assert.equal(
      env.get('OTEL_EXPORTER_OTLP_ENDPOINT'),
      `http://${String(at(svc, 'metadata.name'))}.${String(at(svc, 'metadata.namespace'))}.svc.cluster.local:${grpc?.port}`,
    );
    assert.equal(env.get('OTEL_SEMCONV_STABILITY_OPT_IN'), 'http');
    assert.equal(env.get('OTEL_TRACES_EXPORTER'), 'otlp');
    assert.equal(env.get('OTEL_METRICS_EXPORTER'), 'otlp');
    assert.doesNotMatch(String(at(deploy, 'spec.template.spec.containers.0.image')), /:latest$/);
  });

  it('configures the collector in the readers/pull form, reachable from other pods, with a pipeline per signal the app sends', () => {
    const cm = only(docs(lab, 'k8s/otel-collector-config.yaml'), 'ConfigMap');
    const config = parse(String((cm['data'] as Record<string, string>)['collector.yaml'])) as Doc;
    assert.equal(at(config, 'service.telemetry.metrics.address'), undefined);
    const readers = at(config, 'service.telemetry.metrics.readers') as unknown[];
    assert.deepEqual(at(readers[0], 'pull.exporter.prometheus'), { host: '0.0.0.0', port: 8888 });
    assert.equal(at(config, 'receivers.otlp.protocols.grpc.endpoint'), '0.0.0.0:4317');
    assert.equal(at(config, 'exporters.prometheus.endpoint'), '0.0.0.0:8889');
    assert.ok(at(config, 'service.pipelines.metrics'), 'metrics pipeline');
    assert.ok(at(config, 'service.pipelines.traces'), 'traces pipeline');
    assert.equal(at(config, 'exporters.logging'), undefined, 'no removed logging exporter');
    // Every component a pipeline names is defined.
    for (const pipeline of Object.values(at(config, 'service.pipelines') as Record<string, Record<string, string[]>>)) {
      for (const [kind, names] of Object.entries(pipeline))
        for (const n of names) assert.ok(at(config, `${kind}.${n}`) !== undefined, `${kind}.${n} is defined`);
    }
  });

  it("mounts the ConfigMap key where the collector's --config points, and exposes 4317, 8888 and 8889", () => {
    const cm = only(docs(lab, 'k8s/otel-collector-config.yaml'), 'ConfigMap');
    const all = docs(lab, 'k8s/otel-collector-deploy-svc.yaml');
    const deploy = only(all, 'Deployment');
    const container = at(deploy, 'spec.template.spec.containers.0') as {
      args: string[];
      volumeMounts: { name: string; mountPath: string }[];
      ports: Port[];
      image: string;
    };
    const volume = (
      at(deploy, 'spec.template.spec.volumes') as {
        name: string;
        configMap: { name: string; items: { key: string; path: string }[] };
      }[]
    )[0];
    assert.equal(volume?.configMap.name, at(cm, 'metadata.name'));
    const item = volume?.configMap.items[0];
    assert.ok(item && Object.keys(at(cm, 'data') as object).includes(item.key));
    const mount = container.volumeMounts.find((m) => m.name === volume?.name);
    assert.deepEqual(container.args, [`--config=${mount?.mountPath}/${item?.path}`]);
    assert.equal(container.image, versions.collectorImage);
    const svc = only(all, 'Service');
    assert.deepEqual((at(svc, 'spec.ports') as Port[]).map((p) => p.port).sort(), [4317, 8888, 8889]);
    for (const p of at(svc, 'spec.ports') as Port[])
      assert.ok(
        container.ports.some((c) => c.name === p.targetPort),
        `${p.name} targets a named container port`,
      );
  });

  it('labels both ServiceMonitors for the Helm release and points them at named ports of the collector Service', () => {
    const monitors = docs(lab, 'k8s/otel-servicemonitors.yaml');
    assert.equal(monitors.length, 2);
    const svc = only(docs(lab, 'k8s/otel-collector-deploy-svc.yaml'), 'Service');
    const svcLabels = at(svc, 'metadata.labels') as Record<string, string>;
    const portNames = (at(svc, 'spec.ports') as Port[]).map((p) => p.name);
    assert.deepEqual(monitors.map((m) => (at(m, 'spec.endpoints') as { port: string }[])[0]?.port).sort(), [
      'metrics',
      'telemetry',
    ]);
    for (const m of monitors) {
      assert.equal(at(m, 'metadata.labels.release'), defaultParams.helmRelease);
      for (const [k, v] of Object.entries(at(m, 'spec.selector.matchLabels') as Record<string, string>))
        assert.equal(svcLabels[k], v);
      assert.deepEqual(at(m, 'spec.namespaceSelector.matchNames'), [at(svc, 'metadata.namespace')]);
      for (const e of at(m, 'spec.endpoints') as { port: string }[]) assert.ok(portNames.includes(e.port));
    }
  });

  it(`runs Prometheus as prometheus-sa through the keys kube-prometheus-stack ${versions.kubePrometheusStack} reads`, () => {
    const values = docs(lab, 'helm/kube-prometheus-stack-values.yaml')[0] as Doc;
    assert.equal(at(values, 'prometheus.serviceAccount.name'), 'prometheus-sa');
    assert.equal(at(values, 'prometheus.serviceAccount.create'), false);
    assert.equal(values['serviceAccounts'], undefined, "the lab's serviceAccounts.server key belongs to another chart");
    assert.equal(at(values, 'prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues'), true);
  });

  it("writes an IAM policy with the lab's Amazon Managed Prometheus and CloudWatch actions", () => {
    const policy = JSON.parse(lab.get('iam/prometheus-iam-policy.json')?.content ?? '') as {
      Version: string;
      Statement: { Action: string[] }[];
    };
    assert.equal(policy.Version, '2012-10-17');
    const actions = policy.Statement.flatMap((s) => s.Action);
    // Named actions only, as the lab's policy has them: five aps, one cloudwatch and three logs, no wildcard.
    assert.deepEqual([...actions].sort(), [
      'aps:GetLabels',
      'aps:GetMetricMetadata',
      'aps:GetSeries',
      'aps:QueryMetrics',
      'aps:RemoteWrite',
      'cloudwatch:PutMetricData',
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
  });

  it('has the app export its metrics every 5 s, so a 30 s rate over 15 s scrapes sees fresh counts', () => {
    const deploy = only(docs(lab, 'k8s/app.yaml'), 'Deployment');
    const env = (at(deploy, 'spec.template.spec.containers.0.env') as { name: string; value: string }[]).find(
      (e) => e.name === 'OTEL_METRIC_EXPORT_INTERVAL',
    );
    assert.equal(env?.value, '5000');
    for (const m of docs(lab, 'k8s/otel-servicemonitors.yaml'))
      for (const e of at(m, 'spec.endpoints') as { interval: string }[]) assert.equal(e.interval, '15s');
  });

  it("says how to build the image for the nodes and push it, with the student's image, in app.yaml", () => {
    const image = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ds252-flask:2.0';
    const app = renderLab({ appImage: image }).get('k8s/app.yaml')?.content ?? '';
    assert.ok(app.includes(`docker build --platform linux/amd64 -t ${image} app/ && docker push ${image}`));
    assert.match(app, new RegExp(`image: ${image.replace(/\./g, '\\.')}$`, 'm'));
  });

  it('tells, in the collector values, to delete the custom path first: the chart names its ServiceMonitor otel-collector too', () => {
    const values = lab.get('helm/otel-collector-values.yaml')?.content ?? '';
    assert.match(values, /kubectl delete -f k8s\/otel-servicemonitors\.yaml -f k8s\/otel-collector-deploy-svc\.yaml/);
    assert.match(values, /invalid ownership metadata/);
  });

  it("shows, in the kube-prometheus-stack values, the check that Prometheus runs as prometheus-sa, in the student's namespace", () => {
    const values =
      renderLab({ monitoringNamespace: 'obs' }).get('helm/kube-prometheus-stack-values.yaml')?.content ?? '';
    assert.match(values, /kubectl -n obs get pod -l app\.kubernetes\.io\/name=prometheus/);
    assert.match(values, /-o jsonpath='\{\.items\[0\]\.spec\.serviceAccountName\}'/);
  });

  it("writes queries with the metric names the app exports, not prometheus_flask_exporter's", () => {
    const queries = lab.get('queries/lab-queries.promql')?.content ?? '';
    const code = queries
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .join('\n');
    assert.doesNotMatch(code, /flask_http_request/);
    assert.match(code, new RegExp(`${appMetrics.durationBase}_count`));
    assert.match(
      code,
      new RegExp(`histogram_quantile\\(0\\.95, sum by \\(le\\) \\(rate\\(${appMetrics.durationBase}_bucket`),
    );
  });

  it('says above each query what to expect, keeping the titles the load test finds its queries by', () => {
    const queries = lab.get('queries/lab-queries.promql')?.content ?? '';
    assert.match(queries, /# Expect \/healthz at about 0\.4 .*\n# Task 3: /);
    assert.match(queries, /# Expect about JMeter's throughput .*\n# Task 5: request rate/);
    assert.match(queries, /# Expect seconds \(0\.004 is 4 ms\).*\n# Task 5: 95th percentile/);
  });

  it("writes a JMeter plan with the lab's -J properties and without the lab's defects", () => {
    const jmx = lab.get('jmeter/hash-load.jmx')?.content ?? '';
    for (const p of ['SERVER', 'PORT', 'PROTOCOL', 'THREADS', 'RAMP', 'DURATION'])
      assert.match(jmx, new RegExp(`\\$\\{__P\\(${p},`), p);
    assert.match(jmx, /ThreadGroup\.main_controller/);
    assert.match(jmx, /<stringProp name="Argument\.name">SERVER<\/stringProp>/);
    assert.match(jmx, /<boolProp name="HTTPSampler\.use_keepalive">true<\/boolProp>/);
  });

  describe('COMMANDS.md', () => {
    const custom = renderLab({
      appNamespace: 'shop',
      monitoringNamespace: 'obs',
      helmRelease: 'kps',
      appImage: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ds252-flask:2.0',
      clusterName: 'c1',
      awsRegion: 'eu-west-1',
    });
    const commands = custom.get('COMMANDS.md')?.content ?? '';
    const section = (title: string): string => commands.split(/^## /m).find((s) => s.startsWith(title)) ?? '';

    it('says what success looks like in every step', () => {
      for (const t of ['Prerequisites', 'Task 1', 'Task 2', 'Task 3', 'Task 4', 'Task 5', 'Cleanup'])
        assert.match(section(t), /^(Success|What to expect):/m, `${t} says what success looks like`);
    });

    it('builds the image for the nodes, logs in to ECR and pushes it, with the student image', () => {
      const task3 = section('Task 3');
      assert.ok(task3.includes('IMAGE=111122223333.dkr.ecr.eu-west-1.amazonaws.com/ds252-flask:2.0\n'));
      assert.ok(task3.includes('docker build --platform linux/amd64 -t "$IMAGE" app/'));
      assert.ok(task3.includes('aws ecr get-login-password --region eu-west-1 | docker login --username AWS'));
      assert.ok(task3.includes('docker push "$IMAGE"'));
    });

    it("switches the collector to the Helm path only after deleting the custom path's objects, ServiceMonitors included", () => {
      const task3 = section('Task 3');
      const del = task3.indexOf('kubectl delete -f k8s/otel-servicemonitors.yaml');
      assert.ok(del > 0, 'deletes the custom ServiceMonitors');
      assert.ok(del < task3.indexOf('helm upgrade --install otel-collector'), 'before the Helm install');
      assert.match(task3, /invalid ownership metadata/);
      assert.match(task3, /helm uninstall otel-collector -n obs/);
    });

    it('checks the ServiceAccount Prometheus runs as, and restores the external-write check with what it shows', () => {
      assert.match(
        section('Task 2'),
        /kubectl -n obs get pod -l app\.kubernetes\.io\/name=prometheus \\\n\s+-o jsonpath='\{\.items\[0\]\.spec\.serviceAccountName\}'/,
      );
      assert.match(section('Task 2'), /Namespace\s+\(Pods\)/);
      assert.match(section('Task 4'), /Status →\s+Configuration/);
      assert.match(section('Task 4'), /no\s+`remote_write:` section/);
      assert.doesNotMatch(commands, /\b(aps|logs|cloudwatch):\*/);
    });

    it('cleans up both releases, and the role whether eksctl or the extension made it, in an order IAM accepts', () => {
      const cleanup = section('Cleanup');
      for (const line of [
        'helm uninstall otel-collector -n obs',
        'helm uninstall kps -n obs',
        'eksctl delete iamserviceaccount --name prometheus-sa --namespace obs \\\n  --cluster c1 --region eu-west-1 --wait',
        'kubectl -n obs delete serviceaccount prometheus-sa --ignore-not-found',
        `aws iam detach-role-policy --role-name ${labNames.roleName} --policy-arn "$POLICY_ARN"`,
        `aws iam delete-role --role-name ${labNames.roleName}`,
        'aws iam delete-policy --policy-arn "$POLICY_ARN"',
        'kubectl delete namespace shop',
      ])
        assert.ok(cleanup.includes(line), `cleanup runs ${line}`);
      assert.match(cleanup, /Clean Up AWS/);
      const at = (t: string): number => cleanup.indexOf(t);
      assert.ok(at('POLICY_ARN=$(') < at('detach-role-policy'));
      assert.ok(at('detach-role-policy') < at('aws iam delete-role'));
      assert.ok(at('aws iam delete-role') < at('aws iam delete-policy --policy-arn'));
      assert.ok(at('eksctl delete iamserviceaccount') < at('aws iam delete-policy --policy-arn'));
    });
  });

  it('tells which files each walkthrough step opens', () => {
    assert.deepEqual(filesForTask('task2'), ['helm/kube-prometheus-stack-values.yaml']);
    assert.ok(filesForTask('task5').includes('jmeter/hash-load.jmx'));
    for (const spec of labFileSpecs) assert.ok(spec.tasks.length > 0, `${spec.path} belongs to a step`);
  });

  it('sorts planned files into new, unchanged and changed against what is on disk', () => {
    const files = planLabFiles(defaultParams, readTemplate);
    const onDisk = new Map([
      ['COMMANDS.md', files.find((f) => f.path === 'COMMANDS.md')?.content ?? ''],
      ['k8s/app.yaml', 'edited by the student'],
    ]);
    const statuses = new Map(compareWithExisting(files, (p) => onDisk.get(p)).map((f) => [f.path, f.status]));
    assert.equal(statuses.get('COMMANDS.md'), 'same');
    assert.equal(statuses.get('k8s/app.yaml'), 'changed');
    assert.equal(statuses.get('app/app.py'), 'new');
  });
});
