// The context every command receives, and the walkthrough's context keys in one place.
import * as vscode from 'vscode';
import { requireTrust } from './trust';

export const contextKeys = {
  prerequisitesChecked: 'obslab.prerequisitesChecked',
  clusterReachable: 'obslab.clusterReachable',
  labFilesCreated: 'obslab.labFilesCreated',
  taskOpened: (task: string) => `obslab.task.${task}.opened`,
  tool: (name: string) => `obslab.tool.${name}`,
} as const;

export const walkthroughId = 'obslab.observability-lab#lab';

export class Ctx {
  private channel: vscode.OutputChannel | undefined;

  constructor(readonly extension: vscode.ExtensionContext) {}

  /** Created on first use, so activation does no work for it. */
  get output(): vscode.OutputChannel {
    this.channel ??= vscode.window.createOutputChannel('Observability Lab');
    return this.channel;
  }

  setContext(key: string, value: unknown): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', key, value);
  }

  dispose(): void {
    this.channel?.dispose();
  }
}

export type CommandFactory = (ctx: Ctx) => (...args: unknown[]) => unknown;

/**
 * Wraps a command so that a failure reaches the student as a message, never as a silent rejection,
 * and so that a command needing a trusted folder (src/core/trust.ts) refuses in Restricted Mode
 * before its handler (or its bundle) is even loaded. Every command is registered through here.
 */
export function registerCommand(ctx: Ctx, id: string, factory: CommandFactory): vscode.Disposable {
  const handler = factory(ctx);
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    if (!requireTrust(id)) return undefined;
    try {
      return await handler(...args);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      ctx.output.appendLine(`[${id}] ${e instanceof Error && e.stack ? e.stack : message}`);
      void vscode.window.showErrorMessage(`Observability Lab: ${message}`, 'Show Log').then((pick) => {
        if (pick) ctx.output.show(true);
      });
      return undefined;
    }
  });
}
