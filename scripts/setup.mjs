// Installs what is missing, idempotently: npm packages, the Debian packages the real parts
// need, then every harness part (each caches itself outside the repository, keyed by version).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { sh, step } from './lib.mjs';

// chromium drives the workbench; libkrb5-dev and pkg-config build code-server's native modules;
// openssl makes the local control plane's per-run certificates; wrk is the load bench's peer.
const debianPackages = ['chromium', 'libkrb5-dev', 'pkg-config', 'openssl', 'wrk'];

function npmPackages() {
  const marker = 'node_modules/.package-lock.json';
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync('package-lock.json').mtimeMs) return;
  step('npm ci');
  sh('npm', ['ci', '--no-audit', '--no-fund']);
}

function systemPackages() {
  const missing = debianPackages.filter(
    (p) =>
      spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout?.includes(
        'install ok installed',
      ) !== true,
  );
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(
      `Missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`,
    );
    process.exit(1);
  }
  step(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  sh('apt-get', ['update', '-qq'], { env });
  sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

/**
 * What the workbench needs before it opens: npm and Debian packages, code-server and the
 * extension's build. npm start runs only this in the foreground; the rest builds behind it.
 */
export function setupWorkbench() {
  npmPackages();
  systemPackages();
  step('code-server (cached in ~/.cache/obslab)');
  sh('npx', ['--no-install', 'tsx', 'test/harness/cli.ts', 'codeserver', 'install']);
  step('build');
  sh('node', ['esbuild.mjs']);
}

export function setup() {
  npmPackages();
  systemPackages();
  step('harness parts (cached in ~/.cache/obslab)');
  sh('npx', ['--no-install', 'tsx', 'test/harness/cli.ts', 'all', 'install']);
  step('build');
  sh('node', ['esbuild.mjs']);
}

if (import.meta.url === `file://${process.argv[1]}`) setup();
