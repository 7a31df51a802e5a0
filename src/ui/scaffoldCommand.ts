// Observability Lab: Create Lab Files. Asks where and with which names, shows a diff before
// replacing anything the student has, and writes through one WorkspaceEdit so it can be undone.
import * as vscode from 'vscode';
import {
  checkLabManifest,
  compareWithExisting,
  describeLabManifestProblems,
  labManifestName,
  planLabFiles,
  type PlannedFile,
} from '../core/scaffold/plan';
import {
  defaultParams,
  exampleAppImage,
  paramSpecs,
  paramWarnings,
  validateParams,
  type LabParams,
} from '../core/scaffold/params';
import { checkTarget, existingReader, templateReader } from '../node/files/labFiles';
import { contextKeys, walkthroughId, type CommandFactory, type Ctx } from './context';
import { rememberLabFolder } from './labFolder';

const previewScheme = 'obslab-lab-preview';

function paramsFromSettings(): LabParams {
  const cfg = vscode.workspace.getConfiguration('obslab');
  const pick = (key: string, fallback: string): string => {
    const v = cfg.get<string>(key);
    return v && v.trim() ? v.trim() : fallback;
  };
  const awsRegion = pick('awsRegion', defaultParams.awsRegion);
  return {
    appNamespace: pick('appNamespace', defaultParams.appNamespace),
    monitoringNamespace: pick('monitoringNamespace', defaultParams.monitoringNamespace),
    helmRelease: pick('helmRelease', defaultParams.helmRelease),
    // Unset: the example image in the lab's region, which the input box and the warning ask to replace.
    appImage: pick('appImage', exampleAppImage(awsRegion)),
    clusterName: pick('clusterName', defaultParams.clusterName),
    awsRegion,
  };
}

async function chooseFolder(): Promise<vscode.Uri | undefined> {
  const ws = vscode.workspace.workspaceFolders?.[0];
  const items: (vscode.QuickPickItem & { uri?: vscode.Uri })[] = [];
  if (ws)
    items.push({
      label: `$(folder) ${vscode.workspace.asRelativePath(vscode.Uri.joinPath(ws.uri, 'lab'), true)}`,
      description: vscode.l10n.t('a lab folder in this workspace'),
      uri: vscode.Uri.joinPath(ws.uri, 'lab'),
    });
  items.push({ label: `$(folder-opened) ${vscode.l10n.t('Choose a folder…')}` });
  // ignoreFocusOut: run from the palette while the walkthrough has focus, the walkthrough takes the
  // focus back (its step button gets the Enter key-up) and a plain quick pick would close unseen.
  const pick = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Create Lab Files: where?'),
    placeHolder: vscode.l10n.t('The lab files go into this folder'),
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  if (pick.uri) return pick.uri;
  const chosen = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Create Lab Files Here'),
    ...(ws ? { defaultUri: ws.uri } : {}),
  });
  return chosen?.[0];
}

/** The names a lab folder was made with (its manifest), so running again does not switch them back to the settings. */
function paramsFromLab(folder: vscode.Uri): LabParams | undefined {
  try {
    const text = existingReader(folder.fsPath)(labManifestName);
    if (text === undefined) return undefined;
    const checked = checkLabManifest(text);
    if (!checked.ok) {
      // Not used, and said: the student picks names again (or fixes the file).
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          "Observability Lab: {0} The settings' names are offered instead.",
          describeLabManifestProblems(labManifestName, checked.problems),
        ),
      );
      return undefined;
    }
    const saved = checked.manifest.params;
    const params: LabParams = { ...paramsFromSettings(), ...saved };
    return validateParams(params).length ? undefined : params;
  } catch {
    return undefined;
  }
}

async function chooseParams(folder: vscode.Uri): Promise<LabParams | undefined> {
  const fromLab = paramsFromLab(folder);
  const params = fromLab ?? paramsFromSettings();
  const imageNote = paramWarnings(params).some((w) => w.key === 'appImage')
    ? vscode.l10n.t(' (not ready for EKS: Change names… says why)')
    : '';
  const names = vscode.l10n.t(
    'namespaces {0} and {1}, release {2}, image {3}{4}, cluster {5} in {6}',
    params.appNamespace,
    params.monitoringNamespace,
    params.helmRelease,
    params.appImage,
    imageNote,
    params.clusterName,
    params.awsRegion,
  );
  const summary = fromLab ? vscode.l10n.t('as in {0}: {1}', labManifestName, names) : names;
  const how = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Use these names'), detail: summary, custom: false },
      {
        label: vscode.l10n.t('Change names…'),
        detail: vscode.l10n.t('Namespaces, Helm release, image, cluster and region, one at a time'),
        custom: true,
      },
    ],
    { title: vscode.l10n.t('Create Lab Files: names'), ignoreFocusOut: true },
  );
  if (!how) return undefined;
  if (how.custom) {
    for (const [i, spec] of paramSpecs.entries()) {
      const value = await vscode.window.showInputBox({
        title: vscode.l10n.t('Create Lab Files ({0}/{1})', i + 1, paramSpecs.length),
        prompt: spec.prompt,
        value: params[spec.key],
        ignoreFocusOut: true,
        // A refusal blocks Enter; a warning (an image EKS could not pull) is shown and lets it through.
        validateInput: (v) => {
          const problem = spec.validate(v.trim());
          if (problem) return problem;
          const warning = spec.warn?.(v.trim());
          return warning ? { message: warning, severity: vscode.InputBoxValidationSeverity.Warning } : undefined;
        },
      });
      if (value === undefined) return undefined;
      params[spec.key] = value.trim();
    }
  }
  const problems = validateParams(params);
  if (problems.length) {
    // Settings can hold values the input boxes would have refused.
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        'Observability Lab: {0}. Fix the obslab.* settings or choose "Change names…".',
        problems.map((p) => p.message).join('; '),
      ),
    );
    return undefined;
  }
  return params;
}

/** Shows each replaced file beside the lab's version, and asks before replacing. */
async function confirmOverwrites(
  ctx: Ctx,
  folder: vscode.Uri,
  changed: PlannedFile[],
): Promise<'overwrite' | 'keep' | undefined> {
  const previews = new Map(changed.map((f) => [f.path, f.content]));
  const provider = vscode.workspace.registerTextDocumentContentProvider(previewScheme, {
    provideTextDocumentContent: (uri) => previews.get(uri.path.replace(/^\//, '')) ?? '',
  });
  try {
    for (;;) {
      const list = changed.map((f) => f.path).join(', ');
      const showDifferences = vscode.l10n.t('Show Differences');
      const replace = vscode.l10n.t('Replace');
      const keepMine = vscode.l10n.t('Keep Mine');
      const pick = await vscode.window.showWarningMessage(
        vscode.l10n.t(
          "{0} file(s) in {1} differ from the lab's: {2}. Replace them?",
          changed.length,
          vscode.workspace.asRelativePath(folder, true),
          list,
        ),
        {
          modal: true,
          detail: vscode.l10n.t(
            'Other lab files are written either way. Replacing can be undone with Undo in the Explorer.',
          ),
        },
        showDifferences,
        replace,
        keepMine,
      );
      if (pick === replace) return 'overwrite';
      if (pick === keepMine) return 'keep';
      if (pick !== showDifferences) return undefined;
      for (const f of changed.slice(0, 8)) {
        await vscode.commands.executeCommand(
          'vscode.diff',
          vscode.Uri.joinPath(folder, f.path),
          vscode.Uri.from({ scheme: previewScheme, path: `/${f.path}` }),
          vscode.l10n.t('{0}: yours ↔ lab', f.path),
          { preview: false },
        );
      }
      ctx.output.appendLine(`Showed differences for ${changed.length} file(s) in ${folder.fsPath}`);
    }
  } finally {
    provider.dispose();
  }
}

export const scaffoldCommand: CommandFactory = (ctx) => async () => {
  const folder = await chooseFolder();
  if (!folder) return;
  const params = await chooseParams(folder);
  if (!params) return;

  // The lab files are plain local files; refuse early with a reason rather than half-write.
  checkTarget(folder.fsPath);
  const planned = compareWithExisting(planLabFiles(params, templateReader()), existingReader(folder.fsPath));
  const changed = planned.filter((f) => f.status === 'changed');
  let keep = new Set<string>();
  if (changed.length) {
    const decision = await confirmOverwrites(ctx, folder, changed);
    if (!decision) return;
    if (decision === 'keep') keep = new Set(changed.map((f) => f.path));
  }
  const toWrite = planned.filter((f) => f.status !== 'same' && !keep.has(f.path));

  const edit = new vscode.WorkspaceEdit();
  const encoder = new TextEncoder();
  for (const f of toWrite) {
    edit.createFile(
      vscode.Uri.joinPath(folder, f.path),
      { overwrite: true, contents: encoder.encode(f.content) },
      { label: vscode.l10n.t('Create Lab Files'), needsConfirmation: false },
    );
  }
  if (toWrite.length && !(await vscode.workspace.applyEdit(edit))) {
    throw new Error(
      vscode.l10n.t(
        'could not write the lab files into {0}; nothing was changed. Check that the folder is writable, or pick another one',
        folder.fsPath,
      ),
    );
  }

  await rememberLabFolder(ctx, folder);
  await ctx.setContext(contextKeys.labFilesCreated, true);
  ctx.output.appendLine(`Create Lab Files in ${folder.fsPath}:`);
  for (const f of planned)
    ctx.output.appendLine(
      `  ${keep.has(f.path) ? 'kept' : f.status === 'same' ? 'same' : f.status === 'new' ? 'new ' : 'replaced'}  ${f.path}  ${f.purpose}`,
    );

  // Written all the same: the student may push the image later, or fix k8s/app.yaml by hand.
  for (const w of paramWarnings(params)) {
    ctx.output.appendLine(`  warning: ${w.message}`);
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Observability Lab: the lab files are written, but {0}.', w.message),
    );
  }

  const kept = keep.size ? vscode.l10n.t(' Kept your {0} changed file(s).', keep.size) : '';
  const where = vscode.workspace.asRelativePath(folder, true);
  const upToDate = planned.length - toWrite.length - keep.size;
  const current = upToDate ? vscode.l10n.t('; {0} already up to date', upToDate) : '';
  const message = vscode.l10n.t(
    'Observability Lab: wrote {0} lab file(s) to {1}{2}.{3}',
    toWrite.length,
    where,
    current,
    kept,
  );
  const openCommands = vscode.l10n.t('Open Commands');
  const openWalkthrough = vscode.l10n.t('Open Walkthrough');
  const showList = vscode.l10n.t('Show List');
  void vscode.window.showInformationMessage(message, openCommands, openWalkthrough, showList).then(async (pick) => {
    if (pick === openCommands)
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(folder, 'COMMANDS.md'));
    if (pick === openWalkthrough)
      await vscode.commands.executeCommand('workbench.action.openWalkthrough', walkthroughId, false);
    if (pick === showList) ctx.output.show(true);
  });
  return { folder: folder.fsPath, written: toWrite.map((f) => f.path), manifest: labManifestName };
};
