// The report for a terminal: one line per link, the findings of broken links with their
// evidence and fixes, and the cause last so it is what the eye lands on. Commands are shown
// quoted for the reader's shell, so copying one runs exactly the words the doctor meant.
import { commandLine, type ShellKind } from '../shellQuote';
import type { CommandFix, DoctorFix, DoctorReport, LinkStatus } from './report';

const mark: Record<LinkStatus, string> = { passed: 'ok  ', failed: 'FAIL', consequence: 'then', skipped: 'skip' };

/** A command fix as one line to paste into `shell`: its steps chained so each runs only after the last succeeded. */
export function commandText(fix: CommandFix, shell: ShellKind = 'posix'): string {
  const steps = fix.steps.map((s) => commandLine(s, shell));
  if (shell === 'powershell') {
    // `&&` needs PowerShell 7; `if ($?)` works in Windows PowerShell 5.1 too.
    const chained = steps.reduceRight((rest, step) => (rest ? `${step}; if ($?) { ${rest} }` : step), '');
    if (!fix.alongside) return chained;
    return `$alongside = Start-Job { ${commandLine(fix.alongside, shell)} }; Start-Sleep 2; ${chained}; Stop-Job $alongside`;
  }
  const chained = steps.join(' && ');
  if (!fix.alongside) return chained;
  return `${commandLine(fix.alongside, shell)} & sleep 2 && ${chained}; kill $!`;
}

function fixLine(f: DoctorFix, shell: ShellKind): string {
  switch (f.kind) {
    case 'command':
      return `fix: ${f.title}: ${commandText(f, shell)}`;
    case 'edit':
      return `fix: ${f.title} (edit ${f.file}${f.edits[0] ? `:${f.edits[0].range.start.line + 1}` : ''})`;
    case 'open':
      return `see: ${f.title}: ${f.target}`;
  }
}

export function formatReport(r: DoctorReport, shell: ShellKind = 'posix'): string[] {
  const out: string[] = [`obslab doctor (${r.mode}), ${new Date(r.takenAt).toISOString()}`];
  for (const l of r.links) {
    out.push(`${mark[l.status]} ${l.title}: ${l.detail}${l.causedBy ? ` (a consequence of ${l.causedBy})` : ''}`);
    if (l.status !== 'failed') continue;
    for (const f of l.findings) {
      out.push(`       ${f.code}: ${f.message}`);
      for (const e of f.evidence) out.push(`         ${e.object}: seen ${e.seen}; expected ${e.expected}`);
      for (const fix of f.remedies) out.push(`         ${fixLine(fix, shell)}`);
    }
  }
  out.push(
    r.healthy
      ? 'healthy: every link that could be checked passed'
      : r.causes.length
        ? `broken: ${r.causes.map((c) => `${c.code} (${c.link})`).join(', ')}${r.cause ? `; start with ${r.cause.code}` : ''}`
        : 'nothing checked: every link was skipped, for the reasons above',
  );
  return out;
}
