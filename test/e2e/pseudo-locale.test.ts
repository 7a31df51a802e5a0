// The packaged extension under a pseudo-locale (qps-ploc), in code-server driven by Chromium: every
// string of package.nls.json and l10n/bundle.l10n.json is replaced by an accented, bracketed copy
// (scripts/l10n.ts, written at test time into the installed extension), a language pack of that id
// with no translations of its own makes it a display language the workbench accepts, and argv.json
// chooses it as "Configure Display Language" does. The palette's Observability Lab commands, the
// walkthrough (its steps and its pages, <step>.nls.qps-ploc.md), a notification with its button, a panel's title and fixed texts, and a finding the
// lint process made in the Problems panel must then show only bracketed text: English left there is
// a string that escaped translation.
// Screens: test-results/pseudo-locale-*.png.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { codeServerCli, packageExtension, startCodeServer, type RunningCodeServer } from '../harness/codeserver';
import { repoRoot, run, waitFor } from '../harness/lib';
import { pseudo, pseudoLocaleId, writePseudoLocale } from '../../scripts/l10n';
import { manifestStrings } from '../support/manifest';
import { untranslated as outsideTranslations } from '../support/pseudoLocale';
import {
  afterFirstStartWalkthrough,
  clearToasts,
  runCommand,
  closeQuickInput,
  openWorkbench,
  quickInputBox,
  quickRows,
  resultsDir,
  screenshot,
  toasts,
  until,
} from '../support/workbench';

/** What is left of `text` outside the pseudo-translated ⟦…⟧ runs: English words there escaped translation. */
function untranslated(text: string): string[] {
  return (outsideTranslations(text).match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !allowed.has(w));
}
/** Words that are names, not sentences: the collector config's file name in the panel title. */
const allowed = new Set(['collector', 'yaml']);

const languagePackId = 'obslab-test.vscode-language-pack-qps-ploc';

/** A language pack for the pseudo-locale, as the Marketplace's packs are made, with no translations of the workbench's own. */
async function pseudoLanguagePack(dir: string): Promise<string> {
  const stage = join(dir, 'language-pack');
  mkdirSync(join(stage, 'translations'), { recursive: true });
  writeFileSync(
    join(stage, 'package.json'),
    JSON.stringify({
      name: 'vscode-language-pack-qps-ploc',
      displayName: 'Pseudo Language Pack (tests)',
      description: 'The pseudo-locale the translation test runs under.',
      publisher: 'obslab-test',
      version: '1.0.0',
      license: 'MIT',
      engines: { vscode: '*' },
      categories: ['Language Packs'],
      contributes: {
        localizations: [
          {
            languageId: pseudoLocaleId,
            languageName: 'Pseudo',
            localizedLanguageName: 'Pseudo',
            translations: [{ id: 'vscode', path: './translations/main.i18n.json' }],
          },
        ],
      },
    }),
  );
  writeFileSync(join(stage, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  writeFileSync(join(stage, 'README.md'), '# Pseudo language pack\n\nFor the pseudo-locale test only.\n');
  const vsix = join(dir, 'qps-ploc.vsix');
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  await run(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix],
    { cwd: stage, timeoutMs: 120_000 },
  );
  return vsix;
}

describe('the extension under a pseudo-locale (code-server + Chromium)', function () {
  this.timeout(10 * 60_000);
  this.slow(60_000);

  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let scratch: string;
  const nls = manifestStrings();
  const category = pseudo(nls['category'] ?? '');
  const view = (): FrameLocator => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

  before(async function () {
    this.timeout(30 * 60_000);
    mkdirSync(resultsDir, { recursive: true });
    const vsix = await packageExtension();
    scratch = mkdtempSync(join(tmpdir(), 'obslab-e2e-pseudo-'));
    const dirs = { userDataDir: join(scratch, 'user-data'), extensionsDir: join(scratch, 'extensions') };
    const workspace = join(scratch, 'workspace');
    mkdirSync(workspace, { recursive: true });
    mkdirSync(dirs.extensionsDir, { recursive: true });
    writeFileSync(
      join(workspace, 'collector.yaml'),
      // batch is defined and in no pipeline: a finding for the Problems panel.
      'receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\nprocessors:\n  batch: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    metrics:\n      receivers: [otlp]\n      exporters: [debug]\n',
    );
    for (const file of [vsix, await pseudoLanguagePack(scratch)]) {
      const out = await codeServerCli(['--install-extension', file, '--force'], dirs);
      assert.match(out, /successfully installed/i, out);
    }
    // The translations a translator would add beside the English ones, in the installed extension.
    const installed = readdirSync(dirs.extensionsDir).find((n) => n.startsWith('obslab.observability-lab-'));
    assert.ok(installed, `the extension is installed in ${dirs.extensionsDir}`);
    writePseudoLocale(join(dirs.extensionsDir, installed));
    // The installed language packs, as the workbench's own install records them (code-server's
    // --install-extension leaves that to the running server): the server resolves the display
    // language through this file, and without an entry for it falls back to English.
    mkdirSync(dirs.userDataDir, { recursive: true });
    const pack = readdirSync(dirs.extensionsDir).find((n) => n.startsWith(`${languagePackId}-`));
    assert.ok(pack, 'the language pack is installed');
    writeFileSync(
      join(dirs.userDataDir, 'languagepacks.json'),
      JSON.stringify({
        [pseudoLocaleId]: {
          hash: createHash('md5').update(languagePackId).update('1.0.0').digest('hex'),
          extensions: [{ extensionIdentifier: { id: languagePackId }, version: '1.0.0' }],
          translations: { vscode: join(dirs.extensionsDir, pack, 'translations', 'main.i18n.json') },
          label: 'Pseudo',
        },
      }),
    );
    // The display language, where "Configure Display Language" keeps it.
    mkdirSync(join(dirs.userDataDir, 'User'), { recursive: true });
    writeFileSync(join(dirs.userDataDir, 'User', 'argv.json'), JSON.stringify({ locale: pseudoLocaleId }));
    server = await startCodeServer({
      name: 'codeserver-e2e',
      workspace,
      ...dirs,
      settings: { 'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden' },
    });
    ({ browser, page } = await openWorkbench(server.url));
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      const name = (this.currentTest.title.replace(/[^\w]+/g, '-').slice(0, 60) || 'failure').toLowerCase();
      await page.screenshot({ path: join(resultsDir, `failed-pseudo-${name}.png`) }).catch(() => undefined);
    }
  });

  /** F1, then `text` inserted as typed; the palette's rows once they settle, as their labels. */
  async function palette(text: string): Promise<string[]> {
    await closeQuickInput(page);
    await page.keyboard.press('F1');
    await quickInputBox(page).waitFor({ state: 'visible' });
    await page.keyboard.insertText(text);
    await new Promise((r) => setTimeout(r, 1_000));
    return rowLabels();
  }

  /**
   * Each row's own label. Beneath a translated command title VS Code shows its English original
   * (the alias that lets one search in English): that line is the workbench's, not untranslated text.
   */
  function rowLabels(): Promise<string[]> {
    return quickRows(page).evaluateAll((els) =>
      els.map((e) => (e.querySelector('.label-name')?.textContent ?? '').trim()),
    );
  }

  /** Runs a command from the palette by its pseudo-translated title. */
  async function runPseudo(titleKey: string): Promise<void> {
    const label = `${category}: ${pseudo(nls[titleKey] ?? titleKey)}`;
    await waitFor(`"${label}" first in the palette`, async () => (await palette(label))[0] === label, 60_000);
    await page.keyboard.press('Enter');
  }

  it('opens the walkthrough on first start with its title and every step pseudo-translated', async () => {
    await afterFirstStartWalkthrough(page);
    const steps = await page
      .locator('.getting-started-step .step-title')
      .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
    assert.ok(steps.length >= 7, JSON.stringify(steps));
    for (const s of steps) assert.deepEqual(untranslated(s), [], `walkthrough step "${s}"`);
    // The open step's page is its <step>.nls.qps-ploc.md: headings, paragraphs and lists translated,
    // code as it is (a translator leaves commands alone).
    const heading = pseudo('Prerequisites and lab files');
    let prose: string[] = [];
    await waitFor(
      `the first step's page, "${heading}"`,
      async () => {
        for (const frame of page.frames()) {
          if (frame === page.mainFrame()) continue;
          const found = await frame
            .locator('h1')
            .filter({ hasText: heading })
            .count()
            .catch(() => 0);
          if (!found) continue;
          prose = await frame.locator('h1, h2, h3, p, li').evaluateAll((els) =>
            els.map((e) => {
              const copy = e.cloneNode(true) as HTMLElement;
              for (const code of Array.from(copy.querySelectorAll('code, pre'))) code.remove();
              return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
            }),
          );
          return true;
        }
        return false;
      },
      60_000,
    );
    assert.ok(prose.length > 3, JSON.stringify(prose));
    for (const p of prose.filter(Boolean)) assert.deepEqual(untranslated(p), [], `walkthrough page "${p}"`);
    await screenshot(page, 'pseudo-locale-walkthrough');
  });

  it('lists every Observability Lab command in the palette under its pseudo-translated category and title', async () => {
    const commands = (
      JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
        contributes: { commands: { command: string; title: string }[] };
      }
    ).contributes.commands;
    for (const c of commands) {
      const key = /^%(.+)%$/.exec(c.title)?.[1] ?? '';
      const label = `${category}: ${pseudo(nls[key] ?? '')}`;
      await waitFor(`${c.command} as "${label}"`, async () => (await palette(label)).includes(label), 30_000);
    }
    // The category typed as a student types it finds only translated rows of ours.
    const rows = await palette(category);
    assert.ok(rows.length >= 5, JSON.stringify(rows));
    for (const r of rows) assert.deepEqual(untranslated(r), [], `palette row "${r}"`);
    await screenshot(page, 'pseudo-locale-palette');
    await closeQuickInput(page);
  });

  it('asks and notifies in the pseudo-locale: Open Task Files without a lab folder', async () => {
    await clearToasts(page);
    const shown = toasts(page).filter({ hasText: '⟦' }).first();
    let rows: string[] = [];
    // The step pick closes when anything takes the focus (a workbench still settling): ask again then.
    await until(
      'Open Task Files: a step picked, then its warning',
      async () => {
        await runPseudo('command.openTaskFiles.title');
        // The step pick's title, as the bundle has it: the pick is up (the palette has no title).
        const title = page
          .locator('.quick-input-widget .quick-input-title')
          .filter({ hasText: pseudo('Open the files of which step?') });
        if (
          !(await title.waitFor({ state: 'visible', timeout: 10_000 }).then(
            () => true,
            () => false,
          ))
        )
          return;
        rows = await rowLabels();
        await page.keyboard.press('Enter');
      },
      () => shown.isVisible(),
      120_000,
    );
    assert.equal(rows.length, 7, JSON.stringify(rows));
    for (const r of rows) assert.deepEqual(untranslated(r), [], `step "${r}"`);
    const message = (await shown.locator('.notification-list-item-message').textContent()) ?? '';
    assert.deepEqual(untranslated(message), [], message);
    const buttons = await shown
      .locator('.monaco-button')
      .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()).filter(Boolean));
    assert.ok(buttons.length > 0);
    for (const b of buttons) assert.deepEqual(untranslated(b), [], `button "${b}"`);
    await screenshot(page, 'pseudo-locale-notification');
    await clearToasts(page);
  });

  it("shows a panel's title and fixed texts pseudo-translated: Show Collector Pipelines", async () => {
    await closeQuickInput(page);
    await page.keyboard.press('F1');
    await quickInputBox(page).waitFor({ state: 'visible' });
    // Quick Open with the file's name (the workbench's own words stay English: the pack has none).
    await quickInputBox(page).fill('collector.yaml');
    await waitFor(
      'collector.yaml in Quick Open',
      async () =>
        (
          (await quickRows(page)
            .first()
            .getAttribute('aria-label')
            .catch(() => null)) ?? ''
        ).startsWith('collector.yaml'),
      30_000,
    );
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active').filter({ hasText: 'collector.yaml' }).waitFor();
    await runPseudo('command.showPipeline.title');
    await view().locator('svg#graph').waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await view().locator('html').getAttribute('lang'), pseudoLocaleId);
    const tab = (await page.locator('.tabs-container .tab.active').textContent()) ?? '';
    assert.match(tab, /⟦/);
    assert.deepEqual(untranslated(tab), [], `tab "${tab}"`);
    // The fixed texts the host hands the page, in its HTML.
    const strings = JSON.parse((await view().locator('#obslab-strings').textContent()) ?? '{}') as Record<
      string,
      string
    >;
    assert.ok(Object.keys(strings).length > 5);
    for (const [k, v] of Object.entries(strings)) assert.deepEqual(untranslated(v), [], `${k}: "${v}"`);
    // And the page shows them: the summary line and the legend.
    for (const shown of [
      (await view().locator('header p.hint').textContent()) ?? '',
      ...(await view()
        .locator('.legend [role=listitem]')
        .evaluateAll((els) => els.map((e) => e.textContent ?? ''))),
    ]) {
      assert.match(shown, /⟦/, shown);
      assert.deepEqual(untranslated(shown), [], `page text "${shown}"`);
    }
    await screenshot(page, 'pseudo-locale-pipelines');
  });

  it('shows a finding in the Problems panel in the pseudo-locale: the lint process speaks the bundle the editor gave it', async () => {
    // The workbench's own words stay English (the pack has none): the command is found by them.
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const row = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'collector/unused-component' });
    await row.first().waitFor({ state: 'visible', timeout: 60_000 });
    const text = ((await row.first().innerText()) ?? '').replace(/\s+/g, ' ');
    // The row: the message, then the source and code, then where; only the message is ours to translate.
    const message = text
      .replace(/obslab\(?\s*collector\/unused-component\)?/g, ' ')
      .replace(/\[Ln \d+, Col \d+\]/g, ' ');
    // The component's name is a value: it stays as written, inside the translated sentence.
    assert.match(message, /⟦.*'batch'.*⟧/, text);
    assert.deepEqual(untranslated(message), [], `Problems row "${text}"`);
    await screenshot(page, 'pseudo-locale-problems');
    await runCommand(page, 'View: Hide Panel').catch(() => undefined);
  });
});
