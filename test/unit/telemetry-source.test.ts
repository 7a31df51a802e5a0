// Where Show Collector Pipelines reads a collector's own telemetry: a port-forward to a pod's 8888
// (asked for by number, or found behind a Service port or a port name), the sandbox's collector
// while it runs, and the other forwards a student made as a last try, in that order; never the lab's
// Prometheus, Grafana or app forwards, nor one waiting for a pod.
import { strict as assert } from 'node:assert';
import { telemetrySources, type TelemetryForward } from '../../src/core/collector/telemetrySource';

const sandbox = { telemetryUrl: 'http://127.0.0.1:8888/metrics' };

const forward = (id: string, port: number, more: Partial<TelemetryForward> = {}): TelemetryForward => ({
  id,
  url: `http://127.0.0.1:${port}`,
  state: 'active',
  ...more,
});

describe("pipeline view: where the collector's telemetry is read", () => {
  it("reads a forward to the collector's telemetry port at its /metrics", () => {
    assert.deepEqual(
      telemetrySources(undefined, [forward('otel-collector', 18888, { remotePort: 8888, podPort: 8888 })]),
      [
        {
          url: 'http://127.0.0.1:18888/metrics',
          label: 'the port-forward otel-collector (http://127.0.0.1:18888/metrics)',
        },
      ],
    );
  });

  it('names a forward by what it reaches when the editor says, else by its id', () => {
    const [named] = telemetrySources(undefined, [
      forward('forward-18888-1', 18888, { remotePort: 8888, target: 'monitoring/svc/otel-collector:8888' }),
    ]);
    assert.equal(
      named?.label,
      'the port-forward to monitoring/svc/otel-collector:8888 (http://127.0.0.1:18888/metrics)',
    );
  });

  it('knows the telemetry port behind a Service port or a port name by the pod port it reaches', () => {
    const urls = telemetrySources(undefined, [
      forward('svc', 18001, { remotePort: 80, podPort: 8888 }),
      forward('named', 18002, { remotePort: 'metrics', podPort: 8888 }),
    ]).map((s) => s.url);
    assert.deepEqual(urls, ['http://127.0.0.1:18001/metrics', 'http://127.0.0.1:18002/metrics']);
  });

  it("reads the sandbox's collector when it runs and nothing is forwarded", () => {
    assert.deepEqual(telemetrySources(sandbox, []), [
      { url: 'http://127.0.0.1:8888/metrics', label: "the sandbox's collector (http://127.0.0.1:8888/metrics)" },
    ]);
  });

  it("tries a forward to 8888 first, then the sandbox's collector, then other forwards the student made", () => {
    const urls = telemetrySources(sandbox, [
      forward('web', 15000, { remotePort: 5000, podPort: 5000 }),
      forward('collector', 18888, { remotePort: 8888, podPort: 8888 }),
    ]).map((s) => s.url);
    assert.deepEqual(urls, [
      'http://127.0.0.1:18888/metrics',
      'http://127.0.0.1:8888/metrics',
      'http://127.0.0.1:15000/metrics',
    ]);
  });

  it('still tries a forward of unknown port, after the sandbox: a collector may serve its telemetry elsewhere', () => {
    assert.deepEqual(
      telemetrySources(sandbox, [forward('custom', 19999)]).map((s) => s.url),
      ['http://127.0.0.1:8888/metrics', 'http://127.0.0.1:19999/metrics'],
    );
  });

  it("leaves out the lab's Prometheus, Grafana and app forwards, and forwards waiting for a pod or stopped", () => {
    const forwards = [
      forward('prometheus', 9090, { purpose: 'prometheus', remotePort: 9090, podPort: 9090 }),
      forward('grafana', 3000, { purpose: 'grafana', remotePort: 80, podPort: 3000 }),
      forward('app', 8000, { purpose: 'app', remotePort: 8000, podPort: 8000 }),
      forward('waiting', 18888, { state: 'waiting', remotePort: 8888 }),
      forward('stopped', 18889, { state: 'stopped', remotePort: 8888, podPort: 8888 }),
    ];
    assert.deepEqual(telemetrySources(undefined, forwards), []);
    assert.deepEqual(
      telemetrySources(sandbox, forwards).map((s) => s.url),
      ['http://127.0.0.1:8888/metrics'],
    );
  });

  it('has nothing to try when no sandbox runs and nothing is forwarded', () => {
    assert.deepEqual(telemetrySources(undefined, []), []);
  });

  it('does not double the slash when the forward URL ends with one', () => {
    assert.equal(
      telemetrySources(undefined, [forward('c', 18888, { url: 'http://127.0.0.1:18888/', remotePort: 8888 })])[0]?.url,
      'http://127.0.0.1:18888/metrics',
    );
  });
});
