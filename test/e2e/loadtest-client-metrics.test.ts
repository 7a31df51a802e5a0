// The load generator's metrics in the packaged extension (code-server + Chromium): with the real
// sandbox running (the app, the harness-built collector and Prometheus 3.14.0), Run Load Test runs
// the lab's plan against the sandbox app with the built-in engine (4 threads, 5 s, 127.0.0.1), and
// its notification's Query Prometheus opens the panel on the client-vs-server p95 preset as a range
// query, charting two series: the generator's p95 (side="client") and the app's (side="server").
// Screen: test-results/loadtest-client-metrics.png.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { sandboxDown } from '../../src/node/sandbox/sandbox';
import { packageExtension, startCodeServer, type RunningCodeServer } from '../harness/codeserver';
import { waitFor } from '../harness/lib';
import {
  afterFirstStartWalkthrough,
  answerLoadTestPicks,
  answerSandboxQuestion,
  clearToasts,
  dialog,
  openFile,
  openWorkbench,
  pick,
  resultsDir,
  runCommand,
  screenshot,
  toast,
  answerInput,
  createLabFiles,
} from '../support/workbench';

describe("The load generator's metrics beside the app's, in the workbench", function () {
  this.timeout(10 * 60_000);
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workspace: string;
  let startedSandbox = false;

  before(async function () {
    this.timeout(30 * 60_000);
    mkdirSync(resultsDir, { recursive: true });
    const vsix = await packageExtension();
    workspace = mkdtempSync(join(tmpdir(), 'obslab-e2e-client-metrics-'));
    server = await startCodeServer({
      name: 'codeserver-e2e-client-metrics',
      workspace,
      vsix,
      settings: {
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'workbench.startupEditor': 'none',
      },
    });
    ({ browser, page } = await openWorkbench(server.url, { width: 1400, height: 900 }));
  });

  after(async function () {
    this.timeout(120_000);
    if (startedSandbox) await sandboxDown().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await page.screenshot({ path: join(resultsDir, 'failed-loadtest-client-metrics.png') }).catch(() => undefined);
  });

  /** The webview that holds `selector`: the load-test view stays open beside the query panel. */
  async function webviewWith(selector: string): Promise<FrameLocator> {
    const frames = page.frameLocator('iframe.webview.ready');
    let found: FrameLocator | undefined;
    await waitFor(
      `a webview with ${selector}`,
      async () => {
        const n = await page.locator('iframe.webview.ready').count();
        for (let i = 0; i < n; i++) {
          const f = frames.nth(i).frameLocator('#active-frame');
          if (await f.locator(selector).count()) {
            found = f;
            return true;
          }
        }
        return false;
      },
      60_000,
    );
    assert.ok(found);
    return found;
  }

  it("runs the lab's plan on the sandbox, and Query Prometheus charts the client's p95 beside the server's", async () => {
    await afterFirstStartWalkthrough(page);
    await createLabFiles(page);

    await runCommand(page, 'Observability Lab: Start Sandbox');
    await answerSandboxQuestion(page, 240_000);
    await toast(page, /the sandbox (is up|was already running)/).waitFor({ state: 'visible', timeout: 240_000 });
    startedSandbox = true;
    await clearToasts(page);

    // The lab's plan open in the editor is the plan Run Load Test runs.
    await openFile(page, 'lab/jmeter/hash-load.jmx');

    await runCommand(page, 'Observability Lab: Run Load Test');
    // The target offered first is the running sandbox app.
    await answerInput(page, 'target (1/2)');
    await pick(page, 'threads, ramp-up, duration', 'Change…');
    await answerInput(page, 'threads (1/3)', '4');
    await answerInput(page, 'ramp-up seconds (2/3)', '0');
    await answerInput(page, 'duration seconds (3/3)', '5');
    // Then whatever the command asks before its confirmation (the load model, the engine): the closed
    // model and the built-in engine.
    await answerLoadTestPicks(page);
    await dialog(page).waitFor({ state: 'visible' });
    assert.match(await dialog(page).innerText(), /127\.0\.0\.1:\d+/);
    await dialog(page).locator('.monaco-button').filter({ hasText: 'Run Load Test' }).click();
    await dialog(page).waitFor({ state: 'hidden' });

    const done = toast(page, /Load test finished: \d+ samples/);
    await done.waitFor({ state: 'visible', timeout: 120_000 });
    await done.locator('.monaco-button').filter({ hasText: 'Query Prometheus' }).click();

    // The panel opens on the preset, switched to a range query, and draws both series.
    const query = await webviewWith('#preset-queries');
    await query.locator('#chart canvas').waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await query.locator('#mode').inputValue(), 'range');
    assert.match(
      (await query.locator('.cm-content').innerText()).replace(/\s+/g, ' '),
      /"side", "client".* or .*"side", "server"/,
    );
    const series = (await query.locator('#result tbody td code').allInnerTexts()).sort();
    assert.deepEqual(series, ['{side="client"}', '{side="server"}']);
    await clearToasts(page);
    await screenshot(page, 'loadtest-client-metrics');
  });
});
