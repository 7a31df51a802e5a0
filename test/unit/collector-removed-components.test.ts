// collector/removed-component follows the collector version the files run: each entry of
// removedComponents is linted on both sides of the releases it names, and memory_ballast's are
// pinned as the core CHANGELOG gives them (deprecated in v0.92.0, not v0.93.0 as once written here).
import { strict as assert } from 'node:assert';
import { stringify } from 'yaml';
import {
  formatVersion,
  parseVersion,
  removedComponents,
  type RemovedComponent,
} from '../../src/core/collector/versions';
import type { Finding } from '../../src/core/finding';
import { lint } from '../../src/core/lint/engine';

/** A config that runs otlp into debug, with the component defined (and, for an extension, enabled). */
function configWith(c: RemovedComponent): string {
  const config: Record<string, unknown> = {
    receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
    exporters: { debug: {} },
  };
  const pipelines = { metrics: { receivers: ['otlp'], exporters: ['debug'] } };
  config[c.kind] = { ...(config[c.kind] as Record<string, unknown> | undefined), [c.type]: {} };
  if (c.kind === 'exporters') pipelines.metrics.exporters.push(c.type);
  config['service'] = c.kind === 'extensions' ? { extensions: [c.type], pipelines } : { pipelines };
  return stringify(config);
}

function findingsAt(version: string, c: RemovedComponent): Finding[] {
  return lint([{ file: 'collector.yaml', text: configWith(c) }], { collectorVersion: version }).filter(
    (f) => f.code === 'collector/removed-component',
  );
}

/** The release before `v` (0.92.0 → 0.91.0). */
function before(v: string): string {
  const [major, minor] = parseVersion(v) ?? [0, 0, 0];
  return formatVersion([major, minor - 1, 0]);
}

const escaped = (v: string): string => v.replace(/\./g, '\\.');

describe('collector/removed-component: each removed component at both sides of its releases', () => {
  for (const c of removedComponents) {
    const what = `${c.kind}/${c.type}`;
    it(`${what} is accepted before v${c.deprecatedIn}`, () => {
      assert.deepEqual(findingsAt(before(c.deprecatedIn), c), []);
    });
    it(`${what} warns from v${c.deprecatedIn} to before v${c.removedIn}, naming both releases and the replacement`, () => {
      for (const v of [c.deprecatedIn, before(c.removedIn)]) {
        const [f, ...more] = findingsAt(v, c);
        assert.equal(more.length, 0, v);
        assert.equal(f?.severity, 'warning', v);
        assert.match(
          f?.message ?? '',
          new RegExp(`deprecated in v${escaped(c.deprecatedIn)} and is removed in v${escaped(c.removedIn)}`),
        );
        assert.ok(f?.message.includes(c.replacement), f?.message);
      }
    });
    it(`${what} is refused from v${c.removedIn}, naming the replacement`, () => {
      const [f, ...more] = findingsAt(c.removedIn, c);
      assert.equal(more.length, 0);
      assert.equal(f?.severity, 'error');
      assert.match(f?.message ?? '', new RegExp(`removed in v${escaped(c.removedIn)}`));
      assert.ok(f?.message.includes(c.replacement), f?.message);
    });
  }
});

describe('collector/removed-component: memory_ballast, as the core CHANGELOG dates it', () => {
  const ballast = removedComponents.find((c) => c.type === 'memory_ballast');

  it('was deprecated in v0.92.0 and removed in v0.109.0', () => {
    assert.ok(ballast, 'removedComponents has memory_ballast');
    assert.equal(ballast.kind, 'extensions');
    assert.equal(ballast.deprecatedIn, '0.92.0');
    assert.equal(ballast.removedIn, '0.109.0');
  });

  it('says nothing on v0.91.0, and from v0.92.0 warns that it was deprecated in v0.92.0', () => {
    assert.ok(ballast);
    assert.deepEqual(findingsAt('0.91.0', ballast), []);
    const [f] = findingsAt('0.92.0', ballast);
    assert.equal(f?.severity, 'warning');
    assert.match(
      f?.message ?? '',
      /^The memory_ballast extension was deprecated in v0\.92\.0 and is removed in v0\.109\.0; collector 0\.92\.0 still accepts it\./,
    );
    assert.match(f?.message ?? '', /GOMEMLIMIT/);
  });
});
