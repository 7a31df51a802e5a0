// The lab's own choices (obslab-lab.json), so linting a lab uses the release it was made for.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { labManifestName, parseLabManifest, type LabManifest } from '../core/scaffold/plan';

/** The manifest in `dir` or up to five folders above it. */
export function findLabManifest(start: string): LabManifest | undefined {
  let dir = existsSync(start) && statSync(start).isDirectory() ? start : dirname(start);
  for (let i = 0; i < 6; i++) {
    const file = join(dir, labManifestName);
    if (existsSync(file)) {
      try {
        return parseLabManifest(readFileSync(file, 'utf8'));
      } catch {
        return undefined;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
