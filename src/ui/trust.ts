// The one guard for commands that act on the world: in a folder that is not trusted (Restricted
// Mode) they refuse with a message naming the command, what it would do, and how to trust the
// folder. package.json greys them out with `enablement: isWorkspaceTrusted`, but a command can
// still be run by id (a walkthrough button, another command), so the check happens again here.
import * as vscode from 'vscode';
import { manageTrustCommand, manageTrustLabel, needsTrust, untrustedMessage } from '../core/trust';

/** True when `commandId` may run now; otherwise shows why not (with a button to manage trust) and returns false. */
export function requireTrust(commandId: string): boolean {
  if (vscode.workspace.isTrusted || !needsTrust(commandId)) return true;
  void vscode.window.showWarningMessage(untrustedMessage(commandId), manageTrustLabel).then((pick) => {
    if (pick === manageTrustLabel) void vscode.commands.executeCommand(manageTrustCommand);
  });
  return false;
}
