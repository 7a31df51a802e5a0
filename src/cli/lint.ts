// obslab lint PATH... [--format json|text] [--release NAME] [--collector-version V] [--lab-rules]
// The files named are grouped by their lint scope (src/node/lint/scope.ts, as the editor groups
// them) and each scope is linted on its own, the lab's own rules on in lab folders.
// Exit 0: no error-severity finding; 1: at least one; 2: bad usage or unreadable input.
import * as l10n from '@vscode/l10n';
import { isAbsolute, relative } from 'node:path';
import type { Finding } from '../core/finding';
import { sortFindings } from '../core/lint/engine';
import { collectLintFiles, lintFiles, UnreadableInput } from '../node/lint/lintFiles';
import { groupByScope, labReleaseOf, maxScopeFiles } from '../node/lint/scope';
import { defineCommand, usageLine } from './commandSpec';
import { UsageError, type Io, parseCli, notJsonOrText } from './io';
import { formatOption } from './commonOptions';

export const lintSpec = defineCommand({
  command: 'lint',
  args: 'PATH...',
  get summary() {
    return l10n.t(
      "Lints the lab's collector configs, manifests, PromQL rules and .jmx plans in PATH (files or folders), as the editor does.",
    );
  },
  options: {
    format: formatOption,
    release: {
      type: 'string',
      value: 'NAME',
      get help() {
        return l10n.t(
          "the kube-prometheus-stack release ServiceMonitors must name (default the lab's obslab-lab.json, else prometheus)",
        );
      },
    },
    'collector-version': {
      type: 'string',
      value: 'VERSION',
      get help() {
        return l10n.t('the OpenTelemetry Collector version to check components against');
      },
    },
    'lab-rules': {
      type: 'boolean',
      get help() {
        return l10n.t("apply the lab's own rules everywhere, not only in lab folders");
      },
    },
  },
});

export const lintUsage = usageLine(lintSpec);

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Finding['severity'];
  code: string;
  message: string;
}

export function toJson(f: Finding): JsonFinding {
  const r = f.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return {
    file: f.file ?? '',
    line: r.start.line + 1,
    column: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
    severity: f.severity,
    code: f.code,
    message: f.message,
  };
}

export async function runLint(argv: string[], io: Io): Promise<number> {
  const parsed = parseCli(argv, lintSpec);
  const { values, positionals } = parsed;
  if (!positionals.length) throw new UsageError(`${l10n.t('name at least one file or folder')}\n${lintUsage}`);
  const format = values.format ?? 'text';
  if (format !== 'json' && format !== 'text') throw notJsonOrText(format);
  let files;
  try {
    files = await collectLintFiles(positionals);
  } catch (e) {
    if (e instanceof UnreadableInput) throw new UsageError(e.message);
    throw e;
  }
  const cwd = process.cwd();
  const name = (file: string): string => {
    const rel = relative(cwd, file);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
  };
  const findings: Finding[] = [];
  let checked = 0;
  for (const { scope, files: group } of await groupByScope(files)) {
    // Without --release, a lab folder's own obslab-lab.json says which release it was made for.
    const release = values.release ?? (await labReleaseOf(scope));
    const run = {
      helmRelease: release,
      helmReleaseGiven: release !== undefined,
      labRules: scope.lab || values['lab-rules'] === true,
      withKindSchemas: true,
      collectorVersion: values['collector-version'],
      name,
    };
    // As in the editor: a scope with too many files is not linted as a whole, each file on its own.
    for (const batch of group.length > maxScopeFiles ? group.map((f) => [f]) : [group]) {
      const result = await lintFiles(batch, run);
      if (result.unreadable.length) throw new UsageError(result.unreadable[0] ?? l10n.t('a file could not be read'));
      findings.push(...result.findings);
      checked += result.checked.length;
    }
  }
  const sorted = sortFindings(findings);
  if (format === 'json') {
    io.out(JSON.stringify(sorted.map(toJson), null, 2));
  } else {
    for (const f of sorted.map(toJson))
      io.out(`${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${f.message}`);
    const count = (s: Finding['severity']) => sorted.filter((f) => f.severity === s).length;
    io.out(
      l10n.t(
        '{0} file(s) checked: {1} error(s), {2} warning(s), {3} note(s).',
        checked,
        count('error'),
        count('warning'),
        count('info'),
      ),
    );
  }
  return sorted.some((f) => f.severity === 'error') ? 1 : 0;
}
