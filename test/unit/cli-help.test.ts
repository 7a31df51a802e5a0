// obslab as people expect a CLI: every command answers --help and -h with its usage (exit 0),
// --version prints the package's version, and the help names exactly what the parser accepts.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandSpecs, main } from '../../src/cli/main';
import type { CommandSpec } from '../../src/cli/commandSpec';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const words = (spec: CommandSpec): string[] => spec.command.split(' ');

/** Every option of the table on the command line (string ones with a value). */
function everyOption(spec: CommandSpec): string[] {
  return Object.entries(spec.options).flatMap(([name, o]) =>
    o.type === 'string' ? [`--${name}`, 'x'] : [`--${name}`],
  );
}

/** Positionals that the command refuses right after parsing, so a run stops there with bad usage and does no work. */
const wrongPositionals = (spec: CommandSpec): string[] => (spec.args ? [] : ['unexpected']);

describe('obslab --help, COMMAND --help and --version', function () {
  this.timeout(30_000);

  it('knows every command the issue names, iam with its three subcommands', () => {
    assert.deepEqual(commandSpecs.map((s) => s.command).sort(), [
      'apply',
      'cleanup',
      'doctor',
      'iam cleanup',
      'iam inspect',
      'iam setup',
      'jtl',
      'lint',
      'loadtest',
      'names',
      'query',
      'sandbox',
      'scaffold',
    ]);
  });

  it("lists every command in obslab --help (exit 0), and says how to get a command's help", async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    for (const spec of commandSpecs) assert.match(r.out, new RegExp(`^  ${spec.command} `, 'm'), spec.command);
    assert.match(r.out, /obslab <command> --help/);
    assert.match(r.out, /obslab --version/);
  });

  it("prints package.json's version for --version and -V", async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const r = await run([flag]);
      assert.equal(r.code, 0, flag);
      assert.equal(r.out, version, flag);
      assert.equal(r.err, '', flag);
    }
  });

  for (const spec of commandSpecs) {
    for (const flag of ['--help', '-h']) {
      it(`obslab ${spec.command} ${flag} prints its usage, every option with its help, and exits 0`, async () => {
        const r = await run([...words(spec), flag]);
        assert.equal(r.code, 0, r.err);
        assert.equal(r.err, '');
        assert.match(r.out, new RegExp(`^usage: obslab ${spec.command}\\b`));
        for (const [name, o] of Object.entries(spec.options)) {
          assert.match(r.out, new RegExp(`--${name}(?![\\w-])`), `--${name} in the usage of obslab ${spec.command}`);
          assert.ok(r.out.includes(o.help), `the help of --${name}`);
        }
      });
    }

    it(`obslab ${spec.command}'s parser accepts every option its help names, and refuses one it does not`, async () => {
      const accepted = await run([...words(spec), ...everyOption(spec), ...wrongPositionals(spec)]);
      assert.equal(accepted.code, 2, accepted.err);
      assert.doesNotMatch(accepted.err, /Unknown option/, accepted.err);

      const help = (await run([...words(spec), '--help'])).out;
      // Options as the help offers them: the usage line and the options column. The prose may name
      // another program's flags (--image's help names docker build's --platform).
      const named = help
        .split('\n')
        .flatMap((line) =>
          line.startsWith('usage:')
            ? [...line.matchAll(/--([a-z][\w-]*)/g)].map((m) => m[1])
            : [/^ +(?:-\w, )?--([a-z][\w-]*)/.exec(line)?.[1]],
        )
        .filter((n) => n !== undefined && n !== 'help');
      assert.deepEqual(
        [...new Set(named)].sort(),
        Object.keys(spec.options).sort(),
        "the help names exactly the parser's options",
      );

      const refused = await run([...words(spec), '--no-such-option']);
      assert.equal(refused.code, 2);
      assert.match(refused.err, /Unknown option '--no-such-option'/);
      assert.match(refused.err, new RegExp(`usage: obslab ${spec.command}\\b`));
    });
  }

  it("obslab iam --help prints all three subcommands' help (exit 0)", async () => {
    const r = await run(['iam', '--help']);
    assert.equal(r.code, 0);
    for (const sub of ['inspect', 'setup', 'cleanup'])
      assert.match(r.out, new RegExp(`^usage: obslab iam ${sub}\\b`, 'm'));
  });

  it('does not take an option\'s value "--help" for a request for help', async () => {
    const r = await run(['lint', '--release=--help', 'no-such-dir']);
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /no-such-dir: no such file or folder/);
  });

  it("answers --help, a command's --help and lint without loading the Kubernetes client or the AWS SDK", () => {
    // A fresh process: the cluster commands are deferred with import(), so only running one loads them.
    const probe = `
      const { main } = require('./src/cli/main.ts');
      const quiet = { out: () => undefined, err: () => undefined };
      Promise.all([main(['--help'], quiet), main(['doctor', '--help'], quiet), main(['lint', 'templates/lab'], quiet)])
        .then(() => {
          const heavy = Object.keys(require.cache).filter((k) => /@kubernetes[\\/]client-node|@aws-sdk|src[\\/]node[\\/](kube|aws)[\\/]/.test(k));
          process.stdout.write(JSON.stringify(heavy));
        });
    `;
    const root = join(__dirname, '..', '..');
    const heavy = JSON.parse(
      execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', probe], { cwd: root, encoding: 'utf8' }),
    ) as string[];
    assert.deepEqual(heavy, []);
  });
});
