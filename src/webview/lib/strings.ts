// A page's fixed texts in the display language: the host translated them (vscode.l10n) and wrote
// them into the page's HTML as a JSON block (src/ui/webviewHtml.ts); English is the fallback.
import { pickStrings } from '../../core/protocol/pageStrings';

export { fillPlaceholders } from '../../core/protocol/pageStrings';

/** The page's strings: what the host wrote for each key of `english`, else the English. */
export function pageStrings<T extends Record<string, string>>(english: T): T {
  const block = document.getElementById('obslab-strings');
  let given: unknown;
  try {
    given = JSON.parse(block?.textContent ?? '{}');
  } catch {
    given = undefined;
  }
  return pickStrings(english, given);
}
