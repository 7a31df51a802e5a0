// k8s/schema: each Kubernetes document against the bundled schema of its kind (generated from
// the Kubernetes OpenAPI document and the ServiceMonitor CRD; see scripts/gen-schemas.mjs), and
// collector/schema: each collector config against the collector schema as its version has it.
import type { Node, Pair } from 'yaml';
import { reportingDefaults } from '../chartValues';
import { at as report, type Rule } from '../rule';
import { SchemaValidator, type JsonSchema } from '../schema';
import { t } from '../../text/l10n';
import { collectorVersionOf, describeVersion } from './collector';
import { checkKeysRefusedTogether, collectorSchemaAt } from './collectorKeys';

/** Enough to fix a document; a wholly wrong one would otherwise bury the editor. */
const maxPerDocument = 25;

export const schemaRules: Rule = (ctx) => {
  if (!ctx.ws.objects.length || !ctx.options.schemas) return;
  const schemas = typeof ctx.options.schemas === 'function' ? ctx.options.schemas() : ctx.options.schemas;
  if (!schemas.length) return;
  const validators = new Map<string, SchemaValidator>();
  for (const object of ctx.ws.objects) {
    const entry = schemas.find((s) => s.apiVersion === object.apiVersion && s.kind === object.kind);
    if (!entry) continue;
    const key = `${entry.apiVersion}/${entry.kind}`;
    let validator = validators.get(key);
    if (!validator) {
      validator = new SchemaValidator(entry.schema);
      validators.set(key, validator);
    }
    const problems = validator.validate(object.root).slice(0, maxPerDocument);
    for (const p of problems) {
      ctx.report(
        report(
          object.view,
          p.node as Node | Pair,
          'k8s/schema',
          p.severity,
          object.name ? t`${object.kind} ${object.name}: ${p.message}` : t`${object.kind} (unnamed): ${p.message}`,
        ),
      );
    }
  }
};

/**
 * The collector schema describes v0.155.0; the keys that changed around it are judged at the
 * version the files run (collectorKeys.ts). Its telemetry part changed from release to release,
 * so telemetry is left to the version-aware collector rules and checked here as anything. Whether
 * there is a service, pipelines, and receivers and exporters in each is collector/pipeline-incomplete's
 * to say (once, with the collector's own words), so those requirements are dropped here.
 */
function forSchemaRule(schema: JsonSchema): JsonSchema {
  const service = schema.properties?.['service'];
  if (!service?.properties) return schema;
  const pipelines = service.properties['pipelines'];
  const pipeline = typeof pipelines?.additionalProperties === 'object' ? pipelines.additionalProperties : undefined;
  const lenient = (p: JsonSchema | undefined): JsonSchema | undefined => (p ? { ...p, minItems: 0 } : undefined);
  const pipelineSchema: JsonSchema | undefined = pipeline?.properties
    ? {
        ...pipeline,
        required: [],
        properties: {
          ...pipeline.properties,
          ...(pipeline.properties['receivers'] ? { receivers: lenient(pipeline.properties['receivers']) ?? {} } : {}),
          ...(pipeline.properties['exporters'] ? { exporters: lenient(pipeline.properties['exporters']) ?? {} } : {}),
        },
      }
    : pipeline;
  const pipelinesSchema: JsonSchema | undefined =
    pipelines && pipelineSchema ? { ...pipelines, additionalProperties: pipelineSchema } : pipelines;
  return {
    ...schema,
    required: [],
    properties: {
      ...schema.properties,
      service: {
        ...service,
        required: [],
        properties: {
          ...service.properties,
          telemetry: {},
          ...(pipelinesSchema ? { pipelines: pipelinesSchema } : {}),
        },
      },
    },
  };
}

export const collectorSchemaRules: Rule = (ctx) => {
  if (!ctx.ws.collectors.length || !ctx.options.collectorSchema) return;
  const schema =
    typeof ctx.options.collectorSchema === 'function' ? ctx.options.collectorSchema() : ctx.options.collectorSchema;
  if (!schema) return;
  const lenient = forSchemaRule(schema);
  // One validator per collector the files run (the messages name it).
  const validators = new Map<string, SchemaValidator>();
  for (const cfg of ctx.ws.collectors) {
    if (!cfg.root) continue;
    const version = collectorVersionOf(ctx, cfg);
    const who = describeVersion(version);
    let validator = validators.get(who);
    if (!validator) {
      validator = new SchemaValidator(
        collectorSchemaAt(lenient, version.version, who),
        t`The collector refuses to start with it.`,
      );
      validators.set(who, validator);
    }
    const sink = reportingDefaults(ctx, cfg);
    for (const p of validator.validate(cfg.root).slice(0, maxPerDocument)) {
      sink.report(report(cfg.view, p.node as Node | Pair, 'collector/schema', p.severity, p.message));
    }
    checkKeysRefusedTogether(sink, cfg, version.version, who);
  }
};
