// obslab jtl FILE [--format json|text]
// Summarizes a CSV .jtl from JMeter or the built-in engine (with or without its header line).
// Exit 0: summarized; 1: no sample, or every sample failed; 2: bad usage or not a readable CSV .jtl.
import * as l10n from '@vscode/l10n';
import { JtlFileError, summarizeJtlFile as summarizeFile } from '../node/loadtest/jtlFile';
import { formatSummary, type Summary } from '../core/loadtest/summary';
import { defineCommand, usageLine } from './commandSpec';
import { UsageError, type Io, parseCli, notJsonOrText } from './io';
import { formatOption } from './commonOptions';

export const jtlSpec = defineCommand({
  command: 'jtl',
  args: 'FILE',
  get summary() {
    return l10n.t('Summarizes a JMeter results file (CSV .jtl): samples, errors, throughput and latency percentiles.');
  },
  options: {
    format: formatOption,
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
  const file = positionals[0] ?? '';
  const summary = summarizeJtlFile(file);
  printSummary(summary, format, io);
  if (!summary.samples) {
    io.err(
      l10n.t(
        "{0}: no samples (JMeter writes only the header when its plan sent nothing: check it with 'obslab lint')",
        file,
      ),
    );
    return 1;
  }
  return summary.errors === summary.samples ? 1 : 0;
}
