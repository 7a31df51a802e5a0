// Where obslab keeps what it builds, installs and runs, outside any repository or lab folder:
// ~/.cache/obslab (or $OBSLAB_CACHE): the app's Python environments and the sandbox's run state.
// Downloaded programs live elsewhere (src/node/downloads/: the editor's global storage, or the
// CLI's per-user data folder).
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env['OBSLAB_CACHE'] ?? join(homedir(), '.cache', 'obslab');
}

/** A folder under the cache, created if needed. */
export function cacheDir(...sub: string[]): string {
  const dir = join(cacheRoot(), ...sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Where running programs record their pids and addresses, so another process can stop them. */
export function runDir(): string {
  return cacheDir('run');
}
