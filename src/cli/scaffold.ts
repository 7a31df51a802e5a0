// obslab scaffold DIR [--release NAME] [--app-namespace NS] ... [--overwrite] [--format json|text]
import { compareWithExisting, planLabFiles } from '../core/scaffold/plan';
import {
  defaultParams,
  exampleAppImage,
  paramSpecs,
  paramWarnings,
  validateParams,
  type LabParams,
} from '../core/scaffold/params';
import { unifiedDiff } from '../core/text/diff';
import { existingReader, templateReader, writeLabFolder, LabFolderError } from '../node/files/labFiles';
import { defineCommand, usageLine, type OptionSpec } from './commandSpec';
import { UsageError, type Io, parseCli, notJsonOrText } from './io';

// One option per lab parameter, from the same list the editor's Create Lab Files asks through.
const paramOptions: Record<string, OptionSpec> = Object.fromEntries(
  paramSpecs.map((s) => [
    s.flag.slice(2),
    {
      type: 'string',
      value: 'VALUE',
      help: `${s.prompt} (default ${s.key === 'appImage' ? `${exampleAppImage('REGION')}, REGION from --region` : defaultParams[s.key]})`,
    },
  ]),
);

export const scaffoldSpec = defineCommand({
  command: 'scaffold',
  args: 'DIR',
  summary:
    "Writes the lab's files (manifests, collector config, rules, load-test plan, COMMANDS.md) into DIR, with your names filled in.",
  options: {
    ...paramOptions,
    overwrite: {
      type: 'boolean',
      help: "replace files that differ from the lab's (without it, their differences are shown and nothing is written)",
    },
    format: { type: 'string', value: 'json|text', help: 'output format (default text)' },
  } as Record<string, OptionSpec>,
});

export const scaffoldUsage = usageLine(scaffoldSpec);

export function scaffold(argv: string[], io: Io): number {
  const parsed = parseCli(argv, scaffoldSpec);
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError(`scaffold takes one folder\n${scaffoldUsage}`);
  const dir = positionals[0];
  const format = values['format'] ?? 'text';
  if (format !== 'json' && format !== 'text') throw notJsonOrText(format);

  const params: LabParams = { ...defaultParams };
  for (const spec of paramSpecs) {
    const v = values[spec.flag.slice(2)];
    if (typeof v === 'string') params[spec.key] = v;
  }
  // Without --image, the example image is in the region the lab runs in.
  if (typeof values['image'] !== 'string') params.appImage = exampleAppImage(params.awsRegion);
  const problems = validateParams(params);
  if (problems.length) throw new UsageError(problems.map((p) => `${p.flag}: ${p.message}`).join('\n'));
  // Valid but would not work on EKS: said on stderr, and the files are written all the same.
  const warnings = paramWarnings(params).map((w) => `${w.flag}: ${w.message}`);

  try {
    const planned = compareWithExisting(planLabFiles(params, templateReader()), existingReader(dir));
    const changed = planned.filter((f) => f.status === 'changed');
    if (changed.length && !values['overwrite']) {
      if (format === 'json')
        io.out(JSON.stringify({ dir, written: [], unchanged: [], conflicts: changed.map((f) => f.path) }, null, 2));
      else
        for (const f of changed)
          io.out(unifiedDiff(f.existing ?? '', f.content, `${dir}/${f.path} (yours)`, `${dir}/${f.path} (lab)`));
      io.err(
        `obslab scaffold: ${changed.length} file(s) in ${dir} differ from the lab's (${changed.map((f) => f.path).join(', ')}); ` +
          `nothing was written. Keep yours, or rerun with --overwrite`,
      );
      return 1;
    }
    const result = writeLabFolder(dir, planned);
    for (const w of warnings) io.err(`obslab scaffold: warning: ${w}`);
    if (format === 'json') {
      io.out(
        JSON.stringify({ dir, written: result.written, unchanged: result.unchanged, conflicts: [], warnings }, null, 2),
      );
    } else {
      io.out(
        `Wrote ${result.written.length} lab file(s) to ${dir}${result.unchanged.length ? ` (${result.unchanged.length} already up to date)` : ''}:`,
      );
      for (const f of planned)
        io.out(`  ${f.status === 'same' ? '=' : f.status === 'new' ? '+' : '~'} ${f.path}  ${f.purpose}`);
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
