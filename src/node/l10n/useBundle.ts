// Outside the editor (the CLI, the lint process) text is translated by @vscode/l10n from the same
// l10n/bundle.l10n.<locale>.json the editor reads: its own l10n.t calls and src/core's t`…` alike.
// An unreadable bundle is passed over: English is always right.
import * as l10n from '@vscode/l10n';
import { installTranslator } from '../../core/text/l10n';

/** Speaks the bundle at `file` (English when undefined or unreadable); true when one was loaded. */
export function useBundle(file: string | undefined): boolean {
  try {
    if (file) {
      l10n.config({ fsPath: file });
      installTranslator((message, args) => l10n.t(message, ...args));
      return true;
    }
  } catch {
    // fall through to English
  }
  l10n.config({ contents: {} });
  installTranslator(undefined);
  return false;
}
