// The panels in the workbench's dark and high-contrast themes (code-server + Chromium, the packaged
// extension): with the sandbox running and real POST /hash traffic, the query panel (a lab query
// over a range, so its chart) and the doctor's report are drawn under Dark Modern, Dark High
// Contrast and Light High Contrast (then Light Modern), each chosen with Preferences: Color Theme
// as a student chooses it. Each panel is checked with axe-core inside the real webview
// (its real CSP) and photographed: test-results/{query,doctor}-{dark,hc,hc-light,light}.png.
// The --vscode-* variables VS Code gave each webview go to test-results/theme-variables-<theme>.json
// (where test/fixtures/webviewThemes.json, which the page tests use, was read from).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Frame, FrameLocator, Page } from 'playwright-core';
import { sandboxDown, sandboxStatus } from '../../src/node/sandbox/sandbox';
import { packageExtension, startCodeServer, type RunningCodeServer } from '../harness/codeserver';
import { waitFor } from '../harness/lib';
import { axeViolations, describeViolations } from '../support/axe';
import {
  afterFirstStartWalkthrough,
  answerSandboxQuestion,
  clearToasts,
  closeQuickInput,
  openWorkbench,
  pick,
  quickInput,
  quickInputBox,
  quickRows,
  resultsDir,
  runCommand,
  screenshot,
  toast,
  createLabFiles,
} from '../support/workbench';

// Each theme's settings id (workbench.colorTheme) and its label in Preferences: Color Theme, as
// code-server 4.139.1's theme-defaults extension names them (its package.json and package.nls.json,
// 2026-12-05); its default themes are now Dark 2026 and Light 2026, Modern is what the lab's screens show.
const themes = [
  { name: 'dark', theme: 'Dark Modern', label: 'Dark Modern', workbench: 'vs-dark', body: 'vscode-dark' },
  {
    name: 'hc',
    theme: 'Default High Contrast',
    label: 'Dark High Contrast',
    workbench: 'hc-black',
    body: 'vscode-high-contrast',
  },
  {
    name: 'hc-light',
    theme: 'Default High Contrast Light',
    label: 'Light High Contrast',
    workbench: 'hc-light',
    body: 'vscode-high-contrast-light',
  },
  // Last, back to light, for its variables (the light screenshots come from the other tests too).
  { name: 'light', theme: 'Light Modern', label: 'Light Modern', workbench: 'vs', body: 'vscode-light' },
] as const;

describe('the panels in the dark and high-contrast themes', function () {
  this.timeout(20 * 60_000);
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
    workspace = mkdtempSync(join(tmpdir(), 'obslab-e2e-themes-'));
    server = await startCodeServer({
      name: 'codeserver-e2e-themes',
      workspace,
      vsix,
      settings: {
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'workbench.startupEditor': 'none',
        'workbench.colorTheme': themes[0].theme,
      },
    });
    ({ browser, page } = await openWorkbench(server.url, { width: 1400, height: 900 }));
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
      await page.screenshot({ path: join(resultsDir, 'failed-themes.png') }).catch(() => undefined);
  });

  const view = (): FrameLocator => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

  /** The page's own frame (inside VS Code's webview host frame), for axe and the variables. */
  async function pageFrame(): Promise<Frame> {
    const inner = await page.frameLocator('iframe.webview.ready').locator('#active-frame').elementHandle();
    const frame = await inner?.contentFrame();
    assert.ok(frame, "the webview's page frame");
    return frame;
  }

  /** Preferences: Color Theme, the theme's row, as a student switches theme (it writes workbench.colorTheme). */
  async function useTheme(t: (typeof themes)[number]): Promise<void> {
    if (!(await page.locator(`.monaco-workbench.${t.workbench}`).count())) {
      // Not runCommand: the palette's first row for this title is Browse Color Themes in Marketplace.
      await closeQuickInput(page);
      await page.keyboard.press('F1');
      await quickInputBox(page).waitFor({ state: 'visible' });
      await page.keyboard.type('Preferences: Color Theme');
      await quickRows(page)
        .filter({ hasText: /^Preferences: Color Theme(?!s)/ })
        .first()
        .click();
      await page.locator('.quick-input-widget input[placeholder^="Select Color Theme"]').waitFor();
      await page.keyboard.type(t.label);
      await quickRows(page)
        .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${t.label}$`) }) })
        .first()
        .click();
    }
    await page.locator(`.monaco-workbench.${t.workbench}`).waitFor({ state: 'attached', timeout: 60_000 });
  }

  /** axe's serious and critical findings per panel and theme, asserted once every panel is photographed. */
  const findings: string[] = [];

  async function checkAndShoot(panel: string, t: (typeof themes)[number]): Promise<void> {
    await view().locator(`body.${t.body}`).waitFor({ state: 'attached' });
    const frame = await pageFrame();
    const variables = await frame.evaluate(() => {
      const style = document.documentElement.style;
      const out: Record<string, string> = {};
      for (let i = 0; i < style.length; i++) {
        const name = style.item(i);
        if (name.startsWith('--vscode-')) out[name] = style.getPropertyValue(name).trim();
      }
      out['body class'] = document.body.className;
      return out;
    });
    writeFileSync(join(resultsDir, `theme-variables-${t.name}.json`), `${JSON.stringify(variables, null, 2)}\n`);
    await screenshot(page, `${panel}-${t.name}`);
    const violations = await axeViolations(frame);
    if (violations.length) {
      findings.push(`the ${panel} panel in ${t.theme}:\n${describeViolations(violations)}`);
      process.stderr.write(`      axe, ${panel} in ${t.theme}:\n${describeViolations(violations)}\n`);
    }
  }

  it('draws the query panel and the doctor legibly in Dark Modern, Dark High Contrast and Light High Contrast, with no serious axe finding', async () => {
    await afterFirstStartWalkthrough(page);
    await createLabFiles(page);

    await runCommand(page, 'Observability Lab: Start Sandbox');
    await answerSandboxQuestion(page, 240_000);
    await toast(page, /the sandbox (is up|was already running)/).waitFor({ state: 'visible', timeout: 240_000 });
    startedSandbox = true;
    await clearToasts(page);
    const parts = await sandboxStatus();
    const appUrl = parts.find((p) => p.name === 'app')?.url;
    const promUrl = parts.find((p) => p.name === 'prometheus')?.url;
    assert.ok(appUrl && promUrl, `the sandbox reports the app and Prometheus: ${JSON.stringify(parts)}`);
    let sent = 0;
    const post = async (): Promise<void> => {
      const res = await fetch(`${appUrl}/hash`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `data=themes-${sent++}`,
      });
      await res.text();
    };
    traffic = setInterval(() => void post().catch(() => undefined), 250);
    await waitFor(
      "the app's request rate in Prometheus",
      async () => {
        const q = 'sum(rate(http_server_request_duration_seconds_count{http_route="/hash"}[30s])) > 0';
        const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`).catch(() => undefined);
        const body = res ? ((await res.json()) as { data?: { result?: unknown[] } }) : undefined;
        return (body?.data?.result?.length ?? 0) > 0;
      },
      180_000,
    );

    for (const t of themes) {
      await useTheme(t);

      await runCommand(page, 'View: Close All Editors');
      await runCommand(page, 'Observability Lab: Query Prometheus');
      await view().locator('.prom-url').filter({ hasText: promUrl }).waitFor({ state: 'visible', timeout: 60_000 });
      await view().locator('#mode').selectOption('range');
      const labQuery = view().locator('#lab-queries li').filter({ hasText: 'request rate during the load test' });
      await labQuery.locator('button.run-lab-query').click();
      await view().locator('#chart svg, #chart canvas').first().waitFor({ state: 'visible', timeout: 60_000 });
      await view().locator('#result table tbody tr').first().waitFor({ state: 'visible' });
      await checkAndShoot('query', t);

      await runCommand(page, 'View: Close All Editors');
      await runCommand(page, 'Observability Lab: Run Doctor');
      const where = quickInput(page).filter({ hasText: 'where should it look' });
      if (
        await where.waitFor({ state: 'visible', timeout: 5_000 }).then(
          () => true,
          () => false,
        )
      )
        await pick(page, 'where should it look', /^Sandbox/);
      await view().locator('#verdict').waitFor({ state: 'visible', timeout: 90_000 });
      await checkAndShoot('doctor', t);
    }
    assert.deepEqual(findings, [], `axe found serious or critical problems:\n${findings.join('\n')}`);
  });
});
