// Finding the student's lab folder: the one they last created, else one in the workspace.
import * as vscode from 'vscode';
import { labManifestName } from '../core/scaffold/plan';
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
    { title: 'Which lab folder?' },
  );
  return pick?.folder;
}
