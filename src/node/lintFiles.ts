// Collects the files `obslab lint` reads: files named, and folders read recursively for the
// kinds the linter knows. Reading is strict about what it cannot read, and says which path.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { LintInput } from '../core/lint/model';

const lintable = /\.(ya?ml|json|jmx)$/i;
const skippedDirs = new Set(['node_modules', '.git', 'dist', '.obslab-build']);

export class UnreadableInput extends Error {}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skippedDirs.has(entry.name)) walk(path, out);
    } else if (entry.isFile() && lintable.test(entry.name)) {
      out.push(path);
    }
  }
}

export function collectLintInputs(paths: string[], cwd = process.cwd()): LintInput[] {
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UnreadableInput(`${p}: no such file or folder`);
    }
    if (st.isDirectory()) walk(p, files);
    else files.push(p);
  }
  const decoder = new TextDecoder('utf-8', { fatal: false });
  return [...new Set(files)].sort().map((file) => {
    try {
      const rel = relative(cwd, file);
      return { file: rel && !rel.startsWith('..') ? rel : file, text: decoder.decode(readFileSync(file)) };
    } catch (e) {
      throw new UnreadableInput(`${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}
