// The load-test page (src/webview/loadtest.ts, bundled as for the extension, with its CSS) in real
// Chromium under a nonce-only Content-Security-Policy, VS Code's webview API stubbed, fed what the
// host sends for an open run of the built-in engine: the model in the run's line, the intended and
// sent rates and the pool in tiles, and both rates as series of the chart. A closed run draws neither.
// And handed every fixed text by the host (as a translation would be), it shows no English of its own.
import { strict as assert } from 'node:assert';
import { buildSync } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { LoadtestProgressMessage, LoadtestStartMessage } from '../../src/core/protocol/loadtest';
import { loadtestPageEnglish } from '../../src/core/protocol/pageStrings';
import { launchBrowser } from '../harness/chromium';

const nonce = 'bG9hZHRlc3Rub25jZQ==';

/** The page, with the host's table of translated strings written in as webviewHtml writes it (none: English). */
function pageHtml(strings?: Record<string, string>): string {
  const built = buildSync({
    entryPoints: ['src/webview/loadtest.ts'],
    bundle: true,
    write: false,
    outdir: 'out-loadtest-page',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    logLevel: 'silent',
  });
  const out = (ext: string): string =>
    (built.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '').replace(/<\/(script|style)/g, '<\\/$1');
  const stub =
    'window.posted = []; let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => state, setState: (s) => { state = s; } });';
  return `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'"><style nonce="${nonce}">${out('.css')}</style></head><body><div id="app"></div>${strings ? `<script type="application/json" id="obslab-strings">${JSON.stringify(strings).replace(/</g, '\\u003c')}</script>` : ''}<script nonce="${nonce}">${stub}</script><script nonce="${nonce}">${out('.js')}</script></body></html>`;
}

const start = (model: string): LoadtestStartMessage => ({
  type: 'start',
  run: {
    plan: 'jmeter/hash-load.jmx',
    jtl: 'jmeter/results.jtl',
    engine: 'built-in',
    targets: ['POST http://127.0.0.1:8080/hash'],
    threads: 60,
    rampUpSec: 0,
    durationSec: 5,
    model,
  },
});

function progress(sec: number, open?: LoadtestProgressMessage['open']): LoadtestProgressMessage {
  const l = { p50: 2, p95: 9, p99: 30 };
  return {
    type: 'progress',
    elapsedSec: sec,
    activeThreads: 3,
    rps: 99,
    errorRate: 0,
    window: { seconds: 5, samples: 99 * sec, ...l },
    overall: { samples: 99 * sec, errors: 0, rps: 99, ...l },
    ...(open ? { open } : {}),
  };
}

describe('the load-test page in Chromium: the open model', function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;
  const send = (m: unknown): Promise<void> => page.evaluate((msg) => window.postMessage(msg, '*'), m);
  const legend = (): Promise<string[]> =>
    page.locator('.u-legend .u-series th').evaluateAll((ths) => ths.map((t) => (t.textContent ?? '').trim()));

  before(async () => {
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent(pageHtml());
    assert.deepEqual(errors, []);
  });

  after(async () => {
    await browser?.close();
  });

  it('shows the intended and the sent rate in tiles and as two series of the chart', async () => {
    await send(start('open: 100 req/s for 5 s, up to 1000 connections'));
    assert.match((await page.textContent('#run-info')) ?? '', /built-in engine · open: 100 req\/s for 5 s/);
    for (let s = 1; s <= 3; s++)
      await send(
        progress(s, {
          intendedRps: 100,
          achievedRps: s === 2 ? 97 : 100,
          late: 0,
          dropped: s === 3 ? 3 : 0,
          connections: 4,
          maxConnections: 1000,
        }),
      );
    await page.waitForSelector('#chart[data-points="3"]');
    assert.match((await page.textContent('#state')) ?? '', /running · 3 s · 3 in flight/);
    assert.equal(await page.textContent('#open-rate .tile-value'), '100 / 100');
    assert.equal(await page.textContent('#open-pool .tile-value'), '0 · 3 · 4/1000');
    const names = await legend();
    assert.ok(names.includes('intended req/s') && names.includes('sent req/s'), names.join(', '));
    assert.match(
      (await page.getAttribute('.uplot', 'aria-label')) ?? '',
      /Open model: intended 100 req\/s, sent 100 req\/s in the last second/,
    );
  });

  it('draws neither for a closed run', async () => {
    await send(start("closed: the plan's threads"));
    await send(progress(4));
    await page.waitForSelector('#chart[data-points="4"]');
    const names = await legend();
    assert.ok(!names.includes('intended req/s') && !names.includes('sent req/s'), names.join(', '));
    assert.equal(await page.locator('#open-rate').count(), 0);
  });
});

describe('the load-test page in Chromium: stopping', function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;
  const send = (m: unknown): Promise<void> => page.evaluate((msg) => window.postMessage(msg, '*'), m);
  const state = async (): Promise<string> => (await page.textContent('#state')) ?? '';
  const posted = (): Promise<unknown[]> => page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);

  before(async () => {
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.setContent(pageHtml());
  });

  after(async () => {
    await browser?.close();
  });

  it('says stopping on Stop, and the live figures that still come do not say running again', async () => {
    await send(start("closed: the plan's threads"));
    await send(progress(1));
    assert.match(await state(), /^running · 1 s/);
    await page.click('#stop');
    assert.deepEqual(await posted(), [{ type: 'ready' }, { type: 'stop' }]);
    assert.equal(await state(), 'stopping…');
    assert.equal(await page.isDisabled('#stop'), true);
    await send(progress(2));
    await page.waitForSelector('#chart[data-points="2"]');
    assert.equal(await state(), 'stopping…', 'a second of figures after Stop');
  });

  it('says which goal stopped the run when the host stops it, and a new run starts afresh', async () => {
    await send(start("closed: the plan's threads"));
    await send(progress(1));
    assert.equal(await page.isDisabled('#stop'), false);
    await send({ type: 'stopping', reason: 'p95<20ms missed at 6 s: p95 53 ms' });
    assert.equal(await state(), 'stopping: p95<20ms missed at 6 s: p95 53 ms');
    assert.equal(await page.isDisabled('#stop'), true);
    assert.match((await page.textContent('#announcer')) ?? '', /stopping: p95<20ms missed/);
    await send(progress(2));
    assert.match(await state(), /^stopping: p95<20ms/);
    await send(start("closed: the plan's threads"));
    await send(progress(1));
    assert.match(await state(), /^running · 1 s/);
  });

  it('says stopping when the host ends the run for Cancel on its notification, with no reason', async () => {
    await send(start("closed: the plan's threads"));
    await send(progress(1));
    await send({ type: 'stopping' });
    assert.equal(await state(), 'stopping…');
    assert.equal(await page.isDisabled('#stop'), true);
  });
});

describe('the load-test page in Chromium: every fixed text from the host', function () {
  this.timeout(120_000);
  let browser: Browser;

  after(async () => {
    await browser?.close();
  });

  it('shows no English of its own when the host hands it every string (each bracketed here, as a pseudo-locale would)', async () => {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const bracketed = Object.fromEntries(Object.entries(loadtestPageEnglish).map(([k, v]) => [k, `⟦${v}⟧`]));
    await page.setContent(pageHtml(bracketed));
    const send = (m: unknown): Promise<void> => page.evaluate((msg) => window.postMessage(msg, '*'), m);
    await send(start('open: 100 req/s for 5 s, up to 1000 connections'));
    for (let s = 1; s <= 2; s++)
      await send(
        progress(s, { intendedRps: 100, achievedRps: 100, late: 0, dropped: 0, connections: 4, maxConnections: 1000 }),
      );
    await page.waitForSelector('#chart[data-points="2"]');
    // Every text the page shows holds a bracketed string, or is data: numbers, units, the run's own words,
    // and percentile notation (p95 ms), written the same in every language.
    const texts = await page.evaluate(() => {
      const out: string[] = [];
      const walk = document.createTreeWalker(document.getElementById('app') ?? document.body, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        const t = (n.textContent ?? '').trim();
        if (t) out.push(t);
      }
      return out;
    });
    const data =
      /^(open: 100 req\/s for 5 s, up to 1000 connections|jmeter\/[\w./-]+|POST http:\S+|p\d\d ms|[\d\s.,:/·%–-]*(ms|s|req\/s)?)$/;
    const english = texts.filter((t) => /[A-Za-z]{2}/.test(t) && !t.includes('⟦') && !data.test(t));
    assert.deepEqual(english, [], `English the host did not hand the page:\n${english.join('\n')}`);
  });
});
