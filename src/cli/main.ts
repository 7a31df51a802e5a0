// obslab: the command-line face of the extension's core, for scripts, CI and benchmarks.
import { LabManifestError } from '../node/labManifest';
import { processIo, UsageError, type Io } from './io';
import { jtlUsage, runJtl } from './jtl';
import { applyUsage } from './applyUsage';
import { cleanupUsage } from './cleanupUsage';
import { doctorUsage } from './doctorUsage';
import { iamUsage } from './iamUsage';
import { lintUsage, runLint } from './lint';
import { loadtestUsage, runLoadtestCommand } from './loadtest';
import { queryUsage, runQuery } from './query';
import { runSandbox, sandboxUsage } from './sandbox';
import { scaffold, scaffoldUsage } from './scaffold';

// Commands that talk to servers or processes are async; the others stay synchronous, so their callers get a plain number.
/* eslint-disable @typescript-eslint/no-require-imports */
const commands: Record<string, { run: (argv: string[], io: Io) => number | Promise<number>; usage: string }> = {
  scaffold: { run: scaffold, usage: scaffoldUsage },
  lint: { run: runLint, usage: lintUsage },
  sandbox: { run: runSandbox, usage: sandboxUsage },
  query: { run: runQuery, usage: queryUsage },
  loadtest: { run: runLoadtestCommand, usage: loadtestUsage },
  jtl: { run: runJtl, usage: jtlUsage },
  // Cluster commands load @kubernetes/client-node (and the AWS SDK) only when run, so the others
  // start fast. require rather than import(): esbuild makes both lazy in dist/cli.js, and only
  // require also works where the tests load the TypeScript through tsx's CommonJS hook.
  apply: { run: (argv, io) => (require('./apply') as typeof import('./apply')).runApplyCommand(argv, io), usage: applyUsage },
  iam: { run: (argv, io) => (require('./iam') as typeof import('./iam')).runIam(argv, io), usage: iamUsage },
  cleanup: { run: (argv, io) => (require('./cleanup') as typeof import('./cleanup')).runCleanupCommand(argv, io), usage: cleanupUsage },
  doctor: { run: (argv, io) => (require('./doctor') as typeof import('./doctor')).runDoctor(argv, io), usage: doctorUsage },
};
/* eslint-enable @typescript-eslint/no-require-imports */

export function main(argv: string[], io: Io = processIo): number | Promise<number> {
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
  const failed = (e: unknown): number => {
    // A lab folder's obslab-lab.json the scaffold would refuse is bad input, like bad flags.
    if (e instanceof UsageError || e instanceof LabManifestError) {
      io.err(`obslab ${name}: ${e.message}`);
      return 2;
    }
    // Anything else is our bug; say so plainly rather than print a stack trace.
    io.err(`obslab ${name}: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
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
  void Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  });
}
