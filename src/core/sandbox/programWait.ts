// A program a setting (or $OBSLAB_COLLECTOR / $OBSLAB_PROMETHEUS) names for the sandbox but that is
// not on disk yet is often still being installed or built: this decides which given programs are
// worth waiting for, when one that appeared is ready to run, and says the words.
import { waitedText } from '../kube/kubeconfigWait';
import { t } from '../text/l10n';

export type SandboxProgramPart = 'collector' | 'prometheus';

/** A program path the student gave, and where: "obslab.sandbox.collectorPath" or "$OBSLAB_COLLECTOR". */
export interface GivenSandboxProgram {
  part: SandboxProgramPart;
  path: string;
  from: string;
}

/** What one look at a path found (the adapter stats it; executable is always true where there is no x bit). */
export interface ProgramLook {
  exists: boolean;
  isFile: boolean;
  executable: boolean;
  size: number;
  mtimeMs: number;
}

/** missing: nothing there; not-executable: a file without the x bit yet; growing: changed since the last look; ready: run it. */
export type ProgramState = 'missing' | 'not-a-file' | 'not-executable' | 'growing' | 'ready';

/** How often the programs are looked for, and for how long at most (a cold build of both takes minutes, not hours). */
export const programPollMs = 2000;
export const programWaitMaxMs = 60 * 60 * 1000;

/** The settings that name the sandbox's programs, and the variables that do when the settings are empty. */
export const programSettings: Record<SandboxProgramPart, string> = {
  collector: 'obslab.sandbox.collectorPath',
  prometheus: 'obslab.sandbox.prometheusPath',
};
export const programEnv: Record<SandboxProgramPart, string> = {
  collector: 'OBSLAB_COLLECTOR',
  prometheus: 'OBSLAB_PROMETHEUS',
};

const partWords = (part: SandboxProgramPart): string => (part === 'collector' ? t`collector` : 'Prometheus');
const programNames: Record<SandboxProgramPart, string> = { collector: 'otelcol-contrib', prometheus: 'prometheus' };

/**
 * The programs the sandbox will be handed, in the order it looks: a setting wins, else the
 * variable, as the sandbox itself decides (src/node/sandbox/sandboxParts.ts).
 */
export function givenSandboxPrograms(
  settings: Partial<Record<SandboxProgramPart, string>>,
  env: Readonly<Record<string, string | undefined>>,
): GivenSandboxProgram[] {
  const given: GivenSandboxProgram[] = [];
  for (const part of ['collector', 'prometheus'] as const) {
    const set = settings[part]?.trim();
    const fromEnv = env[programEnv[part]];
    if (set) given.push({ part, path: set, from: programSettings[part] });
    else if (fromEnv) given.push({ part, path: fromEnv, from: `$${programEnv[part]}` });
  }
  return given;
}

/**
 * A look compared with the one before: a program is ready once it is an executable file whose size
 * and modification time have not changed since the previous look (a copy or a link step may still
 * be writing it). The first look at a file that is there is ready at once: it was not being watched
 * appear, so nothing says it is still being written.
 */
export function programState(now: ProgramLook, before?: ProgramLook): ProgramState {
  if (!now.exists) return 'missing';
  if (!now.isFile) return 'not-a-file';
  if (!now.executable) return 'not-executable';
  if (before && (!before.exists || before.size !== now.size || before.mtimeMs !== now.mtimeMs)) return 'growing';
  return 'ready';
}

/** Worth waiting for: a given path with nothing there yet. A directory or a file that is there is the old error's business. */
export function programsToWaitFor(
  given: readonly (GivenSandboxProgram & { look: ProgramLook })[],
): GivenSandboxProgram[] {
  return given.filter((g) => !g.look.exists).map(({ part, path, from }) => ({ part, path, from }));
}

function named(p: GivenSandboxProgram): string {
  return p.part === 'collector'
    ? t`the collector at ${p.path} (${p.from} names it)`
    : t`Prometheus at ${p.path} (${p.from} names it)`;
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : t`${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

// The offer's buttons, named in its sentence too: made when asked, in the language of the moment.
export const waitForProgramLabel = (): string => t`Wait for It`;
export const openSettingsLabel = (): string => t`Open Settings`;
export const findOrDownloadLabel = (): string => t`Find or Download Instead`;

/** The offer, when Start Sandbox meets given programs that are not there yet. */
export function missingProgramsMessage(missing: readonly GivenSandboxProgram[]): string {
  const bySetting = missing.filter((m) => !m.from.startsWith('$'));
  const names = list(missing.map((m) => programNames[m.part]));
  const one = missing.length === 1;
  const [wait, open, find] = [waitForProgramLabel(), openSettingsLabel(), findOrDownloadLabel()];
  return [
    t`The sandbox cannot start yet: there is nothing at ${list(missing.map((m) => `${m.path} (${m.from})`))}.`,
    one ? t`It may still be being installed or built.` : t`They may still be being installed or built.`,
    bySetting.length
      ? one
        ? t`${wait} starts the sandbox once it is there; ${open} names another program; ${find} clears the setting \
so Observability Lab finds ${names} on PATH or downloads it.`
        : t`${wait} starts the sandbox once they are there; ${open} names another program; ${find} clears the setting \
so Observability Lab finds ${names} on PATH or downloads it.`
      : one
        ? t`${wait} starts the sandbox once it is there; ${open} names another program.`
        : t`${wait} starts the sandbox once they are there; ${open} names another program.`,
  ].join(' ');
}

/** The progress notification's title (VS Code adds ": waited …" after it). */
export function programsWaitingTitle(missing: readonly GivenSandboxProgram[]): string {
  return missing.length === 1
    ? t`Waiting for ${list(missing.map(named))}; it may still be being installed or built`
    : t`Waiting for ${list(missing.map(named))}; they may still be being installed or built`;
}

function stateWords(state: ProgramState, part: string): string {
  switch (state) {
    case 'missing':
      return t`${part}: not there yet`;
    case 'not-a-file':
      return t`${part}: not a file`;
    case 'not-executable':
      return t`${part}: there, not executable yet`;
    case 'growing':
      return t`${part}: there, still being written`;
    case 'ready':
      return t`${part}: ready`;
  }
}

/** "waited 0:12; collector: there, still being written; Prometheus: not there yet" */
export function programsWaitProgress(
  ms: number,
  states: readonly { part: SandboxProgramPart; state: ProgramState }[],
): string {
  return [waitedText(ms), ...states.map((s) => stateWords(s.state, partWords(s.part)))].join('; ');
}

/** What the student is told when the wait ends without the programs; the sandbox was not started. */
export function programWaitEndedMessage(
  how: 'cancelled' | 'timed-out',
  missing: readonly GivenSandboxProgram[],
  maxMs = programWaitMaxMs,
): string {
  const paths = missing.map((m) => m.path).join(', ');
  if (how === 'cancelled')
    return t`Stopped waiting for ${paths}; the sandbox was not started. Run Start Sandbox again once it is there.`;
  return t`${paths} did not become a program that can run within ${Math.round(maxMs / 60000)} minutes; the sandbox was not \
started. Check whatever installs or builds it, or correct ${list([...new Set(missing.map((m) => m.from))])}, then run Start Sandbox again.`;
}
