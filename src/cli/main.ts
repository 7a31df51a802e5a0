// obslab: the command-line face of the extension's core, for scripts, CI and benchmarks.
import * as l10n from '@vscode/l10n';
import { version } from '../../package.json';
import { LabManifestError } from '../node/files/labManifest';
import { asksForHelp, helpText, usageLine, type CommandSpec } from './commandSpec';
import { processIo, UsageError, type Io } from './io';
import { jtlSpec, runJtl } from './jtl';
import { applySpec } from './applyUsage';
import { cleanupSpec } from './cleanupUsage';
import { doctorSpec } from './doctorUsage';
import { iamSpecs } from './iamUsage';
import { configureCliLocale } from './l10n';
import { lintSpec, runLint } from './lint';
import { loadtestSpec, runLoadtestCommand } from './loadtest';
import { namesSpec, runNames } from './names';
import { querySpec, runQuery } from './query';
import { runSandbox, sandboxSpec } from './sandbox';
import { scaffold, scaffoldSpec } from './scaffold';

interface Command {
  run: (argv: string[], io: Io) => number | Promise<number>;
  /** One spec, or one per subcommand (`iam inspect`, `iam setup`, ...), whose last word is the subcommand. */
  specs: readonly CommandSpec[];
}

// Commands that talk to servers or processes are async; the others stay synchronous, so their callers get a plain number.
// The cluster commands load @kubernetes/client-node (and the AWS SDK) only when run, so the others
// start fast and --help never evaluates them: import() inside the one dist/cli.js bundle keeps the
// module there and evaluates it on first use (CONTRIBUTING.md, "The bundles").
const commands: Record<string, Command> = {
  scaffold: { run: scaffold, specs: [scaffoldSpec] },
  lint: { run: runLint, specs: [lintSpec] },
  sandbox: { run: runSandbox, specs: [sandboxSpec] },
  query: { run: runQuery, specs: [querySpec] },
  loadtest: { run: runLoadtestCommand, specs: [loadtestSpec] },
  jtl: { run: runJtl, specs: [jtlSpec] },
  names: { run: runNames, specs: [namesSpec] },
  apply: { run: async (argv, io) => (await import('./apply')).runApplyCommand(argv, io), specs: [applySpec] },
  iam: { run: async (argv, io) => (await import('./iam')).runIam(argv, io), specs: iamSpecs },
  cleanup: { run: async (argv, io) => (await import('./cleanup')).runCleanupCommand(argv, io), specs: [cleanupSpec] },
  doctor: { run: async (argv, io) => (await import('./doctor')).runDoctor(argv, io), specs: [doctorSpec] },
};

/** Every command's (and subcommand's) table, for the tests that hold --help to what the parsers accept. */
export const commandSpecs: readonly CommandSpec[] = Object.values(commands).flatMap((c) => c.specs);

const isHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h';

// A function: the words are looked up once the locale is configured.
const overview = (): string =>
  [
    'usage: obslab <command> [options]',
    `       obslab <command> --help    ${l10n.t("that command's options")}`,
    '       obslab --version',
    '',
    l10n.t('commands:'),
    ...Object.values(commands).flatMap((c) => c.specs.map((s) => `  ${usageLine(s).replace(/^usage: obslab /, '')}`)),
  ].join('\n');

/** The help text argv asks for, if it asks: the command's, or a subcommand's, or every subcommand's. */
function helpFor(command: Command, argv: string[]): string | undefined {
  const [only] = command.specs;
  if (command.specs.length === 1 && only) return asksForHelp(argv, only) ? helpText(only) : undefined;
  const [sub, ...rest] = argv;
  const spec = command.specs.find((s) => s.command.split(' ').at(-1) === sub);
  if (spec) return asksForHelp(rest, spec) ? helpText(spec) : undefined;
  return isHelp(sub) ? command.specs.map((s) => helpText(s)).join('\n\n') : undefined;
}

export function main(argv: string[], io: Io = processIo): number | Promise<number> {
  const [name, ...rest] = argv;
  if (!name || isHelp(name) || name === 'help') {
    io.out(overview());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    io.out(version);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`${l10n.t("obslab: unknown command '{0}'", name)}\n${overview()}`);
    return 2;
  }
  const help = helpFor(command, rest);
  if (help !== undefined) {
    io.out(help);
    return 0;
  }
  const failed = (e: unknown): number => {
    // A lab folder's obslab-lab.json the scaffold would refuse is bad input, like bad flags.
    if (e instanceof UsageError || e instanceof LabManifestError) {
      io.err(`obslab ${name}: ${e.message}`);
      return 2;
    }
    // Anything else is our bug; say so plainly rather than print a stack trace.
    io.err(l10n.t('obslab {0}: unexpected error: {1}', name, e instanceof Error ? e.message : String(e)));
    return 1;
  };
  try {
    const code = command.run(rest, io);
    return typeof code === 'number' ? code : code.catch(failed);
  } catch (e) {
    return failed(e);
  }
}

if (require.main === module) {
  configureCliLocale();
  void Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  });
}
