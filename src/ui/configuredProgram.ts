// Programs named by a setting (obslab.helmPath) run only after the student confirmed that path
// once: a folder's settings could name any file, and even `helm version` would run it. The answer
// is remembered per setting and path in the extension's global state.
import * as vscode from 'vscode';
import { configuredProgramQuestion, type SettingScope } from '../core/trust';
import type { Ctx } from './context';

const confirmedKey = 'obslab.confirmedPrograms';

function scopeOf(section: string, key: string): SettingScope {
  const seen = vscode.workspace.getConfiguration(section).inspect<string>(key);
  if (seen?.workspaceFolderValue) return 'folder';
  if (seen?.workspaceValue) return 'workspace';
  return 'user';
}

/**
 * True when `path` (the value of `setting`, e.g. obslab.helmPath) may run: confirmed now or before.
 * `purpose` finishes "Observability Lab runs it …".
 */
export async function confirmConfiguredProgram(
  ctx: Ctx,
  setting: string,
  path: string,
  purpose: string,
): Promise<boolean> {
  const id = `${setting}=${path}`;
  const confirmed = ctx.extension.globalState.get<string[]>(confirmedKey) ?? [];
  if (confirmed.includes(id)) return true;
  const dot = setting.indexOf('.');
  const q = configuredProgramQuestion(setting, path, scopeOf(setting.slice(0, dot), setting.slice(dot + 1)), purpose);
  const pick = await vscode.window.showWarningMessage(q.message, { modal: true, detail: q.detail }, q.run);
  if (pick !== q.run) return false;
  await ctx.extension.globalState.update(confirmedKey, [...confirmed, id]);
  return true;
}
