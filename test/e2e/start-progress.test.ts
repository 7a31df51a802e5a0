// npm start opens the workbench before the control plane and the sandbox's programs are built; its
// "Lab setup" status-bar item says what is still being built, how long it took last time, and
// when it has ended. The development extension (test/harness/start-progress/) runs here in real
// code-server beside the packaged extension, reading a progress file as test/harness/prepare.ts
// writes it. Screens are saved as test-results/start-progress-*.png.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { packageExtension, startCodeServer, type RunningCodeServer } from '../harness/codeserver';
import type { PrepareProgress } from '../harness/prepare';
import { startProgressVsix } from '../harness/startProgress';
import { resultsDir, runCommand, screenshot, openWorkbench } from '../support/workbench';

describe("npm start's background build in the workbench (code-server + Chromium)", function () {
  this.timeout(5 * 60_000);
  this.slow(30_000);

  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let dir: string;
  let progressFile: string;
  let logFile: string;

  /** As prepare writes it: whole, under another name, then renamed. */
  const writeProgress = (p: PrepareProgress): void => {
    writeFileSync(`${progressFile}.tmp`, JSON.stringify(p));
    renameSync(`${progressFile}.tmp`, progressFile);
  };
  const item = (): ReturnType<Page['locator']> =>
    page
      .locator('.statusbar-item')
      .filter({ hasText: /Lab setup/ })
      .first();

  before(async function () {
    this.timeout(20 * 60_000);
    mkdirSync(resultsDir, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'obslab-e2e-start-'));
    progressFile = join(dir, 'start-progress.json');
    logFile = join(dir, 'prepare.log');
    writeFileSync(logFile, 'Build Prometheus 3.14.0 for the sandbox: done in 2 s\nBuild the local control plane…\n');
    writeProgress({
      startedAt: new Date().toISOString(),
      steps: [
        { id: 'prometheus', label: 'Build Prometheus 3.14.0 for the sandbox', state: 'done', ms: 2000 },
        {
          id: 'kube',
          label: 'Build and start the local Kubernetes control plane',
          state: 'running',
          lastMs: 14 * 60_000,
        },
        { id: 'helm', label: 'Build helm for the Helm steps', state: 'waiting', lastMs: 3 * 60_000 },
      ],
    });
    server = await startCodeServer({
      workspace: join(dir, 'workspace'),
      vsix: await packageExtension(),
      extraVsix: [await startProgressVsix()],
      env: { OBSLAB_START_PROGRESS: progressFile, OBSLAB_START_LOG: logFile },
    });
    ({ browser, page } = await openWorkbench(server.url));
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('names the step being built, its place and how long it took last time', async () => {
    await item().waitFor({ state: 'visible', timeout: 90_000 });
    const text = (await item().innerText()).replace(/\s+/g, ' ').trim();
    assert.match(text, /Lab setup 2\/3: Build and start the local Kubernetes control plane, 14 min last time/);
    await screenshot(page, 'start-progress-building');
  });

  it("shows the build's log in an output channel of its own when clicked", async () => {
    await item().click();
    await page
      .locator('.part.panel .monaco-editor .view-lines')
      .filter({ hasText: 'Build the local control plane' })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'start-progress-log');
    await runCommand(page, 'View: Close Panel').catch(() => undefined);
  });

  it('says ready when every step has ended, and names failed steps otherwise', async () => {
    writeProgress({
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      steps: [
        { id: 'prometheus', label: 'Build Prometheus 3.14.0 for the sandbox', state: 'done', ms: 2000 },
        {
          id: 'kube',
          label: 'Build and start the local Kubernetes control plane',
          state: 'failed',
          why: 'etcd did not start',
        },
        { id: 'helm', label: 'Build helm for the Helm steps', state: 'done', ms: 1000 },
      ],
    });
    await page
      .locator('.statusbar-item')
      .filter({ hasText: 'Lab setup: 1 step failed' })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'start-progress-failed');
  });
});
