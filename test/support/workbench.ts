// Driving code-server's workbench as a student does, for the end-to-end tests: the palette, quick
// picks, toasts, dialogs and screenshots into test-results/.
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../harness/chromium';
import { repoRoot, waitFor } from '../harness/lib';

export const resultsDir = join(repoRoot, 'test-results');

export const quickInput = (page: Page): Locator => page.locator('.quick-input-widget');
export const quickInputBox = (page: Page): Locator => page.locator('.quick-input-widget input');
export const quickRows = (page: Page): Locator =>
  page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
export const toasts = (page: Page): Locator => page.locator('.notifications-toasts .notification-toast');
/** A toast that has finished fading in, so a screenshot shows it whole. */
export const toast = (page: Page, text: RegExp): Locator =>
  page.locator('.notifications-toasts .notification-toast.notification-fade-in-done').filter({ hasText: text });
export const dialog = (page: Page): Locator => page.locator('.monaco-dialog-box');
/** The walkthrough step's markdown media, which VS Code renders in a webview. */
export const stepMedia = (page: Page): Locator =>
  page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').locator('body');

/** A screenshot into test-results/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  // The pointer rests on the empty middle of the status bar, where it raises no hover.
  await page.mouse.move(700, 893);
  await page.screenshot({ path: join(resultsDir, `${name}.png`) });
}

/**
 * Waits for a toast, and when none comes says what the workbench showed instead (every toast's
 * text) and, from `explain`, what the part behind it was doing: a slow or failed step then reads
 * in the test output, not only as a timeout.
 */
export async function expectToast(
  page: Page,
  text: RegExp,
  timeoutMs: number,
  explain?: () => Promise<string>,
): Promise<Locator> {
  const shown = toast(page, text);
  try {
    await shown.waitFor({ state: 'visible', timeout: timeoutMs });
    return shown;
  } catch (e) {
    const texts = await toasts(page)
      .allInnerTexts()
      .catch(() => []);
    const behind = explain ? await explain().catch((err: unknown) => `(could not explain: ${String(err)})`) : '';
    throw new Error(
      [
        `no toast matching ${String(text)} within ${timeoutMs} ms (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
        `toasts on screen: ${texts.length ? texts.map((x) => JSON.stringify(x.replace(/\s+/g, ' ').trim())).join('; ') : 'none'}`,
        behind,
      ]
        .filter(Boolean)
        .join('\n'),
    );
  }
}

/** Closes whatever quick input is open, so the next F1 starts from a clean palette. */
export async function closeQuickInput(page: Page): Promise<void> {
  if (await quickInput(page).isVisible()) {
    await page.keyboard.press('Escape');
    await quickInput(page).waitFor({ state: 'hidden' });
  }
}

/** Dismisses the toasts on screen, so a later assertion sees only what the next action shows. */
export async function clearToasts(page: Page): Promise<void> {
  for (const shown of await toasts(page).all()) {
    await shown.hover().catch(() => undefined);
    await shown
      .locator('.codicon-notifications-clear')
      .click({ timeout: 2_000 })
      .catch(() => undefined);
  }
  await toasts(page)
    .first()
    .waitFor({ state: 'hidden', timeout: 5_000 })
    .catch(() => undefined);
}

/**
 * F1, the command's full title, Enter: as a student runs a command. Enter runs the first row, so
 * it waits until the palette has filtered down to that command. A walkthrough that is still
 * settling can take the focus and so close the palette: then it opens it again, as a student would.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  const first = quickRows(page).first();
  await until(
    `find "${title}" in the command palette`,
    async () => {
      await closeQuickInput(page);
      await page.keyboard.press('F1');
      await quickInputBox(page).waitFor({ state: 'visible' });
      await page.keyboard.type(title);
    },
    async () =>
      (await quickInput(page).isVisible()) &&
      ((await first.getAttribute('aria-label').catch(() => null)) ?? '').includes(title),
  );
  await page.keyboard.press('Enter');
}

/**
 * Waits for the input box titled `title` (e.g. "(3/6)") and answers it: a value, or Enter for its
 * default. It clicks into the box first, as a student does when the cursor is not there: with the
 * walkthrough open, VS Code returns the focus to it when one box closes, its step button takes the
 * Enter key-up and keeps the focus, and the next box opens without it.
 */
export async function answerInput(page: Page, title: string, value?: string): Promise<void> {
  const titled = page.locator('.quick-input-widget .quick-input-title').filter({ hasText: title });
  await titled.waitFor();
  const box = quickInputBox(page);
  await until(
    `answer the input box ${title}`,
    async () => {
      await box.click();
      if (value !== undefined) await box.fill(value);
      await page.keyboard.press('Enter');
    },
    async () => !(await titled.isVisible()),
  );
}

/** Create Lab Files from the palette with the default names, into a lab folder of the workspace; the toasts are cleared after. */
export async function createLabFiles(page: Page): Promise<void> {
  await clearToasts(page);
  await runCommand(page, 'Observability Lab: Create Lab Files');
  await pick(page, 'where?', 'a lab folder in this workspace');
  await pick(page, 'names', 'Use these names');
  await toast(page, /wrote \d+ lab file/).waitFor({ state: 'visible' });
  await clearToasts(page);
}

/** Waits for a quick pick whose title contains `title`, then clicks the row with `row` in it. */
export async function pick(page: Page, title: string, row: string | RegExp): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title').filter({ hasText: title }).waitFor();
  await quickRows(page).filter({ hasText: row }).first().click();
}

/**
 * Opens a workspace file through Go to File, as a student does. Enter takes the first row, and until
 * the list is filtered that may be a recently opened file: so wait until the first row is this one
 * (its name, and its folder when the path has one), then for its tab.
 */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  const [name = relativePath, parent = ''] = relativePath.split('/').reverse();
  const firstRowIsIt = async (): Promise<boolean> => {
    const label =
      (await quickRows(page)
        .first()
        .getAttribute('aria-label')
        .catch(() => null)) ?? '';
    return label.startsWith(name) && label.includes(parent);
  };
  // Again from the start when the box closes under us (a walkthrough opening on a first start
  // takes the focus, and with it the quick input), or the list has not found the file yet.
  await until(
    `${relativePath} first in Go to File`,
    async () => {
      await runCommand(page, 'Go to File...');
      await quickInputBox(page)
        .fill(relativePath, { timeout: 5_000 })
        .catch(() => undefined);
      await waitFor('the file in the list', firstRowIsIt, 5_000).catch(() => undefined);
    },
    firstRowIsIt,
    60_000,
  );
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active').filter({ hasText: name }).waitFor({ state: 'visible' });
}

/**
 * Run Load Test's picks that come only sometimes, answered until its confirmation shows: the
 * engine (asked when JMeter is installed) and the load model (asked for the built-in engine). By
 * default the built-in engine and the closed model, as the plan says.
 */
export async function answerLoadTestPicks(
  page: Page,
  answers: readonly (readonly [title: string, row: string | RegExp])[] = [
    ['load model', /^Closed/],
    ['engine', 'Built-in engine'],
  ],
  timeoutMs = 60_000,
): Promise<void> {
  const title = page.locator('.quick-input-widget .quick-input-title');
  const answered = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  while (!(await dialog(page).isVisible())) {
    if (Date.now() > deadline) throw new Error(`Run Load Test's confirmation did not show in ${timeoutMs} ms`);
    const shown = (await title.isVisible()) ? await title.innerText().catch(() => '') : '';
    const next = answers.find(([asks]) => shown.includes(asks) && !answered.has(asks));
    if (next) {
      await pick(page, next[0], next[1]);
      answered.add(next[0]);
    } else await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `attempt` until `done` holds: for a click the workbench may undo while it is still settling. */
export async function until(
  what: string,
  attempt: () => Promise<void>,
  done: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let n = 1; ; n++) {
    await attempt();
    for (const end = Date.now() + 2_000; Date.now() < end;) {
      if (await done()) {
        // Visible in the test output, so a flaky workbench shows up before it fails a run.
        if (n > 1) process.stderr.write(`      (${what}: took ${n} attempts)\n`);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (Date.now() > deadline) throw new Error(`${what}: not done after ${timeoutMs} ms`);
  }
}

/**
 * Headless Chromium on the workbench at `url`, as every e2e file starts: a page of the given size,
 * 30 s for each step, and the workbench drawn (up to 90 s on a loaded machine).
 */
export async function openWorkbench(
  url: string,
  viewport = { width: 1400, height: 900 },
): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(30_000);
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  return { browser, page };
}

/**
 * Start Sandbox asks before it runs a lab folder's code (once per folder and content): say yes
 * when it asks, else go on (already answered, or no lab folder, or the sandbox already runs).
 */
export async function answerSandboxQuestion(page: Page, timeoutMs = 180_000): Promise<void> {
  const question = dialog(page).filter({ hasText: /Run the code in .* on this machine\?/ });
  await question
    .or(toast(page, /the sandbox (is up|was already running)|did not start/))
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs });
  if (await question.isVisible())
    await question
      .locator('.monaco-button')
      .filter({ hasText: /^Run Sandbox$/ })
      .click();
}

/**
 * A fresh profile: the walkthrough opens once the extension has started and takes the focus,
 * which closes a quick pick and covers an editor open then. Let it open first (or give up after
 * 90 s, where it does not open).
 */
export async function afterFirstStartWalkthrough(page: Page): Promise<void> {
  await page
    .locator('.getting-started-step.expanded')
    .waitFor({ state: 'visible', timeout: 90_000 })
    .catch(() => undefined);
}
