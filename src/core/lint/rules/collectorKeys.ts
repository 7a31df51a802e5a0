// collector/schema at the version the files run: the bundled schema describes the collector's
// config at v0.155.0, and configKeyChanges (src/core/collector/versions.ts) says which keys came,
// went or were deprecated around it. This turns that table into the schema a given release has,
// and checks the one thing a schema cannot say: two keys a release refuses together.
import { isMap, isScalar, isSeq } from 'yaml';
import {
  atLeast,
  configKeyChanges,
  type ConfigFieldType,
  type ConfigKeyChange,
  type ConfigPlace,
  type Version,
} from '../../collector/versions';
import { t } from '../../text/l10n';
import type { CollectorConfig } from '../model';
import { at as report, type RuleContext } from '../rule';
import type { JsonSchema } from '../schema';
import { asMap, at, entries, entry } from '../yamlView';

type KeySchema = { accept: JsonSchema | undefined } | { refuse: string } | { warn: string };

// The field schemas as scripts/gen-schemas.mjs writes them: a whole value may come from a provider.
const configRef: JsonSchema = { $ref: '#/definitions/configRef' };
const goDuration = '^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$';
const fieldSchemas: Record<ConfigFieldType, JsonSchema> = {
  bool: { anyOf: [{ type: 'boolean' }, configRef] },
  int: { anyOf: [{ type: 'integer' }, configRef] },
  duration: {
    // Read when a message is made, so in the language of the moment.
    get description() {
      return t`A Go duration such as 500ms, 10s or 1m.`;
    },
    anyOf: [{ type: 'string', pattern: goDuration }, { const: 0 }, configRef],
  },
  strings: { type: 'array', items: { type: 'string' } },
};

function sectionSchema(fields: Readonly<Record<string, ConfigFieldType>>): JsonSchema {
  return {
    type: ['object', 'null'],
    additionalProperties: false,
    properties: Object.fromEntries(Object.entries(fields).map(([k, t]) => [k, fieldSchemas[t]])),
  };
}

/** What one change makes of its key at a version; undefined when that release does as 0.155.0 did. */
function keySchema(change: ConfigKeyChange, version: Version, who: string): KeySchema | undefined {
  const { key, since, instead } = change;
  switch (change.change) {
    case 'added':
      if (atLeast(version, since)) return { accept: change.fields ? sectionSchema(change.fields) : undefined };
      return {
        refuse: t`'${key}' came in v${since}; ${who} does not have it and refuses to start ("has invalid keys: ${key}"). \
Upgrade the collector (its image) to v${since} or later, or ${instead}.`,
      };
    case 'deprecated':
      if (!atLeast(version, since)) return undefined;
      return {
        warn: t`'${key}' is deprecated from v${since}; ${who} still honours it but logs a warning. Use ${instead}.`,
      };
    case 'removed':
      if (atLeast(version, since))
        return {
          refuse: change.deprecatedIn
            ? t`'${key}' was removed in v${since} (deprecated from v${change.deprecatedIn}); \
${who} refuses to start with it ("has invalid keys: ${key}"). Use ${instead}.`
            : t`'${key}' was removed in v${since}; ${who} refuses to start with it ("has invalid keys: ${key}"). \
Use ${instead}.`,
        };
      if (change.deprecatedIn && atLeast(version, change.deprecatedIn))
        return {
          warn: t`'${key}' is deprecated from v${change.deprecatedIn} and removed in v${since}; ${who} still accepts it. \
Use ${instead}, which the release that removes it takes too.`,
        };
      return undefined;
  }
}

/** A refusal wins over an acceptance (keep_alives_enabled came in one release and went in another). */
function combine(a: KeySchema | undefined, b: KeySchema | undefined): KeySchema | undefined {
  if (!a || !b) return a ?? b;
  if ('refuse' in a) return a;
  if ('refuse' in b) return b;
  return 'warn' in a ? a : b;
}

const idPattern = (type: string): string => `^${type}(/[^\\p{Z}\\p{C}\\p{S}]+)?$`;

function matches(pattern: string, type: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(type);
  } catch {
    return false;
  }
}

/**
 * The schema with `edit` applied to the object schema at `steps` below `schema` (copied along the
 * way, never changed in place). A missing step is created as an open object when `create` says so;
 * otherwise the schema is left as it is (a place the schema does not describe accepts anything).
 */
function editAt(
  schema: JsonSchema,
  steps: readonly string[],
  edit: (object: JsonSchema) => JsonSchema,
  create: boolean,
): JsonSchema {
  const [step, ...rest] = steps;
  if (step === undefined) return edit(schema);
  const child = schema.properties?.[step];
  if (child) return { ...schema, properties: { ...schema.properties, [step]: editAt(child, rest, edit, create) } };
  if (!create) return schema;
  return { ...schema, properties: { ...schema.properties, [step]: editAt({}, rest, edit, create) } };
}

/** The schema with `edit` applied at one place: the components of that kind and type, then the path. */
function editPlace(
  root: JsonSchema,
  place: ConfigPlace,
  edit: (object: JsonSchema) => JsonSchema,
  create: boolean,
): JsonSchema {
  const components = root.properties?.[place.kind];
  if (!components) return root;
  let patterns = { ...components.patternProperties };
  for (const type of place.types) {
    const found = Object.keys(patterns).find((p) => matches(p, type));
    if (found) patterns = { ...patterns, [found]: editAt(patterns[found] ?? {}, place.path, edit, create) };
    else if (create) patterns = { ...patterns, [idPattern(type)]: editAt({}, place.path, edit, create) };
  }
  return {
    ...root,
    properties: { ...root.properties, [place.kind]: { ...components, patternProperties: patterns } },
  };
}

/**
 * The collector schema as the release `version` has it: keys added after it refused, keys it
 * removed refused, deprecated ones warned about, each with the release and what to write instead.
 * `who` names the collector in the messages ("collector 0.155.0 (otel/…:0.155.0)").
 */
export function collectorSchemaAt(schema: JsonSchema, version: Version, who: string): JsonSchema {
  const byPlaceAndKey = new Map<string, { place: ConfigPlace; key: string; result: KeySchema | undefined }>();
  for (const change of configKeyChanges) {
    for (const place of change.places) {
      const id = `${place.kind}|${place.types.join(',')}|${place.path.join('.')}|${change.key}`;
      const seen = byPlaceAndKey.get(id);
      const result = keySchema(change, version, who);
      byPlaceAndKey.set(id, { place, key: change.key, result: combine(seen?.result, result) });
    }
  }
  let out = schema;
  for (const { place, key, result } of byPlaceAndKey.values()) {
    if (!result) continue;
    if ('accept' in result) {
      // Where the schema describes the place, the key is known (and its section checked) from here.
      const accepted = result.accept;
      out = editPlace(
        out,
        place,
        (o) => ({ ...o, properties: { ...o.properties, [key]: accepted ?? o.properties?.[key] ?? {} } }),
        false,
      );
      continue;
    }
    const keyMessage =
      'refuse' in result
        ? { severity: 'error' as const, message: result.refuse }
        : { severity: 'warning' as const, message: result.warn };
    out = editPlace(
      out,
      place,
      (o) => ({ ...o, properties: { ...o.properties, [key]: { ...o.properties?.[key], keyMessage } } }),
      true,
    );
  }
  return out;
}

/** Whether a section is set as the collector sees it: some field that is not null, false or empty. */
function isSet(node: unknown): boolean {
  if (!isMap(node)) return node !== null && node !== undefined && !(isScalar(node) && node.value === null);
  return entries(node).some((e) => {
    const v = e.value;
    if (v === null || v === undefined) return false;
    if (isScalar(v)) return v.value !== null && v.value !== false;
    if (isSeq(v)) return v.items.length > 0;
    return true;
  });
}

function placeNodes(cfg: CollectorConfig, place: ConfigPlace): unknown[] {
  return entries(asMap(at(cfg.root, [place.kind])))
    .filter((e) => place.types.includes(e.key.split('/')[0] ?? e.key))
    .map((e) => (place.path.length ? at(e.value, [...place.path]) : e.value));
}

/** Keys a release refuses together (resource_constant_labels beside resource_to_telemetry_conversion). */
export function checkKeysRefusedTogether(ctx: RuleContext, cfg: CollectorConfig, version: Version, who: string): void {
  for (const change of configKeyChanges) {
    const beside = change.refusedBeside;
    if (!beside || change.change !== 'added' || !atLeast(version, change.since)) continue;
    for (const place of change.places) {
      for (const node of placeNodes(cfg, place)) {
        const map = asMap(node);
        const mine = entry(map, change.key);
        const other = entry(map, beside.key);
        if (!mine || !other || !isSet(mine.value) || !isSet(other.value)) continue;
        const deprecated = configKeyChanges.some(
          (c) => c.change === 'deprecated' && c.key === beside.key && atLeast(version, c.since),
        );
        ctx.report(
          report(
            cfg.view,
            mine.keyNode,
            'collector/schema',
            'error',
            deprecated
              ? t`'${change.key}' and '${beside.key}' are both set; ${who} refuses to start ("${beside.says}"). \
Keep only '${change.key}' (${beside.key} is deprecated).`
              : t`'${change.key}' and '${beside.key}' are both set; ${who} refuses to start ("${beside.says}"). \
Keep only '${change.key}'.`,
          ),
        );
      }
    }
  }
}
