// No line of src/ is over 160 characters. Prettier wraps code at 120 but never breaks a string or
// a comment, so a long message or comment would creep back unnoticed: build it from parts (or
// from two texts to translate) and wrap the comment instead.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');
const maxLength = 160;

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return typeScriptFiles(path);
    return e.isFile() && e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each line longer than `max` characters (code points, as an editor counts them), as file:line (length). */
function longLines(files: readonly string[], max: number): string[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => {
        const length = [...line].length;
        return length > max ? [`${relative(root, file)}:${i + 1} (${length})`] : [];
      }),
  );
}

describe('line length in src/', () => {
  it(`has no line over ${maxLength} characters in any src/**/*.ts`, () => {
    const files = typeScriptFiles(join(root, 'src'));
    assert.ok(files.length > 100, 'the walk found src/');
    const long = longLines(files, maxLength);
    assert.deepEqual(long, [], `build these from parts or wrap them:\n${long.join('\n')}`);
  });
});
