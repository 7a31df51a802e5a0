// Observability Lab: Check Prerequisites. Asks each tool for its version and reads the
// kubeconfig; the result completes the walkthrough's first step through context keys.
import * as vscode from 'vscode';
import { kubeconfigLine, summarize, toolLine, tools, type CheckLine } from '../core/prerequisites';
import { probeTool, readKubeconfig } from '../node/tools';
import { contextKeys, type CommandFactory } from './context';

export const prerequisitesCommand: CommandFactory = (ctx) => async () => {
  const lines = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Observability Lab: checking prerequisites' },
    async (progress): Promise<CheckLine[]> => {
      const kube = readKubeconfig();
      const result: CheckLine[] = [kubeconfigLine(kube.path, kube.text)];
      // One after another: each is quick, and the progress names the one being asked.
      for (const spec of tools) {
        progress.report({ message: spec.name, increment: 100 / tools.length });
        result.push(toolLine(spec, await probeTool(spec)));
      }
      return result;
    },
  );
  ctx.output.appendLine('Prerequisites:');
  for (const l of lines) ctx.output.appendLine(`  ${l.ok ? 'ok  ' : 'FAIL'} ${l.name}: ${l.detail}${l.fix ? `\n        fix: ${l.fix}` : ''}`);
  for (const l of lines) await ctx.setContext(contextKeys.tool(l.name), l.ok);
  await ctx.setContext(contextKeys.prerequisitesChecked, true);

  const summary = `Observability Lab prerequisites: ${summarize(lines)}.`;
  const show = lines.every((l) => l.ok) ? vscode.window.showInformationMessage(summary, 'Show Details') : vscode.window.showWarningMessage(summary, 'Show Details');
  void show.then((pick) => {
    if (pick) ctx.output.show(true);
  });
  return lines;
};
