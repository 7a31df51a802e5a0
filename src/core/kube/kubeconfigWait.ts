// A kubeconfig that KUBECONFIG names but that is not there yet is often still being made
// (eksctl create cluster writes it at the end, aws eks update-kubeconfig, a local control plane
// starting): this decides when waiting for it is an honest offer, and says the words.
import { commandInText } from '../shellQuote';
import { updateKubeconfigFor } from './commands';

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
  return (
    `No kubeconfig found (looked for ${files.join(', ')}). Create one with ${commandInText(updateKubeconfigFor)}, ` +
    `or set KUBECONFIG.`
  );
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

/** The progress notification's title. */
export function waitingTitle(files: readonly string[]): string {
  const which = files.length === 1 ? `the kubeconfig ${files[0]}` : `a kubeconfig (${files.join(', ')})`;
  return `Waiting for ${which} (KUBECONFIG names it; something may still be creating the cluster)…`;
}

/** "waited 0:04", "waited 12:30", "waited 1:00:00": minutes and seconds, hours once there are any. */
export function waitedText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `waited ${h ? `${h}:${two(m)}` : String(m)}:${two(s)}`;
}

/** What the student is told when the wait ends without a kubeconfig; nothing else happens. */
export function waitEndedMessage(
  how: 'cancelled' | 'timed-out',
  files: readonly string[],
  maxMs = kubeconfigWaitMaxMs,
): string {
  const list = files.join(', ');
  if (how === 'cancelled')
    return `Stopped waiting for the kubeconfig (${list}); nothing was done. Run the command again once it exists.`;
  return (
    `The kubeconfig (${list}) did not appear within ${Math.round(maxMs / 60000)} minutes; nothing was done. ` +
    `Check whatever creates the cluster, or create the kubeconfig with ${commandInText(updateKubeconfigFor)}, then run the command again.`
  );
}
