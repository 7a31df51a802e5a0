// Packs test/harness/start-progress/ (npm start's "Lab setup" status-bar item) into a .vsix in the
// cache, so code-server installs it the way it installs any extension. Rebuilt when its source
// changes; esbuild bundles it and vsce packs it, both from node_modules.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, repoRoot, run } from './lib';

const source = join(repoRoot, 'test', 'harness', 'start-progress', 'extension.ts');

const manifest = {
  name: 'obslab-start-progress',
  displayName: 'Lab setup progress (npm start)',
  description: "Shows what npm start still builds in the background. Development only; not Observability Lab's.",
  version: '0.0.1',
  publisher: 'obslab-dev',
  private: true,
  license: 'MIT',
  engines: { vscode: '^1.100.0' },
  main: './extension.js',
  activationEvents: ['onStartupFinished'],
  contributes: {
    commands: [
      { command: 'obslabStart.showLog', title: 'Show Lab Setup Log', category: 'Observability Lab (npm start)' },
    ],
  },
};

/** The packed extension; built once per content of its source and manifest. */
export async function startProgressVsix(): Promise<string> {
  const key = createHash('sha256')
    .update(readFileSync(source))
    .update(readFileSync(join(repoRoot, 'test', 'harness', 'start-progress', 'text.ts')))
    .update(readFileSync(join(repoRoot, 'test', 'harness', 'prepare.ts')))
    .update(JSON.stringify(manifest))
    .digest('hex')
    .slice(0, 12);
  const dir = cacheDir(`start-progress-${key}`);
  const vsix = join(dir, 'obslab-start-progress.vsix');
  if (existsSync(vsix)) return vsix;
  const stage = join(dir, 'extension');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  await build({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    outfile: join(stage, 'extension.js'),
    logLevel: 'silent',
  });
  writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(stage, 'README.md'), `# ${manifest.displayName}\n\n${manifest.description}\n`);
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  await run(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', `${vsix}.tmp`],
    { cwd: stage, timeoutMs: 120_000 },
  );
  // vsce wrote the whole file under another name: a crash never leaves a half .vsix to reuse.
  writeFileSync(vsix, readFileSync(`${vsix}.tmp`));
  rmSync(`${vsix}.tmp`, { force: true });
  return vsix;
}
