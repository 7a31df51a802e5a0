// The doctor's reasoning: a chain of checks over a snapshot, in the order data flows (app →
// collector → Prometheus → queries), and beside it the IRSA side (Prometheus' ServiceAccount →
// the role's trust). The first broken link of a branch is the cause; later broken links of that
// branch are its consequences, not causes of their own.
import { parseDocument } from 'yaml';
import { versions } from '../facts';
import { selectorMatches } from '../kube/selectors';
import { lint } from '../lint/engine';
import { serviceOfDnsName } from '../lint/workloads';
import { floatLabelRewritesFor, type MatcherRewrite } from '../promql/bucketLabels';
import { describeSuggestion, metricNamesIn, placeNames, suggestForQuery } from '../promql/suggest';
import type { TextEdit } from '../finding';
import { doctorCodes } from './codes';
import type { CommandFix, DoctorFinding, DoctorFix, DoctorReport, Evidence, LinkId, LinkResult } from './report';
import type { DoctorSnapshot, LabelSelector, PodState, ServiceInfo, TargetState } from './snapshot';
import { kubePrometheusStackNames } from '../kube/kubePrometheusStackNames';
import { t } from '../text/l10n';

type Outcome =
  | { status: 'passed'; detail: string }
  | { status: 'failed'; detail: string; findings: DoctorFinding[] }
  | { status: 'skipped'; detail: string };

interface Link {
  id: LinkId;
  title: string;
  /** Links whose failure makes this one a consequence. */
  after: LinkId[];
  check(s: DoctorSnapshot): Outcome;
}

const pass = (detail: string): Outcome => ({ status: 'passed', detail });
const skip = (detail: string): Outcome => ({ status: 'skipped', detail });
const fail = (detail: string, ...findings: DoctorFinding[]): Outcome => ({ status: 'failed', detail, findings });

function finding(code: string, message: string, evidence: Evidence[], remedies: DoctorFix[]): DoctorFinding {
  return { code, severity: 'error', message, evidence, remedies };
}

function unavailable(s: DoctorSnapshot, source: keyof DoctorSnapshot['unavailable'], what: string): string {
  return s.unavailable[source] ?? t`${what} was not gathered`;
}

/** "a or b or c", each "or" translated with its neighbours. */
function orList(items: readonly string[]): string {
  return items.reduce((list, item) => t`${list} or ${item}`);
}

/** "Deployment app/otel-flask: 1/2 ready" */
function readyCount(object: string, pods: PodState[]): string {
  return t`${object}: ${pods.filter((p) => p.ready).length}/${pods.length} ready`;
}

function podsSummary(pods: PodState[]): string {
  if (!pods.length) return t`no pods`;
  return pods.map((p) => (p.ready ? t`${p.name} ready` : t`${p.name} not ready (${p.reason ?? p.phase})`)).join(', ');
}

/** A command fix: each step a program and its arguments (words, never shell text). */
function run(title: string, ...steps: string[][]): CommandFix {
  return { kind: 'command', title, steps };
}

/** obslab's own command line; `--` before values from data, so none is read as an option. */
function obslab(...args: string[]): string[] {
  return ['npx', 'obslab', ...args];
}

function restartCommand(s: DoctorSnapshot, what: 'app' | 'collector' | 'prometheus'): DoctorFix {
  if (s.mode === 'sandbox') return run(t`Restart the sandbox`, obslab('sandbox', 'down'), obslab('sandbox', 'up'));
  const [ns, workload] =
    what === 'app' ? [s.lab.appNamespace, 'deploy/otel-flask'] : [s.lab.monitoringNamespace, collectorWorkload(s)];
  const title = {
    app: t`Restart the app and watch it roll out`,
    collector: t`Restart the collector and watch it roll out`,
    prometheus: t`Restart the prometheus and watch it roll out`,
  }[what];
  return run(
    title,
    kubectl(s, '-n', ns, 'rollout', 'restart', workload),
    kubectl(s, '-n', ns, 'rollout', 'status', workload),
  );
}

/** helm upgrade of the lab's kube-prometheus-stack release, pinned to the lab's chart version, keeping its values. */
function helmUpgrade(s: DoctorSnapshot, namespace: string, ...set: string[]): string[] {
  return [
    'helm',
    ...(s.lab.context ? ['--kube-context', s.lab.context] : []),
    'upgrade',
    s.lab.helmRelease,
    'prometheus-community/kube-prometheus-stack',
    '--version',
    versions.kubePrometheusStack,
    '-n',
    namespace,
    '--reuse-values',
    ...set,
  ];
}

function collectorWorkload(s: DoctorSnapshot): string {
  return s.collector?.workload ?? `deployment/${s.lab.collectorService}`;
}

/**
 * The collector Service's name and the port names of its two scrape endpoints, from the Service
 * itself when known: the lab's manifests name them telemetry/metrics, the Helm chart names its
 * own telemetry port "metrics", so the names follow the ports the config listens on.
 */
export function collectorEndpoints(s: DoctorSnapshot): { service: string; telemetry: string; metrics: string } {
  const svc = s.collector?.service;
  if (!svc) return { service: s.lab.collectorService, ...s.lab.portNames };
  const listen = s.collector?.configText ? collectorListenPorts(s.collector.configText) : {};
  const nameFor = (port: number | undefined, fallback: string): string => {
    if (port === undefined) return fallback;
    return (
      svc.ports.find((p) => p.targetPort === port)?.name ??
      svc.ports.find((p) => p.port === port && (p.targetPort === undefined || typeof p.targetPort === 'string'))
        ?.name ??
      fallback
    );
  };
  return {
    service: svc.name,
    telemetry: nameFor(listen.telemetry, s.lab.portNames.telemetry),
    metrics: nameFor(listen.metrics, s.lab.portNames.metrics),
  };
}

/** kubectl with the context the doctor looked at, then `args`. */
function kubectl(s: DoctorSnapshot, ...args: string[]): string[] {
  return ['kubectl', ...(s.lab.context ? ['--context', s.lab.context] : []), ...args];
}

/** A short load test of the lab's plan against the app: on the sandbox directly, in a cluster through a forward. */
function sendRequests(s: DoctorSnapshot): DoctorFix {
  const plan = labFile(s, 'jmeter/hash-load.jmx') ?? 'jmeter/hash-load.jmx';
  const loadtest = (host: string, port: string): string[] =>
    obslab(
      'loadtest',
      '-J',
      `SERVER=${host}`,
      '-J',
      `PORT=${port}`,
      '-J',
      'PROTOCOL=http',
      '-J',
      'THREADS=2',
      '-J',
      'RAMP=0',
      '-J',
      'DURATION=20',
      '--',
      plan,
    );
  const url = s.mode === 'sandbox' && s.app?.url ? new URL(s.app.url) : undefined;
  if (url) return run(t`Send some requests (20 s, 2 threads)`, loadtest(url.hostname, url.port || '80'));
  return {
    ...run(t`Forward the app and send some requests (20 s, 2 threads)`, loadtest('127.0.0.1', '8080')),
    alongside: kubectl(s, '-n', s.lab.appNamespace, 'port-forward', 'svc/otel-flask', '8080:80'),
  };
}

function labFile(s: DoctorSnapshot, rel: string): string | undefined {
  return s.lab.dir ? `${s.lab.dir.replace(/\/$/, '')}/${rel}` : undefined;
}

function openLabFile(s: DoctorSnapshot, rel: string, title: string): DoctorFix[] {
  const f = labFile(s, rel);
  return f ? [{ kind: 'open', title, target: f }] : [];
}

// ---------------------------------------------------------------- selectors and addresses

export function describeSelector(sel: LabelSelector | null): string {
  if (sel === null) return t`nothing (no selector)`;
  const parts = [
    ...Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(sel.matchExpressions ?? []).map((e) => `${e.key} ${e.operator} (${(e.values ?? []).join(', ')})`),
  ];
  return parts.length ? parts.join(', ') : t`everything ({})`;
}

export interface OtlpTarget {
  host: string;
  port: number;
}

/** host and port of an OTLP endpoint URL; gRPC's default port 4317 when none is given. */
export function parseOtlpEndpoint(endpoint: string): OtlpTarget | undefined {
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`);
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : 4317 };
  } catch {
    return undefined;
  }
}

/** The Service a cluster DNS name means (svc, svc.ns, svc.ns.svc, svc.ns.svc.<domain>), or undefined for other hosts. */
export function serviceOfHost(host: string, defaultNamespace: string): { name: string; namespace: string } | undefined {
  if (/^[\d.]+$/.test(host) || host.includes(':')) return undefined;
  const svc = serviceOfDnsName(host);
  if (!svc?.service || svc.namespace === '') return undefined;
  return { name: svc.service, namespace: svc.namespace ?? defaultNamespace };
}

export interface ListenPorts {
  otlpGrpc?: number;
  metrics?: number;
  telemetry?: number;
}

function portOf(hostPort: unknown): number | undefined {
  if (typeof hostPort === 'number') return hostPort;
  if (typeof hostPort !== 'string') return undefined;
  const m = /:(\d+)$/.exec(hostPort.trim());
  return m ? Number(m[1]) : undefined;
}

function get(v: unknown, ...keys: (string | number)[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

/** Where the collector config says it listens: OTLP gRPC, the prometheus exporter, its own telemetry. */
export function collectorListenPorts(configText: string): ListenPorts {
  const doc = parseDocument(configText);
  if (doc.errors.length) return {};
  const cfg: unknown = doc.toJS();
  const out: ListenPorts = {};
  const receivers = get(cfg, 'receivers');
  for (const [id, r] of Object.entries(typeof receivers === 'object' && receivers ? receivers : {})) {
    if (id !== 'otlp' && !id.startsWith('otlp/')) continue;
    if (get(r, 'protocols') && 'grpc' in (get(r, 'protocols') as object))
      out.otlpGrpc ??= portOf(get(r, 'protocols', 'grpc', 'endpoint')) ?? 4317;
  }
  const exporters = get(cfg, 'exporters');
  for (const [id, e] of Object.entries(typeof exporters === 'object' && exporters ? exporters : {})) {
    if (id === 'prometheus' || id.startsWith('prometheus/')) out.metrics ??= portOf(get(e, 'endpoint'));
  }
  const readers = get(cfg, 'service', 'telemetry', 'metrics', 'readers');
  if (Array.isArray(readers)) {
    for (const r of readers) {
      const p = get(r, 'pull', 'exporter', 'prometheus', 'port');
      if (typeof p === 'number') out.telemetry ??= p;
    }
  }
  return out;
}

function servicePortFor(svc: ServiceInfo, port: number): ServiceInfo['ports'][number] | undefined {
  return svc.ports.find((p) => p.port === port);
}

// ---------------------------------------------------------------- the links

const appReady: Link = {
  id: 'app-ready',
  get title() {
    return t`The app is running and ready`;
  },
  after: [],
  check(s) {
    const app = s.app;
    if (!app) return skip(unavailable(s, 'app', t`the app`));
    const ready = app.pods.filter((p) => p.ready);
    if (ready.length) return pass(readyCount(app.object, app.pods));
    const evidence: Evidence[] = [
      {
        object: app.object,
        seen: podsSummary(app.pods),
        expected: t`at least one ready pod (the sandbox: the app answering /healthz)`,
      },
    ];
    const remedies: DoctorFix[] =
      s.mode === 'sandbox'
        ? [restartCommand(s, 'app')]
        : [
            run(
              t`Show why the pods are not ready`,
              kubectl(s, '-n', app.namespace ?? s.lab.appNamespace, 'describe', 'pods', '-l', 'app=otel-flask'),
            ),
            restartCommand(s, 'app'),
            ...openLabFile(s, 'k8s/app.yaml', t`Open ${'k8s/app.yaml'}`),
          ];
    return fail(
      readyCount(app.object, app.pods),
      finding(
        doctorCodes.appNotReady,
        s.mode === 'sandbox'
          ? t`${app.object} has no ready process (${podsSummary(app.pods)}), so nothing sends telemetry to the collector.`
          : t`${app.object} has no ready pod (${podsSummary(app.pods)}), so nothing sends telemetry to the collector.`,
        evidence,
        remedies,
      ),
    );
  },
};

/** An edit of the OTLP endpoint value in the app manifest, when the text has it literally. */
function endpointEdit(text: string | undefined, file: string | undefined, from: string, to: string): DoctorFix[] {
  if (!text || !file || !from) return [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const c = lines[i]?.indexOf(from) ?? -1;
    if (c >= 0 && /OTEL_EXPORTER_OTLP_ENDPOINT|value:/.test(`${lines[i - 1] ?? ''}${lines[i] ?? ''}`)) {
      const edit: TextEdit = {
        file,
        range: { start: { line: i, character: c }, end: { line: i, character: c + from.length } },
        newText: to,
      };
      return [{ kind: 'edit', title: t`Set ${'OTEL_EXPORTER_OTLP_ENDPOINT'} to ${to}`, file, edits: [edit] }];
    }
  }
  return [];
}

const otlpEndpoint: Link = {
  id: 'otlp-endpoint',
  get title() {
    return t`The app sends OTLP to the collector`;
  },
  after: ['app-ready'],
  check(s) {
    const app = s.app;
    const col = s.collector;
    if (!app) return skip(unavailable(s, 'app', t`the app`));
    if (!col) return skip(unavailable(s, 'collector', t`the collector`));
    if (app.otlpEndpointUnreadable)
      return skip(t`the app's OTLP endpoint cannot be read: ${app.otlpEndpointUnreadable}`);
    const listen = col.configText ? collectorListenPorts(col.configText) : {};
    const grpcPort = listen.otlpGrpc ?? 4317;
    const seen = app.otlpEndpoint;
    const target = seen ? parseOtlpEndpoint(seen) : undefined;
    const edit = (to: string): DoctorFix[] => endpointEdit(app.manifestText, app.manifestFile, seen ?? '', to);
    if (s.mode === 'sandbox') {
      const expected = col.otlpAddress;
      if (!expected) return skip(t`the sandbox does not record where its collector receives OTLP`);
      const [eh, ep] = [
        expected.slice(0, expected.lastIndexOf(':')),
        Number(expected.slice(expected.lastIndexOf(':') + 1)),
      ];
      const ok =
        target !== undefined &&
        target.port === ep &&
        (target.host === eh || (eh === '127.0.0.1' && target.host === 'localhost'));
      if (ok) return pass(t`${app.otlpEndpointSource}: ${seen ?? ''} is the collector's OTLP gRPC receiver`);
      return fail(
        t`sends to ${seen ?? t`(unset)`}, the collector receives at ${expected}`,
        finding(
          doctorCodes.otlpEndpoint,
          seen
            ? t`The app sends OTLP to ${seen}, but the sandbox collector receives OTLP gRPC at ${expected}: \
the app's exports fail and no metric reaches the collector.`
            : t`The app sends OTLP to the SDK default localhost:4317, but the sandbox collector receives \
OTLP gRPC at ${expected}: the app's exports fail and no metric reaches the collector.`,
          [
            {
              object: `${app.object} (${app.otlpEndpointSource})`,
              seen: `OTEL_EXPORTER_OTLP_ENDPOINT=${seen ?? t`(unset)`}`,
              expected: `http://${expected}`,
            },
          ],
          [restartCommand(s, 'app'), ...edit(`http://${expected}`)],
        ),
      );
    }
    const svc = col.service;
    if (!svc)
      return skip(
        t`the collector has no Service to check the endpoint against (${unavailable(s, 'collector', t`the collector Service`)})`,
      );
    const grpcServicePort = svc.ports.find((p) => p.targetPort === grpcPort || p.port === grpcPort)?.port ?? grpcPort;
    const expectedUrl = `http://${svc.name}.${svc.namespace}.svc.cluster.local:${grpcServicePort}`;
    const evidence = (seenText: string): Evidence[] => [
      { object: `${app.object} (${app.otlpEndpointSource})`, seen: seenText, expected: expectedUrl },
    ];
    const remedies = [
      ...edit(expectedUrl),
      run(
        t`Set it on the Deployment`,
        kubectl(
          s,
          '-n',
          app.namespace ?? s.lab.appNamespace,
          'set',
          'env',
          'deploy/otel-flask',
          `OTEL_EXPORTER_OTLP_ENDPOINT=${expectedUrl}`,
        ),
      ),
    ];
    if (!seen || !target)
      return fail(
        t`no OTLP endpoint set`,
        finding(
          doctorCodes.otlpEndpoint,
          seen
            ? t`${app.object} does not set OTEL_EXPORTER_OTLP_ENDPOINT to a URL (${seen}); the SDK then sends to \
localhost:4317, inside the app's own pod, where no collector listens.`
            : t`${app.object} does not set OTEL_EXPORTER_OTLP_ENDPOINT; the SDK then sends to localhost:4317, \
inside the app's own pod, where no collector listens.`,
          evidence(seen ?? t`(unset)`),
          remedies,
        ),
      );
    const named = serviceOfHost(target.host, app.namespace ?? s.lab.appNamespace);
    if (!named || named.name !== svc.name || named.namespace !== svc.namespace) {
      // Only the collector's own namespace was listed, so only there can "does not exist" be said.
      const known = named?.namespace === svc.namespace;
      const exists = known && (col.otherServices ?? []).includes(named.name);
      const what = named
        ? known && !exists
          ? t`the Service ${named.namespace}/${named.name}, which does not exist`
          : t`the Service ${named.namespace}/${named.name}, which is not the collector`
        : t`${target.host}, which is not a cluster Service name`;
      return fail(
        t`names ${what}`,
        finding(
          doctorCodes.otlpEndpoint,
          t`OTEL_EXPORTER_OTLP_ENDPOINT=${seen} names ${what}; the collector's Service is ${svc.namespace}/${svc.name}. \
The app's exports fail (DNS or connection errors in its log) and no metric reaches the collector.`,
          evidence(seen),
          remedies,
        ),
      );
    }
    const sp = servicePortFor(svc, target.port);
    if (!sp)
      return fail(
        t`port ${target.port} is not a port of ${svc.namespace}/${svc.name}`,
        finding(
          doctorCodes.otlpEndpoint,
          t`OTEL_EXPORTER_OTLP_ENDPOINT=${seen} uses port ${target.port}, but the Service ${svc.namespace}/${svc.name} \
has ports ${svc.ports.map((p) => `${p.name ?? '?'}:${p.port}`).join(', ')}; the app's connections are refused.`,
          evidence(seen),
          remedies,
        ),
      );
    if (typeof sp.targetPort === 'number' && sp.targetPort !== grpcPort)
      return fail(
        t`port ${target.port} leads to ${sp.targetPort}, not the OTLP gRPC receiver`,
        finding(
          doctorCodes.otlpEndpoint,
          t`OTEL_EXPORTER_OTLP_ENDPOINT=${seen} reaches the collector's port ${sp.targetPort} \
(${sp.name ?? t`unnamed`}), but its OTLP gRPC receiver listens on ${grpcPort}.`,
          evidence(seen),
          remedies,
        ),
      );
    return pass(t`${seen} → Service ${svc.namespace}/${svc.name} port ${target.port}`);
  },
};

const collectorConfig: Link = {
  id: 'collector-config',
  get title() {
    return t`The collector config is valid`;
  },
  after: ['app-ready', 'otlp-endpoint'],
  check(s) {
    const col = s.collector;
    if (!col) return skip(unavailable(s, 'collector', t`the collector`));
    if (col.configText === undefined) return skip(t`the collector's config could not be read (${col.configSource})`);
    const opts = col.version ? { collectorVersion: col.version } : {};
    // lint picks its rules by file name: the ConfigMap key's (the Helm chart's "relay" has no .yaml),
    // else the file's; never configSource's words, which are a sentence in the user's language.
    const sourceName = col.configMap ? (col.configMap.key ?? '') : col.configSource;
    const lintName = /\.ya?ml$/i.test(sourceName) ? sourceName : 'collector.yaml';
    const errors = lint([{ file: lintName, text: col.configText }], opts).filter(
      (f) => f.severity === 'error' && f.code.startsWith('collector/'),
    );
    if (!errors.length)
      return pass(
        col.version
          ? t`${col.configSource}: no errors for collector ${col.version}`
          : t`${col.configSource}: no errors`,
      );
    // The fixes are offered on the file the student edits, linted on its own, where the ranges are right.
    const fileFindings =
      col.configFile && col.configFileText !== undefined
        ? lint([{ file: col.configFile, text: col.configFileText }], opts)
        : [];
    const findings = errors.map((e) => {
      const address = e.code === 'collector/telemetry-address-deprecated';
      const same = fileFindings.find((f) => f.code === e.code);
      const remedies: DoctorFix[] = [
        ...(same?.fixes ?? []).map((f): DoctorFix => ({
          kind: 'edit',
          title: f.title,
          file: col.configFile ?? '',
          edits: f.edits.map((ed) => ({ ...ed, file: col.configFile ?? '' })),
        })),
        ...(col.configFile
          ? [
              { kind: 'open' as const, title: t`Open the collector config`, target: col.configFile },
              run(t`Lint it`, obslab('lint', '--', col.configFile)),
            ]
          : []),
        ...(s.mode === 'sandbox' ? [restartCommand(s, 'collector')] : clusterConfigFixes(s)),
      ];
      return finding(
        address ? doctorCodes.telemetryAddress : doctorCodes.collectorConfig,
        `${e.message} (${e.code})`,
        [
          {
            object: col.configSource,
            seen: e.code,
            expected: address
              ? t`service.telemetry.metrics.readers with a pull/prometheus exporter`
              : t`no collector/* errors`,
          },
        ],
        remedies,
      );
    });
    return fail(
      errors.length === 1
        ? t`${errors.length} error in ${col.configSource}`
        : t`${errors.length} errors in ${col.configSource}`,
      ...findings,
    );
  },
};

/** In a cluster the config lives in a ConfigMap (or a Helm release's values): where to change it, then restart the collector. */
function clusterConfigFixes(s: DoctorSnapshot): DoctorFix[] {
  const col = s.collector;
  const restart = kubectl(s, '-n', s.lab.monitoringNamespace, 'rollout', 'restart', collectorWorkload(s));
  const out: DoctorFix[] = [];
  if (col?.helmRelease)
    out.push(...openLabFile(s, 'helm/otel-collector-values.yaml', t`Open the collector chart's values`));
  if (col?.configFile && !col.helmRelease)
    out.push(
      run(t`Apply the fixed file and restart the collector`, kubectl(s, 'apply', '-f', col.configFile), restart),
    );
  else if (col?.configMap) {
    // kubectl edit opens an editor, so it runs in a terminal of its own; the restart follows it.
    out.push({
      ...run(
        t`Edit ConfigMap ${col.configMap.name} in place`,
        kubectl(s, '-n', col.configMap.namespace, 'edit', 'configmap', col.configMap.name),
      ),
      interactive: true,
    });
    out.push(run(t`Restart the collector (after the edit)`, restart));
  }
  if (s.lab.dir) out.push(run(t`Lint the lab's files`, obslab('lint', '--', s.lab.dir)));
  return out;
}

const collectorUp: Link = {
  id: 'collector-up',
  get title() {
    return t`The collector is running and ready`;
  },
  after: ['app-ready', 'otlp-endpoint', 'collector-config'],
  check(s) {
    const col = s.collector;
    if (!col) return skip(unavailable(s, 'collector', t`the collector`));
    const ready = col.pods.some((p) => p.ready);
    const endpointsOk = col.service?.readyEndpoints === undefined || col.service.readyEndpoints > 0;
    if (ready && endpointsOk) return pass(readyCount(col.object, col.pods));
    const evidence: Evidence[] = [
      {
        object: col.object,
        seen: col.lastLog ? t`${podsSummary(col.pods)}; last log line: ${col.lastLog}` : podsSummary(col.pods),
        expected: t`a ready collector`,
      },
    ];
    if (col.service && !endpointsOk)
      evidence.push({
        object: t`Service ${col.service.namespace}/${col.service.name}`,
        seen: t`0 ready endpoints`,
        expected: t`the collector pod behind it`,
      });
    const remedies: DoctorFix[] =
      s.mode === 'sandbox'
        ? [restartCommand(s, 'collector')]
        : [
            run(
              t`Show the collector's log`,
              kubectl(s, '-n', s.lab.monitoringNamespace, 'logs', collectorWorkload(s), '--tail=50'),
            ),
            restartCommand(s, 'collector'),
          ];
    return fail(
      readyCount(col.object, col.pods),
      finding(
        doctorCodes.collectorDown,
        t`${col.object} is not running (${podsSummary(col.pods)}): the app's exports are refused \
and Prometheus' scrapes of :8888 and :8889 fail.`,
        evidence,
        remedies,
      ),
    );
  },
};

const serviceMonitorSelected: Link = {
  id: 'servicemonitor-selected',
  get title() {
    return t`Prometheus selects the lab's ServiceMonitors`;
  },
  after: ['collector-up'],
  check(s) {
    if (s.mode === 'sandbox')
      return skip(
        t`the sandbox's Prometheus scrapes the collector with static scrape configs that mirror the lab's ServiceMonitors`,
      );
    const p = s.prometheusObject;
    if (!p) return skip(unavailable(s, 'prometheusObject', t`the Prometheus object`));
    const sms = s.serviceMonitors;
    if (!sms) return skip(unavailable(s, 'serviceMonitors', t`the ServiceMonitors`));
    const svc = s.collector?.service;
    const lab = sms.filter((m) =>
      svc
        ? selectorMatches(m.selector, svc.labels) &&
          (m.anyNamespace || (m.namespaces ?? [m.namespace]).includes(svc.namespace))
        : m.name.startsWith(s.lab.collectorService),
    );
    const helmFix = (sm: string): DoctorFix[] => [
      run(
        t`Label ${sm} ${`release=${s.lab.helmRelease}`}`,
        kubectl(
          s,
          '-n',
          s.lab.monitoringNamespace,
          'label',
          'servicemonitor',
          sm,
          `release=${s.lab.helmRelease}`,
          '--overwrite',
        ),
      ),
      ...openLabFile(s, 'k8s/otel-servicemonitors.yaml', t`Open ${'k8s/otel-servicemonitors.yaml'}`),
    ];
    if (!lab.length) {
      return fail(
        t`no ServiceMonitor selects the collector Service`,
        finding(
          doctorCodes.serviceMonitorNotSelected,
          svc
            ? t`No ServiceMonitor selects the collector Service ${svc.namespace}/${svc.name} \
(labels ${describeSelector({ matchLabels: svc.labels })}), so Prometheus has nothing telling it to scrape the collector.`
            : t`No ServiceMonitor selects the collector Service, so Prometheus has nothing telling it to scrape the collector.`,
          [
            {
              object: t`ServiceMonitors in ${s.lab.monitoringNamespace}`,
              seen: sms.map((m) => t`${m.name} (selects ${describeSelector(m.selector)})`).join('; ') || t`none`,
              expected: svc
                ? t`ServiceMonitors selecting ${describeSelector({ matchLabels: svc.labels })}`
                : t`ServiceMonitors selecting the collector Service`,
            },
          ],
          [
            run(
              t`Apply the lab's ServiceMonitors`,
              kubectl(s, 'apply', '-f', labFile(s, 'k8s/otel-servicemonitors.yaml') ?? 'k8s/otel-servicemonitors.yaml'),
            ),
          ],
        ),
      );
    }
    const findings: DoctorFinding[] = [];
    for (const m of lab) {
      const nsOk = p.serviceMonitorNamespaceSelector === null ? m.namespace === p.namespace : true;
      if (!selectorMatches(p.serviceMonitorSelector, m.labels)) {
        findings.push(
          finding(
            doctorCodes.serviceMonitorNotSelected,
            t`Prometheus ${p.namespace}/${p.name} selects ServiceMonitors with ${describeSelector(p.serviceMonitorSelector)}, \
but ${m.namespace}/${m.name} has labels ${describeSelector({ matchLabels: m.labels })}: the operator ignores it and \
Prometheus never scrapes that endpoint.`,
            [
              {
                object: t`ServiceMonitor ${m.namespace}/${m.name}`,
                seen: t`labels ${describeSelector({ matchLabels: m.labels })}`,
                expected: describeSelector(p.serviceMonitorSelector),
              },
            ],
            helmFix(m.name),
          ),
        );
      } else if (!nsOk) {
        findings.push(
          finding(
            doctorCodes.serviceMonitorNotSelected,
            t`Prometheus ${p.namespace}/${p.name} has no serviceMonitorNamespaceSelector, so it only \
reads ServiceMonitors in ${p.namespace}; ${m.namespace}/${m.name} is elsewhere.`,
            [
              {
                object: t`ServiceMonitor ${m.namespace}/${m.name}`,
                seen: t`namespace ${m.namespace}`,
                expected: p.namespace,
              },
            ],
            [
              run(
                t`Let Prometheus read ServiceMonitors in every namespace`,
                helmUpgrade(
                  s,
                  p.namespace,
                  '--set-json',
                  'prometheus.prometheusSpec.serviceMonitorNamespaceSelector={}',
                ),
              ),
            ],
          ),
        );
      }
    }
    if (findings.length) return fail(t`${findings.length} of ${lab.length} ServiceMonitors not selected`, ...findings);
    return pass(
      t`${lab.map((m) => m.name).join(', ')} selected by ${p.namespace}/${p.name} (${describeSelector(p.serviceMonitorSelector)})`,
    );
  },
};

const portNames: Link = {
  id: 'port-names',
  get title() {
    return t`The ServiceMonitors name the collector Service's ports`;
  },
  after: ['collector-up', 'servicemonitor-selected'],
  check(s) {
    if (s.mode === 'sandbox')
      return skip(t`the sandbox has no ServiceMonitors; the targets link checks the ports Prometheus scrapes`);
    const svc = s.collector?.service;
    if (!svc) return skip(unavailable(s, 'collector', t`the collector Service`));
    const sms = s.serviceMonitors;
    if (!sms) return skip(unavailable(s, 'serviceMonitors', t`the ServiceMonitors`));
    const names = svc.ports.map((p) => p.name).filter((n): n is string => !!n);
    const findings: DoctorFinding[] = [];
    const lab = sms.filter((m) => selectorMatches(m.selector, svc.labels));
    for (const m of lab) {
      for (const e of m.endpoints) {
        if (e.port !== undefined && !names.includes(e.port)) {
          findings.push(
            finding(
              doctorCodes.portName,
              t`ServiceMonitor ${m.namespace}/${m.name} scrapes port "${e.port}", but the Service ${svc.namespace}/${svc.name} \
names its ports ${names.map((n) => `"${n}"`).join(', ')}: the operator finds no endpoint and Prometheus has no target for it.`,
              [
                {
                  object: t`ServiceMonitor ${m.namespace}/${m.name}`,
                  seen: `endpoints[].port: ${e.port}`,
                  expected: t`one of ${names.join(', ')}`,
                },
              ],
              [
                ...openLabFile(s, 'k8s/otel-servicemonitors.yaml', t`Open ${'k8s/otel-servicemonitors.yaml'}`),
                run(t`Lint the manifests`, obslab('lint', '--', s.lab.dir ?? '.')),
              ],
            ),
          );
        }
      }
    }
    if (findings.length)
      return fail(
        findings.length === 1
          ? t`${findings.length} endpoint port name not on the Service`
          : t`${findings.length} endpoint port names not on the Service`,
        ...findings,
      );
    return pass(
      t`ports ${lab.flatMap((m) => m.endpoints.map((e) => e.port ?? String(e.targetPort ?? '?'))).join(', ')} are named ports of ${svc.namespace}/${svc.name}`,
    );
  },
};

function targetsFor(s: DoctorSnapshot, targets: TargetState[], endpoint: string): TargetState[] {
  const service = collectorEndpoints(s).service;
  return targets.filter(
    (t) =>
      t.labels['service'] === service &&
      t.labels['endpoint'] === endpoint &&
      (t.labels['namespace'] === undefined || t.labels['namespace'] === s.lab.monitoringNamespace),
  );
}

function urlPort(url: string): number | undefined {
  try {
    const u = new URL(url);
    return u.port ? Number(u.port) : undefined;
  } catch {
    return undefined;
  }
}

const targets: Link = {
  id: 'targets',
  get title() {
    return t`Prometheus scrapes both collector endpoints`;
  },
  after: ['collector-config', 'collector-up', 'servicemonitor-selected', 'port-names'],
  check(s) {
    const prom = s.prometheus;
    if (!prom) return skip(unavailable(s, 'prometheus', t`Prometheus`));
    const listen = s.collector?.configText ? collectorListenPorts(s.collector.configText) : {};
    const findings: DoctorFinding[] = [];
    const seen: string[] = [];
    const names = collectorEndpoints(s);
    for (const [kind, portName] of [
      ['telemetry', names.telemetry],
      ['metrics', names.metrics],
    ] as const) {
      const expectedPort = listen[kind];
      const what =
        kind === 'metrics' ? t`the prometheus exporter (the app's metrics)` : t`the collector's own telemetry`;
      const ts = targetsFor(s, prom.targets, portName);
      if (!ts.length) {
        const pools = [...new Set(prom.targets.map((x) => x.scrapePool))];
        findings.push(
          finding(
            doctorCodes.targetMissing,
            expectedPort
              ? t`Prometheus has no target for endpoint "${portName}", ${what} on :${expectedPort}: nothing scrapes it.`
              : t`Prometheus has no target for endpoint "${portName}", ${what}: nothing scrapes it.`,
            [
              {
                object: t`Prometheus ${prom.url} targets`,
                seen: pools.length ? t`scrape pools ${pools.join(', ')}` : t`no targets`,
                expected: t`a target with ${`service="${names.service}", endpoint="${portName}"`}`,
              },
            ],
            [
              ...(s.mode === 'sandbox'
                ? [restartCommand(s, 'prometheus')]
                : openLabFile(s, 'k8s/otel-servicemonitors.yaml', t`Open ${'k8s/otel-servicemonitors.yaml'}`)),
              { kind: 'open', title: t`Open Prometheus' targets page`, target: `${prom.url}/targets` },
            ],
          ),
        );
        continue;
      }
      for (const tg of ts) {
        const port = urlPort(tg.scrapeUrl);
        if (expectedPort !== undefined && port !== undefined && port !== expectedPort) {
          findings.push(
            finding(
              doctorCodes.portName,
              tg.health === 'up'
                ? t`Prometheus scrapes endpoint "${portName}" at ${tg.scrapeUrl}, but ${what} listens on port ${expectedPort}: \
the scrape reaches something else.`
                : t`Prometheus scrapes endpoint "${portName}" at ${tg.scrapeUrl}, but ${what} listens on port ${expectedPort}: \
the scrape fails (${tg.lastError || tg.health}).`,
              [{ object: t`target ${tg.scrapePool}`, seen: tg.scrapeUrl, expected: t`port ${expectedPort}` }],
              s.mode === 'sandbox'
                ? [restartCommand(s, 'prometheus')]
                : openLabFile(s, 'k8s/otel-servicemonitors.yaml', t`Open ${'k8s/otel-servicemonitors.yaml'}`),
            ),
          );
        } else if (tg.health !== 'up') {
          findings.push(
            finding(
              doctorCodes.targetDown,
              tg.lastError
                ? t`The target ${tg.scrapeUrl} (${portName}) is ${tg.health}: ${tg.lastError}.`
                : t`The target ${tg.scrapeUrl} (${portName}) is ${tg.health} (not scraped yet).`,
              [
                {
                  object: t`target ${tg.scrapePool}`,
                  seen: `${tg.health}${tg.lastError ? ` (${tg.lastError})` : ''}`,
                  expected: 'up',
                },
              ],
              [{ kind: 'open', title: t`Open Prometheus' targets page`, target: `${prom.url}/targets` }],
            ),
          );
        } else {
          seen.push(t`${portName} ${tg.scrapeUrl} up`);
        }
      }
    }
    if (findings.length) return fail(findings.map((f) => f.code).join(', '), ...findings);
    return pass(seen.join('; '));
  },
};

function isAppMetric(name: string): boolean {
  return (
    name !== 'up' &&
    name !== 'target_info' &&
    !name.startsWith('scrape_') &&
    !name.startsWith('otelcol_') &&
    !name.startsWith('promhttp_')
  );
}

const appMetrics: Link = {
  id: 'app-metrics',
  get title() {
    return t`The app's metrics arrive in Prometheus`;
  },
  after: ['app-ready', 'otlp-endpoint', 'collector-config', 'collector-up', 'targets'],
  check(s) {
    const prom = s.prometheus;
    if (!prom) return skip(unavailable(s, 'prometheus', t`Prometheus`));
    const names = prom.appSeries.filter(isAppMetric);
    const at = collectorEndpoints(s);
    if (names.length)
      return pass(
        t`${names.length} app metric names from endpoint "${at.metrics}", e.g. ${names.slice(0, 3).join(', ')}`,
      );
    return fail(
      t`no app metrics`,
      finding(
        doctorCodes.noAppMetrics,
        t`Prometheus scrapes the collector's metrics endpoint but has none of the app's metrics there: \
the app has not handled a request yet, or does not export metrics (OTEL_METRICS_EXPORTER must be otlp).`,
        [
          {
            object: t`series ${`{service="${at.service}", endpoint="${at.metrics}"}`}`,
            seen: prom.appSeries.join(', ') || t`none`,
            expected: t`${'http_server_request_duration_seconds_*'} and ${'http_server_active_requests'}`,
          },
        ],
        [sendRequests(s)],
      ),
    );
  },
};

/** A PromQL duration such as 30s, 3m or 1h in seconds; undefined for anything else. */
function durationSeconds(d: string): number | undefined {
  const m = /^(\d+)(s|m|h)$/.exec(d);
  if (!m) return undefined;
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600 } as const)[m[2] as 's' | 'm' | 'h'];
}

const freshness: Link = {
  id: 'freshness',
  get title() {
    return t`Samples are fresh`;
  },
  after: ['app-ready', 'otlp-endpoint', 'collector-config', 'collector-up', 'targets', 'app-metrics'],
  check(s) {
    const prom = s.prometheus;
    if (!prom) return skip(unavailable(s, 'prometheus', t`Prometheus`));
    const window = prom.freshnessWindow ?? '2m';
    if (prom.acceptedPointsIncrease === undefined) {
      // No accepted-points series at all. A collector up for longer than the window whose own
      // telemetry is scraped has then accepted nothing since it started: as stale as a zero.
      const up = prom.collectorUptimeSeconds;
      const windowSeconds = durationSeconds(window);
      if (up === undefined || windowSeconds === undefined || up <= windowSeconds)
        return skip(
          t`Prometheus has no two samples of otelcol_receiver_accepted_metric_points for the collector within ${window} \
(just started, or its own telemetry is not scraped)`,
        );
      return fail(
        t`no metric points since the collector started ${Math.round(up)} s ago`,
        finding(
          doctorCodes.staleSamples,
          t`The collector has accepted no metric points since it started ${Math.round(up)} s ago (it has no \
otelcol_receiver_accepted_metric_points at all): the app does not export to it, or exports less often than \
every ${window}. Queries with rate() show nothing.`,
          [
            {
              object: 'otelcol_receiver_accepted_metric_points',
              seen: t`no series, collector up ${Math.round(up)} s`,
              expected: t`> 0 within the window (the app exports every OTEL_METRIC_EXPORT_INTERVAL, 60 s by default)`,
            },
          ],
          [restartCommand(s, 'app')],
        ),
      );
    }
    if (prom.acceptedPointsIncrease > 0)
      return pass(
        prom.newestAppSampleAgeSeconds !== undefined
          ? t`the collector accepted ${Math.round(prom.acceptedPointsIncrease)} metric points in the last ${window}; \
newest app sample ${prom.newestAppSampleAgeSeconds.toFixed(0)} s old`
          : t`the collector accepted ${Math.round(prom.acceptedPointsIncrease)} metric points in the last ${window}`,
      );
    return fail(
      t`no metric points in the last ${window}`,
      finding(
        doctorCodes.staleSamples,
        t`The collector accepted no metric points in the last ${window}: the app stopped exporting, so the values \
Prometheus scrapes are the last ones it sent and do not change. Queries with rate() show 0 or nothing.`,
        [
          {
            object: 'increase(otelcol_receiver_accepted_metric_points[…])',
            seen: '0',
            expected: t`> 0 (the app exports every OTEL_METRIC_EXPORT_INTERVAL, 60 s by default)`,
          },
        ],
        [restartCommand(s, 'app')],
      ),
    );
  },
};

function queryEdits(
  file: string | undefined,
  text: string | undefined,
  expr: string,
  replacements: { start: number; end: number; to: string }[],
): TextEdit[] {
  if (!file || text === undefined) return [];
  const lines = text.split('\n');
  const edits: TextEdit[] = [];
  lines.forEach((line, i) => {
    const at = line.indexOf(expr);
    if (at < 0) return;
    for (const r of replacements)
      edits.push({
        file,
        range: { start: { line: i, character: at + r.start }, end: { line: i, character: at + r.end } },
        newText: r.to,
      });
  });
  return edits;
}

/**
 * The `le`/`quantile` matchers of one lab query that Prometheus 3 never matches (`le="1"`), as a
 * finding with the edit that writes the float form; none on a Prometheus 2 (its buildinfo says).
 */
function floatLabelFinding(
  s: DoctorSnapshot,
  query: { title: string; expr: string },
  rewrites: MatcherRewrite[],
  withEdit: boolean,
): DoctorFinding {
  const q = s.queries;
  const edits = withEdit
    ? queryEdits(
        q?.file,
        q?.text,
        query.expr,
        rewrites.map((r) => ({ start: r.start, end: r.end, to: r.replacement })),
      )
    : [];
  const version = s.prometheus?.version
    ? `Prometheus ${s.prometheus.version}`
    : t`Prometheus (version unknown, taken as 3)`;
  return finding(
    doctorCodes.floatLabelValue,
    `"${query.title}": ${rewrites.map((r) => r.note).join('; ')}.`,
    rewrites.map((r) => ({ object: t`query ${query.expr} on ${version}`, seen: r.written, expected: r.replacement })),
    [
      ...(edits.length && q?.file
        ? [
            {
              kind: 'edit' as const,
              title: t`Use ${[...new Set(rewrites.map((r) => r.replacement))].join(', ')}`,
              file: q.file,
              edits,
            },
          ]
        : []),
      ...(q?.file ? [{ kind: 'open' as const, title: t`Open the queries`, target: q.file }] : []),
    ],
  );
}

const metricNames: Link = {
  id: 'metric-names',
  get title() {
    return t`The lab's queries use names Prometheus has`;
  },
  after: ['app-ready', 'otlp-endpoint', 'collector-config', 'collector-up', 'targets', 'app-metrics', 'freshness'],
  check(s) {
    const prom = s.prometheus;
    if (!prom) return skip(unavailable(s, 'prometheus', t`Prometheus`));
    const q = s.queries;
    if (!q) return skip(unavailable(s, 'queries', t`the lab's queries`));
    const findings: DoctorFinding[] = [];
    for (const query of q.queries) {
      // Prometheus 3 (or one whose version is unknown) stores le="1" as le="1.0".
      const rewrites = floatLabelRewritesFor(query.expr, prom.version);
      const missing = suggestForQuery(query.expr, prom.metricNames);
      if (!missing.length) {
        if (rewrites.length) findings.push(floatLabelFinding(s, query, rewrites, true));
        continue;
      }
      // Every use of a missing name, each placed as PromQL must write the best name there
      // (a UTF-8 name moves into the selector that follows: `{"x.y", a="b"}`).
      const replacements = metricNamesIn(query.expr).flatMap((ref) => {
        const best = missing.find((m) => m.name === ref.name)?.names?.[0];
        if (best === undefined) return [];
        const placed = placeNames(query.expr, ref, [best]);
        const to = placed.texts[0];
        return to === undefined ? [] : [{ start: placed.start, end: placed.end, to }];
      });
      const edits = queryEdits(q.file, q.text, query.expr, replacements);
      const remedies: DoctorFix[] = [
        ...(edits.length && q.file
          ? [
              {
                kind: 'edit' as const,
                title: t`Use ${[...new Set(missing.flatMap((m) => m.names?.slice(0, 1) ?? []))].join(', ')}`,
                file: q.file,
                edits,
              },
            ]
          : []),
        ...(q.file ? [{ kind: 'open' as const, title: t`Open the queries`, target: q.file }] : []),
      ];
      findings.push(
        finding(
          doctorCodes.metricNames,
          `"${query.title}": ${missing.map(describeSuggestion).join('; ')}.`,
          missing.map((m) => ({
            object: t`query ${query.expr}`,
            seen: m.name,
            expected: orList(m.suggestions) || t`a metric Prometheus has`,
          })),
          remedies,
        ),
      );
      // After the name: its edit would move the matchers' offsets, so the rewrite's edit waits for the next run.
      if (rewrites.length) findings.push(floatLabelFinding(s, query, rewrites, edits.length === 0));
    }
    if (findings.length) {
      const failing = (code: string): number => findings.filter((f) => f.code === code).length;
      const names = failing(doctorCodes.metricNames);
      const values = failing(doctorCodes.floatLabelValue);
      const what = [
        ...(names ? [t`${names} of ${q.queries.length} queries name metrics Prometheus lacks`] : []),
        ...(values
          ? [t`${values} of ${q.queries.length} queries match le or quantile values Prometheus 3 never stores`]
          : []),
      ];
      return fail(what.join('; '), ...findings);
    }
    return pass(t`every metric in ${q.queries.length} queries (${q.source}) exists`);
  },
};

const prometheusServiceAccount: Link = {
  id: 'prometheus-service-account',
  get title() {
    return t`Prometheus runs as the IRSA ServiceAccount`;
  },
  after: [],
  check(s) {
    if (s.mode === 'sandbox') return skip(t`the sandbox's Prometheus runs on this machine, without a ServiceAccount`);
    const p = s.prometheusObject;
    if (!p) return skip(unavailable(s, 'prometheusObject', t`the Prometheus object`));
    const want = s.lab.prometheusServiceAccount;
    const wrongPods = p.pods.filter((pod) => (pod.serviceAccountName ?? 'default') !== want);
    // Helm succeeds without it (the operator's StatefulSet is no object of the release), but no pod can be made.
    if (p.serviceAccountName === want && !p.pods.length && s.iam?.serviceAccountFound === false)
      return fail(
        t`${want} does not exist, so Prometheus has no pod`,
        finding(
          doctorCodes.prometheusServiceAccount,
          t`Prometheus ${p.namespace}/${p.name} is to run as ${want}, which does not exist in namespace ${p.namespace}: \
the API server refuses every pod of its StatefulSet, so Prometheus never starts, although the Helm step succeeded. \
Create it as Task 1 does, with the IRSA role's annotation.`,
          [{ object: t`ServiceAccount ${p.namespace}/${want}`, seen: t`not found`, expected: t`Task 1 created it` }],
          s.iam.roleArn
            ? [
                run(
                  t`Create ${want} with the IRSA role`,
                  kubectl(s, '-n', p.namespace, 'create', 'serviceaccount', want),
                  kubectl(
                    s,
                    '-n',
                    p.namespace,
                    'annotate',
                    'serviceaccount',
                    want,
                    `eks.amazonaws.com/role-arn=${s.iam.roleArn}`,
                  ),
                ),
              ]
            : [],
        ),
      );
    if (p.serviceAccountName === want && !wrongPods.length)
      return pass(t`${p.namespace}/${p.name} and ${p.pods.length} pod(s) run as ${want}`);
    const evidence: Evidence[] = [
      {
        object: `Prometheus ${p.namespace}/${p.name}`,
        seen: `spec.serviceAccountName: ${p.serviceAccountName || 'default'}`,
        expected: want,
      },
      ...wrongPods.map((pod) => ({
        object: t`pod ${p.namespace}/${pod.name}`,
        seen: `serviceAccountName: ${pod.serviceAccountName ?? 'default'}`,
        expected: want,
      })),
    ];
    return fail(
      t`runs as ${p.serviceAccountName || 'default'}`,
      finding(
        doctorCodes.prometheusServiceAccount,
        t`Prometheus ${p.namespace}/${p.name} runs as ServiceAccount ${p.serviceAccountName || 'default'}, not ${want}, \
so it does not get the IRSA role's credentials (the lab's --set serviceAccounts.server.* is a key \
kube-prometheus-stack does not have).`,
        evidence,
        [
          run(
            t`Run Prometheus as ${want}`,
            helmUpgrade(
              s,
              p.namespace,
              '--set',
              'prometheus.serviceAccount.create=false',
              '--set',
              `prometheus.serviceAccount.name=${want}`,
            ),
          ),
          ...openLabFile(s, 'helm/kube-prometheus-stack-values.yaml', t`Open the Helm values`),
        ],
      ),
    );
  },
};

const irsaAnnotation: Link = {
  id: 'irsa-annotation',
  get title() {
    return t`prometheus-sa carries the IRSA role's ARN`;
  },
  after: ['prometheus-service-account'],
  check(s) {
    const iam = s.iam;
    if (s.mode === 'sandbox') return skip(t`the sandbox has no ServiceAccounts`);
    if (!iam) return skip(unavailable(s, 'iam', t`the IAM role`));
    if (iam.serviceAccountFound === undefined || !iam.roleArn)
      return skip(t`the ServiceAccount or the role's ARN could not be read`);
    const sa = `${s.lab.monitoringNamespace}/${s.lab.prometheusServiceAccount}`;
    if (!iam.serviceAccountFound)
      return skip(
        t`the ServiceAccount ${sa} does not exist (the Prometheus ServiceAccount link says why that matters)`,
      );
    if (iam.serviceAccountAnnotation === iam.roleArn) return pass(`${sa}: eks.amazonaws.com/role-arn=${iam.roleArn}`);
    const seen = iam.serviceAccountAnnotation ?? t`(no annotation)`;
    return fail(
      t`${sa} names ${seen}`,
      finding(
        doctorCodes.irsaAnnotation,
        iam.serviceAccountAnnotation
          ? t`The ServiceAccount ${sa} names the role ${iam.serviceAccountAnnotation}, not ${iam.roleArn}: \
EKS injects that role's web-identity credentials into Prometheus' pods, so remote write is denied.`
          : t`The ServiceAccount ${sa} has no eks.amazonaws.com/role-arn annotation, not ${iam.roleArn}: \
EKS injects no web-identity credentials into Prometheus' pods, so remote write is denied.`,
        [{ object: t`ServiceAccount ${sa}`, seen: `eks.amazonaws.com/role-arn: ${seen}`, expected: iam.roleArn }],
        [
          run(
            t`Annotate the ServiceAccount with the role`,
            kubectl(
              s,
              '-n',
              s.lab.monitoringNamespace,
              'annotate',
              'serviceaccount',
              s.lab.prometheusServiceAccount,
              `eks.amazonaws.com/role-arn=${iam.roleArn}`,
              '--overwrite',
            ),
          ),
          // Pods read the annotation when they start.
          run(
            t`Restart Prometheus so its pods get the credentials`,
            kubectl(
              s,
              '-n',
              s.lab.monitoringNamespace,
              'delete',
              'pod',
              '-l',
              `prometheus=${s.prometheusObject?.name ?? kubePrometheusStackNames(s.lab.helmRelease).prometheus}`,
            ),
          ),
        ],
      ),
    );
  },
};

const irsaTrust: Link = {
  id: 'irsa-trust',
  get title() {
    return t`The IRSA role trusts Prometheus' ServiceAccount`;
  },
  after: ['prometheus-service-account'],
  check(s) {
    const iam = s.iam;
    if (!iam && s.mode === 'sandbox')
      return skip(t`the sandbox has no IAM role; run the doctor against the cluster with --role`);
    if (!iam) return skip(unavailable(s, 'iam', t`the IAM role`));
    const errors = iam.findings.filter((f) => f.severity === 'error');
    if (iam.canAssume !== false && !errors.length) return pass(t`${iam.roleName} trusts ${iam.expectedSubject}`);
    const why = errors[0]?.message ?? t`AssumeRoleWithWebIdentity is denied`;
    return fail(
      t`${iam.expectedSubject} cannot assume ${iam.roleName}`,
      finding(
        doctorCodes.irsaTrust,
        iam.trustedSubjects.length
          ? t`${iam.roleName}'s trust policy does not let ${iam.expectedSubject} assume it \
(it trusts ${iam.trustedSubjects.join(', ')}): ${why}`
          : t`${iam.roleName}'s trust policy does not let ${iam.expectedSubject} assume it: ${why}`,
        [
          {
            object: t`IAM role ${iam.roleArn ?? iam.roleName}`,
            seen: iam.trustedSubjects.join(', ') || t`no :sub condition`,
            expected: iam.expectedSubject,
          },
        ],
        [
          run(t`Inspect and repair the role`, obslab('iam', 'inspect', '--', iam.roleName)),
          ...openLabFile(s, 'COMMANDS.md', t`Open the lab commands (Task 1)`),
        ],
      ),
    );
  },
};

export const doctorLinks: readonly Link[] = [
  appReady,
  otlpEndpoint,
  collectorConfig,
  collectorUp,
  serviceMonitorSelected,
  portNames,
  targets,
  appMetrics,
  freshness,
  metricNames,
  prometheusServiceAccount,
  irsaAnnotation,
  irsaTrust,
];

/** Runs the chain over a snapshot. Never throws: a check that fails to run is a skipped link. */
export function runDoctor(s: DoctorSnapshot): DoctorReport {
  const results: LinkResult[] = [];
  const broken = new Map<LinkId, LinkId>(); // link → the cause it traces back to
  for (const link of doctorLinks) {
    let outcome: Outcome;
    try {
      outcome = link.check(s);
    } catch (e) {
      outcome = skip(t`the check failed to run: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (outcome.status !== 'failed') {
      results.push({ id: link.id, title: link.title, status: outcome.status, detail: outcome.detail, findings: [] });
      continue;
    }
    const upstream = link.after.map((id) => broken.get(id)).find((c): c is LinkId => c !== undefined);
    if (upstream) {
      const causeCode = results.find((r) => r.id === upstream)?.findings[0]?.code ?? upstream;
      broken.set(link.id, upstream);
      results.push({
        id: link.id,
        title: link.title,
        status: 'consequence',
        detail: outcome.detail,
        causedBy: upstream,
        findings: outcome.findings.map((f) => ({ ...f, severity: 'info', consequenceOf: causeCode })),
      });
    } else {
      broken.set(link.id, link.id);
      results.push({
        id: link.id,
        title: link.title,
        status: 'failed',
        detail: outcome.detail,
        findings: outcome.findings,
      });
    }
  }
  const causes = results
    .filter((r) => r.status === 'failed')
    .map((r) => ({ link: r.id, code: r.findings[0]?.code ?? r.id }));
  const first = results.find((r) => r.status === 'failed');
  const firstFinding = first?.findings[0];
  // A chain of skipped links checked nothing: that is not a healthy lab (a stopped sandbox).
  const checked = results.some((r) => r.status === 'passed');
  return {
    mode: s.mode,
    takenAt: s.takenAt,
    healthy: causes.length === 0 && checked,
    ...(first && firstFinding
      ? { cause: { link: first.id, code: firstFinding.code, message: firstFinding.message } }
      : {}),
    causes,
    links: results,
  };
}
