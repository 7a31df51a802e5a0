// JMeter's ${...} expressions: variables and the functions the built-in engine supports, parsed
// once and evaluated per request. Semantics pinned against JMeter 5.6.3 (test/unit/loadtest-plan.test.ts):
// __P(NAME) without a default gives "1", __property(NAME) gives "NAME", an undefined ${VAR} stays
// literal, "\," escapes a comma inside function arguments, and functions nest.
import { t } from '../text/l10n';

export type Part =
  | { kind: 'text'; text: string }
  | { kind: 'var'; name: string; raw: string }
  | { kind: 'call'; name: string; args: Template[]; raw: string; id: number };

export type Template = Part[];

/** Functions the engine evaluates; anything else named ${__x(...)} is reported, not guessed. */
export const supportedFunctions = [
  '__P',
  '__property',
  '__RandomString',
  '__Random',
  '__UUID',
  '__time',
  '__threadNum',
  '__counter',
] as const;
const supported = new Set<string>(supportedFunctions);

let nextId = 1;

/**
 * Parses text with ${...} references. As in JMeter, a value without "${" is taken as it is; in
 * one with, "\\$", "\\," and "\\\\" escape their character, and a reference that never closes stays text.
 */
export function parseTemplate(text: string): Template {
  if (!text.includes('${')) return text ? [{ kind: 'text', text }] : [];
  const parts: Template = [];
  let buf = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      const next = text[i + 1] ?? '';
      buf += '$,\\'.includes(next) ? next : `\\${next}`;
      i += 2;
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      const ref = parseRef(text, i);
      if (ref) {
        if (buf) parts.push({ kind: 'text', text: buf });
        buf = '';
        parts.push(ref.part);
        i = ref.end;
        continue;
      }
    }
    buf += c;
    i++;
  }
  if (buf) parts.push({ kind: 'text', text: buf });
  return parts;
}

/** Parses `${name}` or `${__fn(a,b)}` at `start`; undefined when it is not a complete reference. */
function parseRef(text: string, start: number): { part: Part; end: number } | undefined {
  let i = start + 2;
  const nameMatch = /^[^(){}$]*/.exec(text.slice(i, i + 500));
  const name = nameMatch?.[0] ?? '';
  i += name.length;
  if (text[i] === '}') {
    const raw = text.slice(start, i + 1);
    // ${__threadNum} and ${__UUID} are function calls without parentheses.
    if (name.startsWith('__')) return { part: { kind: 'call', name, args: [], raw, id: nextId++ }, end: i + 1 };
    return { part: { kind: 'var', name, raw }, end: i + 1 };
  }
  if (text[i] !== '(' || !name.startsWith('__')) return undefined;
  i++;
  const args: Template[] = [];
  let argText = '';
  let argParts: Template = [];
  // Parentheses inside an argument nest, as in ${__groovy(System.currentTimeMillis())}.
  let parens = 0;
  const flush = (): void => {
    if (argText) argParts.push({ kind: 'text', text: argText });
    argText = '';
  };
  for (;;) {
    if (i >= text.length) return undefined;
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      const next = text[i + 1] ?? '';
      argText += '$,\\'.includes(next) ? next : `\\${next}`;
      i += 2;
    } else if (c === '$' && text[i + 1] === '{') {
      const inner = parseRef(text, i);
      if (!inner) return undefined;
      flush();
      argParts.push(inner.part);
      i = inner.end;
    } else if (c === '(') {
      parens++;
      argText += c;
      i++;
    } else if (c === ')' && parens > 0) {
      parens--;
      argText += c;
      i++;
    } else if (c === ',' || c === ')') {
      flush();
      args.push(argParts);
      argParts = [];
      i++;
      if (c === ')') break;
    } else {
      argText += c;
      i++;
    }
  }
  if (text[i] !== '}') return undefined;
  // f() has no argument at all, not one empty argument.
  if (args.length === 1 && (args[0]?.length ?? 0) === 0) args.length = 0;
  return { part: { kind: 'call', name, args, raw: text.slice(start, i + 1), id: nextId++ }, end: i + 1 };
}

/** Every function a template calls, nested ones included. */
export function* calls(t: Template): Generator<Extract<Part, { kind: 'call' }>> {
  for (const p of t) {
    if (p.kind !== 'call') continue;
    yield p;
    for (const a of p.args) yield* calls(a);
  }
}

/** Every variable a template reads, nested ones included. */
export function* variables(t: Template): Generator<string> {
  for (const p of t) {
    if (p.kind === 'var') yield p.name;
    if (p.kind === 'call') for (const a of p.args) yield* variables(a);
  }
}

export function isConstant(t: Template): boolean {
  return t.every((p) => p.kind === 'text');
}

export function textOf(t: Template): string {
  return t.map((p) => (p.kind === 'text' ? p.text : p.raw)).join('');
}

/** Why a function call cannot be evaluated, or undefined when it can. */
export function unsupportedReason(call: Extract<Part, { kind: 'call' }>): string | undefined {
  if (!supported.has(call.name))
    return t`function ${call.name} is not supported by the built-in engine (supported: ${supportedFunctions.join(', ')})`;
  const literal = (n: number): string | undefined => {
    const a = call.args[n];
    return a && isConstant(a) ? textOf(a) : undefined;
  };
  if (call.name === '__RandomString') {
    const chars = literal(1);
    if (call.args.length < 2 || chars === '')
      return t`${call.raw}: __RandomString without a character set draws from all of Unicode in JMeter; give the characters, \
e.g. \${__RandomString(10,abcdefghijklmnopqrstuvwxyz)}`;
  }
  if (call.name === '__time') {
    const format = literal(0);
    if (format !== undefined && format !== '' && !/^\/\d+$/.test(format))
      return t`${call.raw}: __time with a date format ('${format}') is not supported; \
only \${__time()} (milliseconds) and \${__time(/1000)} (seconds)`;
  }
  if (call.name === '__counter') {
    const mode = literal(0)?.toUpperCase();
    if (mode !== undefined && mode !== 'TRUE' && mode !== 'FALSE')
      return t`${call.raw}: the first argument of __counter is TRUE (per thread) or FALSE (shared), not '${literal(0)}'`;
  }
  return undefined;
}

/** What evaluation may read and change: per thread, apart from `props` and the shared counters. */
export interface EvalContext {
  props: Readonly<Record<string, string>>;
  vars: Map<string, string>;
  /** 1-based thread number within its Thread Group; 0 while the plan is loaded. */
  threadNum: number;
  random: () => number;
  epochMs: () => number;
  /** Counters of __counter(FALSE), shared by all threads, and of __counter(TRUE), this thread's own. */
  sharedCounters: Map<number, number>;
  threadCounters: Map<number, number>;
}

export function evaluate(t: Template, ctx: EvalContext): string {
  if (t.length === 1 && t[0]?.kind === 'text') return t[0].text;
  let out = '';
  for (const p of t) {
    if (p.kind === 'text') out += p.text;
    else if (p.kind === 'var') out += ctx.vars.get(p.name) ?? p.raw;
    else out += call(p, ctx);
  }
  return out;
}

const charSets = new Map<string, string[]>();
/** The characters of a __RandomString set, split once (by code point, so emoji stay whole). */
function charSet(chars: string): string[] {
  let set = charSets.get(chars);
  if (!set) {
    set = [...chars];
    if (charSets.size < 100) charSets.set(chars, set);
  }
  return set;
}

function randomInt(min: number, max: number, random: () => number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function uuid(random: () => number): string {
  const hex: string[] = [];
  for (let i = 0; i < 32; i++) hex.push(Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

type Call = Extract<Part, { kind: 'call' }>;

// Plain functions rather than closures made per call: functions run once per request.
function argOf(p: Call, n: number, ctx: EvalContext): string | undefined {
  const a = p.args[n];
  return a === undefined ? undefined : evaluate(a, ctx);
}

/** Sets the variable named by argument `n`, when there is one, to `value`. */
function storeIn(p: Call, n: number, value: string, ctx: EvalContext): string {
  if (p.args.length <= n) return value;
  const name = argOf(p, n, ctx)?.trim();
  if (name) ctx.vars.set(name, value);
  return value;
}

function call(p: Call, ctx: EvalContext): string {
  switch (p.name) {
    case '__P': {
      const name = argOf(p, 0, ctx)?.trim() ?? '';
      return ctx.props[name] ?? argOf(p, 1, ctx) ?? '1';
    }
    case '__property': {
      const name = argOf(p, 0, ctx)?.trim() ?? '';
      const dflt = argOf(p, 2, ctx);
      return storeIn(p, 1, ctx.props[name] ?? (dflt !== undefined && dflt !== '' ? dflt : name), ctx);
    }
    case '__RandomString': {
      const length = Number(argOf(p, 0, ctx)?.trim());
      const set = charSet(argOf(p, 1, ctx) ?? '');
      let s = '';
      if (Number.isInteger(length) && length > 0 && set.length)
        for (let i = 0; i < length; i++) s += set[Math.floor(ctx.random() * set.length)];
      return storeIn(p, 2, s, ctx);
    }
    case '__Random': {
      const min = Math.trunc(Number(argOf(p, 0, ctx)?.trim()));
      const max = Math.trunc(Number(argOf(p, 1, ctx)?.trim()));
      if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return p.raw;
      return storeIn(p, 2, String(randomInt(min, max, ctx.random)), ctx);
    }
    case '__UUID':
      return uuid(ctx.random);
    case '__time': {
      const format = argOf(p, 0, ctx) ?? '';
      const ms = ctx.epochMs();
      const divisor = /^\/(\d+)$/.exec(format);
      const value = divisor ? String(Math.floor(ms / Number(divisor[1]))) : String(Math.floor(ms));
      return storeIn(p, 1, value, ctx);
    }
    case '__threadNum':
      return String(ctx.threadNum);
    case '__counter': {
      const perThread = (argOf(p, 0, ctx)?.trim().toUpperCase() ?? 'FALSE') === 'TRUE';
      const counters = perThread ? ctx.threadCounters : ctx.sharedCounters;
      const n = (counters.get(p.id) ?? 0) + 1;
      counters.set(p.id, n);
      return storeIn(p, 1, String(n), ctx);
    }
    default:
      // Unsupported: reported when the plan is loaded; JMeter too leaves an unknown function as text.
      return p.raw;
  }
}

/** Functions that write a variable (their optional variable-name argument), by variable name. */
export function storedVariables(t: Template): string[] {
  const out: string[] = [];
  const at: Record<string, number> = { __property: 1, __RandomString: 2, __Random: 2, __time: 1, __counter: 1 };
  for (const c of calls(t)) {
    const n = at[c.name];
    const a = n === undefined ? undefined : c.args[n];
    if (a && isConstant(a) && textOf(a).trim()) out.push(textOf(a).trim());
  }
  return out;
}
