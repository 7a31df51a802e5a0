// The files of a lab folder the sandbox would run, install or read, and one sha256 over their
// names and contents: Start Sandbox asks before running them, and asks again once any changes.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { SandboxInputFile } from '../../core/sandbox/consent';
import { filesBelow } from '../files/pathFiles';

export interface LabInputs {
  files: SandboxInputFile[];
  /** Over every file's path and content, in path order. */
  sha256: string;
}

/** Folders under app/ that hold caches or environments, not the app's code. */
const skipped = new Set(['__pycache__', '.venv', 'venv', 'node_modules', '.git']);

/**
 * Every file and symbolic link in app/ (Python may import any of them), eight folders deep at
 * most and about 2,000 files: a bound on a folder that is not an app, not a rule about apps.
 */
function appFiles(dir: string): Promise<string[]> {
  return filesBelow(dir, {
    accept: (_path, e) => e.isFile() || e.isSymbolicLink(),
    enter: (name) => !skipped.has(name),
    maxDepth: 8,
    limit: 2000,
  });
}

/** What the sandbox takes from `lab` (which must have app/app.py, app/requirements.txt and k8s/otel-collector-config.yaml). */
export async function labInputs(lab: string): Promise<LabInputs> {
  const rel = (p: string): string => relative(lab, p).split(sep).join('/');
  const files: SandboxInputFile[] = [
    { path: 'app/app.py', role: 'app' },
    { path: 'app/requirements.txt', role: 'requirements' },
    { path: 'k8s/otel-collector-config.yaml', role: 'collector-config' },
  ];
  if (existsSync(join(lab, 'k8s', 'app.yaml'))) files.push({ path: 'k8s/app.yaml', role: 'app-manifest' });
  for (const p of await appFiles(join(lab, 'app'))) {
    const r = rel(p);
    if (!files.some((f) => f.path === r)) files.push({ path: r, role: 'app-module' });
  }
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    let content: Buffer;
    try {
      content = readFileSync(join(lab, f.path));
    } catch {
      content = Buffer.from('(unreadable)');
    }
    hash.update(`${f.path}\0${createHash('sha256').update(content).digest('hex')}\n`);
  }
  return { files, sha256: hash.digest('hex') };
}
