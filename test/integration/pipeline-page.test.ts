// The pipeline view's page (src/webview/pipeline.ts, bundled as for the extension) in real
// Chromium under a nonce-only Content-Security-Policy, with VS Code's webview API stubbed: it draws
// the OpenTelemetry demo's pipelines as SVG (a band per pipeline, the span_metrics connector as a
// link from traces to metrics, a badge on the node a finding points into), colours the nodes by
// the live figures the host sends, and asks the host only to open a node by its id.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { liveFigures, parseExposition } from '../../src/core/collector/liveFigures';
import { pipelineViewAt, type PipelineView } from '../../src/core/collector/pipelineView';
import type { PipelineFiguresMessage, PipelineGraphMessage } from '../../src/core/protocol/pipeline';
import { openPipelinePage, type PipelinePage } from '../support/pipelinePage';

function viewOf(file: string, text: string): PipelineView {
  const v = pipelineViewAt(file, text, 0);
  assert.ok(typeof v !== 'string', String(v));
  return v;
}

describe('the pipeline view page in Chromium', function () {
  this.timeout(120_000);
  let opened: PipelinePage;
  let page: PipelinePage['page'];
  let errors: string[];
  const posted = (): Promise<unknown[]> => opened.posted();
  const send = (m: unknown): Promise<void> => opened.send(m);

  before(async () => {
    opened = await openPipelinePage();
    page = opened.page;
    errors = opened.errors;
  });

  after(async () => {
    await opened?.close();
  });

  it("draws the demo's four pipelines, every node, and the span_metrics connector as a link", async () => {
    assert.deepEqual(await posted(), [{ type: 'ready' }]);
    const text = readFileSync(
      join(__dirname, '..', 'fixtures', 'corpus', 'otel-demo-collector', 'otelcol-config.yml'),
      'utf8',
    );
    const view = viewOf('/lab/otelcol-config.yml', text);
    const m: PipelineGraphMessage = { type: 'graph', uri: 'file:///lab/otelcol-config.yml', line: 3, ...view };
    await send(m);
    await page.waitForSelector('svg#graph');
    const bands = await page.$$eval('rect.row-band[data-pipeline]', (els) =>
      els.map((e) => e.getAttribute('data-pipeline')),
    );
    assert.deepEqual(bands, ['traces', 'metrics', 'logs', 'profiles']);
    const nodes = await page.$$eval('g.node[data-node]', (els) => els.map((e) => e.getAttribute('data-node')));
    assert.deepEqual(nodes.sort(), view.graph.nodes.map((n) => n.id).sort());
    assert.deepEqual(await page.$$eval('path.link', (els) => els.map((e) => e.getAttribute('data-connector'))), [
      'span_metrics',
    ]);
    assert.ok((await page.$$('g.node.connector')).length === 2);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { state: unknown }).state), {
      uri: 'file:///lab/otelcol-config.yml',
      line: 3,
    });
    assert.deepEqual(errors, []);
  });

  it('badges the node a finding points into, colours nodes by live figures, and opens a node by its id', async () => {
    const text = `receivers:
  otlp:
    protocols:
      http: {}
  zipkin: {}
processors:
  batch: {}
exporters:
  otlphttp/dead:
    endpoint: http://127.0.0.1:9
  debug: {}
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlphttp/dead, debug, prometheus]
`;
    const view = viewOf('/lab/collector.yaml', text);
    await send({ type: 'graph', uri: 'file:///lab/collector.yaml', line: 0, ...view } satisfies PipelineGraphMessage);
    // Two readings of collector 0.155.0's telemetry: the dead exporter's failures rise, debug's sent points too.
    const reading = (n: number): string =>
      `otelcol_receiver_accepted_metric_points{receiver="otlp",transport="http"} ${n}
otelcol_exporter_send_failed_metric_points{error_type="_OTHER",exporter="otlphttp/dead"} ${n}
otelcol_exporter_sent_metric_points{exporter="otlphttp/dead"} 0
otelcol_exporter_sent_metric_points{exporter="debug"} ${n}
`;
    const figures: PipelineFiguresMessage = {
      type: 'figures',
      source: "the sandbox's collector",
      figures: liveFigures(view.graph, parseExposition(reading(20)), parseExposition(reading(5))),
      at: Date.UTC(2026, 11, 5, 20, 0),
    };
    await send(figures);
    await page.waitForSelector('g.node.failing');
    const cls = (id: string): Promise<string> => opened.nodeClass(id);
    assert.match(await cls('metrics|exporter|otlphttp/dead'), /\bfailing\b/);
    assert.match(await cls('metrics|exporter|debug'), /\bflowing\b/);
    assert.match(await cls('metrics|receiver|otlp'), /\bflowing\b/);
    assert.match(await cls('metrics|processor|batch'), /\bunknown\b/);
    assert.match(await cls('metrics|exporter|prometheus'), /\bundefined\b/);
    assert.match(
      (await page.$eval('g.node[data-node="metrics|exporter|otlphttp/dead"] text.figures', (e) => e.textContent)) ?? '',
      /sent 0 · failed 20/,
    );
    assert.ok(
      await page.$('g.node[data-node="metrics|exporter|prometheus"] g.badge.error'),
      'the undefined exporter has an error badge',
    );
    assert.ok(
      await page.$('g.node.unused[data-node="unused:0"] g.badge'),
      'the unused zipkin receiver has its finding',
    );
    assert.match((await page.textContent('#live')) ?? '', /Live: the sandbox's collector/);

    await page.click('g.node[data-node="metrics|exporter|otlphttp/dead"]');
    await page.focus('g.node[data-node="unused:0"]');
    await page.keyboard.press('Enter');
    const sent = await posted();
    assert.deepEqual(sent.slice(-2), [
      { type: 'open', node: 'metrics|exporter|otlphttp/dead' },
      { type: 'open', node: 'unused:0' },
    ]);
    assert.deepEqual(errors, []);
  });

  it('says why there is nothing to draw, as text', async () => {
    await send({ type: 'empty', message: 'No collector config here: <b>open</b> one.' });
    assert.equal(await page.textContent('p.empty'), 'No collector config here: <b>open</b> one.');
    assert.equal(await page.$('p.empty b'), null);
  });
});
