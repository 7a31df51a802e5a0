// obslab scaffold DIR [--release NAME] [--app-namespace NS] ... [--overwrite] [--format json|text]
import * as l10n from '@vscode/l10n';
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
import { formatOption } from './commonOptions';

// One option per lab parameter, from the same list the editor's Create Lab Files asks through.
const paramOptions: Record<string, OptionSpec> = Object.fromEntries(
  paramSpecs.map((s) => [
    s.flag.slice(2),
    {
      type: 'string',
      value: 'VALUE',
      get help() {
        const dflt =
          s.key === 'appImage' ? l10n.t('{0}, REGION from --region', exampleAppImage('REGION')) : defaultParams[s.key];
        return l10n.t('{0} (default {1})', s.prompt, dflt);
      },
    },
  ]),
);

export const scaffoldSpec = defineCommand({
  command: 'scaffold',
  args: 'DIR',
  get summary() {
    return l10n.t(
      "Writes the lab's files (manifests, collector config, rules, load-test plan, COMMANDS.md) into DIR, with your names filled in.",
    );
  },
  options: {
    ...paramOptions,
    overwrite: {
      type: 'boolean',
      get help() {
        return l10n.t(
          "replace files that differ from the lab's (without it, their differences are shown and nothing is written)",
        );
      },
    },
    format: formatOption,
  } as Record<string, OptionSpec>,
});

export const scaffoldUsage = usageLine(scaffoldSpec);

export function scaffold(argv: string[], io: Io): number {
  const parsed = parseCli(argv, scaffoldSpec);
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || !positionals[0])
    throw new UsageError(`${l10n.t('scaffold takes one folder')}\n${scaffoldUsage}`);
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
          io.out(
            unifiedDiff(
              f.existing ?? '',
              f.content,
              l10n.t('{0} (yours)', `${dir}/${f.path}`),
              l10n.t('{0} (lab)', `${dir}/${f.path}`),
            ),
          );
      io.err(
        l10n.t(
          "obslab scaffold: {0} file(s) in {1} differ from the lab's ({2}); nothing was written. Keep yours, or rerun with --overwrite",
          changed.length,
          dir,
          changed.map((f) => f.path).join(', '),
        ),
      );
      return 1;
    }
    const result = writeLabFolder(dir, planned);
    for (const w of warnings) io.err(l10n.t('obslab scaffold: warning: {0}', w));
    if (format === 'json') {
      io.out(
        JSON.stringify({ dir, written: result.written, unchanged: result.unchanged, conflicts: [], warnings }, null, 2),
      );
    } else {
      io.out(
        result.unchanged.length
          ? l10n.t(
              'Wrote {0} lab file(s) to {1} ({2} already up to date):',
              result.written.length,
              dir,
              result.unchanged.length,
            )
          : l10n.t('Wrote {0} lab file(s) to {1}:', result.written.length, dir),
      );
      for (const f of planned)
        io.out(`  ${f.status === 'same' ? '=' : f.status === 'new' ? '+' : '~'} ${f.path}  ${f.purpose}`);
      io.out(l10n.t("Next: open {0} for the lab's commands with your names filled in.", `${dir}/COMMANDS.md`));
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
