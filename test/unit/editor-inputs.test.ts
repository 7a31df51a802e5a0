// What the editor's commands check in what the student types, and the status bar's text: pure
// functions in src/core, so they are tested here without an editor.
import { strict as assert } from 'node:assert';
import { progressStatusText, type Progress } from '../../src/core/loadtest/stats';
import { parseTarget } from '../../src/core/loadtest/target';
import { defaultPrometheusUrl, validatePrometheusUrl } from '../../src/core/prometheus/url';

describe("Run Load Test's target", () => {
  it('takes a name, an IPv4 address or a bracketed IPv6 address with a port, spaces around ignored', () => {
    assert.deepEqual(parseTarget('localhost:8080'), { host: 'localhost', port: '8080' });
    assert.deepEqual(parseTarget(' 127.0.0.1:1 '), { host: '127.0.0.1', port: '1' });
    assert.deepEqual(parseTarget('[::1]:65535'), { host: '[::1]', port: '65535' });
  });

  it('says how to write it when there is no port, a scheme or a path', () => {
    for (const bad of ['localhost', 'http://localhost:8080', 'localhost:8080/x', ':8080', '::1:8080', '']) {
      assert.equal(parseTarget(bad), 'write it as host:port, e.g. 127.0.0.1:8080', bad);
    }
  });

  it('names a port outside 1 to 65535', () => {
    assert.equal(parseTarget('localhost:0'), '0 is not a port (1–65535)');
    assert.equal(parseTarget('localhost:65536'), '65536 is not a port (1–65535)');
  });
});

describe('the Prometheus URL Query Prometheus asks for', () => {
  it('accepts an http or https server root, the default among them', () => {
    for (const ok of [
      defaultPrometheusUrl,
      'https://prom.example.com',
      ' http://localhost:9090/ ',
      'http://host/prefix',
    ])
      assert.equal(validatePrometheusUrl(ok), undefined, ok);
  });

  it('refuses what is not a URL, other schemes, credentials, and the /graph or /api/v1 pages', () => {
    assert.equal(
      validatePrometheusUrl('127.0.0.1:9090x'),
      `'127.0.0.1:9090x' is not a URL; write it like ${defaultPrometheusUrl}`,
    );
    assert.equal(validatePrometheusUrl('ftp://host'), 'ftp: is not supported; use http:// or https://');
    assert.match(validatePrometheusUrl('http://user:pw@host:9090') ?? '', /leave credentials out/);
    assert.match(validatePrometheusUrl('http://host:9090/graph') ?? '', /server root/);
    assert.match(validatePrometheusUrl('http://host:9090/api/v1/') ?? '', /server root/);
  });
});

describe("the load test's status bar text", () => {
  it('shows requests per second, the recent p95 and the error share to a tenth of a percent', () => {
    const p: Progress = {
      elapsedSec: 3,
      activeThreads: 4,
      rps: 120,
      errorRate: 0.0125,
      window: { p50: 5, p95: 42.5, p99: 60, seconds: 5, samples: 600 },
      overall: { p50: 5, p95: 40, p99: 55, samples: 360, errors: 4, rps: 118 },
    };
    assert.equal(progressStatusText(p), '$(pulse) 120 req/s · p95 42.5 ms · 1.3% err');
  });
});
