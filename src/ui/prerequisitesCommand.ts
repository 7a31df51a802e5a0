// Observability Lab: Check Prerequisites. Asks the cluster (kubeconfig, API server, nodes), each
// tool for its version, and where AWS credentials would come from; the result completes the
// walkthrough's first step through context keys.
import * as vscode from 'vscode';
import { awsCredentialsLine, clusterLines, summarize, toolLine, tools, type CheckLine } from '../core/prerequisites';
import { awsCredentialSources } from '../node/aws/awsCredentials';
import { probeTool } from '../node/process/tools';
import { contextKeys, type CommandFactory } from './context';
import { loadBundle } from './lazyBundle';

export const prerequisitesCommand: CommandFactory = (ctx) => async () => {
  const lines = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Observability Lab: checking prerequisites'),
    },
    async (progress): Promise<CheckLine[]> => {
      // The cluster may take seconds to answer (or time out): ask it while the tools are asked.
      progress.report({ message: vscode.l10n.t('cluster') });
      const cluster = loadBundle(ctx, 'kube').probeCluster();
      const toolLines: CheckLine[] = [];
      for (const spec of tools) {
        progress.report({ message: spec.name, increment: 100 / (tools.length + 1) });
        toolLines.push(toolLine(spec, await probeTool(spec)));
      }
      progress.report({ message: vscode.l10n.t('cluster') });
      return [...clusterLines(await cluster), ...toolLines, awsCredentialsLine(awsCredentialSources())];
    },
  );
  // The report a student reads here, in the display language; the ok/FAIL marks stay, as in the CLI's.
  ctx.output.appendLine(vscode.l10n.t('Prerequisites:'));
  for (const l of lines)
    ctx.output.appendLine(
      `  ${l.ok ? 'ok  ' : 'FAIL'} ${l.name}: ${l.detail}${l.fix ? `\n        ${vscode.l10n.t('fix: {0}', l.fix)}` : ''}`,
    );
  for (const spec of tools)
    await ctx.setContext(
      contextKeys.tool(spec.name),
      lines.some((l) => l.name === spec.name && l.ok),
    );
  await ctx.setContext(
    contextKeys.clusterReachable,
    lines.some((l) => l.name === 'API server' && l.ok),
  );
  await ctx.setContext(contextKeys.prerequisitesChecked, true);

  const summary = vscode.l10n.t('Observability Lab prerequisites: {0}.', summarize(lines));
  const showDetails = vscode.l10n.t('Show Details');
  const show = lines.every((l) => l.ok)
    ? vscode.window.showInformationMessage(summary, showDetails)
    : vscode.window.showWarningMessage(summary, showDetails);
  void show.then((pick) => {
    if (pick) ctx.output.show(true);
  });
  return lines;
};
