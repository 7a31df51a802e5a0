// The packaged extension in a folder nobody has trusted yet: code-server with workspace trust on
// (as VS Code ships it), driven through headless Chromium. In Restricted Mode the walkthrough,
// linting and Create Lab Files work; Start Sandbox and Apply Manifests refuse with a message that
// names them and offers Manage Workspace Trust; once the folder is trusted, Start Sandbox gets to
// its own question about running the folder's code. Screens are saved as test-results/restricted-*.png.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { packageExtension, startCodeServer, type RunningCodeServer } from '../harness/codeserver';
import { waitFor } from '../harness/lib';
import { readSandboxState } from '../../src/node/sandbox/sandbox';
import {
  clearToasts,
  closeQuickInput,
  dialog,
  pick,
  quickInputBox,
  quickRows,
  resultsDir,
  runCommand,
  screenshot as shot,
  stepMedia,
  toast,
  until,
  openWorkbench,
} from '../support/workbench';

const screenshot = (page: Page, name: string): Promise<void> => shot(page, `restricted-${name}`);

/** Opens the command palette with `title` typed; the rows it offers, as their labels. */
async function paletteRows(page: Page, title: string): Promise<string[]> {
  await closeQuickInput(page);
  await page.keyboard.press('F1');
  await quickInputBox(page).waitFor({ state: 'visible' });
  await page.keyboard.type(title);
  // The list settles a moment after the last key.
  await new Promise((r) => setTimeout(r, 1_000));
  const labels = await quickRows(page).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return labels;
}

/** Expands a walkthrough step and clicks one of its buttons, as a student does. */
async function clickStepButton(page: Page, step: string, button: string): Promise<void> {
  await runCommand(page, 'Observability Lab: Open Walkthrough');
  await page.locator('.getting-started-step.expanded').waitFor({ state: 'visible' });
  const item = page.locator('.getting-started-step').filter({ hasText: step }).first();
  await until(
    `expand the step "${step}"`,
    () => item.click(),
    async () => (await item.getAttribute('class'))?.includes('expanded') === true,
  );
  const link = page
    .locator('.getting-started-step.expanded .button-container a.monaco-button')
    .filter({ hasText: new RegExp(`^${button}$`) });
  await link.waitFor({ state: 'visible' });
  await link.click();
}

describe('the extension in a folder that is not trusted (Restricted Mode, code-server + Chromium)', function () {
  this.timeout(5 * 60_000);
  this.slow(30_000);

  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workspace: string;
  let lab: string;

  before(async function () {
    this.timeout(20 * 60_000);
    mkdirSync(resultsDir, { recursive: true });
    const vsix = await packageExtension();
    workspace = mkdtempSync(join(tmpdir(), 'obslab-e2e-untrusted-'));
    lab = join(workspace, 'lab');
    // A file of the folder's authors, for the linter: the telemetry form collector 0.155.0 refuses.
    mkdirSync(join(workspace, 'theirs'));
    writeFileSync(
      join(workspace, 'theirs', 'collector.yaml'),
      'receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\nexporters:\n  debug: {}\nservice:\n  telemetry:\n    metrics:\n      address: 0.0.0.0:8888\n  pipelines:\n    metrics:\n      receivers: [otlp]\n      exporters: [debug]\n',
    );
    server = await startCodeServer({
      // The name the workbench suite uses too: the harness refuses a second one while either runs.
      name: 'codeserver-e2e',
      workspace,
      vsix,
      settings: {
        // As VS Code ships: trust on, and a new folder opens in Restricted Mode (no prompt to click away).
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.untrustedFiles': 'open',
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
      },
    });
    ({ browser, page } = await openWorkbench(server.url));
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      const name = (this.currentTest.title.replace(/[^\w]+/g, '-').slice(0, 60) || 'failure').toLowerCase();
      await page.screenshot({ path: join(resultsDir, `failed-restricted-${name}.png`) }).catch(() => undefined);
    }
  });

  it('opens the folder in Restricted Mode, and the walkthrough still opens on first start with the trust notes on its steps', async () => {
    await page
      .locator('.statusbar-item')
      .filter({ hasText: 'Restricted Mode' })
      .first()
      .waitFor({ state: 'visible', timeout: 90_000 });
    await page.locator('.getting-started-step.expanded').waitFor({ state: 'visible', timeout: 90_000 });
    await stepMedia(page)
      .locator('h1')
      .filter({ hasText: 'Prerequisites and lab files' })
      .waitFor({ state: 'visible' });
    const task3 = page
      .locator('.getting-started-step')
      .filter({ hasText: 'Task 3: the app, the collector and ServiceMonitors' })
      .first();
    await until(
      'expand Task 3',
      () => task3.click(),
      async () => (await task3.getAttribute('class'))?.includes('expanded') === true,
    );
    assert.match(await task3.innerText(), /need a trusted folder \(Restricted Mode refuses them\)/);
    await screenshot(page, 'walkthrough');
  });

  it('lints a file of the folder as it is opened: the removed telemetry address is an error in the Problems panel', async () => {
    await runCommand(page, 'Go to File...');
    await quickInputBox(page).fill('theirs/collector.yaml');
    await quickRows(page).filter({ hasText: 'collector.yaml' }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await page
      .locator('.tabs-container .tab.active')
      .filter({ hasText: 'collector.yaml' })
      .waitFor({ state: 'visible' });
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'visible', timeout: 60_000 });
    await runCommand(page, 'Problems: Focus on Problems View');
    await page
      .locator('.markers-panel .monaco-list-row')
      .filter({ hasText: 'collector/telemetry-address-deprecated' })
      .first()
      .waitFor({ state: 'visible' });
    await screenshot(page, 'lint');
  });

  it('creates the lab files (Create Lab Files works in Restricted Mode)', async () => {
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Create Lab Files');
    await pick(page, 'where?', 'a lab folder in this workspace');
    await pick(page, 'names', 'Use these names');
    await toast(page, /wrote \d+ lab file/).waitFor({ state: 'visible' });
    assert.ok(existsSync(join(lab, 'obslab-lab.json')));
    assert.ok(existsSync(join(lab, 'app', 'app.py')));
    await clearToasts(page);
  });

  it('greys out the commands that need trust in the command palette', async () => {
    const rows = await paletteRows(page, 'Observability Lab: Start Sandbox');
    assert.ok(
      !rows.some((r) => r.includes('Observability Lab: Start Sandbox')),
      `Start Sandbox is not offered: ${rows.join(' | ')}`,
    );
    const allowed = await paletteRows(page, 'Observability Lab: Create Lab Files');
    assert.ok(
      allowed.some((r) => r.includes('Observability Lab: Create Lab Files')),
      'Create Lab Files is offered',
    );
    await closeQuickInput(page);
  });

  it("refuses Start Sandbox from the walkthrough's button, naming it, what it would run and how to trust the folder; nothing starts", async () => {
    await clearToasts(page);
    await clickStepButton(page, 'Task 3: the app, the collector and ServiceMonitors', 'Start Sandbox');
    const refused = toast(page, /Start Sandbox is not available in Restricted Mode/);
    await refused.waitFor({ state: 'visible' });
    const text = await refused.innerText();
    assert.match(
      text,
      /runs this folder's app\/app\.py, installs its app\/requirements\.txt with pip, and starts a collector/,
    );
    assert.match(text, /Trust this folder only if you trust its authors/);
    await refused.locator('.monaco-button').filter({ hasText: 'Manage Workspace Trust' }).waitFor({ state: 'visible' });
    await screenshot(page, 'start-sandbox-refused');
    assert.notEqual(readSandboxState()?.lab, lab, "no sandbox runs this folder's code");
    await clearToasts(page);
  });

  it("refuses Apply Manifests from the walkthrough's button with its message", async () => {
    await clickStepButton(page, 'Task 3: the app, the collector and ServiceMonitors', 'Apply Manifests');
    const refused = toast(page, /Apply Manifests is not available in Restricted Mode/);
    await refused.waitFor({ state: 'visible' });
    assert.match(await refused.innerText(), /applies this folder's manifests to your cluster/);
    await screenshot(page, 'apply-refused');
  });

  it('trusts the folder through Manage Workspace Trust, and Start Sandbox then gets to its own question about the files it would run', async () => {
    await clearToasts(page);
    await clickStepButton(page, 'Task 3: the app, the collector and ServiceMonitors', 'Start Sandbox');
    const refused = toast(page, /Start Sandbox is not available in Restricted Mode/);
    await refused.waitFor({ state: 'visible' });
    await refused.locator('.monaco-button').filter({ hasText: 'Manage Workspace Trust' }).click();
    // VS Code's Workspace Trust editor: its Trust button (the label differs for a folder and a workspace).
    const trust = page
      .locator(
        '.workspace-trust-editor .workspace-trust-buttons-row .monaco-button, .workspace-trust-editor .trust-actions .monaco-button',
      )
      .filter({ hasText: /^Trust( Folder)?$/ })
      .first();
    await trust.waitFor({ state: 'visible' });
    await screenshot(page, 'trust-editor');
    await trust.click();
    // Some versions confirm in a dialog.
    await waitFor(
      'the folder trusted',
      async () => {
        if (await dialog(page).isVisible())
          await dialog(page)
            .locator('.monaco-button')
            .filter({ hasText: /^(Trust|Yes)/ })
            .first()
            .click()
            .catch(() => undefined);
        return (await page.locator('.statusbar-item').filter({ hasText: 'Restricted Mode' }).count()) === 0;
      },
      30_000,
    );

    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Start Sandbox');
    await dialog(page).waitFor({ state: 'visible', timeout: 60_000 });
    const text = await dialog(page).innerText();
    assert.match(text, /Run the code in \S*lab on this machine\?/);
    assert.match(text, /app\/app\.py: runs with Python under OpenTelemetry/);
    assert.match(text, /app\/requirements\.txt: installed with pip/);
    assert.match(text, /k8s\/otel-collector-config\.yaml: the collector's config/);
    assert.match(text, /no AWS_\* or other credentials/);
    await screenshot(page, 'start-sandbox-question');
    await dialog(page)
      .locator('.monaco-button')
      .filter({ hasText: /^Cancel$/ })
      .click();
    await dialog(page).waitFor({ state: 'hidden' });
    assert.notEqual(readSandboxState()?.lab, lab, 'nothing started without a yes');
    assert.equal(readFileSync(join(lab, 'app', 'app.py'), 'utf8').length > 0, true);
  });
});
