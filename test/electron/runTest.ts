// Extension-host tests in a desktop VS Code, through @vscode/test-electron. They run only when
// VSCODE_EXECUTABLE names a local VS Code (this machine has none and no network to download one):
//   VSCODE_EXECUTABLE=/usr/share/code/code npx tsx test/electron/runTest.ts
// The suite is bundled with esbuild into out/ (VS Code loads it with require), the extension is
// loaded from this repository's dist/ as a development extension.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { runTests } from '@vscode/test-electron';
import { repoRoot, run } from '../harness/lib';

async function main(): Promise<number> {
  const vscodeExecutablePath = process.env['VSCODE_EXECUTABLE'];
  if (!vscodeExecutablePath) {
    console.log('extension-host tests skipped: set VSCODE_EXECUTABLE to a local VS Code binary to run them');
    return 0;
  }
  if (!existsSync(vscodeExecutablePath)) {
    console.error(`VSCODE_EXECUTABLE=${vscodeExecutablePath}: no such file`);
    return 1;
  }
  await run('npm', ['run', '--silent', 'build'], { cwd: repoRoot, echo: true });
  const extensionTestsPath = join(repoRoot, 'out', 'electron', 'suite', 'index.js');
  await build({
    entryPoints: [join(__dirname, 'suite', 'index.ts')],
    outfile: extensionTestsPath,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The host provides vscode; mocha is loaded from node_modules as it is.
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  // A workspace folder of its own, so Create Lab Files has somewhere to offer, and a fresh profile.
  const scratch = mkdtempSync(join(tmpdir(), 'obslab-electron-'));
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace);
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--user-data-dir',
        join(scratch, 'user-data'),
      ],
    });
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
