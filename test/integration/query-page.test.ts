// The query page (src/webview/query.ts, bundled as for the extension) in real Chromium under a
// nonce-only Content-Security-Policy, with VS Code's webview API stubbed, fed what the host sends
// for a Prometheus 3 (the lab's 3.14.0): a series with a UTF-8 name is shown as the selector that
// finds it, the suggestions (a UTF-8 name, an `le` matcher Prometheus 3 never matches) read as
// people read them and rewrite the query as PromQL must write it, and a native histogram sample
// (`histogram` instead of `value`, as 3.14.0 answers) reads as its count and sum. Hovering a metric
// name asks the host, and the host's answer (nameInfoAnswer) names the instrument in a tooltip.
import { strict as assert } from 'node:assert';
import { buildSync } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { nameInfoAnswer } from '../../src/core/promql/nameInfo';
import { querySuggestions } from '../../src/core/promql/querySuggestions';
import type { NameInfoRequest, QueryResultMessage, Suggestion } from '../../src/core/protocol/query';
import { launchBrowser } from '../harness/chromium';

const nonce = 'cXVlcnlub25jZTEyMw==';
const utf8Count = 'http.server.request.duration_seconds_count';

/** What the host (src/ui/queryPanel.ts) sends a Prometheus 3.14.0's page: name suggestions, then the matcher rewrites. */
function hostSuggestions(expr: string, names: string[]): Suggestion[] {
  return querySuggestions(expr, names, '3.14.0');
}

describe('the query page in Chromium, against a Prometheus 3', function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;
  const posted = async (): Promise<unknown[]> =>
    page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);

  before(async () => {
    const built = buildSync({
      entryPoints: ['src/webview/query.ts'],
      bundle: true,
      write: false,
      outdir: 'out-query-page',
      platform: 'browser',
      format: 'iife',
      target: 'chrome120',
      logLevel: 'silent',
    });
    const script = built.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
    browser = await launchBrowser();
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const stub =
      'window.posted = []; let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => state, setState: (s) => { state = s; } });';
    await page.setContent(
      `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'"></head><body><div id="app"></div><script nonce="${nonce}">${stub}</script><script nonce="${nonce}">${script.replace(/<\/script/g, '<\\/script')}</script></body></html>`,
    );
    assert.deepEqual(errors, []);
    await page.evaluate(() =>
      window.postMessage(
        { type: 'init', prometheusUrl: 'http://127.0.0.1:9090', queriesSource: 'defaults', queries: [] },
        '*',
      ),
    );
  });

  after(async () => {
    await browser?.close();
  });

  /** Types `expr` into the editor, runs it, and answers as the host would with `data` and `suggestions`. */
  async function answer(expr: string, data: QueryResultMessage['data'], suggestions: Suggestion[]): Promise<void> {
    await page.evaluate(() => {
      (window as unknown as { posted: unknown[] }).posted.length = 0;
    });
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(expr);
    // Close the completion list if typing opened one: it would cover the suggestions' buttons.
    await page.keyboard.press('Escape');
    await page.click('#run');
    const [run] = (await posted()) as { type: string; id: number; expr: string }[];
    assert.equal(run?.type, 'runQuery');
    assert.equal(run.expr, expr);
    const m: QueryResultMessage = {
      type: 'queryResult',
      id: run.id,
      expr,
      mode: 'instant',
      data,
      warnings: [],
      start: 0,
      end: 1_700_000_000,
      step: 1,
      suggestions,
    };
    await page.evaluate((msg) => window.postMessage(msg, '*'), m);
  }

  it('shows a series with a UTF-8 name and label as the Prometheus 3 selector that finds it', async () => {
    await answer(
      `{"${utf8Count}"}`,
      {
        resultType: 'vector',
        result: [{ metric: { __name__: utf8Count, 'http.route': '/hash', job: 'c' }, value: [1, '5'] }],
      },
      [],
    );
    await page.waitForSelector('#result table');
    assert.equal(
      await page.locator('#result tbody td code').first().textContent(),
      `{"${utf8Count}", "http.route"="/hash", job="c"}`,
    );
  });

  it('offers the UTF-8 name by itself, and its button writes the quoted selector into the query', async () => {
    const expr = 'sum(http_server_request_duration_seconds_count{job="c"})';
    await answer(expr, { resultType: 'vector', result: [] }, hostSuggestions(expr, [utf8Count, 'up']));
    // The box may still show an earlier answer's suggestions: wait for this one's.
    const box = page.locator('#suggestions').filter({ hasText: 'Did you mean' });
    await box.waitFor({ state: 'visible' });
    assert.match((await box.textContent()) ?? '', new RegExp(`Did you mean ${utf8Count.replace(/\./g, '\\.')}\\?`));
    await box.locator('button.use-suggestion').first().click();
    const [rerun] = (await posted()).slice(-1) as { expr: string }[];
    assert.equal(rerun?.expr, `sum({"${utf8Count}", job="c"})`);
  });

  it('says an le="1" matcher matches nothing in Prometheus 3, and rewrites it to le="1.0"', async () => {
    const expr = 'sum(rate(http_server_request_duration_seconds_bucket{le="1"}[5m]))';
    await answer(
      expr,
      { resultType: 'vector', result: [] },
      hostSuggestions(expr, ['http_server_request_duration_seconds_bucket']),
    );
    // The box still shows the previous answer's name suggestion until this answer is drawn: wait for it.
    const box = page.locator('#suggestions').filter({ hasText: 'matches nothing in Prometheus 3' });
    await box.waitFor({ state: 'visible' });
    const text = (await box.textContent()) ?? '';
    assert.match(text, /le="1" matches nothing in Prometheus 3\. Did you mean le="1\.0"\?/);
    assert.match(text, /stores histogram buckets' le values as floats/);
    await box.locator('button.use-suggestion').first().click();
    const [rerun] = (await posted()).slice(-1) as { expr: string }[];
    assert.equal(rerun?.expr, 'sum(rate(http_server_request_duration_seconds_bucket{le="1.0"}[5m]))');
  });

  it('shows a native histogram sample by its count and sum, and a range of them as points with no chart', async () => {
    const metric = { __name__: 'prometheus_http_request_duration_seconds', handler: '/metrics', job: 'self' };
    // Prometheus 3.14.0's answer, scraping itself with scrape_native_histograms: true.
    const h = {
      count: '7',
      sum: '0.042392023',
      buckets: [[0, '0.002762135864009951', '0.0030121305183748843', '1']] as [number, string, string, string][],
    };
    await answer(
      metric.__name__,
      { resultType: 'vector', result: [{ metric, histogram: [1_796_497_549.241, h] }] },
      [],
    );
    await page.waitForSelector('#result table');
    assert.deepEqual(await page.locator('#result tbody td').allTextContents(), [
      'prometheus_http_request_duration_seconds{handler="/metrics", job="self"}',
      'native histogram: count 7, sum 0.042392',
    ]);
    await answer(
      `rate(${metric.__name__}[1m])`,
      {
        resultType: 'matrix',
        result: [
          {
            metric,
            histograms: [
              [1, h],
              [2, { count: '9', sum: '0.05' }],
            ],
          },
        ],
      },
      [],
    );
    await page.waitForFunction(() => document.querySelector('#result tbody td:nth-child(2)')?.textContent === '2');
    assert.equal(await page.locator('#result tbody td').nth(2).textContent(), 'native histogram: count 9, sum 0.05');
    assert.match((await page.locator('#chart').textContent()) ?? '', /Native histograms have no single value to chart/);
  });

  /** Types `expr` and points at `token` in the editor. */
  async function pointAt(expr: string, token: string): Promise<void> {
    await page.evaluate(() => {
      (window as unknown as { posted: unknown[] }).posted.length = 0;
    });
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(expr);
    await page.keyboard.press('Escape');
    // The middle of the token, from CodeMirror's own coordinates.
    const box = await page.evaluate(
      ([e, t]) => {
        const walker = document.createTreeWalker(document.querySelector('.cm-content') as Node, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const at = n.textContent?.indexOf(t) ?? -1;
          if (at < 0) continue;
          const r = document.createRange();
          r.setStart(n, at + Math.floor(t.length / 2));
          r.setEnd(n, at + Math.floor(t.length / 2) + 1);
          const b = r.getBoundingClientRect();
          return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
        }
        throw new Error(`${t} is not in the editor showing ${e}`);
      },
      [expr, token] as const,
    );
    await page.mouse.move(box.x, box.y);
  }

  /** Points at `token` in `expr` and answers the page's nameInfo request as the host does. */
  async function hoverName(expr: string, token: string): Promise<NameInfoRequest> {
    await pointAt(expr, token);
    await page.waitForFunction(() =>
      (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'nameInfo'),
    );
    const asked = ((await posted()) as { type: string }[]).find((m) => m.type === 'nameInfo') as NameInfoRequest;
    await page.evaluate((msg) => window.postMessage(msg, '*'), nameInfoAnswer(asked));
    return asked;
  }

  it('names the instrument behind a metric name hovered in the query', async () => {
    const name = 'http_server_request_duration_seconds_count';
    const asked = await hoverName(`sum by (http_route) (rate(${name}{job="c"}[1m]))`, name);
    assert.equal(asked.name, name);
    const tip = page.locator('#name-hover');
    await tip.waitFor({ state: 'visible' });
    assert.equal(await tip.locator('code.name').textContent(), name);
    assert.ok((await tip.locator('code').allTextContents()).includes('http.server.request.duration'));
    assert.match((await tip.textContent()) ?? '', /The lab's path .* gives this name\./);
    await page.mouse.move(0, 0);
    await tip.waitFor({ state: 'detached' });
  });

  it('asks about the quoted name of a UTF-8 selector, and shows nothing for a label or an unknown name', async () => {
    const asked = await hoverName(`{"${utf8Count}", job="c"}`, utf8Count);
    assert.equal(asked.name, utf8Count);
    await page.locator('#name-hover').waitFor({ state: 'visible' });
    await page.mouse.move(0, 0);
    await page.locator('#name-hover').waitFor({ state: 'detached' });
    const unknown = await hoverName('up{job="c"}', 'up');
    assert.equal(unknown.name, 'up');
    await page.waitForTimeout(500);
    assert.equal(await page.locator('#name-hover').count(), 0);
    // A label name is no metric name: the page does not ask.
    await page.mouse.move(0, 0);
    await pointAt('up{job="c"}', 'job');
    await page.waitForTimeout(800);
    assert.deepEqual(await posted(), []);
  });
});
