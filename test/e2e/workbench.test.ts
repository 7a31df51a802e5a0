// The packaged extension in a real VS Code workbench: code-server on 127.0.0.1 with the .vsix
// installed, driven through headless Chromium the way a student drives it (command palette,
// quick picks, input boxes, modal dialogs, notifications, walkthrough buttons). Each checked
// screen is saved as test-results/<name>.png.
import { renderLab } from '../support/lab';
import { strict as assert } from 'node:assert';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { packageExtension, startCodeServer, type RunningCodeServer } from '../harness/codeserver';
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import type { RunningKube } from '../harness/kube';
import { startMoto, type RunningMoto } from '../harness/moto';
import { repoRoot, waitFor } from '../harness/lib';
import { sharedKube } from '../support/kube';
import { sandboxDown, sandboxStatus } from '../../src/node/sandbox/sandbox';
import { corpusExpected } from '../fixtures/corpusExpected';
import {
  clearToasts,
  dialog,
  pick,
  quickInput,
  quickInputBox,
  resultsDir,
  runCommand,
  screenshot,
  stepMedia,
  expectToast,
  toast,
  toasts,
  until,
  openFile,
  openWorkbench,
  answerSandboxQuestion,
  answerLoadTestPicks,
} from '../support/workbench';
import { englishManifest } from '../support/manifest';

/** How many files Create Lab Files writes (the templates and obslab-lab.json). */
const labFileCount = renderLab().size;

interface Manifest {
  contributes: { walkthroughs: { steps: { id: string; title: string }[] }[] };
}
const manifest = englishManifest() as Manifest;
const stepTitles = manifest.contributes.walkthroughs[0]?.steps.map((s) => s.title) ?? [];

// ---- driving the workbench ----------------------------------------------------------------

/**
 * Waits for the input box titled `title` (e.g. "(3/6)") and answers it: a value, or Enter for its
 * default. It clicks into the box first, as a student does when the cursor is not there: with the
 * walkthrough open, VS Code returns the focus to it when one box closes, its step button takes the
 * Enter key-up and keeps the focus, and the next box opens without it.
 */
async function answerInput(page: Page, title: string, value?: string): Promise<void> {
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

/** Waits until some webview (walkthrough media, markdown preview) shows `text`, on screen. */
async function webviewShows(page: Page, text: string): Promise<void> {
  const onScreen = async (frame: Frame): Promise<boolean> => {
    // The webview's outer iframe in the workbench page: VS Code hides and moves it as tabs change.
    let outer = frame;
    while (outer.parentFrame() && outer.parentFrame() !== page.mainFrame()) outer = outer.parentFrame() as Frame;
    const box = await (await outer.frameElement()).boundingBox();
    return box !== null && box.width > 0 && box.height > 0;
  };
  await waitFor(
    `a webview showing "${text}"`,
    async () => {
      for (const frame of page.frames()) {
        if (frame === page.mainFrame()) continue;
        const body = frame.locator('body').filter({ hasText: text });
        if ((await body.count().catch(() => 0)) > 0 && (await body.isVisible()) && (await onScreen(frame))) return true;
      }
      return false;
    },
    30_000,
  );
}

/** The status-bar item that says which lint rules apply to the active file ("lab rules", "general rules", "lint off"). */
const lintRules = (page: Page, rules: string): Locator =>
  page.locator('.statusbar-item').filter({ hasText: `Obslab: ${rules}` });
/** The Problems panel's filter box (it takes text and globs: a folder's name keeps that folder's files). */
const problemsFilter = (page: Page): Locator => page.getByPlaceholder(/^Filter \(e\.g\. text, \*\*\/\*\.ts/);

/**
 * The problems from source obslab that the Problems panel lists, as "<folder>/<file>:<line> <severity> <code>"
 * (the form of test/fixtures/corpusExpected.ts), read from its rows' accessible labels. The panel
 * renders only the rows on screen: filter it down to a short list first.
 */
async function obslabProblemsShown(page: Page): Promise<string[]> {
  const rows = await page.locator('.markers-panel .monaco-list-row').evaluateAll((els) =>
    els.map((e) => ({
      index: Number(e.getAttribute('data-index')),
      label: e.getAttribute('aria-label') ?? '',
      text: (e as HTMLElement).innerText,
    })),
  );
  rows.sort((a, b) => a.index - b.index);
  let file = '?';
  const shown: string[] = [];
  for (const row of rows) {
    const resource = /^\d+ problems in file (.+) of folder (.+)$/.exec(row.label);
    if (resource) {
      file = `${resource[2]?.split(/[\\/]/).pop() ?? ''}/${resource[1] ?? ''}`;
      continue;
    }
    const marker = /^(Error|Warning|Info): [\s\S]* at line (\d+) and character \d+\.[\s\S]* generated by obslab$/.exec(
      row.label,
    );
    if (!marker) continue;
    // The row reads: message, source, code, [Ln, Col] (the code in parentheses in older versions).
    const code =
      /(?:^|\n)obslab\s*\(?\s*([^\s()]+?)\s*\)?\s*\n\[Ln \d+/.exec(row.text)?.[1] ?? `(no code in "${row.text}")`;
    shown.push(`${file}:${marker[2] ?? ''} ${marker[1]?.toLowerCase() ?? ''} ${code}`);
  }
  return shown.sort();
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

// ---- the tests ----------------------------------------------------------------------------

describe('the extension in a real VS Code workbench (code-server + Chromium)', function () {
  this.timeout(5 * 60_000);
  this.slow(30_000);

  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workspace: string;
  let lab: string;
  /** The real control plane the workbench's extension host talks to (its KUBECONFIG). */
  let kube: RunningKube;
  /** The real IAM, STS and EKS API (moto) the workbench's AWS SDK talks to (its AWS_ENDPOINT_URL). */
  let moto: RunningMoto;

  before(async function () {
    this.timeout(20 * 60_000); // a cold cache builds Node 24 and code-server first
    mkdirSync(resultsDir, { recursive: true });
    const vsix = await packageExtension();
    [kube, moto] = await Promise.all([sharedKube(), startMoto()]);
    // The lab's cluster, as moto's EKS knows it: its OIDC issuer is what the IRSA trust names.
    const eks = new EKSClient({
      endpoint: moto.url,
      region: 'ap-south-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await eks.send(
      new CreateClusterCommand({
        name: 'ds252-cluster',
        roleArn: 'arn:aws:iam::123456789012:role/eks-cluster',
        resourcesVpcConfig: { subnetIds: ['subnet-1'] },
      }),
    );
    eks.destroy();
    workspace = mkdtempSync(join(tmpdir(), 'obslab-e2e-workspace-'));
    lab = join(workspace, 'lab');
    server = await startCodeServer({
      name: 'codeserver-e2e',
      workspace,
      vsix,
      env: { KUBECONFIG: kube.kubeconfig, ...moto.env },
      // Room for the walkthrough: no chat view beside the editor.
      settings: { 'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden' },
    });
    ({ browser, page } = await openWorkbench(server.url));
    // A fresh profile: the extension opens its walkthrough once it has started. Wait for it, or it
    // would open in the middle of a later test and take the focus from the command palette.
    await page.locator('.getting-started-step.expanded').waitFor({ state: 'visible', timeout: 90_000 });
    // It focuses its first step a moment after showing it, and renders the step's markdown.
    await page.waitForFunction(() => document.activeElement?.classList.contains('getting-started-step') === true);
    await stepMedia(page).locator('h1').first().waitFor({ state: 'visible' });
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await moto?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      const name = (this.currentTest.title.replace(/[^\w]+/g, '-').slice(0, 60) || 'failure').toLowerCase();
      await page.screenshot({ path: join(resultsDir, `failed-${name}.png`) }).catch(() => undefined);
    }
  });

  it('opens the walkthrough on the first start and from the command palette, with every step', async () => {
    const steps = page.locator('.getting-started-step .step-title');
    await steps.filter({ hasText: 'Prerequisites and lab files' }).waitFor({ state: 'visible' });
    await runCommand(page, 'View: Close All Editors');
    await steps.first().waitFor({ state: 'hidden' });

    await runCommand(page, 'Observability Lab: Open Walkthrough');
    assert.ok(stepTitles.length >= 7, 'package.json has the walkthrough steps');
    assert.equal(stepTitles[0], 'Prerequisites and lab files');
    assert.equal(stepTitles[1], 'Task 1: IAM policy and IRSA role');
    assert.equal(stepTitles.at(-1), 'Clean up');
    for (const title of stepTitles) await steps.filter({ hasText: title }).first().waitFor({ state: 'visible' });
    await stepMedia(page)
      .locator('h1')
      .filter({ hasText: 'Prerequisites and lab files' })
      .waitFor({ state: 'visible' });
    await screenshot(page, 'walkthrough');
  });

  it('creates the lab files from the command palette with a custom Helm release', async () => {
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Create Lab Files');
    await pick(page, 'where?', 'a lab folder in this workspace');
    await pick(page, 'names', /^Change names…/);
    await answerInput(page, '(1/6)'); // app namespace
    await answerInput(page, '(2/6)'); // monitoring namespace
    await answerInput(page, '(3/6)', 'kps'); // Helm release
    await answerInput(page, '(4/6)');
    await answerInput(page, '(5/6)');
    await answerInput(page, '(6/6)');
    await toast(page, new RegExp(`wrote ${labFileCount} lab file`)).waitFor({ state: 'visible' });
    await page
      .locator('.explorer-folders-view .monaco-list-row .label-name')
      .filter({ hasText: /^lab$/ })
      .waitFor({ state: 'visible' });

    const files = listFiles(lab)
      .map((f) => relative(lab, f))
      .sort();
    assert.equal(files.length, labFileCount, `${labFileCount} files in lab/: ${files.join(', ')}`);
    assert.ok(files.includes('obslab-lab.json'));
    assert.match(readFileSync(join(lab, 'k8s', 'otel-servicemonitors.yaml'), 'utf8'), /release: kps\b/);
    assert.match(readFileSync(join(lab, 'helm', 'otel-collector-values.yaml'), 'utf8'), /release: kps\b/);
    const saved = JSON.parse(readFileSync(join(lab, 'obslab-lab.json'), 'utf8')) as { params: { helmRelease: string } };
    assert.equal(saved.params.helmRelease, 'kps');
    await screenshot(page, 'create-lab-files');
  });

  it('asks before replacing a file the student changed, and keeps it on "Keep Mine"', async () => {
    const appYaml = join(lab, 'k8s', 'app.yaml');
    assert.ok(existsSync(appYaml), 'the previous test created the lab');
    appendFileSync(appYaml, '# my own change: 3 replicas for the load test\n');
    const mine = readFileSync(appYaml, 'utf8');

    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Create Lab Files');
    await pick(page, 'where?', 'a lab folder in this workspace');
    // The names the lab was made with (release kps), so only the student's own edit differs.
    await pick(page, 'names', 'Use these names');
    await dialog(page).waitFor({ state: 'visible' });
    const text = await dialog(page).innerText();
    assert.match(text, /k8s\/app\.yaml/);
    assert.match(text, /Replace them\?/);
    assert.match(text, /\b1 file\(s\)/, `only the edited file differs:\n${text}`);
    await quickInput(page).waitFor({ state: 'hidden' });
    await screenshot(page, 'replace-modal');

    await dialog(page).locator('.monaco-button').filter({ hasText: 'Keep Mine' }).click();
    await dialog(page).waitFor({ state: 'hidden' });
    await toast(page, /Kept your 1 changed file/).waitFor({ state: 'visible' });
    assert.equal(readFileSync(appYaml, 'utf8'), mine, "app.yaml still holds the student's text");
    assert.match(readFileSync(join(lab, 'k8s', 'otel-servicemonitors.yaml'), 'utf8'), /release: kps\b/);
  });

  it('checks the prerequisites and reports them in a notification', async () => {
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Check Prerequisites');
    // Not the progress toast ("checking prerequisites: kubectl"): the summary that follows it.
    const report = toast(page, /Observability Lab prerequisites:/);
    await report.waitFor({ state: 'visible', timeout: 90_000 });
    assert.match(await report.innerText(), /\d+ of \d+ ready|all \d+ ready/);
    await toasts(page)
      .filter({ hasText: /checking prerequisites/ })
      .waitFor({ state: 'hidden' });
    await screenshot(page, 'check-prerequisites');
  });

  it("opens the Task 2 files from the walkthrough step's button", async () => {
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Open Walkthrough');
    // Opening it selects the first step not done yet, which may land just after our click.
    const task2 = page.locator('.getting-started-step').filter({ hasText: 'Task 2: kube-prometheus-stack' }).first();
    await page.locator('.getting-started-step.expanded').waitFor({ state: 'visible' });
    await until(
      'expand the Task 2 step',
      () => task2.click(),
      async () => (await task2.getAttribute('class'))?.includes('expanded') === true,
    );
    // VS Code 1.139 renders a step's command link as an a.monaco-button without an href.
    const button = page
      .locator('.getting-started-step.expanded .button-container a.monaco-button')
      .filter({ hasText: 'Open Task 2 Files' });
    await button.waitFor({ state: 'visible' });
    await button.click();
    // The values file in front in its group, and beside it the step's commands with the student's names.
    const tab = page.locator('.tabs-container .tab.active').filter({ hasText: 'kube-prometheus-stack-values.yaml' });
    await tab.waitFor({ state: 'visible' });
    await page
      .locator('.monaco-editor .view-lines')
      .filter({ hasText: 'serviceMonitorSelectorNilUsesHelmValues' })
      .first()
      .waitFor({ state: 'visible' });
    await page
      .locator('.tabs-container .tab.active')
      .filter({ hasText: 'Preview COMMANDS.md' })
      .waitFor({ state: 'visible' });
    await webviewShows(page, 'helm upgrade --install kps prometheus-community/kube-prometheus-stack');
    await screenshot(page, 'task2-files');
  });

  it('underlines the removed telemetry address in the collector ConfigMap and fixes it with its quick fix', async () => {
    const file = join(lab, 'k8s', 'otel-collector-config.yaml');
    // The form older guides use; the scaffold pins collector 0.155.0, which refuses it.
    const original = readFileSync(file, 'utf8');
    const broken = original.replace(
      /readers:\n(?: {12}.*\n)+?( {6}pipelines:)/,
      'address: 0.0.0.0:8888 # scraped by Prometheus\n$1',
    );
    assert.notEqual(broken, original, 'the test put the address form into the ConfigMap');
    writeFileSync(file, broken);
    const line = broken.split('\n').findIndex((l) => /^\s*address: 0\.0\.0\.0:8888 #/.test(l)) + 1;

    await clearToasts(page);
    await openFile(page, 'lab/k8s/otel-collector-config.yaml');
    await lintRules(page, 'lab rules').waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'visible', timeout: 60_000 });
    await runCommand(page, 'Problems: Focus on Problems View');
    const problem = page
      .locator('.markers-panel .monaco-list-row')
      .filter({ hasText: 'collector/telemetry-address-deprecated' });
    await problem.first().waitFor({ state: 'visible' });
    assert.match(await problem.first().innerText(), /refuses to start/);
    await screenshot(page, 'lint-diagnostic');

    // Back in the editor, on the address line (Go to Line takes ":<line>").
    await runCommand(page, 'Go to Line/Column...');
    await quickInputBox(page).fill(`:${line}`);
    await page.keyboard.press('Enter');
    await page
      .locator('.statusbar')
      .filter({ hasText: `Ln ${line},` })
      .waitFor({ state: 'visible' });
    await runCommand(page, 'Quick Fix...');
    const fix = page.locator('.action-widget .monaco-list-row').filter({ hasText: 'Rewrite as readers' });
    await fix.first().waitFor({ state: 'visible' });
    await screenshot(page, 'lint-quick-fix');
    await fix.first().click();
    await page.keyboard.press('Control+S');
    await waitFor(
      'the fixed file on disk',
      async () => /readers:\n {12}- pull:[\s\S]*port: 8888 # scraped by Prometheus/.test(readFileSync(file, 'utf8')),
      30_000,
    );
    assert.doesNotMatch(readFileSync(file, 'utf8'), /^\s*address:/m);
    await problem.first().waitFor({ state: 'hidden' });
  });

  it('completes Kubernetes fields from the bundled schemas, offline', async () => {
    const file = join(lab, 'k8s', 'scratch-deployment.yaml');
    writeFileSync(file, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: scratch\nspec:\n  re');
    await openFile(page, 'lab/k8s/scratch-deployment.yaml');
    const suggestion = page.locator('.suggest-widget .monaco-list-row').filter({ hasText: 'replicas' });
    // The YAML server starts with the first YAML file; ask again until it answers.
    await until(
      'schema completion under spec',
      async () => {
        await page.keyboard.press('Control+End');
        await page.keyboard.press('Control+Space');
      },
      async () => (await suggestion.count()) > 0,
      60_000,
    );
    await screenshot(page, 'yaml-completion');
    await page.keyboard.press('Escape');
    rmSync(file, { force: true });
  });

  // ---- linting outside the lab: real public files, general rules --------------------------

  const corpusDir = join(repoRoot, 'test', 'fixtures', 'corpus');
  /** A folder of the workspace with no obslab-lab.json in it or above it. */
  const outsideName = 'examples-outside-lab';
  /** Corpus folders whose expected findings (corpusExpected.ts) hold no error, copied as they are. */
  const outsideFolders = [
    'prom-operator-getting-started',
    'eks-workshop-v2-crossplane-irsa',
    'otel-chart-alternate-config',
    'otel-demo-collector',
    'contrib-spanmetrics-connector',
  ];
  const workflowPath = `${outsideName}/.github/workflows/checks.yml`;

  /** Copies the corpus folders into the workspace (again, if a test before changed them), and the demo's workflow where GitHub keeps it. */
  function copyCorpusOutsideLab(): void {
    const outside = join(workspace, outsideName);
    for (const folder of outsideFolders) {
      assert.ok(
        !(corpusExpected[folder] ?? []).some((f) => / error /.test(f)),
        `${folder}: corpusExpected lists no error for it`,
      );
      cpSync(join(corpusDir, folder), join(outside, folder), { recursive: true });
    }
    assert.equal(
      corpusExpected['otel-demo-github-workflow'],
      undefined,
      'the workflow has no finding in corpusExpected',
    );
    mkdirSync(join(outside, '.github', 'workflows'), { recursive: true });
    cpSync(join(corpusDir, 'otel-demo-github-workflow', 'checks.yml'), join(workspace, workflowPath));
  }

  /** The scaffolded lab; made with the default names when the test runs without the one that creates it (--grep). */
  async function ensureLab(): Promise<string> {
    if (!existsSync(join(lab, 'obslab-lab.json'))) {
      await clearToasts(page);
      await runCommand(page, 'Observability Lab: Create Lab Files');
      await pick(page, 'where?', 'a lab folder in this workspace');
      await pick(page, 'names', 'Use these names');
      await toast(page, /wrote \d+ lab file/).waitFor({ state: 'visible' });
      await clearToasts(page);
    }
    return (JSON.parse(readFileSync(join(lab, 'obslab-lab.json'), 'utf8')) as { params: { helmRelease: string } })
      .params.helmRelease;
  }

  it('lints real public files outside the lab with general rules only: no error in the Problems panel, the expected warnings, and an error only where the files show one', async () => {
    copyCorpusOutsideLab();
    await runCommand(page, 'View: Close All Editors');
    const opened = [
      `${outsideName}/prom-operator-getting-started/example-app-service-monitor.yaml`,
      `${outsideName}/otel-demo-collector/otelcol-config-extras.yml`,
      `${outsideName}/contrib-spanmetrics-connector/config-full-connector.yaml`,
      `${outsideName}/otel-chart-alternate-config/values.yaml`,
      // Last: its folder has findings, so their rows show that the linting has answered.
      `${outsideName}/eks-workshop-v2-crossplane-irsa/trust.json`,
    ];
    for (const path of opened) {
      await openFile(page, path);
      await lintRules(page, 'general rules').waitFor({ state: 'visible', timeout: 60_000 });
    }
    // Each opened file's folder is linted as a whole; corpusExpected says what `obslab lint` finds there.
    const folders = [...new Set(opened.map((p) => p.split('/')[1] ?? ''))];
    const expected = folders.flatMap((folder) => (corpusExpected[folder] ?? []).map((f) => `${folder}/${f}`)).sort();
    assert.ok(
      expected.length > 0 && !expected.some((f) => / error /.test(f)),
      `warnings and notes, no error: ${expected.join('; ')}`,
    );

    await runCommand(page, 'Problems: Focus on Problems View');
    try {
      await problemsFilter(page).fill(outsideName);
      let shown: string[] = [];
      await waitFor(
        'the expected findings in the Problems panel',
        async () => {
          shown = await obslabProblemsShown(page);
          return shown.join('\n') === expected.join('\n');
        },
        60_000,
      ).catch(() => assert.deepEqual(shown, expected, 'the Problems panel lists what corpusExpected.ts lists'));
      // Nothing more arrives a moment later (a slower folder's false error would).
      await new Promise((r) => setTimeout(r, 3_000));
      shown = await obslabProblemsShown(page);
      assert.deepEqual(shown, expected, 'the Problems panel lists what corpusExpected.ts lists');
      assert.ok(!shown.some((p) => / error /.test(p)), `no error from obslab: ${shown.join('; ')}`);
      await page
        .locator('.markers-panel .monaco-list-row')
        .filter({ hasText: 'iam/trust-audience-missing' })
        .first()
        .waitFor({ state: 'visible' });
      await screenshot(page, 'lint-outside-lab-problems');

      // The ServiceMonitor is clean because a Prometheus in its folder selects team: frontend. Relabel
      // it and the same general rule reports it; label it back, and it is clean again.
      const monitor = opened[0] ?? '';
      await openFile(page, monitor);
      const relabel = async (label: string): Promise<void> => {
        await runCommand(page, 'Go to Line/Column...');
        await quickInputBox(page).fill(':6');
        await page.keyboard.press('Enter');
        await page.locator('.statusbar').filter({ hasText: 'Ln 6,' }).waitFor({ state: 'visible' });
        await page.keyboard.press('End');
        await page.keyboard.press('Shift+Home');
        await page.keyboard.insertText(label);
      };
      await relabel('team: backend');
      const notSelected = page
        .locator('.markers-panel .monaco-list-row')
        .filter({ hasText: 'servicemonitor/not-selected' });
      await notSelected.first().waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await notSelected.first().innerText(), /selects ServiceMonitors labelled team=frontend/);
      await relabel('team: frontend');
      await notSelected.first().waitFor({ state: 'hidden', timeout: 60_000 });
      // In the browser VS Code saves edits after a delay (files.autoSave); saved either way, the copy is as published.
      await page.keyboard.press('Control+S');
      const published = readFileSync(
        join(corpusDir, 'prom-operator-getting-started', 'example-app-service-monitor.yaml'),
        'utf8',
      );
      await waitFor(
        'the ServiceMonitor as published, on disk',
        async () => readFileSync(join(workspace, monitor), 'utf8') === published,
        15_000,
      );
    } finally {
      await problemsFilter(page)
        .fill('')
        .catch(() => undefined);
    }
  });

  it("lints the lab folder with the lab's rules: the public ServiceMonitor that was clean outside the lab misses the release label in it, and its quick fix adds the label", async () => {
    const release = await ensureLab();
    const file = join(lab, 'k8s', 'example-app-service-monitor.yaml');
    // Byte for byte the file the previous test saw clean in its own folder.
    cpSync(join(corpusDir, 'prom-operator-getting-started', 'example-app-service-monitor.yaml'), file);
    try {
      await clearToasts(page);
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, 'lab/k8s/example-app-service-monitor.yaml');
      await lintRules(page, 'lab rules').waitFor({ state: 'visible', timeout: 60_000 });
      await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'visible', timeout: 60_000 });
      await runCommand(page, 'Problems: Focus on Problems View');
      const problem = page
        .locator('.markers-panel .monaco-list-row')
        .filter({ hasText: 'servicemonitor/release-label-missing' })
        .filter({ hasText: 'example-app' });
      await problem.first().waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(
        await problem.first().innerText(),
        new RegExp(`ServiceMonitor example-app has no release label \\(release: ${release}\\)`),
      );
      assert.match((await problem.first().getAttribute('aria-label')) ?? '', /^Error: .* at line 5 and character 3\./);
      await screenshot(page, 'lint-lab-rules');

      // The finding sits on the labels (line 5); its quick fix adds the lab's release label.
      await runCommand(page, 'Go to Line/Column...');
      await quickInputBox(page).fill(':5:3');
      await page.keyboard.press('Enter');
      await page.locator('.statusbar').filter({ hasText: 'Ln 5, Col 3' }).waitFor({ state: 'visible' });
      await runCommand(page, 'Quick Fix...');
      const fix = page
        .locator('.action-widget .monaco-list-row')
        .filter({ hasText: `Add the label release: ${release}` });
      await fix.first().waitFor({ state: 'visible' });
      await fix.first().click();
      await page.keyboard.press('Control+S');
      await waitFor(
        'the label on disk',
        async () =>
          new RegExp(`labels:\\n {4}release: ${release}\\n {4}team: frontend\\n`).test(readFileSync(file, 'utf8')),
        30_000,
      );
      await problem.first().waitFor({ state: 'hidden', timeout: 60_000 });
    } finally {
      await runCommand(page, 'View: Close All Editors').catch(() => undefined);
      // Apply Manifests and Clean Up, later, take the lab's k8s/ folder as the scaffold wrote it.
      rmSync(file, { force: true });
    }
  });

  it('gives a GitHub Actions workflow none of our schemas: no schema name above it, no completion of lab fields', async () => {
    copyCorpusOutsideLab();
    await ensureLab();
    await runCommand(page, 'View: Close All Editors');
    const lenses = page.locator('.editor-instance .monaco-editor .codelens-decoration');
    // The same YAML server names a lab file's schema above it: the absence below is not a server that never started.
    await openFile(page, 'lab/k8s/otel-servicemonitors.yaml');
    const labLens = lenses.filter({ hasText: /^ServiceMonitor \(monitoring\.coreos\.com\/v1\)/ }).first();
    const lensStarted = Date.now();
    await labLens.waitFor({ state: 'visible', timeout: 60_000 });
    const lensMs = Date.now() - lensStarted;

    await openFile(page, workflowPath);
    await lintRules(page, 'general rules').waitFor({ state: 'visible', timeout: 60_000 });
    await page
      .locator('.monaco-editor .view-lines')
      .filter({ hasText: 'name: Checks' })
      .first()
      .waitFor({ state: 'visible' });
    // A new empty line at the top, where the lab's schema would offer apiVersion, kind, receivers...
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowUp');
    const suggest = page.locator('.editor-widget.suggest-widget.visible');
    await until(
      'the suggestions at the top of the workflow',
      () => page.keyboard.press('Control+Space'),
      async () =>
        (await suggest.locator('.monaco-list-row').count()) > 0 ||
        (await suggest
          .locator('.message')
          .filter({ hasText: /No suggestions/ })
          .count()) > 0,
      30_000,
    );
    const offered = (
      await suggest.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))
    ).map((l) => l.split(',')[0]?.trim() ?? '');
    for (const field of ['apiVersion', 'kind', 'metadata', 'spec', 'receivers', 'exporters', 'processors']) {
      assert.ok(
        !offered.includes(field),
        `the workflow is not offered the lab's field ${field} (offered: ${offered.join(', ')})`,
      );
    }
    // What it is offered of ours are the lab's snippets, which VS Code gives every YAML file (package.json contributes them for the language).
    const snippets = Object.values(
      JSON.parse(readFileSync(join(repoRoot, 'snippets', 'yaml.code-snippets'), 'utf8')) as Record<
        string,
        { prefix: string }
      >,
    ).map((x) => x.prefix);
    const ours = offered.filter((l) => /obslab|observability lab/i.test(l));
    assert.deepEqual(
      ours.filter((l) => !snippets.includes(l)),
      [],
      `nothing of ours but the snippets (offered: ${offered.join(', ')})`,
    );
    await page.keyboard.press('Escape');
    // Code lenses come well within the time the lab file's took; give them twice that, and 5 s at least.
    await new Promise((r) => setTimeout(r, Math.max(5_000, 2 * lensMs)));
    assert.deepEqual(await lenses.allInnerTexts(), [], 'no schema name above the workflow');
    assert.equal(
      await page.locator('.monaco-editor').filter({ hasText: 'Observability Lab' }).count(),
      0,
      'no "Observability Lab" schema in the editor',
    );
    await screenshot(page, 'workflow-no-schema');
    // Take the empty line out again (the browser's VS Code auto-saves edits).
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    const published = readFileSync(join(corpusDir, 'otel-demo-github-workflow', 'checks.yml'), 'utf8');
    await waitFor(
      'the workflow as published, on disk',
      async () => readFileSync(join(workspace, workflowPath), 'utf8') === published,
      15_000,
    );
    await runCommand(page, 'View: Close All Editors');
  });

  it('creates the IAM policy and the IRSA role against a real IAM API, showing every change first (Task 1)', async function () {
    this.timeout(4 * 60_000);
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Create IAM Policy and IRSA Role');
    // moto's account has no OIDC provider for the cluster's issuer yet: the command offers to create it.
    await dialog(page).waitFor({ state: 'visible', timeout: 120_000 });
    assert.match(await dialog(page).innerText(), /no IAM OIDC provider for ds252-cluster/);
    await dialog(page)
      .locator('.monaco-button')
      .filter({ hasText: /^Create It$/ })
      .click();
    await dialog(page)
      .filter({ hasText: /Make \d+ change\(s\) in AWS account 123456789012/ })
      .waitFor({ state: 'visible', timeout: 60_000 });
    const text = await dialog(page).innerText();
    assert.match(text, /ds252-prometheus-otel-policy/, text);
    assert.match(text, /ds252-prometheus-sa-role/, text);
    assert.match(text, /prometheus-sa/, text);
    await screenshot(page, 'create-irsa-role-confirm');
    await dialog(page)
      .locator('.monaco-button')
      .filter({ hasText: /^Make Changes$/ })
      .click();
    const ready = toast(
      page,
      /role arn:aws:iam::123456789012:role\/ds252-prometheus-sa-role is ready for monitoring\/prometheus-sa/,
    );
    await ready.waitFor({ state: 'visible', timeout: 120_000 });
    // The ServiceAccount in the real cluster carries the role.
    const sa = JSON.parse(
      await kube.kubectl(['get', 'serviceaccount', '-n', 'monitoring', 'prometheus-sa', '-o', 'json']),
    ) as { metadata: { annotations?: Record<string, string> } };
    assert.equal(
      sa.metadata.annotations?.['eks.amazonaws.com/role-arn'],
      'arn:aws:iam::123456789012:role/ds252-prometheus-sa-role',
    );
    await ready.locator('.monaco-button').filter({ hasText: 'Inspect IRSA Role' }).click();
  });

  it('inspects the IRSA role in a webview: trust explained, a verdict per lab action, and the aps:RemoteWrite what-if (Task 4)', async function () {
    this.timeout(3 * 60_000);
    await webviewShows(page, 'system:serviceaccount:monitoring:prometheus-sa');
    await webviewShows(page, 'aps:RemoteWrite');
    await webviewShows(page, '403');
    await screenshot(page, 'inspect-irsa-role');
  });

  it("applies the lab's manifests to the real cluster after a dry-run summary in a modal, then reports the rollouts", async function () {
    this.timeout(6 * 60_000);
    await clearToasts(page);
    // No editor open: the command takes the lab's k8s/ folder.
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Observability Lab: Apply Manifests');
    await dialog(page).waitFor({ state: 'visible', timeout: 120_000 });
    const text = await dialog(page).innerText();
    assert.match(text, /Apply .* to context 'obslab'\?/, text);
    assert.match(text, /created/);
    assert.match(text, /\+ Namespace app\b/, text);
    assert.match(text, /\+ Deployment app\/otel-flask/, text);
    assert.match(text, /\+ ServiceMonitor monitoring\//, text);
    await screenshot(page, 'apply-manifests-confirm');
    await dialog(page)
      .locator('.monaco-button')
      .filter({ hasText: /^Apply$/ })
      .click();
    await dialog(page).waitFor({ state: 'hidden' });
    // The rollout watch ends by 180 s (obslab.rolloutTimeoutSeconds); past that the cluster says why.
    await expectToast(page, /Deployment\(s\) rolled out/, 240_000, async () =>
      [
        await kube.kubectl(['get', 'nodes,deployments,replicasets,pods', '-A', '-o', 'wide']),
        await kube.kubectl(['get', 'events', '-A', '--sort-by=.lastTimestamp']),
      ].join('\n'),
    );
    await screenshot(page, 'apply-manifests-rolled-out');
    // The cluster has them, applied by our field manager.
    const deploy = JSON.parse(
      await kube.kubectl(['get', 'deployment', '-n', 'app', 'otel-flask', '-o', 'json', '--show-managed-fields']),
    ) as { metadata: { managedFields: { manager: string }[] }; status: { readyReplicas?: number } };
    assert.ok(deploy.metadata.managedFields.some((m) => m.manager === 'obslab'));
    assert.ok((deploy.status.readyReplicas ?? 0) >= 1);

    // A second time: nothing to change, said without a modal.
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Apply Manifests');
    await toast(page, /is already applied/).waitFor({ state: 'visible', timeout: 120_000 });
  });

  it('forwards the app from the command palette, shows it in the status bar, carries traffic, and stops it', async function () {
    this.timeout(4 * 60_000);
    // The "container" behind the app's pods: kwok forwards their port 5000 to this server.
    const marker = `the app behind the forward ${process.pid}`;
    const server: Server = createServer((_req, res) => res.end(marker));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    assert.ok(address && typeof address === 'object');
    await kube.kubectl(['apply', '-f', '-'], {
      input: `apiVersion: kwok.x-k8s.io/v1alpha1\nkind: ClusterPortForward\nmetadata:\n  name: e2e-app\nspec:\n  selector:\n    matchNamespaces: [app]\n  forwards:\n    - ports: [5000]\n      target:\n        address: 127.0.0.1\n        port: ${address.port}\n`,
    });
    try {
      await clearToasts(page);
      await runCommand(page, 'Observability Lab: Start Port-Forward');
      await pick(page, 'Start Port-Forward', 'Flask app');
      // 8080 may be taken on this machine: then the command offers the next free port.
      const started = toast(page, /App on http:\/\/127\.0\.0\.1:\d+/);
      await waitFor(
        'the forward to start, or the port question',
        async () => (await started.count()) > 0 || (await dialog(page).isVisible()),
        60_000,
      );
      if (await dialog(page).isVisible())
        await dialog(page)
          .locator('.monaco-button')
          .filter({ hasText: /^Use \d+$/ })
          .click();
      await started.first().waitFor({ state: 'visible', timeout: 60_000 });
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(await started.first().innerText())?.[0];
      assert.ok(url, 'the notification names the local address');
      const item = page.locator('.statusbar-item').filter({ hasText: /1 forward\b/ });
      await item.first().waitFor({ state: 'visible' });
      let body = '';
      await waitFor(
        `GET ${url} through our forward`,
        async () => {
          const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
          body = await res.text();
          return body === marker;
        },
        60_000,
      );
      assert.equal(body, marker);
      // The Port Forwards view (Explorer) lists it with the pod behind it.
      const view = page.locator('.pane-header').filter({ hasText: 'Port Forwards' });
      if ((await view.getAttribute('aria-expanded')) !== 'true') await view.click();
      await page
        .locator('.pane-body .monaco-list-row')
        .filter({ hasText: /127\.0\.0\.1:\d+/ })
        .first()
        .waitFor({ state: 'visible' });
      await toasts(page)
        .filter({ hasText: /forwarding Flask app/ })
        .waitFor({ state: 'hidden' });
      await screenshot(page, 'port-forward-status-bar');

      await clearToasts(page);
      await runCommand(page, 'Observability Lab: Stop All Port-Forwards');
      await item.first().waitFor({ state: 'hidden' });
      await assert.rejects(fetch(url, { signal: AbortSignal.timeout(3000) }), 'nothing listens there any more');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await kube.kubectl(['delete', 'clusterportforward', 'e2e-app', '--ignore-not-found']).catch(() => undefined);
    }
  });

  it('cleans up exactly what the lab applied, after listing it in a modal', async function () {
    this.timeout(4 * 60_000);
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Clean Up');
    await dialog(page).waitFor({ state: 'visible', timeout: 120_000 });
    const text = await dialog(page).innerText();
    assert.match(text, /Delete \d+ item\(s\) the lab created in obslab\?/, text);
    assert.match(text, /delete Deployment app\/otel-flask/, text);
    assert.match(text, /delete Namespace app\b/, text);
    assert.doesNotMatch(text, /kube-system|default\//, 'nothing the lab did not create');
    await screenshot(page, 'clean-up-confirm');
    await dialog(page)
      .locator('.monaco-button')
      .filter({ hasText: /^Delete$/ })
      .click();
    await toast(page, /cleaned up \d+ item\(s\)/).waitFor({ state: 'visible', timeout: 120_000 });
    await assert.rejects(kube.kubectl(['get', 'namespace', 'app']), /NotFound/);
    assert.match(await kube.kubectl(['get', 'namespace', 'kube-system', '-o', 'name']), /kube-system/);
  });

  it('starts the sandbox from the command palette and stops it again', async function () {
    this.timeout(5 * 60_000);
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Start Sandbox');
    await answerSandboxQuestion(page);
    const up = toast(page, /the sandbox (is up|was already running)/);
    await up.waitFor({ state: 'visible', timeout: 180_000 });
    assert.match(await up.innerText(), /Prometheus at http:\/\/127\.0\.0\.1:\d+/);
    await screenshot(page, 'sandbox-started');
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Stop Sandbox');
    await toast(page, /sandbox: stopped app, collector, prometheus|sandbox: stopped/).waitFor({ state: 'visible' });
  });

  /** Start Sandbox from the palette; the app's and Prometheus' addresses as the sandbox reports them. */
  async function startSandboxFromPalette(): Promise<{ appUrl: string; promUrl: string }> {
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Start Sandbox');
    await answerSandboxQuestion(page);
    await toast(page, /the sandbox (is up|was already running)/).waitFor({ state: 'visible', timeout: 180_000 });
    await clearToasts(page);
    const parts = await sandboxStatus();
    const appUrl = parts.find((p) => p.name === 'app')?.url;
    const promUrl = parts.find((p) => p.name === 'prometheus')?.url;
    assert.ok(appUrl && promUrl, `the sandbox reports the app and Prometheus: ${JSON.stringify(parts)}`);
    return { appUrl, promUrl };
  }

  /** Until the query has a result in Prometheus (the app's traffic scraped), at most 2 minutes. */
  async function untilPrometheusAnswers(promUrl: string, what: string, query: string): Promise<void> {
    await waitFor(
      what,
      async () => {
        const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(query)}`).catch(() => undefined);
        const body = res ? ((await res.json()) as { data?: { result?: unknown[] } }) : undefined;
        return (body?.data?.result?.length ?? 0) > 0;
      },
      120_000,
    );
  }

  it('queries Prometheus in the query panel: a lab query as a table, a range chart, targets, and "Did you mean" for a wrong name', async function () {
    this.timeout(8 * 60_000);
    let traffic: ReturnType<typeof setInterval> | undefined;
    try {
      const { appUrl, promUrl } = await startSandboxFromPalette();

      // Real POST /hash traffic, kept up while the panel queries, so rate() has samples to work on.
      const post = async (n: number): Promise<void> => {
        const res = await fetch(`${appUrl}/hash`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `data=e2e-${n}`,
        });
        await res.text();
        assert.equal(res.status, 200, `POST /hash answered ${res.status}`);
      };
      for (let i = 0; i < 20; i++) await post(i);
      let sent = 20;
      traffic = setInterval(() => void post(sent++).catch(() => undefined), 250);
      // Until Prometheus has scraped the app's request counter at least twice (rate needs two samples).
      await untilPrometheusAnswers(
        promUrl,
        "the app's request rate in Prometheus",
        'sum(rate(http_server_request_duration_seconds_count{http_route="/hash"}[30s])) > 0',
      );

      // Only our webview on screen, so the frame locator finds one.
      await runCommand(page, 'View: Close All Editors');
      await runCommand(page, 'Observability Lab: Query Prometheus');
      const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await view.locator('.prom-url').filter({ hasText: promUrl }).waitFor({ state: 'visible', timeout: 60_000 });

      // A lab query from the side panel, instant: a table with a row.
      const labQuery = view.locator('#lab-queries li').filter({ hasText: 'request rate during the load test' });
      await labQuery.waitFor({ state: 'visible' });
      await labQuery.locator('button.run-lab-query').click();
      const rows = view.locator('#result table tbody tr');
      await rows.first().waitFor({ state: 'visible' });
      assert.ok((await rows.count()) > 0, 'the result table has rows');
      assert.match(
        await view.locator('.cm-content').innerText(),
        /http_server_request_duration_seconds_count\{http_route="\/hash"\}/,
      );
      // PromQL is coloured: CodeMirror's run-time styles pass the strict CSP through its nonce.
      const colours = await view
        .locator('.cm-line')
        .first()
        .evaluate((line) =>
          Array.from(line.querySelectorAll('span'))
            .map((s) => getComputedStyle(s).color)
            .concat(getComputedStyle(line).color),
        );
      assert.ok(new Set(colours).size > 1, `the query is highlighted (colours: ${colours.join(', ')})`);
      await screenshot(page, 'query-table');

      // The same as a range query over the last 5 minutes: a uPlot chart on a canvas, with points.
      await view.locator('#mode').selectOption('range');
      await view.locator('#range').selectOption('5m');
      await view.locator('#run').click();
      await view.locator('#chart canvas').waitFor({ state: 'visible' });
      await view
        .locator('#status')
        .filter({ hasText: /last 5m, step \d+s/ })
        .waitFor({ state: 'visible' });
      const points = Number(await view.locator('#chart').getAttribute('data-points'));
      assert.ok(points > 1, `the chart has points (${points})`);
      assert.ok(
        (await view.locator('#chart .u-legend .u-series').count()) >= 2,
        'the chart has a series beside the time axis',
      );
      await screenshot(page, 'query-chart');

      // The lab's old name: Prometheus has no such metric, so the panel suggests the real one.
      await view.locator('#mode').selectOption('instant');
      await view.locator('.cm-content').click();
      await page.keyboard.press('Control+A');
      // One input event, as a paste: typed key by key, the completion list would take some keys.
      await page.keyboard.insertText('sum(rate(flask_http_request_total[1m]))');
      await page.keyboard.press('Escape'); // the completion list, if it opened
      await view.locator('#run').click();
      const suggestion = view
        .locator('#suggestions')
        .filter({ hasText: 'Did you mean http_server_request_duration_seconds_count' });
      await suggestion.waitFor({ state: 'visible' });
      await screenshot(page, 'query-suggestion');
      await suggestion.locator('button.use-suggestion').first().click();
      await view
        .locator('.cm-content')
        .filter({ hasText: 'sum(rate(http_server_request_duration_seconds_count[1m]))' })
        .waitFor({ state: 'visible' });
      await rows.first().waitFor({ state: 'visible' });
      await view.locator('#suggestions').waitFor({ state: 'hidden' });

      // A parse error shows Prometheus' own text and where it is.
      await view.locator('.cm-content').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText('sum(rate(up[1m])');
      await page.keyboard.press('Escape');
      await view.locator('#run').click();
      await view
        .locator('#query-error')
        .filter({ hasText: /Prometheus: .*parse error/ })
        .waitFor({ state: 'visible' });
      assert.match(await view.locator('#query-error .caret').innerText(), /\^ line 1, column \d+/);

      // The scrape targets: the collector's two endpoints, up.
      await view.locator('#tab-targets').click();
      const targetRows = view.locator('#targets table tbody tr');
      await targetRows.first().waitFor({ state: 'visible' });
      assert.ok((await targetRows.count()) >= 2, 'both collector endpoints are targets');
      await view.locator('#targets .health-up').first().waitFor({ state: 'visible' });
      await screenshot(page, 'query-targets');
    } finally {
      if (traffic) clearInterval(traffic);
      await sandboxDown().catch(() => undefined);
    }
  });

  it("runs the doctor on the sandbox: the lab's wrong metric name is the first broken link, its fix edits the queries, the lab is healthy again, and the report survives a window reload", async function () {
    this.timeout(8 * 60_000);
    const queries = join(lab, 'queries', 'lab-queries.promql');
    const original = readFileSync(queries, 'utf8');
    let traffic: ReturnType<typeof setInterval> | undefined;
    try {
      const { appUrl, promUrl } = await startSandboxFromPalette();
      let sent = 0;
      const post = async (): Promise<void> => {
        const res = await fetch(`${appUrl}/hash`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `data=doctor-${sent++}`,
        });
        await res.text();
      };
      traffic = setInterval(() => void post().catch(() => undefined), 250);
      await untilPrometheusAnswers(
        promUrl,
        "the app's requests in Prometheus",
        'http_server_request_duration_seconds_count',
      );

      // The lab text's query, as a student would paste it.
      writeFileSync(
        queries,
        `${original.trimEnd()}\n\n# Task 5 as the lab writes it\nrate(flask_http_request_total[30s])\n`,
      );
      await runCommand(page, 'View: Close All Editors');
      const runDoctor = async (): Promise<void> => {
        await runCommand(page, 'Observability Lab: Run Doctor');
        // With a cluster in the kubeconfig too, it asks where to look.
        const where = quickInput(page).filter({ hasText: 'where should it look' });
        if (
          await where.waitFor({ state: 'visible', timeout: 5_000 }).then(
            () => true,
            () => false,
          )
        )
          await pick(page, 'where should it look', /^Sandbox/);
      };
      await runDoctor();
      const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      const verdict = view.locator('#verdict');
      await verdict.filter({ hasText: /^Broken: doctor\/metric-names/ }).waitFor({ state: 'visible', timeout: 60_000 });
      await view.locator('li.link.failed[data-link="metric-names"]').waitFor({ state: 'visible' });
      for (const passed of [
        'app-ready',
        'otlp-endpoint',
        'collector-config',
        'collector-up',
        'targets',
        'app-metrics',
      ]) {
        await view.locator(`li.link.passed[data-link="${passed}"]`).waitFor({ state: 'visible' });
      }
      await screenshot(page, 'doctor-broken-link');

      // The fix: an undoable edit of the queries file, opened beside the report.
      const fix = view.locator('li[data-link="metric-names"] button.fix.edit').first();
      await view
        .locator('li[data-link="metric-names"] details summary')
        .first()
        .click()
        .catch(() => undefined);
      await fix.click();
      await view
        .locator('li[data-link="metric-names"] .result.ok')
        .filter({ hasText: /Edited .*lab-queries\.promql/ })
        .waitFor({ state: 'visible' });
      await page.locator('.tab.active').filter({ hasText: 'lab-queries.promql' }).waitFor({ state: 'visible' });
      await page.keyboard.press('Control+S');
      const queryLines = (): string[] =>
        readFileSync(queries, 'utf8')
          .split('\n')
          .filter((l) => l.trim() && !l.startsWith('#'));
      await waitFor(
        'the fixed queries saved',
        async () => !queryLines().some((l) => l.includes('flask_http_request_total')),
        15_000,
      );
      assert.match(readFileSync(queries, 'utf8'), /http_server_request_duration_seconds_count/);

      await view.locator('#rerun').click();
      await verdict.filter({ hasText: /^Healthy/ }).waitFor({ state: 'visible', timeout: 60_000 });
      await screenshot(page, 'doctor-healthy');

      // A window reload brings the report back (the panel's serializer), and Run again still works.
      await runCommand(page, 'Developer: Reload Window');
      await page
        .locator('.tab')
        .filter({ hasText: 'Doctor: the sandbox' })
        .waitFor({ state: 'visible', timeout: 120_000 });
      await page.locator('.tab').filter({ hasText: 'Doctor: the sandbox' }).click();
      await verdict.filter({ hasText: /^Healthy/ }).waitFor({ state: 'visible', timeout: 60_000 });
      const restored = await view.locator('#state').innerText();
      await view.locator('#rerun').click();
      await waitFor(
        'a new report after the reload',
        async () => {
          const now = await view
            .locator('#state')
            .innerText()
            .catch(() => restored);
          return now !== restored && /skipped/.test(now);
        },
        60_000,
      );
      // The reload closed the window that started the sandbox, which stops it (nothing is left
      // running): the new report checked nothing, and says so rather than "Healthy".
      await verdict.filter({ hasText: /^Nothing could be checked/ }).waitFor({ state: 'visible', timeout: 60_000 });
      await view.locator('li').filter({ hasText: 'the sandbox is not running' }).first().waitFor({ state: 'visible' });
    } finally {
      if (traffic) clearInterval(traffic);
      writeFileSync(queries, original);
      await sandboxDown().catch(() => undefined);
    }
  });

  it('runs a load test on the scaffolded plan against the sandbox app, live and with a summary (2 threads, 3 s, 127.0.0.1)', async function () {
    this.timeout(8 * 60_000);
    try {
      await clearToasts(page);
      if (!existsSync(join(lab, 'jmeter', 'hash-load.jmx'))) {
        // Run on its own (--grep), the workspace has no lab yet: create it with the default names.
        await runCommand(page, 'Observability Lab: Create Lab Files');
        await pick(page, 'where?', 'a lab folder in this workspace');
        await pick(page, 'names', 'Use these names');
        await toast(page, /wrote \d+ lab file/).waitFor({ state: 'visible' });
        await clearToasts(page);
      }
      await runCommand(page, 'Observability Lab: Start Sandbox');
      await answerSandboxQuestion(page);
      await toast(page, /the sandbox (is up|was already running)/).waitFor({ state: 'visible', timeout: 180_000 });
      await clearToasts(page);
      const appUrl = (await sandboxStatus()).find((p) => p.name === 'app')?.url;
      assert.ok(appUrl, 'the sandbox reports the app');
      const app = new URL(appUrl);
      assert.equal(app.hostname, '127.0.0.1');
      const before = new Set(readdirSync(join(lab, 'jmeter')));

      // Only our webview on screen, so the frame locator finds one; no .jmx editor, so the lab's plan is used.
      await runCommand(page, 'View: Close All Editors');
      await runCommand(page, 'Observability Lab: Run Load Test');
      // The target defaults to the running sandbox app.
      await page.locator('.quick-input-widget .quick-input-title').filter({ hasText: 'target (1/2)' }).waitFor();
      assert.equal(await quickInputBox(page).inputValue(), `127.0.0.1:${app.port}`);
      await answerInput(page, 'target (1/2)');
      await pick(page, 'threads, ramp-up, duration', 'Change…');
      await answerInput(page, 'threads (1/3)', '2');
      await answerInput(page, 'ramp-up seconds (2/3)', '1');
      await answerInput(page, 'duration seconds (3/3)', '3');
      // An engine pick only when JMeter is installed, and the load model: the built-in engine, closed.
      await answerLoadTestPicks(page);

      // The confirmation shows what will run, and no warning for this machine.
      await dialog(page).waitFor({ state: 'visible' });
      const confirm = await dialog(page).innerText();
      for (const shown of [
        `127.0.0.1:${app.port}`,
        'Threads: 2',
        'Ramp-up: 1 s',
        'Duration: 3 s',
        'Engine: built-in',
        'jmeter/hash-load.jmx',
      ])
        assert.ok(confirm.includes(shown), `the confirmation shows "${shown}":\n${confirm}`);
      assert.ok(!confirm.includes('WARNING'), `no warning for 127.0.0.1:\n${confirm}`);
      await dialog(page).locator('.monaco-button').filter({ hasText: 'Run Load Test' }).click();
      await dialog(page).waitFor({ state: 'hidden' });

      // While it runs: live numbers and a chart in the view, req/s in the status bar.
      const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await view.locator('#live #rps').waitFor({ state: 'visible', timeout: 30_000 });
      await view.locator('#stop').waitFor({ state: 'visible' });
      await page
        .locator('.statusbar-item')
        .filter({ hasText: /req\/s · p95 .* ms · .*% err/ })
        .first()
        .waitFor({ state: 'visible' });
      await view.locator('#chart canvas').waitFor({ state: 'visible' });
      await screenshot(page, 'loadtest-progress');

      // The end: the notification, the summary in the view, the .jtl next to the plan.
      const done = toast(page, /Load test finished: \d+ samples, [\d.]+ req\/s, p95 [\d.]+ ms/);
      await done.waitFor({ state: 'visible', timeout: 60_000 });
      const summaryLine = view.locator('#summary .summary-line');
      await summaryLine.waitFor({ state: 'visible' });
      assert.match(await summaryLine.innerText(), /^[1-9]\d* samples, 0 errors/);
      assert.ok((await view.locator('#summary table').count()) >= 3, 'latency, by label and by response code tables');
      assert.match(await view.locator('#summary').innerText(), /\b200\b/);
      await page
        .locator('.statusbar-item')
        .filter({ hasText: /req\/s · p95/ })
        .first()
        .waitFor({ state: 'hidden' });
      await screenshot(page, 'loadtest-summary');

      const jtls = readdirSync(join(lab, 'jmeter')).filter(
        (f) => !before.has(f) && /^results-\d{8}-\d{6}\.jtl$/.test(f),
      );
      assert.equal(jtls.length, 1, `one new results-<timestamp>.jtl next to the plan: ${jtls.join(', ')}`);
      const rows = readFileSync(join(lab, 'jmeter', jtls[0] ?? ''), 'utf8')
        .trim()
        .split('\n')
        .slice(1);
      assert.ok(rows.length > 0, 'the .jtl has sample rows');
      assert.ok(rows.length < 10_000, `a bounded run (${rows.length} samples)`);

      // Stop in the view ends a run early and cleanly: the results so far are kept and summarized.
      await clearToasts(page);
      await runCommand(page, 'Observability Lab: Run Load Test');
      await answerInput(page, 'target (1/2)');
      await pick(page, 'threads, ramp-up, duration', 'Change…');
      await answerInput(page, 'threads (1/3)', '1');
      await answerInput(page, 'ramp-up seconds (2/3)', '0');
      await answerInput(page, 'duration seconds (3/3)', '5');
      await answerLoadTestPicks(page);
      await dialog(page).locator('.monaco-button').filter({ hasText: 'Run Load Test' }).click();
      await dialog(page).waitFor({ state: 'hidden' });
      await view
        .locator('#state')
        .filter({ hasText: /running · [1-9]/ })
        .waitFor({ state: 'visible', timeout: 30_000 });
      const started = Date.now();
      await view.locator('#stop').click();
      const stopped = toast(page, /Load test stopped: [1-9]\d* samples/);
      await stopped.waitFor({ state: 'visible', timeout: 30_000 });
      assert.ok(Date.now() - started < 4_000, `stopped well before the 5 s end (${Date.now() - started} ms)`);
      await view.locator('#state').filter({ hasText: 'finished (stopped)' }).waitFor({ state: 'visible' });
      await view
        .locator('#summary .summary-line')
        .filter({ hasText: /^[1-9]\d* samples/ })
        .waitFor({ state: 'visible' });

      // "Open .jtl" opens the stopped run's results; Summarize Results on that editor shows their summary.
      const stoppedSamples = Number(/stopped: (\d+) samples/.exec(await stopped.innerText())?.[1]);
      await stopped.locator('.monaco-button').filter({ hasText: 'Open .jtl' }).click();
      await page
        .locator('.tab.active')
        .filter({ hasText: /^results-\d{8}-\d{6}\.jtl/ })
        .waitFor({ state: 'visible' });
      await runCommand(page, 'Observability Lab: Summarize Results');
      await page
        .locator('.tab.active')
        .filter({ hasText: /Results: results-/ })
        .waitFor({ state: 'visible' });
      await view
        .locator('#summary .summary-line')
        .filter({ hasText: `${stoppedSamples} samples` })
        .waitFor({ state: 'visible' });
      await view.locator('#state').filter({ hasText: 'summary' }).waitFor({ state: 'visible' });
    } finally {
      await sandboxDown().catch(() => undefined);
    }
  });
});
