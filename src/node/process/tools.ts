// Asks installed programs for their versions, with argument arrays and a timeout.
import { execFile } from 'node:child_process';
import type { ProbeResult, ToolSpec } from '../../core/prerequisites';
import { t } from '../../core/text/l10n';

export function probeTool(spec: ToolSpec, timeoutMs = 10_000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    execFile(spec.name, spec.args, { timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve({ found: true, output: `${stdout}${stderr}` });
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return resolve({ found: false, reason: 'missing', detail: t`not on PATH` });
      const detail = (stderr || error.message).trim().split('\n')[0] ?? error.message;
      resolve({ found: false, reason: 'failed', detail });
    });
  });
}
