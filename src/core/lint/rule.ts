// What a rule gets: the workspace model, the options, and a way to report a Finding.
import type { Finding, Severity } from '../finding';
import { collectorChart } from '../helm/collectorChart';
import { chartServices } from './chartValues';
import type { Workspace } from './model';
import type { JsonSchema } from './schema';
import { podTemplates, services, type PodTemplate, type Service } from './workloads';
import { nodeRange, type YamlView } from './yamlView';

export interface LintOptions {
  /** kube-prometheus-stack release name; where that chart selects ServiceMonitors, they need `release: <this>`. */
  helmRelease: string;
  /**
   * Whether helmRelease was told (by the user, the CLI or the lab's obslab-lab.json). When it is only
   * the lab's default, a ServiceMonitor labelled with another release is no evidence of a mistake.
   */
  helmReleaseGiven?: boolean;
  /**
   * The lab's own rules: its names and choices (the release label every ServiceMonitor needs, the
   * ServiceAccount the IRSA role trusts). On in a lab folder (one holding obslab-lab.json) or where
   * the user turns them on; elsewhere only general rules run, and they judge on evidence in the files.
   */
  labRules?: boolean;
  /** Release name of the OpenTelemetry Collector chart, which names its Service and labels (default otel-collector, the lab's). */
  collectorRelease?: string;
  /** Collector version for configs whose image is unknown; the newest known by default. */
  collectorVersion?: string;
  /** namespace/name of the ServiceAccount the IRSA role must trust, when the files define none. */
  prometheusServiceAccount?: string;
  /** Bundled schemas by kind (or how to load them, only when a Kubernetes document needs them); without them the k8s/schema rule does not run. */
  schemas?: KindSchema[] | (() => KindSchema[]);
  /** The collector config's schema (components the lab uses); without it collector/schema does not run. */
  collectorSchema?: JsonSchema | (() => JsonSchema | undefined);
  /**
   * The component types the collector build has, by kind. Known for a build we made (the truth
   * harness); unknown for an image such as contrib, where any type may exist.
   */
  collectorComponents?: Partial<
    Record<'receivers' | 'processors' | 'exporters' | 'connectors' | 'extensions', string[]>
  >;
}

export interface KindSchema {
  apiVersion: string;
  kind: string;
  schema: JsonSchema;
}

export const defaultLintOptions: LintOptions = { helmRelease: 'prometheus' };

export interface RuleContext {
  ws: Workspace;
  options: LintOptions;
  pods: PodTemplate[];
  services: Service[];
  report(finding: Finding): void;
}

export type Rule = (ctx: RuleContext) => void;

export function makeContext(ws: Workspace, options: LintOptions, sink: Finding[]): RuleContext {
  return {
    ws,
    options,
    pods: podTemplates(ws),
    services: [...services(ws), ...chartServices(ws, options.collectorRelease ?? collectorChart.labRelease)],
    report: (f) => sink.push(f),
  };
}

/** Builds a Finding located at a YAML node of a view. */
export function at(
  view: YamlView,
  node: unknown,
  code: string,
  severity: Severity,
  message: string,
  extra: Partial<Finding> = {},
): Finding {
  return {
    code,
    severity,
    message,
    file: view.file,
    range: nodeRange(view, node as Parameters<typeof nodeRange>[1]),
    ...extra,
  };
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] ?? 0;
      prev[j] = Math.min((prev[j] ?? 0) + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] ?? 0;
}

export function closest(name: string, candidates: string[], maxDistance = 3): string | undefined {
  let best: string | undefined;
  let bestD = maxDistance + 1;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
