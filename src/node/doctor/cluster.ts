// Snapshot of a cluster: the app and collector Deployments, their pods, Service and config, the
// Prometheus object and ServiceMonitors, then Prometheus (a URL given) and the IRSA role (AWS SDK).
// Each source that cannot be read becomes the reason its links are skipped.
import { collectorVersionFromImage, formatVersion } from '../../core/collector/versions';
import { collectorEndpoints } from '../../core/doctor/chain';
import { chartName, collectorChart } from '../../core/helm/collectorChart';
import { currentContext, portForwardService } from '../../core/kube/commands';
import { kubePrometheusStackNames } from '../../core/kube/kubePrometheusStackNames';
import { labelSelectorString } from '../../core/kube/selectors';
import type { DoctorSnapshot, LabelSelector, PodState, ServiceMonitorInfo } from '../../core/doctor/snapshot';
import { parsePolicy } from '../../core/iam/policy';
import { analyzeTrust, serviceAccountSubject } from '../../core/iam/trust';
import type { KubeMetadata } from '../../core/kube/cleanup';
import { commandLine } from '../../core/shellQuote';
import { t } from '../../core/text/l10n';
import { KubeError, loadKube, type LoadedKube } from '../kube/config';
import { KubeHttpError, kubeRest } from '../kube/rest';
import type { DoctorOptions } from '.';
import { DoctorInputError } from './errors';
import { readText } from '../files/textFiles';
import { labOf, labParams, labQueries } from './lab';
import { gatherPrometheus, withPrometheus } from './prometheus';
import { join } from 'node:path';

type Meta = Partial<KubeMetadata>;
interface EnvVar {
  name: string;
  value?: string;
}
interface Container {
  name: string;
  image?: string;
  args?: string[];
  command?: string[];
  env?: EnvVar[];
}
interface PodSpec {
  containers?: Container[];
  volumes?: { name: string; configMap?: { name: string; items?: { key: string; path: string }[] } }[];
  serviceAccountName?: string;
}
interface Deployment {
  metadata: Meta;
  spec?: { selector?: LabelSelector; template?: { spec?: PodSpec } };
}
interface Pod {
  metadata: Meta;
  spec?: PodSpec;
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string }[];
    containerStatuses?: { state?: { waiting?: { reason?: string } } }[];
  };
}
interface Service {
  metadata: Meta;
  spec?: { ports?: { name?: string; port: number; targetPort?: number | string }[] };
}
interface List<T> {
  items: T[];
}

function selectorQuery(sel: LabelSelector | undefined): string {
  const q = labelSelectorString(sel);
  return q ? `?labelSelector=${encodeURIComponent(q)}` : '';
}

function podState(p: Pod): PodState {
  const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const waiting = p.status?.containerStatuses?.map((c) => c.state?.waiting?.reason).find((r) => r);
  return {
    name: p.metadata.name ?? '?',
    ready,
    phase: p.status?.phase ?? 'Unknown',
    ...(waiting ? { reason: waiting } : {}),
    serviceAccountName: p.spec?.serviceAccountName ?? 'default',
  };
}

function describeKubeError(e: unknown, what: string): string {
  if (e instanceof KubeHttpError) {
    if (e.statusCode === 404) return t`${what} does not exist`;
    let msg = e.body;
    try {
      msg = (JSON.parse(e.body) as { message?: string }).message ?? e.body;
    } catch {
      // not a Status object
    }
    return t`${what}: the API server answered ${e.statusCode} (${msg})`;
  }
  return t`${what} could not be read: ${e instanceof Error ? e.message : String(e)}`;
}

async function pods(k: LoadedKube, ns: string, sel: LabelSelector | undefined): Promise<PodState[]> {
  const list = await kubeRest<List<Pod>>(k, `/api/v1/namespaces/${ns}/pods${selectorQuery(sel)}`, {
    timeoutMs: 10_000,
  });
  return list.items.map(podState);
}

async function readyEndpoints(k: LoadedKube, ns: string, svc: string): Promise<number | undefined> {
  try {
    const list = await kubeRest<List<{ endpoints?: { conditions?: { ready?: boolean } }[] }>>(
      k,
      `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${svc}`)}`,
      { timeoutMs: 10_000 },
    );
    return list.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).length;
  } catch {
    return undefined;
  }
}

async function appPart(k: LoadedKube, s: DoctorSnapshot): Promise<void> {
  const ns = s.lab.appNamespace;
  try {
    const d = await kubeRest<Deployment>(k, `/apis/apps/v1/namespaces/${ns}/deployments/otel-flask`, {
      timeoutMs: 10_000,
    });
    const containers = d.spec?.template?.spec?.containers ?? [];
    let endpoint: string | undefined;
    let where = `Deployment ${ns}/otel-flask`;
    for (const c of containers) {
      const e =
        c.env?.find((v) => v.name === 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT') ??
        c.env?.find((v) => v.name === 'OTEL_EXPORTER_OTLP_ENDPOINT');
      if (e) {
        endpoint = e.value;
        where = t`Deployment ${`${ns}/otel-flask`}, container ${c.name}, env ${e.name}`;
        break;
      }
    }
    const manifestFile = s.lab.dir ? join(s.lab.dir, 'k8s', 'app.yaml') : undefined;
    const manifestText = readText(manifestFile);
    s.app = {
      object: `Deployment ${ns}/otel-flask`,
      namespace: ns,
      pods: await pods(k, ns, d.spec?.selector),
      otlpEndpointSource: where,
      ...(endpoint !== undefined ? { otlpEndpoint: endpoint } : {}),
      ...(manifestFile && manifestText !== undefined ? { manifestFile, manifestText } : {}),
    };
  } catch (e) {
    s.unavailable.app = describeKubeError(e, `the Deployment ${ns}/otel-flask`);
  }
}

type Workload = Deployment & { kind: 'deployment' | 'statefulset' | 'daemonset' };

/**
 * The collector's workload: the lab's Deployment by name, else one the open-telemetry Helm chart
 * installed (labelled app.kubernetes.io/name=opentelemetry-collector, named <release>-opentelemetry-collector
 * unless overridden), in any of the chart's three modes.
 */
async function findCollector(k: LoadedKube, ns: string, name: string): Promise<Workload | undefined> {
  try {
    return {
      ...(await kubeRest<Deployment>(k, `/apis/apps/v1/namespaces/${ns}/deployments/${name}`, { timeoutMs: 10_000 })),
      kind: 'deployment',
    };
  } catch (e) {
    if (!(e instanceof KubeHttpError && e.statusCode === 404)) throw e;
  }
  const label = `?labelSelector=${encodeURIComponent(`app.kubernetes.io/name=${chartName({})}`)}`;
  const kinds = ['deployment', 'statefulset', 'daemonset'] as const;
  const lists = await Promise.all(
    kinds.map((kind) =>
      kubeRest<List<Deployment>>(k, `/apis/apps/v1/namespaces/${ns}/${kind}s${label}`, { timeoutMs: 10_000 }),
    ),
  );
  for (const [i, list] of lists.entries()) {
    const kind = kinds[i];
    const first = list.items[0];
    if (first && kind) return { ...first, kind };
  }
  return undefined;
}

async function collectorPart(k: LoadedKube, s: DoctorSnapshot): Promise<void> {
  const ns = s.lab.monitoringNamespace;
  try {
    const [d, services] = await Promise.all([
      findCollector(k, ns, s.lab.collectorService),
      kubeRest<List<Service>>(k, `/api/v1/namespaces/${ns}/services`, { timeoutMs: 10_000 }),
    ]);
    if (!d) {
      s.unavailable.collector = t`no collector in namespace ${ns}: neither the Deployment ${s.lab.collectorService} \
(k8s/otel-collector-deploy-svc.yaml) nor a workload of the ${collectorChart.repoName}/${collectorChart.chart} Helm chart; do Task 3`;
      return;
    }
    const name = d.metadata.name ?? s.lab.collectorService;
    const labels = d.metadata.labels ?? {};
    // The chart names the Service like the workload; the lab's manifests call both otel-collector.
    const release =
      labels['app.kubernetes.io/name'] === chartName({}) ? labels['app.kubernetes.io/instance'] : undefined;
    const svc = services.items.find((x) => x.metadata.name === name);
    const spec = d.spec?.template?.spec;
    const container = spec?.containers?.[0];
    // The config the pod mounts: the ConfigMap volume, the key it projects (or the one with receivers).
    let configText: string | undefined;
    let configMap: { namespace: string; name: string; key?: string } | undefined;
    let configSource = t`${d.kind} ${ns}/${name} mounts no ConfigMap`;
    const vol = spec?.volumes?.find((v) => v.configMap);
    if (vol?.configMap) {
      try {
        const cm = await kubeRest<{ data?: Record<string, string> }>(
          k,
          `/api/v1/namespaces/${ns}/configmaps/${vol.configMap.name}`,
          { timeoutMs: 10_000 },
        );
        const key =
          vol.configMap.items?.[0]?.key ??
          Object.keys(cm.data ?? {}).find((kk) => /^receivers:/m.test(cm.data?.[kk] ?? ''));
        configText = key ? cm.data?.[key] : undefined;
        configMap = { namespace: ns, name: vol.configMap.name, ...(key ? { key } : {}) };
        configSource = key
          ? t`ConfigMap ${ns}/${vol.configMap.name}, key ${key}`
          : t`ConfigMap ${ns}/${vol.configMap.name} (no collector config key)`;
      } catch (e) {
        configSource = describeKubeError(e, t`the ConfigMap ${ns}/${vol.configMap.name}`);
      }
    }
    const version = collectorVersionFromImage(container?.image);
    const configFile = s.lab.dir ? join(s.lab.dir, 'k8s', 'otel-collector-config.yaml') : undefined;
    const configFileText = release ? undefined : readText(configFile);
    const endpoints = svc ? await readyEndpoints(k, ns, name) : undefined;
    const kindName = d.kind === 'deployment' ? 'Deployment' : d.kind === 'statefulset' ? 'StatefulSet' : 'DaemonSet';
    s.collector = {
      object: release ? t`${kindName} ${ns}/${name} (Helm release ${release})` : `${kindName} ${ns}/${name}`,
      workload: `${d.kind}/${name}`,
      ...(release ? { helmRelease: release } : {}),
      pods: await pods(k, ns, d.spec?.selector),
      ...(svc
        ? {
            service: {
              namespace: ns,
              name,
              labels: svc.metadata.labels ?? {},
              ports: (svc.spec?.ports ?? []).map((p) => ({
                ...(p.name ? { name: p.name } : {}),
                port: p.port,
                ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
              })),
              ...(endpoints !== undefined ? { readyEndpoints: endpoints } : {}),
            },
          }
        : {}),
      otherServices: services.items.map((x) => x.metadata.name ?? '').filter((n) => n && n !== name),
      configSource,
      ...(configMap ? { configMap } : {}),
      ...(configText !== undefined ? { configText } : {}),
      ...(configFile && configFileText !== undefined ? { configFile, configFileText } : {}),
      version: formatVersion(version.version),
    };
  } catch (e) {
    s.unavailable.collector = describeKubeError(e, t`the collector in namespace ${ns}`);
  }
}

interface PrometheusCr {
  metadata: Meta;
  spec?: {
    serviceMonitorSelector?: LabelSelector | null;
    serviceMonitorNamespaceSelector?: LabelSelector | null;
    serviceAccountName?: string;
  };
}

async function prometheusObjectPart(k: LoadedKube, s: DoctorSnapshot): Promise<void> {
  try {
    const list = await kubeRest<List<PrometheusCr>>(k, '/apis/monitoring.coreos.com/v1/prometheuses', {
      timeoutMs: 10_000,
    });
    // The lab's: in its monitoring namespace, of its Helm release if several.
    const mine = list.items.filter((p) => p.metadata.namespace === s.lab.monitoringNamespace);
    const p = mine.find((x) => x.metadata.labels?.['release'] === s.lab.helmRelease) ?? mine[0];
    if (!p) {
      const found = list.items.map((x) => `${x.metadata.namespace ?? ''}/${x.metadata.name ?? ''}`).join(', ');
      s.unavailable.prometheusObject = list.items.length
        ? t`no Prometheus object in namespace ${s.lab.monitoringNamespace} (there are ${found}): run Task 2`
        : t`no Prometheus object in namespace ${s.lab.monitoringNamespace} (kube-prometheus-stack is not installed): run Task 2`;
      return;
    }
    const ns = p.metadata.namespace ?? s.lab.monitoringNamespace;
    const name = p.metadata.name ?? 'prometheus';
    s.prometheusObject = {
      namespace: ns,
      name,
      serviceMonitorSelector: p.spec?.serviceMonitorSelector ?? null,
      serviceMonitorNamespaceSelector: p.spec?.serviceMonitorNamespaceSelector ?? null,
      serviceAccountName: p.spec?.serviceAccountName ?? 'default',
      pods: await pods(k, ns, { matchLabels: { prometheus: name } }),
    };
  } catch (e) {
    s.unavailable.prometheusObject =
      e instanceof KubeHttpError && e.statusCode === 404
        ? t`the cluster has no Prometheus CRD (monitoring.coreos.com/v1): install kube-prometheus-stack (Task 2)`
        : describeKubeError(e, t`the Prometheus objects`);
  }
}

interface ServiceMonitorCr {
  metadata: Meta;
  spec?: {
    selector?: LabelSelector;
    namespaceSelector?: { matchNames?: string[]; any?: boolean };
    endpoints?: { port?: string; targetPort?: number | string }[];
  };
}

async function serviceMonitorPart(k: LoadedKube, s: DoctorSnapshot): Promise<void> {
  try {
    const list = await kubeRest<List<ServiceMonitorCr>>(k, '/apis/monitoring.coreos.com/v1/servicemonitors', {
      timeoutMs: 10_000,
    });
    s.serviceMonitors = list.items.map((m): ServiceMonitorInfo => ({
      namespace: m.metadata.namespace ?? '',
      name: m.metadata.name ?? '',
      labels: m.metadata.labels ?? {},
      selector: m.spec?.selector ?? {},
      ...(m.spec?.namespaceSelector?.matchNames ? { namespaces: m.spec.namespaceSelector.matchNames } : {}),
      ...(m.spec?.namespaceSelector?.any ? { anyNamespace: true } : {}),
      endpoints: (m.spec?.endpoints ?? []).map((e) => ({
        ...(e.port !== undefined ? { port: e.port } : {}),
        ...(e.targetPort !== undefined ? { targetPort: e.targetPort } : {}),
      })),
    }));
  } catch (e) {
    s.unavailable.serviceMonitors =
      e instanceof KubeHttpError && e.statusCode === 404
        ? t`the cluster has no ServiceMonitor CRD: install kube-prometheus-stack (Task 2)`
        : describeKubeError(e, t`the ServiceMonitors`);
  }
}

async function iamPart(s: DoctorSnapshot, o: DoctorOptions, k: LoadedKube | undefined): Promise<void> {
  if (!o.roleName) {
    s.unavailable.iam = t`no IRSA role given (--role NAME, e.g. the one eksctl created for prometheus-sa)`;
    return;
  }
  const ns = s.lab.monitoringNamespace;
  const sa = s.lab.prometheusServiceAccount;
  try {
    // Evaluated only when a role is asked about: the AWS SDK is heavy (import() stays in the bundle, as in index.ts).
    const { awsClients } = await import('../aws/clients');
    const { readRoleData } = await import('../aws/inspect');
    const c = awsClients(o.region ? { region: o.region } : {});
    const role = await readRoleData(c, o.roleName);
    const parsed = parsePolicy(role.trustPolicy);
    let annotation: string | undefined;
    let found: boolean | undefined;
    if (k) {
      try {
        const obj = await kubeRest<{ metadata: Meta }>(k, `/api/v1/namespaces/${ns}/serviceaccounts/${sa}`, {
          timeoutMs: 10_000,
        });
        annotation = obj.metadata.annotations?.['eks.amazonaws.com/role-arn'];
        found = true;
      } catch (e) {
        // Missing is a fact the annotation link reports; any other failure leaves it unknown.
        if (e instanceof KubeHttpError && e.statusCode === 404) found = false;
      }
    }
    const saState = {
      ...(annotation ? { serviceAccountAnnotation: annotation } : {}),
      ...(found !== undefined ? { serviceAccountFound: found } : {}),
    };
    if (!parsed.ok) {
      s.iam = {
        roleName: role.name,
        roleArn: role.arn,
        expectedSubject: serviceAccountSubject(ns, sa),
        canAssume: false,
        trustedSubjects: [],
        findings: [
          {
            code: 'iam/policy-syntax',
            severity: 'error',
            message: t`the trust policy is not a valid policy: ${parsed.error}`,
          },
        ],
        ...saState,
      };
      return;
    }
    const accountId = /^arn:[^:]+:iam::(\d{12}):/.exec(role.arn)?.[1];
    const trust = analyzeTrust(
      parsed.policy,
      { namespace: ns, serviceAccount: sa, ...(accountId ? { accountId } : {}) },
      role.name,
    );
    const trustedSubjects = [
      ...new Set(
        parsed.policy.statements.flatMap((st) =>
          st.conditions.filter((cnd) => /:sub$/.test(cnd.key)).flatMap((cnd) => cnd.values),
        ),
      ),
    ];
    s.iam = {
      roleName: role.name,
      roleArn: role.arn,
      expectedSubject: serviceAccountSubject(ns, sa),
      canAssume: trust.expectedCanAssume ? trust.expectedCanAssume.decision === 'allowed' : undefined,
      trustedSubjects,
      findings: trust.findings,
      ...saState,
    };
  } catch (e) {
    s.unavailable.iam = t`the role ${o.roleName} could not be read: ${e instanceof Error ? e.message : String(e)}`;
  }
}

export async function clusterSnapshot(o: DoctorOptions): Promise<DoctorSnapshot> {
  const params = labParams(o.labDir);
  let k: LoadedKube;
  try {
    k = loadKube({
      ...(o.context ? { context: o.context } : {}),
      ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}),
    });
  } catch (e) {
    // Without a cluster nothing on the cluster side can be checked: that is a wrong context or kubeconfig, said once.
    throw new DoctorInputError(
      e instanceof KubeError
        ? e.message
        : t`the kubeconfig could not be loaded: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const s: DoctorSnapshot = {
    mode: 'cluster',
    takenAt: Date.now(),
    lab: labOf(o.labDir, params, k.context),
    unavailable: {},
  };
  const queries = labQueries(o.labDir, params);
  if (typeof queries === 'string') s.unavailable.queries = queries;
  else s.queries = queries;
  const work: Promise<void>[] = [];
  const collector = collectorPart(k, s);
  work.push(appPart(k, s), collector, prometheusObjectPart(k, s), serviceMonitorPart(k, s));
  work.push(iamPart(s, o, k));
  const url = o.prometheusUrl;
  if (url) {
    // After the collector: its Service and port names (the lab's or the Helm chart's) label the series.
    work.push(
      collector.then(async () => {
        const names = collectorEndpoints(s);
        withPrometheus(
          s,
          await gatherPrometheus({
            url,
            service: names.service,
            namespace: s.lab.monitoringNamespace,
            metricsPort: names.metrics,
            window: '3m',
          }),
        );
      }),
    );
  } else {
    const forward = portForwardService(
      s.lab.monitoringNamespace,
      kubePrometheusStackNames(s.lab.helmRelease).prometheusService,
      '9090',
    );
    s.unavailable.prometheus = t`no Prometheus URL: port-forward it (${commandLine(forward, 'posix')}) and pass ${'--prometheus http://127.0.0.1:9090'}`;
  }
  // Asked beside the rest (no extra round trip first): a server that does not answer at all is the context's fault, said once, not a skip per link.
  const version = kubeRest<unknown>(k, '/version', { timeoutMs: 10_000 }).then(
    () => undefined,
    (e: unknown) => (e instanceof KubeHttpError ? undefined : e),
  );
  const [down] = await Promise.all([version, ...work]);
  if (down)
    throw new DoctorInputError(
      t`the cluster of context ${k.context} (${k.server}) does not answer: ${down instanceof Error ? down.message : String(down)}. \
Check the context (${commandLine(currentContext, 'posix')}) or the cluster.`,
    );
  return s;
}
