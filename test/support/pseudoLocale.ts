// Runs code as it runs in the pseudo-locale (every text of the bundle accented and bracketed, as
// `npm run l10n -- pseudo` writes it), and says what of a sentence no translation made: a test that
// finds English glue outside every ⟦…⟧ has found text that would stay English in any language.
import { pseudo } from '../../scripts/l10n';
import { fillMessage, installTranslator } from '../../src/core/text/l10n';

function install(): void {
  installTranslator((message, args) => fillMessage(pseudo(message), args));
}

/** `fn`'s result with t`…` speaking the pseudo-locale, English again afterwards. */
export function inPseudoLocale<T>(fn: () => T): T {
  install();
  try {
    return fn();
  } finally {
    installTranslator(undefined);
  }
}

export async function inPseudoLocaleAsync<T>(fn: () => Promise<T>): Promise<T> {
  install();
  try {
    return await fn();
  } finally {
    installTranslator(undefined);
  }
}

/**
 * The letters of `text` outside every ⟦…⟧ (nested spans count as one): '' when the whole sentence
 * came from translations, its values included (they are filled in inside the translated text).
 */
export function untranslated(text: string): string {
  let depth = 0;
  let rest = '';
  for (const ch of text) {
    if (ch === '⟦') depth++;
    else if (ch === '⟧') depth = Math.max(0, depth - 1);
    else if (depth === 0) rest += ch;
  }
  return rest.replace(/[^\p{L}]+/gu, ' ').trim();
}
