// A student's editor opened while their cluster and the sandbox's programs are still being made:
// KUBECONFIG names a kubeconfig that is not there yet, and obslab.sandbox.collectorPath a collector
// that is not there yet. In real code-server, a cluster command (Clean Up) and Start Sandbox each
// offer Wait for It; the test presses it, then puts the real file in place (the harness control
// plane's kubeconfig, the harness collector) and sees the command go on by itself.
// Screens are saved as test-results/wait-for-it-*.png.
import { strict as assert } from 'node:assert';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { readSandboxState, sandboxDown, sandboxStatus } from '../../src/node/sandbox/sandbox';
import { packageExtension, startCodeServer, type RunningCodeServer } from '../harness/codeserver';
import type { RunningKube } from '../harness/kube';
import { waitFor } from '../harness/lib';
import { harnessSandboxPrograms } from '../harness/sandbox';
import { sharedKube } from '../support/kube';
import { clearToasts, dialog, openWorkbench, resultsDir, runCommand, screenshot, toast } from '../support/workbench';

describe('Wait for It: a kubeconfig and a sandbox program that are still being made (code-server + Chromium)', function () {
  this.timeout(5 * 60_000);
  this.slow(30_000);

  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let scratch: string;
  let kube: RunningKube;
  let collectorBinary: string;
  /** Where KUBECONFIG points: nothing there when the workbench opens. */
  let kubeconfig: string;
  /** Where obslab.sandbox.collectorPath points: nothing there when the workbench opens. */
  let collectorPath: string;
  let sandboxWasRunning = false;
  let startedSandbox = false;

  before(async function () {
    this.timeout(30 * 60_000);
    mkdirSync(resultsDir, { recursive: true });
    const [vsix, k, programs] = await Promise.all([packageExtension(), sharedKube(), harnessSandboxPrograms()]);
    kube = k;
    collectorBinary = programs.collectorBinary;
    // The sandbox's state lives in the harness cache this workbench shares: a sandbox already running
    // would answer "already running" and skip the start this test watches.
    sandboxWasRunning = (await sandboxStatus()).some((p) => p.state !== 'stopped');
    scratch = mkdtempSync(join(tmpdir(), 'obslab-e2e-wait-'));
    kubeconfig = join(scratch, 'cluster', 'kubeconfig');
    collectorPath = join(scratch, 'build', 'otelcol-lab');
    assert.ok(!existsSync(kubeconfig) && !existsSync(collectorPath));
    server = await startCodeServer({
      name: 'codeserver-e2e-wait',
      workspace: join(scratch, 'workspace'),
      vsix,
      env: { KUBECONFIG: kubeconfig },
      settings: {
        'obslab.sandbox.collectorPath': collectorPath,
        'obslab.showWalkthroughOnFirstRun': false,
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
      },
    });
    ({ browser, page } = await openWorkbench(server.url));
    // Give the extension host a moment to activate the extension.
    await page.waitForTimeout(3_000);
  });

  after(async function () {
    this.timeout(120_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (startedSandbox) await sandboxDown().catch(() => undefined);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      const name = (this.currentTest.title.replace(/[^\w]+/g, '-').slice(0, 60) || 'failure').toLowerCase();
      await page.screenshot({ path: join(resultsDir, `failed-wait-${name}.png`) }).catch(() => undefined);
    }
  });

  it('a cluster command waits for the kubeconfig KUBECONFIG names, and goes on once it is there', async function () {
    this.timeout(6 * 60_000);
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Clean Up');
    const offer = toast(page, /No kubeconfig found/);
    await offer.waitFor({ state: 'visible', timeout: 120_000 });
    const text = await offer.innerText();
    assert.ok(text.includes(kubeconfig), `the message names ${kubeconfig}: ${text}`);
    assert.doesNotMatch(text, /npm|harness|\.cache/);
    await screenshot(page, 'wait-for-it-kubeconfig-offer');
    await offer
      .locator('.monaco-button')
      .filter({ hasText: /^Wait for It$/ })
      .click();

    const waiting = toast(page, /Waiting for the kubeconfig/);
    await waiting.waitFor({ state: 'visible', timeout: 30_000 });
    await waitFor(
      'the time waited in the notification',
      async () => /waited 0:0[2-9]/.test(await waiting.innerText().catch(() => '')),
      30_000,
    );
    assert.ok((await waiting.innerText()).includes(kubeconfig));
    await screenshot(page, 'wait-for-it-kubeconfig-waiting');

    // The cluster is ready: its kubeconfig is written where KUBECONFIG said it would be.
    mkdirSync(join(scratch, 'cluster'));
    copyFileSync(kube.kubeconfig, kubeconfig);
    const nothing = toast(page, /nothing to clean up in obslab/);
    const plan = dialog(page).filter({ hasText: /Delete \d+ item\(s\) the lab created in obslab\?/ });
    await nothing.or(plan).first().waitFor({ state: 'visible', timeout: 60_000 });
    await waiting.waitFor({ state: 'hidden', timeout: 10_000 });
    await screenshot(page, 'wait-for-it-kubeconfig-went-on');
    // Another file's lab objects in the shared control plane are not this test's to delete.
    if (await plan.isVisible()) await page.keyboard.press('Escape');
  });

  it('Start Sandbox waits for the collector the setting names, and starts once it is a program', async function () {
    this.timeout(8 * 60_000);
    if (sandboxWasRunning) this.skip();
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Start Sandbox');
    // A path from the settings runs only once confirmed; the confirmation comes first.
    const confirm = dialog(page).filter({ hasText: `Run ${collectorPath}?` });
    await confirm.waitFor({ state: 'visible', timeout: 120_000 });
    await confirm
      .locator('.monaco-button')
      .filter({ hasText: /^Run It$/ })
      .click();

    const offer = toast(page, /The sandbox cannot start yet/);
    await offer.waitFor({ state: 'visible', timeout: 60_000 });
    const text = await offer.innerText();
    assert.ok(text.includes(`${collectorPath} (obslab.sandbox.collectorPath)`), text);
    assert.match(text, /may still be being installed or built/);
    for (const button of ['Wait for It', 'Open Settings', 'Find or Download Instead'])
      assert.ok(await offer.locator('.monaco-button').filter({ hasText: button }).isVisible(), button);
    assert.doesNotMatch(text, /npm|harness|\.cache/);
    await screenshot(page, 'wait-for-it-collector-offer');
    await offer
      .locator('.monaco-button')
      .filter({ hasText: /^Wait for It$/ })
      .click();

    const waiting = toast(page, /Waiting for the collector at/);
    await waiting.waitFor({ state: 'visible', timeout: 30_000 });
    await waitFor(
      'the time waited in the notification',
      async () => /waited 0:0[2-9]; collector: not there yet/.test(await waiting.innerText().catch(() => '')),
      30_000,
    );

    // The build writes the program, and makes it executable only at the end.
    mkdirSync(join(scratch, 'build'));
    copyFileSync(collectorBinary, collectorPath);
    chmodSync(collectorPath, 0o644);
    await waitFor(
      'the notification to see the program without its x bit',
      async () => /collector: there, not executable yet/.test(await waiting.innerText().catch(() => '')),
      30_000,
    );
    await screenshot(page, 'wait-for-it-collector-waiting');
    chmodSync(collectorPath, 0o755);

    const up = toast(page, /the sandbox (is up|was already running)|did not start/);
    await up.waitFor({ state: 'visible', timeout: 5 * 60_000 });
    startedSandbox = true;
    const upText = await up.innerText();
    assert.match(upText, /the sandbox is up; Prometheus at http:\/\/127\.0\.0\.1:\d+/, upText);
    await screenshot(page, 'wait-for-it-collector-went-on');
    assert.equal(readSandboxState()?.collector?.binary, collectorPath, 'it runs the collector it waited for');

    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Stop Sandbox');
    await toast(page, /sandbox: stopped/).waitFor({ state: 'visible', timeout: 60_000 });
    startedSandbox = false;
  });
});
