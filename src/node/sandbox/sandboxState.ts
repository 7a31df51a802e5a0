// The running sandbox as recorded in <cache>/run/sandbox.json, read without the code that starts
// it (the query panel asks for Prometheus' URL at activation-light cost). The file is written
// atomically (a temp file beside it, fsynced, renamed), read only when every field has its
// shape (src/core/sandbox/state.ts decides), and the paths it names are deleted only when they
// are the sandbox's own.
import { t } from '../../core/text/l10n';
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { sandboxStateProblem } from '../../core/sandbox/state';
import { cacheDir, runDir } from '../files/cache';
import { isOurProcess } from '../process/processes';
import type { SandboxState } from './sandbox';

export function sandboxStatePath(): string {
  return join(runDir(), 'sandbox.json');
}

/** Where the sandbox writes its configs and logs. */
export function sandboxRunDir(): string {
  return cacheDir('run', 'sandbox');
}

const isAbsolutePath = (v: string): boolean => v.length > 1 && isAbsolute(v) && !v.includes('\0');

/** The recorded state, or why the file there is refused (both absent when there is none). */
export function readSandboxStateFile(): { state?: SandboxState; problem?: string } {
  const p = sandboxStatePath();
  if (!existsSync(p)) return {};
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    return { problem: t`it is not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  const problem = sandboxStateProblem(value, sandboxRunDir());
  return problem ? { problem } : { state: value as SandboxState };
}

export function readSandboxState(): SandboxState | undefined {
  return readSandboxStateFile().state;
}

/**
 * Writes the state so that a reader sees the old file or the new one, never half of one: a temp
 * file in the same folder, fsynced, then renamed over the old.
 */
export function writeSandboxState(state: SandboxState, file = sandboxStatePath()): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The running sandbox's Prometheus URL, for `obslab query` without --prometheus. */
export function sandboxPrometheusUrl(): string | undefined {
  const state = readSandboxState();
  return state?.prometheus && isOurProcess(state.prometheus.pid, state.prometheus.marker)
    ? state.prometheus.url
    : undefined;
}

/** What the sandbox deletes: its configs in its run folder, Prometheus' data folder that `up` made in the temp folder. */
export type SandboxPathKind = 'config' | 'tsdb';

const ownNames: Record<SandboxPathKind, RegExp> = {
  config: /^(collector\.yaml|prometheus\.yml)$/,
  // mkdtemp's six characters after the prefix sandbox.ts gives it.
  tsdb: /^obslab-sandbox-tsdb-[A-Za-z0-9]{6}$/,
};

function real(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Why `path` is not one the sandbox may delete, or undefined when it is: it must be absolute, be
 * named as the sandbox names its own, sit directly in the sandbox's own folder (the run folder for
 * configs, the temp folder for Prometheus' data) with no link on the way, and be what it should be.
 */
export function refusalToDelete(
  path: string,
  kind: SandboxPathKind,
  roots: { run: string; temp: string } = { run: sandboxRunDir(), temp: tmpdir() },
): string | undefined {
  const root = kind === 'config' ? roots.run : roots.temp;
  const where =
    kind === 'config' ? t`the sandbox's folder ${root}` : t`an ${'obslab-sandbox-tsdb-*'} folder in ${root}`;
  const refuse = (why: string): string => t`${path} is not inside ${where} (${why})`;
  if (!isAbsolutePath(path)) return refuse(t`not an absolute path`);
  if (!ownNames[kind].test(basename(path)))
    return refuse(
      kind === 'config'
        ? t`the sandbox does not name its configs ${JSON.stringify(basename(path))}`
        : t`the sandbox does not name its data folders ${JSON.stringify(basename(path))}`,
    );
  const parent = real(dirname(path));
  const rootReal = real(root);
  if (parent === undefined || rootReal === undefined || parent !== rootReal)
    return refuse(parent !== undefined ? t`it resolves to ${parent}` : t`it resolves to a folder that does not exist`);
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return undefined; // already gone: nothing to delete
  }
  if (st.isSymbolicLink()) return refuse(t`it is a symbolic link`);
  if (kind === 'config' && !st.isFile()) return refuse(t`it is not a file`);
  if (kind === 'tsdb' && !st.isDirectory()) return refuse(t`it is not a folder`);
  return undefined;
}

/** Deletes one of the sandbox's own paths; returns why it refused, or undefined when done (or already gone). */
export function removeSandboxPath(path: string | undefined, kind: SandboxPathKind): string | undefined {
  if (!path) return undefined;
  const refused = refusalToDelete(path, kind);
  if (refused) return refused;
  rmSync(path, { recursive: kind === 'tsdb', force: true });
  return undefined;
}
