// The manifest files a PATH names: a file, or every *.yaml/*.yml under a folder (sorted). A lab
// folder made by `obslab scaffold` means its k8s/ folder: the rest of it is not for the cluster.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseManifests, type ManifestError, type ManifestObject } from '../../core/kube/manifests';
import { labManifestName } from '../../core/scaffold/plan';
import { pathFiles } from '../files/pathFiles';
import { t } from '../../core/text/l10n';

const manifestFile = /\.ya?ml$/i;
const skipDirs = new Set(['node_modules', '.git', 'dist']);

export class UnreadableManifest extends Error {}

/** A lab folder (it has obslab-lab.json and k8s/) stands for its k8s/ folder. */
export function manifestRoot(dir: string): string {
  return existsSync(join(dir, labManifestName)) && existsSync(join(dir, 'k8s')) ? join(dir, 'k8s') : dir;
}

/** The files, in order: each named file, and each folder's YAML files sorted by path. */
export function manifestFiles(paths: readonly string[]): Promise<string[]> {
  return pathFiles(paths, {
    accept: manifestFile,
    skipDirs,
    skipHidden: true,
    root: manifestRoot,
    missing: (p) => new UnreadableManifest(t`${p}: no such file or folder`),
  });
}

export interface LoadedManifests {
  files: string[];
  objects: ManifestObject[];
  errors: ManifestError[];
}

/** Reads and parses every file; paths in messages are relative to `cwd` when inside it. */
export async function loadManifests(paths: readonly string[], cwd = process.cwd()): Promise<LoadedManifests> {
  const files = await manifestFiles(paths);
  const objects: ManifestObject[] = [];
  const errors: ManifestError[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new UnreadableManifest(`${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const rel = relative(cwd, file);
    const parsed = parseManifests(text, rel && !rel.startsWith('..') ? rel : file);
    objects.push(...parsed.objects);
    errors.push(...parsed.errors);
  }
  return { files, objects, errors };
}
