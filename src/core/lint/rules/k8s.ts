// k8s/*: references between the lab's Kubernetes objects that the API server accepts but
// that break the pipeline once it runs: selectors, ports, ConfigMap keys, mount paths, images.
import type { Fix } from '../../finding';
import { t } from '../../text/l10n';
import { collectorChart } from '../../helm/collectorChart';
import type { K8sObject } from '../model';
import { describeSelector, labelsWanted, monitorVerdict } from '../monitorSelection';
import { at as report, type Rule, type RuleContext } from '../rule';
import {
  parseServiceUrl,
  podsOf,
  sameNamespace,
  serviceForTarget,
  selects,
  type Container,
  type PodTemplate,
} from '../workloads';
import {
  asMap,
  at,
  entries,
  entry,
  mapKeyNames,
  nodeRange,
  scalarText,
  seqItems,
  stringMap,
  textAt,
} from '../yamlView';

function configMapKeys(ctx: RuleContext, name: string, namespace: string | undefined): string[] | undefined {
  const cm = ctx.ws.objects.find(
    (o) => o.kind === 'ConfigMap' && o.name === name && sameNamespace(o.namespace, namespace),
  );
  if (!cm) return undefined;
  return [...mapKeyNames(at(cm.root, ['data'])), ...mapKeyNames(at(cm.root, ['binaryData']))];
}

/** API groups of built-in kinds: apps/v1, batch/v1, networking.k8s.io/v1, rbac.authorization.k8s.io/v1... */
const builtInGroup = /^(apps|batch|policy|autoscaling|[a-z.]*\.k8s\.io)\//;

/**
 * The ports a pod's collector listens on, from the config its ConfigMap mounts (receivers, the
 * prometheus exporter, extensions, the telemetry reader), whatever the host: `${env:MY_POD_IP}:4318`
 * listens on 4318 as surely as 0.0.0.0:4318 does.
 */
function collectorListenPorts(ctx: RuleContext, pod: PodTemplate): number[] {
  const mounted = new Set(pod.volumes.map((v) => v.configMap?.name).filter((n): n is string => n !== undefined));
  const ports: number[] = [];
  const add = (text: string | undefined): void => {
    const m = text === undefined ? null : /:(\d+)$/.exec(text.trim());
    if (m?.[1]) ports.push(Number(m[1]));
  };
  for (const cfg of ctx.ws.collectors) {
    if (
      !cfg.configMap ||
      !mounted.has(cfg.configMap.object.name) ||
      !sameNamespace(cfg.configMap.object.namespace, pod.namespace)
    )
      continue;
    for (const kind of ['receivers', 'exporters', 'extensions']) {
      for (const e of entries(asMap(at(cfg.root, [kind])))) {
        add(scalarText(at(e.value, ['endpoint'])));
        for (const proto of entries(asMap(at(e.value, ['protocols'])))) add(scalarText(at(proto.value, ['endpoint'])));
      }
    }
    for (const reader of seqItems(at(cfg.root, ['service', 'telemetry', 'metrics', 'readers']))) {
      const port = scalarText(at(reader, ['pull', 'exporter', 'prometheus', 'port']));
      if (port && /^\d+$/.test(port)) ports.push(Number(port));
    }
  }
  return ports;
}

function selectorRules(ctx: RuleContext): void {
  for (const pod of ctx.pods) {
    if (pod.object.kind === 'Pod') continue;
    const selectorNode = at(pod.object.root, ['spec', 'selector', 'matchLabels']);
    const selector = stringMap(selectorNode);
    const mismatched = Object.entries(selector).filter(([k, v]) => pod.labels[k] !== v);
    if (mismatched.length) {
      const selectorText = mismatched.map(([k, v]) => `${k}=${v}`).join(', ');
      const podLabels =
        Object.entries(pod.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ') || t`none`;
      ctx.report(
        report(
          pod.object.view,
          selectorNode,
          'k8s/deployment-selector-mismatch',
          'error',
          mismatched.length > 1
            ? t`${pod.object.kind} ${pod.object.name}: spec.selector.matchLabels ${selectorText} do not match \
the pod template's labels (${podLabels}); the API server rejects it.`
            : t`${pod.object.kind} ${pod.object.name}: spec.selector.matchLabels ${selectorText} does not match \
the pod template's labels (${podLabels}); the API server rejects it.`,
        ),
      );
    }
  }
  // Pods an operator makes from a custom resource (Prometheus, Alertmanager, ThanosRuler...) are not
  // pod templates in the files: with such a resource beside it, a Service may select them.
  const operatorMade = ctx.ws.objects.some(
    (o) =>
      o.apiVersion.includes('.') &&
      !builtInGroup.test(o.apiVersion) &&
      !['ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'Probe', 'ScrapeConfig'].includes(o.kind),
  );
  for (const svc of ctx.services) {
    // The chart's own Service selects the chart's own pods, which are not in the files.
    if (svc.chart || !Object.keys(svc.selector).length) continue;
    const candidates = ctx.pods.filter((p) => sameNamespace(p.namespace, svc.namespace));
    if (!candidates.length) continue;
    if (operatorMade && !podsOf(svc, candidates).length) continue;
    const selected = podsOf(svc, candidates);
    if (!selected.length) {
      const selectorText = Object.entries(svc.selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      const templates = candidates.map((p) => `${p.object.kind} ${p.object.name}`).join(', ');
      ctx.report(
        report(
          svc.object.view,
          svc.selectorNode,
          'k8s/service-selector-mismatch',
          'warning',
          t`Service ${svc.object.name} selects ${selectorText}, but no pod template in its namespace \
has those labels (${templates}); it will have no endpoints.`,
        ),
      );
      continue;
    }
    for (const port of svc.ports) {
      // targetPort 0 (or none) is defaulted by the API server to the port.
      const target = port.targetPort === 0 || port.targetPort === undefined ? port.port : port.targetPort;
      if (target === undefined) continue;
      // Declaring a containerPort is optional for a number: traffic reaches the pod either way, so a
      // missing declaration is no evidence; the lab declares its ports, so there it is a slip.
      if (typeof target === 'number' && !ctx.options.labRules) continue;
      const declared = selected.flatMap((p) => p.containers.flatMap((c) => c.ports));
      const found =
        typeof target === 'string'
          ? declared.some((d) => d.name === target)
          : declared.some((d) => d.containerPort === target) ||
            selected.some((p) => collectorListenPorts(ctx, p).includes(target));
      if (found) continue;
      const node = port.targetPortNode ?? port.node;
      const who = selected.map((p) => `${p.object.kind} ${p.object.name}`).join(', ');
      const declaredNames = declared.map((d) => d.name ?? d.containerPort).join(', ') || t`none`;
      const declaredPorts = declared.map((d) => d.containerPort).join(', ') || t`none`;
      if (typeof target === 'string') {
        ctx.report(
          report(
            svc.object.view,
            node,
            'k8s/target-port-not-exposed',
            'error',
            t`Service ${svc.object.name} port ${port.name ?? port.port} targets the named port '${target}', \
which no container of ${who} declares; the Service gets no endpoints for it. Declared: ${declaredNames}.`,
          ),
        );
      } else {
        ctx.report(
          report(
            svc.object.view,
            node,
            'k8s/target-port-not-exposed',
            'warning',
            t`Service ${svc.object.name} port ${port.name ?? port.port} targets ${target}, which no container \
of ${who} declares (declared: ${declaredPorts}); check that the app listens there.`,
          ),
        );
      }
    }
  }
}

function configMapRules(ctx: RuleContext): void {
  for (const pod of ctx.pods) {
    for (const vol of pod.volumes) {
      if (!vol.configMap) continue;
      const keys = configMapKeys(ctx, vol.configMap.name, pod.namespace);
      if (!keys) continue;
      for (const item of vol.configMap.items) {
        if (!keys.includes(item.key))
          ctx.report(
            report(
              pod.object.view,
              item.node,
              'k8s/configmap-key-missing',
              'error',
              keys.length
                ? t`Volume ${vol.name} takes key '${item.key}' from ConfigMap ${vol.configMap.name}, \
which has only ${keys.join(', ')}; the pod cannot start (the volume fails to mount).`
                : t`Volume ${vol.name} takes key '${item.key}' from ConfigMap ${vol.configMap.name}, \
which has no keys; the pod cannot start (the volume fails to mount).`,
            ),
          );
      }
    }
    for (const c of pod.containers) {
      for (const e of c.env) {
        const ref = e.configMapKeyRef;
        if (!ref) continue;
        const keys = configMapKeys(ctx, ref.name, pod.namespace);
        if (keys && !keys.includes(ref.key))
          ctx.report(
            report(
              pod.object.view,
              ref.node,
              'k8s/configmap-key-missing',
              'error',
              keys.length
                ? t`${e.name} reads key '${ref.key}' of ConfigMap ${ref.name}, which has only ${keys.join(', ')}; \
the container fails to start.`
                : t`${e.name} reads key '${ref.key}' of ConfigMap ${ref.name}, which has no keys; the container fails to start.`,
            ),
          );
      }
    }
  }
}

/** The value of --config (or --config=) in a container's args or command. */
function configArg(c: Container): { path: string; node: unknown } | undefined {
  const all = [...c.command, ...c.args];
  const nodes = [...c.command.map(() => undefined), ...c.argNodes];
  for (let i = 0; i < all.length; i++) {
    const a = all[i] ?? '';
    const m = /^--config=(.*)$/.exec(a);
    const value = m ? m[1] : a === '--config' ? all[i + 1] : undefined;
    if (value === undefined) continue;
    const path = value.replace(/^file:/, '');
    // env:, yaml:, http: and other providers are not paths.
    if (/^[a-z]+:/.test(path)) return undefined;
    return { path, node: nodes[m ? i : i + 1] ?? c.node };
  }
  return undefined;
}

function configPathRule(ctx: RuleContext): void {
  for (const pod of ctx.pods) {
    for (const c of pod.containers) {
      const arg = configArg(c);
      if (!arg || !arg.path.startsWith('/')) continue;
      const mount = c.volumeMounts
        .filter(
          (m) => m.mountPath && (arg.path === m.mountPath || arg.path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`)),
        )
        .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
      const mounts = c.volumeMounts.map((m) => m.mountPath).join(', ') || t`nothing`;
      if (!mount) {
        ctx.report(
          report(
            pod.object.view,
            arg.node,
            'k8s/config-path-not-mounted',
            'error',
            t`${c.name} reads its config from ${arg.path}, but nothing is mounted there (mounted: ${mounts}); \
the collector exits with "no such file".`,
          ),
        );
        continue;
      }
      const vol = pod.volumes.find((v) => v.name === mount.name);
      if (!vol?.configMap || mount.subPath) continue;
      const rel = arg.path.slice(mount.mountPath.replace(/\/$/, '').length + 1);
      const files = vol.configMap.items.length
        ? vol.configMap.items.map((i) => i.path)
        : configMapKeys(ctx, vol.configMap.name, pod.namespace);
      if (files && !files.includes(rel)) {
        ctx.report(
          report(
            pod.object.view,
            arg.node,
            'k8s/config-path-not-mounted',
            'error',
            files.length
              ? t`${c.name} reads ${arg.path}, but ${mount.mountPath} holds ${files.join(', ')} \
from ConfigMap ${vol.configMap.name}; the collector exits with "no such file".`
              : t`${c.name} reads ${arg.path}, but ${mount.mountPath} holds no files \
from ConfigMap ${vol.configMap.name}; the collector exits with "no such file".`,
          ),
        );
      }
    }
  }
}

/** The collector chart names its Service <release>-opentelemetry-collector unless told otherwise. */
function chartNameHint(ctx: RuleContext, wanted: string): string {
  const chart = ctx.services.find((s) => s.chart);
  if (!chart) return '';
  return ` ${t`The ${collectorChart.chart} chart names its Service ${chart.object.name} (${chart.object.view.file}): \
set fullnameOverride: ${wanted} in its values so the Service has the name the app uses.`}`;
}

/**
 * Kubernetes expands $(NAME) in an env value from the variables defined before it in the same
 * container; an unknown one stays as written. Undefined when a reference cannot be resolved here
 * (from a Secret, a field, or not defined): the value is then not known from the files.
 */
function expandEnv(value: string, c: Container): string | undefined {
  let unknown = false;
  const out = value.replace(/\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (_, name: string) => {
    const def = c.env.find((x) => x.name === name);
    if (def?.value === undefined) unknown = true;
    return def?.value ?? '';
  });
  return unknown ? undefined : out;
}

function otlpEndpointRule(ctx: RuleContext): void {
  for (const pod of ctx.pods) {
    for (const c of pod.containers) {
      for (const e of c.env) {
        if (!/^OTEL_EXPORTER_OTLP_(TRACES_|METRICS_|LOGS_)?ENDPOINT$/.test(e.name) || !e.value) continue;
        const value = expandEnv(e.value, c);
        if (value === undefined) continue;
        const target = parseServiceUrl(value);
        if (!target) continue;
        const ns = target.namespace ?? pod.namespace;
        const svc = serviceForTarget(ctx.services, target, pod.namespace);
        if (!svc) {
          const here = ctx.services.map((s) => `${s.object.name}${s.namespace ? `.${s.namespace}` : ''}`).join(', ');
          const unresolved = ns
            ? ctx.services.length
              ? t`${e.name} points at Service ${target.service} in namespace ${ns}, which these files do not define \
(Services here: ${here}).`
              : t`${e.name} points at Service ${target.service} in namespace ${ns}, which these files do not define.`
            : ctx.services.length
              ? t`${e.name} points at Service ${target.service}, which these files do not define (Services here: ${here}).`
              : t`${e.name} points at Service ${target.service}, which these files do not define.`;
          ctx.report(
            report(
              pod.object.view,
              e.valueNode,
              'k8s/otlp-endpoint-unresolved',
              'warning',
              `${unresolved}${chartNameHint(ctx, target.service)}`,
            ),
          );
          continue;
        }
        const port = target.port ?? (/^https:/.test(value) ? 443 : 80);
        if (!svc.ports.some((p) => p.port === port)) {
          const exposed = svc.ports.map((p) => `${p.port}${p.name ? ` (${p.name})` : ''}`).join(', ');
          ctx.report(
            report(
              pod.object.view,
              e.valueNode,
              'k8s/otlp-endpoint-unresolved',
              'error',
              exposed
                ? t`${e.name} uses port ${port} of Service ${svc.object.name}, which exposes only ${exposed}; exports will time out.`
                : t`${e.name} uses port ${port} of Service ${svc.object.name}, which exposes only no ports; exports will time out.`,
            ),
          );
        }
      }
    }
  }
}

function imageRule(ctx: RuleContext): void {
  for (const pod of ctx.pods) {
    for (const c of pod.containers) {
      if (!c.image || c.image.includes('@')) continue;
      const name = c.image.slice(c.image.lastIndexOf('/') + 1);
      const tag = name.includes(':') ? name.slice(name.indexOf(':') + 1) : undefined;
      if (tag !== undefined && tag !== 'latest') continue;
      const fixes: Fix[] = [];
      ctx.report(
        report(
          pod.object.view,
          c.imageNode,
          'k8s/image-latest',
          'warning',
          tag
            ? t`${c.name} runs ${c.image}: every restart may pull a different build, and for the collector the config \
format depends on the version. Pin a version tag.`
            : t`${c.name} runs ${c.image} (no tag means :latest): every restart may pull a different build, and for the \
collector the config format depends on the version. Pin a version tag.`,
          { fixes },
        ),
      );
    }
  }
}

export const k8sRules: Rule = (ctx) => {
  selectorRules(ctx);
  configMapRules(ctx);
  configPathRule(ctx);
  otlpEndpointRule(ctx);
  imageRule(ctx);
};

/** Names in a sentence: "a", "a and b", "a and b and c" (each "and" translated with its neighbours). */
function andList(items: string[]): string {
  return items.reduce((list, item, i) => (i === 0 ? item : t`${list} and ${item}`), '');
}

/** A sentence's first value with a capital, as it opens the sentence in English. */
function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** An edit that adds `key: value` to a ServiceMonitor's labels (or a labels map), when the layout allows one. */
function addLabelFix(sm: K8sObject, key: string, value: string): Fix | undefined {
  const view = sm.view;
  const metadata = asMap(at(sm.root, ['metadata']));
  const labelsEntry = entry(metadata, 'labels');
  const existing = entry(asMap(labelsEntry?.value), key);
  if (existing)
    return {
      title: t`Set ${key}: ${value}`,
      edits: [
        { file: view.file, range: nodeRange(view, existing.value as Parameters<typeof nodeRange>[1]), newText: value },
      ],
    };
  const firstLabel = asMap(labelsEntry?.value)?.items[0];
  const anchor = firstLabel ? (firstLabel.key as Parameters<typeof nodeRange>[1]) : undefined;
  if (anchor && !asMap(labelsEntry?.value)?.flow) {
    const r = nodeRange(view, anchor);
    return {
      title: t`Add the label ${key}: ${value}`,
      edits: [
        {
          file: view.file,
          range: { start: r.start, end: r.start },
          newText: `${key}: ${value}\n${' '.repeat(r.start.character)}`,
        },
      ],
    };
  }
  if (!labelsEntry && metadata && !metadata.flow) {
    const first = metadata.items[0]?.key as Parameters<typeof nodeRange>[1];
    if (!first) return undefined;
    const r = nodeRange(view, first);
    return {
      title: t`Add the label ${key}: ${value}`,
      edits: [
        {
          file: view.file,
          range: { start: r.start, end: r.start },
          newText: `labels:\n${' '.repeat(r.start.character + 2)}${key}: ${value}\n${' '.repeat(r.start.character)}`,
        },
      ],
    };
  }
  return undefined;
}

/**
 * Whether some Prometheus picks the ServiceMonitor up. A general rule where the files hold a
 * Prometheus object or kube-prometheus-stack values; in a lab folder without them, the lab's own
 * rule: the lab installs kube-prometheus-stack as the release obslab-lab.json names.
 */
function selectionRule(ctx: RuleContext, sm: K8sObject): void {
  const release = ctx.options.helmRelease;
  const view = sm.view;
  const labelsEntry = entry(asMap(at(sm.root, ['metadata'])), 'labels');
  const labels = stringMap(labelsEntry?.value);
  const where =
    entry(asMap(labelsEntry?.value), 'release')?.value ?? labelsEntry?.keyNode ?? at(sm.root, ['metadata', 'name']);
  const verdict = monitorVerdict(ctx, labels, sm.namespace);
  if (verdict.kind === 'selected') return;
  if (verdict.kind === 'no-evidence' && !ctx.options.labRules) return;
  if (verdict.kind === 'no-evidence' ? labels['release'] === release : false) return;
  const releaseOnly = verdict.kind === 'no-evidence' || verdict.onlyReleaseLabel;
  if (releaseOnly) {
    const fix = addLabelFix(sm, 'release', release);
    const releaseKnown = ctx.options.labRules === true || ctx.options.helmReleaseGiven === true;
    const why = labels['release']
      ? t`ServiceMonitor ${sm.name} is labelled release: ${labels['release']}, but the kube-prometheus-stack release is '${release}'.`
      : releaseKnown
        ? t`ServiceMonitor ${sm.name} has no release label (release: ${release}).`
        : t`ServiceMonitor ${sm.name} has no release label.`;
    const evidence =
      verdict.kind === 'no-evidence'
        ? t`The lab installs kube-prometheus-stack, which (serviceMonitorSelectorNilUsesHelmValues: true) selects only \
ServiceMonitors labelled release: <its release name>, so Prometheus ignores this one.`
        : t`${capitalised(andList(verdict.selectors.map((s) => s.who)))} leave serviceMonitorSelector empty, \
so kube-prometheus-stack (serviceMonitorSelectorNilUsesHelmValues: true) selects only ServiceMonitors labelled \
release: <its release name>, so Prometheus ignores this one.`;
    const releaseNote = releaseKnown
      ? ` ${t`(The release name is the setting obslab.helmRelease, or the lab's obslab-lab.json.)`}`
      : '';
    ctx.report(
      report(view, where, 'servicemonitor/release-label-missing', 'error', `${why} ${evidence}${releaseNote}`, {
        fixes: fix && releaseKnown ? [fix] : [],
      }),
    );
    return;
  }
  const wanted = labelsWanted(verdict.selectors);
  const fixes = wanted
    ? Object.entries(wanted)
        .filter(([k, v]) => labels[k] !== v)
        .map(([k, v]) => addLabelFix(sm, k, v))
        .filter((f): f is Fix => f !== undefined)
        .slice(0, 1)
    : [];
  const selectorText = verdict.selectors
    .map((s) =>
      s.namespaces !== 'own'
        ? t`${s.who} selects ${describeSelector(s.selector)}`
        : s.namespace
          ? t`${s.who} selects ${describeSelector(s.selector)} in ${s.namespace}`
          : t`${s.who} selects ${describeSelector(s.selector)} in its own namespace`,
    )
    .join('; ');
  const labelText =
    Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || t`none`;
  ctx.report(
    report(
      view,
      where,
      'servicemonitor/not-selected',
      'error',
      sm.namespace
        ? t`No Prometheus in these files picks up ServiceMonitor ${sm.name} (labels: ${labelText}, namespace ${sm.namespace}): \
${selectorText}. Prometheus gets no target from it.`
        : t`No Prometheus in these files picks up ServiceMonitor ${sm.name} (labels: ${labelText}): ${selectorText}. \
Prometheus gets no target from it.`,
      { fixes },
    ),
  );
}

export const serviceMonitorRules: Rule = (ctx) => {
  for (const sm of ctx.ws.objects.filter((o) => o.kind === 'ServiceMonitor')) {
    const view = sm.view;
    selectionRule(ctx, sm);

    const selectorNode = at(sm.root, ['spec', 'selector', 'matchLabels']);
    const selector = stringMap(selectorNode);
    const nsSel = at(sm.root, ['spec', 'namespaceSelector']);
    const any = textAt(nsSel, ['any']) === 'true';
    const matchNames = seqItems(at(nsSel, ['matchNames']))
      .map(scalarText)
      .filter((n): n is string => n !== undefined);
    const inScope = ctx.services.filter(
      (s) =>
        any ||
        (matchNames.length
          ? s.namespace === undefined || matchNames.includes(s.namespace)
          : sameNamespace(s.namespace, sm.namespace)),
    );
    const selected = inScope.filter((s) => selects(selector, s.labels));
    if (!selected.length) {
      const chartService = inScope.find((s) => s.chart);
      if (chartService && Object.keys(selector).length) {
        const labels = (l: Record<string, string>): string =>
          Object.entries(l)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ');
        const custom = selector['app'] === 'otel-collector' ? ` ${t`(the custom path's label)`}` : '';
        ctx.report(
          report(
            view,
            selectorNode ?? at(sm.root, ['spec']),
            'servicemonitor/chart-service-labels',
            'error',
            t`ServiceMonitor ${sm.name} selects ${labels(selector)}${custom}, but the collector here is installed \
by the ${collectorChart.chart} chart (${chartService.object.view.file}), whose Service ${chartService.object.name} \
is labelled ${labels(chartService.selector)} and never ${labels(selector)}; Prometheus gets no target from it. \
Enable the chart's own ServiceMonitor \
(serviceMonitor.enabled: true, serviceMonitor.extraLabels.release: ${ctx.options.helmRelease}) \
and delete this one, or select ${labels(chartService.selector)}.`,
          ),
        );
        continue;
      }
      // A Service may come from the cluster, an operator or another folder: only a near miss (a
      // Service with the same label keys in reach) is evidence of a typo, except in the lab.
      const nearMiss = inScope.some((s) => Object.keys(selector).every((k) => k in s.labels));
      if (Object.keys(selector).length && ctx.services.length && (nearMiss || ctx.options.labRules)) {
        const wanted = Object.entries(selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ');
        const here = ctx.services
          .map(
            (s) =>
              `${s.object.name} {${Object.entries(s.labels)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')}}`,
          )
          .join('; ');
        ctx.report(
          report(
            view,
            selectorNode ?? at(sm.root, ['spec']),
            'servicemonitor/selector-no-service',
            'warning',
            matchNames.length
              ? t`ServiceMonitor ${sm.name} selects Services labelled ${wanted} in ${matchNames.join(', ')}, \
and no Service in these files has those labels (Services here: ${here}); Prometheus gets no target from it.`
              : t`ServiceMonitor ${sm.name} selects Services labelled ${wanted}, \
and no Service in these files has those labels (Services here: ${here}); Prometheus gets no target from it.`,
          ),
        );
      }
      continue;
    }
    for (const ep of seqItems(at(sm.root, ['spec', 'endpoints']))) {
      const portNode = at(ep, ['port']);
      const port = scalarText(portNode);
      if (port === undefined) continue;
      const missing = selected.filter((s) => !s.ports.some((p) => p.name === port));
      if (missing.length) {
        const names = missing.flatMap((s) => s.ports.map((p) => p.name).filter((n): n is string => !!n));
        ctx.report(
          report(
            view,
            portNode,
            'servicemonitor/port-not-found',
            'error',
            t`Endpoint port '${port}' is not a named port of Service ${missing.map((s) => s.object.name).join(', ')} \
(named ports: ${names.join(', ') || t`none`}); Prometheus gets no target for it. The endpoint's \
port is the Service port's name, not a number.`,
          ),
        );
      }
    }
  }
};
