// The lab's Flask app needs its pinned Python packages (flask, waitress, the OpenTelemetry distro
// and instrumentation). They go into a private virtual environment in the cache, one per
// requirements.txt content, so a second start, or another lab with the same pins, reuses it. The
// Python is the student's own (python3, python, or Windows' `py -3`), checked to be recent enough
// before anything is installed; without one, the message says how to get it on their OS.
import { t } from '../../core/text/l10n';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  minPython,
  parsePythonVersion,
  pythonCandidates,
  pythonInstallHint,
  pythonIsRecentEnough,
  pythonVersionProbe,
  venvProgram,
} from '../../core/sandbox/python';
import { sandboxEnv } from '../../core/sandbox/env';
import { cacheDir } from '../files/cache';
import { runProgram } from '../process/processes';

const marker = '.obslab-installed';

export function appVenvDir(requirementsFile: string): string {
  const key = createHash('sha256').update(readFileSync(requirementsFile)).digest('hex').slice(0, 12);
  return cacheDir(`app-venv-${key}`);
}

export function appVenvInstalled(requirementsFile: string): boolean {
  return existsSync(join(appVenvDir(requirementsFile), marker));
}

/** No usable Python: what was tried, and how to install one on this OS. */
export class PythonMissing extends Error {
  constructor(
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`${reason}; ${fix}`);
    this.name = 'PythonMissing';
  }
}

/** The first Python on this machine that is recent enough for the lab's packages, as a command and its leading args. */
export async function findPython(
  env: NodeJS.ProcessEnv = process.env,
  platform: string = process.platform,
): Promise<{ cmd: string; args: string[]; version: string }> {
  const seen: string[] = [];
  for (const c of pythonCandidates(platform, env)) {
    const label = [c.cmd, ...c.args].join(' ');
    let out: string;
    try {
      out = await runProgram(c.cmd, [...c.args, '-c', pythonVersionProbe], { timeoutMs: 30_000, env });
    } catch {
      seen.push(t`${label}: not found`);
      continue;
    }
    const v = parsePythonVersion(out);
    if (v && pythonIsRecentEnough(v)) return { ...c, version: v.join('.') };
    seen.push(v ? `${label}: Python ${v.join('.')}` : t`${label}: no version`);
  }
  throw new PythonMissing(
    t`no Python ${minPython.join('.')} or later was found (${seen.join('; ')})`,
    env['OBSLAB_PYTHON']
      ? pythonInstallHint(platform)
      : t`${pythonInstallHint(platform)}, or set ${'$OBSLAB_PYTHON'} to one`,
  );
}

/** Creates the venv for `appDir`/requirements.txt unless it exists; returns its folder. */
export async function installAppVenv(
  appDir: string,
  onProgress: (message: string) => void = () => undefined,
): Promise<string> {
  const requirements = join(appDir, 'requirements.txt');
  if (!existsSync(requirements)) throw new Error(t`no ${'requirements.txt'} in ${appDir}`);
  const dir = appVenvDir(requirements);
  // The marker is written last, so an interrupted install is redone from scratch.
  if (existsSync(join(dir, marker))) return dir;
  const python = await findPython();
  onProgress(
    t`installing the app's Python packages with Python ${python.version} into ${dir} (first time only, about a minute)`,
  );
  // A package's setup code runs during the install: it sees no credentials of ours, only what pip needs.
  const env = sandboxEnv('pip', process.env);
  await runProgram(python.cmd, [...python.args, '-m', 'venv', '--clear', dir], { timeoutMs: 2 * 60_000, env });
  await runProgram(
    join(dir, ...venvProgram(process.platform, 'pip')),
    ['install', '--quiet', '--disable-pip-version-check', '-r', requirements],
    { timeoutMs: 10 * 60_000, env },
  );
  writeFileSync(join(dir, marker), new Date().toISOString());
  return dir;
}

/** The programs the app runs under: opentelemetry-instrument wraps the venv's python. */
export function appCommand(venv: string, appDir: string): { cmd: string; args: string[] } {
  return {
    cmd: join(venv, ...venvProgram(process.platform, 'opentelemetry-instrument')),
    args: [join(venv, ...venvProgram(process.platform, 'python')), join(appDir, 'app.py')],
  };
}
