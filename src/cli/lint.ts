// obslab lint PATH... [--format json|text] [--release NAME] [--collector-version V]
// Exit 0: no error-severity finding; 1: at least one; 2: bad usage or unreadable input.
import type { Finding } from '../core/finding';
import { lint } from '../core/lint/engine';
import { collectLintInputs, UnreadableInput } from '../node/lintFiles';
import { findLabManifest } from '../node/labManifest';
import { loadCollectorSchema, loadKindSchemas } from '../node/schemas';
import { UsageError, type Io, parseCli } from './io';

export const lintUsage = 'usage: obslab lint PATH... [--format json|text] [--release NAME] [--collector-version VERSION]  (--release defaults to the lab\'s obslab-lab.json, else prometheus)';

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
  return { file: f.file ?? '', line: r.start.line + 1, column: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1, severity: f.severity, code: f.code, message: f.message };
}

export function runLint(argv: string[], io: Io): number {
  const parsed = parseCli(argv, { format: { type: 'string' }, release: { type: 'string' }, 'collector-version': { type: 'string' } }, lintUsage);
  const { values, positionals } = parsed;
  if (!positionals.length) throw new UsageError(`name at least one file or folder\n${lintUsage}`);
  const format = values.format ?? 'text';
  if (format !== 'json' && format !== 'text') throw new UsageError(`--format is json or text, not '${format}'`);
  let inputs;
  try {
    inputs = collectLintInputs(positionals);
  } catch (e) {
    if (e instanceof UnreadableInput) throw new UsageError(e.message);
    throw e;
  }
  // Without --release, a lab folder's own obslab-lab.json says which release it was made for.
  const release = values.release ?? positionals.map((p) => findLabManifest(p)?.params.helmRelease).find((r) => r !== undefined);
  const findings = lint(inputs, { schemas: () => loadKindSchemas(), collectorSchema: () => loadCollectorSchema(), ...(release ? { helmRelease: release } : {}), ...(values['collector-version'] ? { collectorVersion: values['collector-version'] } : {}) });
  if (format === 'json') {
    io.out(JSON.stringify(findings.map(toJson), null, 2));
  } else {
    for (const f of findings.map(toJson)) io.out(`${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${f.message}`);
    const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
    io.out(`${inputs.length} file(s) checked: ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} note(s).`);
  }
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}
