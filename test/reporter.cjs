// Mocha's spec reporter, plus one closing line in the plain form CI reads: "N passed, N failed".
'use strict';
const Mocha = require('mocha');

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats;
      process.stdout.write(`\n${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
      // npm test adds the tiers up into one closing line.
      if (process.env.OBSLAB_STATS_FILE)
        require('node:fs').writeFileSync(process.env.OBSLAB_STATS_FILE, JSON.stringify(s));
    });
  }
}

module.exports = SpecWithSummary;
