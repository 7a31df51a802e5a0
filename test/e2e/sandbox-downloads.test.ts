// The packaged extension on a machine that has never seen this repository: code-server with an
// empty HOME (so an empty cache and a fresh VS Code profile), a PATH with Python and the standard
// tools but no otelcol and no prometheus, and obslab.downloads.mirror pointing at a release mirror
// on 127.0.0.1 (test/harness/mirror.ts). Start Sandbox must refuse a corrupted archive clearly
// and install nothing; then download both programs, verify them, start, and the lab's queries
// return data; a second start downloads nothing. Each screen is saved under test-results/.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { versions } from '../../src/core/facts';
import { collectorAsset, prometheusRelease, releaseTarget } from '../../src/core/downloads/releases';
import { defaultParams } from '../../src/core/scaffold/params';
import { templateVars } from '../../src/core/scaffold/plan';
import { renderTemplate } from '../../src/core/scaffold/render';
import { sandboxDown } from '../../src/node/sandbox/sandbox';
import type { SandboxState } from '../../src/node/sandbox/sandbox';
import { packageExtension, startCodeServer, type RunningCodeServer } from '../harness/codeserver';
import { repoRoot, waitFor } from '../harness/lib';
import { startMirror, type RunningMirror } from '../harness/mirror';
import { harnessSandboxPrograms } from '../harness/sandbox';
import { clearToasts, resultsDir, runCommand, screenshot, toast, toasts, openWorkbench } from '../support/workbench';

/** The standard tools a student's PATH has, linked into a folder of their own: /usr/bin here also holds prometheus. */
const systemTools = [
  'sh',
  'bash',
  'env',
  'cat',
  'ls',
  'uname',
  'ps',
  'id',
  'grep',
  'sed',
  'rm',
  'mkdir',
  'which',
  'git',
];

function studentPath(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  symlinkSync(python, join(bin, 'python3'));
  for (const tool of systemTools) {
    const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (found) symlinkSync(found, join(bin, tool));
  }
  return bin;
}

function target(): { os: string; arch: string } {
  const t = releaseTarget(process.platform, process.arch);
  assert.ok(t, `official archives exist for ${process.platform}/${process.arch}`);
  return t;
}

/** Every file below `dir`, relative. */
function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe('Start Sandbox on a fresh machine: the collector and Prometheus downloaded from a mirror', function () {
  this.timeout(20 * 60_000);
  this.slow(60_000);

  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let mirror: RunningMirror;
  let scratch: string;
  let home: string;
  /** The extension's global storage folder for downloaded parts. */
  let parts: string;
  let startedSandbox = false;

  /** The sandbox the extension host recorded in its own cache (the fresh HOME's). */
  function sandboxState(): SandboxState | undefined {
    const file = join(home, '.cache', 'obslab', 'run', 'sandbox.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SandboxState) : undefined;
  }

  before(async function () {
    this.timeout(60 * 60_000);
    mkdirSync(resultsDir, { recursive: true });
    target();
    const vsix = await packageExtension();
    const programs = await harnessSandboxPrograms();
    mirror = await startMirror(
      {
        collectorBinary: programs.collectorBinary,
        prometheusBinary: programs.prometheusBinary,
        collectorVersion: versions.collector,
        prometheusVersion: prometheusRelease,
      },
      'corrupt',
    );
    scratch = mkdtempSync(join(tmpdir(), 'obslab-e2e-fresh-'));
    home = join(scratch, 'home');
    mkdirSync(home);
    const workspace = join(scratch, 'workspace');
    const path = studentPath(scratch);
    for (const name of ['otelcol-contrib', 'otelcol', 'prometheus'])
      assert.ok(!existsSync(join(path, name)), `${name} is not on the student's PATH`);
    const userDataDir = join(scratch, 'user-data');
    server = await startCodeServer({
      name: 'codeserver-e2e-fresh',
      workspace,
      vsix,
      userDataDir,
      extensionsDir: join(scratch, 'extensions'),
      harnessPrograms: false,
      env: {
        HOME: home,
        PATH: [path].join(delimiter),
        XDG_DATA_HOME: join(home, '.local', 'share'),
        XDG_CACHE_HOME: join(home, '.cache'),
        XDG_CONFIG_HOME: join(home, '.config'),
        // VS Code would otherwise take PATH from a login shell, whose /etc/profile puts /usr/bin
        // (with Debian's prometheus on this machine) back; set as when started from a terminal.
        VSCODE_CLI: '1',
      },
      unsetEnv: ['OBSLAB_CACHE', 'OBSLAB_PYTHON', 'PYENV_VERSION', 'VIRTUAL_ENV'],
      settings: {
        'obslab.downloads.mirror': mirror.url,
        'obslab.showWalkthroughOnFirstRun': false,
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
      },
    });
    parts = join(userDataDir, 'User', 'globalStorage', 'obslab.observability-lab', 'parts');
    ({ browser, page } = await openWorkbench(server.url));
    // Give the extension host a moment to activate the extension.
    await page.waitForTimeout(3_000);
  });

  after(async function () {
    this.timeout(120_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (startedSandbox || sandboxState()) {
      // The sandbox's programs run in process groups of their own: stop them from the recorded state.
      const saved = process.env['OBSLAB_CACHE'];
      process.env['OBSLAB_CACHE'] = join(home, '.cache', 'obslab');
      try {
        await sandboxDown().catch(() => undefined);
      } finally {
        if (saved === undefined) delete process.env['OBSLAB_CACHE'];
        else process.env['OBSLAB_CACHE'] = saved;
      }
    }
    await mirror?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      const name = (this.currentTest.title.replace(/[^\w]+/g, '-').slice(0, 60) || 'failure').toLowerCase();
      await page.screenshot({ path: join(resultsDir, `failed-fresh-${name}.png`) }).catch(() => undefined);
    }
  });

  it('refuses a corrupted collector archive, naming it and both checksums, and installs nothing', async () => {
    const t = releaseTarget(process.platform, process.arch);
    assert.ok(t);
    const asset = collectorAsset(versions.collector, t);
    const served = mirror.files.find((f) => f.name === asset.archive);
    assert.ok(served);
    const bad = Buffer.from(readFileSync(served.file));
    const from = Math.floor(bad.length * 0.4);
    for (let i = from; i < Math.min(bad.length, from + 4096); i++) bad[i] = (bad[i] ?? 0) ^ 0xff;
    const actual = createHash('sha256').update(bad).digest('hex');

    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Start Sandbox');
    const refusal = toast(page, /did not start/);
    await refusal.waitFor({ state: 'visible', timeout: 180_000 });
    const text = await refusal.innerText();
    assert.match(text, /the sandbox's collector did not start/);
    assert.ok(text.includes(asset.archive), text);
    assert.ok(text.includes(`says sha256 ${served.sha256}`), `the published checksum in: ${text}`);
    assert.ok(text.includes(`the downloaded file has ${actual}`), `the actual checksum in: ${text}`);
    assert.match(text, /The file was deleted and nothing was installed/);
    assert.match(text, /Run Start Sandbox again to download it afresh/);
    assert.doesNotMatch(text, /npm run|harness|apt-get/);
    await screenshot(page, 'fresh-sandbox-corrupted-refused');
    assert.deepEqual(filesBelow(parts), [], 'nothing installed, no temporary file left');
    assert.equal(sandboxState(), undefined);
  });

  it('downloads both programs with progress, verifies them, starts, and the lab queries return data', async function () {
    this.timeout(15 * 60_000);
    mirror.mode = 'slow';
    const before = mirror.archiveRequests().length;
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Start Sandbox');
    const progress = toasts(page).filter({ hasText: /Observability Lab: (otelcol-contrib|Prometheus) / });
    await progress.first().waitFor({ state: 'visible', timeout: 120_000 });
    const text = (): Promise<string> =>
      progress
        .first()
        .innerText()
        .catch(() => '');
    await waitFor(
      'a download under way in the notification',
      async () => /downloading .*\([1-9]\d?%\)/.test(await text()),
      60_000,
    );
    await screenshot(page, 'fresh-sandbox-downloading');
    // The first time also installs the app's Python packages from PyPI (about a minute).
    const up = toast(page, /the sandbox (is up|was already running)|did not start/);
    await up.waitFor({ state: 'visible', timeout: 12 * 60_000 });
    const upText = await up.innerText();
    assert.match(upText, /the sandbox is up; Prometheus at http:\/\/127\.0\.0\.1:\d+/, upText);
    startedSandbox = true;
    await screenshot(page, 'fresh-sandbox-up');
    assert.deepEqual(
      mirror
        .archiveRequests()
        .slice(before)
        .map((r) => r.status),
      [302, 200, 302, 200],
      `each archive downloaded once: ${JSON.stringify(mirror.requests)}`,
    );

    const state = sandboxState();
    assert.ok(state?.app && state.collector && state.prometheus, JSON.stringify(state));
    assert.ok(state.collector.binary.startsWith(`${parts}/`), `${state.collector.binary} is in the global storage`);
    assert.ok(state.prometheus.binary.startsWith(`${parts}/`), `${state.prometheus.binary} is in the global storage`);
    assert.deepEqual(
      readdirSync(parts).sort(),
      [
        `otelcol-contrib-${versions.collector}-${target().os}-${target().arch}`,
        `prometheus-${prometheusRelease}-${target().os}-${target().arch}`,
      ],
      'the two installed parts, and no temporary file or lock beside them',
    );

    // Real POST /hash traffic, then every lab query until each returns a number.
    const app = state.app.url;
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${app}/hash`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `data=fresh-${i}`,
      });
      await res.arrayBuffer();
      assert.equal(res.status, 200);
    }
    const queries = renderTemplate(
      readFileSync(join(repoRoot, 'templates', 'lab', 'queries', 'lab-queries.promql'), 'utf8'),
      templateVars(defaultParams),
    )
      .split('\n')
      .filter((l) => l.trim() && !l.trim().startsWith('#'));
    assert.ok(queries.length >= 5);
    const prom = state.prometheus.url;
    let traffic = 0;
    for (const q of queries) {
      await waitFor(
        `a numeric answer to ${q}`,
        async () => {
          // Keep the counters growing, so rate() over the lab's windows has increases to see.
          await fetch(`${app}/hash`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: `data=more-${traffic++}`,
          }).then((r) => r.arrayBuffer());
          // And a number where the app expects text: a 500, for the lab's error-ratio query.
          await fetch(`${app}/hash`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"data": 5}',
          }).then((r) => r.arrayBuffer());
          const res = await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(q)}`);
          const body = (await res.json()) as {
            data?: { resultType?: string; result?: { value?: [number, string] }[] };
          };
          const result = body.data?.result ?? [];
          return result.length > 0 && result.every((s) => Number.isFinite(Number(s.value?.[1])));
        },
        180_000,
      );
    }
  });

  it('downloads nothing on a second start', async function () {
    this.timeout(5 * 60_000);
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Stop Sandbox');
    await toast(page, /sandbox: stopped/).waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(sandboxState(), undefined);
    startedSandbox = false;
    const requests = mirror.requests.length;

    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Start Sandbox');
    const up = toast(page, /the sandbox (is up|was already running)|did not start/);
    await up.waitFor({ state: 'visible', timeout: 180_000 });
    startedSandbox = true;
    assert.match(await up.innerText(), /the sandbox is up/);
    assert.equal(mirror.requests.length, requests, 'no request reached the mirror');
    await screenshot(page, 'fresh-sandbox-second-start');
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Stop Sandbox');
    await toast(page, /sandbox: stopped/).waitFor({ state: 'visible', timeout: 60_000 });
    startedSandbox = false;
  });
});
