// obslab: the command-line face of the extension's core, for scripts, CI and benchmarks.
import { processIo, UsageError, type Io } from './io';
import { lintUsage, runLint } from './lint';
import { scaffold, scaffoldUsage } from './scaffold';

const commands: Record<string, { run: (argv: string[], io: Io) => number; usage: string }> = {
  scaffold: { run: scaffold, usage: scaffoldUsage },
  lint: { run: runLint, usage: lintUsage },
};

export function main(argv: string[], io: Io = processIo): number {
  const [name, ...rest] = argv;
  const usage = `usage: obslab <command> [options]\n\ncommands:\n${Object.values(commands).map((c) => `  ${c.usage.replace(/^usage: obslab /, '')}`).join('\n')}`;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.err(`obslab: unknown command '${name}'\n${usage}`);
    return 2;
  }
  try {
    return command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`obslab ${name}: ${e.message}`);
      return 2;
    }
    // Anything else is our bug; say so plainly rather than print a stack trace.
    io.err(`obslab ${name}: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
