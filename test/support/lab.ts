// Renders the lab from the repository's templates, as the CLI and the editor do.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { planLabFiles, type LabFile } from '../../src/core/scaffold/plan';
import { defaultParams, type LabParams } from '../../src/core/scaffold/params';

export const templatesRoot = join(__dirname, '..', '..', 'templates');

export function readTemplate(template: string): string {
  return readFileSync(join(templatesRoot, template), 'utf8');
}

export function renderLab(params: Partial<LabParams> = {}): Map<string, LabFile> {
  return new Map(planLabFiles({ ...defaultParams, ...params }, readTemplate).map((f) => [f.path, f]));
}

export type Doc = Record<string, unknown>;

/** Every YAML document of a lab file, as plain objects; fails the test on a YAML error. */
export function docs(files: Map<string, LabFile>, path: string): Doc[] {
  const file = files.get(path);
  if (!file) throw new Error(`no lab file ${path}`);
  return parseAllDocuments(file.content).map((d) => {
    if (d.errors.length) throw new Error(`${path}: ${d.errors[0]?.message}`);
    return d.toJS() as Doc;
  });
}

/** Reads a dotted path such as 'spec.template.metadata.labels' from a parsed document. */
export function at(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
