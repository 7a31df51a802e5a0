// collector/*: the OpenTelemetry Collector's configuration, as the collector itself would
// judge it at the version the manifests run, plus what breaks once it runs in a pod.
import { isScalar, type Node, type Pair } from 'yaml';
import type { Finding, Fix } from '../../finding';
import {
  atLeast,
  collectorVersionFromImage,
  connectorsOnByDefault,
  formatVersion,
  introducedComponents,
  isCollectorImage,
  parseVersion,
  removedComponents,
  telemetryAddressState,
  type ImageVersion,
} from '../../collector/versions';
import { servicePorts } from '../../helm/collectorChart';
import { t } from '../../text/l10n';
import { reportingDefaults } from '../chartValues';
import type { CollectorConfig } from '../model';
import { at as report, closest, type Rule, type RuleContext } from '../rule';
import { parseServiceUrl, podsOf, sameNamespace, serviceForTarget, type PodTemplate } from '../workloads';
import {
  asMap,
  at,
  entries,
  entry,
  nodeRange,
  offsetsRange,
  scalarText,
  seqItems,
  type Entry,
  type YamlView,
} from '../yamlView';

type Kind = 'receivers' | 'processors' | 'exporters' | 'connectors' | 'extensions';
const componentKinds: Kind[] = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'];
const signals = ['traces', 'metrics', 'logs'] as const;

/** The collector version a config runs: from the image of the pod that mounts its ConfigMap. */
export function collectorVersionOf(ctx: RuleContext, cfg: CollectorConfig): ImageVersion {
  if (cfg.chart) {
    const image = cfg.chart.values['image'];
    const repository =
      typeof image === 'object' && image !== null ? (image as Record<string, unknown>)['repository'] : undefined;
    const v = parseVersion(cfg.chart.collectorVersion);
    if (v)
      return {
        version: v,
        source: 'tag',
        image: `${typeof repository === 'string' && repository ? repository : t`the chart image`}:${cfg.chart.collectorVersion}`,
      };
  }
  if (cfg.configMap) {
    const cm = cfg.configMap.object;
    for (const pod of ctx.pods) {
      if (!sameNamespace(pod.namespace, cm.namespace)) continue;
      const volumes = pod.volumes.filter((v) => v.configMap?.name === cm.name).map((v) => v.name);
      if (!volumes.length) continue;
      const container =
        pod.containers.find(
          (c) => c.volumeMounts.some((m) => volumes.includes(m.name)) && c.image && isCollectorImage(c.image),
        ) ?? pod.containers.find((c) => c.image && isCollectorImage(c.image));
      if (container?.image) return collectorVersionFromImage(container.image);
    }
  }
  const pinned = ctx.options.collectorVersion ? parseVersion(ctx.options.collectorVersion) : undefined;
  return pinned ? { version: pinned, source: 'tag' } : collectorVersionFromImage(undefined);
}

/** The collector a config runs, for messages: its version and where it comes from. */
export function describeVersion(v: ImageVersion): string {
  const version = formatVersion(v.version);
  if (v.source === 'tag') return v.image ? t`collector ${version} (${v.image})` : t`collector ${version}`;
  if (v.source === 'latest')
    return v.image
      ? t`${v.image} (:latest means the newest release, ${version})`
      : t`the image (:latest means the newest release, ${version})`;
  return t`the newest collector, ${version} (the version is not known from the files)`;
}

/** A component kind in a sentence: receiver, processor… (the YAML section without its s). */
function kindWord(kind: Kind): string {
  switch (kind) {
    case 'receivers':
      return t`receiver`;
    case 'processors':
      return t`processor`;
    case 'exporters':
      return t`exporter`;
    case 'connectors':
      return t`connector`;
    case 'extensions':
      return t`extension`;
  }
}

/** Pipeline `pipeline` names `name` as a `role` that no section defines (with a suggestion when one is close). */
function undefinedRefMessage(
  pipeline: string,
  role: Ref['role'],
  name: string,
  suggestion: string | undefined,
): string {
  switch (role) {
    case 'receivers':
      return suggestion
        ? t`Pipeline ${pipeline} names receiver '${name}', which is not defined under receivers or connectors; \
did you mean '${suggestion}'?`
        : t`Pipeline ${pipeline} names receiver '${name}', which is not defined under receivers or connectors.`;
    case 'processors':
      return suggestion
        ? t`Pipeline ${pipeline} names processor '${name}', which is not defined under processors; did you mean '${suggestion}'?`
        : t`Pipeline ${pipeline} names processor '${name}', which is not defined under processors.`;
    case 'exporters':
      return suggestion
        ? t`Pipeline ${pipeline} names exporter '${name}', which is not defined under exporters or connectors; \
did you mean '${suggestion}'?`
        : t`Pipeline ${pipeline} names exporter '${name}', which is not defined under exporters or connectors.`;
  }
}

function typeOf(id: string): string {
  return id.split('/')[0] ?? id;
}

/** Text to replace a node with, indented for where the node starts in the file. */
function indentedBlock(view: YamlView, startOffset: number, lines: string[]): string {
  const col = view.map(view.index.position(startOffset)).character;
  return lines.map((l, i) => (i === 0 ? l : `${' '.repeat(col)}${l}`)).join('\n');
}

function replaceFix(view: YamlView, title: string, node: Node | Pair, newText: string): Fix {
  return { title, edits: [{ file: view.file, range: nodeRange(view, node), newText }] };
}

function pairStart(pair: Pair<unknown, unknown>): number {
  return (pair.key as Node | null)?.range?.[0] ?? 0;
}

function pairEnd(pair: Pair<unknown, unknown>): number {
  return (pair.value as Node | null)?.range?.[1] ?? (pair.key as Node | null)?.range?.[1] ?? 0;
}

interface Ref {
  name: string;
  node: unknown;
  pipeline: string;
  role: 'receivers' | 'processors' | 'exporters';
}

function pipelineRefs(cfg: CollectorConfig): { pipelines: Entry[]; refs: Ref[] } {
  const pipelines = entries(asMap(at(cfg.root, ['service', 'pipelines'])));
  const refs: Ref[] = [];
  for (const p of pipelines) {
    for (const role of ['receivers', 'processors', 'exporters'] as const) {
      for (const item of seqItems(at(p.value, [role]))) {
        const name = scalarText(item);
        if (name !== undefined) refs.push({ name, node: item, pipeline: p.key, role });
      }
    }
  }
  return { pipelines, refs };
}

function checkPipelines(ctx: RuleContext, cfg: CollectorConfig): void {
  const view = cfg.view;
  const defined = new Map<Kind, Entry[]>(componentKinds.map((k) => [k, entries(asMap(at(cfg.root, [k])))]));
  const names = (kinds: Kind[]): string[] => kinds.flatMap((k) => (defined.get(k) ?? []).map((e) => e.key));
  const serviceEntry = entry(cfg.root, 'service');
  const { pipelines, refs } = pipelineRefs(cfg);

  if (!serviceEntry) {
    ctx.report(
      report(
        view,
        cfg.root,
        'collector/pipeline-incomplete',
        'error',
        t`The config has no \`service\` section, so no pipeline runs: add service.pipelines with at least one receiver \
and one exporter.`,
      ),
    );
  } else if (pipelines.length === 0) {
    ctx.report(
      report(
        view,
        serviceEntry.keyNode,
        'collector/pipeline-incomplete',
        'error',
        t`No pipelines under service.pipelines: the collector refuses to start without one.`,
      ),
    );
  }
  for (const p of pipelines) {
    const signal = typeOf(p.key);
    if (!['traces', 'metrics', 'logs', 'profiles'].includes(signal)) {
      ctx.report(
        report(
          view,
          p.keyNode,
          'collector/pipeline-incomplete',
          'error',
          t`'${p.key}' is not a pipeline type: use traces, metrics or logs (optionally with /name).`,
        ),
      );
    }
    for (const role of ['receivers', 'exporters'] as const) {
      if (seqItems(at(p.value, [role])).length === 0) {
        ctx.report(
          report(
            view,
            p.keyNode,
            'collector/pipeline-incomplete',
            'error',
            role === 'receivers'
              ? t`Pipeline ${p.key} has no receivers: every pipeline needs at least one receiver and one exporter.`
              : t`Pipeline ${p.key} has no exporters: every pipeline needs at least one receiver and one exporter.`,
          ),
        );
      }
    }
  }

  const allowed: Record<Ref['role'], Kind[]> = {
    receivers: ['receivers', 'connectors'],
    processors: ['processors'],
    exporters: ['exporters', 'connectors'],
  };
  for (const ref of refs) {
    const candidates = names(allowed[ref.role]);
    if (candidates.includes(ref.name)) continue;
    const suggestion = closest(ref.name, candidates);
    const fixes: Fix[] = suggestion ? [replaceFix(view, t`Use '${suggestion}'`, ref.node as Node, suggestion)] : [];
    ctx.report(
      report(
        view,
        ref.node,
        'collector/unknown-component',
        'error',
        undefinedRefMessage(ref.pipeline, ref.role, ref.name, suggestion),
        { fixes },
      ),
    );
  }

  const available = ctx.options.collectorComponents;
  if (available) {
    for (const kind of componentKinds) {
      const types = available[kind];
      if (!types) continue;
      for (const e of defined.get(kind) ?? []) {
        if (!types.includes(typeOf(e.key)))
          ctx.report(
            report(
              view,
              e.keyNode,
              'collector/unknown-component',
              'error',
              t`This collector build has no ${typeOf(e.key)} ${kindWord(kind)} (it has ${types.join(', ') || t`none`}).`,
            ),
          );
      }
    }
  }

  // By kind: a prometheus receiver in a pipeline does not make a prometheus exporter used.
  for (const kind of ['receivers', 'processors', 'exporters', 'connectors'] as const) {
    const used = new Set(refs.filter((r) => allowed[r.role].includes(kind)).map((r) => r.name));
    for (const e of defined.get(kind) ?? []) {
      if (!used.has(e.key))
        ctx.report(
          report(
            view,
            e.keyNode,
            'collector/unused-component',
            'warning',
            t`${kindWord(kind)} '${e.key}' is defined but no pipeline uses it, so it does nothing.`,
          ),
        );
    }
  }
  const listedExtensions = seqItems(at(cfg.root, ['service', 'extensions']));
  const listedNames = listedExtensions.map(scalarText);
  for (const e of defined.get('extensions') ?? []) {
    if (!listedNames.includes(e.key))
      ctx.report(
        report(
          view,
          e.keyNode,
          'collector/unused-component',
          'warning',
          t`extension '${e.key}' is defined but not listed in service.extensions, so it does not run.`,
        ),
      );
  }
  for (const item of listedExtensions) {
    const name = scalarText(item);
    if (name !== undefined && !names(['extensions']).includes(name))
      ctx.report(
        report(
          view,
          item,
          'collector/unknown-component',
          'error',
          t`service.extensions names '${name}', which is not defined under extensions.`,
        ),
      );
  }
}

function checkRemoved(ctx: RuleContext, cfg: CollectorConfig, version: ImageVersion): void {
  const { refs } = pipelineRefs(cfg);
  for (const removed of removedComponents) {
    for (const e of entries(asMap(at(cfg.root, [removed.kind])))) {
      if (typeOf(e.key) !== removed.type) continue;
      const gone = atLeast(version.version, removed.removedIn);
      if (!gone && !atLeast(version.version, removed.deprecatedIn)) continue;
      const fixes: Fix[] = [];
      if (removed.type === 'logging') {
        // The debug exporter takes none of logging's options but verbosity; only rename a bare one.
        const options = entries(asMap(e.value)).map((o) => o.key);
        if (options.every((o) => o === 'verbosity')) {
          const renamed = e.key.replace(/^logging/, 'debug');
          const edits = [e.keyNode, ...refs.filter((r) => r.name === e.key).map((r) => r.node)].map((n) => ({
            file: cfg.view.file,
            range: nodeRange(cfg.view, n as Node),
            newText: renamed,
          }));
          fixes.push({ title: t`Replace the logging exporter with '${renamed}'`, edits });
        }
      }
      const who = describeVersion(version);
      const kind = kindWord(removed.kind);
      ctx.report(
        report(
          cfg.view,
          e.keyNode,
          'collector/removed-component',
          gone ? 'error' : 'warning',
          gone
            ? t`The ${removed.type} ${kind} was removed in v${removed.removedIn}; ${who} refuses to start with it. \
Use ${removed.replacement}.`
            : t`The ${removed.type} ${kind} was deprecated in v${removed.deprecatedIn} and is removed in \
v${removed.removedIn}; ${who} still accepts it. Use ${removed.replacement}.`,
          { fixes },
        ),
      );
    }
  }
}

/**
 * Components younger than the collector the files run: that release refuses the config ("unknown
 * type"). Judged only where the version is known from an image tag: an unpinned image is the
 * newest release, which has them all.
 */
function checkIntroduced(ctx: RuleContext, cfg: CollectorConfig, version: ImageVersion): void {
  if (version.source !== 'tag') return;
  for (const c of introducedComponents) {
    if (atLeast(version.version, c.since)) continue;
    for (const e of entries(asMap(at(cfg.root, [c.kind])))) {
      if (typeOf(e.key) !== c.type) continue;
      const who = describeVersion(version);
      const kind = kindWord(c.kind);
      ctx.report(
        report(
          cfg.view,
          e.keyNode,
          'collector/component-not-in-version',
          'error',
          c.kind === 'exporters' && c.type === 'debug'
            ? t`The ${c.type} ${kind} first shipped in v${c.since}; ${who} does not have it and refuses to start \
("unknown type: ${c.type}"). Use the logging exporter on that release, or a newer image.`
            : t`The ${c.type} ${kind} first shipped in v${c.since}; ${who} does not have it and refuses to start \
("unknown type: ${c.type}"). Use a newer image, or the component that release has.`,
        ),
      );
    }
  }
  const connectors = entry(cfg.root, 'connectors');
  if (connectors && entries(asMap(connectors.value)).length && !atLeast(version.version, connectorsOnByDefault)) {
    ctx.report(
      report(
        cfg.view,
        connectors.keyNode,
        'collector/component-not-in-version',
        'error',
        t`Connectors are on by default from v${connectorsOnByDefault} (v0.71.0 to v0.73.x need the service.connectors \
feature gate); ${describeVersion(version)} does not run them as written.`,
      ),
    );
  }
}

const levels = ['none', 'basic', 'normal', 'detailed'];

/** Telemetry settings the collector refuses, by version (service/telemetry Config.Validate). */
function checkTelemetry(ctx: RuleContext, cfg: CollectorConfig, version: ImageVersion): void {
  const metrics = asMap(at(cfg.root, ['service', 'telemetry', 'metrics']));
  if (!metrics) return;
  const levelEntry = entry(metrics, 'level');
  const level = (scalarText(levelEntry?.value) ?? 'normal').toLowerCase();
  if (levelEntry && !levels.includes(level)) {
    ctx.report(
      report(
        cfg.view,
        levelEntry.value,
        'collector/telemetry-invalid',
        'error',
        t`service.telemetry.metrics.level is '${scalarText(levelEntry.value) ?? ''}'; the collector takes none, basic, \
normal or detailed.`,
      ),
    );
  }
  const readers = entry(metrics, 'readers');
  // Before v0.123.0 the default address still supplied a reader; from then an empty list is refused.
  if (
    readers &&
    seqItems(readers.value).length === 0 &&
    level !== 'none' &&
    atLeast(version.version, '0.123.0') &&
    !entry(metrics, 'address')
  ) {
    ctx.report(
      report(
        cfg.view,
        readers.pair,
        'collector/telemetry-invalid',
        'error',
        t`readers is empty while level is ${level}: ${describeVersion(version)} refuses to start ("collector \
telemetry metrics reader should exist when metric level is not none"). Add a pull/prometheus reader, \
or set level: none.`,
      ),
    );
  }
  const views = entry(metrics, 'views');
  if (views) {
    if (!atLeast(version.version, '0.124.0')) {
      ctx.report(
        report(
          cfg.view,
          views.keyNode,
          'collector/telemetry-invalid',
          'error',
          t`${describeVersion(version)} has no service.telemetry.metrics.views (it came in v0.124.0) and refuses the key.`,
        ),
      );
    } else if (level !== 'detailed') {
      ctx.report(
        report(
          cfg.view,
          views.keyNode,
          'collector/telemetry-invalid',
          'error',
          t`views can only be set when level is detailed (it is ${level}); the collector refuses to start.`,
        ),
      );
    }
  }
}

function splitHostPort(value: string): { host: string; port: string } | undefined {
  const m = /^(\[[^\]]*\]|[^:]*):([^:]*)$/.exec(value.trim());
  return m ? { host: m[1] ?? '', port: m[2] ?? '' } : undefined;
}

function checkTelemetryAddress(ctx: RuleContext, cfg: CollectorConfig, version: ImageVersion): void {
  const metrics = asMap(at(cfg.root, ['service', 'telemetry', 'metrics']));
  const address = entry(metrics, 'address');
  if (!metrics || !address) return;
  const state = telemetryAddressState(version.version);
  const value = scalarText(address.value) ?? '';
  const hp = splitHostPort(value);
  const who = describeVersion(version);
  const messages = {
    honoured: () =>
      t`service.telemetry.metrics.address works in ${who}, but it is deprecated from v0.111.0 \
and rejected from v0.128.0; the readers form works from v0.111.0 on.`,
    deprecated: () =>
      t`service.telemetry.metrics.address is deprecated since v0.111.0; ${who} still serves \
its metrics there, but v0.123.0 ignores it and v0.128.0 refuses to start. Use readers with a pull/prometheus exporter.`,
    ignored: () =>
      value
        ? t`service.telemetry.metrics.address is ignored from v0.123.0: ${who} starts but does \
not serve its own metrics on ${value}, so Prometheus finds nothing there. Use readers with a pull/prometheus exporter.`
        : t`service.telemetry.metrics.address is ignored from v0.123.0: ${who} starts but does \
not serve its own metrics on that address, so Prometheus finds nothing there. Use readers with a pull/prometheus exporter.`,
    rejected: () =>
      t`service.telemetry.metrics.address was removed in v0.128.0: ${who} refuses to start \
("has invalid keys: address"). Use readers with a pull/prometheus exporter.`,
  } as const;
  const fixes: Fix[] = [];
  if (state !== 'honoured') {
    const readers = entry(metrics, 'readers');
    const start = pairStart(address.pair);
    const end = pairEnd(address.pair);
    if (readers) {
      // Readers are set already: remove the address line whole, from its start to the next line.
      const lineStart = cfg.view.text.lastIndexOf('\n', start - 1) + 1;
      const nextLine = cfg.view.text.indexOf('\n', end);
      fixes.push({
        title: t`Remove the address key (readers are already set)`,
        edits: [
          {
            file: cfg.view.file,
            range: offsetsRange(cfg.view, lineStart, nextLine < 0 ? end : nextLine + 1),
            newText: '',
          },
        ],
      });
    } else if (hp && /^\d+$/.test(hp.port)) {
      const host = hp.host === '' ? '0.0.0.0' : hp.host.replace(/^\[|\]$/g, '');
      const block = indentedBlock(cfg.view, start, [
        'readers:',
        '  - pull:',
        '      exporter:',
        '        prometheus:',
        `          host: ${/^[\w.-]+$/.test(host) ? host : JSON.stringify(host)}`,
        `          port: ${hp.port}`,
      ]);
      fixes.push({
        title: t`Rewrite as readers: pull/prometheus on ${host}:${hp.port}`,
        edits: [{ file: cfg.view.file, range: offsetsRange(cfg.view, start, end), newText: block }],
      });
    }
  }
  const severity = state === 'rejected' ? 'error' : state === 'honoured' ? 'info' : 'warning';
  ctx.report(
    report(cfg.view, address.pair, 'collector/telemetry-address-deprecated', severity, messages[state](), { fixes }),
  );
}

/**
 * Receivers whose `endpoint` is where the collector listens (host:port). For the others (scrapers
 * such as docker_stats, redis, nginx or the prometheus receiver's targets) `endpoint` is what they
 * read from: a URL (unix:///var/run/docker.sock, http://host/status) or a host:port they connect to,
 * where localhost in a pod can be right (a sidecar).
 */
const listeningReceivers = new Set([
  'otlp',
  'jaeger',
  'zipkin',
  'opencensus',
  'fluentforward',
  'statsd',
  'carbon',
  'influxdb',
  'signalfx',
  'splunk_hec',
  'sapm',
  'skywalking',
  'loki',
  'awsxray',
  'datadog',
  'collectd',
  'syslog',
  'tcplog',
  'udplog',
  'awsfirehose',
  'webhookevent',
  'otelarrow',
]);

/** A URL or a socket path, not host:port: `unix:///var/run/docker.sock`, `http://0.0.0.0:8080/path`. */
function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim()) || value.trim().startsWith('/');
}

function checkEndpoint(
  ctx: RuleContext,
  view: YamlView,
  node: unknown,
  where: string,
): { host: string; port: number } | undefined {
  const value = scalarText(node);
  if (value === undefined || value.includes('${') || isUrl(value)) return undefined;
  const hp = splitHostPort(value);
  if (!hp || hp.port === '') {
    ctx.report(
      report(
        view,
        node,
        'collector/invalid-endpoint',
        'error',
        t`${where} '${value}' is not host:port (for example 0.0.0.0:4317).`,
      ),
    );
    return undefined;
  }
  const port = Number(hp.port);
  if (!/^\d+$/.test(hp.port) || port > 65535) {
    ctx.report(
      report(
        view,
        node,
        'collector/invalid-endpoint',
        'error',
        t`${where} '${value}' has port '${hp.port}', outside 0 to 65535.`,
      ),
    );
    return undefined;
  }
  return { host: hp.host.replace(/^\[|\]$/g, ''), port };
}

const loopback = new Set(['localhost', '127.0.0.1', '::1']);

function hostFix(view: YamlView, node: unknown, hostPort: { host: string; port: number }): Fix[] {
  return [replaceFix(view, t`Listen on 0.0.0.0:${hostPort.port}`, node as Node, `0.0.0.0:${hostPort.port}`)];
}

function checkEndpoints(ctx: RuleContext, cfg: CollectorConfig, version: ImageVersion): void {
  const view = cfg.view;
  const inPod = cfg.configMap !== undefined || cfg.chart !== undefined;
  for (const r of entries(asMap(at(cfg.root, ['receivers'])))) {
    const direct = at(r.value, ['endpoint']);
    if (direct !== undefined && listeningReceivers.has(typeOf(r.key))) {
      const hp = checkEndpoint(ctx, view, direct, t`Receiver ${r.key} endpoint`);
      if (hp && inPod && loopback.has(hp.host))
        ctx.report(
          report(
            view,
            direct,
            'collector/endpoint-localhost-in-pod',
            'warning',
            t`Receiver ${r.key} listens on ${hp.host}, but it runs in a pod, where localhost is unreachable \
from other pods and from Prometheus. Listen on 0.0.0.0.`,
            { fixes: hostFix(view, direct, hp) },
          ),
        );
    }
    for (const proto of entries(asMap(at(r.value, ['protocols'])))) {
      const endpointEntry = entry(asMap(proto.value), 'endpoint');
      const defaultPort = proto.key === 'grpc' ? 4317 : 4318;
      if (endpointEntry) {
        const hp = checkEndpoint(ctx, view, endpointEntry.value, t`Receiver ${r.key} ${proto.key} endpoint`);
        if (hp && inPod && loopback.has(hp.host))
          ctx.report(
            report(
              view,
              endpointEntry.value,
              'collector/endpoint-localhost-in-pod',
              'warning',
              t`Receiver ${r.key} (${proto.key}) listens on ${hp.host}, but it runs in a pod, where localhost \
is unreachable from other pods and from Prometheus. Listen on 0.0.0.0.`,
              { fixes: hostFix(view, endpointEntry.value, hp) },
            ),
          );
      } else if (inPod && typeOf(r.key) === 'otlp' && atLeast(version.version, '0.104.0')) {
        const empty =
          proto.value === null ||
          (isScalar(proto.value) && proto.value.value === null) ||
          (asMap(proto.value)?.items.length ?? 1) === 0;
        const start = pairStart(proto.pair);
        const fixes: Fix[] = empty
          ? [
              {
                title: t`Listen on 0.0.0.0:${defaultPort}`,
                edits: [
                  {
                    file: view.file,
                    range: offsetsRange(view, start, pairEnd(proto.pair)),
                    newText: indentedBlock(view, start, [`${proto.key}:`, `  endpoint: 0.0.0.0:${defaultPort}`]),
                  },
                ],
              },
            ]
          : [];
        ctx.report(
          report(
            view,
            proto.keyNode,
            'collector/endpoint-localhost-in-pod',
            'warning',
            t`Receiver ${r.key} (${proto.key}) has no endpoint, so ${describeVersion(version)} listens on \
localhost:${defaultPort} (the default since v0.104.0), but it runs in a pod, where localhost is unreachable from \
other pods and from Prometheus. Set endpoint: 0.0.0.0:${defaultPort}.`,
            { fixes },
          ),
        );
      }
    }
  }
  for (const e of entries(asMap(at(cfg.root, ['exporters'])))) {
    if (typeOf(e.key) !== 'prometheus') continue;
    const endpoint = at(e.value, ['endpoint']);
    if (endpoint === undefined) {
      ctx.report(
        report(
          view,
          e.keyNode,
          'collector/invalid-endpoint',
          'error',
          t`Exporter ${e.key} has no endpoint; the prometheus exporter has no default. Set endpoint: 0.0.0.0:8889.`,
        ),
      );
      continue;
    }
    const hp = checkEndpoint(ctx, view, endpoint, t`Exporter ${e.key} endpoint`);
    if (hp && inPod && loopback.has(hp.host))
      ctx.report(
        report(
          view,
          endpoint,
          'collector/endpoint-localhost-in-pod',
          'warning',
          t`Exporter ${e.key} serves metrics on ${hp.host}, but it runs in a pod, where localhost is unreachable \
from other pods and from Prometheus. Listen on 0.0.0.0.`,
          { fixes: hostFix(view, endpoint, hp) },
        ),
      );
  }
  // The collector's own telemetry readers.
  const metrics = at(cfg.root, ['service', 'telemetry', 'metrics']);
  const readers = seqItems(at(metrics, ['readers']));
  for (const reader of readers) {
    const prom = at(reader, ['pull', 'exporter', 'prometheus']);
    if (!prom) continue;
    const portNode = at(prom, ['port']);
    const port = scalarText(portNode);
    if (port !== undefined && !port.includes('${') && (!/^\d+$/.test(port) || Number(port) > 65535)) {
      ctx.report(
        report(
          view,
          portNode,
          'collector/invalid-endpoint',
          'error',
          t`Telemetry reader port '${port}' is outside 0 to 65535.`,
        ),
      );
    }
    const hostNode = at(prom, ['host']);
    const host = scalarText(hostNode);
    if (inPod && (host === undefined || loopback.has(host))) {
      const fixes: Fix[] =
        host !== undefined ? [replaceFix(view, t`Serve on 0.0.0.0`, hostNode as Node, '0.0.0.0')] : [];
      ctx.report(
        report(
          view,
          hostNode ?? prom,
          'collector/endpoint-localhost-in-pod',
          'warning',
          host !== undefined
            ? t`The collector serves its own metrics on ${host}, but it runs in a pod, where localhost is unreachable \
from other pods and from Prometheus. Set host: 0.0.0.0.`
            : t`The collector serves its own metrics on localhost (no host given), but it runs in a pod, where \
localhost is unreachable from other pods and from Prometheus. Set host: 0.0.0.0.`,
          { fixes },
        ),
      );
    }
  }
  const level = scalarText(at(metrics, ['level']));
  if (
    inPod &&
    readers.length === 0 &&
    at(metrics, ['address']) === undefined &&
    level !== 'none' &&
    atLeast(version.version, '0.111.0') &&
    telemetryPublished(ctx, cfg)
  ) {
    const telemetry = entry(asMap(at(cfg.root, ['service'])), 'telemetry');
    ctx.report(
      report(
        view,
        telemetry?.keyNode ?? entry(cfg.root, 'service')?.keyNode,
        'collector/endpoint-localhost-in-pod',
        'info',
        t`Without telemetry readers, ${describeVersion(version)} serves its own metrics on localhost:8888 only, \
where Prometheus cannot scrape them. Add service.telemetry.metrics.readers with a pull/prometheus \
exporter on 0.0.0.0:8888.`,
      ),
    );
  }
}

/**
 * Whether anything outside the pod expects the collector's own metrics on 8888: the lab (which
 * scrapes them), a Service in the files that publishes 8888 of the collector's pods, or the chart's
 * Service with its metrics port on. Otherwise localhost is a fine place for them (the collector may
 * scrape itself, as grafana/otel-lgtm's all-in-one image does).
 */
function telemetryPublished(ctx: RuleContext, cfg: CollectorConfig): boolean {
  if (ctx.options.labRules) return true;
  if (cfg.chart) return servicePorts(cfg.chart.values).some((p) => p.targetPort === 8888);
  const cm = cfg.configMap?.object;
  if (!cm) return false;
  const pods = ctx.pods.filter(
    (p) => sameNamespace(p.namespace, cm.namespace) && p.volumes.some((v) => v.configMap?.name === cm.name),
  );
  return ctx.services.some(
    (svc) =>
      podsOf(svc, pods).length > 0 &&
      svc.ports.some(
        (p) =>
          p.targetPort === 8888 ||
          (p.targetPort === undefined && p.port === 8888) ||
          (typeof p.targetPort === 'string' &&
            pods.some((pod) =>
              pod.containers.some((c) => c.ports.some((cp) => cp.name === p.targetPort && cp.containerPort === 8888)),
            )),
      ),
  );
}

/** Apps in the same files that send a signal over OTLP to this collector's Service. */
function appsSendingTo(
  ctx: RuleContext,
  cfg: CollectorConfig,
): { pod: PodTemplate; signal: (typeof signals)[number]; variable: string }[] {
  const cm = cfg.configMap?.object;
  if (!cm) return [];
  const collectorPods = ctx.pods.filter(
    (p) => sameNamespace(p.namespace, cm.namespace) && p.volumes.some((v) => v.configMap?.name === cm.name),
  );
  if (!collectorPods.length) return [];
  const out: { pod: PodTemplate; signal: (typeof signals)[number]; variable: string }[] = [];
  for (const pod of ctx.pods) {
    if (collectorPods.includes(pod)) continue;
    for (const c of pod.containers) {
      const env = new Map(c.env.map((e) => [e.name, e.value]));
      for (const signal of signals) {
        const upper = signal.toUpperCase();
        const exporter = env.get(`OTEL_${upper}_EXPORTER`);
        if (
          !exporter
            ?.split(',')
            .map((s) => s.trim())
            .includes('otlp')
        )
          continue;
        const url = env.get(`OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`) ?? env.get('OTEL_EXPORTER_OTLP_ENDPOINT');
        const target = url ? parseServiceUrl(url) : undefined;
        if (!target) continue;
        const svc = serviceForTarget(ctx.services, target, pod.namespace);
        if (svc && podsOf(svc, collectorPods).length)
          out.push({ pod, signal, variable: `OTEL_${upper}_EXPORTER=${exporter}` });
      }
    }
  }
  return out;
}

function checkSignalPipelines(ctx: RuleContext, cfg: CollectorConfig): void {
  const { pipelines } = pipelineRefs(cfg);
  const have = new Set(pipelines.map((p) => typeOf(p.key)));
  const reported = new Set<string>();
  const pipelinesEntry = entry(asMap(at(cfg.root, ['service'])), 'pipelines');
  for (const { pod, signal, variable } of appsSendingTo(ctx, cfg)) {
    if (have.has(signal) || reported.has(signal)) continue;
    reported.add(signal);
    const fixes: Fix[] = [];
    const receivers = entries(asMap(at(cfg.root, ['receivers'])))
      .filter((r) => typeOf(r.key) === 'otlp')
      .map((r) => r.key);
    const exporters = entries(asMap(at(cfg.root, ['exporters'])));
    const existingDebug = exporters.find((e) => typeOf(e.key) === 'debug')?.key;
    const debug = existingDebug ?? 'debug';
    const last = pipelines.at(-1);
    const firstExporter = exporters[0];
    if (last && receivers.length && (existingDebug || firstExporter)) {
      if (!existingDebug && firstExporter) {
        // Define a debug exporter beside the first one, at the same indentation.
        const at0 = firstExporter.keyNode?.range?.[0] ?? 0;
        const column = cfg.view.map(cfg.view.index.position(at0)).character;
        fixes.push({
          title: '',
          edits: [
            {
              file: cfg.view.file,
              range: offsetsRange(cfg.view, at0, at0),
              newText: `debug:\n${' '.repeat(column + 2)}verbosity: basic\n${' '.repeat(column)}`,
            },
          ],
        });
      }
      const start = pairStart(last.pair);
      const end = pairEnd(last.pair);
      const processors = entries(asMap(at(cfg.root, ['processors'])))
        .map((p) => p.key)
        .filter((p) => typeOf(p) === 'batch' || typeOf(p) === 'memory_limiter');
      const lines = [
        `${signal}:`,
        `  receivers: [${receivers.join(', ')}]`,
        ...(processors.length ? [`  processors: [${processors.join(', ')}]`] : []),
        `  exporters: [${debug}]`,
      ];
      const original = cfg.view.text.slice(start, end).replace(/\s+$/, '');
      // Inserted after the last pipeline, at its indentation in the file (which includes a ConfigMap's).
      const col = cfg.view.map(cfg.view.index.position(start)).character;
      const endOfLast = start + original.length;
      const pipelineEdit = {
        file: cfg.view.file,
        range: offsetsRange(cfg.view, endOfLast, endOfLast),
        newText: lines.map((l) => `\n${' '.repeat(col)}${l}`).join(''),
      };
      const title = existingDebug
        ? t`Add a ${signal} pipeline to the ${debug} exporter`
        : t`Add a ${signal} pipeline to the ${debug} exporter (and define it)`;
      const defineDebug = fixes.pop();
      fixes.push({ title, edits: [...(defineDebug?.edits ?? []), pipelineEdit] });
    }
    const finding: Finding = report(
      cfg.view,
      pipelinesEntry?.keyNode ?? cfg.root,
      'collector/missing-signal-pipeline',
      'warning',
      existingDebug
        ? t`${pod.object.kind} ${pod.object.name} sends ${signal} to this collector over OTLP (${variable}), but \
the collector has no ${signal} pipeline: it refuses them and the app logs an export error every few \
seconds. Add a ${signal} pipeline.`
        : t`${pod.object.kind} ${pod.object.name} sends ${signal} to this collector over OTLP (${variable}), but \
the collector has no ${signal} pipeline: it refuses them and the app logs an export error every few \
seconds. Add a ${signal} pipeline (for example to a debug exporter).`,
      { fixes },
    );
    ctx.report(finding);
  }
}

export const collectorRules: Rule = (outer) => {
  for (const cfg of outer.ws.collectors) {
    if (!cfg.root) continue;
    const version = collectorVersionOf(outer, cfg);
    // Findings about a chart's default config say where they come from.
    const ctx = reportingDefaults(outer, cfg);
    // A layer merged with other files may use what they define and see its pipelines replaced.
    if (!cfg.layers) checkPipelines(ctx, cfg);
    checkRemoved(ctx, cfg, version);
    checkIntroduced(ctx, cfg, version);
    checkTelemetryAddress(ctx, cfg, version);
    checkTelemetry(ctx, cfg, version);
    checkEndpoints(ctx, cfg, version);
    if (!cfg.layers) checkSignalPipelines(ctx, cfg);
  }
};
