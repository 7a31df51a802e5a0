// The extension's own costs, each printed next to a peer measured in the same run.
// Goals (issue 3): .vsix under 3 MB, extension bundle under 1 MB, activation under 20 ms.
import { execFileSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { zipEntries } from '../test/support/zip';

const root = join(__dirname, '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function activationMs(bundle: string, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++)
    samples.push(
      Number(
        execFileSync(process.execPath, [join(__dirname, 'activate-child.cjs'), bundle], { encoding: 'utf8' }).trim(),
      ),
    );
  return median(samples);
}

/** The peer: the smallest useful extension, one command registered, bundled the same way. */
function peerBundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'obslab-bench-'));
  const src = join(dir, 'peer.ts');
  writeFileSync(
    src,
    "import * as vscode from 'vscode';\nexport function activate(c: { subscriptions: unknown[] }) { c.subscriptions.push(vscode.commands.registerCommand('peer.hello', () => undefined)); }\n",
  );
  const out = join(dir, 'peer.js');
  buildSync({
    entryPoints: [src],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
    outfile: out,
    minify: true,
    logLevel: 'silent',
  });
  return out;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function benchExtension(): void {
  execFileSync(process.execPath, [join(root, 'scripts', 'package.mjs')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const bundle = join(root, 'dist', 'extension.js');
  const vsix = join(root, '.obslab-build', 'observability-lab.vsix');
  const bundleBytes = statSync(bundle).size;
  const cliBytes = statSync(join(root, 'dist', 'cli.js')).size;
  const vsixBytes = existsSync(vsix) ? statSync(vsix).size : NaN;

  const peer = peerBundle();
  const runs = 15;
  const ours = activationMs(bundle, runs);
  let theirs: number;
  try {
    theirs = activationMs(peer, runs);
  } finally {
    // The peer's folder is the bench's own: leave nothing behind in the temp folder.
    rmSync(dirname(peer), { recursive: true, force: true });
  }

  const rows = [
    ['extension bundle', kb(bundleBytes), `${(bundleBytes / (1024 * 1024)).toFixed(2)}× of the 1 MiB goal`],
    ['CLI bundle', kb(cliBytes), ''],
    ['.vsix', kb(vsixBytes), `${(vsixBytes / (3 * 1024 * 1024)).toFixed(2)}× of the 3 MiB goal`],
    [
      'activation (require + activate, median of 15 fresh processes)',
      `${ours.toFixed(2)} ms`,
      `${(ours / theirs).toFixed(2)}× a one-command extension (${theirs.toFixed(2)} ms); ${(ours / 20).toFixed(2)}× of the 20 ms goal`,
    ],
  ];
  for (const [what, value, ratio] of rows) console.log(`${what?.padEnd(64)} ${value?.padStart(12)}  ${ratio}`);
  // What takes the room, so a bundle that grew shows by name.
  if (existsSync(vsix))
    for (const e of zipEntries(vsix)
      .sort((a, b) => b.compressed - a.compressed)
      .slice(0, 6))
      console.log(`  in the .vsix: ${e.name.padEnd(49)} ${kb(e.compressed).padStart(12)}  (${kb(e.size)} unpacked)`);
}
