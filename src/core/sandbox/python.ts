// The app's Python, decided without running anything: which interpreters to try on each OS, what
// their version answer means, where a venv keeps its programs, and how to install a recent enough
// Python on the student's own OS when none is found.
import { t } from '../text/l10n';

/**
 * The oldest Python the lab's pinned packages install on: opentelemetry-sdk 1.45.1 and
 * opentelemetry-instrumentation-flask 0.66b1 declare Requires-Python >=3.10 (their wheels'
 * METADATA, checked 2026-12-05); flask 3.1.3 and waitress 3.0.2 need 3.9.
 */
export const minPython: readonly [number, number] = [3, 10];

/** What to try, in order: $OBSLAB_PYTHON alone when set; else `py -3` (the Windows launcher), python3, python. */
export function pythonCandidates(
  platform: string,
  env: Readonly<Record<string, string | undefined>>,
): { cmd: string; args: string[] }[] {
  const given = env['OBSLAB_PYTHON']?.trim();
  if (given) return [{ cmd: given, args: [] }];
  return platform === 'win32'
    ? [
        { cmd: 'py', args: ['-3'] },
        { cmd: 'python', args: [] },
        { cmd: 'python3', args: [] },
      ]
    : [
        { cmd: 'python3', args: [] },
        { cmd: 'python', args: [] },
      ];
}

/** The code we ask an interpreter to run: its major.minor on one line. */
export const pythonVersionProbe = 'import sys; print("%d.%d" % sys.version_info[:2])';

/** [major, minor] from the probe's output, or undefined. */
export function parsePythonVersion(output: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)\s*$/m.exec(output);
  return m?.[1] && m[2] ? [Number(m[1]), Number(m[2])] : undefined;
}

export function pythonIsRecentEnough(v: readonly [number, number]): boolean {
  return v[0] > minPython[0] || (v[0] === minPython[0] && v[1] >= minPython[1]);
}

/** How to get a recent enough Python (minPython) on this OS, as one sentence. */
export function pythonInstallHint(platform: string): string {
  const min = `${minPython[0]}.${minPython[1]}`;
  if (platform === 'win32')
    return t`install Python ${min} or later: \`winget install Python.Python.3.12\`, or the installer from \
https://www.python.org/downloads/ (tick "Add python.exe to PATH"); then start the sandbox again`;
  if (platform === 'darwin')
    return t`install Python ${min} or later: \`brew install python\`, or the installer from \
https://www.python.org/downloads/; then start the sandbox again`;
  return t`install Python ${min} or later with venv support from your distribution: \
\`sudo apt install python3 python3-venv\` (Debian, Ubuntu, WSL), \`sudo dnf install python3\` (Fedora), \
\`sudo pacman -S python\` (Arch), or see https://www.python.org/downloads/; then start the sandbox again`;
}

/** Where a venv keeps `program` (pip, python, opentelemetry-instrument): Scripts\\*.exe on Windows, bin/* elsewhere. */
export function venvProgram(platform: string, program: string): string[] {
  return platform === 'win32' ? ['Scripts', `${program}.exe`] : ['bin', program];
}
