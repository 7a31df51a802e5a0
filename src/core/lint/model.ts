// Turns the files of a folder into what the rules reason about: Kubernetes objects, collector
// configs (standalone or inside a ConfigMap), Helm values files, JMeter plans and IAM policies.
import { isScalar, type Document, type Scalar, type YAMLMap } from 'yaml';
import type { Finding } from '../finding';
import { t } from '../text/l10n';
import {
  chartValuesDocument,
  effectiveConfigNode,
  looksLikeCollectorChartValues,
  type ChartValuesDocument,
} from './chartValues';
import { fileSkipped, maxLintBytes, tooLargeReason } from './skipped';
import { parserMessage } from './parserMessages';
import { markLayeredConfigs } from './layers';
import { blockIndent, blockScalarMap, mapRange } from './text';
import { asMap, entries, nodeRange, parseYamlView, scalarText, textAt, type YamlView } from './yamlView';

export interface LintInput {
  file: string;
  text: string;
}

export interface K8sObject {
  view: YamlView;
  doc: Document.Parsed;
  root: YAMLMap<unknown, unknown>;
  apiVersion: string;
  kind: string;
  name: string;
  /** undefined when the document names none (applied with -n, or the default namespace). */
  namespace: string | undefined;
}

export interface CollectorConfig {
  view: YamlView;
  doc: Document.Parsed;
  root: YAMLMap<unknown, unknown> | undefined;
  /** The ConfigMap that carries it, when it runs in a pod. */
  configMap?: { object: K8sObject; key: string };
  /** The collector chart's values file whose config (merged with the chart's defaults) this is; it runs in a pod. */
  chart?: ChartValuesDocument;
  /** The config files (base names) a command merges this one with, in order (see layers.ts). */
  layers?: string[];
}

export interface YamlDocument {
  view: YamlView;
  doc: Document.Parsed;
  root: YAMLMap<unknown, unknown>;
}

export interface TextFile {
  file: string;
  text: string;
}

export interface Workspace {
  objects: K8sObject[];
  collectors: CollectorConfig[];
  /** YAML documents that are neither Kubernetes objects nor collector configs (Helm values files). */
  plainYaml: YamlDocument[];
  /** Values files for the OpenTelemetry Collector chart (see chartValues.ts for how they are recognised). */
  chartValues: ChartValuesDocument[];
  /** JSON documents (IAM policies and others), parsed with the same YAML parser. */
  json: YamlDocument[];
  jmx: TextFile[];
  /** Problems found while reading: syntax errors, files skipped. */
  findings: Finding[];
}

export { maxLintBytes };

const collectorKeys = ['receivers', 'exporters', 'service', 'processors', 'connectors'];

export function looksLikeCollectorConfig(root: YAMLMap<unknown, unknown> | undefined): boolean {
  const keys = entries(root).map((e) => e.key);
  return keys.includes('service')
    ? keys.some((k) => collectorKeys.includes(k) && k !== 'service') || keys.length === 1
    : keys.includes('receivers') && keys.includes('exporters');
}

export function fileKind(file: string): 'yaml' | 'json' | 'jmx' | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.jmx')) return 'jmx';
  return undefined;
}

function syntaxFindings(view: YamlView, doc: Document.Parsed, code: string): Finding[] {
  return doc.errors.map((e) => ({
    code,
    severity: 'error' as const,
    message: parserMessage(e.message.split('\n')[0] ?? e.message),
    file: view.file,
    range: mapRange(view.index, view.map, e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)),
  }));
}

export function binaryOrBroken(text: string): string | undefined {
  if (text.includes('\u0000')) return t`it looks binary (it contains NUL bytes)`;
  if (text.includes('\uFFFD')) return t`it is not valid UTF-8`;
  return undefined;
}

export function buildWorkspace(inputs: LintInput[]): Workspace {
  const ws: Workspace = {
    objects: [],
    collectors: [],
    plainYaml: [],
    chartValues: [],
    json: [],
    jmx: [],
    findings: [],
  };
  for (const input of inputs) {
    const kind = fileKind(input.file);
    if (!kind) continue;
    const skip = input.text.length > maxLintBytes ? tooLargeReason(input.text.length) : binaryOrBroken(input.text);
    if (skip) {
      ws.findings.push(fileSkipped(input.file, skip));
      continue;
    }
    if (kind === 'jmx') {
      ws.jmx.push({ file: input.file, text: input.text });
      continue;
    }
    readYamlFile(ws, input, kind);
  }
  markLayeredConfigs(ws);
  return ws;
}

function readYamlFile(ws: Workspace, input: LintInput, kind: 'yaml' | 'json'): void {
  const view = parseYamlView(input.file, input.text);
  for (const doc of view.docs) {
    const root = asMap(doc.contents);
    if (doc.errors.length) {
      const code =
        kind === 'json'
          ? /"Statement"/.test(input.text)
            ? 'iam/policy-syntax'
            : 'json/syntax'
          : looksLikeCollectorConfig(root) || /^\s*(receivers|exporters|processors):/m.test(input.text)
            ? 'collector/yaml-syntax'
            : 'yaml/syntax';
      ws.findings.push(...syntaxFindings(view, doc, code));
      continue;
    }
    if (!root) continue;
    if (kind === 'json') {
      // YAML accepts what JSON does not (trailing commas, comments): ask JSON itself too.
      const problem = strictJsonProblem(input.text);
      if (problem) {
        const code = /"Statement"/.test(input.text) ? 'iam/policy-syntax' : 'json/syntax';
        ws.findings.push({
          code,
          severity: 'error',
          message: t`Not valid JSON: ${problem.message}.`,
          file: input.file,
          range: mapRange(view.index, view.map, problem.offset, problem.offset + 1),
        });
        continue;
      }
      ws.json.push({ view, doc, root });
      continue;
    }
    const apiVersion = textAt(root, ['apiVersion']);
    const k = textAt(root, ['kind']);
    if (apiVersion && k) {
      const object: K8sObject = {
        view,
        doc,
        root,
        apiVersion,
        kind: k,
        name: textAt(root, ['metadata', 'name']) ?? '',
        namespace: textAt(root, ['metadata', 'namespace']),
      };
      ws.objects.push(object);
      if (k === 'ConfigMap') readEmbeddedConfigs(ws, object);
    } else if (looksLikeCollectorConfig(root)) {
      ws.collectors.push({ view, doc, root });
    } else if (looksLikeCollectorChartValues(view, root)) {
      const chart = chartValuesDocument({ view, doc, root });
      ws.chartValues.push(chart);
      const config = effectiveConfigNode(chart);
      if (config) ws.collectors.push({ view, doc, root: config, chart });
    } else {
      ws.plainYaml.push({ view, doc, root });
    }
  }
}

/** Collector configs inside a ConfigMap's data, with ranges that point into the ConfigMap. */
function readEmbeddedConfigs(ws: Workspace, object: K8sObject): void {
  const data = asMap(entries(object.root).find((e) => e.key === 'data')?.value);
  for (const e of entries(data)) {
    const value = e.value;
    const text = scalarText(value);
    // The collector chart's key is `relay`; any key whose text has a collector's sections counts.
    if (
      !/\.(ya?ml)$/i.test(e.key) &&
      !/collector|otel|^relay$/i.test(e.key) &&
      !(text && /^receivers:/m.test(text) && /^(exporters|service):/m.test(text))
    )
      continue;
    if (text === undefined || !isScalar(value)) continue;
    const scalar = value as Scalar;
    const range = scalar.range;
    if (!range) continue;
    const fileText = object.view.text;
    let view: YamlView;
    if (scalar.type === 'BLOCK_LITERAL') {
      const headerEnd = fileText.indexOf('\n', range[0]);
      const contentStart = headerEnd < 0 ? range[1] : headerEnd + 1;
      const header = object.view.index.position(range[0]);
      const headerFileLine = object.view.map(header).line;
      view = parseYamlView(
        object.view.file,
        text,
        blockScalarMap(headerFileLine, blockIndent(fileText, contentStart, range[1])),
      );
    } else {
      // Quoted or folded text has no line-for-line mapping; findings point at the whole value.
      const whole = nodeRange(object.view, scalar);
      view = parseYamlView(object.view.file, text, () => whole.start);
    }
    view.embeddedIn = {
      kind: object.kind,
      name: object.name,
      ...(object.namespace ? { namespace: object.namespace } : {}),
      key: e.key,
    };
    const doc = view.docs[0];
    if (!doc) continue;
    const root = asMap(doc.contents);
    if (doc.errors.length) {
      if (/\.(ya?ml)$/i.test(e.key)) {
        ws.findings.push(
          ...syntaxFindings(view, doc, 'collector/yaml-syntax').map((f) => ({
            ...f,
            message: t`${f.message} (in ConfigMap ${object.name}, key ${e.key})`,
          })),
        );
      }
      continue;
    }
    if (looksLikeCollectorConfig(root)) ws.collectors.push({ view, doc, root, configMap: { object, key: e.key } });
  }
}

function strictJsonProblem(text: string): { message: string; offset: number } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    // V8 names no position; the usual culprits are a trailing comma or a comment.
    const trailing = /,\s*[\]}]/.exec(text);
    if (trailing) return { message: t`a comma before a closing bracket`, offset: trailing.index };
    const comment = /^\s*(\/\/|#)/m.exec(text);
    if (comment)
      return {
        message: t`JSON has no comments`,
        offset: comment.index + (comment[0].length - (comment[1]?.length ?? 0)),
      };
    return { message: e instanceof Error ? (e.message.split('\n')[0] ?? t`unreadable`) : t`unreadable`, offset: 0 };
  }
}
