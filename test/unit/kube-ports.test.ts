import { strict as assert } from 'node:assert';
import {
  appServiceName,
  forwardPresets,
  forwardPurposeName,
  grafanaServiceName,
  kubePrometheusStackFullname,
  prometheusServiceName,
} from '../../src/core/kube/forwardPresets';
import {
  choosePod,
  compareActive,
  containerPortByName,
  describePods,
  describeTarget,
  labelSelectorString,
  parsePortSpec,
  podTargetPort,
  portsToProbe,
  serviceTargetPort,
  suggestFreePort,
  validateLocalPort,
  type PodLike,
  type ServiceLike,
} from '../../src/core/kube/ports';
import { defaultParams } from '../../src/core/scaffold/params';

function pod(
  name: string,
  o: {
    phase?: string;
    ready?: boolean;
    readySince?: string;
    created?: string;
    node?: string;
    restarts?: number;
    deleting?: boolean;
    ports?: { name?: string; containerPort: number }[];
  } = {},
): PodLike {
  return {
    metadata: {
      name,
      creationTimestamp: o.created ?? '2026-01-01T00:00:00Z',
      ...(o.deleting ? { deletionTimestamp: '2026-01-02T00:00:00Z' } : {}),
    },
    spec: {
      nodeName: o.node ?? 'node-0',
      containers: [{ name: 'c', ports: o.ports ?? [{ name: 'http', containerPort: 5000 }] }],
    },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [
        {
          type: 'Ready',
          status: o.ready === false ? 'False' : 'True',
          lastTransitionTime: o.readySince ?? '2026-01-01T00:01:00Z',
        },
      ],
      containerStatuses: [{ restartCount: o.restarts ?? 0 }],
    },
  };
}

const svc: ServiceLike = {
  metadata: { name: 'otel-flask' },
  spec: {
    selector: { app: 'otel-flask' },
    ports: [
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'metrics', port: 9464, targetPort: 9464 },
      { port: 81 },
    ],
  },
};

describe('port-forward targets (as kubectl port-forward resolves them)', () => {
  it('reads LOCAL:REMOTE, a single port, :REMOTE for any local port, and a named remote port', () => {
    assert.deepEqual(parsePortSpec('3000:80'), { local: 3000, remote: 80 });
    assert.deepEqual(parsePortSpec('9090'), { local: 9090, remote: 9090 });
    assert.deepEqual(parsePortSpec(':80'), { local: 0, remote: 80 });
    assert.deepEqual(parsePortSpec('8080:http'), { local: 8080, remote: 'http' });
  });

  it('refuses port mappings that are not ports, naming the bad part', () => {
    assert.match(parsePortSpec('70000:80') as string, /local port 70000 is outside 1-65535/);
    assert.match(parsePortSpec('3000:') as string, /no remote port/);
    assert.match(parsePortSpec('a:b:c') as string, /not a port mapping/);
    assert.match(parsePortSpec('http') as string, /not a port number/);
    assert.match(parsePortSpec('3000:Not_A_Name') as string, /neither a number nor a port name/);
  });

  it('validates a local port and warns off privileged ones with a concrete alternative', () => {
    assert.equal(validateLocalPort('9090'), undefined);
    assert.match(validateLocalPort('80') ?? '', /privileged.*8080/);
    assert.match(validateLocalPort('abc') ?? '', /not a number/);
  });

  it('suggests the lowest free port above the wanted one from probe results', () => {
    assert.deepEqual(portsToProbe(9090, 3), [9091, 9092, 9093]);
    assert.deepEqual(portsToProbe(65534, 5), [65535]);
    assert.equal(
      suggestFreePort(9090, [
        { port: 9092, free: true },
        { port: 9091, free: false },
        { port: 9093, free: true },
      ]),
      9092,
    );
    assert.equal(suggestFreePort(9090, [{ port: 9091, free: false }]), undefined);
  });

  it("follows a Service's named targetPort to the chosen pod's container port", () => {
    assert.equal(serviceTargetPort(svc, 80, pod('a')), 5000);
    assert.equal(serviceTargetPort(svc, 'http', pod('a')), 5000);
    assert.equal(serviceTargetPort(svc, 9464, pod('a')), 9464);
    // No targetPort: the service port itself.
    assert.equal(serviceTargetPort(svc, 81, pod('a')), 81);
  });

  it('says which port is missing: on the Service, or by name on the pod', () => {
    assert.match(
      serviceTargetPort(svc, 8080, pod('a')) as string,
      /service otel-flask has no port 8080; its ports are 80 \(http\), 9464 \(metrics\), 81/,
    );
    assert.match(
      serviceTargetPort(svc, 80, pod('b', { ports: [{ name: 'web', containerPort: 8000 }] })) as string,
      /pod b has no container port named 'http' \(it has: web\)/,
    );
    assert.match(containerPortByName(pod('c', { ports: [] }), 'http') as string, /no container port named 'http'$/);
  });

  it('uses the service port as is for a headless Service', () => {
    assert.equal(
      serviceTargetPort(
        { metadata: { name: 'h' }, spec: { clusterIP: 'None', ports: [{ port: 7000, targetPort: 'http' }] } },
        7000,
        pod('a'),
      ),
      7000,
    );
  });

  it('takes a Deployment or pod port as a number or a container port name', () => {
    assert.equal(podTargetPort(8080, pod('a')), 8080);
    assert.equal(podTargetPort('http', pod('a')), 5000);
  });

  it('prefers a Ready pod, then the one Ready longest, then fewer restarts, then the oldest (kubectl GetFirstPod)', () => {
    const notReady = pod('not-ready', { ready: false, created: '2025-01-01T00:00:00Z' });
    const pending = pod('pending', { phase: 'Pending', ready: false });
    const newer = pod('ready-later', { readySince: '2026-01-01T00:05:00Z' });
    const older = pod('ready-earlier', { readySince: '2026-01-01T00:02:00Z' });
    assert.equal(choosePod([notReady, pending, newer, older])?.metadata.name, 'ready-earlier');
    const restarted = pod('restarted', { restarts: 3 });
    const fresh = pod('fresh', { restarts: 0 });
    assert.equal(choosePod([restarted, fresh])?.metadata.name, 'fresh');
    assert.equal(
      choosePod([pod('young', { created: '2026-03-01T00:00:00Z' }), pod('old', { created: '2026-02-01T00:00:00Z' })])
        ?.metadata.name,
      'old',
    );
    assert.ok(compareActive(pod('assigned'), pod('unassigned', { node: '' })) < 0);
  });

  it('never picks a pod that is terminating, not ready or not running', () => {
    assert.equal(
      choosePod([
        pod('going', { deleting: true }),
        pod('starting', { ready: false }),
        pod('pending', { phase: 'Pending' }),
      ]),
      undefined,
    );
    assert.equal(
      choosePod([pod('going', { deleting: true }), pod('new', { readySince: '2026-01-01T00:09:00Z' })])?.metadata.name,
      'new',
    );
  });

  it('describes why there is no pod to forward to', () => {
    assert.equal(describePods([]), 'no pods match its selector');
    assert.equal(
      describePods([pod('a', { ready: false }), pod('b', { phase: 'Pending' }), pod('c', { deleting: true })]),
      '3 pods, none ready: a (Running, not ready), b (Pending), c (terminating)',
    );
  });

  it('writes selectors as the labelSelector parameter, matchExpressions included', () => {
    assert.equal(labelSelectorString({ app: 'web' }), 'app=web');
    assert.equal(
      labelSelectorString({
        matchLabels: { app: 'web', tier: 'fe' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['a', 'b'] },
          { key: 'x', operator: 'DoesNotExist' },
          { key: 'y', operator: 'Exists' },
          { key: 'z', operator: 'NotIn', values: ['q'] },
        ],
      }),
      'app=web,tier=fe,env in (a,b),!x,y,z notin (q)',
    );
    assert.equal(labelSelectorString(undefined), '');
  });

  it('names targets the way kubectl prints them', () => {
    assert.equal(
      describeTarget({ namespace: 'monitoring', kind: 'service', name: 'prometheus-grafana' }),
      'monitoring/svc/prometheus-grafana',
    );
    assert.equal(describeTarget({ namespace: 'app', kind: 'deployment', name: 'otel-flask' }), 'app/deploy/otel-flask');
  });
});

describe("the lab's port-forward presets", () => {
  it("names kube-prometheus-stack's Services as the chart does for release 'prometheus' (FACTS.md)", () => {
    assert.equal(prometheusServiceName('prometheus'), 'prometheus-kube-prometheus-prometheus');
    assert.equal(grafanaServiceName('prometheus'), 'prometheus-grafana');
  });

  it("follows the chart's fullname rules for other release names (contains the chart name; cut to 26)", () => {
    assert.equal(kubePrometheusStackFullname('kube-prometheus-stack'), 'kube-prometheus-stack');
    assert.equal(kubePrometheusStackFullname('mon'), 'mon-kube-prometheus-stack');
    assert.equal(kubePrometheusStackFullname('monitoring'), 'monitoring-kube-prometheus');
    assert.equal(prometheusServiceName('kps'), 'kps-kube-prometheus-stack-prometheus');
    assert.equal(grafanaServiceName('my-grafana'), 'my-grafana');
  });

  it('offers Grafana 3000:80 and Prometheus 9090:9090 in the monitoring namespace and the app 8080:80 in the app namespace', () => {
    const p = forwardPresets(defaultParams);
    // What the view and the messages call each forward: its preset's label, never its purpose id.
    assert.deepEqual(
      p.map((x) => [x.label, forwardPurposeName(x.purpose)]),
      [
        ['Grafana', 'Grafana'],
        ['Prometheus', 'Prometheus'],
        ['Flask app', 'Flask app'],
      ],
    );
    assert.deepEqual(
      p.map((x) => [x.purpose, `${describeTarget(x)}`, `${x.localPort}:${x.remotePort}`]),
      [
        ['grafana', 'monitoring/svc/prometheus-grafana', '3000:80'],
        ['prometheus', 'monitoring/svc/prometheus-kube-prometheus-prometheus', '9090:9090'],
        ['app', `app/svc/${appServiceName}`, '8080:80'],
      ],
    );
    const custom = forwardPresets({
      ...defaultParams,
      helmRelease: 'kps',
      monitoringNamespace: 'obs',
      appNamespace: 'web',
    });
    assert.deepEqual(
      custom.map((x) => describeTarget(x)),
      ['obs/svc/kps-grafana', 'obs/svc/kps-kube-prometheus-stack-prometheus', 'web/svc/otel-flask'],
    );
  });
});
