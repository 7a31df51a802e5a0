// k8s/schema: each Kubernetes document against the bundled schema of its kind (generated from
// the Kubernetes OpenAPI document and the ServiceMonitor CRD; see scripts/gen-schemas.mjs).
import type { Node, Pair } from 'yaml';
import { reportingDefaults } from '../chartValues';
import { at as report, type Rule } from '../rule';
import { SchemaValidator, type JsonSchema } from '../schema';

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
          `${object.kind} ${object.name || '(unnamed)'}: ${p.message}`,
        ),
      );
    }
  }
};

/**
 * The collector schema describes v0.155.0; its telemetry part changed from release to release,
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
  const validator = new SchemaValidator(forSchemaRule(schema), 'The collector refuses to start with it.');
  for (const cfg of ctx.ws.collectors) {
    if (!cfg.root) continue;
    const sink = reportingDefaults(ctx, cfg);
    for (const p of validator.validate(cfg.root).slice(0, maxPerDocument)) {
      sink.report(report(cfg.view, p.node as Node | Pair, 'collector/schema', p.severity, p.message));
    }
  }
};
