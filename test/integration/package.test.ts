// The .vsix people can publish: scripts/package.mjs (the production build packed by the real
// @vscode/vsce) succeeds with no vsce warning, and the package carries the icon, the licence, the
// changelog and the translations, names no placeholder repository, and leaves out source maps.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { zipEntries } from '../support/zip';

const root = join(__dirname, '..', '..');
const vsix = join(root, '.obslab-build', 'observability-lab.vsix');

describe('the package (vsce)', function () {
  this.timeout(600_000);
  let output = '';
  let entries: Map<string, () => Buffer>;

  before(() => {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'package.mjs')], { cwd: root, encoding: 'utf8' });
    output = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, `scripts/package.mjs failed:\n${output.slice(-4000)}`);
    entries = new Map(zipEntries(vsix).map((e) => [e.name, () => e.read()]));
  });

  it('packs without a single vsce warning', () => {
    assert.doesNotMatch(output, /\bWARNING\b/i);
    assert.match(output, /DONE\s+Packaged/);
  });

  it('carries the icon (a square PNG of 128 or 256 px), the MIT licence, the changelog and the translations', () => {
    const manifest = JSON.parse(entries.get('extension/package.json')?.().toString('utf8') ?? '{}') as Record<
      string,
      unknown
    >;
    assert.equal(manifest['icon'], 'media/icon.png');
    const icon = entries.get('extension/media/icon.png')?.();
    assert.ok(icon, 'media/icon.png is packed');
    assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG');
    const [w, h] = [icon.readUInt32BE(16), icon.readUInt32BE(20)];
    assert.equal(w, h);
    assert.ok(w === 128 || w === 256, `icon is ${w}x${h}`);
    const licence = [...entries.keys()].find((n) => /^extension\/licen[sc]e/i.test(n));
    assert.ok(licence, 'a LICENSE is packed');
    assert.match(entries.get(licence)?.().toString('utf8') ?? '', /MIT License[\s\S]*Observability Lab contributors/);
    assert.ok(
      [...entries.keys()].some((n) => /^extension\/changelog\.md$/i.test(n)),
      'CHANGELOG.md is packed',
    );
    assert.ok(entries.has('extension/package.nls.json'), 'package.nls.json is packed');
    assert.ok(entries.has('extension/l10n/bundle.l10n.json'), 'l10n/bundle.l10n.json is packed');
    assert.equal(manifest['l10n'], './l10n');
  });

  it('names no placeholder repository, and has its gallery metadata', () => {
    const manifest = JSON.parse(entries.get('extension/package.json')?.().toString('utf8') ?? '{}') as Record<
      string,
      unknown
    >;
    assert.equal(manifest['repository'], undefined);
    assert.doesNotMatch(JSON.stringify(manifest), /example\.invalid/);
    assert.ok(manifest['galleryBanner'], 'galleryBanner');
    assert.ok(Array.isArray(manifest['categories']) && manifest['categories'].length > 0);
    assert.ok(Array.isArray(manifest['keywords']) && manifest['keywords'].length > 0);
    // The Marketplace shows the English name and description through package.nls.json.
    const vsixManifest = entries.get('extension.vsixmanifest')?.().toString('utf8') ?? '';
    assert.match(vsixManifest, /<DisplayName>Observability Lab<\/DisplayName>/);
  });

  it('leaves out source maps, sources and tests', () => {
    const stray = [...entries.keys()].filter((n) =>
      /\.map$|^extension\/(src|test|bench|scripts|node_modules)\//.test(n),
    );
    assert.deepEqual(stray, []);
  });
});
