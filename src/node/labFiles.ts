// Reading templates and writing a lab folder on disk, for the CLI (the editor writes through a
// WorkspaceEdit instead, so the student can undo). Writing is all or nothing: every file is
// staged next to its target first, and only when all are staged are they moved into place.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { PlannedFile } from '../core/scaffold/plan';

/** The templates/ folder shipped beside dist/ in the extension and the npm package. */
export function templatesDir(): string {
  // dist/cli.js and dist/extension.js sit one level below the package root; sources two.
  const candidates = [join(__dirname, '..', 'templates'), join(__dirname, '..', '..', 'templates')];
  const found = candidates.find((c) => existsSync(join(c, 'lab')));
  if (!found) throw new Error(`the lab templates are missing (looked in ${candidates.join(', ')}); reinstall the extension`);
  return found;
}

export function templateReader(dir = templatesDir()): (template: string) => string {
  return (template) => readFileSync(join(dir, template), 'utf8');
}

export class LabFolderError extends Error {}

/** Checks that `dir` can hold the lab: absent (we create it) or a folder. */
export function checkTarget(dir: string): void {
  let probe = resolve(dir);
  while (!existsSync(probe)) {
    const parent = dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  if (!statSync(probe).isDirectory()) throw new LabFolderError(`${probe} is a file, so ${dir} cannot be a folder; pick another folder`);
}

export function existingReader(dir: string): (path: string) => string | undefined {
  return (path) => {
    const full = join(dir, path);
    if (!existsSync(full)) return undefined;
    if (statSync(full).isDirectory()) throw new LabFolderError(`${full} is a folder where the lab needs a file; move it away and try again`);
    return readFileSync(full, 'utf8');
  };
}

export interface WriteResult {
  written: string[];
  unchanged: string[];
}

export function writeLabFolder(dir: string, files: PlannedFile[]): WriteResult {
  checkTarget(dir);
  const toWrite = files.filter((f) => f.status !== 'same');
  const staged: { tmp: string; target: string }[] = [];
  const createdDirs: string[] = [];
  try {
    for (const f of toWrite) {
      const target = join(dir, f.path);
      const created = mkdirSync(dirname(target), { recursive: true });
      if (created) createdDirs.push(created);
      const tmp = `${target}.obslab-${process.pid}.tmp`;
      writeFileSync(tmp, f.content, { mode: 0o644 });
      staged.push({ tmp, target });
    }
  } catch (e) {
    for (const s of staged) rmSync(s.tmp, { force: true });
    // Remove only folders this call created, newest first; they hold nothing but our staging.
    for (const d of createdDirs.reverse()) rmSync(d, { recursive: true, force: true });
    const reason = e instanceof Error ? e.message : String(e);
    throw new LabFolderError(`could not write the lab files into ${dir} (${reason}); nothing was changed. Pick a folder you can write to`);
  }
  for (const s of staged) renameSync(s.tmp, s.target);
  return { written: toWrite.map((f) => f.path), unchanged: files.filter((f) => f.status === 'same').map((f) => f.path) };
}
