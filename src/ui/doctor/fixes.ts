// Carrying out a doctor fix in the editor: a command runs in a terminal after the student sees it,
// an edit opens the file at its range and is applied as a WorkspaceEdit (so Undo reverts it), a
// document opens in the editor or, for a URL, in the browser.
import * as vscode from 'vscode';
import type { DoctorFix } from '../../core/doctor/report';

export interface FixOutcome {
  ok: boolean;
  message: string;
}

let terminal: vscode.Terminal | undefined;

function doctorTerminal(): vscode.Terminal {
  if (!terminal || terminal.exitStatus !== undefined) terminal = vscode.window.createTerminal({ name: 'Observability Lab: Doctor' });
  return terminal;
}

/**
 * `expected` is the file's text when the doctor read it: an edit's ranges are only right for that
 * text, so a file changed since is not edited (the student runs the doctor again).
 */
export async function applyFix(fix: DoctorFix, expected: (file: string) => string | undefined): Promise<FixOutcome> {
  switch (fix.kind) {
    case 'command': {
      // Commands change the cluster or the sandbox: the student sees the exact text first.
      const run = await vscode.window.showInformationMessage(`${fix.title}?`, { modal: true, detail: `Runs in a terminal:\n${fix.command}` }, 'Run in Terminal');
      if (!run) return { ok: false, message: 'Not run.' };
      const t = doctorTerminal();
      t.show(true);
      t.sendText(fix.command, true);
      return { ok: true, message: 'Running in the terminal "Observability Lab: Doctor"; run the doctor again when it is done.' };
    }
    case 'edit': {
      const uri = vscode.Uri.file(fix.file);
      let doc: vscode.TextDocument;
      try {
        doc = await vscode.workspace.openTextDocument(uri);
      } catch {
        return { ok: false, message: `${fix.file} cannot be opened (moved or deleted?): run the doctor again.` };
      }
      const before = expected(fix.file);
      if (before !== undefined && doc.getText() !== before) return { ok: false, message: `${vscode.workspace.asRelativePath(uri)} changed since the doctor read it, so the edit might land in the wrong place: run the doctor again.` };
      const edit = new vscode.WorkspaceEdit();
      for (const e of fix.edits) {
        edit.replace(vscode.Uri.file(e.file ?? fix.file), new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
      }
      const first = fix.edits[0];
      // Beside the report, so the student sees the edit and the link it fixes together.
      const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside, ...(first ? { selection: new vscode.Range(first.range.start.line, first.range.start.character, first.range.end.line, first.range.end.character) } : {}) });
      if (!(await vscode.workspace.applyEdit(edit))) return { ok: false, message: `The edit of ${vscode.workspace.asRelativePath(uri)} was refused by the editor.` };
      if (first) {
        const start = new vscode.Position(first.range.start.line, first.range.start.character);
        const lines = first.newText.split('\n');
        const end = lines.length > 1 ? new vscode.Position(start.line + lines.length - 1, (lines[lines.length - 1] ?? '').length) : start.translate(0, first.newText.length);
        editor.selection = new vscode.Selection(start, end);
        editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
      return { ok: true, message: `Edited ${vscode.workspace.asRelativePath(uri)} (not saved; Undo reverts it). Save, apply it if it is a manifest, and run the doctor again.` };
    }
    case 'open': {
      if (/^https?:\/\//.test(fix.target)) {
        const opened = await vscode.env.openExternal(vscode.Uri.parse(fix.target));
        return opened ? { ok: true, message: `Opened ${fix.target}.` } : { ok: false, message: `${fix.target} could not be opened.` };
      }
      try {
        await vscode.window.showTextDocument(vscode.Uri.file(fix.target), { preview: false, viewColumn: vscode.ViewColumn.Beside });
        return { ok: true, message: `Opened ${vscode.workspace.asRelativePath(fix.target)}.` };
      } catch {
        return { ok: false, message: `${fix.target} cannot be opened (is it still there?).` };
      }
    }
  }
}

export function disposeDoctorTerminal(): void {
  terminal?.dispose();
  terminal = undefined;
}
