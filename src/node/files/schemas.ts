// Loads the bundled JSON schemas shipped in schemas/ beside dist/ (nothing is fetched).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KindSchema } from '../../core/lint/rule';
import type { SchemaCatalog } from '../../core/lint/schemaChoice';
import type { JsonSchema } from '../../core/lint/schema';

interface SchemaIndex {
  kinds: { apiVersion: string; kind: string; file: string }[];
  configs?: { name: string; file: string }[];
}

export function schemasDir(): string | undefined {
  return [join(__dirname, '..', 'schemas'), join(__dirname, '..', '..', '..', 'schemas')].find((d) =>
    existsSync(join(d, 'index.json')),
  );
}

/** The combined schema scripts/gen-lab-schema.mjs writes beside the others. */
const combinedSchema = 'lab.json';

/** Which file describes what, from index.json (the files themselves are not read). */
export function loadSchemaCatalog(dir: string): SchemaCatalog {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as SchemaIndex;
  return {
    kinds: index.kinds.map((k) => ({ apiVersion: k.apiVersion, kind: k.kind, file: k.file })),
    collector: index.configs?.find((c) => c.name === 'otelcol')?.file,
    combined: existsSync(join(dir, combinedSchema)) ? combinedSchema : undefined,
  };
}

let cached: KindSchema[] | undefined;
let cachedCollector: JsonSchema | undefined;

/** The collector config's schema, read once; undefined when the folder is missing. */
export function loadCollectorSchema(dir = schemasDir()): JsonSchema | undefined {
  if (cachedCollector && dir === schemasDir()) return cachedCollector;
  if (!dir) return undefined;
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as SchemaIndex;
  const entry = index.configs?.find((c) => c.name === 'otelcol');
  if (!entry) return undefined;
  cachedCollector = JSON.parse(readFileSync(join(dir, entry.file), 'utf8')) as JsonSchema;
  return cachedCollector;
}

/** The Kubernetes kinds' schemas, read once; an empty list when the folder is missing. */
export function loadKindSchemas(dir = schemasDir()): KindSchema[] {
  if (cached && dir === schemasDir()) return cached;
  if (!dir) return [];
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as SchemaIndex;
  const loaded = index.kinds.map((k) => ({
    apiVersion: k.apiVersion,
    kind: k.kind,
    schema: JSON.parse(readFileSync(join(dir, k.file), 'utf8')) as JsonSchema,
  }));
  cached = loaded;
  return loaded;
}
