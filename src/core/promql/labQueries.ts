// The lab's queries (templates/lab/queries/lab-queries.promql) as named expressions: one source
// for the query panel, the load test's server-side figures and the `.promql` editor's Run lenses.
// A .promql file holds queries separated by blank lines or `#` comment lines: a query is a run of
// consecutive lines that are neither (so one query may span lines), and the comment line right
// above it names it.
import type { LabQuery } from '../protocol/query';
import type { LabParams } from '../scaffold/params';
import { templateVars } from '../scaffold/plan';
import { renderTemplate } from '../scaffold/render';

/** One query of a .promql file and where it is: 0-based lines and offsets, `to` exclusive. */
export interface QueryBlock {
  /** The comment line right above it, without `#`; empty when there is none. */
  title: string;
  /** Its lines joined with '\n', each trimmed at the end. */
  expr: string;
  startLine: number;
  endLine: number;
  from: number;
  to: number;
}

/** The queries of a .promql file, by the rule above. */
export function splitQueries(text: string): QueryBlock[] {
  const blocks: QueryBlock[] = [];
  let title = '';
  let current: QueryBlock | undefined;
  let offset = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    const lineStart = offset;
    offset += raw.length + 1;
    if (!trimmed || trimmed.startsWith('#')) {
      if (current) blocks.push(current);
      current = undefined;
      title = trimmed.startsWith('#') ? trimmed.replace(/^#+\s*/, '') : '';
      return;
    }
    const end = lineStart + line.trimEnd().length;
    if (current) {
      current.expr += `\n${line.trimEnd()}`;
      current.endLine = i;
      current.to = end;
    } else {
      const lead = line.length - line.trimStart().length;
      current = { title, expr: line.trim(), startLine: i, endLine: i, from: lineStart + lead, to: end };
    }
  });
  if (current) blocks.push(current);
  return blocks;
}

/**
 * The query with each template placeholder (`{{durationBase}}`) as a name of the same length, so the
 * lab's template parses as the file it renders to and every offset stays where it was.
 */
export function placeholdersAsNames(expr: string): string {
  return expr.replace(/\{\{\s*\w+\s*\}\}/g, (m) => '_'.repeat(m.length));
}

/** The queries of lab-queries.promql, each named by the comment line right above it (else by itself). */
export function parseLabQueries(text: string): LabQuery[] {
  return splitQueries(text).map((b) => ({ title: b.title || b.expr, expr: b.expr }));
}

/** The template filled with a lab's names (its manifest's params, or the defaults). */
export function renderLabQueries(template: string, params: LabParams): LabQuery[] {
  return parseLabQueries(renderTemplate(template, templateVars(params), 'lab-queries.promql'));
}
