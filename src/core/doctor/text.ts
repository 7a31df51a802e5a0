// The report for a terminal: one line per link, the findings of broken links with their
// evidence and fixes, and the cause last so it is what the eye lands on. Commands are shown
// quoted for the reader's shell, so copying one runs exactly the words the doctor meant.
import { commandLine, type ShellKind } from '../shellQuote';
import { t } from '../text/l10n';
import type { CommandFix, DoctorFix, DoctorReport, LinkStatus } from './report';

// The marks stay as they are in every language: fixed width, and a script may look for FAIL.
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
      return t`fix: ${f.title}: ${commandText(f, shell)}`;
    case 'edit':
      return t`fix: ${f.title} (edit ${`${f.file}${f.edits[0] ? `:${f.edits[0].range.start.line + 1}` : ''}`})`;
    case 'open':
      return t`see: ${f.title}: ${f.target}`;
  }
}

export function formatReport(r: DoctorReport, shell: ShellKind = 'posix'): string[] {
  const out: string[] = [t`obslab doctor (${r.mode}), ${new Date(r.takenAt).toISOString()}`];
  for (const l of r.links) {
    out.push(`${mark[l.status]} ${l.title}: ${l.detail}${l.causedBy ? ` ${t`(a consequence of ${l.causedBy})`}` : ''}`);
    if (l.status !== 'failed') continue;
    for (const f of l.findings) {
      out.push(`       ${f.code}: ${f.message}`);
      for (const e of f.evidence) out.push(`         ${t`${e.object}: seen ${e.seen}; expected ${e.expected}`}`);
      for (const fix of f.remedies) out.push(`         ${fixLine(fix, shell)}`);
    }
  }
  out.push(
    r.healthy
      ? t`healthy: every link that could be checked passed`
      : r.causes.length
        ? r.cause
          ? t`broken: ${r.causes.map((c) => `${c.code} (${c.link})`).join(', ')}; start with ${r.cause.code}`
          : t`broken: ${r.causes.map((c) => `${c.code} (${c.link})`).join(', ')}`
        : t`nothing checked: every link was skipped, for the reasons above`,
  );
  return out;
}
