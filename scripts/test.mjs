// npm test: set up what is missing, then type-check, lint, and run the unit, integration and
// end-to-end tiers. Ends with one line CI reads: "N passed, N failed, N skipped".
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup } from './setup.mjs';
import { npx, sh, step } from './lib.mjs';

setup();
step('type-check');
npx(['tsc', '-p', '.', '--noEmit']);
step('lint');
npx(['eslint', '.']);

const statsDir = mkdtempSync(join(tmpdir(), 'obslab-stats-'));
const totals = { passes: 0, failures: 0, pending: 0 };
let failed = false;
for (const tier of ['unit', 'integration', 'e2e']) {
  step(`${tier} tests`);
  const statsFile = join(statsDir, `${tier}.json`);
  const code = sh('npx', ['--no-install', 'mocha', '--config', `test/mocharc.${tier}.json`], { allowFail: true, env: { ...process.env, OBSLAB_STATS_FILE: statsFile } });
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
