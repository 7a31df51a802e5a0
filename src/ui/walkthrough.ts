// Opening the lab walkthrough, by command and once on the first start.
import * as vscode from 'vscode';
import { walkthroughId, type CommandFactory, type Ctx } from './context';

export const openWalkthroughCommand: CommandFactory = () => () =>
  vscode.commands.executeCommand('workbench.action.openWalkthrough', walkthroughId, false);

const shownKey = 'obslab.walkthroughShown';

export function showWalkthroughOnFirstRun(ctx: Ctx): void {
  if (!vscode.workspace.getConfiguration('obslab').get<boolean>('showWalkthroughOnFirstRun', true)) return;
  if (ctx.extension.globalState.get<boolean>(shownKey)) return;
  void ctx.extension.globalState.update(shownKey, true);
  void vscode.commands.executeCommand('workbench.action.openWalkthrough', walkthroughId, false);
}
