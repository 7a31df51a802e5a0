// Renders media/icon.svg (the source) to media/icon.png, the 256×256 PNG the Marketplace and the
// Extensions view show (vsce accepts no SVG icon). Debian's Chromium, which the e2e tests already
// use, draws it on a transparent page; pngquant then shrinks it as it does the screenshots.
// Run: node scripts/render-icon.mjs (after editing the SVG; commit both files).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromium = process.env.OBSLAB_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`Chromium is missing (${chromium}): sudo apt-get install -y chromium, or set OBSLAB_CHROMIUM.`);
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'obslab-icon-'));
try {
  const raw = join(work, 'icon.png');
  const drawn = spawnSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      '--default-background-color=00000000',
      '--window-size=256,256',
      `--user-data-dir=${join(work, 'profile')}`,
      `--screenshot=${raw}`,
      pathToFileURL(join(root, 'media', 'icon.svg')).href,
    ],
    { encoding: 'utf8' },
  );
  if (!existsSync(raw)) {
    console.error(`Chromium drew nothing:\n${drawn.stderr}`);
    process.exit(1);
  }
  const out = join(root, 'media', 'icon.png');
  const small = join(work, 'icon-small.png');
  const q = spawnSync('pngquant', ['--quality=70-95', '--output', small, raw], { stdio: 'inherit' });
  copyFileSync(q.status === 0 && existsSync(small) ? small : raw, out);
  console.log(`wrote ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
