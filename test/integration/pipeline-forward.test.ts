// The pipeline view's live figures through a real port-forward: a real collector 0.155.0 (the
// lab's) serves its own telemetry on a local port; in the real control plane a Deployment and
// Service publish the collector chart's telemetry port 8888, and kwok carries the pod's 8888 to the
// collector. Our PortForwardManager forwards the Service through the API server; the choice of
// where to read (telemetrySources) puts that forward before a running sandbox, and the figures read
// through it, as the view reads them, count the points the collector accepted.
import { strict as assert } from 'node:assert';
import { liveFigures, parseExposition } from '../../src/core/collector/liveFigures';
import { pipelineViewAt } from '../../src/core/collector/pipelineView';
import { telemetrySources, type TelemetryForward } from '../../src/core/collector/telemetrySource';
import { loadKube } from '../../src/node/kube/config';
import { describeTarget } from '../../src/core/kube/ports';
import { PortForwardManager, type ForwardInfo } from '../../src/node/kube/portForward';
import type { RunningKube } from '../harness/kube';
import { freePort, waitFor } from '../harness/lib';
import { collectorVersions, startCollector, type RunningCollector } from '../harness/otelcol';
import { collectorBehindService, telemetryCollectorConfig } from '../support/collectorInCluster';
import { sendOtlpMetrics } from '../support/otlpExport';
import { sharedKube, uniqueNamespace } from '../support/kube';

/** The forward as the editor publishes it to the pipeline view (src/ui/kube/portForwards.ts). */
function published(f: ForwardInfo): TelemetryForward {
  return {
    id: f.id,
    url: f.url,
    state: f.state,
    remotePort: f.target.remotePort,
    target: `${describeTarget(f.target)}:${f.target.remotePort}`,
    ...(f.purpose ? { purpose: f.purpose } : {}),
    ...(f.podPort !== undefined ? { podPort: f.podPort } : {}),
  };
}

describe("pipeline view: a real collector's figures through a port-forward to its telemetry port", function () {
  this.timeout(5 * 60_000);
  const version = collectorVersions.recent;
  const ns = uniqueNamespace('obslab-pipe');
  const cpf = `${ns}-to-collector`;
  let kube: RunningKube;
  let collector: RunningCollector | undefined;
  let manager: PortForwardManager | undefined;
  let otlpHttp = 0;
  const logs: string[] = [];
  const why = (): string =>
    `\nmanager log:\n${logs.slice(-20).join('\n')}\n${kube?.logs(10) ?? ''}\ncollector:\n${collector?.output().slice(-2000) ?? ''}`;

  before(async function () {
    this.timeout(150 * 60_000);
    kube = await sharedKube();
    otlpHttp = await freePort();
    const telemetry = await freePort();
    collector = await startCollector(version, telemetryCollectorConfig(otlpHttp, telemetry));
    // The collector chart's telemetry port (ports.metrics: containerPort 8888), kwok carrying it to our collector.
    await kube.kubectl(['apply', '-f', '-'], { input: collectorBehindService(ns, cpf, version, telemetry) });
    await kube.kubectl(['rollout', 'status', '-n', ns, 'deployment/otel-collector', '--timeout=120s'], {
      timeoutMs: 150_000,
    });
    manager = new PortForwardManager(loadKube({ kubeconfig: kube.kubeconfig }), {
      log: (m) => logs.push(m),
      podWaitMs: 30_000,
    });
  });

  after(async function () {
    this.timeout(120_000);
    await manager?.stopAll();
    await collector?.stop();
    await kube?.kubectl(['delete', 'clusterportforward', cpf, '--ignore-not-found']).catch(() => undefined);
    await kube?.kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']).catch(() => undefined);
  });

  it('reads the figures through the forward, chosen before a running sandbox, and counts the accepted points', async () => {
    const m = manager;
    assert.ok(m, 'the forward manager');
    const f = await m.start({ namespace: ns, kind: 'service', name: 'otel-collector', remotePort: 8888, localPort: 0 });
    try {
      assert.equal(f.podPort, 8888);
      // A sandbox's collector stands beside it: the forward to 8888 is still read first.
      const sandbox = { telemetryUrl: 'http://127.0.0.1:1/metrics' };
      const sources = telemetrySources(sandbox, [published(f)]);
      assert.deepEqual(
        sources.map((s) => s.url),
        [`${f.url}/metrics`, sandbox.telemetryUrl],
      );
      const source = sources[0];
      assert.ok(source);

      await sendOtlpMetrics(otlpHttp, 3, 5, { service: 'pipeline-forward-test', kind: 'gauge' });
      const made = pipelineViewAt('collector.yaml', telemetryCollectorConfig(otlpHttp, 8888), 0);
      assert.ok(typeof made !== 'string', String(made));
      // kwok learns of the ClusterPortForward through a watch, and the exporter counts after it sends.
      let text = '';
      await waitFor(
        `the collector's telemetry through ${source.url}`,
        async () => {
          const res = await fetch(source.url, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
          text = res?.ok ? await res.text() : '';
          return (liveFigures(made.graph, parseExposition(text))['metrics|exporter|debug']?.in ?? 0) >= 15;
        },
        60_000,
      );
      assert.match(text, /otelcol_/);
      const figures = liveFigures(made.graph, parseExposition(text));
      assert.equal(figures['metrics|receiver|otlp']?.in, 15);
      assert.equal(figures['metrics|receiver|otlp']?.failed, 0);
      assert.equal(figures['metrics|exporter|debug']?.in, 15);
      assert.equal(source.label, `the port-forward to ${ns}/svc/otel-collector:8888 (${f.url}/metrics)`);
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}${why()}`);
    } finally {
      await m.stop(f.id);
    }
  });
});
