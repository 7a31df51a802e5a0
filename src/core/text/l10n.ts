// Sentences made in src/core (findings, the doctor's links, Helm's failures, reports), translatable
// while the core stays pure: `t` is a template tag whose English, with {0}, {1}… where its values go,
// is the key in l10n/bundle.l10n.json, beside the editor's own strings (scripts/l10n.ts extracts
// every t`…` under src/core). Whoever shows the text installs a translator once: the editor
// vscode.l10n.t, the CLI and the lint process @vscode/l10n's l10n.t, a panel the bundle its host
// sent. Until one is installed, and in tests, t gives the English exactly as a template literal would.
//
// The translator lives on globalThis under a registered symbol because the extension is several
// esbuild bundles loaded lazily into one extension host: each has its own copy of this module, and
// the one translator installed at activation must reach them all.

/** Translates `message` (English, with {0}, {1}… placeholders) and fills in `args`. */
export type Translator = (message: string, args: string[]) => string;

const slot = Symbol.for('obslab.l10n.translator');
type Holder = { [slot]?: Translator };

/** Makes every t`…` after this call speak through `translator`; undefined goes back to English. */
export function installTranslator(translator: Translator | undefined): void {
  const holder = globalThis as Holder;
  if (translator) holder[slot] = translator;
  else delete holder[slot];
}

/** The key of a template: its literal parts joined by {0}, {1}… (what scripts/l10n.ts extracts). */
export function messageKey(parts: readonly string[]): string {
  return parts.reduce((key, part, i) => (i === 0 ? part : `${key}{${i - 1}}${part}`), '');
}

/**
 * Fills {0}, {1}… in `message` with `args` exactly as VS Code and @vscode/l10n do: one pass, so a
 * value that itself holds "{0}" is left as it is; and any `{…}` is taken for a placeholder, so a
 * literal brace before a placeholder swallows it (`{"{0}": 1}` is never filled): such text goes in
 * as a value, and test/unit/l10n.test.ts holds every key to it.
 */
export function fillMessage(message: string, args: readonly string[]): string {
  return message.replace(/\{([^}]+)\}/g, (whole, key: string) =>
    /^\d+$/.test(key) ? (args[Number(key)] ?? whole) : whole,
  );
}

/** A translator from a bundle's contents (key → translation), for a panel given them by its host. */
export function bundleTranslator(bundle: Readonly<Record<string, string>>): Translator {
  return (message, args) => fillMessage(Object.hasOwn(bundle, message) ? (bundle[message] ?? message) : message, args);
}

/** A translatable sentence: t`Service ${name} selects nothing.` */
export function t(parts: TemplateStringsArray, ...values: unknown[]): string {
  const args = values.map(String);
  const translator = (globalThis as Holder)[slot];
  if (translator) return translator(messageKey(parts), args);
  return parts.reduce((text, part, i) => (i === 0 ? part : text + (args[i - 1] ?? '') + part), '');
}
