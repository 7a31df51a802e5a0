// The hover on a metric name in a .promql file, in the packaged extension (code-server + Chromium):
// the name translator says which of the lab's instruments, through which path and
// translation_strategy, give the name under the mouse.
// Screen: test-results/promql-hover.png (README's media/promql-hover.png is copied from it).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { packageExtension, startCodeServer, type RunningCodeServer } from '../harness/codeserver';
import { waitFor } from '../harness/lib';
import { resultsDir, openFile, openWorkbench, until, afterFirstStartWalkthrough } from '../support/workbench';

const query =
  'histogram_quantile(0.95, sum by (le) (rate(http_server_duration_milliseconds_bucket{http_route="/hash"}[5m])))';

describe('The metric-name hover in .promql files, in the workbench', function () {
  this.timeout(10 * 60_000);
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workspace: string;

  before(async function () {
    this.timeout(30 * 60_000);
    mkdirSync(resultsDir, { recursive: true });
    const vsix = await packageExtension();
    workspace = mkdtempSync(join(tmpdir(), 'obslab-e2e-hover-'));
    writeFileSync(join(workspace, 'latency.promql'), `# p95 latency of POST /hash, old conventions\n${query}\n`);
    server = await startCodeServer({
      name: 'codeserver-e2e-hover',
      workspace,
      vsix,
      settings: {
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'workbench.startupEditor': 'none',
      },
    });
    ({ browser, page } = await openWorkbench(server.url, { width: 1400, height: 800 }));
  });

  after(async function () {
    this.timeout(120_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await page.screenshot({ path: join(resultsDir, 'failed-promql-hover.png') }).catch(() => undefined);
  });

  it('names the instrument and the paths that give the name under the mouse', async () => {
    await afterFirstStartWalkthrough(page);
    await openFile(page, 'latency.promql');
    const token = page
      .locator('.monaco-editor .view-line span span')
      .filter({ hasText: /http_server_duration_milliseconds_bucket/ })
      .first();
    await until(
      'the file in front, its query drawn',
      () =>
        page
          .locator('.tabs-container .tab')
          .filter({ hasText: 'latency.promql' })
          .first()
          .click()
          .catch(() => undefined),
      () => token.isVisible(),
      60_000,
    );
    const hover = page.locator('.monaco-hover').filter({ hasText: /comes from/ });
    // The promql bundle loads on the first PromQL document; hover until its provider answers.
    await waitFor(
      'the hover naming the instrument',
      async () => {
        // The walkthrough may open over the file after it: bring the file back first.
        await page.locator('.tabs-container .tab').filter({ hasText: 'latency.promql' }).click();
        await page.mouse.move(0, 0);
        await token.hover({ position: { x: 20, y: 5 } });
        return hover
          .first()
          .waitFor({ state: 'visible', timeout: 3_000 })
          .then(() => true)
          .catch(() => false);
      },
      90_000,
    );
    await hover
      .filter({ hasText: /http\.server\.duration.*histogram, unit ms/ })
      .first()
      .waitFor();
    await hover
      .filter({ hasText: /UnderscoreEscapingWithSuffixes/ })
      .first()
      .waitFor();
    await hover
      .filter({ hasText: /The lab's path .* gives this name/ })
      .first()
      .waitFor();
    // Not screenshot(): it moves the pointer away, and the hover with it.
    await page.screenshot({ path: join(resultsDir, 'promql-hover.png') });
  });
});
