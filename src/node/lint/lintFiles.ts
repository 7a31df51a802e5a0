// Lints a set of files the one way both faces do it (the lint server for the editor, `obslab lint`
// on the command line): read them safely, hand the texts to the core engine with the bundled
// schemas, add the notes for files not checked. Also what the CLI's PATH arguments name.
import { lstat, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Finding } from '../../core/finding';
import { lint, sortFindings } from '../../core/lint/engine';
import { t } from '../../core/text/l10n';
import { loadCollectorSchema, loadKindSchemas } from '../files/schemas';
import { readLintInputs, type ReadInputs } from './readInputs';
import { ignoredByName, lintableFilesBelow } from './scope';

export class UnreadableInput extends Error {}

export interface LintRun {
  /** kube-prometheus-stack's release; the engine's default when undefined. */
  helmRelease?: string | undefined;
  /** The release was told (an option, a setting, the lab's obslab-lab.json), not assumed. */
  helmReleaseGiven?: boolean;
  /** The lab's own rules (its release label, its ServiceAccount names): on for lab folders. */
  labRules: boolean;
  /** False when another YAML server validates with our schemas (Red Hat's): no second report. */
  withKindSchemas: boolean;
  collectorVersion?: string | undefined;
  /** How a file is named in the findings (the CLI: relative to the working folder). */
  name?: (file: string) => string;
}

export interface LintResult {
  findings: Finding[];
  /** Files linted or noted as skipped, by the name the findings use. */
  checked: string[];
  /** Files the system would not let us read (`path: reason`). */
  unreadable: string[];
}

/** The engine over texts already read (synchronous: the lint server checks for a newer request first). */
export function lintRead(read: ReadInputs, o: LintRun): LintResult {
  const name = o.name ?? ((f: string) => f);
  const inputs = read.inputs.map((i) => ({ file: name(i.file), text: i.text }));
  const skipped = read.skipped.map((f) => (f.file === undefined ? f : { ...f, file: name(f.file) }));
  const findings = lint(inputs, {
    ...(o.helmRelease ? { helmRelease: o.helmRelease } : {}),
    helmReleaseGiven: o.helmReleaseGiven === true,
    labRules: o.labRules,
    schemas: o.withKindSchemas ? () => loadKindSchemas() : [],
    collectorSchema: () => loadCollectorSchema(),
    ...(o.collectorVersion ? { collectorVersion: o.collectorVersion } : {}),
  });
  return {
    findings: sortFindings([...skipped, ...findings]),
    checked: [...inputs.map((i) => i.file), ...skipped.flatMap((f) => (f.file === undefined ? [] : [f.file]))],
    unreadable: read.unreadable,
  };
}

/** Reads and lints `files` together; open documents' texts win over disk. */
export async function lintFiles(
  files: readonly string[],
  o: LintRun,
  documents?: ReadonlyMap<string, string>,
): Promise<LintResult> {
  return lintRead(await readLintInputs(files, documents), o);
}

/** How many folders deep a folder named on the command line is read (several labs may sit below it). */
const namedFolderDepth = 12;

/** The files PATH arguments name: a file as it is, a folder as its lintable files below it. */
export async function collectLintFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const path = resolve(p);
    let folder: boolean;
    try {
      const st = await lstat(path);
      folder =
        st.isDirectory() ||
        (st.isSymbolicLink() &&
          (await stat(path).then(
            (s) => s.isDirectory(),
            () => false,
          )));
    } catch {
      throw new UnreadableInput(t`${p}: no such file or folder`);
    }
    if (folder) files.push(...(await lintableFilesBelow(path, { maxDepth: namedFolderDepth })));
    else if (!ignoredByName(path)) files.push(path);
  }
  return [...new Set(files)];
}
