// --wait-for-kubeconfig[=SECONDS], shared by the commands that reach a cluster (apply, cleanup, iam
// inspect and setup): the option for their tables, and its optional value, which node's parseArgs
// cannot give a boolean flag. Apart from kubeconfigWait.ts so that --help loads no Kubernetes client.
import * as l10n from '@vscode/l10n';
import { kubeconfigWaitMaxMs, waitForKubeconfigFlag } from '../core/kube/kubeconfigWait';
import { UsageError } from './io';

export const waitForKubeconfigOption = {
  type: 'boolean',
  get help() {
    return l10n.t('when KUBECONFIG names a file that does not exist yet, wait for it (up to 60 minutes, or =SECONDS)');
  },
} as const;

/** At most a day: a bound, not a daemon. */
const maxSeconds = 24 * 60 * 60;

/**
 * `--wait-for-kubeconfig=SECONDS` becomes the bare flag (so parseArgs reads it as the boolean it
 * is) and its bound in ms; the bare flag's bound is the default. Words after `--` are left alone.
 */
export function takeWaitForKubeconfig(argv: readonly string[]): { argv: string[]; waitMs?: number } {
  const out: string[] = [];
  let waitMs: number | undefined;
  let rest = false;
  for (const word of argv) {
    if (rest || !word.startsWith(`${waitForKubeconfigFlag}=`)) {
      rest ||= word === '--';
      out.push(word);
      continue;
    }
    const value = word.slice(waitForKubeconfigFlag.length + 1);
    const seconds = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!(seconds >= 1 && seconds <= maxSeconds))
      throw new UsageError(
        l10n.t(
          "{0}= takes a number of seconds from 1 to {1} (e.g. {2}), not '{3}'",
          waitForKubeconfigFlag,
          maxSeconds,
          `${waitForKubeconfigFlag}=600`,
          value,
        ),
      );
    waitMs = seconds * 1000;
    out.push(waitForKubeconfigFlag);
  }
  return { argv: out, ...(waitMs !== undefined ? { waitMs } : {}) };
}

/** The bound to wait for, or undefined when the flag was not given. */
export function kubeconfigWaitBound(flag: boolean | undefined, waitMs: number | undefined): number | undefined {
  return flag ? (waitMs ?? kubeconfigWaitMaxMs) : undefined;
}
