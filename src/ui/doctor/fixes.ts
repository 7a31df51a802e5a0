// Carrying out a doctor fix in the editor: a command runs after the student sees it, as
// programs with argument arrays (never a shell) in a terminal of its own; an edit opens the file
// at its range and is applied as a WorkspaceEdit (so Undo reverts it); a document opens in the
// editor or, for a URL, in the browser.
import * as vscode from 'vscode';
import type { CommandFix, DoctorFix } from '../../core/doctor/report';
import { commandText } from '../../core/doctor/text';
import { shellFor } from '../../core/shellQuote';
import { bundledCliResolver, runCommandSteps } from '../../node/doctor/commandSteps';

export interface FixOutcome {
  ok: boolean;
  message: string;
}

/** Where fixes run: the lab folder when known, and the extension's own CLI for `npx obslab`. */
export interface FixPlace {
  cwd?: string;
  /** dist/cli.js of this extension. */
  cli: string;
}

/** Runs the steps in a terminal that only shows their output (Ctrl+C stops them). */
function runInTerminal(fix: CommandFix, place: FixPlace, shown: string): void {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<void>();
  const abort = new AbortController();
  let running = false;
  const crlf = (t: string): string => t.replace(/\r?\n/g, '\r\n');
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: () => {
      running = true;
      write.fire(crlf(`${shown}\n\n`));
      void runCommandSteps(fix, {
        output: (t) => write.fire(crlf(t)),
        signal: abort.signal,
        resolve: bundledCliResolver(place.cli),
        ...(place.cwd ? { cwd: place.cwd } : {}),
      }).then((r) => {
        running = false;
        write.fire(
          crlf(
            `\n${vscode.l10n.t('{0} Run the doctor again to see the effect. Press any key to close this terminal.', r.message)}\n`,
          ),
        );
      });
    },
    close: () => abort.abort(),
    handleInput: (data) => {
      if (running && data === '\x03') abort.abort();
      else if (!running) close.fire();
    },
  };
  vscode.window.createTerminal({ name: vscode.l10n.t('Doctor: {0}', fix.title), pty }).show(true);
}

/** A program that needs a real terminal (kubectl edit opens an editor): the terminal runs it directly, no shell. */
function runInteractive(fix: CommandFix, place: FixPlace): void {
  const [step] = fix.steps;
  if (!step) return;
  const { file, args, env } = bundledCliResolver(place.cli)(step);
  vscode.window
    .createTerminal({
      name: vscode.l10n.t('Doctor: {0}', fix.title),
      shellPath: file,
      shellArgs: args,
      ...(place.cwd ? { cwd: place.cwd } : {}),
      ...(env ? { env } : {}),
    })
    .show(false);
}

/**
 * `expected` is the file's text when the doctor read it: an edit's ranges are only right for that
 * text, so a file changed since is not edited (the student runs the doctor again).
 */
export async function applyFix(
  fix: DoctorFix,
  expected: (file: string) => string | undefined,
  place: FixPlace,
): Promise<FixOutcome> {
  switch (fix.kind) {
    case 'command': {
      // Commands change the cluster or the sandbox: the student sees the exact words first,
      // quoted as they would type them (the runner itself passes them to the programs unquoted).
      const shown = commandText(fix, shellFor(process.platform));
      const run = await vscode.window.showInformationMessage(
        vscode.l10n.t('{0}?', fix.title),
        { modal: true, detail: vscode.l10n.t('Runs in a terminal:\n{0}', shown) },
        vscode.l10n.t('Run in Terminal'),
      );
      if (!run) return { ok: false, message: vscode.l10n.t('Not run.') };
      if (fix.interactive) runInteractive(fix, place);
      else runInTerminal(fix, place, shown);
      return {
        ok: true,
        message: vscode.l10n.t(
          'Running in the terminal "Doctor: {0}"; run the doctor again when it is done.',
          fix.title,
        ),
      };
    }
    case 'edit': {
      const uri = vscode.Uri.file(fix.file);
      let doc: vscode.TextDocument;
      try {
        doc = await vscode.workspace.openTextDocument(uri);
      } catch {
        return {
          ok: false,
          message: vscode.l10n.t('{0} cannot be opened (moved or deleted?): run the doctor again.', fix.file),
        };
      }
      const before = expected(fix.file);
      if (before !== undefined && doc.getText() !== before)
        return {
          ok: false,
          message: vscode.l10n.t(
            '{0} changed since the doctor read it, so the edit might land in the wrong place: run the doctor again.',
            vscode.workspace.asRelativePath(uri),
          ),
        };
      const edit = new vscode.WorkspaceEdit();
      for (const e of fix.edits) {
        edit.replace(
          vscode.Uri.file(e.file ?? fix.file),
          new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character),
          e.newText,
        );
      }
      const first = fix.edits[0];
      // Beside the report, so the student sees the edit and the link it fixes together.
      const editor = await vscode.window.showTextDocument(doc, {
        preview: false,
        viewColumn: vscode.ViewColumn.Beside,
        ...(first
          ? {
              selection: new vscode.Range(
                first.range.start.line,
                first.range.start.character,
                first.range.end.line,
                first.range.end.character,
              ),
            }
          : {}),
      });
      if (!(await vscode.workspace.applyEdit(edit)))
        return {
          ok: false,
          message: vscode.l10n.t('The edit of {0} was refused by the editor.', vscode.workspace.asRelativePath(uri)),
        };
      if (first) {
        const start = new vscode.Position(first.range.start.line, first.range.start.character);
        const lines = first.newText.split('\n');
        const end =
          lines.length > 1
            ? new vscode.Position(start.line + lines.length - 1, (lines[lines.length - 1] ?? '').length)
            : start.translate(0, first.newText.length);
        editor.selection = new vscode.Selection(start, end);
        editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
      return {
        ok: true,
        message: vscode.l10n.t(
          'Edited {0} (not saved; Undo reverts it). Save, apply it if it is a manifest, and run the doctor again.',
          vscode.workspace.asRelativePath(uri),
        ),
      };
    }
    case 'open': {
      if (/^https?:\/\//.test(fix.target)) {
        const opened = await vscode.env.openExternal(vscode.Uri.parse(fix.target));
        return opened
          ? { ok: true, message: vscode.l10n.t('Opened {0}.', fix.target) }
          : { ok: false, message: vscode.l10n.t('{0} could not be opened.', fix.target) };
      }
      try {
        await vscode.window.showTextDocument(vscode.Uri.file(fix.target), {
          preview: false,
          viewColumn: vscode.ViewColumn.Beside,
        });
        return { ok: true, message: vscode.l10n.t('Opened {0}.', vscode.workspace.asRelativePath(fix.target)) };
      } catch {
        return { ok: false, message: vscode.l10n.t('{0} cannot be opened (is it still there?).', fix.target) };
      }
    }
  }
}
