// The bundled JSON schemas in schemas/: what yaml-language-server checks the lab's YAML against, offline.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { renderLab } from '../support/lab';

const repo = join(__dirname, '..', '..');
const schemasDir = join(repo, 'schemas');
const fixturesDir = join(repo, 'test', 'fixtures', 'schemas');
const GENERATOR = 'scripts/gen-schemas.mjs';

interface IndexEntry {
  file: string;
  bytes: number;
  apiVersion?: string;
  kind?: string;
  module?: string;
  version?: string;
  path?: string;
}
interface SchemaIndex {
  pins: Record<string, unknown>;
  kinds: IndexEntry[];
  configs: IndexEntry[];
}
type Doc = Record<string, unknown>;

const index = JSON.parse(readFileSync(join(schemasDir, 'index.json'), 'utf8')) as SchemaIndex;

// Where yaml-language-server would show a deprecation: recorded while validating.
let deprecations: { path: string; message: string }[] = [];
const ajv = new Ajv({
  allErrors: true,
  strict: true,
  strictTypes: false,
  strictRequired: false,
  allowUnionTypes: true,
});
ajv.addKeyword({
  keyword: 'deprecationMessage',
  schemaType: 'string',
  validate: (message: string, _data: unknown, _parent?: unknown, cxt?: { instancePath: string }) => {
    deprecations.push({ path: cxt?.instancePath ?? '', message });
    return true;
  },
});
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i);

// Registered under their file names, so a schema that $refs another by file name resolves as in the editor.
for (const e of [...index.kinds, ...index.configs])
  ajv.addSchema(JSON.parse(readFileSync(join(schemasDir, e.file), 'utf8')) as object, e.file);

function validatorFor(file: string): ValidateFunction {
  const v = ajv.getSchema(file);
  if (!v) throw new Error(`${file} is not in schemas/index.json`);
  return v;
}

/** Validates a document against a schema file; returns Ajv's errors (none when valid). */
function errorsOf(file: string, doc: unknown): ErrorObject[] {
  deprecations = [];
  const v = validatorFor(file);
  return v(doc) ? [] : [...(v.errors ?? [])];
}

function schemaFileFor(doc: Doc): string {
  const entry = index.kinds.find((k) => k.apiVersion === doc['apiVersion'] && k.kind === doc['kind']);
  if (!entry) throw new Error(`no bundled schema for ${String(doc['apiVersion'])} ${String(doc['kind'])}`);
  return entry.file;
}

const show = (errors: ErrorObject[]) =>
  errors.map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');

function assertValid(file: string, doc: unknown, what: string): void {
  const errors = errorsOf(file, doc);
  assert.equal(errors.length, 0, `${what} should validate against ${file}:\n${show(errors)}`);
}

function fixtureDocs(name: string): Doc[] {
  return parseAllDocuments(readFileSync(join(fixturesDir, name), 'utf8')).map((d) => {
    assert.equal(d.errors.length, 0, `${name}: ${d.errors[0]?.message}`);
    return d.toJS() as Doc;
  });
}

const clone = <T>(x: T): T => structuredClone(x);
const collectorFile = () => {
  const entry = index.configs.find((c) => c.file.startsWith('otelcol'));
  assert.ok(entry, 'index.json lists the collector config schema');
  return entry.file;
};
const labCollectorConfig = (): Doc => {
  const [configMap] = fixtureDocs('lab-otel-collector-config.yaml');
  return parse(String((configMap?.['data'] as Doc)['collector.yaml'])) as Doc;
};
const deployment = (): Doc => {
  const doc = fixtureDocs('lab-otel-flask.yaml').find((d) => d['kind'] === 'Deployment');
  assert.ok(doc);
  return doc;
};
const podSpec = (d: Doc) => ((d['spec'] as Doc)['template'] as Doc)['spec'] as Doc;

describe('bundled JSON schemas', () => {
  describe('schemas/index.json', () => {
    it('lists every schema file the generator wrote, and every file it lists exists with the size it records', () => {
      const listed = [...index.kinds, ...index.configs].map((e) => e.file).sort();
      // Other scripts may add files to schemas/ (lab.json); ours say who generated them.
      const ours = readdirSync(schemasDir)
        .filter((f) => f.endsWith('.json') && f !== 'index.json')
        .filter((f) => readFileSync(join(schemasDir, f), 'utf8').includes(GENERATOR))
        .sort();
      assert.deepEqual(listed, ours);
      for (const e of listed)
        assert.equal(
          statSync(join(schemasDir, e)).size,
          [...index.kinds, ...index.configs].find((x) => x.file === e)?.bytes,
          e,
        );
    });

    it('maps each Kubernetes kind the lab uses to a file, with the pinned module and path it came from', () => {
      const kinds = index.kinds.map((k) => `${k.apiVersion} ${k.kind}`).sort();
      assert.deepEqual(kinds, [
        'apps/v1 Deployment',
        'monitoring.coreos.com/v1 ServiceMonitor',
        'v1 ConfigMap',
        'v1 Namespace',
        'v1 Service',
        'v1 ServiceAccount',
      ]);
      for (const k of index.kinds) {
        assert.match(k.version ?? '', /^v\d+\.\d+\.\d+$/, `${k.kind} has a pinned version`);
        assert.ok(k.module && k.path, `${k.kind} names its module and path`);
      }
    });

    it('keeps all schemas together under 1.5 MB', () => {
      const total = [...index.kinds, ...index.configs].reduce((n, e) => n + e.bytes, 0);
      assert.ok(total < 1.5e6, `${total} bytes`);
    });
  });

  it('every schema is valid draft-07 and compiles', () => {
    for (const e of [...index.kinds, ...index.configs]) {
      const schema = JSON.parse(readFileSync(join(schemasDir, e.file), 'utf8')) as { $schema?: string };
      assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#', e.file);
      assert.ok(validatorFor(e.file), e.file);
    }
  });

  describe('Kubernetes kinds', () => {
    it("accepts the lab's own Deployments, Services and ConfigMap (LAB.md task 3)", () => {
      for (const name of [
        'lab-otel-flask.yaml',
        'lab-otel-collector-deploy-svc.yaml',
        'lab-otel-collector-config.yaml',
      ]) {
        for (const doc of fixtureDocs(name)) assertValid(schemaFileFor(doc), doc, `${name} ${String(doc['kind'])}`);
      }
    });

    it('accepts every Kubernetes manifest the extension scaffolds', () => {
      let checked = 0;
      for (const [path, file] of renderLab()) {
        if (!path.startsWith('k8s/')) continue;
        for (const d of parseAllDocuments(file.content)) {
          const doc = d.toJS() as Doc | null;
          if (!doc) continue;
          assertValid(schemaFileFor(doc), doc, `${path} ${String(doc['kind'])}`);
          checked++;
        }
      }
      assert.ok(checked >= 5, `checked ${checked} manifests`);
    });

    it('flags a misspelled field in a Deployment (contianers)', () => {
      const d = deployment();
      const spec = podSpec(d);
      spec['contianers'] = spec['containers'];
      delete spec['containers'];
      const errors = errorsOf('deployment-apps-v1.json', d);
      assert.ok(
        errors.some(
          (e) =>
            e.instancePath === '/spec/template/spec' &&
            e.keyword === 'additionalProperties' &&
            e.params['additionalProperty'] === 'contianers',
        ),
        show(errors),
      );
      assert.ok(
        errors.some((e) => e.keyword === 'required' && e.params['missingProperty'] === 'containers'),
        show(errors),
      );
    });

    it('requires a container image, as the API server does although the OpenAPI document does not', () => {
      const d = deployment();
      delete ((podSpec(d)['containers'] as Doc[])[0] as Doc)['image'];
      const errors = errorsOf('deployment-apps-v1.json', d);
      assert.ok(
        errors.some(
          (e) => e.instancePath === '/spec/template/spec/containers/0' && e.params['missingProperty'] === 'image',
        ),
        show(errors),
      );
    });

    it('flags wrong types the API server rejects: replicas as a string, an env value as a number, a ConfigMap value as a number', () => {
      const d = deployment();
      (d['spec'] as Doc)['replicas'] = '2';
      assert.ok(
        errorsOf('deployment-apps-v1.json', d).some((e) => e.instancePath === '/spec/replicas' && e.keyword === 'type'),
      );

      const e = deployment();
      const env = (podSpec(e)['containers'] as Doc[])[0]?.['env'] as Doc[];
      env.push({ name: 'PORT', value: 5000 });
      assert.ok(
        errorsOf('deployment-apps-v1.json', e).some(
          (x) => x.instancePath === '/spec/template/spec/containers/0/env/4/value',
        ),
      );

      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { port: 8080 } };
      assert.ok(errorsOf('configmap-v1.json', cm).some((x) => x.instancePath === '/data/port'));
    });

    it('takes int-or-string ports and quantities the way the API server does', () => {
      const svc = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's' },
        spec: {
          ports: [
            { port: 80, targetPort: 'http' },
            { port: 81, targetPort: 5000 },
          ],
        },
      };
      assertValid('service-v1.json', svc, 'named and numbered targetPort');
      (svc.spec.ports[0] as Doc)['targetPort'] = true;
      assert.ok(errorsOf('service-v1.json', svc).length > 0, 'a boolean targetPort is rejected');

      const d = deployment();
      const container = (podSpec(d)['containers'] as Doc[])[0] as Doc;
      container['resources'] = { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 0.25, memory: '64M' } };
      assertValid('deployment-apps-v1.json', d, 'quantities');
      container['resources'] = { limits: { memory: '128MB' } };
      assert.ok(
        errorsOf('deployment-apps-v1.json', d).some(
          (e) => e.instancePath === '/spec/template/spec/containers/0/resources/limits/memory',
        ),
      );
    });

    it('constrains apiVersion and kind, and accepts kubectl dry-run output (creationTimestamp: null)', () => {
      const ns = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'app', creationTimestamp: null },
        spec: {},
        status: {},
      };
      assertValid('namespace-v1.json', ns, 'a Namespace from kubectl create --dry-run=client -o yaml');
      assert.ok(
        errorsOf('namespace-v1.json', { ...ns, apiVersion: 'v2' }).some(
          (e) => e.instancePath === '/apiVersion' && e.keyword === 'enum',
        ),
      );
      const sa = {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: 'prometheus-sa',
          namespace: 'monitoring',
          annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/r' },
        },
      };
      assertValid('serviceaccount-v1.json', sa, 'an IRSA ServiceAccount');
      assert.ok(errorsOf('serviceaccount-v1.json', { ...sa, kind: 'Service' }).some((e) => e.instancePath === '/kind'));
    });
  });

  describe('ServiceMonitor', () => {
    it("accepts the lab's two ServiceMonitors (LAB.md task 3.3)", () => {
      for (const doc of fixtureDocs('lab-otel-servicemonitors.yaml'))
        assertValid(schemaFileFor(doc), doc, String((doc['metadata'] as Doc)['name']));
    });

    it('flags a numeric endpoints[].port: it must be the name of a Service port', () => {
      const [sm] = fixtureDocs('lab-otel-servicemonitors.yaml');
      assert.ok(sm);
      (((sm['spec'] as Doc)['endpoints'] as Doc[])[0] as Doc)['port'] = 8888;
      const errors = errorsOf(schemaFileFor(sm), sm);
      assert.ok(
        errors.some((e) => e.instancePath === '/spec/endpoints/0/port' && e.keyword === 'type'),
        show(errors),
      );
    });

    it('flags an interval that is not a Prometheus duration, and unknown fields in metadata', () => {
      const [sm] = fixtureDocs('lab-otel-servicemonitors.yaml');
      assert.ok(sm);
      (((sm['spec'] as Doc)['endpoints'] as Doc[])[0] as Doc)['interval'] = '15 seconds';
      (sm['metadata'] as Doc)['lables'] = { release: 'prometheus' };
      const errors = errorsOf(schemaFileFor(sm), sm);
      assert.ok(
        errors.some((e) => e.instancePath === '/spec/endpoints/0/interval' && e.keyword === 'pattern'),
        show(errors),
      );
      assert.ok(
        errors.some((e) => e.instancePath === '/metadata' && e.params['additionalProperty'] === 'lables'),
        show(errors),
      );
    });
  });

  describe('OpenTelemetry Collector config', () => {
    it("accepts the lab's collector config (readers/pull form)", () => {
      assertValid(collectorFile(), labCollectorConfig(), 'collector.yaml from the lab ConfigMap');
      assert.deepEqual(deprecations, []);
    });

    it('accepts the deprecated telemetry address but carries its deprecation for the editor', () => {
      const config = fixtureDocs('otelcol-deprecated-address.yaml')[0];
      assertValid(collectorFile(), config, 'a config with service.telemetry.metrics.address');
      assert.equal(deprecations.length, 1, JSON.stringify(deprecations));
      assert.equal(deprecations[0]?.path, '/service/telemetry/metrics/address');
      assert.match(deprecations[0]?.message ?? '', /v0\.111\.0.*v0\.123\.0.*v0\.128\.0/);
      assert.match(deprecations[0]?.message ?? '', /readers/);
    });

    it('flags an unknown top-level key', () => {
      const config = labCollectorConfig();
      config['pipelines'] = (config['service'] as Doc)['pipelines'];
      const errors = errorsOf(collectorFile(), config);
      assert.ok(
        errors.some((e) => e.instancePath === '' && e.params['additionalProperty'] === 'pipelines'),
        show(errors),
      );
    });

    it('checks the components the lab uses: prometheus exporter endpoint, debug verbosity, telemetry level, readers', () => {
      const noEndpoint = labCollectorConfig();
      (noEndpoint['exporters'] as Doc)['prometheus'] = { namespace: 'lab' };
      assert.ok(
        errorsOf(collectorFile(), noEndpoint).some(
          (e) => e.instancePath === '/exporters/prometheus' && e.params['missingProperty'] === 'endpoint',
        ),
      );

      const debug = labCollectorConfig();
      (debug['exporters'] as Doc)['debug/verbose'] = { verbosity: 'loud' };
      assert.ok(errorsOf(collectorFile(), debug).some((e) => e.instancePath === '/exporters/debug~1verbose/verbosity'));
      (debug['exporters'] as Doc)['debug/verbose'] = { verbosity: 'detailed' };
      assertValid(collectorFile(), debug, 'debug/verbose exporter');

      const level = labCollectorConfig();
      const metrics = ((level['service'] as Doc)['telemetry'] as Doc)['metrics'] as Doc;
      metrics['level'] = 'verbose';
      assert.ok(errorsOf(collectorFile(), level).some((e) => e.instancePath === '/service/telemetry/metrics/level'));
      metrics['level'] = 'detailed';
      metrics['readers'] = [{ pull: { exporter: { prometheus: { host: '0.0.0.0' } } } }];
      assert.ok(
        errorsOf(collectorFile(), level).some((e) => e.params['missingProperty'] === 'port'),
        'a prometheus reader needs a port',
      );
      metrics['readers'] = [
        {
          periodic: {
            interval: 10000,
            exporter: { otlp: { protocol: 'http/protobuf', endpoint: 'http://localhost:4318/v1/metrics' } },
          },
        },
      ];
      assertValid(collectorFile(), level, 'a periodic OTLP reader');
    });

    it('agrees with collector v0.155.0 on what it accepts: any letter case for levels, ${env:…} for numbers, views only with detailed', () => {
      const config = labCollectorConfig();
      const metrics = ((config['service'] as Doc)['telemetry'] as Doc)['metrics'] as Doc;
      metrics['level'] = 'Detailed';
      metrics['views'] = [
        { selector: { instrument_name: 'otelcol_*' }, stream: { attribute_keys: { excluded: ['transport'] } } },
      ];
      const reader = (metrics['readers'] as Doc[])[0] as Doc;
      (((reader['pull'] as Doc)['exporter'] as Doc)['prometheus'] as Doc)['port'] = '${env:TELEMETRY_PORT}';
      assertValid(collectorFile(), config, 'level Detailed, views, a port from the environment');
      metrics['level'] = 'normal';
      assert.ok(
        errorsOf(collectorFile(), config).some((e) => e.instancePath === '/service/telemetry/metrics/level'),
        'views need level detailed',
      );

      const nullOtlp = labCollectorConfig();
      (nullOtlp['receivers'] as Doc)['otlp'] = null;
      assert.ok(
        errorsOf(collectorFile(), nullOtlp).some((e) => e.instancePath === '/receivers/otlp'),
        'an otlp receiver needs protocols',
      );
    });

    it('accepts components it does not model, and the batch and memory_limiter processors it does', () => {
      const config = labCollectorConfig();
      (config['receivers'] as Doc)['hostmetrics'] = { collection_interval: '30s', scrapers: { cpu: null } };
      (config['processors'] as Doc)['memory_limiter'] = {
        check_interval: '1s',
        limit_percentage: 80,
        spike_limit_percentage: 20,
      };
      (config['processors'] as Doc)['batch'] = { timeout: '5s', send_batch_size: 1024 };
      assertValid(collectorFile(), config, 'hostmetrics, memory_limiter, batch');
      (config['processors'] as Doc)['batch'] = { timeout: 5 };
      assert.ok(
        errorsOf(collectorFile(), config).some((e) => e.instancePath.startsWith('/processors/batch/timeout')),
        'a duration needs a unit',
      );
      (config['processors'] as Doc)['memory_limiter'] = { limit_mib: 400 };
      assert.ok(errorsOf(collectorFile(), config).some((e) => e.params['missingProperty'] === 'check_interval'));
    });

    it('flags pipelines with an unknown signal or without exporters', () => {
      const config = labCollectorConfig();
      const pipelines = (config['service'] as Doc)['pipelines'] as Doc;
      pipelines['metric'] = clone(pipelines['metrics']);
      pipelines['traces/app'] = { receivers: ['otlp'] };
      const errors = errorsOf(collectorFile(), config);
      assert.ok(
        errors.some(
          (e) =>
            e.keyword === 'pattern' && e.params['pattern'] !== undefined && e.instancePath === '/service/pipelines',
        ),
        show(errors),
      );
      assert.ok(
        errors.some(
          (e) => e.instancePath === '/service/pipelines/traces~1app' && e.params['missingProperty'] === 'exporters',
        ),
        show(errors),
      );
    });
  });

  it('the generator is deterministic: a second run produces byte-identical files', function () {
    this.timeout(180_000);
    const out = mkdtempSync(join(tmpdir(), 'obslab-schemas-'));
    try {
      execFileSync(process.execPath, [join(repo, GENERATOR), '--out', out], { stdio: 'pipe' });
      const generated = readdirSync(out).sort();
      assert.deepEqual(generated, ['index.json', ...[...index.kinds, ...index.configs].map((e) => e.file)].sort());
      for (const f of generated)
        assert.ok(
          readFileSync(join(out, f)).equals(readFileSync(join(schemasDir, f))),
          `${f} differs from a fresh run of scripts/gen-schemas.mjs`,
        );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
