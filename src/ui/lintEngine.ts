// The lint engine's bundle (dist/lint.js): the engine, its rules, the yaml parser and the bundled
// schemas. Required on the first document to lint, so activation does not parse it.
import type { Finding } from '../core/finding';
import { lint } from '../core/lint/engine';
import type { LintInput } from '../core/lint/model';
import { loadCollectorSchema, loadKindSchemas } from '../node/schemas';

export interface LintFilesOptions {
  helmRelease: string;
  /** False when another YAML server validates with our schemas (Red Hat's): no second report. */
  withKindSchemas: boolean;
}

export function lintFiles(inputs: LintInput[], o: LintFilesOptions): Finding[] {
  return lint(inputs, { helmRelease: o.helmRelease, schemas: o.withKindSchemas ? () => loadKindSchemas() : [], collectorSchema: () => loadCollectorSchema() });
}
