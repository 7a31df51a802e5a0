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
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2e || b === 0x2d || b === 0x2a || b === 0x5f) out += String.fromCharCode(b);
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
      if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new Error(`URLDecoder: Illegal hex characters in escape (%) pattern - '${s.slice(i, i + 3)}'`);
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
  return { label, url, responseCode: `Non HTTP response code: ${exception}`, responseMessage: `Non HTTP response message: ${message}` };
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
  if (e.protocol !== 'http' && e.protocol !== 'https') return nonHttp(label, url, 'java.net.MalformedURLException', `unknown protocol: ${e.protocol}`);
  if (!e.host) return nonHttp(label, url, 'java.lang.IllegalArgumentException', 'Host may not be blank');
  if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) return nonHttp(label, url, 'java.lang.NumberFormatException', `For input string: "${e.portText}"`);
  if (s.args.length && !s.rawBody && !bodyMethod(s.method)) {
    const query = s.args
      .map((a) => ({ name: evaluate(a.name, ctx), value: evaluate(a.value, ctx), a }))
      .filter((x) => x.name !== '')
      .map(({ name, value, a }) => `${a.alwaysEncode ? urlEncode(name, s.encoding) : name}${a.metadata}${a.alwaysEncode ? urlEncode(value, s.encoding) : value}`)
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
    return nonHttp(label, url, 'java.net.URISyntaxException', `Illegal character in ${url.indexOf('?') >= 0 && at > url.indexOf('?') ? 'query' : 'path'} at index ${at}: ${url}`);
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
  return { label, protocol: e.protocol, host: e.host, port: e.port, url, path, headerLines: head.map(([n, v]) => `${n}: ${v}\r\n`).join(''), contentType };
}

function bodyMethod(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}

function resolveBody(s: HttpSampler, ctx: EvalContext, label: string, url: string): Body | RequestError {
  if (!bodyMethod(s.method)) return { text: undefined, contentType: undefined };
  try {
    if (s.rawBody) return { text: s.args.map((a) => (a.alwaysEncode ? urlEncode(evaluate(a.value, ctx), s.encoding) : evaluate(a.value, ctx))).join(''), contentType: `text/plain; charset=${s.charset}` };
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
    return { text: pairs.join('&'), contentType: s.args.length ? `application/x-www-form-urlencoded; charset=${s.charset}` : undefined };
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
    if (s.encoding === 'utf8' && /^\p{ASCII}*$/u.test(body.text)) bytes = encoder.encode(`${requestLine}Content-Length: ${body.text.length}\r\n${ct}${t.headerLines}\r\n${body.text}`);
    else {
      const b = bytesOf(body.text, s.encoding);
      const head = encoder.encode(`${requestLine}Content-Length: ${b.length}\r\n${ct}${t.headerLines}\r\n`);
      bytes = new Uint8Array(head.length + b.length);
      bytes.set(head);
      bytes.set(b, head.length);
    }
  }
  return { label: t.label, method: s.method, protocol: t.protocol, host: t.host, port: t.port, url: t.url, bytes, keepAlive: s.keepAlive, expectBody: s.method !== 'HEAD', connectTimeoutMs: s.connectTimeoutMs, responseTimeoutMs: s.responseTimeoutMs };
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
    const q: Part = value !== undefined ? { kind: 'text', text: value } : p.kind === 'call' ? { ...p, args: p.args.map((a) => specialize(a, vars, dynamic)) } : p;
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
 * Prepares a sampler for one thread: variables fixed for the run are substituted, and when the
 * target (label, URL, headers) is then constant it is resolved once, leaving only the body (say
 * a __RandomString) to evaluate per request.
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
  const base = { sampler: c, keepBody: s.assertions.some((a) => a.field === 'data'), assumeSuccess: s.assertions.some((a) => a.assumeSuccess) };
  const targetConstant =
    [c.label, c.protocol, c.host, c.port, c.path].every(isConstant) && c.headers.every((h) => isConstant(h.name) && isConstant(h.value)) && (bodyMethod(c.method) || c.args.every((a) => isConstant(a.name) && isConstant(a.value)));
  if (!targetConstant) return { ...base, build: (x) => buildRequest(c, x) };
  const target = resolveTarget(c, ctx);
  if (isRequestError(target)) return { ...base, build: () => target };
  if (!bodyMethod(c.method)) {
    const fixed = assemble(c, target, { text: undefined, contentType: undefined });
    return { ...base, build: () => fixed };
  }
  return {
    ...base,
    build: (x) => {
      const body = resolveBody(c, x, target.label, target.url);
      return isRequestError(body) ? body : assemble(c, target, body);
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
 * `end` is called when the connection closes (completing a read-until-close body).
 */
export class ResponseParser {
  private state: State = 'head';
  private headBuf = '';
  private remaining = 0;
  private lineBuf = '';
  private chunks: Uint8Array[] = [];
  response: ParsedResponse | undefined;
  bytes = 0;

  constructor(
    private readonly expectBody: boolean,
    private readonly keepBody: boolean,
  ) {}

  get done(): boolean {
    return this.state === 'done';
  }

  /** Bytes beyond the response (a server must not send them unasked), for the caller to drop. */
  push(data: Uint8Array): boolean {
    let i = 0;
    while (i < data.length && this.state !== 'done') {
      if (this.state === 'head') {
        const end = this.headEnd(data, i);
        if (end === undefined) {
          this.headBuf += latin1(data.subarray(i));
          if (this.headBuf.length > 65536) throw new Error('response headers larger than 64 KiB');
          this.bytes += data.length - i;
          return false;
        }
        const head = this.headBuf + latin1(data.subarray(i, Math.max(i, end)));
        this.headBuf = '';
        this.bytes += end + 4 - i;
        i = end + 4;
        this.startBody(head);
      } else if (this.state === 'length' || this.state === 'chunk-data') {
        const n = Math.min(this.remaining, data.length - i);
        this.body(data.subarray(i, i + n));
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = this.state === 'length' ? 'done' : 'chunk-crlf';
      } else if (this.state === 'until-close') {
        this.body(data.subarray(i));
        i = data.length;
      } else {
        // chunk-size, chunk-crlf, trailer: line-oriented.
        const nl = data.indexOf(10, i);
        const upto = nl < 0 ? data.length : nl + 1;
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

  private body(d: Uint8Array): void {
    this.bytes += d.length;
    if (this.keepBody && d.length) this.chunks.push(d.slice());
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
   * Where CRLF CRLF starts in `data` from `from`; before `from` (down to from - 3) when it began in
   * the buffered head, whose share of it is then dropped from headBuf. Undefined when not yet seen.
   */
  private headEnd(data: Uint8Array, from: number): number | undefined {
    // The terminator may straddle chunks: check the tail of what was buffered first.
    const tail = this.headBuf.slice(-3);
    for (let k = tail.length; k > 0; k--) {
      const need = '\r\n\r\n'.slice(k);
      if ('\r\n\r\n'.startsWith(tail.slice(-k)) && latin1(data.subarray(from, from + need.length)) === need) {
        this.headBuf = this.headBuf.slice(0, -k);
        return from + need.length - 4;
      }
    }
    for (let j = from; j + 3 < data.length; j++) {
      if (data[j] === 13 && data[j + 1] === 10 && data[j + 2] === 13 && data[j + 3] === 10) return j;
    }
    return undefined;
  }

  /** Reads the head; returns true when parsing goes on (a body, or a 1xx to skip). */
  private startBody(head: string): boolean {
    const lines = head.split('\r\n');
    const m = /^HTTP\/(\d)\.(\d) (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
    if (!m) throw new Error(`not an HTTP response: '${(lines[0] ?? '').slice(0, 80)}'`);
    const status = Number(m[3]);
    const headers: [string, string][] = [];
    for (const l of lines.slice(1)) {
      const c = l.indexOf(':');
      if (c > 0) headers.push([l.slice(0, c).trim(), l.slice(c + 1).trim()]);
    }
    if (status >= 100 && status < 200 && status !== 101) return true; // 100 Continue and friends: the real answer follows
    const get = (n: string): string | undefined => headers.find(([k]) => k.toLowerCase() === n)?.[1];
    const connection = get('connection')?.toLowerCase() ?? '';
    const http10 = m[1] === '1' && m[2] === '0';
    const close = connection.includes('close') || (http10 && !connection.includes('keep-alive'));
    this.response = { status, reason: m[4] ?? '', headers, bytes: 0, body: undefined, close };
    const te = get('transfer-encoding')?.toLowerCase();
    const cl = get('content-length');
    if (!this.expectBody || status === 204 || status === 304) this.state = 'done';
    else if (te && te.includes('chunked')) this.state = 'chunk-size';
    else if (cl !== undefined && /^\d+$/.test(cl.trim())) {
      this.remaining = Number(cl.trim());
      this.state = this.remaining ? 'length' : 'done';
    } else {
      this.state = 'until-close';
      this.response.close = true;
    }
    return true;
  }
}

// Header bytes as one character each (ASCII in practice; the decoder keeps offsets equal to bytes).
const headerDecoder = new TextDecoder('latin1');
function latin1(d: Uint8Array): string {
  return headerDecoder.decode(d);
}

/** Whether JMeter would call the body text (it writes "bin" for images, audio, video and octet streams). */
export function dataType(headers: [string, string][]): 'text' | 'bin' {
  const ct = headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1].toLowerCase() ?? '';
  return /^(image|audio|video)\/|^application\/(octet-stream|zip|gzip|pdf)/.test(ct) ? 'bin' : 'text';
}

/** The label a sampler shows before its first request (for messages). */
export function samplerName(s: HttpSampler): string {
  return textOf(s.label);
}
