// Finding the student's lab folder: the one they last created, else one in the workspace; and
// reading its obslab-lab.json by the scaffold's rules, saying plainly when a value breaks them.
import * as vscode from 'vscode';
import {
  checkLabManifest,
  describeLabManifestProblems,
  labManifestName,
  type LabManifest,
} from '../core/scaffold/plan';
import type { Ctx } from './context';

const stateKey = 'obslab.labFolder';

export function rememberLabFolder(ctx: Ctx, folder: vscode.Uri): Thenable<void> {
  return ctx.extension.workspaceState.update(stateKey, folder.toString());
}

export async function findLabFolder(ctx: Ctx): Promise<vscode.Uri | undefined> {
  const remembered = ctx.extension.workspaceState.get<string>(stateKey);
  if (remembered) {
    const uri = vscode.Uri.parse(remembered);
    try {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(uri, labManifestName));
      return uri;
    } catch {
      // moved or deleted: look again
    }
  }
  const found = await vscode.workspace.findFiles(`**/${labManifestName}`, '**/node_modules/**', 10);
  if (found.length === 0) return undefined;
  const folders = found.map((f) => vscode.Uri.joinPath(f, '..'));
  if (folders.length === 1) return folders[0];
  const pick = await vscode.window.showQuickPick(
    folders.map((f) => ({ label: vscode.workspace.asRelativePath(f), folder: f })),
    { title: vscode.l10n.t('Which lab folder?') },
  );
  return pick?.folder;
}

/**
 * The lab folder's manifest; undefined when it cannot be read or is not valid. An invalid one is
 * reported (which field, which rule) and not used: the caller goes on with the settings' names.
 */
export async function readLabManifestIn(ctx: Ctx, lab: vscode.Uri): Promise<LabManifest | undefined> {
  const uri = vscode.Uri.joinPath(lab, labManifestName);
  let text: string;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
  const r = checkLabManifest(text);
  if (r.ok) return r.manifest;
  const message = describeLabManifestProblems(vscode.workspace.asRelativePath(uri), r.problems);
  ctx.output.appendLine(`[lab] ${message}`);
  // Warned once per file and text (ctx.reportedManifests), not on every command that reads it.
  const key = `${uri.toString()}\0${text}`;
  if (!ctx.reportedManifests.has(key)) {
    ctx.reportedManifests.add(key);
    void vscode.window
      .showWarningMessage(
        vscode.l10n.t("Observability Lab: {0} Until then the settings' names are used.", message),
        vscode.l10n.t('Open It'),
      )
      .then((pick) => {
        if (pick) void vscode.window.showTextDocument(uri);
      });
  }
  return undefined;
}
