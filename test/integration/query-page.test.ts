// The query page (src/webview/query.ts, bundled as for the extension) in real Chromium under a
// nonce-only Content-Security-Policy, with VS Code's webview API stubbed, fed what the host sends
// for a Prometheus 3 (the lab's 3.14.0): a series with a UTF-8 name is shown as the selector that
// finds it, and the suggestions (a UTF-8 name, an `le` matcher Prometheus 3 never matches) read as
// people read them and rewrite the query as PromQL must write it.
import { strict as assert } from 'node:assert';
import { buildSync } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { floatLabelRewrites } from '../../src/core/promql/bucketLabels';
import { suggestForQuery } from '../../src/core/promql/suggest';
import type { QueryResultMessage, Suggestion } from '../../src/core/protocol/query';
import { launchBrowser } from '../harness/chromium';

const nonce = 'cXVlcnlub25jZTEyMw==';
const utf8Count = 'http.server.request.duration_seconds_count';

/** What the host (src/ui/queryPanel.ts) sends: name suggestions, then on Prometheus 3 the matcher rewrites. */
function hostSuggestions(expr: string, names: string[]): Suggestion[] {
  return [
    ...suggestForQuery(expr, names).map((s) => ({
      name: s.name,
      start: s.start,
      end: s.end,
      suggestions: s.suggestions,
      ...(s.note ? { note: s.note } : {}),
    })),
    ...floatLabelRewrites(expr).map((r) => ({
      name: r.written,
      start: r.start,
      end: r.end,
      suggestions: [r.replacement],
      note: r.note,
    })),
  ];
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
    const box = page.locator('#suggestions');
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
    const box = page.locator('#suggestions');
    await box.waitFor({ state: 'visible' });
    const text = (await box.textContent()) ?? '';
    assert.match(text, /le="1" matches nothing in Prometheus 3\. Did you mean le="1\.0"\?/);
    assert.match(text, /stores histogram buckets' le values as floats/);
    await box.locator('button.use-suggestion').first().click();
    const [rerun] = (await posted()).slice(-1) as { expr: string }[];
    assert.equal(rerun?.expr, 'sum(rate(http_server_request_duration_seconds_bucket{le="1.0"}[5m]))');
  });
});
