// Observability Lab: Apply Manifests. The explorer's selection, else the active editor's text (as
// it is, unsaved edits included), else the lab's k8s/ folder: a server-side dry-run first, its
// summary in a modal to confirm, then the apply and each Deployment's rollout, cancellable.
// Lives in the kube bundle: no work at import time.
import * as vscode from 'vscode';
import { formatProblem, formatRow, type ApplyRow } from '../../core/kube/applyPlan';
import {
  describeObject,
  parseManifests,
  where,
  type ManifestError,
  type ManifestObject,
} from '../../core/kube/manifests';
import { formatCounts } from '../../core/kube/rollout';
import { applyManifests, describeOutcome, type ApplyResult } from '../../node/kube/apply';
import { manifestFiles, manifestRoot } from '../../node/kube/manifestFiles';
import { describeRollout, watchRollouts, type RolloutOutcome } from '../../node/kube/rollout';
import { readTextFile } from '../../node/files/textFiles';
import { contextKeys, type CommandFactory, type Ctx } from '../context';
import { loadKubeOrWait } from './kubeconfigWait';
import { findLabFolder } from '../labFolder';

interface Source {
  /** What the student chose, in words: "k8s/app.yaml", "2 files", "the lab folder k8s/". */
  label: string;
  objects: ManifestObject[];
  errors: ManifestError[];
}

export interface ApplyCommandResult {
  plan: ApplyResult;
  result?: ApplyResult;
  rollouts?: RolloutOutcome[];
}

function isUri(v: unknown): v is vscode.Uri {
  return v instanceof vscode.Uri;
}

/** The text of a file: the editor's if it is open (unsaved edits count), else the disk's. */
async function textOf(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  return open ? open.getText() : readTextFile(uri.fsPath);
}

async function filesUnder(uris: readonly vscode.Uri[]): Promise<vscode.Uri[]> {
  const out: vscode.Uri[] = [];
  for (const uri of uris) {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.Directory)
      out.push(...(await manifestFiles([uri.fsPath])).map((f) => vscode.Uri.file(f)));
    else out.push(uri);
  }
  return out;
}

async function parseAll(files: readonly vscode.Uri[], label: string): Promise<Source> {
  const objects: ManifestObject[] = [];
  const errors: ManifestError[] = [];
  for (const f of files) {
    const parsed = parseManifests(await textOf(f), vscode.workspace.asRelativePath(f));
    objects.push(...parsed.objects);
    errors.push(...parsed.errors);
  }
  return { label, objects, errors };
}

/** The explorer's selection (uri, uris), else the active editor, else the lab's k8s/ folder. */
async function chooseSource(ctx: Ctx, args: unknown[]): Promise<Source | undefined> {
  const [first, second] = args;
  const selected = Array.isArray(second) && second.every(isUri) && second.length ? second : isUri(first) ? [first] : [];
  if (selected.length) {
    const files = await filesUnder(selected);
    return parseAll(
      files,
      selected.length === 1 && selected[0]
        ? vscode.workspace.asRelativePath(selected[0])
        : vscode.l10n.t('{0} selected items', selected.length),
    );
  }
  const editor = vscode.window.activeTextEditor;
  if (editor && (editor.document.languageId === 'yaml' || /\.ya?ml$/i.test(editor.document.fileName))) {
    const doc = editor.document;
    const name = doc.isUntitled ? vscode.l10n.t('Untitled') : vscode.workspace.asRelativePath(doc.uri);
    const parsed = parseManifests(doc.getText(), name);
    return { label: name, ...parsed };
  }
  const lab = await findLabFolder(ctx);
  if (!lab) return undefined;
  const root = vscode.Uri.file(manifestRoot(lab.fsPath));
  return parseAll(await filesUnder([root]), vscode.l10n.t('the lab folder {0}', vscode.workspace.asRelativePath(root)));
}

function logRows(ctx: Ctx, title: string, r: ApplyResult): void {
  ctx.output.appendLine(title);
  for (const row of r.rows) ctx.output.appendLine(`  ${formatRow(row)}`);
  for (const p of r.problems) ctx.output.appendLine(`  FAILED ${formatProblem(p)}`);
  for (const line of describeOutcome(r)) ctx.output.appendLine(`  ${line}`);
}

function showError(ctx: Ctx, message: string): void {
  const showLog = vscode.l10n.t('Show Log');
  void vscode.window.showErrorMessage(vscode.l10n.t('Observability Lab: {0}', message), showLog).then((pick) => {
    if (pick) ctx.output.show(true);
  });
}

/** The modal's detail: one line per object that changes, and how many stay as they are. */
function planDetail(rows: readonly ApplyRow[]): string {
  const changing = rows.filter((r) => r.action !== 'unchanged');
  const lines = changing
    .slice(0, 25)
    .map(
      (r) =>
        `${r.action === 'created' ? '+' : '~'} ${r.action === 'configured' ? vscode.l10n.t('{0} (changed)', describeObject(r)) : describeObject(r)}`,
    );
  if (changing.length > 25) lines.push(vscode.l10n.t('… and {0} more (see the output)', changing.length - 25));
  const same = rows.length - changing.length;
  if (same) lines.push(vscode.l10n.t('{0} unchanged', same));
  return lines.join('\n');
}

export const applyManifestsCommand: CommandFactory =
  (ctx) =>
  async (...args: unknown[]): Promise<ApplyCommandResult | undefined> => {
    const source = await chooseSource(ctx, args);
    if (!source) {
      // Two texts to translate, so that neither is a line over 160 characters.
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Observability Lab: nothing to apply. {0}',
          vscode.l10n.t(
            'Open a manifest, select YAML files or a folder in the explorer, or create the lab files first (Observability Lab: Create Lab Files).',
          ),
        ),
      );
      return undefined;
    }
    if (source.errors.length) {
      ctx.output.appendLine(`Apply ${source.label}: the documents have errors; nothing was sent:`);
      for (const e of source.errors) ctx.output.appendLine(`  ${where(e)}: ${e.message}`);
      const e = source.errors[0];
      const first = e ? `${where(e)}: ${e.message}` : vscode.l10n.t('the documents have errors');
      showError(
        ctx,
        source.errors.length > 1
          ? vscode.l10n.t('{0} (and {1} more). Nothing was applied.', first, source.errors.length - 1)
          : vscode.l10n.t('{0}. Nothing was applied.', first),
      );
      return undefined;
    }
    if (!source.objects.length) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Observability Lab: {0} has no Kubernetes objects to apply.', source.label),
      );
      return undefined;
    }
    const loaded = await loadKubeOrWait(ctx);
    if (!loaded) return undefined;

    const plan = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Observability Lab: checking {0} against {1} (dry-run)', source.label, loaded.context),
      },
      (progress) =>
        applyManifests(loaded, source.objects, {
          dryRun: true,
          onProgress: (p) => progress.report({ message: p.message }),
        }),
    );
    logRows(
      ctx,
      vscode.l10n.t('Dry-run of {0} on context {1} ({2}):', source.label, loaded.context, loaded.server),
      plan,
    );
    if (plan.problems.length) {
      const p = plan.problems[0];
      const why = p ? formatProblem(p) : '';
      showError(
        ctx,
        plan.problems.length === 1
          ? vscode.l10n.t('the server would refuse an object: {0} Nothing was applied.', why)
          : vscode.l10n.t('the server would refuse {0} objects: {1} Nothing was applied.', plan.problems.length, why),
      );
      return { plan };
    }
    if (plan.rows.every((r) => r.action === 'unchanged')) {
      await ctx.setContext(contextKeys.applyDone, true);
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Observability Lab: {0} is already applied ({1}).', source.label, plan.summary),
      );
      return { plan };
    }
    const apply = vscode.l10n.t('Apply');
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t("Apply {0} to context '{1}'? {2}.", source.label, loaded.context, plan.summary),
      { modal: true, detail: planDetail(plan.rows) },
      apply,
    );
    if (pick !== apply) return { plan };

    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Observability Lab: applying {0}', source.label),
      },
      (progress) =>
        applyManifests(loaded, source.objects, {
          onProgress: (p) => progress.report({ message: `${p.message} (${p.done}/${p.total})` }),
        }),
    );
    logRows(ctx, vscode.l10n.t('Applied {0} (field manager obslab):', source.label), result);
    if (result.problems.length) {
      showError(
        ctx,
        `${describeOutcome(result).join(' ')} ${result.problems[0] ? formatProblem(result.problems[0]) : ''}`,
      );
      return { plan, result };
    }
    await ctx.setContext(contextKeys.applyDone, true);

    const deployments = result.rows
      .filter((r) => r.kind === 'Deployment' && r.namespace)
      .map((r) => ({ namespace: r.namespace ?? '', name: r.name }));
    if (!deployments.length) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Observability Lab: applied {0}: {1}.', source.label, result.summary),
      );
      return { plan, result };
    }
    const timeoutSeconds = vscode.workspace.getConfiguration('obslab').get<number>('rolloutTimeoutSeconds', 180);
    const rollouts = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Observability Lab: waiting for the rollout'),
        cancellable: true,
      },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const latest = new Map<string, string>();
        return watchRollouts(loaded, deployments, {
          timeoutMs: Math.max(1, timeoutSeconds) * 1000,
          signal: abort.signal,
          onProgress: (t, s) => {
            latest.set(`${t.namespace}/${t.name}`, `${t.name}: ${formatCounts(s)}`);
            progress.report({ message: [...latest.values()].join('; ') });
          },
        });
      },
    );
    ctx.output.appendLine('Rollout:');
    for (const o of rollouts) for (const line of describeRollout(o)) ctx.output.appendLine(`  ${line}`);
    const bad = rollouts.find((o) => o.state === 'failed' || o.state === 'timeout');
    const done = rollouts.every((o) => o.state === 'complete');
    await ctx.setContext(contextKeys.rolloutDone, done);
    if (bad) showError(ctx, bad.message);
    else if (!done)
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Observability Lab: applied {0} ({1}); stopped watching the rollout.',
          source.label,
          result.summary,
        ),
      );
    else
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Observability Lab: applied {0} ({1}); {2} Deployment(s) rolled out.',
          source.label,
          result.summary,
          rollouts.length,
        ),
      );
    return { plan, result, rollouts };
  };
