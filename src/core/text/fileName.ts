// A file's own name from a path of either separator: core has no node:path, and the linter meets
// paths written on Windows and elsewhere.

/** The last part of a path, with / or \ as separator. */
export function basename(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
