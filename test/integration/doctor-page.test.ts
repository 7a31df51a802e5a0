// The doctor's report page (src/webview/doctor.ts, bundled as for the extension) in real
// Chromium under a nonce-only Content-Security-Policy, with VS Code's webview API stubbed: it
// renders the chain the host sends (broken, consequence, passed, skipped), the evidence and fix
// buttons, and asks the host only by position (fix N of finding M of a link) or to run again; a
// report whose every link was skipped says nothing could be checked, and why.
import { strict as assert } from 'node:assert';
import { buildSync } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { runDoctor } from '../../src/core/doctor/chain';
import type { DoctorReportMessage } from '../../src/core/protocol/doctor';
import { snapshot } from '../fixtures/doctorSnapshot';
import { launchBrowser } from '../harness/chromium';

const nonce = 'dGVzdG5vbmNlMTIz';

describe('the doctor report page in Chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;
  const posted = async (): Promise<unknown[]> =>
    page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);

  before(async () => {
    const built = buildSync({
      entryPoints: ['src/webview/doctor.ts'],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      target: 'chrome120',
      logLevel: 'silent',
    });
    const script = built.outputFiles[0]?.text ?? '';
    browser = await launchBrowser();
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    // What VS Code provides: one API handle with postMessage and state, under our CSP (nonce scripts only).
    const stub =
      'window.posted = []; let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => state, setState: (s) => { state = s; } });';
    await page.setContent(
      `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'"></head><body><div id="app"></div><script nonce="${nonce}">${stub}</script><script nonce="${nonce}">${script.replace(/<\/script/g, '<\\/script')}</script></body></html>`,
    );
    assert.deepEqual(errors, []);
  });

  after(async () => {
    await browser?.close();
  });

  it('says it is ready, then renders the chain with the cause, its evidence and fixes, and the consequences folded', async () => {
    assert.deepEqual(await posted(), [{ type: 'ready' }]);
    const report = runDoctor(snapshot());
    const message: DoctorReportMessage = {
      type: 'report',
      target: 'context lab',
      report,
      unavailable: { iam: 'no IRSA role given' },
      ms: 42,
    };
    await page.evaluate((m) => window.postMessage(m, '*'), message);
    await page.waitForSelector('#chain');
    assert.match(
      (await page.textContent('#verdict')) ?? '',
      /Broken: doctor\/collector-down\. Start with doctor\/collector-down/,
    );
    const statuses = await page.$$eval('li.link', (els) =>
      els.map((e) => [e.getAttribute('data-link'), e.className.replace('link ', '')]),
    );
    assert.deepEqual(
      statuses,
      report.links.map((l) => [l.id, l.status]),
    );
    assert.deepEqual(
      statuses.find(([id]) => id === 'targets'),
      ['targets', 'consequence'],
    );
    const failed = page.locator('li.link.failed');
    assert.match((await failed.locator('.finding .code').textContent()) ?? '', /doctor\/collector-down/);
    assert.match(
      (await failed.locator('table.evidence').textContent()) ?? '',
      /Deployment monitoring\/otel-collectorotel-collector-1 not ready \(CrashLoopBackOff\)/,
    );
    assert.equal(
      await failed.locator('button.fix').count(),
      report.links.find((l) => l.status === 'failed')?.findings[0]?.remedies.length,
    );
    // A consequence explains; it offers no buttons of its own.
    assert.equal(await page.locator('li.link.consequence button.fix').count(), 0);
    assert.match(
      (await page.locator('li.link.consequence').first().textContent()) ?? '',
      /A consequence of the broken link "The collector is running and ready"/,
    );
    assert.match((await page.textContent('#unavailable')) ?? '', /iam: no IRSA role given/);
  });

  it('asks the host for a fix by position and shows the outcome beside it; Run again asks for a rerun', async () => {
    await page.locator('li.link.failed button.fix').nth(1).click();
    assert.deepEqual((await posted()).slice(-1), [{ type: 'fix', link: 'collector-up', finding: 0, fix: 1 }]);
    await page.evaluate(() =>
      window.postMessage(
        { type: 'fixResult', link: 'collector-up', finding: 0, fix: 1, ok: true, message: 'Running in the terminal' },
        '*',
      ),
    );
    assert.equal(await page.locator('#fix-collector-up-0-1 .result.ok').textContent(), 'Running in the terminal');
    await page.click('#rerun');
    assert.deepEqual((await posted()).slice(-1), [{ type: 'rerun' }]);
  });

  it('keeps the last report on screen while a run is under way, and shows why a run could not happen', async () => {
    await page.evaluate(() => window.postMessage({ type: 'running', target: 'context lab' }, '*'));
    assert.equal(await page.locator('#rerun').isDisabled(), true);
    assert.ok((await page.locator('li.link').count()) > 0);
    await page.evaluate(() =>
      window.postMessage(
        { type: 'error', target: 'context lab', message: "The kubeconfig has no context named 'x'" },
        '*',
      ),
    );
    assert.equal(await page.textContent('#verdict'), "The kubeconfig has no context named 'x'");
    assert.equal(await page.locator('#rerun').isDisabled(), false);
  });

  it('says nothing could be checked, and why, when every link was skipped (a stopped sandbox), naming no cause', async () => {
    const why = 'the sandbox is not running: start it with `npx obslab sandbox up`';
    const report = runDoctor({
      mode: 'sandbox',
      takenAt: Date.UTC(2026, 0, 1),
      lab: snapshot().lab,
      unavailable: { app: why, collector: why, prometheus: why },
    });
    assert.equal(report.healthy, false);
    assert.deepEqual(report.causes, []);
    const message: DoctorReportMessage = { type: 'report', target: 'sandbox', report, unavailable: {}, ms: 3 };
    await page.evaluate((m) => window.postMessage(m, '*'), message);
    await page.waitForSelector('#skipped-reasons');
    const verdict = (await page.textContent('#verdict')) ?? '';
    assert.equal(verdict, 'Nothing could be checked: every link was skipped.');
    assert.doesNotMatch(verdict, /Broken|Start with/);
    const reasons = await page.$$eval('#skipped-reasons li', (els) => els.map((e) => e.textContent));
    const skippedBy = (reason: string): number => report.links.filter((l) => l.detail === reason).length;
    assert.ok(skippedBy(why) > 1);
    // The reason that skipped most links comes first: it is the one to act on.
    assert.equal(reasons[0], `${why} (${skippedBy(why)} links)`);
    assert.deepEqual(
      [...reasons].sort(),
      [...new Set(report.links.map((l) => l.detail))]
        .map((r) => `${r} (${skippedBy(r)} link${skippedBy(r) === 1 ? '' : 's'})`)
        .sort(),
    );
    assert.equal(await page.locator('li.link.skipped').count(), report.links.length);
    assert.equal(await page.locator('button.fix').count(), 0);
  });
});
