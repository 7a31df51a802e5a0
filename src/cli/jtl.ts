// obslab jtl FILE [--format json|text] [--goal GOAL]... [--junit FILE]
// Summarizes a CSV .jtl from JMeter or the built-in engine (with or without its header line), and
// judges it against goals as `obslab loadtest` judges its own run: a JMeter run in CI gets the
// same verdict and JUnit report.
// Exit 0: summarized (every goal met); 1: no sample, every sample failed, or a goal missed;
// 2: bad usage or not a readable CSV .jtl.
import * as l10n from '@vscode/l10n';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { JtlFileError, summarizeJtlFile as summarizeFile } from '../node/loadtest/jtlFile';
import { formatSummary, type Summary } from '../core/loadtest/summary';
import { defineCommand, usageLine } from './commandSpec';
import { UsageError, type Io, parseCli, notJsonOrText } from './io';
import { formatOption } from './commonOptions';
import { goalJson, goalLines, goalsMissed, judgeGoals, junitOption, readGoalFlags, writeJunit } from './loadtestGoals';

export const jtlSpec = defineCommand({
  command: 'jtl',
  args: 'FILE',
  get summary() {
    return l10n.t('Summarizes a JMeter results file (CSV .jtl): samples, errors, throughput and latency percentiles.');
  },
  options: {
    format: formatOption,
    goal: {
      type: 'string',
      multiple: true,
      value: 'GOAL',
      get help() {
        return l10n.t("a goal the results must meet, e.g. 'p95<200ms', 'errors<1%', 'POST /hash: p99<1s'; repeatable");
      },
    },
    junit: junitOption,
  },
  get notes() {
    return [l10n.t('Goals are written as for obslab loadtest --goal. Exit 1 when a goal is missed.')];
  },
});

export const jtlUsage = usageLine(jtlSpec);

export function readFormat(value: string | undefined): 'json' | 'text' {
  const format = value ?? 'text';
  if (format !== 'json' && format !== 'text') throw notJsonOrText(format);
  return format;
}

/** Reads and summarizes a .jtl file; a missing file or a non-CSV file is a usage error. */
/** The file's summary; a file that cannot be read is bad input (exit 2), as for every command. */
export function summarizeJtlFile(file: string): Summary {
  try {
    return summarizeFile(file);
  } catch (e) {
    if (e instanceof JtlFileError) throw new UsageError(e.message);
    throw e;
  }
}

export function printSummary(summary: Summary, format: 'json' | 'text', io: Io): void {
  if (format === 'json') io.out(JSON.stringify(summary, null, 2));
  else for (const line of formatSummary(summary)) io.out(line);
}

export function runJtl(argv: string[], io: Io): number {
  const parsed = parseCli(argv, jtlSpec);
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`${l10n.t('name one .jtl file')}\n${jtlUsage}`);
  const format = readFormat(values.format);
  const goals = readGoalFlags(values);
  const file = positionals[0] ?? '';
  const summary = summarizeJtlFile(file);
  const results = judgeGoals(goals, summary);
  if (format === 'json' && results.length)
    io.out(JSON.stringify({ ...summary, goals: results.map(goalJson) }, null, 2));
  else printSummary(summary, format, io);
  if (format === 'text') for (const l of goalLines(results)) io.out(l);
  let failed: string | undefined;
  if (!summary.samples) {
    failed = l10n.t(
      "{0}: no samples (JMeter writes only the header when its plan sent nothing: check it with 'obslab lint')",
      file,
    );
  } else if (summary.errors === summary.samples) failed = l10n.t('{0}: every sample failed', file);
  // The run is over: its report is dated by the file's last write, less the run's length.
  const endMs = statSync(file).mtimeMs;
  const written = writeJunit(
    goals,
    results,
    {
      command: 'obslab jtl',
      suite: basename(file),
      startMs: endMs - summary.durationSec * 1000,
      durationSec: summary.durationSec,
      runError: failed,
      properties: { jtl: file },
    },
    io,
  );
  failed ??= goalsMissed(results);
  if (failed) {
    io.err(failed);
    return 1;
  }
  return written ? 0 : 1;
}
