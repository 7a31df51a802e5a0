// Collects the files `obslab lint` reads: files named, and folders read recursively for the
// kinds the linter knows. Reading is strict about what it cannot read, and says which path.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { LintInput } from '../core/lint/model';
import { pathFiles } from './pathFiles';

const lintable = /\.(ya?ml|json|jmx)$/i;
const skipDirs = new Set(['node_modules', '.git', 'dist', '.obslab-build']);

export class UnreadableInput extends Error {}

export function collectLintInputs(paths: string[], cwd = process.cwd()): LintInput[] {
  const files = pathFiles(paths, { accept: lintable, skipDirs, missing: (p) => new UnreadableInput(`${p}: no such file or folder`) });
  const decoder = new TextDecoder('utf-8', { fatal: false });
  return [...files].sort().map((file) => {
    try {
      const rel = relative(cwd, file);
      return { file: rel && !rel.startsWith('..') ? rel : file, text: decoder.decode(readFileSync(file)) };
    } catch (e) {
      throw new UnreadableInput(`${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}
