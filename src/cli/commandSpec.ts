// One table per command: parseCli parses with it and the usage and --help text are written from it,
// so an option the parser accepts cannot be missing from what `obslab COMMAND --help` prints.
import { parseArgs } from 'node:util';
import * as l10n from '@vscode/l10n';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** The value's name in the usage (FILE, NAME, json|text); string options only. */
  value?: string;
  /** One line for --help: a getter, so it is translated when read, after the locale is configured. */
  readonly help: string;
}

export type OptionTable = Record<string, OptionSpec>;

export interface CommandSpec<O extends OptionTable = OptionTable> {
  /** The words after `obslab`: 'apply', 'iam setup'. */
  command: string;
  /** The positional part of the usage line: 'PATH...', 'up|down|status'. */
  args?: string;
  /** What the command does, in one line (a getter that translates, as `help`). */
  readonly summary: string;
  options: O;
  /** Lines after the options: defaults, options that exclude each other (a getter that translates). */
  readonly notes?: readonly string[];
}

/** Keeps the option table's literal types, so parseCli's values are typed per option. */
export function defineCommand<const O extends OptionTable>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

function flag(name: string, o: OptionSpec): string {
  const names = o.short ? `-${o.short}|--${name}` : `--${name}`;
  if (o.type === 'boolean') return names;
  return `${names} ${o.value ?? 'VALUE'}${o.multiple ? ' ...' : ''}`;
}

/** `usage: obslab apply PATH... [--dry-run] [-y|--yes] [--format json|text] ...`: every option, one line. */
export function usageLine(spec: CommandSpec): string {
  const options = Object.entries(spec.options)
    .map(([name, o]) => ` [${flag(name, o)}]`)
    .join('');
  return `usage: obslab ${spec.command}${spec.args ? ` ${spec.args}` : ''}${options}`;
}

/** What `obslab COMMAND --help` prints: the usage line, the summary, each option with its help, the notes. */
export function helpText(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const names = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return [names, o.help] as const;
  });
  rows.push(['-h, --help', l10n.t('print this help and exit')]);
  const width = Math.max(...rows.map(([n]) => n.length)) + 2;
  return [
    usageLine(spec),
    '',
    spec.summary,
    '',
    l10n.t('options:'),
    ...rows.map(([n, h]) => `  ${n.padEnd(width)}${h}`),
    ...(spec.notes?.length ? ['', ...spec.notes] : []),
  ].join('\n');
}

/** Whether argv asks for help (-h or --help before any `--`), read with the command's own options so an option's value is not taken for a flag. */
export function asksForHelp(argv: readonly string[], spec: CommandSpec): boolean {
  const { tokens } = parseArgs({
    args: [...argv],
    options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  return tokens.some((t) => t.kind === 'option' && t.name === 'help');
}
