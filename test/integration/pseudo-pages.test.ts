// Every panel's page in the pseudo-locale, in real Chromium: the host's fixed texts (#obslab-strings)
// and the display language's bundle (#obslab-l10n) pseudo-translated as the extension would write
// them, the messages a host sends made in the pseudo-locale where src/core makes them (the doctor's
// report, the IRSA report, the pipeline view) and pseudo-translated where the host's own words are
// (a load test's notes and verdicts). Each page must then show, and give screen readers (aria-label,
// title), no English word outside ⟦…⟧ but the data it was sent: a word left over is a string of the
// page that escaped translation. Screens: test-results/pseudo-page-<name>.png.
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { coreMessages, pseudo, readBundle } from '../../scripts/l10n';
import { runDoctor } from '../../src/core/doctor/chain';
import {
  doctorPageEnglish,
  iamPageEnglish,
  loadtestPageEnglish,
  pipelinePageEnglish,
  queryPageEnglish,
} from '../../src/core/protocol/pageStrings';
import { presetQueries } from '../../src/core/protocol/query';
import { snapshot } from '../fixtures/doctorSnapshot';
import { irsaReport, loadtestMessages, pipelineGraph, rangeResult, targets } from '../fixtures/pageMessages';
import { launchBrowser } from '../harness/chromium';
import { repoRoot } from '../harness/lib';
import { pageHtml } from '../support/pages';
import { inPseudoLocale, untranslated } from '../support/pseudoLocale';

const resultsDir = join(repoRoot, 'test-results');

/** The pseudo-locale's bundle: every key the editor and src/core have, pseudo-translated. */
const l10n = Object.fromEntries(
  [...Object.keys(readBundle()), ...coreMessages().map((m) => m.key)].map((k) => [k, pseudo(k)]),
);
const pseudoTable = (english: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(english).map(([k, v]) => [k, pseudo(v)]));

/** Every string value in `m` (not its keys), the data a page may show as it is. */
function dataWords(m: unknown, into = new Set<string>()): Set<string> {
  if (typeof m === 'string') {
    for (const w of untranslated(m).split(/\s+/)) if (w) into.add(w);
  } else if (Array.isArray(m)) {
    for (const v of m) dataWords(v, into);
  } else if (m && typeof m === 'object') {
    for (const v of Object.values(m)) dataWords(v, into);
  }
  return into;
}

/** What the page shows and says: its text, and the names and titles given to assistive technology. */
async function pageTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out = [document.body.innerText];
    for (const el of Array.from(document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')))
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
        const v = el.getAttribute(a);
        if (v) out.push(v);
      }
    return out;
  });
}

/** English words of the page outside every ⟦…⟧, less the data it was sent, as "word (in: text)". */
async function leftEnglish(page: Page, sent: unknown[]): Promise<string[]> {
  const data = dataWords(sent);
  const left = new Set<string>();
  for (const text of await pageTexts(page))
    for (const line of text.split('\n'))
      for (const w of untranslated(line).match(/[A-Za-z]{3,}/g) ?? [])
        if (!data.has(w) && ![...data].some((d) => d.includes(w))) left.add(`${w} (in: ${line.trim().slice(0, 120)})`);
  return [...left];
}

describe('every panel in the pseudo-locale shows no English but its data', function () {
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

  async function open(name: string, english: Record<string, string>): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    errors.length = 0;
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent(pageHtml(name, { strings: pseudoTable(english), l10n }));
    return page;
  }
  const send = (page: Page, m: unknown): Promise<void> => page.evaluate((x) => window.postMessage(x, '*'), m);

  async function verify(page: Page, name: string, sent: unknown[]): Promise<void> {
    assert.deepEqual(errors, [], `no page errors in ${name}`);
    await page.screenshot({ path: join(resultsDir, `pseudo-page-${name}.png`), fullPage: true });
    assert.deepEqual(await leftEnglish(page, sent), [], `English in the ${name} page`);
    await page.close();
  }

  it('the query page: the lab query list, a range result as chart and table, and the targets tab', async () => {
    const page = await open('query', queryPageEnglish);
    const init = {
      type: 'init',
      prometheusUrl: 'http://127.0.0.1:9090',
      queriesSource: pseudo('default names'),
      queries: [{ title: pseudo('request rate during the load test'), expr: rangeResult(0).expr }],
    };
    await send(page, init);
    await page.selectOption('#mode', 'range');
    await page.locator('.cm-content').click();
    await page.keyboard.insertText(rangeResult(0).expr);
    await page.keyboard.press('Escape');
    await page.click('#run');
    const run = (
      await page.evaluate(() => (window as unknown as { posted: { type: string; id: number }[] }).posted)
    ).find((m) => m.type === 'runQuery');
    assert.ok(run);
    const result = rangeResult(run.id);
    await send(page, result);
    await page.waitForSelector('#chart [role="img"]');
    assert.match((await page.getAttribute('#chart [role="img"]', 'aria-label')) ?? '', /⟦/);
    // Data the page holds itself: its preset queries' PromQL, and the label names it writes (instance="…").
    const own = [presetQueries().map((p) => p.expr), 'instance', targets.targets.flatMap((x) => Object.keys(x.labels))];
    const shown = await leftEnglish(page, [init, result, own]);
    await page.click('#tab-targets');
    await send(page, targets);
    await page.waitForSelector('#targets table');
    assert.deepEqual([...shown, ...(await leftEnglish(page, [init, result, targets, own]))], []);
    await verify(page, 'query', [init, result, targets, own]);
  });

  it('the load-test page: the live figures, then the summary with its notes and goals', async () => {
    const page = await open('loadtest', loadtestPageEnglish);
    const sent = loadtestMessages().map((m) => {
      const x = m as Record<string, unknown>;
      if (x['type'] === 'server') return { ...x, text: pseudo(String(x['text'])) };
      if (x['type'] !== 'summary') return x;
      const goals = x['goals'] as { verdict: string; results: { goal: string; met: boolean; figure: string }[] };
      return {
        ...x,
        outcome: pseudo(String(x['outcome'])),
        notes: (x['notes'] as string[]).map(pseudo),
        goals: {
          verdict: pseudo(goals.verdict),
          results: goals.results.map((r) => ({ ...r, figure: pseudo(r.figure) })),
        },
      };
    });
    for (const m of sent) await send(page, m);
    await page.waitForSelector('#summary table');
    await verify(page, 'loadtest', sent);
  });

  it('the doctor page: the chain made in the pseudo-locale, its evidence and fixes', async () => {
    const page = await open('doctor', doctorPageEnglish);
    const message = inPseudoLocale(() => ({
      type: 'report',
      target: 'context lab',
      report: runDoctor(snapshot()),
      unavailable: { iam: pseudo('no IRSA role given') },
      ms: 42,
    }));
    await send(page, message);
    await page.waitForSelector('#chain');
    await verify(page, 'doctor', [message]);
  });

  it('the IRSA role page: its findings and verdicts made in the pseudo-locale', async () => {
    const page = await open('iam', iamPageEnglish);
    const message = { type: 'report', report: inPseudoLocale(() => irsaReport()) };
    await send(page, message);
    await page.waitForSelector('#verdicts');
    await verify(page, 'iam', [message]);
  });

  it('the pipeline view: its nodes, findings and legend', async () => {
    const page = await open('pipeline', pipelinePageEnglish);
    const message = inPseudoLocale(() => pipelineGraph());
    await send(page, message);
    await page.waitForSelector('svg#graph');
    await verify(page, 'pipeline', [message]);
  });
});
