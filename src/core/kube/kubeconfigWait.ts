// A kubeconfig that KUBECONFIG names but that is not there yet is often still being made
// (eksctl create cluster writes it at the end, aws eks update-kubeconfig, a local control plane
// starting): this decides when waiting for it is an honest offer, and says the words.
import { commandInText } from '../shellQuote';
import { updateKubeconfigFor } from './commands';
import { t } from '../text/l10n';

/** No kubeconfig file exists; `fromEnv` when KUBECONFIG (not the default ~/.kube/config) named them. */
export interface KubeconfigMissing {
  kind: 'kubeconfig-missing';
  files: string[];
  fromEnv: boolean;
}

/** A kubeconfig exists but does not parse (it may be half written). */
export interface KubeconfigUnreadable {
  kind: 'kubeconfig-unreadable';
  files: string[];
}

export type KubeconfigFailure = KubeconfigMissing | KubeconfigUnreadable;

/** How often the files are looked for, and for how long at most. */
export const kubeconfigPollMs = 2000;
export const kubeconfigWaitMaxMs = 60 * 60 * 1000;

export const waitForItLabel = 'Wait for It';

export function missingKubeconfigMessage(files: readonly string[]): string {
  return t`No kubeconfig found (looked for ${files.join(', ')}). Create one with ${commandInText(updateKubeconfigFor)}, \
or set KUBECONFIG.`;
}

/**
 * The files worth waiting for: only when KUBECONFIG names them, since then something (a tool, a
 * script) meant them to exist. An absent ~/.kube/config is simply absent: no offer.
 */
export function kubeconfigToWaitFor(failure: unknown): string[] | undefined {
  if (typeof failure !== 'object' || failure === null) return undefined;
  const f = failure as Partial<KubeconfigMissing>;
  if (f.kind !== 'kubeconfig-missing' || !f.fromEnv || !Array.isArray(f.files) || !f.files.length) return undefined;
  return [...f.files];
}

/** Whether a failure met while waiting means "not written yet, keep waiting". */
export function stillBeingWritten(failure: unknown): boolean {
  if (typeof failure !== 'object' || failure === null) return false;
  const kind = (failure as { kind?: unknown }).kind;
  return kind === 'kubeconfig-missing' || kind === 'kubeconfig-unreadable';
}

/** "60 minutes", "90 seconds": a bound as the student gave it. */
export function durationText(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds >= 60 && seconds % 60 === 0) return seconds === 60 ? t`1 minute` : t`${seconds / 60} minutes`;
  return seconds === 1 ? t`1 second` : t`${seconds} seconds`;
}

/** The progress notification's title; the CLI's line says how long it will wait at most. */
export function waitingTitle(files: readonly string[], upToMs?: number): string {
  const which = files.length === 1 ? t`the kubeconfig ${files[0]}` : t`a kubeconfig (${files.join(', ')})`;
  return upToMs === undefined
    ? t`Waiting for ${which} (KUBECONFIG names it; something may still be creating the cluster)…`
    : t`Waiting up to ${durationText(upToMs)} for ${which} (KUBECONFIG names it; something may still be creating the cluster)…`;
}

/** The command-line flag that waits; `=SECONDS` bounds the wait (default kubeconfigWaitMaxMs). */
export const waitForKubeconfigFlag = '--wait-for-kubeconfig';

/** The missing-kubeconfig message of a command run without the flag: the same, plus how to wait. */
export function withWaitFlagHint(message: string): string {
  return `${message} ${t`If something is still creating it, run the command again with ${waitForKubeconfigFlag} to wait for it.`}`;
}

/** The command line's second line: the kubeconfig is there, and the command goes on. */
export function kubeconfigAppearedText(files: readonly string[], waitedMs: number): string {
  return t`The kubeconfig is there (${files.join(', ')}; ${waitedText(waitedMs)}); going on.`;
}

/** "waited 0:04", "waited 12:30", "waited 1:00:00": minutes and seconds, hours once there are any. */
export function waitedText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  const clock = `${h ? `${h}:${two(m)}` : String(m)}:${two(s)}`;
  return t`waited ${clock}`;
}

/** What the student is told when the wait ends without a kubeconfig; nothing else happens. */
export function waitEndedMessage(
  how: 'cancelled' | 'timed-out',
  files: readonly string[],
  maxMs = kubeconfigWaitMaxMs,
): string {
  const list = files.join(', ');
  if (how === 'cancelled')
    return t`Stopped waiting for the kubeconfig (${list}); nothing was done. Run the command again once it exists.`;
  return t`The kubeconfig (${list}) did not appear within ${durationText(maxMs)}; nothing was done. \
Check whatever creates the cluster, or create the kubeconfig with ${commandInText(updateKubeconfigFor)}, \
then run the command again.`;
}
