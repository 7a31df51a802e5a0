// The CLI writes through this, so tests run commands in-process and read what they printed.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { usageLine, type CommandSpec, type OptionTable } from './commandSpec';
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Bad usage: exit code 2 with a one-line reason (and the usage text). */
export class UsageError extends Error {}

/** Parses a command's flags with its table (commandSpec.ts); an unknown or malformed flag is bad usage, with the usage line. */
export function parseCli<const O extends OptionTable>(argv: string[], spec: CommandSpec<O>) {
  const options = spec.options;
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n${usageLine(spec)}`);
  }
}

/** One question on the terminal (stderr, so stdout stays clean for JSON). */
export async function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
