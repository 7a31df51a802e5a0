// What the doctor reasons over: plain data gathered from the sandbox or a cluster, Prometheus and
// IAM (src/node/doctor). Every source may be missing; `unavailable` says why, so a check that needs
// it is skipped with that reason instead of guessing.
import type { Finding } from '../finding';
import type { LabelSelectorLike } from '../kube/selectors';

export type DoctorSource =
  'app' | 'collector' | 'prometheusObject' | 'serviceMonitors' | 'prometheus' | 'queries' | 'iam';

export interface PodState {
  name: string;
  ready: boolean;
  /** Pending, Running, ...; or for the sandbox: the process state. */
  phase: string;
  /** Why it is not ready, when the pod or process says (CrashLoopBackOff, "exited"). */
  reason?: string;
  serviceAccountName?: string;
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
}

export interface ServiceInfo {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ports: ServicePort[];
  /** Addresses of ready pods behind it (the Endpoints/EndpointSlices), when known. */
  readyEndpoints?: number;
}

export interface AppState {
  /** What the app is: "Deployment app/otel-flask" or "sandbox app (pid 1234)". */
  object: string;
  pods: PodState[];
  /** OTEL_EXPORTER_OTLP_ENDPOINT (or the traces/metrics specific one) as the app runs with it; undefined when unset. */
  otlpEndpoint?: string;
  /** Where the endpoint was read: "Deployment app/otel-flask, container flask, env", "/proc/1234/environ". */
  otlpEndpointSource: string;
  /** Why the endpoint could not be read (the process' environment is not readable). */
  otlpEndpointUnreadable?: string;
  /** Where the app answers on this machine (sandbox only), for a load-test fix. */
  url?: string;
  /** The namespace the app runs in, for short Service names in the endpoint (cluster only). */
  namespace?: string;
  /** A file that sets the endpoint, for an edit fix (the lab's k8s/app.yaml). */
  manifestFile?: string;
  manifestText?: string;
}

export interface CollectorState {
  /** "Deployment monitoring/otel-collector" or "sandbox collector (pid 1234)". */
  object: string;
  pods: PodState[];
  /** The Service in front of it (cluster); undefined in the sandbox. */
  service?: ServiceInfo;
  /** Services in its namespace that are not the collector's, so an endpoint naming another is explained. */
  otherServices?: string[];
  /** Where the app must send OTLP gRPC in the sandbox (127.0.0.1:port). */
  otlpAddress?: string;
  /** The config the collector runs with: the ConfigMap key it mounts, or the sandbox's generated file. */
  configText?: string;
  /** Where that config was read ("ConfigMap monitoring/otel-collector-config, key collector.yaml", or a path). */
  configSource: string;
  /** The ConfigMap the pod mounts its config from (cluster), so a fix can edit it in place. */
  configMap?: { namespace: string; name: string; key?: string };
  /** The workload kind and name (cluster), for rollout and log commands: "deployment/otel-collector". */
  workload?: string;
  /** When the open-telemetry/opentelemetry-collector Helm chart installed it: its release. */
  helmRelease?: string;
  /** A file the student edits to change it (the lab's k8s/otel-collector-config.yaml), for fixes. */
  configFile?: string;
  configFileText?: string;
  /** The collector version (from its image tag, or the sandbox build). */
  version?: string;
  /** The lines the collector logged last, when it stopped (sandbox). */
  lastLog?: string;
}

/** The API's label selector, one type with src/core/kube/selectors.ts. */
export type LabelSelector = LabelSelectorLike;

export interface PrometheusObject {
  namespace: string;
  name: string;
  /** spec.serviceMonitorSelector; null selects nothing, {} selects every ServiceMonitor. */
  serviceMonitorSelector: LabelSelector | null;
  /** spec.serviceMonitorNamespaceSelector; null means only the Prometheus object's own namespace. */
  serviceMonitorNamespaceSelector: LabelSelector | null;
  serviceAccountName: string;
  pods: PodState[];
}

export interface ServiceMonitorInfo {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  selector: LabelSelector;
  /** spec.namespaceSelector.matchNames; undefined means the ServiceMonitor's own namespace. */
  namespaces?: string[];
  anyNamespace?: boolean;
  endpoints: { port?: string; targetPort?: number | string }[];
}

export interface TargetState {
  scrapePool: string;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
  labels: Record<string, string>;
}

export interface QuerySet {
  /** Where the queries come from: the lab's queries/lab-queries.promql, or the template. */
  source: string;
  file?: string;
  text?: string;
  queries: { title: string; expr: string }[];
}

export interface PrometheusState {
  url: string;
  version?: string;
  targets: TargetState[];
  /** Every metric name Prometheus has. */
  metricNames: string[];
  /** Names of the series scraped from the collector's metrics endpoint (what the app sent), newest 5 minutes. */
  appSeries: string[];
  /** Seconds since the newest sample of the app's metrics; undefined when none was found. */
  newestAppSampleAgeSeconds?: number;
  /** The metric the age was measured on. */
  freshnessMetric?: string;
  /** increase() of the collector's accepted metric points over `freshnessWindow`; undefined when Prometheus has no such series. */
  acceptedPointsIncrease?: number;
  /** The PromQL range of that increase, e.g. 30s in the sandbox, 3m in a cluster. */
  freshnessWindow?: string;
  /** The collector's own otelcol_process_uptime, in seconds; undefined when its telemetry is not scraped. */
  collectorUptimeSeconds?: number;
}

export interface IrsaState {
  roleName: string;
  roleArn?: string;
  /** system:serviceaccount:<ns>:<name> the role must trust. */
  expectedSubject: string;
  /** The role-arn annotation on the ServiceAccount, when read. */
  serviceAccountAnnotation?: string;
  /** Whether the ServiceAccount was read (so a missing annotation is known to be missing); undefined when not looked at. */
  serviceAccountFound?: boolean;
  /** The trust analysis' verdict for the expected subject. */
  canAssume: boolean | undefined;
  /** Subjects the trust policy names in :sub conditions. */
  trustedSubjects: string[];
  /** The trust analysis' findings (iam/trust-*). */
  findings: Finding[];
}

export interface DoctorSnapshot {
  mode: 'sandbox' | 'cluster';
  /** When it was taken, ms since the epoch. */
  takenAt: number;
  /** The lab's names (from its obslab-lab.json, or the defaults). */
  lab: {
    dir?: string;
    appNamespace: string;
    monitoringNamespace: string;
    helmRelease: string;
    prometheusServiceAccount: string;
    collectorService: string;
    /** Service port names the lab's ServiceMonitors scrape: the collector's own telemetry, and the exporter's metrics. */
    portNames: { telemetry: string; metrics: string };
    /** `obslab sandbox up`, or a kubectl context, for fix commands. */
    context?: string;
  };
  app?: AppState;
  collector?: CollectorState;
  prometheusObject?: PrometheusObject;
  serviceMonitors?: ServiceMonitorInfo[];
  prometheus?: PrometheusState;
  queries?: QuerySet;
  iam?: IrsaState;
  /** Why a source is missing: the sandbox is not running, the cluster refused, no --prometheus, no role given. */
  unavailable: Partial<Record<DoctorSource, string>>;
}
