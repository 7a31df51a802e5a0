// Reading the student's files from disk for the editor's commands and the doctor: whether a file is
// there, and its text, kept out of src/ui so plain-Node tests reach it.
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

/** A regular file is at `path` (not a folder of that name). */
export function isFileSync(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** isFileSync, without blocking. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** A file's text as UTF-8; throws Node's error (ENOENT, EISDIR…), whose message names the path. */
export function readTextFile(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** A file's text, or undefined when there is no path, no file or it cannot be read. */
export function readText(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A file's text when it is at most `maxBytes` long, else undefined, as when it cannot be read.
 * Synchronous for the YAML schema choice, which answers the language server's question in one call.
 */
export function readSmallText(path: string, maxBytes: number): string | undefined {
  try {
    return statSync(path).size > maxBytes ? undefined : readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
