// The lab's own choices (obslab-lab.json), so linting a lab uses the release it was made for and
// commands act on the lab's names. A manifest whose values the scaffold's prompts would refuse
// is never used: findLabManifest passes over it, loadLabManifest says what is wrong with it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isFile, isFileSync } from './textFiles';
import { dirname, join } from 'node:path';
import {
  checkLabManifest,
  describeLabManifestProblems,
  foldersUpToLab,
  labManifestName,
  type LabManifest,
  type LabManifestProblem,
} from '../../core/scaffold/plan';
import { t } from '../../core/text/l10n';

/** An obslab-lab.json that is there but not valid: the CLI exits 2 with the message, the editor shows it. */
export class LabManifestError extends Error {
  constructor(
    readonly file: string,
    readonly problems: LabManifestProblem[],
  ) {
    super(describeLabManifestProblems(file, problems));
    this.name = 'LabManifestError';
  }
}

/** The manifest file in `start` (or its folder, for a file) or up to five folders above it. */
export function findLabManifestFile(start: string): string | undefined {
  const dir = existsSync(start) && statSync(start).isDirectory() ? start : dirname(start);
  return foldersUpToLab(dir, dirname)
    .map((d) => join(d, labManifestName))
    .find(isFileSync);
}

/** The lab folder (holding the manifest) that is `dir` or up to five folders above it; the async twin of findLabManifestFile, for the lint process. */
export async function findLabFolderAbove(dir: string): Promise<string | undefined> {
  for (const d of foldersUpToLab(dir, dirname)) if (await isFile(join(d, labManifestName))) return d;
  return undefined;
}

/** The manifest in `file`; throws LabManifestError when it is not valid. */
export function readLabManifest(file: string): LabManifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LabManifestError(file, [
      { field: '(file)', message: t`cannot be read (${e instanceof Error ? e.message : String(e)})` },
    ]);
  }
  const r = checkLabManifest(text);
  if (!r.ok) throw new LabManifestError(file, r.problems);
  return r.manifest;
}

/** The lab's manifest for `start`, undefined when there is none; throws LabManifestError for an invalid one. */
export function loadLabManifest(start: string): LabManifest | undefined {
  const file = findLabManifestFile(start);
  return file ? readLabManifest(file) : undefined;
}

/** The manifest in `dir` or up to five folders above it; undefined when there is none or it is not valid. */
export function findLabManifest(start: string): LabManifest | undefined {
  try {
    return loadLabManifest(start);
  } catch {
    return undefined;
  }
}
