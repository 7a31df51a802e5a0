// The process's open-file limit and how much of it is used, for the built-in engine's thread
// cap (core/loadtest/threadBudget.ts). Linux says both under /proc/self; elsewhere the answer is
// undefined and no cap is applied (macOS and Windows have no /proc to read without a shell).
import { readdirSync, readFileSync } from 'node:fs';
import type { FileHandles } from '../../core/loadtest/threadBudget';

/** The soft limit from the text of /proc/self/limits ("Max open files  1024  1048576  files"). */
export function parseOpenFileLimit(limits: string): number | undefined {
  const m = /^Max open files\s+(\d+|unlimited)\s+/m.exec(limits);
  if (!m?.[1] || m[1] === 'unlimited') return undefined;
  return Number(m[1]);
}

export function fileHandles(): FileHandles | undefined {
  try {
    const limit = parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'));
    if (limit === undefined) return undefined;
    // The listing itself holds one handle while it reads.
    const inUse = Math.max(0, readdirSync('/proc/self/fd').length - 1);
    return { limit, inUse };
  } catch {
    return undefined;
  }
}
