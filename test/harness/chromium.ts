// Debian's Chromium, driven by playwright-core (which brings no browser of its own): headless,
// no X server, no sandbox (we run as root in CI) and nothing that reaches for the network.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { run, type Part, type PartStatus } from './lib';

export const chromiumPath = process.env['OBSLAB_CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags seen to work here (see the E2E recipe): no GPU, no QUIC, no first-run or background traffic. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function chromiumVersion(): Promise<string | undefined> {
  if (!existsSync(chromiumPath)) return undefined;
  // Debian's wrapper script prints a shell warning on stderr besides the version; keep the version line.
  const out = await run(chromiumPath, ['--version'], { timeoutMs: 30_000 });
  return (
    out
      .split('\n')
      .find((l) => /^chromium \d/i.test(l.trim()))
      ?.trim() ?? out.trim()
  );
}

async function installChromium(): Promise<void> {
  if (existsSync(chromiumPath)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Chromium is missing (${chromiumPath}). Install it with: sudo apt-get install -y chromium  (or point OBSLAB_CHROMIUM at a Chromium binary)`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-qq'], { env, echo: true, timeoutMs: 10 * 60_000 });
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
    env,
    echo: true,
    timeoutMs: 20 * 60_000,
  });
  if (!existsSync(chromiumPath)) throw new Error(`apt-get installed chromium but ${chromiumPath} is still missing`);
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  await installChromium();
  // Playwright gives the browser a temporary profile, but Chromium still creates
  // ~/.config/chromium ("Crash Reports") and ~/.cache/dconf; XDG folders of its own keep $HOME untouched.
  const xdgHome = mkdtempSync(join(tmpdir(), 'obslab-chromium-'));
  try {
    const browser = await chromium.launch({
      headless: true,
      ...options,
      executablePath: chromiumPath,
      args: [...chromiumArgs, ...(options.args ?? [])],
      env: {
        ...process.env,
        ...options.env,
        XDG_CONFIG_HOME: join(xdgHome, 'config'),
        XDG_CACHE_HOME: join(xdgHome, 'cache'),
      },
    });
    browser.on('disconnected', () => rmSync(xdgHome, { recursive: true, force: true }));
    return browser;
  } catch (e) {
    rmSync(xdgHome, { recursive: true, force: true });
    throw e;
  }
}

async function status(): Promise<PartStatus> {
  const version = await chromiumVersion();
  return version
    ? { name: 'chromium', state: 'installed', detail: `${version} at ${chromiumPath}` }
    : { name: 'chromium', state: 'missing', detail: `no ${chromiumPath}; apt-get install -y chromium` };
}

export const chromiumPart: Part = {
  name: 'chromium',
  description: 'Debian Chromium for playwright-core (a tool: up checks it and returns its path)',
  install: installChromium,
  async up(): Promise<PartStatus> {
    await installChromium();
    return status();
  },
  async down(): Promise<void> {
    // A tool, not a daemon: each test closes the browser it launched.
  },
  status,
};
