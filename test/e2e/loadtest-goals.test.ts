// Run Load Test with goals in the packaged extension (code-server + Chromium): a plan that states
// its goals in User Defined Variables (goal.p95 = p95<20ms, goal.errors = errors<1%) is run by the
// built-in engine against a server that answers in 50 ms. The confirmation lists the plan's goals;
// Set Goals… opens a box that names a mistake as it is typed and takes a third goal; the panel's
// summary shows p95<20ms missed with its measured figure, and the notification says "1 of 3 goals
// missed". Screen: test-results/loadtest-goals.png. Then abort on fail: a 60 s run with the goal
// p50<0.001ms, which every request misses, started with Run, Stop at a Missed Goal, stops after the
// 5 s settling delay, and the view and the notification say it stopped because that goal was missed
// at N s with its figure. Screen: test-results/loadtest-goals-stopped.png. Bounded: 2 threads, at
// most 60 s, 127.0.0.1 only.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { packageExtension, startCodeServer, type RunningCodeServer } from '../harness/codeserver';
import { repoRoot } from '../harness/lib';
import {
  afterFirstStartWalkthrough,
  answerLoadTestPicks,
  clearToasts,
  dialog,
  openFile,
  openWorkbench,
  pick,
  quickInput,
  quickInputBox,
  resultsDir,
  runCommand,
  screenshot,
  toast,
  answerInput,
} from '../support/workbench';

const DELAY_MS = 50;

/** The scaffolded plan with two goals in its User Defined Variables, as a JMeter user would put them. */
function planWithGoals(): string {
  return readFileSync(join(repoRoot, 'templates', 'jmeter', 'hash-load.jmx'), 'utf8').replace(
    '<collectionProp name="Arguments.arguments">',
    `<collectionProp name="Arguments.arguments">
          <elementProp name="goal.p95" elementType="Argument">
            <stringProp name="Argument.name">goal.p95</stringProp>
            <stringProp name="Argument.value">p95&lt;20ms</stringProp>
            <stringProp name="Argument.metadata">=</stringProp>
          </elementProp>
          <elementProp name="goal.errors" elementType="Argument">
            <stringProp name="Argument.name">goal.errors</stringProp>
            <stringProp name="Argument.value">errors&lt;1%</stringProp>
            <stringProp name="Argument.metadata">=</stringProp>
          </elementProp>`,
  );
}

describe('Run Load Test with goals in the workbench', function () {
  this.timeout(10 * 60_000);
  let code: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workspace: string;
  let target: Server | undefined;
  let port = 0;
  let requests = 0;

  before(async function () {
    this.timeout(30 * 60_000);
    mkdirSync(resultsDir, { recursive: true });
    // Every request answered after 50 ms: a p95 under 20 ms cannot be met, a p99 under 1 s is.
    const server = createServer({ noDelay: true, keepAliveTimeout: 30_000 }, (req, res) => {
      req.resume();
      req.on('end', () => {
        requests++;
        setTimeout(() => {
          const payload = '{"sha256":"0","length":10}';
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(payload.length) });
          res.end(payload);
        }, DELAY_MS);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    target = server;
    port = (server.address() as AddressInfo).port;
    const vsix = await packageExtension();
    workspace = mkdtempSync(join(tmpdir(), 'obslab-e2e-goals-'));
    writeFileSync(join(workspace, 'goals.jmx'), planWithGoals());
    code = await startCodeServer({
      name: 'codeserver-e2e-goals',
      workspace,
      vsix,
      settings: {
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'workbench.startupEditor': 'none',
      },
    });
    ({ browser, page } = await openWorkbench(code.url, { width: 1400, height: 900 }));
  });

  after(async function () {
    this.timeout(120_000);
    await browser?.close().catch(() => undefined);
    await code?.stop();
    target?.closeAllConnections();
    await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await page.screenshot({ path: join(resultsDir, 'failed-loadtest-goals.png') }).catch(() => undefined);
  });

  const view = (): FrameLocator => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

  it("shows the plan's goals, takes one more, and marks the missed one with its measured figure", async () => {
    await afterFirstStartWalkthrough(page);
    await clearToasts(page);
    // The plan open in the editor is the plan Run Load Test runs.
    await openFile(page, 'goals.jmx');

    await runCommand(page, 'Observability Lab: Run Load Test');
    await answerInput(page, 'target (1/2)', `127.0.0.1:${port}`);
    await pick(page, 'threads, ramp-up, duration', 'Change…');
    await answerInput(page, 'threads (1/3)', '2');
    await answerInput(page, 'ramp-up seconds (2/3)', '0');
    await answerInput(page, 'duration seconds (3/3)', '3');
    // The picks that come only sometimes (the engine, when JMeter is installed; the load model): the
    // built-in engine, closed model, as the plan says.
    await answerLoadTestPicks(page);

    // The confirmation lists the plan's goals.
    await dialog(page).waitFor({ state: 'visible' });
    assert.match(await dialog(page).innerText(), /Goals: p95<20ms; errors<1%/);
    await dialog(page).locator('.monaco-button').filter({ hasText: 'Set Goals…' }).click();

    // The box is prefilled with them, and names a mistake while it is typed.
    const box = quickInputBox(page);
    await page.locator('.quick-input-widget .quick-input-title').filter({ hasText: 'goals' }).waitFor();
    assert.equal(await box.inputValue(), 'p95<20ms; errors<1%');
    await box.fill('p95<20ms; errors<1%; POST /hash: p99 1s');
    await quickInput(page).filter({ hasText: "goal 3 of 3: 'p99 1s' has no comparison" }).waitFor({ state: 'visible' });
    await box.fill('p95<20ms; errors<1%; POST /hash: p99<1s');
    await quickInput(page).filter({ hasText: 'has no comparison' }).waitFor({ state: 'hidden' });
    await page.keyboard.press('Enter');

    await dialog(page).filter({ hasText: 'Goals: p95<20ms; errors<1%; POST /hash: p99<1s' }).waitFor();
    await dialog(page).locator('.monaco-button').filter({ hasText: 'Run Load Test' }).click();
    await dialog(page).waitFor({ state: 'hidden' });

    // The end: the notification counts the goals missed; the panel shows each with its figure.
    const done = toast(page, /Load test finished: \d+ samples, [\d.]+ req\/s, p95 [\d.]+ ms; 1 of 3 goals missed/);
    await done.waitFor({ state: 'visible', timeout: 90_000 });
    const verdict = view().locator('#summary #goals-verdict');
    await verdict.waitFor({ state: 'visible' });
    assert.equal(await verdict.innerText(), '1 of 3 goals missed');
    const goals = await view().locator('#summary #goals li').allInnerTexts();
    assert.equal(goals.length, 3, goals.join('\n'));
    const p95 = /^✗ missed p95<20ms · measured p95 ([\d.]+) ms$/.exec(goals[0] ?? '');
    assert.ok(p95, goals[0]);
    assert.ok(Number(p95[1]) >= DELAY_MS - 1, `the measured p95 ${p95[1]} ms is at least the server's ${DELAY_MS} ms`);
    assert.match(goals[1] ?? '', /^✓ met errors<1% · measured errors 0%$/);
    assert.match(goals[2] ?? '', /^✓ met POST \/hash: p99<1s · measured p99 [\d.]+ ms$/);
    assert.ok(requests > 0, 'the run loaded the test server');
    await screenshot(page, 'loadtest-goals');
  });

  it('stops the run at the first goal missed after the delay with Run, Stop at a Missed Goal, and says why', async () => {
    await clearToasts(page);
    const before = requests;
    // The load-test view took the editor: the plan is opened again so Run Load Test runs it.
    await openFile(page, 'goals.jmx');
    await runCommand(page, 'Observability Lab: Run Load Test');
    await answerInput(page, 'target (1/2)', `127.0.0.1:${port}`);
    await pick(page, 'threads, ramp-up, duration', 'Change…');
    await answerInput(page, 'threads (1/3)', '2');
    await answerInput(page, 'ramp-up seconds (2/3)', '0');
    // Far longer than the stop takes, so a run that ends early was stopped.
    await answerInput(page, 'duration seconds (3/3)', '60');
    await answerLoadTestPicks(page);

    // A goal no request can meet: every answer takes the server's 50 ms.
    await dialog(page).waitFor({ state: 'visible' });
    await dialog(page).locator('.monaco-button').filter({ hasText: 'Set Goals…' }).click();
    await page.locator('.quick-input-widget .quick-input-title').filter({ hasText: 'goals' }).waitFor();
    await quickInputBox(page).fill('p50<0.001ms');
    await page.keyboard.press('Enter');
    await dialog(page).filter({ hasText: 'Goals: p50<0.001ms' }).waitFor();
    assert.match(
      await dialog(page).innerText(),
      /Run, Stop at a Missed Goal stops the run once a whole-run .* goal is missed after the first 5 s/,
    );
    await dialog(page).locator('.monaco-button').filter({ hasText: 'Run, Stop at a Missed Goal' }).click();
    await dialog(page).waitFor({ state: 'hidden' });

    // The notification says which goal stopped the run, when and its figure; the goal is judged as usual.
    const stopped = toast(
      page,
      /Load test stopped because goal p50<0\.001ms was missed at \d+ s \(p50 [\d.]+ ms\): \d+ samples, [\d.]+ req\/s, p95 [\d.]+ ms(, [\d.]+% errors)?; 1 of 1 goal missed/,
    );
    await stopped.waitFor({ state: 'visible', timeout: 90_000 });
    const reason = /missed at (\d+) s/.exec(await stopped.innerText());
    assert.ok(reason, 'the notification says when');
    assert.ok(Number(reason[1]) >= 5, `not before the 5 s settling delay (at ${reason[1]} s)`);

    const state = view().locator('#state');
    await state.filter({ hasText: 'stopped because' }).waitFor({ state: 'visible' });
    assert.match(
      await state.innerText(),
      /stopped because goal p50<0\.001ms was missed at \d+ s \(p50 [\d.]+ ms\)/,
      'the view says why the run stopped',
    );
    const line = await view().locator('#summary .summary-line').innerText();
    const over = /over ([\d.]+) s/.exec(line);
    assert.ok(over, line);
    assert.ok(Number(over[1]) < 30, `the 60 s run ended early: ${line}`);
    assert.equal(await view().locator('#summary #goals-verdict').innerText(), '1 of 1 goal missed');
    const goals = await view().locator('#summary #goals li').allInnerTexts();
    assert.equal(goals.length, 1, goals.join('\n'));
    assert.match(goals[0] ?? '', /^✗ missed p50<0\.001ms · measured p50 [\d.]+ ms$/);
    assert.ok(requests > before, 'the run loaded the test server');
    await screenshot(page, 'loadtest-goals-stopped');
  });
});
