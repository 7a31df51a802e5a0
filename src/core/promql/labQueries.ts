// The lab's queries (templates/lab/queries/lab-queries.promql) as named expressions: one source
// for the query panel and for the load test's server-side figures.
import type { LabQuery } from '../protocol/query';
import type { LabParams } from '../scaffold/params';
import { templateVars } from '../scaffold/plan';
import { renderTemplate } from '../scaffold/render';

/** The comment line right above each expression in lab-queries.promql names it. */
export function parseLabQueries(text: string): LabQuery[] {
  const queries: LabQuery[] = [];
  let title = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      title = line.replace(/^#+\s*/, '');
      continue;
    }
    queries.push({ title: title || line, expr: line });
    title = '';
  }
  return queries;
}

/** The template filled with a lab's names (its manifest's params, or the defaults). */
export function renderLabQueries(template: string, params: LabParams): LabQuery[] {
  return parseLabQueries(renderTemplate(template, templateVars(params), 'lab-queries.promql'));
}
