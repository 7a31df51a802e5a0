// Validates a YAML node against a JSON Schema (the draft-07 subset our generated schemas use),
// walking the YAML AST so every problem points at its own node.
import { isMap, isScalar, isSeq } from 'yaml';
import { t } from '../text/l10n';
import { closest } from './rule';
import { entries } from './yamlView';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  not?: JsonSchema;
  $ref?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  minProperties?: number;
  maxProperties?: number;
  propertyNames?: JsonSchema;
  definitions?: Record<string, JsonSchema>;
  deprecationMessage?: string;
  /**
   * Ours, not JSON Schema's: report the key that holds this value, with this message. An error
   * refuses the key whatever its value (a key the collector version does not have); a warning
   * (a deprecated key) lets the value be checked as usual.
   */
  keyMessage?: { severity: 'error' | 'warning'; message: string };
  title?: string;
  description?: string;
}

export interface SchemaProblem {
  node: unknown;
  /** Points at the key of a map entry rather than its value (unknown fields). */
  atKey?: boolean;
  message: string;
  severity: 'error' | 'warning';
}

type Value = {
  kind: 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'object' | 'array' | 'alias';
  value?: unknown;
};

function kindOf(node: unknown): Value {
  if (node === null || node === undefined) return { kind: 'null' };
  if (isMap(node)) return { kind: 'object' };
  if (isSeq(node)) return { kind: 'array' };
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return { kind: 'null' };
    if (typeof v === 'boolean') return { kind: 'boolean', value: v };
    if (typeof v === 'number') return { kind: Number.isInteger(v) ? 'integer' : 'number', value: v };
    if (typeof v === 'bigint') return { kind: 'integer', value: v };
    return { kind: 'string', value: String(v) };
  }
  return { kind: 'alias' };
}

/**
 * The deprecation notes scripts/gen-schemas.mjs writes into the collector schema, as translatable
 * sentences with the same English; the Kubernetes schema's own notes (from its OpenAPI document)
 * are shown as they are.
 */
function deprecationNote(message: string): string {
  if (
    message ===
    'add_metric_suffixes is deprecated: use translation_strategy ' +
      '(UnderscoreEscapingWithSuffixes or UnderscoreEscapingWithoutSuffixes).'
  )
    return t`${'add_metric_suffixes'} is deprecated: use ${'translation_strategy'} \
(${'UnderscoreEscapingWithSuffixes'} or ${'UnderscoreEscapingWithoutSuffixes'}).`;
  if (
    message ===
    'service.telemetry.metrics.address is deprecated (v0.111.0), ignored from v0.123.0 and rejected from v0.128.0: ' +
      'the collector will not start. Use readers with pull.exporter.prometheus host and port instead.'
  )
    return t`service.telemetry.metrics.address is deprecated (v0.111.0), ignored from v0.123.0 and rejected \
from v0.128.0: the collector will not start. Use readers with pull.exporter.prometheus host and port instead.`;
  return message;
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** The collector schema's `${env:…}` form, which any field may take (scripts/gen-schemas.mjs). */
const providerRef = '#/definitions/configRef';

function typeMatches(actual: Value['kind'], expected: string): boolean {
  return actual === expected || (expected === 'number' && actual === 'integer');
}

/** A value in a sentence: "the string 'x'", "integer 5", "a map"; null as YAML writes it. */
function describe(v: Value): string {
  const value = String(v.value);
  switch (v.kind) {
    case 'string':
      return t`the string '${value.slice(0, 40)}'`;
    case 'integer':
      return t`integer ${value}`;
    case 'number':
      return t`number ${value}`;
    case 'boolean':
      return t`boolean ${value}`;
    case 'object':
      return t`a map`;
    case 'array':
      return t`a list`;
    default:
      return v.kind;
  }
}

/** Schema types as alternatives: "string", "integer or string", "a or b or c". */
function orList(types: readonly (string | undefined)[]): string {
  return types.reduce<string>((list, type, i) => (i === 0 ? (type ?? '') : t`${list} or ${type ?? ''}`), '');
}

export class SchemaValidator {
  private readonly regexCache = new Map<string, RegExp | null>();

  /** `unknownField` says what happens to an unknown field, for the message. */
  constructor(
    private readonly root: JsonSchema,
    private readonly unknownField = t`The API server rejects it (or, applied without strict validation, drops it silently).`,
  ) {}

  private resolve(schema: JsonSchema): JsonSchema {
    let s = schema;
    for (let i = 0; i < 20 && s.$ref; i++) {
      const name = s.$ref.replace(/^#\/definitions\//, '');
      const target = this.root.definitions?.[name];
      if (!target) return {};
      s = { ...target, ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref')) };
    }
    return s;
  }

  private regex(pattern: string): RegExp | null {
    if (!this.regexCache.has(pattern)) {
      try {
        this.regexCache.set(pattern, new RegExp(pattern, 'u'));
      } catch {
        this.regexCache.set(pattern, null);
      }
    }
    return this.regexCache.get(pattern) ?? null;
  }

  validate(node: unknown, schema: JsonSchema = this.root, depth = 0): SchemaProblem[] {
    if (depth > 60) return [];
    const s = this.resolve(schema);
    const v = kindOf(node);
    if (v.kind === 'alias') return [];
    const problems: SchemaProblem[] = [];
    if (s.deprecationMessage)
      problems.push({ node, message: deprecationNote(s.deprecationMessage), severity: 'warning' });
    for (const sub of s.allOf ?? []) problems.push(...this.validate(node, sub, depth + 1));
    const alternatives = s.anyOf ?? s.oneOf;
    if (alternatives) {
      const results = alternatives.map((a) => this.validate(node, a, depth + 1).filter((p) => p.severity === 'error'));
      if (!results.some((r) => r.length === 0)) {
        // Report the alternative that got furthest (fewest problems); else, when one alternative
        // alone takes a value of this type (a duration is a string of a form, 0, or a provider's
        // ${…}, which is a way to write any value), what it says; else a summary.
        const best = [...results].sort((a, b) => a.length - b.length)[0] ?? [];
        const types = [
          ...new Set(
            alternatives
              .map((a) => this.resolve(a).type)
              .filter(Boolean)
              .flat(),
          ),
        ];
        const sameType = alternatives
          .map((a, i) => ({ raw: a, schema: this.resolve(a), problems: results[i] ?? [] }))
          .filter(
            (a) => a.raw.$ref !== providerRef && [a.schema.type ?? []].flat().some((t) => typeMatches(v.kind, t)),
          );
        problems.push(
          ...(best.length && best.every((p) => p.node !== node)
            ? best
            : sameType.length === 1 && sameType[0]?.problems.length
              ? sameType[0].problems.map((p) =>
                  p.node === node && s.description
                    ? { ...p, message: t`${capitalised(describe(v))} is not what this field takes: ${s.description}` }
                    : p,
                )
              : [
                  {
                    node,
                    message: types.length
                      ? t`Expected ${orList(types)}, got ${describe(v)}.`
                      : t`Expected another form, got ${describe(v)}.`,
                    severity: 'error' as const,
                  },
                ]),
        );
      }
    }
    if (s.not && this.validate(node, s.not, depth + 1).every((p) => p.severity !== 'error'))
      problems.push({ node, message: t`This value is not allowed here.`, severity: 'error' });
    if (s.type) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (!types.some((t) => typeMatches(v.kind, t))) {
        // YAML reads `8080` as a number; where a string is wanted, say how to quote it.
        const quotable =
          types.includes('string') && (v.kind === 'integer' || v.kind === 'number' || v.kind === 'boolean');
        problems.push({
          node,
          message: quotable
            ? t`Expected ${orList(types)}, got ${describe(v)}. Quote it: "${String(v.value)}".`
            : t`Expected ${orList(types)}, got ${describe(v)}.`,
          severity: 'error',
        });
        return problems;
      }
    }
    if (s.const !== undefined && v.value !== s.const)
      problems.push({ node, message: t`Must be ${JSON.stringify(s.const)}, not ${describe(v)}.`, severity: 'error' });
    if (s.enum && !s.enum.some((e) => e === v.value || (e === null && v.kind === 'null'))) {
      problems.push({
        node,
        message: t`Must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}; got ${describe(v)}.`,
        severity: 'error',
      });
    }
    if (v.kind === 'string') {
      const text = String(v.value);
      if (s.pattern) {
        const re = this.regex(s.pattern);
        if (re && !re.test(text))
          problems.push({
            node,
            message: t`'${text.slice(0, 60)}' does not have the expected form (${s.pattern}).`,
            severity: 'error',
          });
      }
      if (s.minLength !== undefined && text.length < s.minLength)
        problems.push({ node, message: t`Must not be empty.`, severity: 'error' });
    }
    if ((v.kind === 'integer' || v.kind === 'number') && typeof v.value === 'number') {
      if (s.minimum !== undefined && v.value < s.minimum)
        problems.push({ node, message: t`Must be at least ${s.minimum}.`, severity: 'error' });
      if (s.maximum !== undefined && v.value > s.maximum)
        problems.push({ node, message: t`Must be at most ${s.maximum}.`, severity: 'error' });
    }
    if (v.kind === 'array' && isSeq(node)) {
      if (s.minItems !== undefined && node.items.length < s.minItems)
        problems.push({ node, message: t`Needs at least ${s.minItems} item(s).`, severity: 'error' });
      if (s.items) for (const item of node.items) problems.push(...this.validate(item, s.items, depth + 1));
    }
    if (v.kind === 'object' && isMap(node)) problems.push(...this.validateMap(node, s, depth));
    return problems;
  }

  private validateMap(node: Parameters<typeof entries>[0], s: JsonSchema, depth: number): SchemaProblem[] {
    const problems: SchemaProblem[] = [];
    const list = entries(node);
    const present = new Set(list.map((e) => e.key));
    for (const r of s.required ?? [])
      if (!present.has(r)) problems.push({ node, message: t`Missing required field '${r}'.`, severity: 'error' });
    if (s.minProperties !== undefined && list.length < s.minProperties)
      problems.push({
        node,
        message: s.minProperties === 1 ? t`Needs at least 1 entry.` : t`Needs at least ${s.minProperties} entries.`,
        severity: 'error',
      });
    // A refused key is no suggestion for a misspelt one.
    const known = Object.entries(s.properties ?? {})
      .filter(([, p]) => this.resolve(p).keyMessage?.severity !== 'error')
      .map(([k]) => k);
    for (const e of list) {
      const prop = s.properties?.[e.key];
      const keyMessage = prop ? this.resolve(prop).keyMessage : undefined;
      if (keyMessage) {
        problems.push({ node: e.keyNode, atKey: true, message: keyMessage.message, severity: keyMessage.severity });
        // Refused whatever its value: 0.155.0 and 0.165.1 refuse an unknown key set to null too.
        if (keyMessage.severity === 'error') continue;
      }
      // An optional field set to null is unset: the API server and the collector both take it so.
      if (kindOf(e.value).kind === 'null' && !(s.required ?? []).includes(e.key)) continue;
      if (prop) {
        problems.push(...this.validate(e.value, prop, depth + 1));
        continue;
      }
      const pattern = Object.entries(s.patternProperties ?? {}).find(([p]) => this.regex(p)?.test(e.key));
      if (pattern) {
        problems.push(...this.validate(e.value, pattern[1], depth + 1));
        continue;
      }
      if (s.propertyNames?.pattern && !this.regex(s.propertyNames.pattern)?.test(e.key)) {
        problems.push({
          node: e.keyNode,
          atKey: true,
          message: t`'${e.key}' is not a valid key here.`,
          severity: 'error',
        });
        continue;
      }
      if (s.additionalProperties === false) {
        const guess = closest(e.key, known);
        problems.push({
          node: e.keyNode,
          atKey: true,
          message: guess
            ? t`Unknown field '${e.key}'; did you mean '${guess}'? ${this.unknownField}`
            : t`Unknown field '${e.key}'. ${this.unknownField}`,
          severity: 'error',
        });
      } else if (typeof s.additionalProperties === 'object') {
        problems.push(...this.validate(e.value, s.additionalProperties, depth + 1));
      }
    }
    return problems;
  }
}
