// Which files are linted together, one answer for the editor and `obslab lint`: a lab folder (it
// holds obslab-lab.json) as a whole, because the cross-resource rules need all of it; any other
// folder only with the files directly in it, so files in sibling folders never blame each other.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { labManifestName, parseLabManifest } from '../../core/scaffold/plan';
import { findLabFolderAbove } from '../files/labManifest';
import { filesBelow } from '../files/pathFiles';

export interface LintScope {
  /** The folder whose files are linted together. */
  dir: string;
  /** It holds obslab-lab.json: the lab's own rules apply, and its subfolders belong to it. */
  lab: boolean;
}

/** A scope with more lintable files than this is not linted as a whole: only the file asked for. */
export const maxScopeFiles = 300;
/** How many folders deep a lab folder is read. */
export const maxScopeDepth = 4;

const lintableExtension = /\.(ya?ml|json|jmx)$/i;
const skipDirs = new Set(['node_modules', '.git', 'dist', '.obslab-build']);
/** Files with a lintable extension that are plainly something else: never read. */
const otherToolsFiles = new Set([
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'composer.json',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'jsconfig.json',
  'deno.json',
  'lerna.json',
  'nx.json',
  'turbo.json',
  'renovate.json',
  '.renovaterc.json',
  'devcontainer.json',
  '.devcontainer.json',
  '.eslintrc.json',
  '.eslintrc.yml',
  '.eslintrc.yaml',
  '.prettierrc.json',
  '.prettierrc.yml',
  '.prettierrc.yaml',
  '.babelrc.json',
  '.stylelintrc.json',
  '.markdownlint.json',
  '.markdownlint.yaml',
  '.markdownlint.yml',
  '.yarnrc.yml',
  'yarn.lock',
  'composer.lock',
]);
/** tsconfig.base.json, tsconfig.app.json; foo-lock.json, foo.lock.yaml and their kin. */
const otherToolsPattern = /^(tsconfig|jsconfig)(\.[\w-]+)*\.json$|[.-]lock(file)?\.(json|ya?ml)$|\.lock$/i;

/** A file no linter of ours reads, known by its name alone (editor settings, package manifests, lock files). */
export function ignoredByName(file: string): boolean {
  const name = basename(file).toLowerCase();
  return (
    otherToolsFiles.has(name) ||
    otherToolsPattern.test(name) ||
    (basename(dirname(file)) === '.vscode' && name.endsWith('.json'))
  );
}

/** A YAML, JSON or JMeter file that is not known by name to belong to another tool. */
export function isLintable(file: string): boolean {
  return lintableExtension.test(file) && !ignoredByName(file);
}

/** The lab folder at or up to five folders above `file`, else the file's own folder. */
export async function scopeOf(file: string): Promise<LintScope> {
  const own = dirname(file);
  const lab = await findLabFolderAbove(own);
  return lab ? { dir: lab, lab: true } : { dir: own, lab: false };
}

/** scopeOf, remembered per folder; clear it when an obslab-lab.json appears or goes. */
export class ScopeCache {
  private readonly byDir = new Map<string, Promise<LintScope>>();

  of(file: string): Promise<LintScope> {
    const dir = dirname(file);
    let scope = this.byDir.get(dir);
    if (!scope) {
      scope = scopeOf(file);
      this.byDir.set(dir, scope);
    }
    return scope;
  }

  clear(): void {
    this.byDir.clear();
  }
}

export interface WalkOptions {
  /** How many folders below `dir` to read (0: only `dir` itself). */
  maxDepth: number;
  /** Stop once more files than this are found. */
  limit?: number;
}

/**
 * The lintable files below `dir`, sorted: hidden folders, node_modules, .git, dist and .obslab-build
 * are not entered, symbolic links to folders are not followed. Any other entry with a lintable name
 * (a FIFO, a link) is listed, so that reading it can say why it was not checked.
 */
export function lintableFilesBelow(dir: string, o: WalkOptions): Promise<string[]> {
  return filesBelow(dir, {
    ...o,
    accept: (path) => isLintable(path),
    enter: (name) => !name.startsWith('.') && !skipDirs.has(name),
    skipUnreadable: true,
  });
}

export interface ScopeFiles {
  files: string[];
  /** More than maxScopeFiles: `files` is empty, and the caller lints only the file it was asked about. */
  tooMany: boolean;
}

/** The files linted together in a scope: a lab folder's below it, another folder's directly in it. */
export async function scopeFiles(scope: LintScope): Promise<ScopeFiles> {
  const files = await lintableFilesBelow(scope.dir, { maxDepth: scope.lab ? maxScopeDepth : 0, limit: maxScopeFiles });
  return files.length > maxScopeFiles ? { files: [], tooMany: true } : { files, tooMany: false };
}

/** The release a lab folder was made for (its obslab-lab.json), if the scope is one and says so. */
export async function labReleaseOf(scope: LintScope): Promise<string | undefined> {
  if (!scope.lab) return undefined;
  try {
    return parseLabManifest(await readFile(join(scope.dir, labManifestName), 'utf8'))?.params.helmRelease;
  } catch {
    return undefined;
  }
}

export interface ScopeGroup {
  scope: LintScope;
  files: string[];
}

/** Files grouped by their scope (folders in order, files in the order given), each group linted on its own. */
export async function groupByScope(files: readonly string[], scopes = new ScopeCache()): Promise<ScopeGroup[]> {
  const groups = new Map<string, ScopeGroup>();
  for (const file of files) {
    const scope = await scopes.of(file);
    const group = groups.get(scope.dir) ?? { scope, files: [] };
    group.files.push(file);
    groups.set(scope.dir, group);
  }
  return [...groups.values()].sort((a, b) => (a.scope.dir < b.scope.dir ? -1 : a.scope.dir > b.scope.dir ? 1 : 0));
}
