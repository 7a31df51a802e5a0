// JMeter's distributed mode in the lab cluster, as the objects the extension applies with its own
// server-side apply: N `jmeter -s` engines (a StatefulSet behind a headless Service, so each has a
// stable DNS name the controller lists with -R), the plan in a ConfigMap, a controller Job that
// runs it and writes the merged .jtl to its standard output (read back through the pod's log), and
// NetworkPolicies that admit RMI only between the two. Everything carries the managed-by label and
// our field manager, so Clean Up removes it (the pods go with their StatefulSet and Job).
//
// RMI: in clear (server.rmi.ssl.disable=true), by choice. JMeter 5.6.3's alternative is one keystore
// shared by controller and engines (bin/create-rmi-keystore.sh, or keytool): in the cluster that
// means keytool on the student's machine and a Secret holding the key. In clear, the traffic stays
// between pods of one namespace, the Service is headless (no cluster IP, nothing outside the
// cluster), and the NetworkPolicies keep other pods out where the network plugin enforces them
// (Amazon VPC CNI does when its network policy support is enabled). The engines' ports are fixed so
// the Service can name them: server_port 1099 (the registry), server.rmi.localport 50000 (the
// engine, "a specific port for the JMeter server engine" in jmeter.properties); the controller's
// listeners take any port (client.rmi.localport unset), which the controller's NetworkPolicy
// allows from the engines. Each side gives its pod IP as java.rmi.server.hostname (the downward
// API, expanded by the kubelet in $(POD_IP)).
import { MANAGED_BY_LABEL } from '../kube/cleanup';
import type { ManifestObject } from '../kube/manifests';
import { t } from '../text/l10n';
import { controllerArgs, engineArgs, JMETER_SERVER_PORT, type RemoteEngine } from './jmeterDistributed';

/**
 * The engines' and controller's image: Docker Hub's alpine/jmeter, built by the alpine-docker
 * project (github.com/alpine-docker/jmeter: Alpine, OpenJDK 8 JRE and Apache's own
 * apache-jmeter-5.6.3.tgz in /opt/apache-jmeter-5.6.3, bin/ on PATH; its build tags each image with
 * apache/jmeter's release). 5.6.3, the JMeter the lab's plan is checked against. Checked 2026-12-05
 * in the project's sources (last commit 2024-10-10).
 */
export const JMETER_IMAGE = 'alpine/jmeter:5.6.3';
export const JMETER_IMAGE_CHECKED = '2026-12-05';
/** Apache's bin/jmeter in that image: started directly, not through the image's entrypoint (which sizes the heap from the node's free memory). */
export const JMETER_BIN = '/opt/apache-jmeter-5.6.3/bin/jmeter';

/** server.rmi.localport of every engine pod. */
export const ENGINE_RMI_PORT = 50000;
export const DEFAULT_LOADTEST_NAMESPACE = 'obslab-loadtest';
export const ENGINES_NAME = 'jmeter-server';
export const PLAN_CONFIGMAP = 'jmeter-plan';
export const MAX_ENGINES = 20;

const PART_OF = { 'app.kubernetes.io/part-of': 'obslab-loadtest' };
const ENGINE_SELECTOR = { 'app.kubernetes.io/name': 'jmeter', 'app.kubernetes.io/component': 'jmeter-server' };
const CONTROLLER_SELECTOR = { 'app.kubernetes.io/name': 'jmeter', 'app.kubernetes.io/component': 'jmeter-controller' };
/**
 * Labels of what the pods are made from carry no managed-by: Kubernetes copies a pod template's
 * labels to its pods and ControllerRevisions, and a Service's to its Endpoints, which Clean Up
 * would then list as applied by us. Those objects are ours by our field manager alone.
 */
const labels = (selector: Record<string, string>, managed = true): Record<string, string> => ({
  ...selector,
  ...PART_OF,
  ...(managed ? { [MANAGED_BY_LABEL.key]: MANAGED_BY_LABEL.value } : {}),
});

/** The selector that finds every object of the distributed load test (`kubectl get all -l …`). */
export const LOADTEST_SELECTOR = `app.kubernetes.io/part-of=${PART_OF['app.kubernetes.io/part-of']}`;

export interface JmeterClusterSpec {
  namespace: string;
  engines: number;
  /** The .jmx as the student wrote it. */
  planXml: string;
  /** The plan's properties (SERVER, PORT, THREADS…), sent to every engine with -G. */
  props: Record<string, string>;
  /** Names this run's Job (lowercase letters, digits, '-'): jmeter-controller-<runId>. */
  runId: string;
  image?: string;
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** What is wrong with the spec, as sentences; empty when it can be applied. */
export function clusterSpecProblems(spec: Pick<JmeterClusterSpec, 'namespace' | 'engines' | 'runId'>): string[] {
  const problems: string[] = [];
  if (!dnsLabel.test(spec.namespace) || spec.namespace.length > 63)
    problems.push(
      t`'${spec.namespace}' is not a namespace name: lowercase letters, digits and '-', at most 63, e.g. ${DEFAULT_LOADTEST_NAMESPACE}`,
    );
  if (!Number.isInteger(spec.engines) || spec.engines < 1 || spec.engines > MAX_ENGINES)
    problems.push(t`${spec.engines} jmeter-server pods: choose a whole number from 1 to ${MAX_ENGINES}`);
  if (!dnsLabel.test(spec.runId) || controllerJobName(spec.runId).length > 63)
    problems.push(t`'${spec.runId}' cannot name a Job: lowercase letters, digits and '-', at most 45`);
  return problems;
}

export function controllerJobName(runId: string): string {
  return `jmeter-controller-${runId}`;
}

/** The engines as the controller in the cluster reaches them: each pod's name under the headless Service. */
export function clusterEngines(namespace: string, engines: number): RemoteEngine[] {
  return Array.from({ length: engines }, (_, i) => ({
    host: `${ENGINES_NAME}-${i}.${ENGINES_NAME}.${namespace}.svc`,
    port: JMETER_SERVER_PORT,
  }));
}

/**
 * The controller Job's own properties: up to 30 tries 5 s apart while the engine pods start; no
 * summary lines on standard output, and each sample flushed there at once, so the log is the .jtl.
 */
export const CONTROLLER_PROPS: Readonly<Record<string, string>> = {
  'client.tries': '30',
  'client.retries_delay': '5000',
  'summariser.out': 'false',
  'jmeter.save.saveservice.autoflush': 'true',
};

const podIpEnv = { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } };
/** Apache's bin/jmeter reads HEAP (default 1 GiB): sized to the container's memory. */
const heapEnv = { name: 'HEAP', value: '-Xms256m -Xmx768m -XX:MaxMetaspaceSize=256m' };
const resources = { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '1280Mi' } };

function object(
  spec: JmeterClusterSpec,
  apiVersion: string,
  kind: string,
  name: string,
  body: Record<string, unknown>,
  docIndex: number,
): ManifestObject {
  return {
    file: 'the distributed load test',
    docIndex,
    line: 1,
    apiVersion,
    kind,
    name,
    namespace: spec.namespace,
    body: { apiVersion, kind, ...body },
  };
}

/** Every object of the distributed run, in apply order (the apply orders them again by kind). */
export function jmeterClusterObjects(spec: JmeterClusterSpec): ManifestObject[] {
  const ns = spec.namespace;
  const image = spec.image ?? JMETER_IMAGE;
  const meta = (name: string, selector: Record<string, string>, managed = true): Record<string, unknown> => ({
    name,
    namespace: ns,
    labels: labels(selector, managed),
  });
  const job = controllerJobName(spec.runId);
  return [
    object(
      spec,
      'v1',
      'ConfigMap',
      PLAN_CONFIGMAP,
      { metadata: meta(PLAN_CONFIGMAP, { 'app.kubernetes.io/name': 'jmeter' }), data: { 'plan.jmx': spec.planXml } },
      0,
    ),
    object(
      spec,
      'v1',
      'Service',
      ENGINES_NAME,
      {
        metadata: meta(ENGINES_NAME, ENGINE_SELECTOR, false),
        spec: {
          clusterIP: 'None',
          // The controller resolves each engine's name while the pods start; it retries until they answer.
          publishNotReadyAddresses: true,
          selector: ENGINE_SELECTOR,
          ports: [
            { name: 'rmi-registry', port: JMETER_SERVER_PORT, targetPort: JMETER_SERVER_PORT },
            { name: 'rmi-engine', port: ENGINE_RMI_PORT, targetPort: ENGINE_RMI_PORT },
          ],
        },
      },
      1,
    ),
    object(
      spec,
      'apps/v1',
      'StatefulSet',
      ENGINES_NAME,
      {
        metadata: meta(ENGINES_NAME, ENGINE_SELECTOR),
        spec: {
          serviceName: ENGINES_NAME,
          replicas: spec.engines,
          podManagementPolicy: 'Parallel',
          selector: { matchLabels: ENGINE_SELECTOR },
          template: {
            metadata: { labels: labels(ENGINE_SELECTOR, false) },
            spec: {
              containers: [
                {
                  name: 'jmeter-server',
                  image,
                  command: [JMETER_BIN],
                  args: engineArgs({
                    port: JMETER_SERVER_PORT,
                    rmiPort: ENGINE_RMI_PORT,
                    hostname: '$(POD_IP)',
                    rmi: { kind: 'ssl-disabled' },
                    log: '/tmp/jmeter-server.log',
                  }),
                  env: [podIpEnv, heapEnv],
                  ports: [
                    { name: 'rmi-registry', containerPort: JMETER_SERVER_PORT },
                    { name: 'rmi-engine', containerPort: ENGINE_RMI_PORT },
                  ],
                  readinessProbe: { tcpSocket: { port: JMETER_SERVER_PORT }, periodSeconds: 5 },
                  resources,
                },
              ],
            },
          },
        },
      },
      2,
    ),
    object(
      spec,
      'networking.k8s.io/v1',
      'NetworkPolicy',
      'jmeter-server-rmi',
      {
        metadata: meta('jmeter-server-rmi', ENGINE_SELECTOR),
        spec: {
          podSelector: { matchLabels: ENGINE_SELECTOR },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: { matchLabels: CONTROLLER_SELECTOR } }] }],
        },
      },
      3,
    ),
    object(
      spec,
      'networking.k8s.io/v1',
      'NetworkPolicy',
      'jmeter-controller-rmi',
      {
        metadata: meta('jmeter-controller-rmi', CONTROLLER_SELECTOR),
        spec: {
          podSelector: { matchLabels: CONTROLLER_SELECTOR },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: { matchLabels: ENGINE_SELECTOR } }] }],
        },
      },
      4,
    ),
    object(
      spec,
      'batch/v1',
      'Job',
      job,
      {
        metadata: meta(job, CONTROLLER_SELECTOR),
        spec: {
          backoffLimit: 0,
          // Its log is read while it runs; a finished Job goes by itself an hour later (or with Clean Up).
          ttlSecondsAfterFinished: 3600,
          template: {
            metadata: { labels: labels(CONTROLLER_SELECTOR, false) },
            spec: {
              restartPolicy: 'Never',
              containers: [
                {
                  name: 'jmeter-controller',
                  image,
                  command: [JMETER_BIN],
                  args: controllerArgs({
                    plan: '/plan/plan.jmx',
                    // The merged .jtl on standard output, each sample flushed: the pod's log is the .jtl.
                    jtl: '/dev/stdout',
                    log: '/tmp/jmeter-controller.log',
                    engines: clusterEngines(ns, spec.engines),
                    props: spec.props,
                    rmi: { kind: 'ssl-disabled' },
                    callbackHost: '$(POD_IP)',
                    controllerProps: CONTROLLER_PROPS,
                  }),
                  env: [podIpEnv, heapEnv],
                  volumeMounts: [{ name: 'plan', mountPath: '/plan', readOnly: true }],
                  resources,
                },
              ],
              volumes: [{ name: 'plan', configMap: { name: PLAN_CONFIGMAP } }],
            },
          },
        },
      },
      5,
    ),
  ];
}

/** What the confirmation shows before anything is created: one line per object. */
export function describeClusterObjects(spec: JmeterClusterSpec): string[] {
  const ns = spec.namespace;
  return [
    t`Namespace ${ns} (created if missing)`,
    t`ConfigMap ${ns}/${PLAN_CONFIGMAP}: the plan`,
    t`Service ${ns}/${ENGINES_NAME}: headless, one DNS name per engine (RMI ${JMETER_SERVER_PORT}, ${ENGINE_RMI_PORT})`,
    t`StatefulSet ${ns}/${ENGINES_NAME}: ${spec.engines} jmeter-server pod(s), ${spec.image ?? JMETER_IMAGE}, 250m CPU and 1 GiB each`,
    t`NetworkPolicy ${ns}/jmeter-server-rmi and ${ns}/jmeter-controller-rmi: RMI only between the engines and the controller`,
    t`Job ${ns}/${controllerJobName(spec.runId)}: the controller (jmeter -n -R …), its log read back as the .jtl`,
  ];
}
