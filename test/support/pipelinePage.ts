// The pipeline view's page (src/webview/pipeline.ts, bundled as for the extension) opened in real
// Chromium under a nonce-only Content-Security-Policy, with VS Code's webview API stubbed: what the
// page posts is kept in `window.posted`, and the host's messages are sent with `send`. Shared by the
// page's own test and the live test that draws a real collector's figures on it.
import type { Browser, Page } from 'playwright-core';
import { buildSync } from 'esbuild';
import { launchBrowser } from '../harness/chromium';

const nonce = 'dGVzdG5vbmNlMTIz';

export interface PipelinePage {
  page: Page;
  /** Page errors and console errors, for a test to assert there were none. */
  errors: string[];
  /** What the page posted to the host so far. */
  posted(): Promise<unknown[]>;
  /** A message from the host, as VS Code delivers it. */
  send(m: unknown): Promise<void>;
  /** The class attribute of the node with this id ("node flowing", "node failing"…). */
  nodeClass(id: string): Promise<string>;
  close(): Promise<void>;
}

export async function openPipelinePage(): Promise<PipelinePage> {
  const built = buildSync({
    entryPoints: ['src/webview/pipeline.ts'],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    logLevel: 'silent',
  });
  const script = built.outputFiles[0]?.text ?? '';
  const browser: Browser = await launchBrowser();
  const errors: string[] = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const stub =
      'window.posted = []; window.state = undefined; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => window.state, setState: (s) => { window.state = s; } });';
    await page.setContent(
      `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'"></head><body><div id="app"></div><script nonce="${nonce}">${stub}</script><script nonce="${nonce}">${script.replace(/<\/script/g, '<\\/script')}</script></body></html>`,
    );
    return {
      page,
      errors,
      posted: () => page.evaluate(() => (window as unknown as { posted: unknown[] }).posted),
      send: async (m) => {
        await page.evaluate((x) => window.postMessage(x, '*'), m);
      },
      nodeClass: async (id) => (await page.$eval(`g.node[data-node="${id}"]`, (e) => e.getAttribute('class'))) ?? '',
      close: () => browser.close(),
    };
  } catch (e) {
    await browser.close();
    throw e;
  }
}
