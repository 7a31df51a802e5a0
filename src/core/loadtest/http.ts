// HTTP/1.1 on the wire for the built-in engine, without sockets: the request bytes a sampler
// sends (as JMeter 5.6.3 builds them: form bodies, query strings, raw bodies, content types)
// and an incremental parser for the response (Content-Length, chunked, or until close).
import { endpoint, type HttpSampler } from './plan';
import { evaluate, isConstant, textOf, type EvalContext, type Part, type Template } from './template';

export const userAgent = 'obslab-loadtest (JMeter plan, built-in engine)';

const hex = '0123456789ABCDEF';

function bytesOf(s: string, encoding: 'utf8' | 'latin1'): Uint8Array {
  if (encoding === 'utf8') return new TextEncoder().encode(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[i] = c < 256 ? c : 0x3f; // '?', as Java writes an unmappable character
  }
  return out;
}

/** java.net.URLEncoder.encode: letters, digits and . - * _ stay, space becomes +, the rest %XX. */
export function urlEncode(s: string, encoding: 'utf8' | 'latin1' = 'utf8'): string {
  // The usual case, letters and digits only, needs no work.
  if (/^[A-Za-z0-9.*_-]*$/.test(s)) return s;
  let out = '';
  for (const b of bytesOf(s, encoding)) {
    if (
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x2e ||
      b === 0x2d ||
      b === 0x2a ||
      b === 0x5f
    )
      out += String.fromCharCode(b);
    else if (b === 0x20) out += '+';
    else out += `%${hex[b >> 4]}${hex[b & 15]}`;
  }
  return out;
}

/** java.net.URLDecoder.decode: + is a space, %XX a byte; a malformed escape throws as in Java. */
export function urlDecode(s: string, encoding: 'utf8' | 'latin1' = 'utf8'): string {
  if (!s.includes('%') && !s.includes('+')) return s;
  const bytes: number[] = [];
  let out = '';
  const flush = (): void => {
    if (!bytes.length) return;
    out += encoding === 'utf8' ? new TextDecoder().decode(new Uint8Array(bytes)) : String.fromCharCode(...bytes);
    bytes.length = 0;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h))
        throw new Error(`URLDecoder: Illegal hex characters in escape (%) pattern - '${s.slice(i, i + 3)}'`);
      bytes.push(parseInt(h, 16));
      i += 2;
    } else {
      flush();
      out += c === '+' ? ' ' : c;
    }
  }
  flush();
  return out;
}

/** Characters java.net.URI refuses in a path or query (JMeter then fails the sample with URISyntaxException). */
function illegalInUri(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || '"<>\\^`{|}'.includes(s[i] ?? '')) return i;
    if (c === 0x25 && !/^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) return i;
  }
  return -1;
}

export interface PreparedRequest {
  label: string;
  method: string;
  protocol: string;
  host: string;
  port: number;
  url: string;
  bytes: Uint8Array;
  keepAlive: boolean;
  /** HEAD answers carry no body. */
  expectBody: boolean;
  connectTimeoutMs: number | undefined;
  responseTimeoutMs: number | undefined;
}

export interface RequestError {
  label: string;
  url: string;
  /** JMeter's wording, so a .jtl from either engine groups the same way. */
  responseCode: string;
  responseMessage: string;
}

function nonHttp(label: string, url: string, exception: string, message: string): RequestError {
  return {
    label,
    url,
    responseCode: `Non HTTP response code: ${exception}`,
    responseMessage: `Non HTTP response message: ${message}`,
  };
}

interface Target {
  label: string;
  protocol: string;
  host: string;
  port: number;
  url: string;
  /** Path and query, as on the request line. */
  path: string;
  /** Connection, Host, User-Agent and the Header Managers' headers, each ending in CRLF. */
  headerLines: string;
  /** A Header Manager's Content-Type, which replaces the one the body would get. */
  contentType: string | undefined;
}

interface Body {
  text: string | undefined;
  contentType: string | undefined;
}

const encoder = new TextEncoder();

function resolveTarget(s: HttpSampler, ctx: EvalContext): Target | RequestError {
  const label = evaluate(s.label, ctx);
  const e = endpoint(s, ctx);
  let url = e.url;
  let path = e.path;
  if (e.protocol !== 'http' && e.protocol !== 'https')
    return nonHttp(label, url, 'java.net.MalformedURLException', `unknown protocol: ${e.protocol}`);
  if (!e.host) return nonHttp(label, url, 'java.lang.IllegalArgumentException', 'Host may not be blank');
  if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535)
    return nonHttp(label, url, 'java.lang.NumberFormatException', `For input string: "${e.portText}"`);
  if (s.args.length && !s.rawBody && !bodyMethod(s.method)) {
    const query = s.args
      .map((a) => ({ name: evaluate(a.name, ctx), value: evaluate(a.value, ctx), a }))
      .filter((x) => x.name !== '')
      .map(
        ({ name, value, a }) =>
          `${a.alwaysEncode ? urlEncode(name, s.encoding) : name}${a.metadata}${a.alwaysEncode ? urlEncode(value, s.encoding) : value}`,
      )
      .join('&');
    if (query) {
      const sep = path.includes('?') ? '&' : '?';
      path += sep + query;
      url += sep + query;
    }
  }
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  const bad = illegalInUri(url.slice(pathStart));
  if (bad >= 0) {
    const at = pathStart + bad;
    return nonHttp(
      label,
      url,
      'java.net.URISyntaxException',
      `Illegal character in ${url.indexOf('?') >= 0 && at > url.indexOf('?') ? 'query' : 'path'} at index ${at}: ${url}`,
    );
  }
  // Non-ASCII in the path goes out percent-encoded as UTF-8.
  path = path.replace(/[^\x20-\x7e]+/g, (m) => encodeURI(m));
  const defaultPort = e.protocol === 'https' ? 443 : 80;
  const head: [string, string][] = [
    ['Connection', s.keepAlive ? 'keep-alive' : 'close'],
    ['Host', e.port === defaultPort ? e.host : `${e.host}:${e.port}`],
    ['User-Agent', userAgent],
  ];
  let contentType: string | undefined;
  for (const h of s.headers) {
    const name = evaluate(h.name, ctx).trim();
    const lower = name.toLowerCase();
    if (!name || lower === 'content-length') continue;
    const value = evaluate(h.value, ctx);
    if (lower === 'content-type') {
      contentType = value;
      continue;
    }
    const i = head.findIndex(([n]) => n.toLowerCase() === lower);
    if (i >= 0) head[i] = [name, value];
    else head.push([name, value]);
  }
  return {
    label,
    protocol: e.protocol,
    host: e.host,
    port: e.port,
    url,
    path,
    headerLines: head.map(([n, v]) => `${n}: ${v}\r\n`).join(''),
    contentType,
  };
}

function bodyMethod(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}

function resolveBody(s: HttpSampler, ctx: EvalContext, label: string, url: string): Body | RequestError {
  if (!bodyMethod(s.method)) return { text: undefined, contentType: undefined };
  try {
    if (s.rawBody)
      return {
        text: s.args
          .map((a) => (a.alwaysEncode ? urlEncode(evaluate(a.value, ctx), s.encoding) : evaluate(a.value, ctx)))
          .join(''),
        contentType: `text/plain; charset=${s.charset}`,
      };
    // HttpClient encodes every pair; a value not marked always_encode is decoded first, so it is sent as written.
    const pairs: string[] = [];
    for (const a of s.args) {
      const rawName = evaluate(a.name, ctx);
      if (rawName === '') continue;
      const rawValue = evaluate(a.value, ctx);
      const name = a.alwaysEncode ? rawName : urlDecode(rawName, s.encoding);
      const value = a.alwaysEncode ? rawValue : urlDecode(rawValue, s.encoding);
      pairs.push(`${urlEncode(name, s.encoding)}=${urlEncode(value, s.encoding)}`);
    }
    return {
      text: pairs.join('&'),
      contentType: s.args.length ? `application/x-www-form-urlencoded; charset=${s.charset}` : undefined,
    };
  } catch (err) {
    return nonHttp(label, url, 'java.lang.IllegalArgumentException', err instanceof Error ? err.message : String(err));
  }
}

function assemble(s: HttpSampler, t: Target, body: Body): PreparedRequest {
  let bytes: Uint8Array;
  const requestLine = `${s.method} ${t.path} HTTP/1.1\r\n`;
  if (body.text === undefined) bytes = encoder.encode(`${requestLine}${t.headerLines}\r\n`);
  else {
    const contentType = t.contentType ?? body.contentType;
    const ct = contentType ? `Content-Type: ${contentType}\r\n` : '';
    // An ASCII body (the usual form body) is as long in bytes as in characters: one encode.
    if (s.encoding === 'utf8' && /^\p{ASCII}*$/u.test(body.text))
      bytes = encoder.encode(
        `${requestLine}Content-Length: ${body.text.length}\r\n${ct}${t.headerLines}\r\n${body.text}`,
      );
    else {
      const b = bytesOf(body.text, s.encoding);
      const head = encoder.encode(`${requestLine}Content-Length: ${b.length}\r\n${ct}${t.headerLines}\r\n`);
      bytes = new Uint8Array(head.length + b.length);
      bytes.set(head);
      bytes.set(b, head.length);
    }
  }
  return {
    label: t.label,
    method: s.method,
    protocol: t.protocol,
    host: t.host,
    port: t.port,
    url: t.url,
    bytes,
    keepAlive: s.keepAlive,
    expectBody: s.method !== 'HEAD',
    connectTimeoutMs: s.connectTimeoutMs,
    responseTimeoutMs: s.responseTimeoutMs,
  };
}

/** Builds one request of a sampler for one thread; functions in it are evaluated now. */
export function buildRequest(s: HttpSampler, ctx: EvalContext): PreparedRequest | RequestError {
  const t = resolveTarget(s, ctx);
  if (isRequestError(t)) return t;
  const body = resolveBody(s, ctx, t.label, t.url);
  if (isRequestError(body)) return body;
  return assemble(s, t, body);
}

/** Substitutes variables that stay fixed during the run, so constant parts are computed once. */
function specialize(t: Template, vars: Map<string, string>, dynamic: Set<string>): Template {
  const out: Template = [];
  for (const p of t) {
    const value = p.kind === 'var' && !dynamic.has(p.name) ? vars.get(p.name) : undefined;
    const q: Part =
      value !== undefined
        ? { kind: 'text', text: value }
        : p.kind === 'call'
          ? { ...p, args: p.args.map((a) => specialize(a, vars, dynamic)) }
          : p;
    const last = out.at(-1);
    if (q.kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + q.text };
    else out.push(q);
  }
  return out;
}

export interface CompiledSampler {
  sampler: HttpSampler;
  /** Assertions read the body. */
  keepBody: boolean;
  /** An assertion ignores the status ("Ignore Status"). */
  assumeSuccess: boolean;
  build(ctx: EvalContext): PreparedRequest | RequestError;
}

/**
 * Request bytes are cut from shared slabs, as Node's Buffer pool does: a fresh ArrayBuffer per
 * request costs more than building the request. A slab lives as long as any request cut from it.
 */
const slabSize = 64 * 1024;
let slab = new Uint8Array(0);
let slabAt = 0;
function allocate(n: number): Uint8Array {
  if (n > slabSize / 8) return new Uint8Array(n);
  if (slabAt + n > slab.length) {
    slab = new Uint8Array(slabSize);
    slabAt = 0;
  }
  const out = slab.subarray(slabAt, slabAt + n);
  slabAt += n;
  return out;
}

/** `head1` + Content-Length digits + `head2` + `body`, for a body known to be ASCII (one byte per character). */
function asciiRequest(head1: Uint8Array, head2: Uint8Array, body: string): Uint8Array {
  const length = String(body.length);
  const out = allocate(head1.length + length.length + head2.length + body.length);
  out.set(head1);
  let at = head1.length;
  for (let i = 0; i < length.length; i++) out[at++] = length.charCodeAt(i);
  out.set(head2, at);
  at += head2.length;
  if (body.length > 64) encoder.encodeInto(body, out.subarray(at));
  else for (let i = 0; i < body.length; i++) out[at++] = body.charCodeAt(i);
  return out;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A piece of a body: its text, fixed for the run, or how to evaluate it per request (undefined: an argument without a name, left out). */
type BodyPiece = string | ((ctx: EvalContext) => string | undefined);

/**
 * The body of a sampler whose arguments may call functions, split into what is fixed for the run
 * (computed here, once) and what must be evaluated per request; same text as resolveBody.
 */
function bodyPieces(s: HttpSampler, ctx: EvalContext): { pieces: BodyPiece[]; separator: string } {
  if (s.rawBody) {
    return {
      separator: '',
      pieces: s.args.map((a) => {
        if (isConstant(a.value))
          return a.alwaysEncode ? urlEncode(evaluate(a.value, ctx), s.encoding) : evaluate(a.value, ctx);
        return (x) => (a.alwaysEncode ? urlEncode(evaluate(a.value, x), s.encoding) : evaluate(a.value, x));
      }),
    };
  }
  const pair = (rawName: string, rawValue: string, alwaysEncode: boolean): string => {
    const name = alwaysEncode ? rawName : urlDecode(rawName, s.encoding);
    const value = alwaysEncode ? rawValue : urlDecode(rawValue, s.encoding);
    return `${urlEncode(name, s.encoding)}=${urlEncode(value, s.encoding)}`;
  };
  const pieces: BodyPiece[] = [];
  for (const a of s.args) {
    const dynamic: BodyPiece = (x) => {
      const rawName = evaluate(a.name, x);
      return rawName === '' ? undefined : pair(rawName, evaluate(a.value, x), a.alwaysEncode);
    };
    if (!isConstant(a.name) || !isConstant(a.value)) pieces.push(dynamic);
    else if (evaluate(a.name, ctx) !== '') {
      try {
        pieces.push(pair(evaluate(a.name, ctx), evaluate(a.value, ctx), a.alwaysEncode));
      } catch {
        pieces.push(dynamic); // a malformed escape fails each request, as it does in JMeter
      }
    }
  }
  return { pieces, separator: '&' };
}

/**
 * Prepares a sampler for one thread: variables fixed for the run are substituted, and when the
 * target (label, URL, headers) is then constant it is resolved once, and so is the request's
 * head; only a body that calls functions (say a __RandomString) is evaluated per request, and a
 * body that calls none is built once too.
 */
export function compileSampler(s: HttpSampler, ctx: EvalContext, dynamicVariables: readonly string[]): CompiledSampler {
  const dyn = new Set(dynamicVariables);
  const sp = (t: Template): Template => specialize(t, ctx.vars, dyn);
  const c: HttpSampler = {
    ...s,
    label: sp(s.label),
    protocol: sp(s.protocol),
    host: sp(s.host),
    port: sp(s.port),
    path: sp(s.path),
    args: s.args.map((a) => ({ ...a, name: sp(a.name), value: sp(a.value) })),
    headers: s.headers.map((h) => ({ name: sp(h.name), value: sp(h.value) })),
  };
  const base = {
    sampler: c,
    keepBody: s.assertions.some((a) => a.field === 'data'),
    assumeSuccess: s.assertions.some((a) => a.assumeSuccess),
  };
  const targetConstant =
    [c.label, c.protocol, c.host, c.port, c.path].every(isConstant) &&
    c.headers.every((h) => isConstant(h.name) && isConstant(h.value)) &&
    (bodyMethod(c.method) || c.args.every((a) => isConstant(a.name) && isConstant(a.value)));
  if (!targetConstant) return { ...base, build: (x) => buildRequest(c, x) };
  const target = resolveTarget(c, ctx);
  if (isRequestError(target)) return { ...base, build: () => target };
  const { pieces, separator } = bodyPieces(c, ctx);
  if (!bodyMethod(c.method) || pieces.every((p) => typeof p === 'string')) {
    const body = resolveBody(c, ctx, target.label, target.url);
    const fixed = isRequestError(body) ? body : assemble(c, target, body);
    return { ...base, build: () => fixed };
  }
  const contentType =
    target.contentType ??
    (c.rawBody
      ? `text/plain; charset=${c.charset}`
      : c.args.length
        ? `application/x-www-form-urlencoded; charset=${c.charset}`
        : undefined);
  const head1 = encoder.encode(`${c.method} ${target.path} HTTP/1.1\r\nContent-Length: `);
  const head2 = encoder.encode(`\r\n${contentType ? `Content-Type: ${contentType}\r\n` : ''}${target.headerLines}\r\n`);
  const { label, protocol, host, port, url } = target;
  const { method, keepAlive, connectTimeoutMs, responseTimeoutMs } = c;
  const expectBody = method !== 'HEAD';
  return {
    ...base,
    build: (x) => {
      let text = '';
      try {
        let first = true;
        for (const p of pieces) {
          const piece = typeof p === 'string' ? p : p(x);
          if (piece === undefined) continue;
          text = first ? piece : text + separator + piece;
          first = false;
        }
      } catch (err) {
        return nonHttp(
          label,
          url,
          'java.lang.IllegalArgumentException',
          err instanceof Error ? err.message : String(err),
        );
      }
      // Form bodies are URL-encoded, so ASCII; a raw body may not be, and takes the general path.
      if (!c.rawBody || isAscii(text))
        return {
          label,
          method,
          protocol,
          host,
          port,
          url,
          bytes: asciiRequest(head1, head2, text),
          keepAlive,
          expectBody,
          connectTimeoutMs,
          responseTimeoutMs,
        };
      return assemble(c, target, { text, contentType: `text/plain; charset=${c.charset}` });
    },
  };
}

export function isRequestError<T extends object>(r: T | RequestError): r is RequestError {
  return 'responseCode' in r;
}

export interface ParsedResponse {
  status: number;
  reason: string;
  headers: [string, string][];
  /** Status line, headers and body as received (JMeter's "bytes"). */
  bytes: number;
  body: Uint8Array | undefined;
  /** The server will close, or asked us to: the connection cannot carry another request. */
  close: boolean;
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailer' | 'until-close' | 'done';

/**
 * Feeds on response bytes as they arrive. `push` returns true once the response is complete;
 * `end` is called when the connection closes (completing a read-until-close body). `reset`
 * readies it for the next response, so a connection needs one parser, not one per request.
 */
export class ResponseParser {
  private state: State = 'head';
  /** Copies of a head that arrived in pieces, until its end is seen. */
  private headParts: Uint8Array[] = [];
  private headLength = 0;
  /** The previous head's texts in order (reason, then each name and value): a server repeats most of them. */
  private texts: string[] = [];
  private textNo = 0;
  /**
   * The previous final head's bytes (without the blank line) and what was read from it: a server
   * answering the same request sends the same head (Date changes once a second), and comparing
   * bytes costs a fraction of reading headers again. Its headers array is shared: nothing changes one.
   */
  private lastHead = new Uint8Array(0);
  private lastHeadLength = -1;
  private last: { status: number; reason: string; headers: [string, string][]; close: boolean } | undefined;
  private lastTe: string | undefined;
  private lastCl: string | undefined;
  /** The last Content-Length read, as text and as a number (a valid one: digits only). */
  private lengthText: string | undefined;
  private length = 0;
  private remaining = 0;
  private lineBuf = '';
  private chunks: Uint8Array[] = [];
  response: ParsedResponse | undefined;
  bytes = 0;

  constructor(
    private expectBody: boolean,
    private keepBody: boolean,
  ) {}

  reset(expectBody: boolean, keepBody: boolean): void {
    this.expectBody = expectBody;
    this.keepBody = keepBody;
    this.state = 'head';
    if (this.headLength) {
      this.headParts = [];
      this.headLength = 0;
    }
    this.remaining = 0;
    this.lineBuf = '';
    if (this.chunks.length) this.chunks = [];
    this.response = undefined;
    this.bytes = 0;
  }

  get done(): boolean {
    return this.state === 'done';
  }

  /**
   * Takes `data` up to `end` (a reused read buffer is filled only that far). The parser keeps no
   * reference to `data`: what it needs later it copies. Bytes beyond the response (a server must
   * not send them unasked) are left for the caller to drop.
   */
  push(data: Uint8Array, end = data.length): boolean {
    let i = 0;
    while (i < end && this.state !== 'done') {
      if (this.state === 'head') {
        const used = this.head(data, i, end);
        if (used < 0) return false;
        i += used;
      } else if (this.state === 'length' || this.state === 'chunk-data') {
        const n = Math.min(this.remaining, end - i);
        this.body(data, i, i + n);
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = this.state === 'length' ? 'done' : 'chunk-crlf';
      } else if (this.state === 'until-close') {
        this.body(data, i, end);
        i = end;
      } else {
        // chunk-size, chunk-crlf, trailer: line-oriented.
        let nl = data.indexOf(10, i);
        if (nl >= end) nl = -1;
        const upto = nl < 0 ? end : nl + 1;
        this.lineBuf += latin1(data.subarray(i, upto));
        this.bytes += upto - i;
        i = upto;
        if (nl < 0) continue;
        const line = this.lineBuf.replace(/\r?\n$/, '');
        this.lineBuf = '';
        if (this.state === 'chunk-size') {
          const size = parseInt(line.split(';')[0]?.trim() ?? '', 16);
          if (!Number.isFinite(size) || size < 0) throw new Error(`bad chunk size '${line}'`);
          if (size === 0) this.state = 'trailer';
          else {
            this.remaining = size;
            this.state = 'chunk-data';
          }
        } else if (this.state === 'chunk-crlf') this.state = 'chunk-size';
        else if (line === '') this.state = 'done';
      }
    }
    if (this.state === 'done') this.finish();
    return this.state === 'done';
  }

  /** The connection closed: complete a body read until close, or say the response was cut short. */
  end(): boolean {
    if (this.state === 'until-close') {
      this.state = 'done';
      this.finish();
    }
    return this.state === 'done';
  }

  private body(d: Uint8Array, from: number, to: number): void {
    this.bytes += to - from;
    if (this.keepBody && to > from) this.chunks.push(copy(d, from, to));
  }

  private finish(): void {
    if (!this.response) return;
    this.response.bytes = this.bytes;
    if (this.keepBody) {
      const total = this.chunks.reduce((n, c) => n + c.length, 0);
      const body = new Uint8Array(total);
      let at = 0;
      for (const c of this.chunks) {
        body.set(c, at);
        at += c.length;
      }
      this.response.body = body;
    }
  }

  /**
   * Bytes as text, one character each (ISO-8859-1). The same text as in the previous head at
   * this place is returned again rather than decoded anew: responses repeat their headers.
   */
  private text(b: Uint8Array, from: number, to: number): string {
    const n = to - from;
    const no = this.textNo++;
    const known = this.texts[no];
    if (known !== undefined && known.length === n) {
      let j = 0;
      while (j < n && known.charCodeAt(j) === b[from + j]) j++;
      if (j === n) return known;
    }
    const s = n <= 0 ? '' : latin1(b.subarray(from, to));
    if (no < 64) this.texts[no] = s;
    return s;
  }

  /**
   * Takes the head from `data` at `from`: returns how many bytes of `data` it used (through the
   * blank line), or -1 when its end has not arrived yet (the bytes are kept for the next push).
   */
  private head(data: Uint8Array, from: number, to: number): number {
    const carried = this.headLength;
    let end = -1; // where CRLF CRLF starts, counted from the start of the head
    if (carried) {
      // The blank line may straddle the pieces: look at the last three bytes kept and the first three new.
      const tail = lastBytes(this.headParts, Math.min(3, carried));
      const window = [...tail, ...data.subarray(from, Math.min(to, from + 3))];
      for (let k = 0; k + 3 < window.length && end < 0; k++) {
        if (window[k] === 13 && window[k + 1] === 10 && window[k + 2] === 13 && window[k + 3] === 10)
          end = carried - tail.length + k;
      }
    }
    if (end < 0) {
      const at = headEnd(data, from, to);
      if (at >= 0) end = carried + at - from;
    }
    if (end < 0) {
      this.headParts.push(copy(data, from, to));
      this.headLength += to - from;
      if (this.headLength > 65536) throw new Error('response headers larger than 64 KiB');
      this.bytes += to - from;
      return -1;
    }
    const used = end + 4 - carried;
    this.bytes += used;
    if (carried) {
      const whole = new Uint8Array(carried + used);
      let at = 0;
      for (const p of this.headParts) {
        whole.set(p, at);
        at += p.length;
      }
      whole.set(data.subarray(from, from + used), at);
      this.headParts = [];
      this.headLength = 0;
      this.startBody(whole, 0, end);
    } else this.startBody(data, from, from + end);
    return used;
  }

  /** Reads the head in `b` from `from` to `to` (without the blank line); a 1xx leaves the state at 'head', as the real answer follows. */
  private startBody(b: Uint8Array, from: number, to: number): void {
    const n = to - from;
    const last = this.last;
    if (last && n === this.lastHeadLength) {
      const prev = this.lastHead;
      let j = 0;
      while (j < n && prev[j] === b[from + j]) j++;
      if (j === n) return this.bodyFrom(last.status, last.reason, last.headers, last.close, this.lastTe, this.lastCl);
    }
    const eol = lineEnd(b, from, to);
    const status = statusLine(b, from, eol);
    if (status === undefined)
      throw new Error(`not an HTTP response: '${latin1(b.subarray(from, Math.min(eol, from + 80)))}'`);
    this.textNo = 0;
    const reason = eol - from > 12 ? this.text(b, from + 13, eol) : '';
    if (status >= 100 && status < 200 && status !== 101) return; // 100 Continue and friends
    const headers: [string, string][] = [];
    // The headers the engine reads (the first of each, as a lookup would find it).
    let connection: string | undefined;
    let te: string | undefined;
    let cl: string | undefined;
    for (let at = eol + 2; at < to;) {
      const next = lineEnd(b, at, to);
      let c = at;
      while (c < next && b[c] !== 58) c++;
      if (c > at && c < next) {
        const name = this.text(b, trimStart(b, at, c), trimEnd(b, at, c));
        const value = this.text(b, trimStart(b, c + 1, next), trimEnd(b, c + 1, next));
        headers.push([name, value]);
        if (connection === undefined && isNamed(name, 'connection')) connection = value;
        else if (cl === undefined && isNamed(name, 'content-length')) cl = value;
        else if (te === undefined && isNamed(name, 'transfer-encoding')) te = value;
      }
      at = next + 2;
    }
    const conn = connection?.toLowerCase() ?? '';
    const http10 = b[from + 5] === 0x31 && b[from + 7] === 0x30;
    const close = conn.includes('close') || (http10 && !conn.includes('keep-alive'));
    if (n <= 4096) {
      if (this.lastHead.length < n) this.lastHead = new Uint8Array(4096);
      this.lastHead.set(b.subarray(from, to));
      this.lastHeadLength = n;
      this.last = { status, reason, headers, close };
      this.lastTe = te;
      this.lastCl = cl;
    }
    this.bodyFrom(status, reason, headers, close, te, cl);
  }

  /** The response as its head says, and how its body is framed. */
  private bodyFrom(
    status: number,
    reason: string,
    headers: [string, string][],
    close: boolean,
    te: string | undefined,
    cl: string | undefined,
  ): void {
    this.response = { status, reason, headers, bytes: 0, body: undefined, close };
    if (!this.expectBody || status === 204 || status === 304) this.state = 'done';
    else if (te !== undefined && te.toLowerCase().includes('chunked')) this.state = 'chunk-size';
    else if (cl !== undefined && (cl === this.lengthText || /^\d+$/.test(cl))) {
      if (cl !== this.lengthText) {
        this.lengthText = cl;
        this.length = Number(cl);
      }
      this.remaining = this.length;
      this.state = this.remaining ? 'length' : 'done';
    } else {
      this.state = 'until-close';
      this.response.close = true;
    }
  }
}

/** Where CRLF CRLF starts in `b` from `from`, or -1. */
function headEnd(b: Uint8Array, from: number, to: number): number {
  // Look at the last byte of each 4-byte window: anything but CR or LF rules out every window ending there.
  for (let j = from; j + 3 < to;) {
    const last = b[j + 3];
    if (last === 10) {
      if (b[j] === 13 && b[j + 1] === 10 && b[j + 2] === 13) return j;
      j++;
    } else j += last === 13 ? 1 : 4;
  }
  return -1;
}

/** A copy (a Buffer's slice() would be a view on memory that a reused read buffer overwrites). */
function copy(b: Uint8Array, from: number, to: number): Uint8Array {
  return new Uint8Array(b.subarray(from, to));
}

function lastBytes(parts: Uint8Array[], n: number): number[] {
  const out: number[] = [];
  for (let k = parts.length - 1; k >= 0 && out.length < n; k--) {
    const p = parts[k] ?? new Uint8Array();
    for (let j = p.length - 1; j >= 0 && out.length < n; j--) out.unshift(p[j] ?? 0);
  }
  return out;
}

/** Where the line starting at `from` ends (its CRLF), or `to`. */
function lineEnd(b: Uint8Array, from: number, to: number): number {
  for (let j = from; j + 1 < to; j++) if (b[j] === 13 && b[j + 1] === 10) return j;
  return to;
}

/** Where `from`..`to` starts and ends without the white space String.prototype.trim removes (one byte per character). */
const space = (c: number | undefined): boolean => c === 32 || (c !== undefined && c >= 9 && c <= 13) || c === 0xa0;
function trimStart(b: Uint8Array, from: number, to: number): number {
  while (from < to && space(b[from])) from++;
  return from;
}
function trimEnd(b: Uint8Array, from: number, to: number): number {
  while (to > from && space(b[to - 1])) to--;
  return to;
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** The status of `HTTP/d.d ddd[ reason]`, or undefined when the line is not one (read without a regular expression: this runs per response). */
function statusLine(b: Uint8Array, from: number, eol: number): number | undefined {
  const n = eol - from;
  if (
    n < 12 ||
    b[from] !== 0x48 ||
    b[from + 1] !== 0x54 ||
    b[from + 2] !== 0x54 ||
    b[from + 3] !== 0x50 ||
    b[from + 4] !== 0x2f
  )
    return undefined;
  if (!isDigit(b[from + 5]) || b[from + 6] !== 0x2e || !isDigit(b[from + 7]) || b[from + 8] !== 0x20) return undefined;
  if (!isDigit(b[from + 9]) || !isDigit(b[from + 10]) || !isDigit(b[from + 11]) || (n > 12 && b[from + 12] !== 0x20))
    return undefined;
  // As /(.*)$/ would: a reason with a line break in it is not a status line.
  for (let j = from + 13; j < eol; j++) if (b[j] === 10 || b[j] === 13) return undefined;
  return ((b[from + 9] ?? 0) - 0x30) * 100 + ((b[from + 10] ?? 0) - 0x30) * 10 + ((b[from + 11] ?? 0) - 0x30);
}

/** Whether a header name is `lower`, ignoring ASCII case (as toLowerCase() === lower would, without a new string). */
function isNamed(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const l = lower.charCodeAt(i);
    if (c !== l && !(l >= 0x61 && l <= 0x7a && c === l - 0x20)) return false;
  }
  return true;
}

// Header bytes as one character each (ASCII in practice; the decoder keeps offsets equal to bytes).
const headerDecoder = new TextDecoder('latin1');
function latin1(d: Uint8Array): string {
  return headerDecoder.decode(d);
}

/** Whether JMeter would call the body text (it writes "bin" for images, audio, video and octet streams). */
export function dataType(headers: [string, string][]): 'text' | 'bin' {
  // Called per sample: a repeated head's headers are the same array (the parser reuses them).
  if (headers === lastHeaders) return lastDataType;
  lastHeaders = headers;
  // Compare names only of the right length, and remember the last answer.
  const ct = headers.find(([k]) => k.length === 12 && k.toLowerCase() === 'content-type')?.[1] ?? '';
  if (ct !== lastContentType) {
    lastContentType = ct;
    lastDataType = /^(image|audio|video)\/|^application\/(octet-stream|zip|gzip|pdf)/.test(ct.toLowerCase())
      ? 'bin'
      : 'text';
  }
  return lastDataType;
}
let lastContentType = '';
let lastDataType: 'text' | 'bin' = 'text';
let lastHeaders: [string, string][] | undefined;

/** The label a sampler shows before its first request (for messages). */
export function samplerName(s: HttpSampler): string {
  return textOf(s.label);
}
