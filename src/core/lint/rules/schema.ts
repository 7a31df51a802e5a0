// k8s/schema: each Kubernetes document against the bundled schema of its kind (generated from
// the Kubernetes OpenAPI document and the ServiceMonitor CRD; see scripts/gen-schemas.mjs).
import type { Node, Pair } from 'yaml';
import { at as report, type Rule } from '../rule';
import { SchemaValidator } from '../schema';

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
      ctx.report(report(object.view, p.node as Node | Pair, 'k8s/schema', p.severity, `${object.kind} ${object.name || '(unnamed)'}: ${p.message}`));
    }
  }
};
