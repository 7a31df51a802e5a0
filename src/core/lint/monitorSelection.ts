// Which Prometheus picks up a ServiceMonitor, judged on the evidence in the files: Prometheus
// objects (prometheus-operator's serviceMonitorSelector and serviceMonitorNamespaceSelector) and
// kube-prometheus-stack values (whose chart writes release: <release> as the selector unless told
// otherwise). Without such evidence nothing is known, and only the lab's own rule may speak.
import { selectorMatches, type LabelSelectorLike } from '../kube/selectors';
import { t } from '../text/l10n';
import { looksLikeKubePrometheusStackValues } from './kubePrometheusStack';
import type { RuleContext } from './rule';
import { asMap, at, scalarText, seqItems, stringMap, textAt } from './yamlView';

/** One Prometheus that may select ServiceMonitors, as the files describe it. */
export interface MonitorSelector {
  /** For messages, in the user's language: "Prometheus monitoring/k8s (prometheus.yaml)". */
  who: string;
  /** null selects no ServiceMonitor; {} selects every one. */
  selector: LabelSelectorLike | null;
  /** 'own': only the Prometheus object's namespace; otherwise a selector over namespaces. */
  namespaces: LabelSelectorLike | null | 'own';
  namespace: string | undefined;
  /** kube-prometheus-stack's default: the selector is release: <release name>, whatever that is. */
  releaseLabel?: boolean;
}

/** A label selector as written in YAML; undefined when the key is absent or null. */
export function labelSelectorAt(node: unknown): LabelSelectorLike | undefined {
  const map = asMap(node);
  if (!map) return undefined;
  const matchExpressions = seqItems(at(map, ['matchExpressions'])).map((e) => {
    const values = seqItems(at(e, ['values']))
      .map(scalarText)
      .filter((v): v is string => v !== undefined);
    return { key: textAt(e, ['key']) ?? '', operator: textAt(e, ['operator']) ?? '', values };
  });
  return { matchLabels: stringMap(at(map, ['matchLabels'])), matchExpressions };
}

function isEmpty(sel: LabelSelectorLike | undefined): boolean {
  return !sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length);
}

/** Every Prometheus the files define or configure, with how it selects ServiceMonitors. */
export function monitorSelectors(ctx: RuleContext): MonitorSelector[] {
  const out: MonitorSelector[] = [];
  for (const o of ctx.ws.objects) {
    if (o.kind !== 'Prometheus' || !o.apiVersion.startsWith('monitoring.coreos.com/')) continue;
    const spec = at(o.root, ['spec']);
    const nsNode = at(spec, ['serviceMonitorNamespaceSelector']);
    out.push({
      who: t`Prometheus ${o.namespace ? `${o.namespace}/` : ''}${o.name} (${o.view.file})`,
      selector: labelSelectorAt(at(spec, ['serviceMonitorSelector'])) ?? null,
      namespaces: labelSelectorAt(nsNode) ?? 'own',
      namespace: o.namespace,
    });
  }
  for (const doc of ctx.ws.plainYaml) {
    if (!looksLikeKubePrometheusStackValues(doc)) continue;
    const spec = at(doc.root, ['prometheus', 'prometheusSpec']);
    if (textAt(doc.root, ['prometheus', 'enabled']) === 'false') continue;
    const chosen = labelSelectorAt(at(spec, ['serviceMonitorSelector']));
    const nilUsesHelm = textAt(spec, ['serviceMonitorSelectorNilUsesHelmValues']) !== 'false';
    const ns = labelSelectorAt(at(spec, ['serviceMonitorNamespaceSelector']));
    const who = t`the kube-prometheus-stack values in ${doc.view.file}`;
    const namespaces = isEmpty(ns) ? {} : (ns ?? {});
    if (!isEmpty(chosen)) out.push({ who, selector: chosen ?? {}, namespaces, namespace: undefined });
    else if (nilUsesHelm)
      out.push({
        who,
        selector: { matchLabels: { release: ctx.options.helmRelease } },
        namespaces,
        namespace: undefined,
        releaseLabel: true,
      });
    else out.push({ who, selector: {}, namespaces, namespace: undefined });
  }
  return out;
}

/** Labels of the namespaces the files define, plus the one label every namespace has. */
function namespaceLabels(ctx: RuleContext, name: string): Record<string, string> | undefined {
  const ns = ctx.ws.objects.find((o) => o.kind === 'Namespace' && o.name === name);
  const labels = ns ? stringMap(at(ns.root, ['metadata', 'labels'])) : undefined;
  return { ...(labels ?? {}), 'kubernetes.io/metadata.name': name };
}

/** Whether a namespace selector picks the namespace: true, false, or undefined when the files cannot tell. */
function namespaceSelected(ctx: RuleContext, sel: MonitorSelector, namespace: string | undefined): boolean | undefined {
  if (sel.namespaces === 'own')
    return namespace === undefined || sel.namespace === undefined ? undefined : namespace === sel.namespace;
  if (sel.namespaces === null) return false;
  if (isEmpty(sel.namespaces)) return true;
  if (namespace === undefined) return undefined;
  const keys = [
    ...Object.keys(sel.namespaces.matchLabels ?? {}),
    ...(sel.namespaces.matchExpressions ?? []).map((e) => e.key),
  ];
  const known =
    ctx.ws.objects.some((o) => o.kind === 'Namespace' && o.name === namespace) ||
    keys.every((k) => k === 'kubernetes.io/metadata.name');
  if (!known) return undefined;
  return selectorMatches(sel.namespaces, namespaceLabels(ctx, namespace) ?? {});
}

export type MonitorVerdict =
  | { kind: 'no-evidence' }
  | { kind: 'selected' }
  /** Picked by no Prometheus the files describe. */
  | { kind: 'not-selected'; selectors: MonitorSelector[]; onlyReleaseLabel: boolean };

/**
 * Whether any Prometheus in the files selects a ServiceMonitor with these labels in this namespace.
 * A release label is judged against the release name only when that name was given: otherwise any
 * release label may be the right one, and only its absence is certain.
 */
export function monitorVerdict(
  ctx: RuleContext,
  labels: Record<string, string>,
  namespace: string | undefined,
): MonitorVerdict {
  const selectors = monitorSelectors(ctx);
  if (!selectors.length) return { kind: 'no-evidence' };
  const releaseKnown = ctx.options.labRules === true || ctx.options.helmReleaseGiven === true;
  for (const sel of selectors) {
    if (namespaceSelected(ctx, sel, namespace) === false) continue;
    if (sel.releaseLabel && !releaseKnown ? labels['release'] !== undefined : selectorMatches(sel.selector, labels))
      return { kind: 'selected' };
  }
  return { kind: 'not-selected', selectors, onlyReleaseLabel: selectors.every((s) => s.releaseLabel) };
}

/** A selector in words: "release=prometheus", "every ServiceMonitor", "no ServiceMonitor". */
export function describeSelector(sel: LabelSelectorLike | null): string {
  if (sel === null) return t`no ServiceMonitor (it has no serviceMonitorSelector; {} would select all)`;
  const parts = [
    ...Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(sel.matchExpressions ?? []).map((e) => `${e.key} ${e.operator} ${(e.values ?? []).join(',')}`.trim()),
  ];
  return parts.length ? t`ServiceMonitors labelled ${parts.join(', ')}` : t`every ServiceMonitor`;
}

/** The labels a ServiceMonitor would need for the first selector that names labels, if any. */
export function labelsWanted(selectors: MonitorSelector[]): Record<string, string> | undefined {
  for (const s of selectors) {
    const wanted = s.selector?.matchLabels;
    if (wanted && Object.keys(wanted).length && !(s.selector?.matchExpressions ?? []).length) return wanted;
  }
  return undefined;
}
