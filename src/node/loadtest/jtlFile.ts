// Reading a .jtl from disk and summarizing it, for the CLI and the editor alike.
import { readFileSync } from 'node:fs';
import { summarizeJtl, type Summary } from '../../core/loadtest/summary';
import { t } from '../../core/text/l10n';

/** A .jtl that cannot be read or summarized; the message names the file and the cause. */
export class JtlFileError extends Error {}

export function summarizeJtlFile(file: string): Summary {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = e && typeof e === 'object' && 'code' in e ? String(e.code) : '';
    throw new JtlFileError(
      code === 'ENOENT'
        ? t`${file}: no such file`
        : t`${file}: cannot read it (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  try {
    return summarizeJtl(text);
  } catch (e) {
    throw new JtlFileError(t`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
