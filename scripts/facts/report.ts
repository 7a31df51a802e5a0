// The text `npm run facts` prints: what has moved (pinned → newest) first, for whoever refreshes the
// pins, then what stays behind on purpose, what is current, what could not be asked and why. Pure:
// the registries' answers are handed in.
import type { Pin, Registry, Unasked } from './pins';
import { compareVersions, listsVersion, newestFor } from './versions';

/**
 * What one registry said about one pin: its versions (with Go's `@latest`, and whether the pinned
 * version is served though the list lacks it), or why it could not say.
 */
export type Answer = { versions: string[]; latest?: string; pinnedServed?: boolean } | { error: string };

export type Verdict = 'moved' | 'held back' | 'current' | 'ahead' | 'unanswered';

export interface PinResult {
  pin: Pin;
  verdict: Verdict;
  newest?: string;
  /** The registry's list lacks the pinned version: served anyway (`served`), or not known to be. */
  unlisted?: 'served' | 'not served';
  error?: string;
}

/** Decides one pin: the newest it would move to (its track, pre-releases only for a pre-release pin). */
export function judge(pin: Pin, answer: Answer): PinResult {
  if ('error' in answer) return { pin, verdict: 'unanswered', error: answer.error };
  // A Go proxy's list can be incomplete; its @latest is added so a missing entry does not hide a release.
  const listed = answer.latest ? [...answer.versions, answer.latest] : answer.versions;
  const unlisted = listsVersion(pin.pinned, listed) ? undefined : answer.pinnedServed ? 'served' : 'not served';
  const available = unlisted === 'served' ? [...listed, pin.pinned] : listed;
  const newest = newestFor(pin.pinned, available, pin.track);
  if (!newest) return { pin, verdict: 'unanswered', error: 'the registry lists no version this pin could move to' };
  const c = compareVersions(newest, pin.pinned);
  const verdict: Verdict = c > 0 ? (pin.heldBack ? 'held back' : 'moved') : c === 0 ? 'current' : 'ahead';
  return { pin, verdict, newest, ...(unlisted ? { unlisted } : {}) };
}

export const registryNames: Record<Registry, string> = {
  go: 'Go module proxy',
  pypi: 'PyPI',
  maven: 'Maven',
  npm: 'npm',
};

/** Rows of cells, the columns padded to line up (the last cell is not padded). */
function table(rows: string[][]): string[] {
  const widths = rows.reduce<number[]>((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** Each pin on two lines: what and the versions, then where it lives and what it is in the registry. */
function entries(results: PinResult[], versions: (r: PinResult) => string, extra?: (r: PinResult) => string): string[] {
  const heads = table(results.map((r) => [`  ${r.pin.part}`, versions(r)]));
  return results.flatMap((r, i) => {
    const more = [r.pin.where, `${registryNames[r.pin.registry]} ${r.pin.name}`, extra?.(r) ?? r.pin.note];
    return [heads[i] ?? '', `      ${more.filter(Boolean).join('; ')}`];
  });
}

export interface ReportInput {
  date: string;
  /** Each registry and where it was asked (URLs already redacted). */
  registries: Partial<Record<Registry, string>>;
  results: PinResult[];
  unasked: Unasked[];
}

export function reportText(input: ReportInput): string {
  const out: string[] = [`Pinned parts against the registries this machine reaches, ${input.date}`, '', 'Asked:'];
  for (const [r, where] of Object.entries(input.registries) as [Registry, string][])
    out.push(`  ${registryNames[r]}: ${where}`);
  const by = (v: Verdict): PinResult[] => input.results.filter((r) => r.verdict === v);
  const move = (r: PinResult): string =>
    `${r.pin.pinned} → ${r.newest ?? '?'}${r.pin.track === 'major' ? ' (newest of its major)' : ''}`;

  const moved = by('moved');
  out.push('');
  if (moved.length) out.push(`Moved (${moved.length}): pinned → newest`, ...entries(moved, move));
  else out.push('Moved: nothing; every pin that was asked is the newest (or held back on purpose).');

  const held = by('held back');
  if (held.length)
    out.push('', `Held back on purpose (${held.length}):`, ...entries(held, move, (r) => r.pin.heldBack ?? ''));

  const current = by('current');
  if (current.length) out.push('', `Current (${current.length}):`, ...entries(current, (r) => r.pin.pinned));

  const ahead = by('ahead');
  if (ahead.length)
    out.push(
      '',
      `Newer than anything the registry lists (${ahead.length}): a wrong pin, or a registry that is behind:`,
      ...entries(ahead, (r) => `${r.pin.pinned} > ${r.newest ?? '?'}`),
    );

  const unlisted = input.results.filter((r) => r.unlisted);
  if (unlisted.length) {
    out.push('', "Pinned versions missing from the registry's list:");
    for (const r of unlisted)
      out.push(
        `  ${r.pin.part} ${r.pin.pinned}: ` +
          (r.unlisted === 'served'
            ? 'served all the same, so the list is incomplete and may lack newer releases too'
            : 'not listed (yanked or withdrawn?)'),
      );
  }

  const unanswered = by('unanswered');
  if (unanswered.length) {
    out.push('', `Could not ask (${unanswered.length}):`);
    for (const r of unanswered) out.push(`  ${r.pin.part}, pinned ${r.pin.pinned}: ${r.error ?? 'no answer'}`);
  }

  if (input.unasked.length) {
    out.push('', 'Not asked:');
    for (const u of input.unasked) out.push(`  ${u.part} ${u.pinned} (${u.where}): ${u.why}`);
  }
  return `${out.join('\n')}\n`;
}
