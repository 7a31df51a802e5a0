// obslab scaffold DIR [--release NAME] [--app-namespace NS] ... [--overwrite] [--format json|text]
import { compareWithExisting, planLabFiles } from '../core/scaffold/plan';
import { defaultParams, paramSpecs, validateParams, type LabParams } from '../core/scaffold/params';
import { unifiedDiff } from '../core/text/diff';
import { existingReader, templateReader, writeLabFolder, LabFolderError } from '../node/labFiles';
import { UsageError, type Io, parseCli } from './io';

export const scaffoldUsage = `usage: obslab scaffold DIR [${paramSpecs.map((s) => `${s.flag} VALUE`).join('] [')}] [--overwrite] [--format json|text]`;

export function scaffold(argv: string[], io: Io): number {
  const options: Record<string, { type: 'string' | 'boolean' }> = { overwrite: { type: 'boolean' }, format: { type: 'string' } };
  for (const spec of paramSpecs) options[spec.flag.slice(2)] = { type: 'string' };
  const parsed = parseCli(argv, options, scaffoldUsage);
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError(`scaffold takes one folder\n${scaffoldUsage}`);
  const dir = positionals[0];
  const format = values['format'] ?? 'text';
  if (format !== 'json' && format !== 'text') throw new UsageError(`--format is json or text, not '${String(format)}'`);

  const params: LabParams = { ...defaultParams };
  for (const spec of paramSpecs) {
    const v = values[spec.flag.slice(2)];
    if (typeof v === 'string') params[spec.key] = v;
  }
  const problems = validateParams(params);
  if (problems.length) throw new UsageError(problems.map((p) => `${p.flag}: ${p.message}`).join('\n'));

  try {
    const planned = compareWithExisting(planLabFiles(params, templateReader()), existingReader(dir));
    const changed = planned.filter((f) => f.status === 'changed');
    if (changed.length && !values['overwrite']) {
      if (format === 'json') io.out(JSON.stringify({ dir, written: [], unchanged: [], conflicts: changed.map((f) => f.path) }, null, 2));
      else for (const f of changed) io.out(unifiedDiff(f.existing ?? '', f.content, `${dir}/${f.path} (yours)`, `${dir}/${f.path} (lab)`));
      io.err(`obslab scaffold: ${changed.length} file(s) in ${dir} differ from the lab's (${changed.map((f) => f.path).join(', ')}); nothing was written. Keep yours, or rerun with --overwrite`);
      return 1;
    }
    const result = writeLabFolder(dir, planned);
    if (format === 'json') {
      io.out(JSON.stringify({ dir, written: result.written, unchanged: result.unchanged, conflicts: [] }, null, 2));
    } else {
      io.out(`Wrote ${result.written.length} lab file(s) to ${dir}${result.unchanged.length ? ` (${result.unchanged.length} already up to date)` : ''}:`);
      for (const f of planned) io.out(`  ${f.status === 'same' ? '=' : f.status === 'new' ? '+' : '~'} ${f.path}  ${f.purpose}`);
      io.out(`Next: open ${dir}/COMMANDS.md for the lab's commands with your names filled in.`);
    }
    return 0;
  } catch (e) {
    if (e instanceof LabFolderError) {
      io.err(`obslab scaffold: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
