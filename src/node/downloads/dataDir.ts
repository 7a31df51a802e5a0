// Where the command line keeps what it downloads for the student: the per-user data folder each
// OS has for applications (the editor uses its own global storage instead). Not a cache: the
// parts are verified installs the student may keep for the whole course.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** $XDG_DATA_HOME/obslab (or ~/.local/share/obslab), ~/Library/Application Support/obslab, %LOCALAPPDATA%\obslab. */
export function userDataDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: string = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env['LOCALAPPDATA'] || join(home, 'AppData', 'Local'), 'obslab');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'obslab');
  const xdg = env['XDG_DATA_HOME'];
  // The XDG spec ignores a relative value.
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'share'), 'obslab');
}

/** The folder downloaded sandbox parts go in, under a data folder. */
export function partsDir(dataDir: string): string {
  return join(dataDir, 'parts');
}
