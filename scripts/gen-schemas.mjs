// Generates the bundled, offline JSON schemas (draft-07) in schemas/ from pinned Go modules:
//  - the Kubernetes kinds the lab uses, from the OpenAPI v3 documents inside k8s.io/kubernetes;
//  - ServiceMonitor, from the prometheus-operator CRD's openAPIV3Schema;
//  - the OpenTelemetry Collector config, written here by hand and checked field by field against the
//    collector's Go config structs at the pinned versions (the build fails when they drift apart).
// Modules come from `go mod download -json` (module cache, else the Go module proxy). The output is
// deterministic: sorted keys, no timestamps. Usage: node scripts/gen-schemas.mjs [--out DIR]
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

// ---- pinned versions -------------------------------------------------------------------------
const KUBERNETES = { module: 'k8s.io/kubernetes', version: 'v1.37.2' };
const PROMETHEUS_OPERATOR = { module: 'github.com/prometheus-operator/prometheus-operator', version: 'v0.85.0' };
// The collector's 0.x modules and contrib: the version the scaffold's collector image pins (src/core/facts.ts)
// and the harness builds (test/harness/otelcol.ts).
const COLLECTOR = 'v0.155.0';
// The collector's 1.x modules released together with COLLECTOR (checked against service's go.mod).
const COLLECTOR_STABLE = 'v1.61.0';
// go.opentelemetry.io/contrib/otelconf, which defines service::telemetry's readers (checked against service's go.mod).
const OTELCONF = 'v0.24.0';

const K8S_SPEC_DIR = 'api/openapi-spec/v3';
// Core v1 kinds; also where a CRD's metadata (ObjectMeta) comes from.
const CORE_V1_SPEC = 'api__v1_openapi.json';
const K8S_KINDS = [
  { group: '', version: 'v1', kind: 'Namespace', spec: CORE_V1_SPEC, file: 'namespace-v1.json' },
  { group: '', version: 'v1', kind: 'ConfigMap', spec: CORE_V1_SPEC, file: 'configmap-v1.json' },
  { group: '', version: 'v1', kind: 'Service', spec: CORE_V1_SPEC, file: 'service-v1.json' },
  { group: '', version: 'v1', kind: 'ServiceAccount', spec: CORE_V1_SPEC, file: 'serviceaccount-v1.json' },
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    spec: 'apis__apps__v1_openapi.json',
    file: 'deployment-apps-v1.json',
  },
];
const CRDS = [
  {
    from: PROMETHEUS_OPERATOR,
    path: 'example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml',
    version: 'v1',
    file: 'servicemonitor-monitoring-v1.json',
  },
];
const OTELCOL_FILE = 'otelcol-config.json';
const META_V1 = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const DESCRIPTION_MAX = 200;
const SHORT_SENTENCE = 40;
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const GENERATOR = 'scripts/gen-schemas.mjs';

// ---- Go modules ------------------------------------------------------------------------------

const moduleDirs = new Map();

/** Downloads module@version with `go mod download -json` and returns its directory in GOMODCACHE. */
function goModule(module, version) {
  const key = `${module}@${version}`;
  const known = moduleDirs.get(key);
  if (known) return known;
  // An empty working directory keeps any go.mod or go.work around us out of the picture.
  const cwd = mkdtempSync(join(tmpdir(), 'gen-schemas-'));
  let out;
  try {
    out = execFileSync('go', ['mod', 'download', '-json', key], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GOWORK: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (e) {
    const info = e.stdout ? tryJson(e.stdout) : undefined;
    throw new Error(
      `go mod download ${key} failed: ${info?.Error || e.stderr || e.message}. Is Go installed and the Go module proxy (or a warm module cache) reachable?`,
    );
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  const info = JSON.parse(out);
  if (info.Error || !info.Dir) throw new Error(`go mod download ${key}: ${info.Error ?? 'no Dir in the answer'}`);
  moduleDirs.set(key, info.Dir);
  return info.Dir;
}

function tryJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const readModuleFile = (mod, path) => readFileSync(join(goModule(mod.module, mod.version), path), 'utf8');

// ---- shared helpers --------------------------------------------------------------------------

/** The first sentence (or two, if the first is very short) of a description, at most about DESCRIPTION_MAX characters: enough for a hover. */
function brief(text) {
  const t = String(text).replace(/\s+/g, ' ').trim();
  let sentence = t;
  const end = /[.!?](?=\s|$)/g;
  let m;
  while ((m = end.exec(t)) !== null) {
    const upTo = t.slice(0, m.index + 1);
    if (/(?:^|[\s(])(?:e\.g|i\.e|etc|vs|approx|incl)\.$/i.test(upTo)) continue;
    // A very short first sentence ("Deprecated.", "Image pull policy.") needs the next one to be useful.
    if (upTo.length < SHORT_SENTENCE) continue;
    sentence = upTo;
    break;
  }
  if (sentence.length > DESCRIPTION_MAX) sentence = `${sentence.slice(0, DESCRIPTION_MAX).replace(/\s+\S*$/, '')}…`;
  return sentence;
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys(value[k]);
    return out;
  }
  return value;
}

const stableJson = (value) => `${JSON.stringify(sortKeys(value), null, 2)}\n`;
const unique = (xs) => [...new Set(xs)];

// ---- OpenAPI v3 / CRD structural schema → JSON Schema draft-07 ------------------------------

// Kept as they are; everything else (x-kubernetes-*, discriminators, int formats) is dropped.
const PASSTHROUGH = [
  'enum',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'multipleOf',
];
// The Kubernetes quantity grammar, as controller-gen writes it for resource.Quantity fields of CRDs.
const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/**
 * Converts one OpenAPI v3 schema node (a Kubernetes built-in definition or a CRD's structural schema).
 * `onRef(name)` is told about each `#/components/schemas/NAME` reference so the caller can collect the
 * reachable definitions.
 */
function convertNode(node, onRef) {
  if (node.$ref) {
    const name = node.$ref.replace('#/components/schemas/', '');
    onRef(name);
    return { $ref: `#/definitions/${name}` };
  }
  const out = {};
  if (node.description) out.description = brief(node.description);
  // yaml-language-server shows deprecationMessage as a warning on the field.
  const deprecated = /(?:^|[.:]\s+)(Deprecated\b.*)$/s.exec(node.description ?? '');
  if (deprecated?.[1]) out.deprecationMessage = brief(deprecated[1]);
  const open = node['x-kubernetes-preserve-unknown-fields'] === true;

  if (node['x-kubernetes-int-or-string'] === true) {
    // Either an integer or a string (a port name, a percentage, a quantity): not both at once.
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  } else if (node.type) {
    out.type = node.nullable ? [node.type, 'null'] : node.type;
  }
  if (node.format === 'date-time') out.format = 'date-time';
  for (const k of PASSTHROUGH) if (node[k] !== undefined) out[k] = node[k];
  // Defaults only where they tell the reader something (Kubernetes writes `{}` and `0` everywhere).
  if (['string', 'boolean'].includes(typeof node.default) && node.default !== '') out.default = node.default;
  if (typeof node.default === 'number' && node.default !== 0) out.default = node.default;

  if (node.properties) {
    out.properties = {};
    for (const [k, v] of Object.entries(node.properties)) out.properties[k] = convertNode(v, onRef);
  }
  if (node.required?.length) out.required = [...node.required];
  if (node.items) out.items = convertNode(node.items, onRef);
  if (node.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof node.additionalProperties === 'boolean'
        ? node.additionalProperties
        : convertNode(node.additionalProperties, onRef);
  } else if (node.properties && !open) {
    // Server-side field validation (kubectl's default --validate=strict) rejects unknown fields.
    out.additionalProperties = false;
  }
  if (node.allOf) {
    // Kubernetes wraps a described reference as {allOf: [{$ref}], description}: keep that shape,
    // since draft-07 ignores keywords beside a bare $ref.
    out.allOf = node.allOf.map((s) => convertNode(s, onRef));
  }
  for (const k of ['anyOf', 'oneOf']) {
    if (!node[k] || out.anyOf) continue;
    out[k] = node[k].map((s) => convertNode(s, onRef));
  }
  if (node.not) out.not = convertNode(node.not, onRef);
  return out;
}

/** Definitions whose OpenAPI form does not say what the API server really accepts. */
const K8S_OVERRIDES = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    description: 'An integer or a string (for example a port number or a named port).',
    anyOf: [{ type: 'integer' }, { type: 'string' }],
  },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    description: 'A quantity such as 500m, 128Mi, 1.5Gi or 2 (a number or a string in the quantity grammar).',
    anyOf: [{ type: 'string', pattern: QUANTITY_PATTERN }, { type: 'number' }],
  },
  // `kubectl create --dry-run=client -o yaml` writes `creationTimestamp: null`, which the server accepts.
  [`${META_V1}.Time`]: { description: 'An RFC 3339 date and time.', type: ['string', 'null'], format: 'date-time' },
  [`${META_V1}.MicroTime`]: {
    description: 'An RFC 3339 date and time with microseconds.',
    type: ['string', 'null'],
    format: 'date-time',
  },
};

/**
 * Fields the API server's validation requires although the OpenAPI document leaves them optional
 * (k8s.io/kubernetes pkg/apis/core/validation/validation.go: `field.Required(path.Child("image"), "")`).
 */
const K8S_SERVER_REQUIRED = {
  'io.k8s.api.core.v1.Container': ['image'],
};

/** Collects the definitions reachable from `start` in an OpenAPI document, converted. */
function collectDefinitions(schemas, start) {
  const definitions = {};
  const queue = [...start];
  while (queue.length) {
    const name = queue.shift();
    if (definitions[name]) continue;
    const override = K8S_OVERRIDES[name];
    if (override) {
      definitions[name] = override;
      continue;
    }
    const def = schemas[name];
    if (!def) throw new Error(`OpenAPI reference to a missing definition: ${name}`);
    const converted = convertNode(def, (ref) => queue.push(ref));
    const serverRequired = K8S_SERVER_REQUIRED[name];
    if (serverRequired) converted.required = unique([...(converted.required ?? []), ...serverRequired]);
    definitions[name] = converted;
  }
  return definitions;
}

function typeMeta(root, apiVersion, kind) {
  root.properties ??= {};
  root.properties.apiVersion = {
    type: 'string',
    enum: [apiVersion],
    description: `The API version of this object: ${apiVersion}.`,
  };
  root.properties.kind = { type: 'string', enum: [kind], description: `The kind of this object: ${kind}.` };
  root.required = unique(['apiVersion', 'kind', ...(root.required ?? [])]);
  root.type = 'object';
}

const k8sSpecs = new Map();
function k8sSpec(file) {
  if (!k8sSpecs.has(file)) k8sSpecs.set(file, JSON.parse(readModuleFile(KUBERNETES, `${K8S_SPEC_DIR}/${file}`)));
  return k8sSpecs.get(file);
}

function kubernetesKind({ group, version, kind, spec, file }) {
  const schemas = k8sSpec(spec).components.schemas;
  const matches = Object.entries(schemas).filter(([, s]) =>
    (s['x-kubernetes-group-version-kind'] ?? []).some(
      (g) => g.group === group && g.version === version && g.kind === kind,
    ),
  );
  if (matches.length !== 1)
    throw new Error(`${spec}: expected one definition for ${group}/${version} ${kind}, found ${matches.length}`);
  const [name, def] = matches[0];
  const apiVersion = group ? `${group}/${version}` : version;
  const refs = [];
  const root = convertNode(def, (r) => refs.push(r));
  typeMeta(root, apiVersion, kind);
  const path = `${K8S_SPEC_DIR}/${spec}`;
  return {
    file,
    entry: { apiVersion, kind, file, module: KUBERNETES.module, version: KUBERNETES.version, path, definition: name },
    schema: {
      $schema: DRAFT_07,
      $comment: `Generated by ${GENERATOR} from ${KUBERNETES.module}@${KUBERNETES.version} ${path} (${name}). Do not edit.`,
      title: `${kind} (${apiVersion}), Kubernetes ${KUBERNETES.version}`,
      ...root,
      definitions: collectDefinitions(schemas, refs),
    },
  };
}

function customResource({ from, path, version, file }) {
  const crd = parseYaml(readModuleFile(from, path));
  if (crd?.kind !== 'CustomResourceDefinition')
    throw new Error(`${from.module}@${from.version} ${path} is not a CustomResourceDefinition`);
  const { group, names } = crd.spec;
  const v = crd.spec.versions.find((x) => x.name === version);
  if (!v?.schema?.openAPIV3Schema) throw new Error(`${path}: no openAPIV3Schema for version ${version}`);
  const apiVersion = `${group}/${version}`;
  const root = convertNode(v.schema.openAPIV3Schema, (r) => {
    throw new Error(`${path}: unexpected $ref ${r} in a structural schema`);
  });
  typeMeta(root, apiVersion, names.kind);
  // A CRD schema says only `metadata: {type: object}`; the API server validates it as ObjectMeta.
  const objectMeta = `${META_V1}.ObjectMeta`;
  root.properties.metadata = {
    description: 'Standard object metadata (labels, annotations, name, namespace, …).',
    allOf: [{ $ref: `#/definitions/${objectMeta}` }],
  };
  return {
    file,
    entry: {
      apiVersion,
      kind: names.kind,
      file,
      module: from.module,
      version: from.version,
      path,
      metadataFrom: {
        module: KUBERNETES.module,
        version: KUBERNETES.version,
        path: `${K8S_SPEC_DIR}/${CORE_V1_SPEC}`,
        definition: objectMeta,
      },
    },
    schema: {
      $schema: DRAFT_07,
      $comment: `Generated by ${GENERATOR} from ${from.module}@${from.version} ${path} (${apiVersion} ${names.kind}); metadata from ${KUBERNETES.module}@${KUBERNETES.version}. Do not edit.`,
      title: `${names.kind} (${apiVersion}), prometheus-operator ${from.version}`,
      ...root,
      definitions: collectDefinitions(k8sSpec(CORE_V1_SPEC).components.schemas, [objectMeta]),
    },
  };
}

// ---- OpenTelemetry Collector config (hand-written, checked against the Go structs) -----------

const COLLECTOR_MOD = 'go.opentelemetry.io/collector';
const CONTRIB_MOD = 'github.com/open-telemetry/opentelemetry-collector-contrib';
/** Where each part of the collector schema comes from: module, version, file. */
const GO_SOURCES = {
  otelcol: { module: `${COLLECTOR_MOD}/otelcol`, version: COLLECTOR, file: 'unmarshaler.go' },
  service: { module: `${COLLECTOR_MOD}/service`, version: COLLECTOR, file: 'config.go' },
  pipelines: { module: `${COLLECTOR_MOD}/service`, version: COLLECTOR, file: 'pipelines/config.go' },
  telemetry: { module: `${COLLECTOR_MOD}/service`, version: COLLECTOR, file: 'telemetry/otelconftelemetry/config.go' },
  telemetryV030: {
    module: `${COLLECTOR_MOD}/service`,
    version: COLLECTOR,
    file: 'telemetry/otelconftelemetry/internal/migration/v0.3.0.go',
  },
  otelconf: { module: 'go.opentelemetry.io/contrib/otelconf', version: OTELCONF, file: 'v0.3.0/generated_config.go' },
  otelconfMetric: { module: 'go.opentelemetry.io/contrib/otelconf', version: OTELCONF, file: 'v0.3.0/metric.go' },
  otelconfConst: { module: 'go.opentelemetry.io/contrib/otelconf', version: OTELCONF, file: 'v0.3.0/config.go' },
  configtelemetry: {
    module: `${COLLECTOR_MOD}/config/configtelemetry`,
    version: COLLECTOR,
    file: 'configtelemetry.go',
  },
  component: { module: `${COLLECTOR_MOD}/component`, version: COLLECTOR_STABLE, file: 'identifiable.go' },
  pipeline: { module: `${COLLECTOR_MOD}/pipeline`, version: COLLECTOR_STABLE, file: 'pipeline.go' },
  configoptional: { module: `${COLLECTOR_MOD}/config/configoptional`, version: COLLECTOR_STABLE, file: 'optional.go' },
  confignet: { module: `${COLLECTOR_MOD}/config/confignet`, version: COLLECTOR_STABLE, file: 'confignet.go' },
  configtls: { module: `${COLLECTOR_MOD}/config/configtls`, version: COLLECTOR_STABLE, file: 'configtls.go' },
  configauth: { module: `${COLLECTOR_MOD}/config/configauth`, version: COLLECTOR_STABLE, file: 'configauth.go' },
  configmiddleware: {
    module: `${COLLECTOR_MOD}/config/configmiddleware`,
    version: COLLECTOR_STABLE,
    file: 'generated_config.go',
  },
  configgrpc: { module: `${COLLECTOR_MOD}/config/configgrpc`, version: COLLECTOR, file: 'configgrpc.go' },
  confighttp: { module: `${COLLECTOR_MOD}/config/confighttp`, version: COLLECTOR, file: 'server.go' },
  queuebatch: {
    module: `${COLLECTOR_MOD}/exporter/exporterhelper`,
    version: COLLECTOR,
    file: 'internal/queuebatch/config.go',
  },
  sizer: { module: `${COLLECTOR_MOD}/exporter/exporterhelper`, version: COLLECTOR, file: 'internal/request/sizer.go' },
  otlpreceiver: { module: `${COLLECTOR_MOD}/receiver/otlpreceiver`, version: COLLECTOR, file: 'config.go' },
  batch: { module: `${COLLECTOR_MOD}/processor/batchprocessor`, version: COLLECTOR, file: 'config.go' },
  memorylimiter: { module: `${COLLECTOR_MOD}/internal/memorylimiter`, version: COLLECTOR, file: 'config.go' },
  debug: { module: `${COLLECTOR_MOD}/exporter/debugexporter`, version: COLLECTOR, file: 'config.go' },
  prometheus: { module: `${CONTRIB_MOD}/exporter/prometheusexporter`, version: COLLECTOR, file: 'config.go' },
  resourcetotelemetry: {
    module: `${CONTRIB_MOD}/pkg/resourcetotelemetry`,
    version: COLLECTOR,
    file: 'resource_to_telemetry.go',
  },
};
const cite = (src, what) =>
  `${GO_SOURCES[src].module}@${GO_SOURCES[src].version}/${GO_SOURCES[src].file}${what ? ` ${what}` : ''}`;

/** Every struct the schema models and every literal it relies on, checked after download. */
const structChecks = [];
const literalChecks = [];

/** The fields of Go struct `struct` in GO_SOURCES[src], one schema per mapstructure key. */
function fields(src, struct, props, { omit = [] } = {}) {
  structChecks.push({ src, struct, names: Object.keys(props), omit });
  return { cite: cite(src, struct), props };
}

/** A closed object made of the fields of one or more (squashed) structs. */
function object(description, parts, extra = {}) {
  const properties = Object.assign({}, ...parts.map((p) => p.props));
  return {
    type: 'object',
    description,
    $comment: `Fields of ${parts.map((p) => p.cite).join(' + ')}`,
    properties,
    additionalProperties: false,
    ...extra,
  };
}

/** A configoptional.Optional section: it may be null (the key alone), and `enabled: false` turns it off. */
function optional(schema) {
  return {
    ...schema,
    type: ['object', 'null'],
    $comment: `${schema.$comment}; wrapped in configoptional.Optional (${cite('configoptional')}), which also reads \`enabled\``,
    properties: {
      ...schema.properties,
      enabled: { type: 'boolean', description: 'false turns this section off; true or absent keeps it on.' },
    },
  };
}

/** A component's own config: null (just the key) means the component's defaults. */
const component = (schema) => ({ ...schema, type: ['object', 'null'] });

function literals(src, values, description, { caseInsensitive = false } = {}) {
  literalChecks.push({ src, values, caseInsensitive });
  return caseInsensitive ? anyCase(values, description) : { type: 'string', enum: values, description };
}

/** An enum the collector matches in any letter case: completion offers the lower-case spelling. */
function anyCase(values, description) {
  const letters = (v) => [...v].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join('');
  return {
    type: 'string',
    description,
    anyOf: [{ enum: values }, { pattern: `^(${values.map(letters).join('|')})$` }],
  };
}

// A whole value taken from a confmap provider (${env:PORT}, ${file:...}) is resolved before decoding,
// so numbers, booleans and durations may be written as one.
const CONFIG_REF = { $ref: '#/definitions/configRef' };
const configRefDefinition = {
  type: 'string',
  pattern: '^\\$\\{[^}]+\\}$',
  description: 'A value from a config provider, such as ${env:PORT}, resolved before the config is decoded.',
};
const str = (description, extra = {}) => ({ type: 'string', description, ...extra });
const int = (description, extra = {}) => ({ description, anyOf: [{ type: 'integer', ...extra }, CONFIG_REF] });
const bool = (description) => ({ description, anyOf: [{ type: 'boolean' }, CONFIG_REF] });
const strings = (description) => ({ type: 'array', items: { type: 'string' }, description });
const stringMap = (description) => ({ type: 'object', additionalProperties: { type: 'string' }, description });
const anyObject = (description) => ({ type: ['object', 'null'], description });
// time.Duration: a Go duration string such as 200ms, 5s or 1m30s. A bare integer decodes as nanoseconds,
// which is always a mistake but for 0, so only 0 is accepted without a unit.
const GO_DURATION = '^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$';
const duration = (description) => ({
  description: `${description} A Go duration such as 500ms, 10s or 1m.`,
  anyOf: [{ type: 'string', pattern: GO_DURATION }, { const: 0 }, CONFIG_REF],
});

// component.ID `type[/name]`: typeRegexp and nameRegexp of the component package; pipeline.ID `signal[/name]`.
const NAME_PART = '(/[^\\p{Z}\\p{C}\\p{S}]+)?';
const COMPONENT_ID = `^[a-zA-Z][0-9a-zA-Z_]{0,62}${NAME_PART}$`;
const PIPELINE_ID = `^(traces|metrics|logs|profiles)${NAME_PART}$`;
const idOf = (type) => `^${type}${NAME_PART}$`;
const componentRef = (what) => ({
  type: 'string',
  pattern: COMPONENT_ID,
  description: `The id (type[/name]) of a configured ${what}.`,
});

function collectorSchema() {
  literalChecks.push({ src: 'component', values: ['^[a-zA-Z][0-9a-zA-Z_]{0,62}$', '^[^\\pZ\\pC\\pS]+$'] });
  literalChecks.push({ src: 'pipeline', values: ['^[^\\pZ\\pC\\pS]+$'] });

  // Shared parts live in definitions, once.
  const definitions = { configRef: configRefDefinition };
  const define = (name, schema) => {
    definitions[name] = schema;
    return { $ref: `#/definitions/${name}` };
  };

  // ---- shared config packages
  const tlsServer = define(
    'tlsServer',
    optional(
      object('TLS settings; without this section the server speaks plain text.', [
        fields('configtls', 'Config', {
          ca_file: str('Path to the CA certificate used to verify peers.'),
          ca_pem: str('CA certificate in PEM, instead of ca_file.'),
          include_system_ca_certs_pool: bool('Also trust the system CA pool.'),
          cert_file: str('Path to the TLS certificate.'),
          cert_pem: str('TLS certificate in PEM, instead of cert_file.'),
          key_file: str('Path to the TLS private key.'),
          key_pem: str('TLS private key in PEM, instead of key_file.'),
          min_version: str('Minimum TLS version, for example "1.2".'),
          max_version: str('Maximum TLS version, for example "1.3".'),
          cipher_suites: strings('Allowed cipher suites.'),
          include_insecure_cipher_suites: bool('Also allow insecure cipher suites.'),
          reload_interval: duration('How often to reload the certificates.'),
          curve_preferences: strings('Preferred elliptic curves.'),
          tpm: anyObject('Load the key from a TPM.'),
        }),
        fields('configtls', 'ServerConfig', {
          client_ca_file: str('CA for verifying client certificates (mTLS).'),
          client_ca_file_reload: bool('Reload client_ca_file when it changes.'),
        }),
      ]),
    ),
  );
  const netAddr = fields('confignet', 'AddrConfig', {
    endpoint: str(
      'host:port to listen on. Since v0.104.0 the default host is localhost: use 0.0.0.0 (or the pod IP) to accept connections from other pods.',
    ),
    transport: literals(
      'confignet',
      ['tcp', 'tcp4', 'tcp6', 'udp', 'udp4', 'udp6', 'ip', 'ip4', 'ip6', 'unix', 'unixgram', 'unixpacket', 'npipe'],
      'Network transport.',
    ),
    dialer: object('Dialer settings.', [fields('confignet', 'DialerConfig', { timeout: duration('Dial timeout.') })]),
  });
  const auth = define(
    'grpcAuth',
    optional(
      object('Authenticate requests with an authenticator extension.', [
        fields('configauth', 'Config', { authenticator: componentRef('authenticator extension') }),
      ]),
    ),
  );
  const middlewares = define('middlewares', {
    type: 'array',
    description: 'Middleware extensions, outermost first.',
    items: object('A middleware.', [
      fields('configmiddleware', 'Config', { id: componentRef('middleware extension') }),
    ]),
  });
  const grpcServer = define(
    'grpcServer',
    optional(
      object('OTLP over gRPC; default endpoint localhost:4317.', [
        netAddr,
        fields('configgrpc', 'ServerConfig', {
          tls: tlsServer,
          max_recv_msg_size_mib: int('Largest message accepted, in MiB.'),
          max_concurrent_streams: int('Concurrent streams per transport.'),
          read_buffer_size: int('Read buffer size in bytes.'),
          write_buffer_size: int('Write buffer size in bytes.'),
          keepalive: optional(
            object('Keepalive settings.', [
              fields('configgrpc', 'KeepaliveServerConfig', {
                server_parameters: optional(
                  object('Server keepalive parameters.', [
                    fields('configgrpc', 'KeepaliveServerParameters', {
                      max_connection_idle: duration('Close idle connections after this long.'),
                      max_connection_age: duration('Close connections older than this.'),
                      max_connection_age_grace: duration('Grace period after max_connection_age.'),
                      time: duration('Ping after this long without activity.'),
                      timeout: duration('Wait this long for a ping ack.'),
                    }),
                  ]),
                ),
                enforcement_policy: optional(
                  object('Keepalive enforcement policy.', [
                    fields('configgrpc', 'KeepaliveEnforcementPolicy', {
                      min_time: duration('Minimum time between client pings.'),
                      permit_without_stream: bool('Allow pings without active streams.'),
                    }),
                  ]),
                ),
              }),
            ]),
          ),
          auth,
          include_metadata: bool('Pass request metadata to the pipeline.'),
          middlewares,
        }),
      ]),
    ),
  );
  const httpServerFields = fields('confighttp', 'ServerConfig', {
    tls: tlsServer,
    cors: define(
      'httpCors',
      optional(
        object('CORS settings for browser clients.', [
          fields('confighttp', 'CORSConfig', {
            allowed_origins: strings('Allowed Origin values; may contain *.'),
            allowed_headers: strings('Extra allowed request headers.'),
            exposed_headers: strings('Response headers exposed to the browser.'),
            max_age: int('Seconds a preflight response may be cached.'),
          }),
        ]),
      ),
    ),
    auth: define(
      'httpAuth',
      optional(
        object('Authenticate requests with an authenticator extension.', [
          fields('configauth', 'Config', { authenticator: componentRef('authenticator extension') }),
          fields('confighttp', 'AuthConfig', {
            request_params: strings('Query or header parameters added to the auth context.'),
          }),
        ]),
      ),
    ),
    max_request_body_size: int('Largest request body in bytes.'),
    include_metadata: bool('Pass request headers to the pipeline.'),
    response_headers: stringMap('Headers added to every response.'),
    compression_algorithms: strings('Accepted request compressions.'),
    read_timeout: duration('Timeout for reading a whole request.'),
    read_header_timeout: duration('Timeout for reading request headers.'),
    write_timeout: duration('Timeout for writing a response.'),
    idle_timeout: duration('Keep-alive idle timeout.'),
    middlewares,
    keep_alives_enabled: bool('HTTP keep-alives (default true).'),
  });
  const sendingQueue = define(
    'sendingQueue',
    optional(
      object('Queue (and batch) requests before sending.', [
        fields('queuebatch', 'Config', {
          wait_for_result: bool('Block the caller until the request is sent.'),
          sizer: literals('sizer', ['requests', 'items', 'bytes'], 'Unit of queue_size.'),
          queue_size: int('Queue capacity, in sizer units.'),
          block_on_overflow: bool('Block instead of rejecting when full.'),
          storage: componentRef('storage extension'),
          num_consumers: int('Concurrent senders.'),
          batch: optional(
            object('Batch queued requests.', [
              fields('queuebatch', 'BatchConfig', {
                flush_timeout: duration('Send a batch after this long.'),
                sizer: literals('sizer', ['requests', 'items', 'bytes'], 'Unit of min_size and max_size.'),
                min_size: int('Send once a batch reaches this size.'),
                max_size: int('Split batches above this size.'),
                partition: object('Batch per metadata key.', [
                  fields('queuebatch', 'PartitionConfig', {
                    metadata_keys: strings('Client metadata keys to partition by.'),
                  }),
                ]),
              }),
            ]),
          ),
        }),
      ]),
    ),
  );

  // ---- components the lab uses
  // No null: without protocols the receiver fails ("must specify at least one protocol").
  const otlpReceiver = object(
    'The otlp receiver: OTLP over gRPC (:4317) and HTTP (:4318).',
    [
      fields('otlpreceiver', 'Config', {
        protocols: object(
          'At least one of grpc and http.',
          [
            fields('otlpreceiver', 'Protocols', {
              grpc: grpcServer,
              http: optional(
                object('OTLP over HTTP; default endpoint localhost:4318.', [
                  netAddr,
                  httpServerFields,
                  fields('otlpreceiver', 'HTTPConfig', {
                    traces_url_path: str('URL path for traces (default /v1/traces).'),
                    metrics_url_path: str('URL path for metrics (default /v1/metrics).'),
                    logs_url_path: str('URL path for logs (default /v1/logs).'),
                  }),
                ]),
              ),
            }),
          ],
          { minProperties: 1 },
        ),
      }),
    ],
    { required: ['protocols'] },
  );
  const batchProcessor = component(
    object('The batch processor: groups telemetry before export.', [
      fields('batch', 'Config', {
        timeout: duration('Send a batch after this long regardless of size (default 200ms).'),
        send_batch_size: int('Send once a batch has this many items (default 8192).', { minimum: 0 }),
        send_batch_max_size: int('Split batches above this size; 0 means no limit. Must be ≥ send_batch_size.', {
          minimum: 0,
        }),
        metadata_keys: strings('Client metadata keys that get a batcher each.'),
        metadata_cardinality_limit: int('Most distinct metadata combinations (default 1000).', { minimum: 0 }),
      }),
    ]),
  );
  // No null: memory_limiter has required settings.
  const memoryLimiter = object(
    'The memory_limiter processor: refuses data when memory runs high. Needs check_interval and limit_mib or limit_percentage.',
    [
      fields('memorylimiter', 'Config', {
        check_interval: duration('How often memory is measured; must be > 0 (1s is typical).'),
        min_gc_interval_when_soft_limited: duration(
          'Minimum time between forced GCs over the soft limit (default 10s).',
        ),
        min_gc_interval_when_hard_limited: duration('Minimum time between forced GCs over the hard limit.'),
        limit_mib: int('Hard memory limit in MiB.', { minimum: 0 }),
        spike_limit_mib: int('Expected spike between checks in MiB; must be < limit_mib (default 20% of it).', {
          minimum: 0,
        }),
        limit_percentage: int('Hard limit as a percentage of total memory.', { minimum: 0, maximum: 100 }),
        spike_limit_percentage: int('Expected spike as a percentage of total memory; must be < limit_percentage.', {
          minimum: 0,
          maximum: 100,
        }),
      }),
    ],
    { required: ['check_interval'], anyOf: [{ required: ['limit_mib'] }, { required: ['limit_percentage'] }] },
  );
  const debugExporter = component(
    object(
      'The debug exporter: writes telemetry to the console (replaces the logging exporter, removed in v0.111.0).',
      [
        fields('debug', 'Config', {
          verbosity: literals(
            'configtelemetry',
            ['basic', 'normal', 'detailed'],
            'How much to print (default basic); none is not supported.',
            { caseInsensitive: true },
          ),
          sampling_initial: int('Messages logged per second before sampling (default 2).'),
          sampling_thereafter: int('Then log every Nth message (default 1).'),
          use_internal_logger: bool("Print through the collector's own logger (default true)."),
          output_paths: strings('Files, stdout or stderr; only with use_internal_logger: false.'),
          sending_queue: sendingQueue,
        }),
      ],
    ),
  );
  // No null: endpoint has no default.
  const prometheusExporter = object(
    'The prometheus exporter (contrib): serves received metrics at http://<endpoint>/metrics for Prometheus to scrape.',
    [
      netAddr,
      httpServerFields,
      fields('prometheus', 'Config', {
        sending_queue: sendingQueue,
        namespace: str('Prefix for every exported metric name.'),
        const_labels: stringMap('Labels added to every exported metric.'),
        send_timestamps: bool('Expose the sample timestamps.'),
        metric_expiration: duration('Drop metrics not updated for this long (default 5m).'),
        resource_to_telemetry_conversion: object(
          'Copy every resource attribute onto every metric as labels (all or nothing; by default they go to target_info). Deprecated from 0.160.0 for resource_constant_labels, which v0.155.0 does not have (it refuses the key).',
          [
            fields('resourcetotelemetry', 'Settings', {
              enabled: bool('Turn the conversion on (default false).'),
              exclude_service_attributes: bool(
                'Leave out service.name and service.instance.id (already job and instance).',
              ),
            }),
          ],
        ),
        enable_open_metrics: bool('Expose the OpenMetrics format (needed for exemplars).'),
        without_scope_info: bool('Leave out the otel_scope_* labels.'),
        add_metric_suffixes: {
          type: 'boolean',
          description:
            'Deprecated: use translation_strategy. Add type and unit suffixes (default true); ignored when translation_strategy is set.',
          deprecationMessage:
            'add_metric_suffixes is deprecated: use translation_strategy (UnderscoreEscapingWithSuffixes or UnderscoreEscapingWithoutSuffixes).',
        },
        translation_strategy: literals(
          'prometheus',
          [
            'UnderscoreEscapingWithSuffixes',
            'UnderscoreEscapingWithoutSuffixes',
            'NoUTF8EscapingWithSuffixes',
            'NoTranslation',
          ],
          'How OTLP names become Prometheus metric and label names.',
        ),
      }),
    ],
    { required: ['endpoint'] },
  );

  // ---- service::telemetry
  const level = literals(
    'configtelemetry',
    ['none', 'basic', 'normal', 'detailed'],
    "Level of the collector's own metrics (default normal). Any level but none needs at least one reader; views need detailed.",
    { caseInsensitive: true },
  );
  const includeExclude = (description) =>
    object(description, [
      fields('otelconf', 'IncludeExclude', {
        included: strings('Names to include.'),
        excluded: strings('Names to exclude.'),
      }),
    ]);
  const prometheusPull = object(
    "Serve the collector's own metrics for Prometheus at http://host:port/metrics. Both host and port are needed.",
    [
      fields('otelconf', 'Prometheus', {
        host: str(
          'Host to listen on; the default reader uses localhost, so inside a pod use 0.0.0.0 for Prometheus to scrape it.',
        ),
        port: int('Port to listen on (8888 by convention).', { minimum: 0, maximum: 65535 }),
        with_resource_constant_labels: includeExclude('Resource attributes to add as labels.'),
        without_scope_info: bool('Leave out the otel_scope_* labels.'),
        without_type_suffix: bool('Leave out type suffixes such as _total.'),
        without_units: bool('Leave out unit suffixes.'),
      }),
    ],
    { required: ['host', 'port'] },
  );
  const otlpPush = object(
    "Push the collector's own metrics with OTLP.",
    [
      fields('otelconf', 'OTLPMetric', {
        protocol: literals('otelconfConst', ['grpc', 'http/protobuf'], 'OTLP transport.'),
        endpoint: str('Where to send, for example http://localhost:4318/v1/metrics.'),
        certificate: str('CA certificate file.'),
        client_certificate: str('Client certificate file.'),
        client_key: str('Client key file.'),
        compression: literals('otelconfConst', ['gzip', 'none'], 'Compression.'),
        default_histogram_aggregation: literals(
          'otelconf',
          ['explicit_bucket_histogram', 'base2_exponential_bucket_histogram'],
          'Default histogram aggregation.',
        ),
        headers: {
          type: 'array',
          description: 'Request headers.',
          items: object(
            'A header.',
            [
              fields('otelconf', 'NameStringValuePair', {
                name: str('Header name.'),
                value: { type: ['string', 'null'], description: 'Header value.' },
              }),
            ],
            { required: ['name'] },
          ),
        },
        headers_list: str('Request headers as name=value,name=value.'),
        insecure: bool('Use plain-text gRPC.'),
        temporality_preference: literals(
          'otelconfMetric',
          ['cumulative', 'delta', 'lowmemory'],
          'Aggregation temporality.',
        ),
        timeout: int('Export timeout in milliseconds.'),
      }),
    ],
    { required: ['protocol'] },
  );
  const reader = object(
    'One metric reader: pull (a Prometheus endpoint) or periodic (push).',
    [
      fields('otelconf', 'MetricReader', {
        pull: object(
          'Expose metrics for scraping.',
          [
            fields('otelconf', 'PullMetricReader', {
              exporter: object(
                'The pull exporter; prometheus is the one supported.',
                [fields('otelconf', 'PullMetricExporter', { prometheus: prometheusPull })],
                {
                  required: ['prometheus'],
                  $comment: `Fields of ${cite('otelconf', 'PullMetricExporter')}, whose ",remain" field swallows other keys; ${cite('otelconfMetric')} then fails with "no valid metric exporter", so they are rejected here.`,
                },
              ),
            }),
          ],
          { required: ['exporter'] },
        ),
        periodic: object(
          'Push metrics at an interval.',
          [
            fields('otelconf', 'PeriodicMetricReader', {
              exporter: object(
                'The push exporter: otlp or console.',
                [fields('otelconf', 'PushMetricExporter', { otlp: otlpPush, console: anyObject('Print to stdout.') })],
                { minProperties: 1, maxProperties: 1 },
              ),
              interval: int('Export interval in milliseconds.', { minimum: 0 }),
              timeout: int('Export timeout in milliseconds.', { minimum: 0 }),
            }),
          ],
          { required: ['exporter'] },
        ),
        producers: { type: 'array', description: 'Extra metric producers.', items: { type: 'object' } },
      }),
    ],
    { oneOf: [{ required: ['pull'] }, { required: ['periodic'] }] },
  );
  const metrics = object(
    "The collector's own metrics.",
    [
      fields('telemetryV030', 'MetricsConfigV030', { level }),
      fields('otelconf', 'MeterProvider', {
        readers: {
          type: 'array',
          description: "Where the collector's own metrics go. Replaces address (removed in v0.128.0).",
          items: reader,
        },
        views: {
          type: 'array',
          description: 'Metric views; only with level: detailed.',
          items: object('A view.', [
            fields('otelconf', 'View', {
              selector: object('Which instruments the view applies to.', [
                fields('otelconf', 'ViewSelector', {
                  instrument_name: str('Instrument name; may contain * and ?.'),
                  instrument_type: literals(
                    'otelconf',
                    [
                      'counter',
                      'histogram',
                      'observable_counter',
                      'observable_gauge',
                      'observable_up_down_counter',
                      'up_down_counter',
                    ],
                    'Instrument type.',
                  ),
                  meter_name: str('Meter name.'),
                  meter_schema_url: str('Meter schema URL.'),
                  meter_version: str('Meter version.'),
                  unit: str('Instrument unit.'),
                }),
              ]),
              stream: object('How the selected instruments are reported.', [
                fields('otelconf', 'ViewStream', {
                  aggregation: anyObject(
                    'Aggregation: default, drop, sum, last_value, explicit_bucket_histogram or base2_exponential_bucket_histogram.',
                  ),
                  attribute_keys: includeExclude('Attribute keys to keep.'),
                  description: str('New description.'),
                  name: str('New name.'),
                }),
              ]),
            }),
          ]),
        },
      }),
    ],
    {
      // otelconftelemetry Config.Validate: views only with level detailed.
      if: { required: ['views'] },
      then: { required: ['level'], properties: { level: anyCase(['detailed'], 'views need level: detailed.') } },
    },
  );
  // Not in any struct at the pinned version: kept so the editor can explain it instead of just rejecting it.
  metrics.properties.address = {
    type: 'string',
    description:
      'Deprecated in v0.111.0 in favour of readers, ignored from v0.123.0, rejected from v0.128.0 ("has invalid keys: address"): the collector refuses to start. Use readers: [{pull: {exporter: {prometheus: {host: 0.0.0.0, port: 8888}}}}].',
    deprecationMessage:
      'service.telemetry.metrics.address is deprecated (v0.111.0), ignored from v0.123.0 and rejected from v0.128.0: the collector will not start. Use readers with pull.exporter.prometheus host and port instead.',
    $comment: `Removed: ${COLLECTOR_MOD}/service@v0.110.0 telemetry/config.go has Address; @v0.128.0 made the disableAddressFieldForInternalTelemetry gate stable; @${COLLECTOR} has no address field.`,
  };
  const logs = object("The collector's own logs.", [
    fields('telemetryV030', 'LogsConfigV030', {
      level: anyCase(
        ['debug', 'info', 'warn', 'error', 'dpanic', 'panic', 'fatal'],
        'Minimum log level (default info); a zapcore.Level.',
      ),
      development: bool('Development mode: more stack traces.'),
      encoding: { type: 'string', enum: ['console', 'json'], description: 'Log encoding (default console).' },
      disable_caller: bool('Leave out the calling file and line.'),
      disable_stacktrace: bool('Never capture stack traces.'),
      sampling: {
        ...object('Log sampling (on by default).', [
          fields('telemetryV030', 'LogsSamplingConfig', {
            enabled: bool('Turn sampling on or off.'),
            tick: duration('Sampling interval.'),
            initial: int('Messages logged per tick before sampling.'),
            thereafter: int('Then log every Nth message.'),
          }),
        ]),
        type: ['object', 'null'],
      },
      output_paths: strings('Where logs go: stdout, stderr or file paths (default stderr).'),
      error_output_paths: strings("Where the logger's own errors go (default stderr)."),
      initial_fields: { type: 'object', description: 'Fields added to every log line.' },
      processors: {
        type: 'array',
        description: 'Log record processors (batch or simple) exporting the logs over OTLP.',
        items: { type: 'object' },
      },
      disable_zap_resource: bool('Leave resource attributes out of console logs.'),
    }),
  ]);
  const traces = object("The collector's own spans.", [
    fields('telemetryV030', 'TracesConfigV030', {
      level: literals(
        'configtelemetry',
        ['none', 'basic', 'normal', 'detailed'],
        'Whether the collector emits spans (none or basic).',
        { caseInsensitive: true },
      ),
      propagators: {
        type: 'array',
        items: { type: 'string', enum: ['tracecontext', 'b3'] },
        description: 'Context propagators.',
      },
    }),
    fields('otelconf', 'TracerProvider', {
      limits: { type: 'object', description: 'Span limits.' },
      processors: {
        type: 'array',
        description: 'Span processors (batch or simple) exporting the spans.',
        items: { type: 'object' },
      },
      sampler: { type: 'object', description: 'Sampler.' },
    }),
  ]);
  const resource = object(
    "Resource attributes of the collector's own telemetry. Either attributes, or name: value pairs directly here (null removes a default such as service.version).",
    [
      fields('otelconf', 'Resource', {
        attributes: {
          type: 'array',
          description: 'Resource attributes.',
          items: object(
            'An attribute.',
            [
              fields('otelconf', 'AttributeNameValue', {
                name: str('Attribute name.'),
                value: { description: 'Attribute value.' },
                type: str('Value type.'),
              }),
            ],
            { required: ['name', 'value'] },
          ),
        },
        attributes_list: { type: 'string', description: 'Rejected by the collector: use attributes.', not: {} },
        detectors: { type: 'object', description: 'Resource detectors.' },
        schema_url: str('Schema URL.'),
      }),
    ],
    {
      // ResourceConfigV030.LegacyAttributes (",remain"): any other key is an attribute, string or null.
      additionalProperties: { type: ['string', 'null'] },
    },
  );
  resource.$comment += `; other keys: ${cite('telemetryV030', 'ResourceConfigV030')} LegacyAttributes`;
  structChecks.push({ src: 'telemetryV030', struct: 'ResourceConfigV030', names: [], omit: [] });

  const telemetry = object("The collector's own telemetry: metrics (readers), logs, traces, resource.", [
    fields('telemetry', 'Config', { metrics, logs, traces, resource }),
  ]);
  const pipeline = object(
    'A pipeline: receivers → processors → exporters, by component id.',
    [
      fields('pipelines', 'PipelineConfig', {
        receivers: {
          type: 'array',
          items: componentRef('receiver or connector'),
          minItems: 1,
          description: 'At least one receiver (or connector).',
        },
        processors: {
          type: 'array',
          items: componentRef('processor'),
          uniqueItems: true,
          description: 'Processors in order; each at most once.',
        },
        exporters: {
          type: 'array',
          items: componentRef('exporter or connector'),
          minItems: 1,
          description: 'At least one exporter (or connector).',
        },
      }),
    ],
    { required: ['receivers', 'exporters'] },
  );
  const service = object(
    "What runs: extensions, pipelines and the collector's own telemetry.",
    [
      fields('service', 'Config', {
        telemetry,
        extensions: { type: 'array', items: componentRef('extension'), description: 'Extensions to start.' },
        pipelines: {
          type: 'object',
          description: 'Pipelines by id: traces, metrics, logs (profiles behind a feature gate), optionally /name.',
          propertyNames: { pattern: PIPELINE_ID },
          additionalProperties: pipeline,
          minProperties: 1,
        },
      }),
    ],
    { required: ['pipelines'] },
  );

  /** A map of component id → config; known types get their schema, others anything. */
  const components = (what, known) => ({
    type: ['object', 'null'],
    description: `${what} by id (type[/name]). Configuring one does not enable it: a pipeline must use it.`,
    propertyNames: { pattern: COMPONENT_ID },
    patternProperties: Object.fromEntries(Object.entries(known).map(([type, schema]) => [idOf(type), schema])),
  });
  const root = object(
    'OpenTelemetry Collector configuration.',
    [
      fields('otelcol', 'configSettings', {
        receivers: components('Receivers', { otlp: otlpReceiver }),
        processors: components('Processors', { batch: batchProcessor, memory_limiter: memoryLimiter }),
        exporters: components('Exporters', { debug: debugExporter, prometheus: prometheusExporter }),
        connectors: components('Connectors', {}),
        extensions: components('Extensions', {}),
        service,
      }),
    ],
    { required: ['service'] },
  );
  return {
    $schema: DRAFT_07,
    title: `OpenTelemetry Collector configuration (${COLLECTOR})`,
    ...root,
    definitions,
    $comment: `Written in ${GENERATOR} and checked there against the config structs of the collector ${COLLECTOR} (1.x modules ${COLLECTOR_STABLE}), contrib ${COLLECTOR} and otelconf ${OTELCONF}. ${root.$comment}. Do not edit the generated file.`,
  };
}

/** Fails when the hand-written collector schema and the pinned Go structs disagree, in either direction. */
function checkCollectorSources() {
  const serviceMod = readModuleFile(GO_SOURCES.service, 'go.mod');
  for (const [mod, version] of [
    ['go.opentelemetry.io/contrib/otelconf', OTELCONF],
    [`${COLLECTOR_MOD}/component`, COLLECTOR_STABLE],
  ]) {
    if (!new RegExp(`\\n\\s*${mod.replace(/[.]/g, '\\.')} ${version.replace(/[.]/g, '\\.')}\\b`).test(serviceMod)) {
      throw new Error(
        `${COLLECTOR_MOD}/service@${COLLECTOR} does not require ${mod} ${version}: update the pins at the top of ${GENERATOR}.`,
      );
    }
  }
  const problems = [];
  for (const { src, struct, names, omit } of structChecks) {
    const text = readModuleFile(GO_SOURCES[src], GO_SOURCES[src].file);
    const start = text.search(new RegExp(`\\ntype ${struct} struct \\{`));
    if (start < 0) {
      problems.push(`${cite(src)}: no struct ${struct}`);
      continue;
    }
    const body = text.slice(start, text.indexOf('\n}', start));
    const tags = [...body.matchAll(/mapstructure:"([^",]*)/g)].map((m) => m[1]).filter((t) => t && t !== '-');
    for (const n of names) if (!tags.includes(n)) problems.push(`${cite(src, struct)} has no field "${n}"`);
    for (const t of tags)
      if (!names.includes(t) && !omit.includes(t))
        problems.push(`${cite(src, struct)} has field "${t}" the schema lacks`);
  }
  for (const { src, values, caseInsensitive } of literalChecks) {
    const text = readModuleFile(GO_SOURCES[src], GO_SOURCES[src].file);
    const hay = caseInsensitive ? text.toLowerCase() : text;
    for (const v of values) {
      const needle = caseInsensitive ? v.toLowerCase() : v;
      if (!hay.includes(`"${needle}"`) && !hay.includes(`\`${needle}\``))
        problems.push(`${cite(src)} has no literal ${JSON.stringify(v)}`);
    }
  }
  if (problems.length) throw new Error(`The collector schema drifted from its Go sources:\n  ${problems.join('\n  ')}`);
}

// ---- main --------------------------------------------------------------------------------------

function parseArgs(argv) {
  const here = dirname(fileURLToPath(import.meta.url));
  let out = resolve(here, '..', 'schemas');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) out = resolve(argv[++i]);
    else if (argv[i].startsWith('--out=')) out = resolve(argv[i].slice('--out='.length));
    else throw new Error(`unknown argument ${argv[i]}; usage: node ${GENERATOR} [--out DIR]`);
  }
  return { out };
}

function main() {
  const { out } = parseArgs(process.argv.slice(2));
  const generated = [...K8S_KINDS.map(kubernetesKind), ...CRDS.map(customResource)];
  const otelcol = collectorSchema();
  checkCollectorSources();

  const files = new Map(generated.map((g) => [g.file, stableJson(g.schema)]));
  files.set(OTELCOL_FILE, stableJson(otelcol));
  const size = (file) => Buffer.byteLength(files.get(file));
  const index = {
    $comment: `Generated by ${GENERATOR}. Do not edit.`,
    generator: GENERATOR,
    pins: {
      kubernetes: KUBERNETES,
      prometheusOperator: PROMETHEUS_OPERATOR,
      collector: { core: COLLECTOR, stable: COLLECTOR_STABLE, contrib: COLLECTOR, otelconf: OTELCONF },
    },
    kinds: generated.map((g) => ({ ...g.entry, bytes: size(g.file) })),
    configs: [
      {
        name: 'otelcol',
        description: 'OpenTelemetry Collector configuration (the collector.yaml inside the lab ConfigMap).',
        file: OTELCOL_FILE,
        bytes: size(OTELCOL_FILE),
        collectorVersion: COLLECTOR,
        sources: unique(Object.values(GO_SOURCES).map((s) => `${s.module}@${s.version}/${s.file}`)),
      },
    ],
  };
  files.set('index.json', stableJson(index));

  mkdirSync(out, { recursive: true });
  // Remove files a previous run generated that this one no longer does.
  const previous = existsSync(join(out, 'index.json'))
    ? tryJson(readFileSync(join(out, 'index.json'), 'utf8'))
    : undefined;
  for (const old of [...(previous?.kinds ?? []), ...(previous?.configs ?? [])].map((e) => e.file)) {
    if (typeof old === 'string' && !files.has(old) && !old.includes('/')) rmSync(join(out, old), { force: true });
  }
  let total = 0;
  for (const [file, text] of files) {
    writeFileSync(join(out, file), text);
    total += Buffer.byteLength(text);
    console.log(`${file.padEnd(36)} ${(Buffer.byteLength(text) / 1024).toFixed(1).padStart(8)} KiB`);
  }
  console.log(`${`${files.size} files in ${out}`.padEnd(36)} ${(total / 1024).toFixed(1).padStart(8)} KiB`);
}

try {
  main();
} catch (e) {
  console.error(`gen-schemas: ${e.message}`);
  process.exit(1);
}
