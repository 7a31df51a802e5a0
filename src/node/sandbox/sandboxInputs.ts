// The files of a lab folder the sandbox would run, install or read, and one sha256 over their
// names and contents: Start Sandbox asks before running them, and asks again once any changes.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { SandboxInputFile } from '../../core/sandbox/consent';

export interface LabInputs {
  files: SandboxInputFile[];
  /** Over every file's path and content, in path order. */
  sha256: string;
}

/** Folders under app/ that hold caches or environments, not the app's code. */
const skipped = new Set(['__pycache__', '.venv', 'venv', 'node_modules', '.git']);

function appFiles(dir: string, out: string[], depth = 0): void {
  if (depth > 8 || out.length > 2000) return;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) {
      if (!skipped.has(name)) appFiles(p, out, depth + 1);
    } else if (st.isFile() || st.isSymbolicLink()) {
      out.push(p);
    }
  }
}

/** What the sandbox takes from `lab` (which must have app/app.py, app/requirements.txt and k8s/otel-collector-config.yaml). */
export function labInputs(lab: string): LabInputs {
  const rel = (p: string): string => relative(lab, p).split(sep).join('/');
  const files: SandboxInputFile[] = [
    { path: 'app/app.py', role: 'app' },
    { path: 'app/requirements.txt', role: 'requirements' },
    { path: 'k8s/otel-collector-config.yaml', role: 'collector-config' },
  ];
  if (existsSync(join(lab, 'k8s', 'app.yaml'))) files.push({ path: 'k8s/app.yaml', role: 'app-manifest' });
  const all: string[] = [];
  appFiles(join(lab, 'app'), all);
  for (const p of all) {
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
