// collector/schema follows the collector version the files run: each entry of configKeyChanges is
// linted on both sides of the release it names (the real builds are held to the same verdicts by
// test/integration/collector-truth.test.ts).
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  configKeyChanges,
  formatVersion,
  parseVersion,
  type ConfigFieldType,
  type ConfigKeyChange,
  type ConfigPlace,
} from '../../src/core/collector/versions';
import type { Finding } from '../../src/core/finding';
import { lint } from '../../src/core/lint/engine';
import { loadCollectorSchema } from '../../src/node/files/schemas';

const collectorSchema = loadCollectorSchema(join(__dirname, '..', '..', 'schemas'));

/** What a student would write for each key the table names. */
const sampleValues: Record<string, unknown> = {
  resource_to_telemetry_conversion: { enabled: true },
  idle_timeout: '30s',
  keep_alives_enabled: false,
  idle_conn_timeout: '30s',
  max_idle_conns: 10,
  max_idle_conns_per_host: 2,
  disable_keep_alives: true,
};
const sampleField: Record<ConfigFieldType, unknown> = {
  bool: false,
  duration: '30s',
  int: 10,
  strings: ['service.name'],
};

function valueFor(change: ConfigKeyChange): unknown {
  const [field, type] = Object.entries(change.fields ?? {})[0] ?? [];
  if (field && type) return { [field]: sampleField[type] };
  assert.ok(change.key in sampleValues, `a sample value for ${change.key} in this test`);
  return sampleValues[change.key];
}

/** A config that runs: otlp in, prometheus and otlphttp out, with `key: value` at one place. */
function configWith(place: ConfigPlace, type: string, key: string, value: unknown): string {
  const components: Record<string, Record<string, Record<string, unknown>>> = {
    receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } },
    exporters: {
      prometheus: { endpoint: '0.0.0.0:8889' },
      [type === 'otlp_http' ? type : 'otlphttp']: { endpoint: 'http://tempo:4318' },
    },
  };
  let target: Record<string, unknown> = (components[place.kind] ??= {})[type] ?? {};
  (components[place.kind] ?? {})[type] = target;
  for (const step of place.path) target = (target[step] ??= {}) as Record<string, unknown>;
  target[key] = value;
  const exporters = Object.keys(components['exporters'] ?? {});
  return stringify({
    ...components,
    service: {
      pipelines: {
        metrics: { receivers: ['otlp'], exporters: exporters.filter((e) => e === 'prometheus') },
        traces: { receivers: ['otlp'], exporters: exporters.filter((e) => e !== 'prometheus') },
      },
    },
  });
}

function findingsAt(version: string, text: string): Finding[] {
  return lint([{ file: 'collector.yaml', text }], {
    collectorVersion: version,
    ...(collectorSchema ? { collectorSchema } : {}),
  }).filter((f) => f.code === 'collector/schema');
}

/** The release before `v` (0.160.0 → 0.159.0). */
function before(v: string): string {
  const [major, minor] = parseVersion(v) ?? [0, 0, 0];
  return formatVersion([major, minor - 1, 0]);
}

const lineOf = (text: string, key: string): number => text.split('\n').findIndex((l) => l.trim().startsWith(`${key}:`));

describe('collector/schema: each config key change at both sides of its release', () => {
  for (const change of configKeyChanges) {
    for (const place of change.places) {
      for (const type of place.types) {
        const where = `${place.kind}/${type}${place.path.length ? ` ${place.path.join('.')}` : ''}`;
        const text = configWith(place, type, change.key, valueFor(change));
        const line = lineOf(text, change.key);
        const about = (fs: Finding[]) => fs.filter((f) => f.range?.start.line === line);

        if (change.change === 'added') {
          it(`${where}: '${change.key}' is refused before v${change.since}, naming the release and the fix`, () => {
            const [f, ...more] = about(findingsAt(before(change.since), text));
            assert.equal(more.length, 0);
            assert.equal(f?.severity, 'error');
            assert.match(f?.message ?? '', new RegExp(`came in v${change.since.replace(/\./g, '\\.')}`));
            assert.match(f?.message ?? '', /Upgrade the collector \(its image\)/);
            assert.ok(f?.message.includes(change.instead), f?.message);
          });
          it(`${where}: '${change.key}' is accepted from v${change.since}`, () => {
            assert.deepEqual(about(findingsAt(change.since, text)), []);
          });
        }

        if (change.change === 'deprecated') {
          it(`${where}: '${change.key}' says nothing before v${change.since} and warns from it, naming the replacement`, () => {
            assert.deepEqual(about(findingsAt(before(change.since), text)), []);
            const [f, ...more] = about(findingsAt(change.since, text));
            assert.equal(more.length, 0);
            assert.equal(f?.severity, 'warning');
            assert.ok(f?.message.includes(change.instead), f?.message);
          });
        }

        if (change.change === 'removed') {
          const deprecatedIn = change.deprecatedIn ?? change.since;
          it(`${where}: '${change.key}' is accepted before v${deprecatedIn}`, () => {
            assert.deepEqual(about(findingsAt(before(deprecatedIn), text)), []);
          });
          if (change.deprecatedIn)
            it(`${where}: '${change.key}' warns from v${deprecatedIn} to before v${change.since}`, () => {
              for (const v of [deprecatedIn, before(change.since)]) {
                const [f, ...more] = about(findingsAt(v, text));
                assert.equal(more.length, 0, v);
                assert.equal(f?.severity, 'warning', v);
                assert.ok(f?.message.includes(change.instead), f?.message);
              }
            });
          it(`${where}: '${change.key}' is refused from v${change.since}, naming the replacement`, () => {
            const [f, ...more] = about(findingsAt(change.since, text));
            assert.equal(more.length, 0);
            assert.equal(f?.severity, 'error');
            assert.match(f?.message ?? '', new RegExp(`removed in v${change.since.replace(/\./g, '\\.')}`));
            assert.ok(f?.message.includes(change.instead), f?.message);
          });
        }
      }
    }
  }
});

describe('collector/schema: what the version-aware keys say beyond the table', () => {
  const prometheus = (lines: string[]) =>
    [
      'receivers:',
      '  otlp:',
      '    protocols:',
      '      grpc:',
      '        endpoint: 0.0.0.0:4317',
      'exporters:',
      '  prometheus:',
      '    endpoint: 0.0.0.0:8889',
      ...lines.map((l) => `    ${l}`),
      'service:',
      '  pipelines:',
      '    metrics:',
      '      receivers: [otlp]',
      '      exporters: [prometheus]',
      '',
    ].join('\n');

  it('refuses a key of a newer release even when it is set to null, as the collector does', () => {
    const [f] = findingsAt('0.155.0', prometheus(['keepalive:']));
    assert.equal(f?.severity, 'error');
    assert.match(f?.message ?? '', /'keepalive' came in v0\.160\.0; collector 0\.155\.0 does not have it/);
  });

  it('checks inside a new section where the release has it, and suggests its own fields', () => {
    const [f, ...more] = findingsAt('0.165.1', prometheus(['keepalive:', '  idle_timout: 30s']));
    assert.equal(more.length, 0);
    assert.match(f?.message ?? '', /Unknown field 'idle_timout'; did you mean 'idle_timeout'\?/);
    assert.match(
      findingsAt('0.165.1', prometheus(['keepalive:', '  idle_timeout: 30 s']))[0]?.message ?? '',
      /The string '30 s' is not what this field takes: A Go duration such as 500ms, 10s or 1m\./,
    );
  });

  it('suggests no key the release refuses for a misspelt one', () => {
    const [f] = findingsAt('0.165.1', prometheus(['idle_timout: 30s']));
    assert.match(f?.message ?? '', /^Unknown field 'idle_timout'\./);
  });

  it('refuses resource_constant_labels beside a set resource_to_telemetry_conversion, not beside a disabled one', () => {
    const both = findingsAt(
      '0.165.1',
      prometheus([
        'resource_to_telemetry_conversion:',
        '  enabled: true',
        'resource_constant_labels:',
        '  included: ["*"]',
      ]),
    );
    const refusal = both.find((f) => f.severity === 'error');
    assert.match(refusal?.message ?? '', /both set; collector 0\.165\.1 refuses to start \("cannot configure both/);
    const disabled = findingsAt(
      '0.165.1',
      prometheus([
        'resource_to_telemetry_conversion:',
        '  enabled: false',
        'resource_constant_labels:',
        '  included: ["*"]',
      ]),
    );
    assert.deepEqual(
      disabled.filter((f) => f.severity === 'error'),
      [],
    );
  });

  it('names the image the version comes from, and the newest release when the files name none', () => {
    const text = prometheus(['idle_timeout: 30s']);
    const configMap = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: collector-config}',
      'data:',
      '  collector.yaml: |',
      ...text.split('\n').map((l) => `    ${l}`),
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: collector}',
      'spec:',
      '  selector: {matchLabels: {app: collector}}',
      '  template:',
      '    metadata: {labels: {app: collector}}',
      '    spec:',
      '      containers:',
      '        - name: collector',
      '          image: otel/opentelemetry-collector-contrib:0.165.1',
      '          volumeMounts: [{name: cfg, mountPath: /etc/otelcol-contrib}]',
      '      volumes: [{name: cfg, configMap: {name: collector-config}}]',
      '',
    ].join('\n');
    const inPod = lint([{ file: 'collector.yaml', text: configMap }], {
      ...(collectorSchema ? { collectorSchema } : {}),
    }).find((f) => f.code === 'collector/schema');
    assert.match(
      inPod?.message ?? '',
      /collector 0\.165\.1 \(otel\/opentelemetry-collector-contrib:0\.165\.1\) refuses/,
    );
    assert.equal(
      lint([{ file: 'collector.yaml', text: configMap.replace('contrib:0.165.1', 'contrib:0.155.0') }], {
        ...(collectorSchema ? { collectorSchema } : {}),
      }).filter((f) => f.code === 'collector/schema').length,
      0,
    );
    const unknown = lint([{ file: 'collector.yaml', text }], {
      ...(collectorSchema ? { collectorSchema } : {}),
    }).find((f) => f.code === 'collector/schema');
    assert.match(unknown?.message ?? '', /the newest collector, 0\.165\.1 \(the version is not known from the files\)/);
  });
});
