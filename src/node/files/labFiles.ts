// Reading templates and writing a lab folder on disk, for the CLI (the editor writes through a
// WorkspaceEdit instead, so the student can undo). Only inside the chosen folder: a link (or a
// file) on the way to a lab file is refused, never followed. Writing is all or nothing: every
// file is staged next to its target first, the files it replaces are copied aside, and only then
// is each renamed into place; a failure part-way puts the old files back and removes every temp.
import {
  constants,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { PlannedFile } from '../../core/scaffold/plan';
import { t } from '../../core/text/l10n';

/** The templates/ folder shipped beside dist/ in the extension and the npm package. */
export function templatesDir(): string {
  // dist/cli.js and dist/extension.js sit one level below the package root; sources (src/node/files/) three.
  const candidates = [join(__dirname, '..', 'templates'), join(__dirname, '..', '..', '..', 'templates')];
  const found = candidates.find((c) => existsSync(join(c, 'lab')));
  if (!found)
    throw new Error(t`the lab templates are missing (looked in ${candidates.join(', ')}); reinstall the extension`);
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
  if (!statSync(probe).isDirectory())
    throw new LabFolderError(t`${probe} is a file, so ${dir} cannot be a folder; pick another folder`);
}

/**
 * Refuses a lab file whose way from `dir` passes through a link or a file, or that is a folder or
 * a link itself: the scaffold writes only inside the folder the student chose.
 */
export function checkLabPath(dir: string, rel: string): void {
  const parts = rel.split('/');
  if (isAbsolute(rel) || parts.some((p) => p === '' || p === '.' || p === '..'))
    throw new LabFolderError(t`${rel} is not a path inside the lab folder`);
  const root = resolve(dir);
  for (let i = 0; i < parts.length; i++) {
    const here = join(root, ...parts.slice(0, i + 1));
    const last = i === parts.length - 1;
    let st;
    try {
      st = lstatSync(here);
    } catch {
      return; // from here on nothing exists: it is created inside the folder
    }
    if (st.isSymbolicLink()) {
      throw new LabFolderError(
        last
          ? t`${here} is a symbolic link: the lab files are written only inside ${root}, never through a link \
(it could lead anywhere). Replace the link with a real file, or choose another folder`
          : t`${here} is a symbolic link: the lab files are written only inside ${root}, never through a link \
(it could lead anywhere). Replace the link with a real folder, or choose another folder`,
      );
    }
    if (!last && !st.isDirectory())
      throw new LabFolderError(t`${here} is a file where the lab needs a folder; move it away and try again`);
    if (last && st.isDirectory())
      throw new LabFolderError(t`${here} is a folder where the lab needs a file; move it away and try again`);
    if (last && !st.isFile()) throw new LabFolderError(t`${here} is not a regular file; move it away and try again`);
  }
}

export function existingReader(dir: string): (path: string) => string | undefined {
  return (path) => {
    checkLabPath(dir, path);
    const full = join(dir, path);
    if (!existsSync(full)) return undefined;
    return readFileSync(full, 'utf8');
  };
}

export interface WriteResult {
  written: string[];
  unchanged: string[];
}

/** The file operations writeLabFolder uses; tests hand in ones that fail part-way. */
export interface LabFileOps {
  /** Creates a new file (never through an existing one or a link). */
  create(path: string, content: string): void;
  copy(from: string, to: string): void;
  rename(from: string, to: string): void;
}

export const diskOps: LabFileOps = {
  create: (path, content) => writeFileSync(path, content, { mode: 0o644, flag: 'wx' }),
  copy: (from, to) => copyFileSync(from, to, constants.COPYFILE_EXCL),
  rename: renameSync,
};

interface Staged {
  tmp: string;
  target: string;
  /** A copy of the file it replaces, until the write is complete. */
  backup?: string;
  placed: boolean;
}

export function writeLabFolder(dir: string, files: PlannedFile[], ops: LabFileOps = diskOps): WriteResult {
  checkTarget(dir);
  const toWrite = files.filter((f) => f.status !== 'same');
  for (const f of toWrite) checkLabPath(dir, f.path);
  const staged: Staged[] = [];
  const createdDirs: string[] = [];
  const tag = `obslab-${process.pid}`;
  try {
    // 1. Every new text beside its target.
    for (const f of toWrite) {
      const target = join(dir, f.path);
      const created = mkdirSync(dirname(target), { recursive: true });
      if (created) createdDirs.push(created);
      const s: Staged = { tmp: `${target}.${tag}.tmp`, target, placed: false };
      staged.push(s);
      ops.create(s.tmp, f.content);
    }
    // 2. A copy of each file that is replaced, to put back if a later step fails.
    for (const s of staged) {
      if (!existsSync(s.target)) continue;
      s.backup = `${s.target}.${tag}.bak`;
      ops.copy(s.target, s.backup);
    }
    // 3. Into place: each rename replaces one file atomically.
    for (const s of staged) {
      ops.rename(s.tmp, s.target);
      s.placed = true;
    }
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const left = rollBack(staged, createdDirs);
    if (left.length)
      throw new LabFolderError(
        t`could not write the lab files into ${dir} (${reason}), and could not put back ${left.join(', ')}: check those files`,
      );
    throw new LabFolderError(
      t`could not write the lab files into ${dir} (${reason}); nothing was changed. Pick a folder you can write to`,
    );
  }
  for (const s of staged) if (s.backup) rmSync(s.backup, { force: true });
  return {
    written: toWrite.map((f) => f.path),
    unchanged: files.filter((f) => f.status === 'same').map((f) => f.path),
  };
}

/** Undoes a write that failed part-way, newest first; returns the files it could not restore. */
function rollBack(staged: Staged[], createdDirs: string[]): string[] {
  const left: string[] = [];
  for (const s of [...staged].reverse()) {
    try {
      if (s.placed && s.backup) renameSync(s.backup, s.target);
      else if (s.placed) rmSync(s.target, { force: true });
    } catch {
      left.push(s.target);
    }
    rmSync(s.tmp, { force: true });
    if (s.backup && !left.includes(s.target)) rmSync(s.backup, { force: true });
  }
  // Folders this call created hold nothing but what it wrote.
  for (const d of createdDirs.reverse()) rmSync(d, { recursive: true, force: true });
  return left;
}
