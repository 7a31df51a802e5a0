// The running sandbox as recorded in <cache>/run/sandbox.json, read without the code that starts
// it (the query panel asks for Prometheus' URL at activation-light cost).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDir } from './cache';
import { isOurProcess } from './processes';
import type { SandboxState } from './sandbox';

export function sandboxStatePath(): string {
  return join(runDir(), 'sandbox.json');
}

export function readSandboxState(): SandboxState | undefined {
  const p = sandboxStatePath();
  if (!existsSync(p)) return undefined;
  try {
    const value = JSON.parse(readFileSync(p, 'utf8')) as SandboxState;
    return value.version === 1 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The running sandbox's Prometheus URL, for `obslab query` without --prometheus. */
export function sandboxPrometheusUrl(): string | undefined {
  const state = readSandboxState();
  return state?.prometheus && isOurProcess(state.prometheus.pid, state.prometheus.marker) ? state.prometheus.url : undefined;
}
