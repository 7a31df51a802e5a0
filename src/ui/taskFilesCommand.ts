// Observability Lab: Open Task Files. Opens the lab files a walkthrough step works with.
import * as vscode from 'vscode';
import { filesForTask, type TaskId } from '../core/scaffold/plan';
import { contextKeys, type CommandFactory } from './context';
import { findLabFolder } from './labFolder';

// A function, so each name is looked up in the display language when the pick list opens.
const taskNames = (): Record<TaskId, string> => ({
  prerequisites: vscode.l10n.t('Prerequisites'),
  task1: vscode.l10n.t('Task 1: IAM policy and IRSA role'),
  task2: vscode.l10n.t('Task 2: kube-prometheus-stack'),
  task3: vscode.l10n.t('Task 3: app, collector and ServiceMonitors'),
  task4: vscode.l10n.t('Task 4: IAM and observability'),
  task5: vscode.l10n.t('Task 5: load test and PromQL'),
  cleanup: vscode.l10n.t('Clean up'),
});

function isTask(value: unknown): value is TaskId {
  return typeof value === 'string' && value in taskNames();
}

export const taskFilesCommand: CommandFactory = (ctx) => async (arg?: unknown) => {
  let task = isTask(arg) ? arg : undefined;
  if (!task) {
    const names = taskNames();
    const pick = await vscode.window.showQuickPick(
      (Object.keys(names) as TaskId[]).map((id) => ({ label: names[id], id })),
      { title: vscode.l10n.t('Open the files of which step?') },
    );
    if (!pick) return;
    task = pick.id;
  }
  const folder = await findLabFolder(ctx);
  if (!folder) {
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t('Observability Lab: no lab folder in this workspace yet. Create the lab files first.'),
      vscode.l10n.t('Create Lab Files'),
    );
    if (pick) await vscode.commands.executeCommand('obslab.scaffold');
    return;
  }
  for (const path of filesForTask(task)) {
    await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, path), { preview: false, preserveFocus: true });
  }
  // The commands for the step, with the student's names, beside the files (showPreview would
  // open it in the same group, in front of the files just opened).
  await vscode.commands.executeCommand('markdown.showPreviewToSide', vscode.Uri.joinPath(folder, 'COMMANDS.md'));
  await ctx.setContext(contextKeys.taskOpened(task), true);
};
