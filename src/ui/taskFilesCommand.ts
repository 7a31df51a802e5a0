// Observability Lab: Open Task Files. Opens the lab files a walkthrough step works with.
import * as vscode from 'vscode';
import { filesForTask, type TaskId } from '../core/scaffold/plan';
import { contextKeys, type CommandFactory } from './context';
import { findLabFolder } from './labFolder';

const taskNames: Record<TaskId, string> = {
  prerequisites: 'Prerequisites',
  task1: 'Task 1: IAM policy and IRSA role',
  task2: 'Task 2: kube-prometheus-stack',
  task3: 'Task 3: app, collector and ServiceMonitors',
  task4: 'Task 4: IAM and observability',
  task5: 'Task 5: load test and PromQL',
  cleanup: 'Clean up',
};

function isTask(value: unknown): value is TaskId {
  return typeof value === 'string' && value in taskNames;
}

export const taskFilesCommand: CommandFactory = (ctx) => async (arg?: unknown) => {
  let task = isTask(arg) ? arg : undefined;
  if (!task) {
    const pick = await vscode.window.showQuickPick(
      (Object.keys(taskNames) as TaskId[]).map((id) => ({ label: taskNames[id], id })),
      { title: 'Open the files of which step?' },
    );
    if (!pick) return;
    task = pick.id;
  }
  const folder = await findLabFolder(ctx);
  if (!folder) {
    const pick = await vscode.window.showWarningMessage(
      'Observability Lab: no lab folder in this workspace yet. Create the lab files first.',
      'Create Lab Files',
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
