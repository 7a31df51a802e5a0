// Every version fact the extension states names the version it was checked against and the date
// it was last checked, so whoever refreshes the pins (`npm run facts`) knows what is stale; what
// is known only at the pinned version says so and names that pin.
import { strict as assert } from 'node:assert';
import {
  collectorVersionFromImage,
  compareVersions,
  configKeyChanges,
  connectorsOnByDefaultFact,
  formatVersion,
  introducedComponents,
  newestCollector,
  newestCollectorFact,
  parseVersion,
  removedComponents,
  telemetryAddressChanges,
  telemetryAddressState,
  type Version,
} from '../../src/core/collector/versions';
import { prometheusRelease } from '../../src/core/downloads/releases';
import { facts, versions, versionsChecked } from '../../src/core/facts';
import { collectorVersions } from '../harness/otelcol';

/** The first facts were written on 2026-11-25; none can have been checked before the project began. */
const projectStart = '2026-11-25';

function assertCheckedDate(checked: unknown, what: string): void {
  assert.equal(typeof checked, 'string', `${what} has a checked date`);
  const text = checked as string;
  assert.match(text, /^\d{4}-\d{2}-\d{2}$/, `${what}: checked '${text}' is YYYY-MM-DD`);
  const date = new Date(`${text}T00:00:00Z`);
  assert.equal(date.toISOString().slice(0, 10), text, `${what}: checked '${text}' is a calendar date`);
  assert.ok(text >= projectStart, `${what}: checked ${text} is not before ${projectStart}`);
  assert.ok(date.getTime() <= Date.now(), `${what}: checked ${text} is not in the future`);
}

const namesAVersion = /\d+\.\d+/;

describe('facts carry their version and the date they were checked', () => {
  for (const fact of facts) {
    it(`${fact.id}: names its version (${fact.version}), the date (${fact.checked}) and how`, () => {
      assertCheckedDate(fact.checked, fact.id);
      assert.ok(fact.checkedBy.trim().length > 10, `${fact.id} says how it was checked`);
      if (fact.scope === 'any version')
        assert.match(fact.version, /^any\b/, `${fact.id} says it holds for any version`);
      else assert.match(fact.version, namesAVersion, `${fact.id} names a version`);
    });
  }

  it('a fact known only at the pinned version names that pin', () => {
    const pins = Object.values(versions);
    for (const fact of facts.filter((f) => f.scope === 'at the pinned version'))
      assert.ok(
        pins.some((pin) => fact.version.includes(pin)),
        `${fact.id}: "${fact.version}" names one of the pins ${pins.join(', ')}`,
      );
  });

  it('every pin in versions says when and how it was checked', () => {
    for (const key of Object.keys(versions) as (keyof typeof versions)[]) {
      const check = versionsChecked[key];
      assert.ok(check, `${key} has an entry in versionsChecked`);
      assertCheckedDate(check.checked, `versions.${key}`);
      assert.ok(check.how.length > 10, `versions.${key} says how`);
    }
    assert.deepEqual(Object.keys(versionsChecked).sort(), Object.keys(versions).sort());
  });
});

describe('Prometheus 3 facts', () => {
  const ids = [
    'prometheus-target-health-page',
    'prometheus-float-label-values',
    'prometheus-utf8-names',
    'prometheus-native-histograms-off',
  ];

  it('name the Prometheus the chart runs and the sandbox downloads, and the chart pin', () => {
    for (const id of ids) {
      const fact = facts.find((f) => f.id === id);
      assert.ok(fact, id);
      assert.ok(fact.version.includes(`Prometheus ${prometheusRelease}`), `${id}: ${fact.version}`);
      assert.ok(fact.version.includes(versions.kubePrometheusStack), `${id}: ${fact.version}`);
      assert.equal(fact.scope, 'at the pinned version');
    }
  });
});

describe('collector version facts carry their version and the date they were checked', () => {
  it('the newest collector names its version, the date and how', () => {
    assert.equal(newestCollectorFact.version, newestCollector);
    assert.ok(parseVersion(newestCollector), newestCollector);
    assertCheckedDate(newestCollectorFact.checked, 'newestCollector');
    assertCheckedDate(connectorsOnByDefaultFact.checked, 'connectorsOnByDefault');
    assertCheckedDate(telemetryAddressChanges.checked, 'telemetryAddressChanges');
  });

  it('every removed and introduced component names its releases and the date', () => {
    for (const c of removedComponents) {
      assert.ok(parseVersion(c.deprecatedIn) && parseVersion(c.removedIn), `${c.type}: releases`);
      assertCheckedDate(c.checked, `removed ${c.kind}/${c.type}`);
    }
    for (const c of introducedComponents) {
      assert.ok(parseVersion(c.since), `${c.type}: since`);
      assertCheckedDate(c.checked, `introduced ${c.kind}/${c.type}`);
    }
  });

  it('every config key change names its release and the date', () => {
    assert.ok(configKeyChanges.length > 0);
    for (const c of configKeyChanges) {
      assert.ok(parseVersion(c.since), `${c.where} ${c.key}: since`);
      assertCheckedDate(c.checked, `${c.where} ${c.key}`);
    }
  });

  it('no fact names a release newer than the newest we know', () => {
    const newest = parseVersion(newestCollector) as Version;
    const all = [
      ...removedComponents.flatMap((c) => [c.deprecatedIn, c.removedIn]),
      ...introducedComponents.map((c) => c.since),
      ...configKeyChanges.map((c) => c.since),
      telemetryAddressChanges.deprecated,
      telemetryAddressChanges.ignored,
      telemetryAddressChanges.rejected,
    ];
    for (const v of all)
      assert.ok(compareVersions(parseVersion(v) as Version, newest) <= 0, `${v} <= ${newestCollector}`);
  });

  it('the thresholds of service.telemetry.metrics.address are the table', () => {
    const at = (v: string): string => telemetryAddressState(parseVersion(v) as Version);
    assert.equal(at('0.110.0'), 'honoured');
    assert.equal(at(telemetryAddressChanges.deprecated), 'deprecated');
    assert.equal(at(telemetryAddressChanges.ignored), 'ignored');
    assert.equal(at(telemetryAddressChanges.rejected), 'rejected');
    assert.equal(at(newestCollector), 'rejected');
  });

  it('`latest` means the newest collector, which the harness builds and tests; the lab pins the one it tests as recent', () => {
    assert.equal(
      formatVersion(collectorVersionFromImage('otel/opentelemetry-collector-contrib:latest').version),
      newestCollector,
    );
    assert.equal(collectorVersions.newest, newestCollector);
    assert.equal(collectorVersions.recent, versions.collector);
    assert.ok(versions.collectorImage.endsWith(`:${versions.collector}`));
  });
});
