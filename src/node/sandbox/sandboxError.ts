// What went wrong in the sandbox, in the part it went wrong in, and what to do; the end of the
// part's log rides along when there is one.
import type { SandboxPartName } from '../../core/sandbox/parts';
import { tail } from '../process/processes';
import { t } from '../../core/text/l10n';

export class SandboxError extends Error {
  constructor(
    readonly part: SandboxPartName | 'collector' | 'lab' | 'sandbox',
    readonly reason: string,
    readonly fix: string,
    readonly log?: string,
  ) {
    super(`${part}: ${reason}; ${fix}${log ? `\n${t`--- last lines of ${log} ---`}\n${tail(log, 15)}` : ''}`);
    this.name = 'SandboxError';
  }
}

/** The student cancelled a download: nothing was installed, nothing started; not a failure to report as one. */
export class SandboxCancelled extends SandboxError {}
