// package.json as VS Code shows it in English: its user-facing strings are `%key%` references into
// package.nls.json (the translation unit, issue 21), so tests that read titles and descriptions
// read them resolved, as the workbench does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..');

/** The strings of package.nls.json (or of package.nls.<locale>.json, with English behind it). */
export function manifestStrings(locale?: string, root = repoRoot): Record<string, string> {
  const english = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
  if (!locale) return english;
  const local = JSON.parse(readFileSync(join(root, `package.nls.${locale}.json`), 'utf8')) as Record<string, string>;
  return { ...english, ...local };
}

/** Replaces every string that is exactly `%key%` with its text; a key with no text stays as it is. */
export function resolveManifest(value: unknown, strings: Record<string, string>): unknown {
  if (typeof value === 'string') {
    const m = /^%([^%\s]+)%$/.exec(value);
    return m?.[1] !== undefined && strings[m[1]] !== undefined ? strings[m[1]] : value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveManifest(v, strings));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveManifest(v, strings)]));
  return value;
}

/** package.json with its `%key%` strings in English. */
export function englishManifest(root = repoRoot): unknown {
  return resolveManifest(
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')),
    manifestStrings(undefined, root),
  );
}
