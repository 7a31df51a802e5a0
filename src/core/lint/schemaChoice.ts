// Which bundled schema a YAML file gets: its kind's, the collector config's, or the combined
// lab.json for a multi-document lab file; none for anything else (workflows, compose files,
// values files), so YAML that is not the lab's is neither labelled nor completed as the lab's.
// The YAML server asks on every completion and hover, so this must stay cheap.
import { Composer, isScalar, Parser, type YAMLMap } from 'yaml';
import { looksLikeCollectorConfig, maxLintBytes } from './model';
import { asMap, textAt } from './yamlView';

/** The bundled schema files, by what they describe (read from schemas/index.json). */
export interface SchemaCatalog {
  kinds: readonly { apiVersion: string; kind: string; file: string }[];
  /** The collector config's schema file. */
  collector?: string | undefined;
  /** The combined schema that gives each document of a file its own kind's schema. */
  combined?: string | undefined;
}

/** Every lab document has one of these keys at column 0; a file without any is not parsed. */
const labRootKey = /^["']?(?:kind|receivers|exporters|service)["']?[ \t]*:/m;
/** The lines at column 0: document markers and the root keys (indented lines are never root keys). */
const columnZeroLines = /^[^\s#].*$/gm;

/**
 * The schema file (one of the catalog's) for a YAML file's text: the kind's or the collector
 * config's when every document is that, the combined schema when its documents are of several
 * kinds we know, and undefined when any document is something else, or there is none.
 */
export function chooseSchema(text: string, catalog: SchemaCatalog): string | undefined {
  if (text.length > maxLintBytes || !labRootKey.test(text)) return undefined;
  // Only the root keys decide, so only the column-0 lines are parsed (a 790 KB ConfigMap in about
  // a millisecond, not 400); the whole text only when those alone do not parse (a quoted
  // value over several lines, an alias to an anchor in an indented line, a line being typed).
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const fromRootLines = choose(body.match(columnZeroLines)?.join('\n') ?? '', catalog, false);
  if (fromRootLines !== unparsable) return fromRootLines;
  const fromAll = choose(body, catalog, true);
  return fromAll === unparsable ? undefined : fromAll;
}

const unparsable = Symbol('unparsable');

function choose(text: string, catalog: SchemaCatalog, despiteErrors: boolean): string | undefined | typeof unparsable {
  const files = new Set<string>();
  // Documents are composed one at a time, so the first foreign one ends the parse.
  const composer = new Composer({ strict: false, uniqueKeys: false });
  for (const doc of composer.compose(new Parser().parse(text), false, text.length)) {
    if (doc.errors.length && !despiteErrors) return unparsable;
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue; // empty, or only comments
    const file = schemaOfDocument(asMap(doc.contents), catalog);
    if (!file) return undefined;
    files.add(file);
  }
  if (files.size <= 1) return [...files][0];
  return catalog.combined;
}

function schemaOfDocument(root: YAMLMap<unknown, unknown> | undefined, catalog: SchemaCatalog): string | undefined {
  if (!root) return undefined;
  const apiVersion = textAt(root, ['apiVersion']);
  const kind = textAt(root, ['kind']);
  if (apiVersion !== undefined || kind !== undefined)
    return catalog.kinds.find((k) => k.apiVersion === apiVersion && k.kind === kind)?.file;
  return looksLikeCollectorConfig(root) ? catalog.collector : undefined;
}
