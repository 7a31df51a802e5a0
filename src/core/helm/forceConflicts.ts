// The Helm step run again with Helm 4's --force-conflicts, after helm 4 stopped on a server-side
// apply conflict (describeHelmFailure's 'apply-conflict'): only the upgrade --install gets the flag,
// and only Helm 4 has it (helm.sh/helm/v4 4.3.1 pkg/cmd/upgrade.go: "if set server-side apply will
// force changes against conflicts", handed to the install of a new release too; Helm 3.22.0 has no
// such flag and skips a CRD that exists instead of applying it).
import type { HelmStep, HelmVersion } from './helm';
import { t } from '../text/l10n';

export const forceConflictsFlag = '--force-conflicts';

/** Whether this helm knows --force-conflicts (Helm 4); an unknown version is not assumed to. */
export function canForceConflicts(v: HelmVersion | undefined): boolean {
  return (v?.major ?? 0) >= 4;
}

/** The same steps, the upgrade --install taking the conflicting fields over from their other managers. */
export function withForceConflicts(steps: readonly HelmStep[]): HelmStep[] {
  return steps.map((s) =>
    s.args[0] === 'upgrade' && !s.args.includes(forceConflictsFlag)
      ? {
          title: t`${s.title}, taking over fields other tools set (${forceConflictsFlag})`,
          args: [...s.args, forceConflictsFlag],
        }
      : s,
  );
}
