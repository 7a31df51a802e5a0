// Shared by setup, test and start: run a program with an argument array, inheriting the terminal.
import { spawnSync } from 'node:child_process';

export function step(title) {
  process.stdout.write(`\n== ${title}\n`);
}

/** Runs cmd with args (no shell); exits the process with its code if it fails. */
export function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) {
    console.error(`${cmd}: ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0 && !opts.allowFail) process.exit(r.status ?? 1);
  return r.status ?? 1;
}

export const npx = (args, opts) => sh('npx', ['--no-install', ...args], opts);
