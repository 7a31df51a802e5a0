// obslab apply PATH... [--dry-run] [--yes] [--format json|text] [--kubeconfig FILE] [--context NAME]
//              [--wait-for-kubeconfig[=SECONDS]]
// Server-side apply (field manager obslab) of manifest files or folders, in dependency order,
// creating the namespaces they use. Without --yes it shows the server's dry-run first and asks
// (on a terminal) or stops (otherwise). JSON: [{kind, namespace, name, action}] with action
// created, configured or unchanged (namespace absent for cluster-scoped objects); errors on stderr.
// Exit 0: applied (or nothing to do, or declined); 1: a manifest or the server refused; 2: bad usage,
// or confirmation needed without a terminal.
import * as l10n from '@vscode/l10n';
import { formatProblem, formatRow, type ApplyRow } from '../core/kube/applyPlan';
import { where } from '../core/kube/manifests';
import { applyManifests, describeOutcome, type ApplyResult } from '../node/kube/apply';
import { KubeError } from '../node/kube/config';
import { loadManifests, UnreadableManifest } from '../node/kube/manifestFiles';
import { applySpec, applyUsage } from './applyUsage';
import { askOnTerminal, UsageError, type Io, parseCli, notJsonOrText } from './io';
import { loadKubeWaiting } from './kubeconfigWait';
import { kubeconfigWaitBound, takeWaitForKubeconfig } from './kubeconfigWaitOption';

export interface ApplyDeps {
  /** Whether a person can answer; default: stdin is a terminal. */
  interactive?: boolean;
  /** Asks the question and returns the answer; default: a readline prompt on stdin/stderr. */
  ask?: (question: string) => Promise<string>;
  env?: NodeJS.ProcessEnv;
}

export interface JsonApplyRow {
  kind: string;
  namespace?: string;
  name: string;
  action: ApplyRow['action'];
}

function toJson(rows: readonly ApplyRow[]): JsonApplyRow[] {
  return rows.map((r) => ({
    kind: r.kind,
    ...(r.namespace ? { namespace: r.namespace } : {}),
    name: r.name,
    action: r.action,
  }));
}

export async function runApply(argv: string[], io: Io, deps: ApplyDeps = {}): Promise<number> {
  const wait = takeWaitForKubeconfig(argv);
  const { values, positionals } = parseCli(wait.argv, applySpec);
  if (!positionals.length)
    throw new UsageError(`${l10n.t('name the manifest files or folders to apply')}\n${applyUsage}`);
  const format = values.format ?? 'text';
  if (format !== 'json' && format !== 'text') throw notJsonOrText(format);
  if (values['dry-run'] && values.yes)
    throw new UsageError(
      l10n.t('--dry-run and --yes contradict each other: --dry-run changes nothing, --yes applies without asking'),
    );

  let manifests;
  try {
    manifests = await loadManifests(positionals);
  } catch (e) {
    if (e instanceof UnreadableManifest) throw new UsageError(e.message);
    throw e;
  }
  if (manifests.errors.length) {
    for (const e of manifests.errors) io.err(`${where(e)}: ${e.message}`);
    io.err(l10n.t('obslab apply: nothing applied: fix the document(s) above first'));
    return 1;
  }
  if (!manifests.objects.length) {
    io.err(
      l10n.t(
        'obslab apply: no Kubernetes objects in {0}',
        manifests.files.length ? manifests.files.join(', ') : positionals.join(', '),
      ),
    );
    return 1;
  }

  const print = (r: ApplyResult): void => {
    if (format === 'json') io.out(JSON.stringify(toJson(r.rows), null, 2));
    else for (const row of r.rows) io.out(formatRow(row));
    for (const p of r.problems) io.err(formatProblem(p));
    for (const line of describeOutcome(r)) {
      if (format === 'json') io.err(line);
      else io.out(line);
    }
  };

  try {
    const loaded = await loadKubeWaiting(
      {
        ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
        ...(values.context ? { context: values.context } : {}),
      },
      {
        command: 'obslab apply',
        io,
        waitMs: kubeconfigWaitBound(values['wait-for-kubeconfig'], wait.waitMs),
        ...(deps.env ? { env: deps.env } : {}),
      },
    );
    if (!values.yes) {
      const plan = await applyManifests(loaded, manifests.objects, { dryRun: true });
      print(plan);
      if (plan.problems.length) return 1;
      if (values['dry-run']) return 0;
      if (plan.rows.every((r) => r.action === 'unchanged')) {
        io.err(l10n.t('obslab apply: everything is up to date; nothing to apply'));
        return 0;
      }
      const interactive = deps.interactive ?? process.stdin.isTTY === true;
      if (!interactive) {
        io.err(l10n.t('obslab apply: not applied: pass --yes to apply without asking (stdin is not a terminal)'));
        return 2;
      }
      const answer = await (deps.ask ?? askOnTerminal)(
        `${l10n.t("Apply to context '{0}' ({1})?", loaded.context, loaded.server)} [y/N] `,
      );
      if (!/^y(es)?$/i.test(answer.trim())) {
        io.err(l10n.t('obslab apply: nothing applied'));
        return 0;
      }
    }
    const result = await applyManifests(loaded, manifests.objects, {});
    print(result);
    return result.problems.length ? 1 : 0;
  } catch (e) {
    if (!(e instanceof KubeError)) throw e;
    io.err(`obslab apply: ${e.message}`);
    return 1;
  }
}

export const runApplyCommand = (argv: string[], io: Io): Promise<number> => runApply(argv, io);
