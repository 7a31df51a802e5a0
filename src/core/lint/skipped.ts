// The one shape of "this file was not checked", whoever decides it: the file reader (too large by
// its size on disk, not a regular file, nested too deep) or the workspace model (binary, not UTF-8).
import type { Finding } from '../finding';
import { t } from '../text/l10n';

/** Larger files are skipped with a note, so a stray dump never freezes the editor. */
export const maxLintBytes = 2_000_000;

export function fileSkipped(file: string, reason: string): Finding {
  return {
    code: 'lint/file-skipped',
    severity: 'info',
    message: t`Not checked: ${reason}.`,
    file,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  };
}

export function tooLargeReason(size: number): string {
  return t`it is ${(size / 1e6).toFixed(1)} MB, over the ${maxLintBytes / 1e6} MB the linter reads`;
}
