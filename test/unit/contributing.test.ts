// CONTRIBUTING.md is the living map of src/: every path it names in backticks must exist, and every
// folder of src/ must be named there, so the map cannot drift from the code unnoticed.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const text = readFileSync(join(root, 'CONTRIBUTING.md'), 'utf8');

/** Every `src/...` path in a backticked span, without placeholders (<name>, *, …) or trailing punctuation. */
function namedPaths(): string[] {
  const paths = new Set<string>();
  for (const span of text.matchAll(/`([^`\n]+)`/g)) {
    for (const word of (span[1] ?? '').split(/[\s,;()]+/)) {
      if (!word.startsWith('src/') || /[<>*{}…]/.test(word)) continue;
      paths.add(word.replace(/[.:]$/, ''));
    }
  }
  return [...paths].sort();
}

function folders(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => [`${dir}/${e.name}`, ...folders(`${dir}/${e.name}`)]);
}

describe('CONTRIBUTING.md', () => {
  const named = namedPaths();

  it('names only folders and files of src/ that exist', () => {
    assert.ok(named.length > 0, 'CONTRIBUTING.md names paths under src/');
    for (const p of named) {
      assert.ok(existsSync(join(root, p)), `${p} is named in CONTRIBUTING.md but does not exist`);
      if (p.endsWith('/')) assert.ok(statSync(join(root, p)).isDirectory(), `${p} is named as a folder but is a file`);
    }
  });

  it('names every folder under src/, at every depth', () => {
    const namedFolders = new Set(named.filter((p) => p.endsWith('/')).map((p) => p.replace(/\/$/, '')));
    const missing = folders('src').filter((f) => !namedFolders.has(f));
    assert.deepEqual(
      missing,
      [],
      `folders of src/ CONTRIBUTING.md does not name (as \`src/.../\`): ${missing.join(', ')}`,
    );
  });
});
