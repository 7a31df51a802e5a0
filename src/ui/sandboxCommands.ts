// Observability Lab: Start Sandbox / Stop Sandbox / Sandbox Status. The lab's data path on this
// machine (app → collector → Prometheus), with progress while parts install and start, and
// stopped again when the editor closes if this window started it. Before it runs a lab folder's
// code it names the files and asks, once per folder and content.
import * as vscode from 'vscode';
import { sandboxQuestion } from '../core/sandbox/consent';
import { followLogs, type LogFollower } from '../node/sandbox/logFollower';
import {
  sandboxDown,
  SandboxError,
  sandboxPlan,
  sandboxStatus,
  sandboxUp,
  type SandboxPartStatus,
  type SandboxPlan,
} from '../node/sandbox/sandbox';
import { contextKeys, type CommandFactory, type Ctx } from './context';
import { findLabFolder } from './labFolder';

/** globalState: lab folder → sha256 of the files the student approved running (src/node/sandbox/sandboxInputs.ts). */
const approvedKey = 'obslab.sandboxApproved';

/**
 * True when the plan's lab files may run: the templates always, a lab folder once the student
 * said yes to exactly these contents (the answer is remembered; a changed file asks again).
 */
async function approved(ctx: Ctx, plan: SandboxPlan): Promise<boolean> {
  if (!plan.lab || !plan.sha256) return true;
  const answers = ctx.extension.globalState.get<Record<string, string>>(approvedKey) ?? {};
  if (answers[plan.lab] === plan.sha256) return true;
  const q = sandboxQuestion(vscode.workspace.asRelativePath(plan.lab, true), plan.files);
  const pick = await vscode.window.showWarningMessage(q.message, { modal: true, detail: q.detail }, q.run);
  if (pick !== q.run) return false;
  await ctx.extension.globalState.update(approvedKey, { ...answers, [plan.lab]: plan.sha256 });
  return true;
}

/** Whether this window started the sandbox, so deactivation stops only what it started. */
let startedHere = false;

/** The parts' logs, streamed into their own output channel while the sandbox runs. */
let logChannel: vscode.OutputChannel | undefined;
let follower: LogFollower | undefined;

function followSandboxLogs(parts: SandboxPartStatus[]): void {
  follower?.stop();
  logChannel ??= vscode.window.createOutputChannel('Observability Lab: Sandbox');
  const channel = logChannel;
  // The collector's two endpoints share one process and one log.
  const logs = [
    ...new Map(
      parts
        .filter((p) => p.log)
        .map((p) => [p.log as string, { name: p.name.replace(/-(telemetry|metrics)$/, ''), path: p.log as string }]),
    ).values(),
  ];
  channel.appendLine(`Following ${logs.map((l) => `${l.name} (${l.path})`).join(', ')}`);
  follower = followLogs(logs, (name, line) => channel.appendLine(`[${name}] ${line}`));
}

function stopFollowing(): void {
  follower?.stop();
  follower = undefined;
}

function describe(parts: SandboxPartStatus[]): string[] {
  return parts.map(
    (p) =>
      `  ${p.state.padEnd(8)} ${p.name.padEnd(20)} ${p.url ?? ''}${p.detail ? `  (${p.detail})` : ''}${p.log ? `\n           log: ${p.log}` : ''}`,
  );
}

export const startSandboxCommand: CommandFactory = (ctx) => async () => {
  const lab = await findLabFolder(ctx);
  const output = ctx.output;
  try {
    const plan = sandboxPlan(lab ? { labDir: lab.fsPath } : {});
    if (!(await approved(ctx, plan))) {
      output.appendLine(`[sandbox] not started: running the code in ${plan.lab ?? ''} was not approved`);
      return undefined;
    }
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Observability Lab: starting the sandbox' },
      (progress) =>
        sandboxUp(
          { ...(lab ? { labDir: lab.fsPath } : {}), ...(plan.sha256 ? { approvedSha256: plan.sha256 } : {}) },
          (message) => {
            progress.report({ message });
            output.appendLine(`[sandbox] ${message}`);
          },
        ),
    );
    if (!result.alreadyRunning) startedHere = true;
    await ctx.setContext(contextKeys.sandboxRunning, true);
    followSandboxLogs(result.parts);
    output.appendLine(
      `Sandbox ${result.alreadyRunning ? 'was already running' : 'is up'}${lab ? ` (lab ${lab.fsPath})` : ' (the template lab)'}:`,
    );
    for (const line of describe(result.parts)) output.appendLine(line);
    const prometheus = result.parts.find((p) => p.name === 'prometheus')?.url;
    const pick = await vscode.window.showInformationMessage(
      `Observability Lab: the sandbox ${result.alreadyRunning ? 'was already running' : 'is up'}; Prometheus ` +
        `at ${prometheus ?? '(unknown)'} scrapes the collector's telemetry and metrics.`,
      'Show Status',
      'Show Logs',
      'Stop Sandbox',
    );
    if (pick === 'Show Status') output.show(true);
    if (pick === 'Show Logs') logChannel?.show(true);
    if (pick === 'Stop Sandbox') await vscode.commands.executeCommand('obslab.stopSandbox');
    return result.parts;
  } catch (e) {
    if (!(e instanceof SandboxError)) throw e;
    output.appendLine(`[sandbox] ${e.message}`);
    const pick = await vscode.window.showErrorMessage(
      `Observability Lab: the sandbox's ${e.part} did not start: ${e.reason}. ${e.fix}`,
      'Show Log',
    );
    if (pick) output.show(true);
    return undefined;
  }
};

export const stopSandboxCommand: CommandFactory = (ctx) => async () => {
  const { stopped } = await sandboxDown();
  stopFollowing();
  startedHere = false;
  await ctx.setContext(contextKeys.sandboxRunning, false);
  const message = stopped.length ? `stopped ${stopped.map((s) => s.name).join(', ')}` : 'nothing was running';
  ctx.output.appendLine(`[sandbox] ${message}`);
  void vscode.window.showInformationMessage(`Observability Lab sandbox: ${message}.`);
  return stopped;
};

export const sandboxStatusCommand: CommandFactory = (ctx) => async () => {
  const parts = await sandboxStatus();
  const up = parts.filter((p) => p.state === 'up').length;
  await ctx.setContext(
    contextKeys.sandboxRunning,
    parts.some((p) => p.state !== 'stopped'),
  );
  ctx.output.appendLine(`Sandbox status: ${up} of ${parts.length} up`);
  for (const line of describe(parts)) ctx.output.appendLine(line);
  ctx.output.show(true);
  return parts;
};

/** On deactivation: stop the sandbox if this window started it (nothing is left running). */
export async function stopSandboxStartedHere(ctx: Ctx): Promise<void> {
  stopFollowing();
  logChannel?.dispose();
  if (!startedHere) return;
  startedHere = false;
  try {
    await sandboxDown();
  } catch (e) {
    ctx.output.appendLine(`[sandbox] could not stop: ${e instanceof Error ? e.message : String(e)}`);
  }
}
