// The lab's Flask app needs its pinned Python packages (flask, waitress, the OpenTelemetry distro
// and instrumentation). They go into a private virtual environment in the cache, one per
// requirements.txt content, so a second start, or another lab with the same pins, reuses it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** Creates the venv for `appDir`/requirements.txt unless it exists; returns its folder. */
export async function installAppVenv(
  appDir: string,
  onProgress: (message: string) => void = () => undefined,
): Promise<string> {
  const requirements = join(appDir, 'requirements.txt');
  if (!existsSync(requirements)) throw new Error(`no requirements.txt in ${appDir}`);
  const dir = appVenvDir(requirements);
  // The marker is written last, so an interrupted install is redone from scratch.
  if (existsSync(join(dir, marker))) return dir;
  const python = process.env['OBSLAB_PYTHON'] ?? 'python3';
  onProgress(`installing the app's Python packages into ${dir} (first time only, about a minute)`);
  // A package's setup code runs during the install: it sees no credentials of ours, only what pip needs.
  const env = sandboxEnv('pip', process.env);
  await runProgram(python, ['-m', 'venv', '--clear', dir], { timeoutMs: 2 * 60_000, env });
  await runProgram(join(dir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', requirements], {
    timeoutMs: 10 * 60_000,
    env,
  });
  writeFileSync(join(dir, marker), new Date().toISOString());
  return dir;
}

/** The programs the app runs under: opentelemetry-instrument wraps the venv's python. */
export function appCommand(venv: string, appDir: string): { cmd: string; args: string[] } {
  return {
    cmd: join(venv, 'bin', 'opentelemetry-instrument'),
    args: [join(venv, 'bin', 'python'), join(appDir, 'app.py')],
  };
}
