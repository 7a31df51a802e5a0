// What the packaged extension says to a student never points into this repository: no
// `npm run harness`, no test cache layout, no harness build of the collector, and no package
// manager of one Linux family as the only way to get something.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { englishManifest } from '../support/manifest';

const root = join(__dirname, '..', '..');

function filesBelow(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && ext.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** The texts a student can meet: the product's source, the walkthrough, and package.json's contributions. */
function productTexts(): { where: string; text: string }[] {
  const manifest = englishManifest() as Record<string, unknown>;
  return [
    ...filesBelow(join(root, 'src'), /\.ts$/).map((f) => ({ where: relative(root, f), text: readFileSync(f, 'utf8') })),
    ...filesBelow(join(root, 'walkthroughs'), /\.md$/).map((f) => ({
      where: relative(root, f),
      text: readFileSync(f, 'utf8'),
    })),
    {
      where: 'package.json (contributes, capabilities)',
      text: JSON.stringify([manifest['contributes'], manifest['capabilities']], null, 1),
    },
  ];
}

describe('words of this repository in the product', () => {
  it('never tells a student to run the test harness or look in its cache', () => {
    const words = [
      /npm run harness/,
      /test\/harness/,
      /otelcol-obslab/,
      /harnessCollectorPath/,
      /\.cache\/obslab\/otelcol/,
    ];
    const found = productTexts().flatMap(({ where, text }) =>
      words.filter((w) => w.test(text)).map((w) => `${where}: ${w.source}`),
    );
    assert.deepEqual(found, []);
  });

  it('never gives apt as the only way to install something: a file that says apt also says brew and winget', () => {
    const aptOnly = productTexts()
      .filter(({ text }) => /\bapt(-get)? install\b/.test(text))
      .filter(({ text }) => !(/brew install/.test(text) && /winget install/.test(text)))
      .map((t) => t.where);
    assert.deepEqual(aptOnly, []);
  });
});
