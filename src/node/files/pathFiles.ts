// Reading folders for files, one walker for every caller: the lint scope and `obslab lint` (lintable
// files, a few levels deep, unreadable folders passed over), the cluster commands (a PATH's YAML
// files) and the sandbox (the app/ files it asks consent for). A path that does not exist is the
// caller's error, with the path in its message.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface FilesBelowOptions {
  /** Which entries that are not folders to list, by path and directory entry (a FIFO or a link may be wanted, to say why it is not read). */
  accept: (path: string, entry: Dirent) => boolean;
  /** Which folders to enter, by name; symbolic links to folders are never followed. */
  enter: (name: string) => boolean;
  /** How many folders below the start to read (0: only the start); default all. */
  maxDepth?: number;
  /** Stop once more files than this are found. */
  limit?: number;
  /** A folder that cannot be read is passed over instead of failing the walk. */
  skipUnreadable?: boolean;
}

/** The accepted files below `dir`, sorted by path. */
export async function filesBelow(dir: string, o: FilesBelowOptions): Promise<string[]> {
  const out: string[] = [];
  const limit = o.limit ?? Infinity;
  const maxDepth = o.maxDepth ?? Infinity;
  const walk = async (folder: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (e) {
      if (o.skipUnreadable) return;
      throw e;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (out.length > limit) return;
      const path = join(folder, e.name);
      if (e.isDirectory()) {
        if (depth < maxDepth && o.enter(e.name)) await walk(path, depth + 1);
      } else if (o.accept(path, e)) {
        out.push(path);
      }
    }
  };
  await walk(dir, 0);
  return out.sort();
}

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

/** Each path in order: a file itself, a folder's matching regular files sorted by path; no file twice. */
export async function pathFiles(paths: readonly string[], o: PathFilesOptions): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch {
      throw o.missing(p);
    }
    if (st.isDirectory()) {
      files.push(
        ...(await filesBelow(o.root ? o.root(p) : p, {
          accept: (_path, e) => e.isFile() && o.accept.test(e.name),
          enter: (name) => !o.skipDirs.has(name) && !(o.skipHidden && name.startsWith('.')),
        })),
      );
    } else {
      files.push(p);
    }
  }
  return [...new Set(files)];
}
