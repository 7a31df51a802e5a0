// The pipeline view's live figures from real collectors: 0.155.0 (the lab's) and 0.165.1 (the
// newest) run a metrics pipeline whose otlphttp exporter points at a closed 127.0.0.1 port beside
// a debug exporter, and receive generated OTLP/HTTP requests. Their own telemetry, read as the view
// reads it, must put accepted points on the receiver, sent points on debug, and rising failures on
// the dead exporter, which the model marks failing while the others flow; the same figures, handed
// to the view's page in Chromium, draw the dead exporter's node as failing.
import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { liveFigures, parseExposition, type Sample } from '../../src/core/collector/liveFigures';
import { pipelineViewAt, type PipelineView } from '../../src/core/collector/pipelineView';
import type { PipelineFiguresMessage, PipelineGraphMessage } from '../../src/core/protocol/pipeline';
import { freePort, waitFor } from '../harness/lib';
import { collectorVersions, startCollector, type RunningCollector } from '../harness/otelcol';
import { sendOtlpMetrics } from '../support/otlpExport';
import { openPipelinePage } from '../support/pipelinePage';

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 9;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function config(otlpHttp: number, telemetry: number, dead: number): string {
  return `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${otlpHttp}
processors:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 20
  batch:
    timeout: 200ms
exporters:
  otlphttp/dead:
    endpoint: http://127.0.0.1:${dead}
    retry_on_failure:
      enabled: false
  debug: {}
service:
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: ${telemetry}
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [otlphttp/dead, debug]
`;
}

const send = (port: number, requests: number, points: number): Promise<void> =>
  sendOtlpMetrics(port, requests, points, { service: 'pipeline-live-test', kind: 'sum' });

async function read(url: string): Promise<Sample[]> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return parseExposition(await res.text());
}

for (const version of [collectorVersions.recent, collectorVersions.newest]) {
  describe(`pipeline view: live figures from a real collector ${version}`, function () {
    this.timeout(900_000);
    let collector: RunningCollector | undefined;
    let view: PipelineView;
    let otlpHttp = 0;
    let telemetryUrl = '';
    /** The two readings the failing mark was judged on, for the page to draw. */
    let readings: { first: Sample[]; second: Sample[] } | undefined;

    before(async () => {
      otlpHttp = await freePort();
      const telemetry = await freePort();
      const text = config(otlpHttp, telemetry, await closedPort());
      const made = pipelineViewAt('collector.yaml', text, 0);
      assert.ok(typeof made !== 'string', 'the view draws the config');
      view = made;
      telemetryUrl = `http://127.0.0.1:${telemetry}/metrics`;
      collector = await startCollector(version, text);
    });

    after(async () => {
      await collector?.stop();
    });

    it('marks the exporter pointing at a closed port as failing while data flows through the rest', async () => {
      await send(otlpHttp, 3, 5);
      // The batch processor sends after 200 ms; wait until both exporters have counted it.
      let first: Sample[] = [];
      await waitFor(
        'the first batch counted by both exporters',
        async () => {
          first = await read(telemetryUrl);
          const f = liveFigures(view.graph, first);
          return (f['metrics|exporter|otlphttp/dead']?.failed ?? 0) > 0 && (f['metrics|exporter|debug']?.in ?? 0) > 0;
        },
        30_000,
      );
      const start = liveFigures(view.graph, first);
      assert.equal(start['metrics|receiver|otlp']?.in, 15);
      assert.equal(start['metrics|receiver|otlp']?.failed, 0);

      await send(otlpHttp, 4, 5);
      let second: Sample[] = [];
      await waitFor(
        'the second batch counted',
        async () => {
          second = await read(telemetryUrl);
          // Both exporters must have counted it: the dead one fails the batch only once its own send
          // has been refused (it may still hold it in its queue when debug has already counted it),
          // and its queue gauge drops a moment after the failure is counted (seen on 0.165.1).
          const f = liveFigures(view.graph, second);
          const dead = f['metrics|exporter|otlphttp/dead'];
          return (f['metrics|exporter|debug']?.in ?? 0) >= 35 && (dead?.failed ?? 0) >= 35 && dead?.queue === 0;
        },
        30_000,
      );
      const f = liveFigures(view.graph, second, first);
      assert.equal(f['metrics|exporter|otlphttp/dead']?.health, 'failing', JSON.stringify(f));
      assert.equal(f['metrics|exporter|otlphttp/dead']?.failed, 35);
      assert.equal(f['metrics|exporter|otlphttp/dead']?.in, 0);
      assert.equal(f['metrics|exporter|debug']?.health, 'flowing');
      assert.equal(f['metrics|exporter|debug']?.in, 35);
      assert.equal(f['metrics|receiver|otlp']?.health, 'flowing');
      assert.equal(f['metrics|receiver|otlp']?.in, 35);
      assert.equal(f['metrics|processor|memory_limiter']?.health, 'flowing');
      assert.equal(f['metrics|processor|memory_limiter']?.in, 35);
      assert.equal(f['metrics|exporter|otlphttp/dead']?.queue, 0);
      readings = { first, second };
    });

    it("draws the dead exporter's node as failing on the view's page, from the same real figures", async function () {
      if (!readings) this.skip(); // the test above failed and says why
      const page = await openPipelinePage();
      try {
        await page.send({
          type: 'graph',
          uri: 'file:///lab/collector.yaml',
          line: 0,
          ...view,
        } satisfies PipelineGraphMessage);
        // As the host posts a reading (src/ui/pipelinePanel.ts): liveFigures of this reading against the last.
        await page.send({
          type: 'figures',
          source: `the collector ${version} (${telemetryUrl})`,
          figures: liveFigures(view.graph, readings.second, readings.first),
          at: Date.now(),
        } satisfies PipelineFiguresMessage);
        await page.page.waitForSelector('g.node.failing');
        assert.match(await page.nodeClass('metrics|exporter|otlphttp/dead'), /\bfailing\b/);
        assert.deepEqual(
          await page.page.$$eval('g.node.failing', (els) => els.map((e) => e.getAttribute('data-node'))),
          ['metrics|exporter|otlphttp/dead'],
          'only the dead exporter is marked failing',
        );
        for (const id of ['metrics|receiver|otlp', 'metrics|processor|memory_limiter', 'metrics|exporter|debug'])
          assert.match(await page.nodeClass(id), /\bflowing\b/, id);
        assert.match(
          (await page.page.$eval(
            'g.node[data-node="metrics|exporter|otlphttp/dead"] text.figures',
            (e) => e.textContent,
          )) ?? '',
          /sent 0 · failed 35/,
        );
        assert.match((await page.page.textContent('#live')) ?? '', new RegExp(`Live: the collector ${version}`));
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close();
      }
    });

    it('calls every node idle once the load stops, and the dead exporter stops being marked failing', async () => {
      const a = await read(telemetryUrl);
      const b = await read(telemetryUrl);
      const f = liveFigures(view.graph, b, a);
      assert.equal(f['metrics|receiver|otlp']?.health, 'idle');
      assert.equal(f['metrics|exporter|otlphttp/dead']?.health, 'idle');
    });
  });
}
