// A page's fixed texts in the display language: the host translated them (vscode.l10n) and wrote
// them into the page's HTML as a JSON block (src/ui/webviewHtml.ts); English is the fallback.
// Sentences src/core makes in the page itself (t`…`: the IRSA what-if, the doctor's report text)
// are translated from the bundle the host wrote beside them, in a language other than English.
import { pickStrings } from '../../core/protocol/pageStrings';
import { bundleTranslator, installTranslator } from '../../core/text/l10n';

export { fillPlaceholders } from '../../core/protocol/pageStrings';

function jsonBlock(id: string): unknown {
  try {
    return JSON.parse(document.getElementById(id)?.textContent ?? '{}');
  } catch {
    return undefined;
  }
}

/** Installs the translator of the bundle the host wrote (#obslab-l10n), if it wrote one. */
function useHostBundle(): void {
  const given = jsonBlock('obslab-l10n');
  if (!given || typeof given !== 'object') return;
  const bundle = Object.fromEntries(
    Object.entries(given).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  if (Object.keys(bundle).length) installTranslator(bundleTranslator(bundle));
}

/** The page's strings: what the host wrote for each key of `english`, else the English; and its bundle for t`…`. */
export function pageStrings<T extends Record<string, string>>(english: T): T {
  useHostBundle();
  return pickStrings(english, jsonBlock('obslab-strings'));
}
