// The report for a terminal: one line per link, the findings of broken links with their
// evidence and fixes, and the cause last so it is what the eye lands on.
import type { DoctorFix, DoctorReport, LinkStatus } from './report';

const mark: Record<LinkStatus, string> = { passed: 'ok  ', failed: 'FAIL', consequence: 'then', skipped: 'skip' };

function fixLine(f: DoctorFix): string {
  switch (f.kind) {
    case 'command':
      return `fix: ${f.title}: ${f.command}`;
    case 'edit':
      return `fix: ${f.title} (edit ${f.file}${f.edits[0] ? `:${f.edits[0].range.start.line + 1}` : ''})`;
    case 'open':
      return `see: ${f.title}: ${f.target}`;
  }
}

export function formatReport(r: DoctorReport): string[] {
  const out: string[] = [`obslab doctor (${r.mode}), ${new Date(r.takenAt).toISOString()}`];
  for (const l of r.links) {
    out.push(`${mark[l.status]} ${l.title}: ${l.detail}${l.causedBy ? ` (a consequence of ${l.causedBy})` : ''}`);
    if (l.status !== 'failed') continue;
    for (const f of l.findings) {
      out.push(`       ${f.code}: ${f.message}`);
      for (const e of f.evidence) out.push(`         ${e.object}: seen ${e.seen}; expected ${e.expected}`);
      for (const fix of f.remedies) out.push(`         ${fixLine(fix)}`);
    }
  }
  out.push(r.healthy ? 'healthy: every link that could be checked passed' : `broken: ${r.causes.map((c) => `${c.code} (${c.link})`).join(', ')}${r.cause ? `; start with ${r.cause.code}` : ''}`);
  return out;
}
