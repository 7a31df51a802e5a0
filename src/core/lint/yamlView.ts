// YAML parsed with source ranges: one parser (the `yaml` package) for every YAML and JSON file,
// read as an AST so that aliases are never expanded and every finding can point at its node.
import {
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  visit,
  YAMLParseError,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { Range } from '../finding';
import { t } from '../text/l10n';
import { identity, LineIndex, mapRange, type PositionMap } from './text';

export interface YamlView {
  file: string;
  /** The view's own text: the whole file, or a document embedded in it. */
  text: string;
  docs: Document.Parsed[];
  index: LineIndex;
  map: PositionMap;
  /** Set when the view is a document embedded in another file (a ConfigMap value). */
  embeddedIn?: { kind: string; name: string; namespace?: string; key: string };
}

export function parseYamlView(file: string, text: string, map: PositionMap = identity): YamlView {
  // Anchors and aliases stay nodes, never expanded. The parser's own duplicate-key check
  // compares every pair with every other (minutes on a large ConfigMap); ours uses a Set.
  const docs = parseAllDocuments(text, { prettyErrors: false, strict: false, uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) reportDuplicateKeys(doc);
  return { file, text, docs: list, index: new LineIndex(text), map };
}

function reportDuplicateKeys(doc: Document.Parsed): void {
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const k = scalarText(pair.key);
        if (k === undefined) continue;
        if (seen.has(k)) {
          const r = (pair.key as Node).range;
          if (r)
            doc.errors.push(
              new YAMLParseError([r[0], r[1]], 'DUPLICATE_KEY', t`Map keys must be unique: '${k}' appears twice`),
            );
        }
        seen.add(k);
      }
    },
  });
}

export function nodeRange(view: YamlView, node: Node | Pair | undefined | null, fallback?: Range): Range {
  const r = node && 'range' in node ? node.range : undefined;
  if (r) return mapRange(view.index, view.map, r[0], r[1]);
  if (node && 'key' in node) {
    const k = node.key as Node | null;
    const v = node.value as Node | null;
    const start = k?.range?.[0] ?? v?.range?.[0];
    const end = v?.range?.[1] ?? k?.range?.[1];
    if (start !== undefined && end !== undefined) return mapRange(view.index, view.map, start, end);
  }
  return fallback ?? mapRange(view.index, view.map, 0, 0);
}

export function offsetsRange(view: YamlView, start: number, end: number): Range {
  return mapRange(view.index, view.map, start, end);
}

export function asMap(node: unknown): YAMLMap<unknown, unknown> | undefined {
  return isMap(node) ? node : undefined;
}

export function asSeq(node: unknown): YAMLSeq<unknown> | undefined {
  return isSeq(node) ? node : undefined;
}

/** A scalar's value as text (numbers and booleans too), else undefined. */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = (node as Scalar).value;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export interface Entry {
  key: string;
  keyNode: Node | null;
  value: unknown;
  pair: Pair<unknown, unknown>;
}

export function entries(map: YAMLMap<unknown, unknown> | undefined): Entry[] {
  if (!map) return [];
  const out: Entry[] = [];
  for (const pair of map.items) {
    const key = scalarText(pair.key);
    if (key !== undefined) out.push({ key, keyNode: pair.key as Node, value: pair.value, pair });
  }
  return out;
}

export function entry(map: YAMLMap<unknown, unknown> | undefined, key: string): Entry | undefined {
  return entries(map).find((e) => e.key === key);
}

/** Follows map keys (and numeric sequence indexes) from `node`. */
export function at(node: unknown, path: (string | number)[]): unknown {
  let cur = node;
  for (const step of path) {
    if (typeof step === 'number') {
      cur = asSeq(cur)?.items[step];
    } else {
      cur = entry(asMap(cur), step)?.value;
    }
    if (cur === undefined || cur === null) return undefined;
  }
  return cur;
}

export function textAt(node: unknown, path: (string | number)[]): string | undefined {
  return scalarText(at(node, path));
}

/** A map of scalar strings (labels, selectors), ignoring anything else. */
export function stringMap(node: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries(asMap(node))) {
    const v = scalarText(e.value);
    if (v !== undefined) out[e.key] = v;
  }
  return out;
}

export function seqItems(node: unknown): unknown[] {
  return asSeq(node)?.items ?? [];
}

export function mapKeyNames(node: unknown): string[] {
  return entries(asMap(node)).map((e) => e.key);
}
