// Observability Lab: Start Sandbox / Stop Sandbox / Sandbox Status. The lab's data path on this
// machine (app → collector → Prometheus), with progress while parts install and start, and
// stopped again when the editor closes if this window started it. Before it runs a lab folder's
// code it names the files and asks, once per folder and content. The collector and Prometheus
// come from the settings, PATH, or a verified download into the extension's global storage, each
// download in a cancellable notification through the editor's proxy settings. A program a setting
// names that is not there yet (still being installed or built) is offered Wait for It.
import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { downloadPercent, downloadProgressText } from '../core/downloads/progressText';
import type { NetworkSettings } from '../core/downloads/proxy';
import { sandboxQuestion } from '../core/sandbox/consent';
import { describeParts, type SandboxPartStatus } from '../core/sandbox/parts';
import {
  findOrDownloadLabel,
  givenSandboxPrograms,
  missingProgramsMessage,
  openSettingsLabel,
  programPollMs,
  programSettings,
  programsToWaitFor,
  programState,
  programsWaitingTitle,
  programsWaitProgress,
  programWaitEndedMessage,
  programWaitMaxMs,
  waitForProgramLabel,
  type ProgramLook,
  type ProgramState,
  type SandboxProgramPart,
} from '../core/sandbox/programWait';
import { lookAtProgram, waitForFiles } from '../node/files/waitForFiles';
import { followLogs, type LogFollower } from '../node/sandbox/logFollower';
import {
  SandboxCancelled,
  sandboxDown,
  SandboxError,
  sandboxPlan,
  sandboxStatus,
  sandboxUp,
  type SandboxPlan,
} from '../node/sandbox/sandbox';
import type { DownloadRunner, GivenProgram, PartWords, SandboxPartsOptions } from '../node/sandbox/sandboxParts';
import { confirmConfiguredProgram } from './configuredProgram';
import { contextKeys, type CommandFactory, type Ctx } from './context';
import { findLabFolder } from './labFolder';

/** The editor's words for the parts' messages, in the display language. */
function editorWords(): PartWords {
  return {
    collectorPath: vscode.l10n.t('the setting {0}', 'obslab.sandbox.collectorPath'),
    prometheusPath: vscode.l10n.t('the setting {0}', 'obslab.sandbox.prometheusPath'),
    mirror: vscode.l10n.t('the setting {0}', 'obslab.downloads.mirror'),
    proxy: vscode.l10n.t('the setting {0} (and {1})', 'http.proxy', 'http.noProxy'),
    again: vscode.l10n.t('run Start Sandbox again'),
  };
}

/** The editor's proxy settings, with the environment's as VS Code itself falls back to them. */
function networkSettings(): NetworkSettings {
  const http = vscode.workspace.getConfiguration('http');
  return {
    proxy: http.get<string>('proxy', ''),
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
    noProxy: http.get<string[]>('noProxy', []),
    env: process.env,
  };
}

/** Each download in its own notification, with a bar, the bytes, and a Cancel button. */
function notificationRunner(output: vscode.OutputChannel): DownloadRunner {
  return async (asset, download) =>
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Observability Lab: {0}', asset.title),
        cancellable: true,
      },
      async (progress, token) => {
        const abort = new AbortController();
        const cancelled = token.onCancellationRequested(() => abort.abort());
        let shown = 0;
        let lastPhase = '';
        try {
          return await download((p) => {
            const text = downloadProgressText({ ...p, archive: asset.archive, title: asset.title });
            const pct = p.phase === 'download' ? downloadPercent(p) : p.phase === 'installed' ? 100 : undefined;
            const increment = pct !== undefined && pct > shown ? pct - shown : 0;
            shown += increment;
            progress.report({ message: text, ...(increment ? { increment } : {}) });
            if (p.phase !== lastPhase) output.appendLine(`[sandbox] ${asset.part}: ${text}`);
            lastPhase = p.phase;
          }, abort.signal);
        } finally {
          cancelled.dispose();
        }
      },
    );
}

/**
 * Where the sandbox's programs come from: the two path settings (each run only after the student
 * confirmed it once, like obslab.helmPath), else PATH, else a download into global storage.
 * Undefined when the student declined to run a configured program.
 */
async function partsOptions(ctx: Ctx): Promise<Partial<SandboxPartsOptions> | undefined> {
  const cfg = vscode.workspace.getConfiguration('obslab');
  const given = async (key: string, purpose: string): Promise<GivenProgram | undefined | false> => {
    const path = cfg.get<string>(key, '').trim();
    if (!path) return undefined;
    const setting = `obslab.${key}`;
    return (await confirmConfiguredProgram(ctx, setting, path, purpose)) ? { path, from: setting } : false;
  };
  const collector = await given('sandbox.collectorPath', vscode.l10n.t("as the sandbox's OpenTelemetry Collector"));
  if (collector === false) return undefined;
  const prometheus = await given('sandbox.prometheusPath', vscode.l10n.t("as the sandbox's Prometheus"));
  if (prometheus === false) return undefined;
  return {
    ...(collector ? { collector } : {}),
    ...(prometheus ? { prometheus } : {}),
    root: vscode.Uri.joinPath(ctx.extension.globalStorageUri, 'parts').fsPath,
    mirror: cfg.get<string>('downloads.mirror', ''),
    network: networkSettings(),
    words: editorWords(),
    run: notificationRunner(ctx.output),
  };
}

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
  logChannel ??= vscode.window.createOutputChannel(vscode.l10n.t('Observability Lab: Sandbox'));
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

/** Clears a program setting wherever it is set (user, workspace, folder), so the sandbox finds or downloads the program. */
async function clearProgramSetting(setting: string): Promise<void> {
  const key = setting.slice('obslab.'.length);
  const cfg = vscode.workspace.getConfiguration('obslab');
  const seen = cfg.inspect<string>(key);
  if (seen?.globalValue !== undefined) await cfg.update(key, undefined, vscode.ConfigurationTarget.Global);
  if (seen?.workspaceValue !== undefined) await cfg.update(key, undefined, vscode.ConfigurationTarget.Workspace);
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const inFolder = vscode.workspace.getConfiguration('obslab', folder.uri);
    if (inFolder.inspect<string>(key)?.workspaceFolderValue !== undefined)
      await inFolder.update(key, undefined, vscode.ConfigurationTarget.WorkspaceFolder);
  }
}

/**
 * When a program the settings (or $OBSLAB_COLLECTOR / $OBSLAB_PROMETHEUS) name is not there yet:
 * the offer to wait for it, to name another, or to clear the setting. 'go': every given program
 * is there (or the wait saw it arrive and settle); 'again': a setting was cleared, so read the
 * options again; 'stop': the student was told, and the sandbox is not started.
 */
async function givenProgramsThere(ctx: Ctx, parts: Partial<SandboxPartsOptions>): Promise<'go' | 'again' | 'stop'> {
  const given = givenSandboxPrograms(
    {
      ...(parts.collector ? { collector: parts.collector.path } : {}),
      ...(parts.prometheus ? { prometheus: parts.prometheus.path } : {}),
    },
    process.env,
  ).map((g) => ({ ...g, path: resolve(g.path) }));
  const missing = programsToWaitFor(given.map((g) => ({ ...g, look: lookAtProgram(g.path) })));
  const first = missing[0];
  if (!first) return 'go';
  const message = missingProgramsMessage(missing);
  ctx.output.appendLine(`[sandbox] ${message}`);
  const bySetting = missing.filter((m) => m.from === programSettings[m.part]);
  const [waitLabel, settingsLabel, findLabel] = [waitForProgramLabel(), openSettingsLabel(), findOrDownloadLabel()];
  const pick = await vscode.window.showErrorMessage(
    vscode.l10n.t('Observability Lab: {0}', message),
    waitLabel,
    settingsLabel,
    ...(bySetting.length ? [findLabel] : []),
  );
  if (pick === settingsLabel) {
    await vscode.commands.executeCommand('workbench.action.openSettings', programSettings[first.part]);
    return 'stop';
  }
  if (pick === findLabel) {
    for (const m of bySetting) await clearProgramSetting(m.from);
    ctx.output.appendLine(`[sandbox] cleared ${bySetting.map((m) => m.from).join(', ')}; finding the programs instead`);
    return 'again';
  }
  if (pick !== waitLabel) return 'stop';

  ctx.output.appendLine(`[sandbox] waiting for ${missing.map((m) => m.path).join(', ')}`);
  // Each program's previous look: one that just appeared must keep its size for a look before it runs.
  const absent: ProgramLook = { exists: false, isFile: false, executable: false, size: 0, mtimeMs: 0 };
  const looks = new Map<string, ProgramLook>(missing.map((m) => [m.path, absent]));
  // ready() looks only once every path exists; the progress then shows what ready() saw, else it looks itself.
  let readyLooked = false;
  const states = (): { part: SandboxProgramPart; state: ProgramState }[] =>
    missing.map((m) => {
      const now = lookAtProgram(m.path);
      const state = programState(now, looks.get(m.path));
      looks.set(m.path, now);
      return { part: m.part, state };
    });
  let shown: { part: SandboxProgramPart; state: ProgramState }[] = [];
  const ready = (): boolean => {
    readyLooked = true;
    shown = states();
    return shown.every((s) => s.state === 'ready');
  };
  const outcome = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Observability Lab: {0}', programsWaitingTitle(missing)),
      cancellable: true,
    },
    (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      return waitForFiles(
        missing.map((m) => m.path),
        {
          intervalMs: programPollMs,
          timeoutMs: programWaitMaxMs,
          signal: abort.signal,
          all: true,
          ready,
          onTick: (ms) => {
            if (!readyLooked) shown = states();
            readyLooked = false;
            progress.report({ message: programsWaitProgress(ms, shown) });
          },
        },
      ).finally(() => sub.dispose());
    },
  );
  if (outcome !== 'appeared') {
    const how = outcome === 'aborted' ? 'cancelled' : 'timed-out';
    const ended = programWaitEndedMessage(how, missing);
    ctx.output.appendLine(`[sandbox] ${ended}`);
    void vscode.window.showWarningMessage(vscode.l10n.t('Observability Lab: {0}', ended));
    return 'stop';
  }
  ctx.output.appendLine(`[sandbox] ${missing.map((m) => m.path).join(', ')} ready; starting the sandbox`);
  return 'go';
}

export const startSandboxCommand: CommandFactory = (ctx) => async () => {
  const lab = await findLabFolder(ctx);
  const output = ctx.output;
  try {
    const plan = await sandboxPlan(lab ? { labDir: lab.fsPath } : {});
    if (!(await approved(ctx, plan))) {
      output.appendLine(`[sandbox] not started: running the code in ${plan.lab ?? ''} was not approved`);
      return undefined;
    }
    let parts: Partial<SandboxPartsOptions> | undefined;
    for (;;) {
      parts = await partsOptions(ctx);
      if (!parts) {
        output.appendLine('[sandbox] not started: the configured program was not confirmed');
        return undefined;
      }
      const there = await givenProgramsThere(ctx, parts);
      if (there === 'stop') return undefined;
      if (there === 'go') break;
    }
    const programs = parts;
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Observability Lab: starting the sandbox'),
      },
      (progress) =>
        sandboxUp(
          {
            ...(lab ? { labDir: lab.fsPath } : {}),
            ...(plan.sha256 ? { approvedSha256: plan.sha256 } : {}),
            parts: programs,
          },
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
    for (const line of describeParts(result.parts)) output.appendLine(line);
    const prometheus = result.parts.find((p) => p.name === 'prometheus')?.url;
    const showStatus = vscode.l10n.t('Show Status');
    const showLogs = vscode.l10n.t('Show Logs');
    const stopSandbox = vscode.l10n.t('Stop Sandbox');
    const pick = await vscode.window.showInformationMessage(
      result.alreadyRunning
        ? vscode.l10n.t(
            "Observability Lab: the sandbox was already running; Prometheus at {0} scrapes the collector's telemetry and metrics.",
            prometheus ?? vscode.l10n.t('(unknown)'),
          )
        : vscode.l10n.t(
            "Observability Lab: the sandbox is up; Prometheus at {0} scrapes the collector's telemetry and metrics.",
            prometheus ?? vscode.l10n.t('(unknown)'),
          ),
      showStatus,
      showLogs,
      stopSandbox,
    );
    if (pick === showStatus) output.show(true);
    if (pick === showLogs) logChannel?.show(true);
    if (pick === stopSandbox) await vscode.commands.executeCommand('obslab.stopSandbox');
    return result.parts;
  } catch (e) {
    if (!(e instanceof SandboxError)) throw e;
    output.appendLine(`[sandbox] ${e.message}`);
    if (e instanceof SandboxCancelled) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Observability Lab: {0}. The sandbox was not started.', e.reason),
      );
      return undefined;
    }
    const pick = await vscode.window.showErrorMessage(
      vscode.l10n.t(
        "Observability Lab: the sandbox's {0} did not start: {1}. {2}.",
        e.part,
        e.reason,
        `${e.fix.charAt(0).toUpperCase()}${e.fix.slice(1)}`,
      ),
      vscode.l10n.t('Show Log'),
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
  const message = stopped.length
    ? vscode.l10n.t('stopped {0}', stopped.map((s) => s.name).join(', '))
    : vscode.l10n.t('nothing was running');
  ctx.output.appendLine(`[sandbox] ${message}`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Observability Lab sandbox: {0}.', message));
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
  for (const line of describeParts(parts)) ctx.output.appendLine(line);
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
