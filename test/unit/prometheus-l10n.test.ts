// The Prometheus client's errors speak the user's language: in the pseudo-locale every answer a
// Prometheus should not give (nothing, silence, HTML, other JSON, cut JSON, too much, its own error),
// the URL check's reasons and a native histogram's text are made of translated text whole, and the
// doctor's Prometheus gatherer hands on the translated reason.
import { strict as assert } from 'node:assert';
import {
  PrometheusClient,
  PrometheusError,
  type FetchLike,
  type FetchResponse,
} from '../../src/core/prometheus/client';
import { fillGrafanaVariables } from '../../src/core/grafana/variables';
import { histogramText } from '../../src/core/prometheus/samples';
import { validatePrometheusUrl } from '../../src/core/prometheus/url';
import { gatherPrometheus } from '../../src/node/doctor/prometheus';
import { inPseudoLocale, inPseudoLocaleAsync, untranslated } from '../support/pseudoLocale';

function answer(status: number, body: string, headers: Record<string, string> = {}): FetchResponse {
  return {
    status,
    statusText: '',
    headers: { get: (name) => headers[name.toLowerCase()] ?? null },
    text: async () => body,
  };
}

/** A fetch for each way an answer goes wrong. */
const fetches: Record<string, FetchLike> = {
  refused: async () => {
    throw Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), {}) });
  },
  silent: (_url, init) =>
    new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted')))),
  html: async () => answer(200, '<!doctype html><html></html>', { 'content-type': 'text/html' }),
  text: async () => answer(404, '404 page not found\n', { 'content-type': 'text/plain' }),
  empty: async () => answer(502, '', {}),
  other: async () => answer(200, '{"hello":"world"}', { 'content-type': 'application/json' }),
  cut: async () => answer(200, '{"status":"success","data":{"re', { 'content-type': 'application/json' }),
  shape: async () => answer(200, '{"status":"success","data":{"resultType":"nope"}}', {}),
  error: async () =>
    answer(400, '{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected end of input"}', {}),
  errorless: async () => answer(400, '{"status":"error"}', {}),
  large: async () => answer(200, '{}', { 'content-length': String(64 * 1024 * 1024) }),
  stream: async () => answer(200, 'x'.repeat(2048), {}),
};

async function messageOf(fetch: FetchLike, path: 'query' | 'queryRange' | 'series'): Promise<string> {
  const client = new PrometheusClient({ baseUrl: 'http://127.0.0.1:9', fetch, timeoutMs: 50, maxResponseBytes: 1024 });
  try {
    if (path === 'query') await client.query('up');
    else if (path === 'queryRange') await client.queryRange('up', { start: 0, end: 60, step: 15 });
    else await client.series(['up']);
  } catch (e) {
    return e instanceof PrometheusError ? e.message : `not a PrometheusError: ${String(e)}`;
  }
  return 'no error';
}

describe('the Prometheus client in the pseudo-locale', () => {
  it('says what went wrong with every answer Prometheus should not give, translated', async () => {
    const messages = await inPseudoLocaleAsync(async () => {
      const out: string[] = [];
      for (const fetch of Object.values(fetches)) out.push(await messageOf(fetch, 'query'));
      out.push(await messageOf(fetches['large']!, 'queryRange'), await messageOf(fetches['stream']!, 'series'));
      const controller = new AbortController();
      controller.abort();
      const client = new PrometheusClient({ baseUrl: 'http://127.0.0.1:9', fetch: fetches['html']! });
      out.push(
        await client.query('up', { signal: controller.signal }).then(
          () => 'no error',
          (e: Error) => e.message,
        ),
      );
      return out;
    });
    assert.equal(messages.filter((m) => m === 'no error' || m.startsWith('not a')).length, 0, messages.join('\n'));
    assert.deepEqual(
      messages.filter((m) => untranslated(m) !== ''),
      [],
    );
  });

  it("hands the doctor the client's translated reason", async () => {
    const r = await inPseudoLocaleAsync(() =>
      gatherPrometheus({
        url: 'http://127.0.0.1:9',
        service: 'otel-collector',
        namespace: 'monitoring',
        metricsPort: 'metrics',
        window: '30s',
        fetch: fetches['refused']!,
      }),
    );
    assert.ok(r.problem);
    assert.equal(untranslated(r.problem), '', r.problem);
  });

  it('refuses a Grafana interval it cannot read, translated', () => {
    const message = inPseudoLocale(() => {
      try {
        fillGrafanaVariables('rate(x[$__interval])', { interval: 'soon', range: '1h', rateInterval: '1m' });
        return 'accepted';
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    });
    assert.equal(untranslated(message), '', message);
  });

  it('checks a typed URL and reads a native histogram in translated words', () => {
    const texts = inPseudoLocale(() => [
      ...['not a url', 'ftp://x', 'http://u:p@x', 'http://127.0.0.1:9090/graph'].map(
        (u) => validatePrometheusUrl(u) ?? 'accepted',
      ),
      histogramText({ count: '42', sum: '3.5', buckets: [] } as never),
    ]);
    assert.deepEqual(
      texts.filter((m) => untranslated(m) !== ''),
      [],
    );
  });
});
