// The one Prometheus client (HTTP API v1) for the CLI, the query webview and the doctor.
// It does no I/O of its own: the caller hands it a fetch-like function, so the same code talks
// to a real Prometheus in tests, to a port-forward in the editor, and to nothing in unit tests.
import type { ActiveTarget, BuildInfo, Labels, MetricMetadata, QueryData, QueryResult, TargetsData } from './types';
import { isRecord } from '../isRecord';
import { escapeNameForPath } from './escaping';
import { t } from '../text/l10n';

export interface FetchInit {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** The reader of a response body, as web streams (Node's and the browser's fetch) give it. */
export interface ByteReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}

/** The part of a fetch Response we read; Node's and the browser's `fetch` satisfy it. */
export interface FetchResponse {
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  /** Read chunk by chunk when present, so an answer larger than the limit is never held whole. */
  body?: { getReader(): ByteReader } | null;
  text(): Promise<string>;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

export type PrometheusErrorKind =
  /** No HTTP answer at all: connection refused, unknown host, reset. */
  | 'unreachable'
  /** Our own time limit passed before the whole answer arrived. */
  | 'timeout'
  /** The caller's AbortSignal fired. */
  | 'cancelled'
  /** Something answered, but not as the Prometheus API does (HTML, plain text, cut-off JSON). */
  | 'bad-answer'
  /** Prometheus answered with status "error": a parse error, a failed evaluation, a bad parameter. */
  | 'query'
  /** The answer was larger than the client's byte limit: the query asks for too much. */
  | 'too-large';

/** 1-based, as Prometheus prints it ("2:15: parse error: ..."). */
export interface QueryPosition {
  line: number;
  column: number;
}

export interface PrometheusErrorDetails {
  /** The URL we asked. */
  url: string;
  status?: number;
  /** Prometheus' errorType: bad_data, execution, timeout, canceled, internal, unavailable, not_found. */
  errorType?: string;
  /** Prometheus' own error text, unchanged. */
  prometheusError?: string;
  /** Where in the query a parse error is, when Prometheus says. */
  position?: QueryPosition;
  /** The PromQL expression we sent, when there was one. */
  expr?: string;
}

export class PrometheusError extends Error {
  constructor(
    readonly kind: PrometheusErrorKind,
    message: string,
    readonly details: PrometheusErrorDetails,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

export interface PrometheusClientOptions {
  /** The server root, e.g. http://127.0.0.1:9090 (a trailing slash is fine). */
  baseUrl: string;
  fetch: FetchLike;
  /** Per request, including reading the body. Default 15 s. */
  timeoutMs?: number;
  /** Appended to "unreachable" messages: how this caller's user gets a Prometheus (e.g. "start one with `obslab sandbox up`"). */
  unreachableHint?: string;
  /** The most bytes of one answer that are read; past it the request is aborted. Default 32 MiB. */
  maxResponseBytes?: number;
}

/** 32 MiB: far above the lab's queries (kilobytes), far below what would exhaust an editor or a CLI. */
export const defaultMaxResponseBytes = 32 * 1024 * 1024;

function megabytes(bytes: number): string {
  return t`${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/** How to ask for less, for the endpoint that answered too much. */
function narrowingAdvice(path: string): string {
  if (path === '/api/v1/query_range')
    return t`narrow the query: a shorter range, a larger step, fewer series with a label matcher \
(e.g. ${'{job="otel-collector"}'}), or ${'topk(10, …)'}`;
  if (path === '/api/v1/query')
    return t`narrow the query: fewer series with a label matcher (e.g. ${'{job="otel-collector"}'}), an aggregation such \
as ${'sum by (job) (…)'}, or ${'topk(10, …)'}; a range selector ${'[5m]'} over many series also returns every sample`;
  return t`narrow the request: a ${'match[]'} selector with a label matcher (e.g. ${'{job="otel-collector"}'}) \
or a shorter time range`;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Overrides the client's time limit for this request. */
  timeoutMs?: number;
}

/** A time for the API: a Date, unix seconds, or a string Prometheus parses (RFC 3339 or unix seconds). */
export type ApiTime = Date | number | string;

export interface QueryOptions extends RequestOptions {
  /** Evaluation instant; Prometheus' "now" when absent. */
  time?: ApiTime;
}

export interface RangeOptions extends RequestOptions {
  start: ApiTime;
  end: ApiTime;
  /** Seconds, or a duration such as "15s". */
  step: number | string;
}

export interface SeriesOptions extends RequestOptions {
  start?: ApiTime;
  end?: ApiTime;
}

export interface LabelsOptions extends SeriesOptions {
  /** Series selectors that limit which series' labels are returned. */
  match?: string[];
}

export interface MetadataOptions extends RequestOptions {
  metric?: string;
  limit?: number;
}

interface ApiAnswer<T> {
  data: T;
  warnings: string[];
}

const parsePosition = /(?:^|: )(\d+):(\d+): parse error/;

function formatTime(t: ApiTime): string {
  if (t instanceof Date) return (t.getTime() / 1000).toFixed(3);
  return typeof t === 'number' ? String(t) : t;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** An instant sample: `value` for a float, `histogram` for a native histogram (Prometheus 3 writes one or the other). */
function isSample(v: unknown): boolean {
  return isRecord(v) && isRecord(v['metric']) && (Array.isArray(v['value']) || Array.isArray(v['histogram']));
}

/** A range series: `values`, `histograms`, or both; Prometheus leaves out an empty list. */
function isSeries(v: unknown): boolean {
  return (
    isRecord(v) &&
    isRecord(v['metric']) &&
    (v['values'] === undefined || Array.isArray(v['values'])) &&
    (v['histograms'] === undefined || Array.isArray(v['histograms']))
  );
}

function isQueryData(v: unknown): v is QueryData {
  if (!isRecord(v)) return false;
  const t = v['resultType'];
  if (t === 'vector') return Array.isArray(v['result']) && v['result'].every(isSample);
  if (t === 'matrix') return Array.isArray(v['result']) && v['result'].every(isSeries);
  if (t === 'scalar' || t === 'string') return Array.isArray(v['result']) && v['result'].length === 2;
  return false;
}

function isTargetsData(v: unknown): v is TargetsData {
  return isRecord(v) && Array.isArray(v['activeTargets']);
}

function isLabelsArray(v: unknown): v is Labels[] {
  return Array.isArray(v) && v.every(isRecord);
}

function isMetadata(v: unknown): v is Record<string, MetricMetadata[]> {
  return isRecord(v) && Object.values(v).every(Array.isArray);
}

function isBuildInfo(v: unknown): v is BuildInfo {
  return isRecord(v) && typeof v['version'] === 'string';
}

/** The first line of an unexpected answer, short enough for an error message. */
function excerpt(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/** Resolves or rejects with `work`, or rejects when `signal` aborts, even if `work` ignores the signal. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** "connect ECONNREFUSED 127.0.0.1:9090" out of Node's "fetch failed" and its cause chain. */
function networkReason(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur instanceof Error && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    parts.push(typeof code === 'string' && !cur.message.includes(code) ? `${cur.message} (${code})` : cur.message);
    cur = (cur as { cause?: unknown }).cause;
  }
  // Node says "fetch failed" and keeps the reason in `cause`: the innermost message is the useful one.
  return parts.length ? (parts[parts.length - 1] ?? t`unknown error`) : String(e);
}

export class PrometheusClient {
  readonly baseUrl: string;
  private readonly fetchFn: FetchLike;
  private readonly timeoutMs: number;
  private readonly unreachableHint: string;
  readonly maxResponseBytes: number;

  constructor(opts: PrometheusClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.fetchFn = opts.fetch;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.unreachableHint = opts.unreachableHint ?? t`check the address and that Prometheus is running`;
    this.maxResponseBytes = opts.maxResponseBytes ?? defaultMaxResponseBytes;
  }

  /** An instant query (/api/v1/query). */
  async query(expr: string, opts: QueryOptions = {}): Promise<QueryResult> {
    const params: [string, string][] = [['query', expr]];
    if (opts.time !== undefined) params.push(['time', formatTime(opts.time)]);
    return this.call('/api/v1/query', params, 'POST', opts, isQueryData, expr);
  }

  /** A range query (/api/v1/query_range). */
  async queryRange(expr: string, opts: RangeOptions): Promise<QueryResult> {
    const params: [string, string][] = [
      ['query', expr],
      ['start', formatTime(opts.start)],
      ['end', formatTime(opts.end)],
      ['step', String(opts.step)],
    ];
    return this.call('/api/v1/query_range', params, 'POST', opts, isQueryData, expr);
  }

  /** The label sets of the series that match any of the selectors (/api/v1/series). */
  async series(match: string[], opts: SeriesOptions = {}): Promise<Labels[]> {
    if (!match.length) throw new RangeError('series() needs at least one selector');
    const params: [string, string][] = match.map((m) => ['match[]', m]);
    this.addRange(params, opts);
    return (await this.call('/api/v1/series', params, 'POST', opts, isLabelsArray)).data;
  }

  /** Every label name (/api/v1/labels). */
  async labels(opts: LabelsOptions = {}): Promise<string[]> {
    const params: [string, string][] = (opts.match ?? []).map((m) => ['match[]', m]);
    this.addRange(params, opts);
    return (await this.call('/api/v1/labels', params, 'POST', opts, isStringArray)).data;
  }

  /**
   * The values of one label (/api/v1/label/<name>/values); `__name__` gives every metric name. A
   * UTF-8 name (`http.route`) goes into the path U__-escaped, as Prometheus 3 reads it.
   */
  async labelValues(label: string, opts: LabelsOptions = {}): Promise<string[]> {
    const params: [string, string][] = (opts.match ?? []).map((m) => ['match[]', m]);
    this.addRange(params, opts);
    const path = `/api/v1/label/${encodeURIComponent(escapeNameForPath(label))}/values`;
    return (await this.call(path, params, 'GET', opts, isStringArray)).data;
  }

  /** Every metric name Prometheus has series for. */
  metricNames(opts: RequestOptions = {}): Promise<string[]> {
    return this.labelValues('__name__', opts);
  }

  /** Type, help and unit per metric name, as scraped (/api/v1/metadata). */
  async metadata(opts: MetadataOptions = {}): Promise<Record<string, MetricMetadata[]>> {
    const params: [string, string][] = [];
    if (opts.metric !== undefined) params.push(['metric', opts.metric]);
    if (opts.limit !== undefined) params.push(['limit', String(opts.limit)]);
    return (await this.call('/api/v1/metadata', params, 'GET', opts, isMetadata)).data;
  }

  /** Scrape targets and their health (/api/v1/targets). */
  async targets(opts: RequestOptions & { state?: 'active' | 'dropped' | 'any' } = {}): Promise<TargetsData> {
    const params: [string, string][] = opts.state ? [['state', opts.state]] : [];
    return (await this.call('/api/v1/targets', params, 'GET', opts, isTargetsData)).data;
  }

  /** Active targets whose labels include every pair in `labels`. */
  async activeTargets(labels: Labels, opts: RequestOptions = {}): Promise<ActiveTarget[]> {
    const { activeTargets } = await this.targets({ ...opts, state: 'active' });
    return activeTargets.filter((t) => Object.entries(labels).every(([k, v]) => t.labels[k] === v));
  }

  /** The server's version (/api/v1/status/buildinfo, Prometheus 2.14 and later). */
  async buildInfo(opts: RequestOptions = {}): Promise<BuildInfo> {
    return (await this.call('/api/v1/status/buildinfo', [], 'GET', opts, isBuildInfo)).data;
  }

  private addRange(params: [string, string][], opts: SeriesOptions): void {
    if (opts.start !== undefined) params.push(['start', formatTime(opts.start)]);
    if (opts.end !== undefined) params.push(['end', formatTime(opts.end)]);
  }

  private async call<T>(
    path: string,
    params: [string, string][],
    method: 'GET' | 'POST',
    opts: RequestOptions,
    isData: (v: unknown) => v is T,
    expr?: string,
  ): Promise<ApiAnswer<T>> {
    const query = new URLSearchParams(params).toString();
    // POST keeps long PromQL out of the URL (and out of proxies' length limits); Prometheus reads both.
    const url = method === 'GET' && query ? `${this.baseUrl}${path}?${query}` : `${this.baseUrl}${path}`;
    const details = (extra: Partial<PrometheusErrorDetails> = {}): PrometheusErrorDetails => ({
      url,
      ...(expr !== undefined ? { expr } : {}),
      ...extra,
    });
    if (opts.signal?.aborted)
      throw new PrometheusError('cancelled', t`the request to Prometheus at ${this.baseUrl} was cancelled`, details());

    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = (): void => controller.abort();
    opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const failed = (e: unknown, stage: 'connect' | 'read'): PrometheusError => {
      if (timedOut)
        return new PrometheusError(
          'timeout',
          t`Prometheus at ${this.baseUrl} did not answer ${path} within ${timeoutMs} ms; it may be overloaded, \
or the address may lead somewhere that never answers`,
          details(),
        );
      if (opts.signal?.aborted)
        return new PrometheusError(
          'cancelled',
          t`the request to Prometheus at ${this.baseUrl} was cancelled`,
          details(),
        );
      if (stage === 'read')
        return new PrometheusError(
          'bad-answer',
          t`the answer from ${url} broke off before it was complete (${networkReason(e)}); the server or a proxy \
closed the connection early`,
          details(),
        );
      return new PrometheusError(
        'unreachable',
        t`Prometheus at ${this.baseUrl} is unreachable (${networkReason(e)}); ${this.unreachableHint}`,
        details(),
      );
    };

    let status: number;
    let contentType: string;
    let text: string;
    try {
      const init: FetchInit = {
        method,
        headers:
          method === 'POST'
            ? { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }
            : { accept: 'application/json' },
        signal: controller.signal,
        ...(method === 'POST' ? { body: query } : {}),
      };
      let res: FetchResponse;
      try {
        res = await untilAborted(this.fetchFn(url, init), controller.signal);
      } catch (e) {
        throw failed(e, 'connect');
      }
      status = res.status;
      contentType = res.headers.get('content-type') ?? '';
      const tooLarge = (seen: string): PrometheusError => {
        controller.abort(); // drop the connection: nothing more of this answer is read
        return new PrometheusError(
          'too-large',
          t`Prometheus' answer to ${path} is larger than ${megabytes(this.maxResponseBytes)} (${seen}), so it was not read; \
${narrowingAdvice(path)}`,
          details({ status }),
        );
      };
      const declared = Number(res.headers.get('content-length') ?? Number.NaN);
      if (Number.isFinite(declared) && declared > this.maxResponseBytes)
        throw tooLarge(t`it announced ${megabytes(declared)}`);
      try {
        text = await this.readCapped(res, controller.signal, () =>
          tooLarge(t`more than ${megabytes(this.maxResponseBytes)} arrived`),
        );
      } catch (e) {
        if (e instanceof PrometheusError) throw e;
        throw failed(e, 'read');
      }
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onCallerAbort);
    }

    return this.interpret(text, status, contentType, url, isData, details);
  }

  /** The body as text, chunk by chunk, never more than maxResponseBytes of it. */
  private async readCapped(res: FetchResponse, signal: AbortSignal, tooLarge: () => PrometheusError): Promise<string> {
    if (!res.body) {
      // A fetch without streams (a test double): the limit can only be checked afterwards.
      const text = await untilAborted(res.text(), signal);
      if (text.length > this.maxResponseBytes) throw tooLarge();
      return text;
    }
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await untilAborted(reader.read(), signal);
        if (done) break;
        if (!value) continue;
        total += value.byteLength;
        if (total > this.maxResponseBytes) throw tooLarge();
        chunks.push(value);
      }
    } catch (e) {
      void reader.cancel().catch(() => undefined);
      throw e;
    }
    const all = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.byteLength;
    }
    return new TextDecoder().decode(all);
  }

  private interpret<T>(
    text: string,
    status: number,
    contentType: string,
    url: string,
    isData: (v: unknown) => v is T,
    details: (extra?: Partial<PrometheusErrorDetails>) => PrometheusErrorDetails,
  ): ApiAnswer<T> {
    const notPrometheus = (what: string): PrometheusError =>
      new PrometheusError(
        'bad-answer',
        t`${url} answered ${what} (HTTP ${status}), not the Prometheus API; is ${this.baseUrl} the Prometheus \
server root (e.g. ${'http://127.0.0.1:9090'}, without ${'/graph'} or ${'/api/v1'})?`,
        details({ status }),
      );
    if (/text\/html/i.test(contentType) || /^\s*<(!doctype|html|head|body)/i.test(text))
      throw notPrometheus(t`with an HTML page`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      if (/json/i.test(contentType) || /^\s*[{[]/.test(text)) {
        throw new PrometheusError(
          'bad-answer',
          t`the answer from ${url} is not complete JSON (${text.length} bytes, HTTP ${status}); it was cut off or \
corrupted on the way`,
          details({ status }),
        );
      }
      throw notPrometheus(text.trim() ? t`with "${excerpt(text)}"` : t`with an empty body`);
    }
    if (!isRecord(body) || (body['status'] !== 'success' && body['status'] !== 'error'))
      throw notPrometheus(t`with JSON of another shape`);
    const warnings = isStringArray(body['warnings']) ? body['warnings'] : [];
    if (body['status'] === 'error') {
      const prometheusError = typeof body['error'] === 'string' ? body['error'] : t`no error text`;
      const errorType = typeof body['errorType'] === 'string' ? body['errorType'] : 'unknown';
      const m = parsePosition.exec(prometheusError);
      const position = m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
      throw new PrometheusError(
        'query',
        t`Prometheus: ${prometheusError} (${errorType})`,
        details({ status, errorType, prometheusError, ...(position ? { position } : {}) }),
      );
    }
    if (!isData(body['data'])) throw notPrometheus(t`"success" with data of an unexpected shape`);
    return { data: body['data'], warnings };
  }
}

/**
 * The query with a caret under the column Prometheus named, for terminals and the webview:
 *   sum(rate(x[5m])
 *                  ^ parse error: unclosed left parenthesis
 */
export function pointAtPosition(expr: string, position: QueryPosition, note: string): string {
  const lines = expr.split('\n');
  const line = lines[position.line - 1];
  if (line === undefined) return note;
  const caret = `${' '.repeat(Math.max(0, position.column - 1))}^ ${note}`;
  return [...lines.slice(0, position.line), caret, ...lines.slice(position.line)].join('\n');
}
