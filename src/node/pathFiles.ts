// The files a list of paths names, as the CLI commands read them: a file as it is, a folder as the
// matching files below it (sorted), skipping build and VCS folders. A path that does not exist is
// the caller's error, with the path in its message.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface PathFilesOptions {
  /** Which file names a folder contributes. */
  accept: RegExp;
  /** Folder names never entered. */
  skipDirs: ReadonlySet<string>;
  skipHidden?: boolean;
  /** Where to start reading a named folder (a lab folder stands for its k8s/, say). */
  root?: (dir: string) => string;
  /** The error for a path that is not there. */
  missing: (path: string) => Error;
}

function walk(dir: string, o: PathFilesOptions, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!o.skipDirs.has(entry.name) && !(o.skipHidden && entry.name.startsWith('.'))) walk(path, o, out);
    } else if (entry.isFile() && o.accept.test(entry.name)) {
      out.push(path);
    }
  }
}

/** Each path in order: a file itself, a folder's matching files sorted by path; no file twice. */
export function pathFiles(paths: readonly string[], o: PathFilesOptions): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw o.missing(p);
    }
    if (st.isDirectory()) {
      const found: string[] = [];
      walk(o.root ? o.root(p) : p, o, found);
      files.push(...found.sort());
    } else {
      files.push(p);
    }
  }
  return [...new Set(files)];
}
