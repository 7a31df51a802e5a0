// The truth harness (issue 4): for every collector config in the corpus and each real build (the
// lab's pin, the newest on the module proxy, an old one), our error-severity verdict must agree
// with the real collector's: `otelcol validate`, run now, or, where validate cannot tell, the
// failed start recorded in the fixture (and re-checked for several fixtures by collector.test.ts).
import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { applyEdits } from '../../src/core/lint/applyEdits';
import { lint } from '../../src/core/lint/engine';
import type { LintOptions } from '../../src/core/lint/rule';
import { loadCollectorSchema } from '../../src/node/files/schemas';
import { collectorComponents, collectorVersions, installCollector, validateConfig } from '../harness/otelcol';
import { loadCollectorFixtures, roles, type Role } from '../support/collectorFixtures';

type Components = NonNullable<LintOptions['collectorComponents']>;

/** The types a build registers (`otelcol components`), plus the deprecated aliases it still accepts. */
async function componentsOf(version: string): Promise<Components> {
  const doc = parse(await collectorComponents(version)) as Record<string, { name: string }[] | undefined>;
  const names = (kind: string) => (doc[kind] ?? []).map((c) => c.name);
  const exporters = names('exporters');
  // otlp_grpc / otlp_http keep their old names as aliases, which `components` does not list.
  if (exporters.includes('otlp_grpc')) exporters.push('otlp');
  if (exporters.includes('otlp_http')) exporters.push('otlphttp');
  return {
    receivers: names('receivers'),
    processors: names('processors'),
    exporters,
    connectors: names('connectors'),
    extensions: names('extensions'),
  };
}

interface Divergence {
  role: Role;
  file: string;
  /** What the real build does with the config. */
  real: 'accept' | 'reject';
  /** The error codes we report instead (none when we miss a refusal). */
  ours: string[];
}

/**
 * Where our verdict is known to part from a real build, each asserted as it stands, so this test
 * fails once the rules learn the fact (then the entry goes). None today: the three the 0.155.0
 * schema caused at 0.165.1 (resource_constant_labels, the keepalive section, the flat keep-alive
 * keys) went when the collector/schema rule learnt to read `configKeyChanges` at each version.
 */
const knownDivergences: readonly Divergence[] = [];

describe('truth: our verdict on collector configs agrees with the real collector', function () {
  this.timeout(30 * 60_000);
  const fixtures = loadCollectorFixtures();
  const components = new Map<Role, Components>();
  const collectorSchema = loadCollectorSchema();

  before(async () => {
    for (const role of roles) {
      await installCollector(collectorVersions[role]);
      components.set(role, await componentsOf(collectorVersions[role]));
    }
  });

  for (const role of roles) {
    for (const f of fixtures) {
      it(`${role} (${collectorVersions[role]}): ${f.file}`, async () => {
        const validate = await validateConfig(collectorVersions[role], f.text);
        const startFails = /^(exits|refuses)/.test(f.start[role] ?? '');
        const realRejects = !validate.ok || startFails;
        const findings = lint([{ file: f.file, text: f.text }], {
          collectorVersion: collectorVersions[role],
          collectorComponents: components.get(role) ?? {},
          ...(collectorSchema ? { collectorSchema } : {}),
        });
        const errors = findings.filter((x) => x.severity === 'error');
        const real = realRejects
          ? `rejects it (${validate.ok ? `start: ${f.start[role]}` : validate.output.trim().split('\n').pop()})`
          : 'accepts it';
        const known = knownDivergences.find((d) => d.role === role && d.file === f.file);
        if (known) {
          assert.equal(realRejects ? 'reject' : 'accept', known.real, `collector ${collectorVersions[role]} ${real}`);
          assert.deepEqual(
            [...new Set(errors.map((e) => e.code))].sort(),
            known.ours,
            `a known divergence changed: collector ${collectorVersions[role]} ${real}; remove it from knownDivergences if we now agree`,
          );
          assert.equal(validate.ok, f.expect[role] === 'accept', 'the fixture header still matches the real validate');
          return;
        }
        assert.equal(
          errors.length > 0,
          realRejects,
          `collector ${collectorVersions[role]} ${real}; we report ${errors.length ? errors.map((e) => `${e.code}: ${e.message}`).join(' | ') : 'no error'}`,
        );
        assert.equal(validate.ok, f.expect[role] === 'accept', 'the fixture header still matches the real validate');
      });
    }
  }

  it('every quick fix leaves a config that lints without errors and that the real collector accepts', async () => {
    let fixed = 0;
    for (const role of roles) {
      const options = {
        collectorVersion: collectorVersions[role],
        collectorComponents: components.get(role) ?? {},
        ...(collectorSchema ? { collectorSchema } : {}),
      };
      for (const f of fixtures) {
        let text = f.text;
        let applied = 0;
        // Apply the first fix of each fixable finding, one at a time, as a student would.
        for (let i = 0; i < 10; i++) {
          const finding = lint([{ file: f.file, text }], options).find((x) => x.fixes?.length && x.severity !== 'info');
          if (!finding) break;
          text = applyEdits(text, finding.fixes?.[0]?.edits ?? []);
          applied++;
        }
        if (!applied) continue;
        const errors = lint([{ file: f.file, text }], options).filter((x) => x.severity === 'error');
        if (errors.length) continue; // fixes that leave other errors (an unknown key) prove nothing here
        fixed++;
        const validate = await validateConfig(collectorVersions[role], text);
        assert.ok(
          validate.ok,
          `${role} ${f.file}: after our fixes the collector still refuses:\n${validate.output}\n--- fixed config ---\n${text}`,
        );
      }
    }
    assert.ok(fixed >= 4, `fixes were applied and checked for ${fixed} fixture(s)`);
  });
});
