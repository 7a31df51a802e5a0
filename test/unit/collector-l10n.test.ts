// The collector's findings, the schema's and the linter's own notes speak the user's language: in
// the pseudo-locale every sentence they make is translated whole, over the collector fixtures at
// each release the rules tell apart (alone, in a pod's ConfigMap, as the collector chart's values),
// the corpus, broken YAML and JSON, skipped files, a failing rule, every schema check, and the
// pipeline view's own sentences. And every t`…` of these files is reached by one of them.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { liveFigures, parseExposition } from '../../src/core/collector/liveFigures';
import { pipelineViewAt } from '../../src/core/collector/pipelineView';
import { telemetrySources } from '../../src/core/collector/telemetrySource';
import type { Finding } from '../../src/core/finding';
import { lint, rules } from '../../src/core/lint/engine';
import type { LintInput } from '../../src/core/lint/model';
import type { LintOptions } from '../../src/core/lint/rule';
import { SchemaValidator, type JsonSchema } from '../../src/core/lint/schema';
import { fileSkipped, tooLargeReason } from '../../src/core/lint/skipped';
import { installTranslator, type Translator } from '../../src/core/text/l10n';
import { loadCollectorSchema, loadKindSchemas } from '../../src/node/files/schemas';
import { coreMessages } from '../../scripts/l10n';
import { labCollectorSetFlags } from '../fixtures/findingExamples';
import { inPseudoLocale, untranslated } from '../support/pseudoLocale';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures');
const schemas = loadKindSchemas(join(root, 'schemas'));
const collectorSchema = loadCollectorSchema(join(root, 'schemas'));

/** Releases on each side of every version the collector rules and facts name. */
const releases = [
  '0.70.0',
  '0.80.0',
  '0.100.0',
  '0.108.0',
  '0.111.0',
  '0.125.0',
  '0.130.0',
  '0.155.0',
  '0.160.0',
  '0.165.1',
];

/** Where the version changes what a pod's collector does (the default endpoint, telemetry readers, the address). */
const podReleases = ['0.100.0', '0.111.0', '0.125.0', '0.165.1'];
const chartReleases = ['0.80.0', '0.165.1'];

/** Texts with English left outside the translations, as "code: text". */
function english(findings: Finding[]): string[] {
  return findings.flatMap((f) =>
    [f.message, ...(f.fixes ?? []).map((x) => x.title)]
      .filter((text) => untranslated(text) !== '')
      .map((text) => `${f.code}: ${text}`),
  );
}

/** The keys every t`…` asked for while `fn` ran in the pseudo-locale, and what fn gave. */
function recording<T>(fn: () => T): { value: T; keys: Set<string> } {
  const keys = new Set<string>();
  const value = inPseudoLocale(() => {
    const slot = Symbol.for('obslab.l10n.translator');
    const pseudo = (globalThis as Record<symbol, Translator | undefined>)[slot];
    assert.ok(pseudo, 'the pseudo-locale installs a translator');
    installTranslator((message, args) => (keys.add(message), pseudo(message, args)));
    return fn();
  });
  return { value, keys };
}

const reached = new Set<string>();
function run<T>(fn: () => T): T {
  const { value, keys } = recording(fn);
  for (const k of keys) reached.add(k);
  return value;
}

const read = (path: string): string => readFileSync(path, 'utf8');
const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return yamlFiles(path);
      return /\.(ya?ml|json)$/i.test(name) ? [path] : [];
    });
/** Configs for what the fixtures do not say: each a mistake a student makes. */
const slips: Record<string, string> = {
  'no-service.yaml': 'receivers:\n  otlp:\n    protocols:\n      grpc:\nexporters:\n  debug:\n',
  'misspelt.yaml': `receivers:
  otlp:
    protocols:
      grpc: {endpoint: "localhost:4317"}
  zipkin: {endpoint: "localhost:9411"}
processors:
  batch:
exporters:
  debug:
  prometheus: {endpoint: "127.0.0.1:8889"}
connectors:
  forward:
  count:
extensions:
  health_check:
service:
  extensions: [health_check, pprof]
  telemetry:
    metrics:
      level: loud
      readers:
        - pull: {exporter: {prometheus: {host: localhost, port: 99999}}}
        - pull: {exporter: {prometheus: {port: 8888}}}
  pipelines:
    foo:
      receivers: [otlp]
      exporters: [debug]
    traces:
      receivers: [otlpp, nothing, forward]
      processors: [bacth, nothing]
      exporters: [debugg, nothing, forward]
    traces/2:
      receivers: [forward]
      exporters: [prometheus]
`,
  'address-empty.yaml': `receivers:
  otlp:
    protocols:
      grpc: {endpoint: "0.0.0.0:4317"}
exporters:
  debug:
service:
  telemetry:
    metrics:
      address: ""
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [debug]
`,
  'keepalive-wrong-duration.yaml': `receivers:
  otlp:
    protocols:
      http:
        endpoint: "0.0.0.0:4318"
        keepalive: {idle_timeout: forever}
exporters:
  debug:
service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [debug]
`,
};
const collectorFixtures = [
  ...yamlFiles(join(fixtures, 'collector')).map((path) => ({ name: relative(fixtures, path), text: read(path) })),
  ...Object.entries(slips).map(([name, text]) => ({ name, text })),
];

const indent = (text: string, by: string): string =>
  text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');

/** A collector config in a ConfigMap that a Deployment of `image` mounts, a Service, and an app sending it OTLP. */
function inPod(config: string, image: string): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: otel-collector-config
data:
  collector.yaml: |
${indent(config, '    ')}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: otel-collector
spec:
  selector:
    matchLabels: {app: otel-collector}
  template:
    metadata:
      labels: {app: otel-collector}
    spec:
      containers:
        - name: otel-collector
          image: ${image}
          args: ["--config=/conf/collector.yaml"]
          ports:
            - {containerPort: 4317}
            - {containerPort: 8888}
          volumeMounts:
            - {name: config, mountPath: /conf}
      volumes:
        - name: config
          configMap: {name: otel-collector-config}
---
apiVersion: v1
kind: Service
metadata:
  name: otel-collector
spec:
  selector: {app: otel-collector}
  ports:
    - {name: otlp, port: 4317, targetPort: 4317}
    - {name: telemetry, port: 8888, targetPort: 8888}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: app
          image: app:1
          env:
            - {name: OTEL_TRACES_EXPORTER, value: otlp}
            - {name: OTEL_METRICS_EXPORTER, value: otlp}
            - {name: OTEL_LOGS_EXPORTER, value: otlp}
            - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://otel-collector:4317"}
`;
}

/** The config as the collector chart's `config:`, at image tag `tag`. */
function asChartValues(config: string, tag: string): string {
  return `# chart: open-telemetry/opentelemetry-collector
mode: deployment
image:
  repository: otel/opentelemetry-collector-contrib
  tag: "${tag}"
config:
${indent(config, '  ')}
`;
}

function lintAll(inputs: LintInput[], options: Partial<LintOptions> = {}): Finding[] {
  return [true, false].flatMap((labRules) => lint(inputs, { schemas, collectorSchema, labRules, ...options }));
}

describe('collector and schema findings in the pseudo-locale', () => {
  it('translates every finding of the collector fixtures whole, at each release, alone, in a pod and as chart values', function () {
    // Some 1,400 lints of small files, the collector schema at each release.
    this.timeout(60_000);
    const left = run(() =>
      collectorFixtures.flatMap(({ name, text }) => {
        const file = name.replace(/^collector\//, '');
        const image = (tag: string): string => `otel/opentelemetry-collector-contrib${tag}`;
        const inPods = ['', ':latest', ...podReleases.map((v) => `:${v}`)].map((tag) => [
          { file: 'collector-in-pod.yaml', text: inPod(text, image(tag)) },
        ]);
        const asValues = chartReleases.map((v) => [
          { file: 'otel-collector-values.yaml', text: asChartValues(text, v) },
        ]);
        const alone = (options: Partial<LintOptions>): Finding[] =>
          lint([{ file, text }], { schemas, collectorSchema, ...options });
        return english([
          ...inPods.flatMap((i) => lintAll(i)),
          ...asValues.flatMap((i) => lintAll(i)),
          ...alone({}),
          ...releases.map((v) => alone({ collectorVersion: v })).flat(),
          // A build we made, which has only some components.
          ...alone({ collectorComponents: { receivers: ['otlp'], exporters: [], processors: [] } }),
        ]);
      }),
    );
    assert.deepEqual([...new Set(left)], []);
  });

  it('translates every finding of the corpus and the lab files whole, and the chart defaults note with them', () => {
    const dirs = ['corpus', 'lab'].flatMap((d) =>
      readdirSync(join(fixtures, d))
        .sort()
        .map((name) => join(fixtures, d, name)),
    );
    const groups = dirs.map((dir) =>
      (statSync(dir).isDirectory() ? yamlFiles(dir) : /\.(ya?ml|json)$/i.test(dir) ? [dir] : []).map((path) => ({
        file: relative(fixtures, path),
        text: read(path),
      })),
    );
    const findings = run(() => [
      ...groups.flatMap((g) => lintAll(g)),
      ...lintAll([{ file: 'otel-collector-values.yaml', text: labCollectorSetFlags }]),
      ...lintAll([{ file: 'unnamed.yaml', text: unnamed }]),
    ]);
    assert.deepEqual([...new Set(english(findings))], []);
    const inEnglish = [
      ...groups.flatMap((g) => lintAll(g)),
      ...lintAll([{ file: 'otel-collector-values.yaml', text: labCollectorSetFlags }]),
    ];
    assert.ok(
      inEnglish.some((f) => f.message.includes('(This comes from the default config of')),
      'the corpus has a finding about the chart defaults',
    );
  });

  const unnamed = `apiVersion: v1
kind: Service
metadata:
  labels: {app: x}
spec:
  type: [ClusterIP]
  ports:
    - port: http
`;
  const broken: Record<string, string> = {
    'compact.yaml': 'a: b: c\n',
    'implicit.yaml': 'a\nb: c\n',
    'flow-seq.yaml': 'a:\n  - [b, c\nd: e\n',
    'flow-map.yaml': 'a:\n  - {b: c\nd: e\n',
    'flow-end.yaml': '[a, b\n',
    'flow-map-end.yaml': '{a: b\n',
    'comma.yaml': 'a: {b: c,, d: e}\n',
    'tabs.yaml': 'a:\n\tb: c\n',
    'seq-column.yaml': 'a:\n  - b\n - c\n',
    'map-column.yaml': 'a:\n    b: c\n  d: e\n',
    'quote.yaml': 'a: "b\n',
    'single-quote.yaml': "a: 'b\n",
    'escape.yaml': 'a: "\\q"\n',
    'tag.yaml': 'a: !!nonsense b\n',
    'alias.yaml': 'a: *missing\n',
    'anchor-twice.yaml': 'a: &x &y b\n',
    'tag-twice.yaml': 'a: !!str !!str b\n',
    'plain-start.yaml': 'a: @b\n',
    'duplicate.yaml': 'a: 1\na: 2\n',
    'block-in-flow.yaml': 'a: [b,\n  - c]\n',
    'comment.yaml': 'a: "b"# c\n',
    'doc-end.yaml': '...\n',
    'seq-key.yaml': '- a\n- b\n: c\n',
    'block-scalar.yaml': 'a: |\n    b\n  c\nd: e\n',
    'space-after-colon.yaml': '{a:b}\n',
    'missing-comma.yaml': '{a: b c: d}\n',
    'directives.yaml': '%YAML 1.2\na: b\n',
    'collector/yaml-syntax.yaml': 'receivers:\n  otlp: {\nexporters: [\n',
    'policy.json': '{"Version": "2012-10-17", "Statement": [],}\n',
    'comment.json': '{\n  // c\n  "a": 1\n}\n',
    'trailing.json': '{"a": 1, }\n',
    'broken.json': '{"a": }\n',
    'empty-alias.yaml': 'a: *\n',
    'empty-anchor.yaml': 'a: &\n',
    'alias-props.yaml': 'a: !t *b\n',
    'stream.yaml': '- a\n: b\n',
    'node-end.yaml': '- |\nb\n',
    'seq-on-key.yaml': 'a: - b\n',
    'seq-without-dash.yaml': '- a: b\n c: d\n',
    'block-header.yaml': 'a: |x\n b\n',
    'flow-in-flow.yaml': '{a: b c: d}\n',
    'empty-seq-item.yaml': '[a,,b]\n',
    'empty-map-item.yaml': '{a,,b}\n',
    'map-items.yaml': 'a: {b: - c}\n',
    'bad-tag.yaml': '!a!b c\n',
    'seq-columns.yaml': '- - a\n  - b\n - c\n',
    'hex-escape.yaml': 'a: "\\x4"\n',
    'map-comment.yaml': '- [a]: b\n  [c]: d\n',
    'at.yaml': '@a\n',
  };
  const embedded = `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  collector.yaml: |
    receivers: [otlp
    exporters:
`;

  it("translates the YAML and JSON parsers' messages whole, and keeps their English as the parser wrote it", () => {
    const inputs = [
      ...Object.entries(broken).map(([file, text]) => ({ file, text })),
      { file: 'cm.yaml', text: embedded },
    ];
    const left = run(() => inputs.flatMap((i) => english(lint([i]))));
    assert.deepEqual([...new Set(left)], []);
    // In English, a parser message is the yaml package's own first line, word for word.
    for (const [file, text] of Object.entries(broken)) {
      if (!file.endsWith('.yaml')) continue;
      const own = parseAllDocuments(text, { prettyErrors: false, strict: false, uniqueKeys: false })
        .flatMap((d) => ('errors' in d ? d.errors : []))
        .map((e) => e.message.split('\n')[0]);
      const ours = lint([{ file, text }])
        .filter((f) => /syntax$/.test(f.code))
        .map((f) => f.message)
        .filter((m) => !m.includes('appears twice'));
      for (const m of ours) assert.ok(own.includes(m), `${file}: ${m} is not one of ${JSON.stringify(own)}`);
    }
  });

  it('translates the notes on skipped files and on a rule that failed whole', () => {
    const rule = rules['collector'];
    assert.ok(rule);
    const findings = run(() => {
      const out = [
        ...lint([{ file: 'big.yaml', text: `a: "${'x'.repeat(2_100_000)}"\n` }]),
        ...lint([{ file: 'bin.yaml', text: 'a: b\u0000' }]),
        ...lint([{ file: 'latin1.yaml', text: 'name: caf\uFFFD\n' }]),
        fileSkipped('dump.yaml', tooLargeReason(12_345_678)),
        // The workspace model cannot read an input that is no text at all.
        ...lint([{ file: 'odd.yaml', text: undefined as unknown as string }]),
      ];
      rules['collector'] = () => {
        throw new Error('boom');
      };
      try {
        out.push(...lint([{ file: 'collector.yaml', text: collectorFixtures[0]?.text ?? '' }]));
      } finally {
        rules['collector'] = rule;
      }
      return out;
    });
    assert.deepEqual([...new Set(findings.map((f) => f.code))].sort(), ['lint/file-skipped', 'lint/internal-error']);
    assert.deepEqual(english(findings), []);
  });

  it('translates every problem the schema validator names whole', () => {
    const schema: JsonSchema = {
      type: 'object',
      additionalProperties: false,
      required: ['needed'],
      minProperties: 30,
      properties: {
        needed: {},
        count: { type: 'integer', minimum: 1, maximum: 3 },
        name: { type: 'string', minLength: 1, pattern: '^[a-z]+$' },
        port: { type: ['string', 'integer'] },
        label: { type: 'string' },
        flag: { type: 'boolean' },
        kind: { const: 'Deployment' },
        mode: { enum: ['a', 'b'] },
        list: { type: 'array', minItems: 2, items: { type: 'string' } },
        notNull: { not: { type: 'string' } },
        either: { anyOf: [{ type: 'integer' }, { type: 'boolean' }] },
        form: { anyOf: [{ const: 1 }, { const: 2 }] },
        duration: { description: 'A duration.', anyOf: [{ type: 'string', pattern: '^\\d+s$' }, { const: 0 }] },
        one: { type: 'object', minProperties: 1 },
        keys: { type: 'object', propertyNames: { pattern: '^[a-z]+$' } },
        refused: { keyMessage: { severity: 'error', message: 'refused' } },
      },
    };
    const text = `count: 9
other: 1
nme: x
name: ""
port: 1.5
label: 8080
flag: "yes"
kind: Service
mode: c
list: [1]
notNull: s
either: s
form: 3
duration: 5m
one: {}
keys: {"Bad Key": 1}
zero: 0
count2: -1
`;
    const doc = parseAllDocuments(text)[0];
    assert.ok(doc && 'contents' in doc);
    const problems = run(() => [
      ...new SchemaValidator(schema).validate(doc.contents),
      ...new SchemaValidator(
        { ...schema, properties: { ...schema.properties, count: { minimum: 10 } } },
        'Gone.',
      ).validate(doc.contents),
      ...new SchemaValidator({ type: 'object', minProperties: 1 }).validate(parseAllDocuments('{}')[0]?.contents),
    ]);
    const left = problems.map((p) => p.message).filter((m) => m !== 'refused' && untranslated(m) !== '');
    assert.deepEqual(left, []);
    assert.ok(problems.length >= 15, `${problems.length} problems`);
  });

  it("translates the pipeline view's sentences whole: no config, broken YAML, its titles, live notes and sources", () => {
    const texts = run(() => {
      const out: string[] = [];
      out.push(String(pipelineViewAt('deploy.yaml', 'apiVersion: v1\nkind: Service\n', 0)));
      out.push(String(pipelineViewAt('collector.yaml', 'receivers:\n  otlp: {\nexporters: [\n', 0)));
      const lab = read(join(fixtures, 'lab', 'otel-collector-config.yaml'));
      const chart = read(join(fixtures, 'corpus', 'otel-chart-deployment-otlp-traces', 'values.yaml'));
      for (const [file, text] of [
        ['otel-collector-config.yaml', lab],
        ['otel-collector-values.yaml', chart],
      ] as const) {
        const v = pipelineViewAt(file, text, 0);
        assert.ok(typeof v !== 'string', file);
        out.push(v.graph.where ?? '');
        const metrics = (sent: number, failed: number): string =>
          v.graph.nodes
            .map((n) => {
              const id = n.component;
              return n.role === 'receiver'
                ? `otelcol_receiver_accepted_spans{receiver="${id}"} ${sent}\notelcol_receiver_accepted_metric_points{receiver="${id}"} ${sent}\n`
                : n.role === 'exporter'
                  ? `otelcol_exporter_sent_spans{exporter="${id}"} ${sent}\notelcol_exporter_send_failed_spans{exporter="${id}"} ${failed}\n` +
                    `otelcol_exporter_sent_metric_points{exporter="${id}"} ${sent}\notelcol_exporter_send_failed_metric_points{exporter="${id}"} ${failed}\n`
                  : '';
            })
            .join('');
        for (const [now, before] of [
          [metrics(0, 0), undefined],
          [metrics(5, 0), undefined],
          [metrics(5, 2), undefined],
          [metrics(5, 2), metrics(5, 2)],
          [metrics(9, 4), metrics(5, 2)],
          ['', undefined],
        ] as const)
          out.push(
            ...Object.values(
              liveFigures(v.graph, parseExposition(now), before === undefined ? undefined : parseExposition(before)),
            ).map((f) => f.note),
          );
      }
      out.push(
        ...telemetrySources({ telemetryUrl: 'http://127.0.0.1:8888/metrics' }, [
          { id: 'otel-collector', url: 'http://127.0.0.1:18888', state: 'active', remotePort: 8888, podPort: 8888 },
          { id: 'other', url: 'http://127.0.0.1:18001', state: 'active', remotePort: 9000 },
          {
            id: 'forward-18002-1',
            url: 'http://127.0.0.1:18002',
            state: 'active',
            remotePort: 8888,
            target: 'monitoring/svc/otel-collector:8888',
          },
        ]).map((s) => s.label),
      );
      return out;
    });
    assert.deepEqual(
      texts.filter((x) => untranslated(x) !== ''),
      [],
    );
  });

  it('reaches every sentence of the collector and schema rules, the linter notes and the pipeline view', () => {
    const mine =
      /src\/core\/(collector\/|lint\/(rules\/(collector|collectorKeys|schema)|schema|engine|skipped|model|yamlView|chartValues|parserMessages)\.ts)/;
    const keys = coreMessages(root)
      .filter((m) => mine.test(m.file.split('\\').join('/')))
      .filter((m) => !unreachable.has(m.key));
    const missed = keys.filter((m) => !reached.has(m.key)).map((m) => `${relative(root, m.file)}:${m.line}: ${m.key}`);
    assert.deepEqual(missed, []);
  });
});

/** Sentences no test input here reaches, and why. */
const unreachable = new Set<string>([
  // An image's :latest is the only way to that source, so an image is always named.
  'the image (:latest means the newest release, {0})',
  // Every removed key in configKeyChanges was deprecated first.
  `'{0}' was removed in v{1}; {2} refuses to start with it ("has invalid keys: {3}"). Use {4}.`,
  // The one pair refused together comes with the deprecation of the other key, in the same release.
  `'{0}' and '{1}' are both set; {2} refuses to start ("{3}"). Keep only '{4}'.`,
  // JSON.parse throws an Error with a message, always.
  'unreadable',
  // The schema's address note: the collector/schema rule leaves telemetry to the version-aware rules.
  'service.telemetry.metrics.address is deprecated (v0.111.0), ignored from v0.123.0 and rejected from v0.128.0: ' +
    'the collector will not start. Use readers with pull.exporter.prometheus host and port instead.',
  // The yaml package's messages that no input here makes it say (parserMessages.ts keeps them for when it does).
  ...[
    'Alias ending in : is ambiguous',
    'Anchor ending in : is ambiguous',
    'Block collection cannot start on same line with directives-end marker',
    'Comments must be separated from other tokens by white space characters',
    'Missing directives-end indicator line',
    'Missing directives-end/doc-start indicator line',
    'Tags and anchors must be separated from the next token by white space',
    'Implicit keys of flow sequence pairs need to be on a single line',
    'Block scalars with more-indented leading empty lines must use an explicit indentation indicator',
    'Block scalar values in collections must be indented',
    'Block scalar lines must not be less indented than their explicit indentation indicator',
    'Block scalar lines must not be less indented than their first line',
    'Flow end indicator should be more indented than parent',
    'Missing newline after block sequence props',
    'Unexpected doc-end without preceding document',
    'Excessive alias count indicates a resource exhaustion attack',
    'Map keys must be unique',
    'Anchors and tags must be after the {0} indicator',
    'Missing , or : between {0} items',
    'Missing space after : in {0}',
    'Unresolved tag: {0}',
    'Unresolved alias (the anchor must be set before the alias): {0}',
    'Unexpected empty item in {0}',
    'Unexpected {0} in collection',
    'Unexpected {0} token',
    'Unexpected {0} token in YAML stream',
    'Unexpected {0} token in YAML document',
    'Unexpected {0} token in YAML document: {1}',
  ],
]);
