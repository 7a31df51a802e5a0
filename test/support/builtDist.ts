// Integration tests that run dist/ build it first when it is missing or older than any source file.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Runs `node esbuild.mjs` unless every bundle named is newer than src/. */
export function ensureBuilt(bundles: string[]): void {
  const sources = newest(join(root, 'src'));
  if (bundles.every((b) => existsSync(join(root, 'dist', b)) && statSync(join(root, 'dist', b)).mtimeMs >= sources))
    return;
  execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
