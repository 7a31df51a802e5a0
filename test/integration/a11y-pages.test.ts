// Every webview panel's page (query, load test, doctor, IRSA role, pipeline view), bundled as for
// the extension with its CSS, in real Chromium under a nonce-only CSP like webviewHtml's, fed what
// its host sends, in each of VS Code's four kinds of theme: the --vscode-* variables and body class
// Default Light Modern, Dark Modern, High Contrast and High Contrast Light give a webview, read from
// code-server 4.139.1's workbench by test/e2e/themes.test.ts (test/fixtures/webviewThemes.json).
// In each, axe-core (injected through evaluate: the page's nonce-only CSP refuses addScriptTag's
// inline script) finds no serious or critical problem (contrast included), and the keyboard and
// screen-reader parts hold: tabs by arrow keys, tables named with column headers, charts named by
// a summary written beside them, one polite live region that does not announce every tick.
// Screens: test-results/a11y-<page>-<theme>.png.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runDoctor } from '../../src/core/doctor/chain';
import type { DoctorReportMessage } from '../../src/core/protocol/doctor';
import { snapshot } from '../fixtures/doctorSnapshot';
import { irsaReport, loadtestMessages, pipelineGraph, rangeResult, targets } from '../fixtures/pageMessages';
import { launchBrowser } from '../harness/chromium';
import { repoRoot } from '../harness/lib';
import { axeViolations, describeViolations } from '../support/axe';
import { pageHtml, type PageTheme } from '../support/pages';

const resultsDir = join(repoRoot, 'test-results');

const themes = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'webviewThemes.json'), 'utf8')) as Record<
  string,
  PageTheme
>;
const themeNames = ['light', 'dark', 'hc', 'hc-light'].filter((t) => t in themes);

// ---- the checks -------------------------------------------------------------------------------

describe('every panel is usable by keyboard and screen reader, and legible in every theme', function () {
  this.timeout(300_000);
  let browser: Browser;
  const errors: string[] = [];

  before(async () => {
    mkdirSync(resultsDir, { recursive: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  async function open(name: string, theme: string): Promise<Page> {
    const t = themes[theme];
    assert.ok(t, theme);
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    errors.length = 0;
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.setContent(pageHtml(name, { theme: t }));
    return page;
  }
  const send = (page: Page, m: unknown): Promise<void> => page.evaluate((x) => window.postMessage(x, '*'), m);

  async function check(page: Page, name: string, theme: string, shot = true): Promise<void> {
    assert.deepEqual(errors, [], `no page errors in ${name}`);
    if (shot) await page.screenshot({ path: join(resultsDir, `a11y-${name}-${theme}.png`), fullPage: true });
    const found = await axeViolations(page);
    assert.deepEqual(found, [], `axe in the ${name} page, ${themes[theme]?.theme}:\n${describeViolations(found)}`);
  }

  it("has VS Code's four kinds of theme to draw the pages in", () => {
    assert.deepEqual(themeNames, ['light', 'dark', 'hc', 'hc-light']);
  });

  it("refuses a script injected past the page's CSP, so axe goes in through evaluate", async () => {
    const page = await open('doctor', 'light');
    const refused = await page.addScriptTag({ content: 'window.injected = true;' }).then(
      async () => !(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)),
      () => true,
    );
    assert.ok(refused, "addScriptTag's inline script ran under a nonce-only script-src");
    errors.length = 0; // the CSP's own report of the refusal
    assert.deepEqual(await axeViolations(page), []);
    await page.close();
  });

  it('gives every image of the walkthrough and the README a text alternative', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      contributes: {
        walkthroughs: { steps: { id: string; media: { image?: unknown; altText?: string; markdown?: string } }[] }[];
      };
    };
    const markdown = ['README.md'];
    for (const w of manifest.contributes.walkthroughs)
      for (const step of w.steps) {
        if (step.media.image !== undefined)
          assert.ok(step.media.altText?.trim(), `step ${step.id}'s image has altText`);
        if (step.media.markdown) markdown.push(step.media.markdown);
      }
    for (const file of markdown) {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      for (const m of text.matchAll(/!\[([^\]]*)\]\(([^)]+)\)/g))
        assert.ok((m[1] ?? '').trim().length > 10, `${file}: ${m[2]} has alt text that says what it shows`);
      // An <img> says what it shows, or alt="" when it only decorates (the icon beside the title).
      for (const m of text.matchAll(/<img\b[^>]*>/g)) assert.match(m[0], /\balt="([^"]{10,}|)"/, `${file}: ${m[0]}`);
    }
  });

  for (const theme of themeNames) {
    describe(`in ${theme}`, () => {
      it('the query page: a range result as a chart named by its summary and a table; the targets tab', async () => {
        const page = await open('query', theme);
        await send(page, {
          type: 'init',
          prometheusUrl: 'http://127.0.0.1:9090',
          queriesSource: 'defaults',
          queries: [
            {
              title: 'request rate during the load test',
              expr: 'sum(rate(http_server_request_duration_seconds_count[1m]))',
            },
          ],
        });
        await page.selectOption('#mode', 'range');
        await page.locator('.cm-content').click();
        await page.keyboard.insertText(rangeResult(0).expr);
        await page.keyboard.press('Escape');
        await page.click('#run');
        const run = (
          await page.evaluate(() => (window as unknown as { posted: { type: string; id: number }[] }).posted)
        ).find((m) => m.type === 'runQuery');
        assert.ok(run);
        await send(page, rangeResult(run.id));
        await page.waitForSelector('#chart [role="img"]');
        const label = (await page.getAttribute('#chart [role="img"]', 'aria-label')) ?? '';
        assert.match(
          label,
          /^Chart of 3 series over the last 15m: \{http_route="\/hash"\} from [\d.]+ to [\d.]+, last [\d.]+; /,
        );
        assert.equal(await page.textContent('#chart-summary'), label, 'the summary is also written beside the chart');
        assert.equal(await page.getAttribute('#result table', 'aria-label'), 'Query result');
        assert.deepEqual(await page.$$eval('#result th', (ths) => ths.map((t) => t.getAttribute('scope'))), [
          'col',
          'col',
          'col',
        ]);
        // The chart takes the theme's charts.blue for its first series (uPlot's legend marker shows it).
        const blue = themes[theme]?.variables['--vscode-charts-blue'];
        if (blue) {
          const marker = await page.$eval('.u-series:nth-child(2) .u-marker', (m) => getComputedStyle(m).borderColor);
          assert.equal(
            marker,
            await page.evaluate((c) => {
              const probe = document.createElement('span');
              probe.style.color = c;
              document.body.append(probe);
              const rgb = getComputedStyle(probe).color;
              probe.remove();
              return rgb;
            }, blue),
          );
        }
        assert.match((await page.textContent('#announcer')) ?? '', /^Query result: 3 series, last 15m/);
        await check(page, 'query', theme);

        // The tabs: arrow keys move between them and select; only the selected one is in the Tab order.
        await page.focus('#tab-query');
        await page.keyboard.press('ArrowRight');
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-targets');
        assert.equal(await page.getAttribute('#tab-targets', 'aria-selected'), 'true');
        assert.equal(await page.getAttribute('#tab-query', 'tabindex'), '-1');
        assert.equal(await page.getAttribute('#targets-view', 'role'), 'tabpanel');
        assert.equal(await page.isHidden('#query-view'), true);
        await send(page, targets);
        await page.waitForSelector('#targets table');
        await check(page, 'query-targets', theme, theme !== 'light');
        await page.keyboard.press('Home');
        assert.equal(await page.getAttribute('#tab-query', 'aria-selected'), 'true');
        await page.close();
      });

      it('the load-test page: the live figures and chart, announced at most every few seconds, then the summary', async () => {
        const page = await open('loadtest', theme);
        // Every change of the live region, counted while 20 seconds of progress arrive at once.
        await page.evaluate(() => {
          const w = window as unknown as { heard: string[] };
          w.heard = [];
          const region = document.getElementById('announcer');
          if (region)
            new MutationObserver(() => w.heard.push(region.textContent ?? '')).observe(region, {
              childList: true,
              characterData: true,
              subtree: true,
            });
        });
        for (const m of loadtestMessages().slice(0, -1)) await send(page, m);
        await page.waitForSelector('#chart canvas');
        const heard = await page.evaluate(() => (window as unknown as { heard: string[] }).heard);
        assert.deepEqual(heard, ['Load test of load-test.jmx starting.'], 'the start at once, the ticks not yet');
        assert.match(
          (await page.getAttribute('#chart [role="img"]', 'aria-label')) ?? '',
          /^Chart of req\/s, p95 and p99 ms over 20 s of the run: now 137 req\/s/,
        );
        await check(page, 'loadtest-running', theme);
        const [summary] = loadtestMessages().slice(-1);
        await send(page, summary);
        await page.waitForSelector('#summary table');
        await check(page, 'loadtest', theme);
        await page.close();
      });

      it('the doctor page: the chain, its evidence table and fix buttons, the verdict announced', async () => {
        const page = await open('doctor', theme);
        const message: DoctorReportMessage = {
          type: 'report',
          target: 'context lab',
          report: runDoctor(snapshot()),
          unavailable: { iam: 'no IRSA role given' },
          ms: 42,
        };
        await send(page, message);
        await page.waitForSelector('#chain');
        assert.match((await page.textContent('#announcer')) ?? '', /^Broken: doctor\/collector-down/);
        assert.deepEqual(
          await page.$$eval('table.evidence', (ts) =>
            ts.map((t) => [t.getAttribute('aria-label'), t.querySelector('th')?.getAttribute('scope')]),
          ),
          await page.$$eval('table.evidence', (ts) => ts.map((t) => [t.getAttribute('aria-label'), 'col'])),
        );
        // Run again keeps the keyboard's place through the redraw.
        await page.focus('#rerun');
        await send(page, message);
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'rerun');
        await check(page, 'doctor', theme);
        await page.close();
      });

      it('the IRSA role page: its findings and both verdict tables, captioned', async () => {
        const page = await open('iam', theme);
        await send(page, { type: 'report', report: irsaReport() });
        await page.waitForSelector('#verdicts');
        assert.deepEqual(await page.$$eval('table caption', (cs) => cs.length), 2);
        assert.match((await page.textContent('#announcer')) ?? '', /^IRSA role ds252-prometheus-sa-role: /);
        await check(page, 'iam', theme);
        await page.close();
      });

      it('the pipeline view: every node in the Tab order with a name that says what it is, Enter opens its YAML', async () => {
        const page = await open('pipeline', theme);
        await send(page, pipelineGraph());
        await page.waitForSelector('svg#graph');
        await page.focus('g.node');
        const first = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
        assert.match(first, /^\w+ receiver; receiver \w+, pipeline \w+(;.*)?; Click to open its YAML\.$/);
        await page.keyboard.press('Tab');
        const id = await page.evaluate(() => document.activeElement?.getAttribute('data-node'));
        assert.ok(id, 'Tab moves to the next node');
        await page.keyboard.press('Enter');
        const posted = await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);
        assert.deepEqual(posted.at(-1), { type: 'open', node: id });
        await check(page, 'pipeline', theme);
        await page.close();
      });
    });
  }
});
