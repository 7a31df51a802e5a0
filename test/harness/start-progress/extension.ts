// A development-only extension that `npm start` installs beside Observability Lab in its
// code-server: a status-bar item and an output channel for what npm start still builds in the
// background (test/harness/prepare.ts). It is not part of the product: the product never knows how
// this repository prepares a machine. It reads two files named in its environment and does
// nothing when they are not named.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { PrepareProgress } from '../prepare';
import { stepLine, summary } from './text';

const pollMs = 2000;

function readProgress(file: string): PrepareProgress | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PrepareProgress;
  } catch {
    return undefined;
  }
}

export function activate(context: vscode.ExtensionContext): void {
  const progressFile = process.env['OBSLAB_START_PROGRESS'];
  const logFile = process.env['OBSLAB_START_LOG'];
  if (!progressFile) return;
  const channel = vscode.window.createOutputChannel('Lab setup (npm start)');
  const item = vscode.window.createStatusBarItem('obslabStart.progress', vscode.StatusBarAlignment.Left, -100);
  item.name = 'Lab setup (npm start)';
  item.command = 'obslabStart.showLog';
  context.subscriptions.push(
    channel,
    item,
    vscode.commands.registerCommand('obslabStart.showLog', () => channel.show(true)),
  );

  let offset = 0;
  const followLog = (): void => {
    if (!logFile) return;
    try {
      const size = statSync(logFile).size;
      if (size < offset) offset = 0;
      if (size === offset) return;
      const fd = openSync(logFile, 'r');
      try {
        const buf = Buffer.alloc(Math.min(size - offset, 1 << 20));
        const n = readSync(fd, buf, 0, buf.length, offset);
        offset += n;
        channel.append(buf.subarray(0, n).toString('utf8'));
      } finally {
        closeSync(fd);
      }
    } catch {
      // not written yet
    }
  };

  let hideAt: number | undefined;
  const tick = (): void => {
    followLog();
    const p = readProgress(progressFile);
    if (!p) {
      item.text = '$(sync~spin) Lab setup: starting';
      item.show();
      return;
    }
    const s = summary(p);
    item.text = s.text;
    const tip = new vscode.MarkdownString(
      `**npm start is still preparing the lab** (the walkthrough's first steps need none of this)\n\n` +
        p.steps.map((x) => `- ${stepLine(x)}`).join('\n') +
        `\n\nClick for the log.`,
      true,
    );
    item.tooltip = tip;
    item.show();
    if (s.done) {
      hideAt ??= Date.now() + 60_000;
      if (!p.steps.some((x) => x.state === 'failed') && Date.now() > hideAt) {
        item.hide();
        clearInterval(timer);
      }
    }
  };
  const timer = setInterval(tick, pollMs);
  context.subscriptions.push({ dispose: () => clearInterval(timer) });
  tick();
}

export function deactivate(): void {
  // the subscriptions end everything
}
