// Commands we show for a person to copy into their own shell: every word quoted so that the shell
// passes it on unchanged, whatever a path, a context name or a lab value holds. Commands we run
// ourselves never go through a shell; this is only for the text a person sees. A command is a
// value (a Command: the program, then one word per argument), so the one a message shows is the
// one a button can copy or execFile can run; commandLine is the one way to show it.

/** The shells we write commands for: sh, bash and zsh; PowerShell (Windows' default terminal). */
export type ShellKind = 'posix' | 'powershell';

/** The shell a person on `platform` (Node's process.platform) most likely types into. */
export function shellFor(platform: string): ShellKind {
  return platform === 'win32' ? 'powershell' : 'posix';
}

// Words of only these characters mean the same unquoted in sh, bash and zsh ('=' and '~' only
// matter at a word's start in zsh and bash, so a word may not start with them).
const posixPlain = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/;

/** One word for sh/bash/zsh: as is when plain, otherwise in single quotes (inside which nothing is special). */
export function quotePosix(word: string): string {
  if (posixPlain.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

// PowerShell gives '@' (splatting), ',' (arrays), '{' '}' '(' ')' '$' '`' ';' '&' '|' and '#' meaning;
// a leading '-' is a parameter of a cmdlet but is passed on to native programs, which is what we run.
const powershellPlain = /^[A-Za-z0-9_+:./\\=-]+$/;

/**
 * One word for PowerShell: as is when plain, otherwise in single quotes, doubling every single
 * quote, including the typographic ones PowerShell also takes as quotes (‘ ’ ‚ ‛).
 */
export function quotePowerShell(word: string): string {
  if (powershellPlain.test(word) && !word.startsWith('--%')) return word;
  return `'${word.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => `${q}${q}`)}'`;
}

export function quoteWord(word: string, shell: ShellKind): string {
  return shell === 'powershell' ? quotePowerShell(word) : quotePosix(word);
}

/** A word the person fills in (shown as <cluster>): a command holding one is shown and copied, never run. */
export interface Blank {
  readonly blank: string;
}

export function blank(name: string): Blank {
  return { blank: name };
}

/** A program and its arguments, one word each, never shell text; a Blank is a word left to the person. */
export type Command = readonly (string | Blank)[];

/** A program and its arguments as one line for `shell`; a Blank shows as <name>. */
export function commandLine(argv: Command, shell: ShellKind): string {
  const words = argv.map((w) => (typeof w === 'string' ? quoteWord(w, shell) : `<${w.blank}>`));
  // PowerShell runs a quoted program name only with the call operator.
  if (shell === 'powershell' && words[0] !== undefined && words[0] !== argv[0]) return `& ${words.join(' ')}`;
  return words.join(' ');
}

/** A command inside a message's sentence: its line for sh, bash and zsh, between backticks. */
export function commandInText(argv: Command): string {
  return `\`${commandLine(argv, 'posix')}\``;
}

/** The words to hand to execFile, or undefined while a word is left blank for the person. */
export function runnableArgv(argv: Command): string[] | undefined {
  const words = argv.filter((w): w is string => typeof w === 'string');
  return words.length === argv.length ? words : undefined;
}
