// .promql files in the real workbench (code-server with the packaged .vsix, driven by Chromium):
// a parse error is squiggled where the query breaks, each query has a Run lens, Run opens Query
// Prometheus on that query against a real Prometheus 3.14.0 (the URL given where the panel asks
// for one), and Explain draws the query's tree with each part's series. Screens are saved as
// test-results/promql-*.png.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { packageExtension, startCodeServer, type RunningCodeServer } from '../harness/codeserver';
import { waitFor } from '../harness/lib';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus';
import {
  quickInput,
  quickInputBox,
  resultsDir,
  runCommand,
  screenshot,
  openFile,
  openWorkbench,
} from '../support/workbench';

const good = 'sum by (job) (rate(prometheus_http_requests_total[1m]))';
const file = [
  '# Requests Prometheus answers, per second, by job',
  good,
  '',
  '# A closing bracket is missing',
  'sum by (job) (rate(prometheus_http_requests_total[1m])',
  '',
].join('\n');

describe('.promql files in the workbench (code-server + Chromium)', function () {
  this.timeout(5 * 60_000);
  this.slow(30_000);

  let server: RunningCodeServer | undefined;
  let prom: RunningPrometheus | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workspace: string | undefined;
  const view = (): FrameLocator => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

  before(async function () {
    this.timeout(30 * 60_000);
    mkdirSync(resultsDir, { recursive: true });
    workspace = mkdtempSync(join(tmpdir(), 'obslab-e2e-promql-'));
    writeFileSync(join(workspace, 'queries.promql'), file);
    // A Prometheus scraping itself every second: its own request counter has a rate within seconds.
    prom = await startPrometheus(
      (url) =>
        `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ['${new URL(url).host}']\n`,
    );
    server = await startCodeServer({
      workspace,
      vsix: await packageExtension(),
      settings: { 'obslab.showWalkthroughOnFirstRun': false },
    });
    ({ browser, page } = await openWorkbench(server.url));
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await prom?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await page.screenshot({ path: join(resultsDir, 'failed-promql-file.png') }).catch(() => undefined);
  });

  it('squiggles the parse error where the query breaks and puts a Run lens above each query', async () => {
    await runCommand(page, 'View: Close All Editors').catch(() => undefined);
    await openFile(page, 'queries.promql');
    const lenses = page.locator('.monaco-editor .codelens-decoration a').filter({ hasText: 'Run' });
    await waitFor('two Run lenses', async () => (await lenses.count()) === 2, 60_000);
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'attached', timeout: 60_000 });
    // The Problems panel names the error and where it is.
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const problem = page.locator('.markers-panel .monaco-list-row').filter({ hasText: /ends too early/ });
    await problem.first().waitFor({ state: 'visible' });
    assert.match((await problem.first().innerText()).replace(/\s+/g, ' '), /\[Ln 5, Col \d+\]/);
    // The grammar colours the file: more than one colour on the query's line.
    const colours = await page
      .locator('.monaco-editor .view-line')
      .nth(1)
      .evaluate(
        (line) => new Set(Array.from(line.querySelectorAll('span span')).map((s) => getComputedStyle(s).color)).size,
      );
    assert.ok(colours > 2, `the query is highlighted (${colours} colours)`);
    await screenshot(page, 'promql-file');
    await runCommand(page, 'View: Hide Panel').catch(() => undefined);
  });

  it('opens Query Prometheus on the query from its Run lens, and Explain shows each part with its series', async () => {
    await page.locator('.monaco-editor .codelens-decoration a').filter({ hasText: 'Run' }).first().click();
    // No port-forward and no sandbox here: the panel asks which Prometheus, as it always does.
    const asked = page.locator('.quick-input-widget .quick-input-title').filter({ hasText: 'Prometheus URL' });
    await asked.waitFor({ state: 'visible' });
    await quickInputBox(page).fill(prom?.url ?? '');
    await page.keyboard.press('Enter');
    await quickInput(page).waitFor({ state: 'hidden' });
    await view()
      .locator('.prom-url')
      .filter({ hasText: prom?.url ?? '' })
      .waitFor({ state: 'visible', timeout: 60_000 });
    await waitFor(
      'the query in the panel editor',
      async () => (await view().locator('.cm-content').innerText()).trim() === good,
      30_000,
    );
    // It ran: a row per job (a rate needs two scrapes, so run again until there is one).
    await waitFor(
      'a result row',
      async () => {
        if ((await view().locator('#result table tbody tr').count()) > 0) return true;
        await view().locator('#run').click();
        return false;
      },
      60_000,
    );
    await view().locator('#explain').click();
    await view().locator('#explain-tree .explain-count').first().waitFor({ state: 'visible' });
    const words = await view().locator('#explain-tree .explain-words').allTextContents();
    assert.deepEqual(words, [
      'sum by (job) of …',
      'the per-second rate of …',
      'the last 1m of …',
      'the series prometheus_http_requests_total',
    ]);
    const counts = await view().locator('#explain-tree .explain-count').allTextContents();
    assert.equal(counts.length, 4);
    for (const c of counts) assert.match(c, /^[1-9]\d* series$/);
    await screenshot(page, 'promql-run-explain');
  });
});
