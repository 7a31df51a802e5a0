// The one guard for commands that act on the world: in a folder that is not trusted (Restricted
// Mode) they refuse with a message naming the command, what it would do, and how to trust the
// folder. package.json greys them out with `enablement: isWorkspaceTrusted`, but a command can
// still be run by id (a walkthrough button, another command), so the check happens again here.
import * as vscode from 'vscode';
import { commandsNeedingTrust, manageTrustCommand, needsTrust } from '../core/trust';

/**
 * core/trust.ts's untrustedMessage in the display language: the frame is translated here, the
 * command's title and what it does stay the core's (test/unit/trust.test.ts holds the English to it).
 */
function untrustedText(commandId: string, manage: string): string {
  const c = commandsNeedingTrust[commandId];
  const title = c?.title ?? commandId;
  return c
    ? vscode.l10n.t(
        'Observability Lab: {0} is not available in Restricted Mode: it {1}. Trust this folder only if you trust its authors ({2}), then run {0} again.',
        title,
        c.does,
        manage,
      )
    : vscode.l10n.t(
        'Observability Lab: {0} is not available in Restricted Mode: Trust this folder only if you trust its authors ({1}), then run {0} again.',
        title,
        manage,
      );
}

/** True when `commandId` may run now; otherwise shows why not (with a button to manage trust) and returns false. */
export function requireTrust(commandId: string): boolean {
  if (vscode.workspace.isTrusted || !needsTrust(commandId)) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  void vscode.window.showWarningMessage(untrustedText(commandId, manage), manage).then((pick) => {
    if (pick === manage) void vscode.commands.executeCommand(manageTrustCommand);
  });
  return false;
}
