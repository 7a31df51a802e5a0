// Why a sandbox program stopped or never answered, read from the end of its log: a port another
// program holds is named with the way out; anything else says whether it exited or went silent,
// with its last log line.
import { lastLogLine, portInUse } from './logs';
import { t } from '../text/l10n';

export interface SandboxProblem {
  reason: string;
  fix: string;
}

export interface DiagnoseInput {
  /** The end of the program's log. */
  logText: string;
  /** It exited (rather than running without answering). */
  exited: boolean;
  /** The address(es) it was waited for at, for "did not answer at …". */
  waitedFor: string;
  /** What to do when the log names no known cause. */
  fix: string;
  /** The ports we gave it, for programs whose bind error does not name the port. */
  ports?: readonly number[];
}

export function diagnose(input: DiagnoseInput): SandboxProblem {
  const ports = input.ports ?? [];
  const inUse = portInUse(input.logText);
  if (inUse) {
    const port = inUse.port ?? (ports.length === 1 ? ports[0] : undefined);
    return {
      reason:
        port !== undefined
          ? t`port ${`127.0.0.1:${port}`} is already in use by another program`
          : t`a port it needs is already in use by another program`,
      fix: t`start the sandbox again (Start Sandbox, or \`obslab sandbox up\`; it picks new free ports), or stop the \
program holding the port (\`ss -ltnp\` on Linux, \`lsof -iTCP -sTCP:LISTEN\` on macOS, \`netstat -ano\` on Windows shows it)`,
    };
  }
  return {
    reason: input.exited
      ? t`exited during start (last log line: ${lastLogLine(input.logText) ?? t`no output`})`
      : t`did not answer at ${input.waitedFor} in time`,
    fix: input.fix,
  };
}
