// Show Collector Pipelines in the packaged extension (code-server + Chromium): the scaffolded lab's
// collector ConfigMap drawn as its pipelines, and, with the real sandbox running (the app, the
// harness-built collector 0.155.0 and Prometheus) and real POST /hash traffic, every receiver and
// exporter showing the collector's own figures with data passing. Clicking a node opens its YAML.
// Screen: test-results/pipeline-view.png (README's media/pipeline-view.png is copied from it).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { sandboxDown, sandboxStatus } from '../../src/node/sandbox/sandbox';
import { packageExtension, startCodeServer, type RunningCodeServer } from '../harness/codeserver';
import {
  clearToasts,
  resultsDir,
  runCommand,
  screenshot,
  toast,
  openFile,
  openWorkbench,
  afterFirstStartWalkthrough,
  answerSandboxQuestion,
  createLabFiles,
} from '../support/workbench';

describe('Show Collector Pipelines in the workbench, live on the sandbox', function () {
  this.timeout(10 * 60_000);
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workspace: string;
  let traffic: ReturnType<typeof setInterval> | undefined;
  let startedSandbox = false;

  before(async function () {
    this.timeout(30 * 60_000);
    mkdirSync(resultsDir, { recursive: true });
    const vsix = await packageExtension();
    workspace = mkdtempSync(join(tmpdir(), 'obslab-e2e-pipeline-'));
    server = await startCodeServer({
      name: 'codeserver-e2e-pipeline',
      workspace,
      vsix,
      settings: {
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'workbench.startupEditor': 'none',
      },
    });
    ({ browser, page } = await openWorkbench(server.url, { width: 1600, height: 1000 }));
  });

  after(async function () {
    this.timeout(120_000);
    if (traffic) clearInterval(traffic);
    if (startedSandbox) await sandboxDown().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await page.screenshot({ path: join(resultsDir, 'failed-pipeline-view.png') }).catch(() => undefined);
  });

  const view = (): FrameLocator => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

  it("draws the lab collector's pipelines with live figures from the running sandbox, and opens a node's YAML", async () => {
    await afterFirstStartWalkthrough(page);
    await createLabFiles(page);

    await runCommand(page, 'Observability Lab: Start Sandbox');
    await answerSandboxQuestion(page, 240_000);
    await toast(page, /the sandbox (is up|was already running)/).waitFor({ state: 'visible', timeout: 240_000 });
    startedSandbox = true;
    await clearToasts(page);
    const appUrl = (await sandboxStatus()).find((p) => p.name === 'app')?.url;
    assert.ok(appUrl, 'the sandbox reports the app');
    let sent = 0;
    const post = async (): Promise<void> => {
      const res = await fetch(`${appUrl}/hash`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `data=pipeline-${sent++}`,
      });
      await res.text();
    };
    traffic = setInterval(() => void post().catch(() => undefined), 200);

    await openFile(page, 'lab/k8s/otel-collector-config.yaml');
    await runCommand(page, 'Observability Lab: Show Collector Pipelines');
    await view().locator('svg#graph').waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await view().locator('h1').textContent()) ?? '', /otel-collector-config\.yaml \(ConfigMap /);
    const nodes = await view()
      .locator('g.node[data-node]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-node')));
    assert.ok(nodes.includes('metrics|receiver|otlp'), JSON.stringify(nodes));

    // The app exports every 5 s and the view reads every 3 s: wait until the receiver shows data flowing.
    await view()
      .locator('g.node.flowing[data-node="metrics|receiver|otlp"]')
      .waitFor({ state: 'visible', timeout: 120_000 });
    await view()
      .locator('#live')
      .filter({ hasText: /Live: the sandbox's collector/ })
      .waitFor();
    const figures =
      (await view().locator('g.node[data-node="metrics|receiver|otlp"] text.figures').textContent()) ?? '';
    assert.match(figures, /accepted [1-9]/);
    await screenshot(page, 'pipeline-view');

    // Clicking the receiver opens the ConfigMap beside the view with its definition selected (the status bar says where).
    const text = readFileSync(join(workspace, 'lab', 'k8s', 'otel-collector-config.yaml'), 'utf8');
    const line = text.split('\n').findIndex((l) => /^\s+otlp:\s*$/.test(l)) + 1;
    assert.ok(line > 0, 'the ConfigMap defines the otlp receiver');
    await view().locator('g.node[data-node="metrics|receiver|otlp"]').click();
    await page
      .locator('#status\\.editor\\.selection')
      .filter({ hasText: new RegExp(`Ln ${line}, Col \\d+ \\(\\d+ selected\\)`) })
      .waitFor({ state: 'visible' });

    // An edit redraws the view (debounced): the metrics pipeline gets the debug exporter too.
    const exportersLine = text.split('\n').findIndex((l) => /^\s+exporters: \[prometheus\]\s*$/.test(l)) + 1;
    assert.ok(exportersLine > 0, 'the metrics pipeline exports to prometheus');
    await runCommand(page, 'Go to Line/Column...');
    await page.keyboard.type(String(exportersLine));
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.type(', debug');
    await view().locator('g.node[data-node="metrics|exporter|debug"]').waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'pipeline-view-edit');
  });
});
