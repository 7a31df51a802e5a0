// The CLI writes through this, so tests run commands in-process and read what they printed.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import * as l10n from '@vscode/l10n';
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

/** The refusal every command with --format gives, in one place so it is translated once. */
export const notJsonOrText = (value: unknown): UsageError =>
  new UsageError(l10n.t("--format is json or text, not '{0}'", String(value)));

/**
 * Node's parseArgs refusals in the user's language (src/cli/l10n.ts); the English is Node's own
 * words (Node 20 to 24), and anything else it says is passed on as it is.
 */
function usageProblem(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown } | undefined)?.code;
  const option = /'(-[^' ]*)/.exec(message)?.[1];
  if (option === undefined) return message;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return l10n.t(
      "Unknown option '{0}'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"{0}\"",
      option,
    );
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && message.endsWith('argument missing'))
    return l10n.t("Option '{0} <value>' argument missing", option);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && message.endsWith('does not take an argument'))
    return l10n.t("Option '{0}' does not take an argument", option);
  return message;
}

/** Parses a command's flags with its table (commandSpec.ts); an unknown or malformed flag is bad usage, with the usage line. */
export function parseCli<const O extends OptionTable>(argv: string[], spec: CommandSpec<O>) {
  const options = spec.options;
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${usageProblem(e)}\n${usageLine(spec)}`);
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
