import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, TextEdit } from '../../src/core/finding';
import { applyEdits } from '../../src/core/lint/applyEdits';
import { findingCodes } from '../../src/core/lint/codes';
import { lint as lintWith } from '../../src/core/lint/engine';
import type { LintOptions } from '../../src/core/lint/rule';
import { loadCollectorSchema, loadKindSchemas } from '../../src/node/files/schemas';
import type { LintInput } from '../../src/core/lint/model';
import { examples } from '../fixtures/findingExamples';
import { renderLab } from '../support/lab';
import { withTable } from '../../scripts/findingsTable';

// Every test lints with the bundled schemas, as the CLI and the editor do, and as in a lab folder:
// the examples are the lab's shapes, so the lab's own rules are on (lint-general.test.ts has the rest).
const schemas = loadKindSchemas(join(__dirname, '..', '..', 'schemas'));
const collectorSchema = loadCollectorSchema(join(__dirname, '..', '..', 'schemas'));
const lint = (files: LintInput[], options: Partial<LintOptions> = {}) =>
  lintWith(files, { schemas, collectorSchema, labRules: true, ...options });
const inputs = (files: Record<string, string>): LintInput[] =>
  Object.entries(files).map(([file, text]) => ({ file, text }));
const codes = (findings: Finding[]): string[] => findings.map((f) => f.code);
const root = join(__dirname, '..', '..');
const labFixture = (name: string): LintInput => ({
  file: name,
  text: readFileSync(join(root, 'test', 'fixtures', 'lab', name), 'utf8'),
});

describe('lint: every finding code', () => {
  for (const ex of examples) {
    it(`${ex.code}: flags the bad example and not the good one`, () => {
      assert.ok(
        codes(lint(inputs(ex.bad))).includes(ex.code),
        `bad example raises ${ex.code}: ${JSON.stringify(
          lint(inputs(ex.bad)).map((f) => `${f.code}: ${f.message}`),
          null,
          1,
        )}`,
      );
      const good = lint(inputs(ex.good));
      assert.ok(
        !codes(good).includes(ex.code),
        `good example raises no ${ex.code}: ${JSON.stringify(good.filter((f) => f.code === ex.code).map((f) => f.message))}`,
      );
    });
  }

  it('documents every code it can report, and has an example for each but the internal ones', () => {
    const documented = new Set(findingCodes.map((c) => c.code));
    for (const ex of examples) assert.ok(documented.has(ex.code), `${ex.code} is in codes.ts`);
    const exemplified = new Set(examples.map((e) => e.code));
    // loadtest/* come from the load-test plan model, whose own tests (loadtest-plan.test.ts) cover them.
    const missing = findingCodes.filter(
      (c) => !exemplified.has(c.code) && c.code !== 'lint/internal-error' && !c.code.startsWith('loadtest/'),
    );
    assert.deepEqual(
      missing.map((c) => c.code),
      [],
    );
  });

  it('lists every code in the README', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const c of findingCodes) assert.ok(readme.includes(`\`${c.code}\``), `README documents ${c.code}`);
  });
});

describe('lint: the lab as its authors wrote it', () => {
  const lab = [
    'app.yaml',
    'otel-collector-config.yaml',
    'otel-collector-deploy-svc.yaml',
    'otel-servicemonitors.yaml',
    'prometheus-iam-policy.json',
    'hash-load.lab.jmx',
  ].map(labFixture);
  const findings = lint(lab);
  const at = (code: string) =>
    findings.filter((f) => f.code === code).map((f) => `${f.file}:${(f.range?.start.line ?? 0) + 1}`);

  it('raises what a careful expert would, each at its line', () => {
    assert.deepEqual(at('collector/missing-signal-pipeline'), ['otel-collector-config.yaml:28']);
    assert.deepEqual(at('k8s/image-latest'), ['app.yaml:17', 'otel-collector-deploy-svc.yaml:16']);
    assert.deepEqual(at('jmx/argument-missing-name'), [
      'hash-load.lab.jmx:10',
      'hash-load.lab.jmx:11',
      'hash-load.lab.jmx:12',
    ]);
    assert.deepEqual(at('jmx/missing-main-controller'), ['hash-load.lab.jmx:18']);
    assert.deepEqual(at('jmx/no-keepalive'), ['hash-load.lab.jmx:26']);
  });

  it('does not also report ${SERVER} as undefined: the missing name is the cause', () => {
    assert.deepEqual(at('jmx/undefined-variable'), []);
  });

  it("accepts the lab's readers form and its ServiceMonitors", () => {
    assert.deepEqual(at('collector/telemetry-address-deprecated'), []);
    assert.deepEqual(
      findings.filter((f) => f.code.startsWith('servicemonitor/')),
      [],
    );
  });

  it('points into the ConfigMap for findings in the embedded collector config', () => {
    const f = findings.find((x) => x.code === 'collector/missing-signal-pipeline');
    const line = readFileSync(join(root, 'test', 'fixtures', 'lab', 'otel-collector-config.yaml'), 'utf8').split('\n')[
      f?.range?.start.line ?? 0
    ];
    assert.match(line ?? '', /^ {6}pipelines:/);
    assert.equal(f?.range?.start.character, 6);
  });
});

describe('lint: the corrected scaffold', () => {
  it('raises no error or warning on the lab files we write', () => {
    const lab = renderLab();
    const findings = lint([...lab.values()].map((f) => ({ file: f.path, text: f.content })));
    assert.deepEqual(
      findings.filter((f) => f.severity !== 'info').map((f) => `${f.file}: ${f.code} ${f.message}`),
      [],
    );
  });

  it('with a custom release, expects ServiceMonitors labelled for it', () => {
    const lab = renderLab({ helmRelease: 'kps' });
    const files = [...lab.values()].map((f) => ({ file: f.path, text: f.content }));
    assert.equal(
      lint(files, { helmRelease: 'kps' }).filter((f) => f.code === 'servicemonitor/release-label-missing').length,
      0,
    );
    // The custom path's two ServiceMonitors, and the one the collector chart's values enable.
    assert.deepEqual(
      lint(files, { helmRelease: 'prometheus' })
        .filter((f) => f.code === 'servicemonitor/release-label-missing')
        .map((f) => f.file)
        .sort(),
      ['helm/otel-collector-values.yaml', 'k8s/otel-servicemonitors.yaml', 'k8s/otel-servicemonitors.yaml'],
    );
  });
});

describe('lint: severity follows the collector version the files run', () => {
  const ex = examples.find((e) => e.code === 'collector/telemetry-address-deprecated');
  const withImage = (image: string) =>
    lint(
      inputs({
        ...ex?.bad,
        'otel-collector-deploy-svc.yaml': (ex?.bad['otel-collector-deploy-svc.yaml'] ?? '').replace(
          /image: .*/,
          `image: ${image}`,
        ),
      }),
    ).find((f) => f.code === 'collector/telemetry-address-deprecated');

  it('is info where the address is honoured (0.110.0)', () =>
    assert.equal(withImage('otel/opentelemetry-collector-contrib:0.110.0')?.severity, 'info'));
  it('is a warning where it is deprecated (0.111.0) or ignored (0.123.0)', () => {
    assert.equal(withImage('otel/opentelemetry-collector-contrib:0.111.0')?.severity, 'warning');
    assert.match(withImage('otel/opentelemetry-collector-contrib:0.123.0')?.message ?? '', /ignored from v0\.123\.0/);
  });
  it('is an error where it is rejected (0.128.0), and for :latest', () => {
    assert.equal(withImage('otel/opentelemetry-collector-contrib:0.128.0')?.severity, 'error');
    assert.equal(withImage('otel/opentelemetry-collector-contrib:latest')?.severity, 'error');
    assert.match(
      withImage('otel/opentelemetry-collector-contrib:latest')?.message ?? '',
      /:latest means the newest release/,
    );
  });
});

describe('lint: quick fixes', () => {
  function fixAll(files: Record<string, string>, code: string): Record<string, string> {
    const out = { ...files };
    const f = lint(inputs(out)).find((x) => x.code === code);
    assert.ok(f?.fixes?.length, `${code} offers a fix`);
    // All edits of a fix apply to the text as it was, together, as the editor applies them.
    const byFile = new Map<string, TextEdit[]>();
    for (const edit of f.fixes[0]?.edits ?? []) {
      const file = edit.file ?? f.file ?? '';
      byFile.set(file, [...(byFile.get(file) ?? []), edit]);
    }
    for (const [file, edits] of byFile) out[file] = applyEdits(out[file] ?? '', edits);
    return out;
  }

  it('rewrites telemetry address into readers with the same host and port, keeping comments', () => {
    const ex = examples.find((e) => e.code === 'collector/telemetry-address-deprecated');
    const bad = { ...ex?.bad };
    bad['otel-collector-config.yaml'] = (bad['otel-collector-config.yaml'] ?? '').replace(
      'address: 0.0.0.0:8888',
      'address: 0.0.0.0:8888 # scraped by Prometheus',
    );
    const fixed = fixAll(bad, 'collector/telemetry-address-deprecated');
    const text = fixed['otel-collector-config.yaml'] ?? '';
    assert.match(
      text,
      / {10}readers:\n {12}- pull:\n {16}exporter:\n {18}prometheus:\n {20}host: 0\.0\.0\.0\n {20}port: 8888 # scraped by Prometheus\n/,
    );
    assert.deepEqual(
      lint(inputs(fixed)).filter((f) => f.severity !== 'info'),
      [],
    );
  });

  it('gives an otlp receiver without an endpoint 0.0.0.0:4317', () => {
    const ex = examples.find((e) => e.code === 'collector/endpoint-localhost-in-pod');
    const fixed = fixAll({ ...ex?.bad }, 'collector/endpoint-localhost-in-pod');
    assert.match(fixed['otel-collector-config.yaml'] ?? '', / {10}grpc:\n {12}endpoint: 0\.0\.0\.0:4317\n/);
    assert.deepEqual(
      lint(inputs(fixed)).filter((f) => f.severity !== 'info'),
      [],
    );
  });

  for (const code of [
    'collector/unknown-component',
    'collector/removed-component',
    'collector/missing-signal-pipeline',
    'servicemonitor/release-label-missing',
    'jmx/missing-main-controller',
    'jmx/argument-missing-name',
    'loadtest/loops-forever',
    'iam/trust-subject-mismatch',
  ]) {
    it(`${code}: the fix leaves files that raise no error or warning`, () => {
      const ex = examples.find((e) => e.code === code);
      const fixed = fixAll({ ...ex?.bad }, code);
      assert.deepEqual(
        lint(inputs(fixed)).filter((f) => f.severity !== 'info' && f.code === code),
        [],
      );
      assert.deepEqual(
        lint(inputs(fixed)).filter((f) => f.severity === 'error'),
        [],
      );
    });
  }

  it("fixes the lab's own JMeter plan into one that raises no error", () => {
    let files: Record<string, string> = { 'hash-load.jmx': labFixture('hash-load.lab.jmx').text };
    for (let i = 0; i < 5; i++) {
      const f = lint(inputs(files)).find((x) => x.severity === 'error' && x.fixes?.length);
      if (!f) break;
      files = fixAll(files, f.code);
    }
    assert.deepEqual(
      lint(inputs(files)).filter((f) => f.severity === 'error'),
      [],
    );
  });
});

describe('README', () => {
  it('carries the finding-codes table as npm run docs generates it', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    assert.equal(readme, withTable(readme), 'run npm run docs');
  });
});
