// The CLI speaks the editor's languages from the same bundles: the package's l10n/ folder holds
// bundle.l10n.<locale>.json beside the English bundle.l10n.json. @vscode/l10n reads the one for
// the user's locale (OBSLAB_LOCALE, else LC_ALL, LC_MESSAGES or LANG, as "de_DE.UTF-8"); without
// one, l10n.t formats the English it was given. src/core's sentences (findings, the doctor's) follow.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { useBundle } from '../node/l10n/useBundle';

/** "de_DE.UTF-8" → "de-de"; "C" and "POSIX" (no language) → undefined. */
export function localeFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env['OBSLAB_LOCALE'] || env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG'];
  const tag = raw?.split('.')[0]?.split('@')[0]?.replace(/_/g, '-').toLowerCase();
  return tag && tag !== 'c' && tag !== 'posix' ? tag : undefined;
}

/** dist/cli.js and src/cli/*.ts sit one and two levels below the package root. */
const l10nDirs = [join(__dirname, '..', 'l10n'), join(__dirname, '..', '..', 'l10n')];

/** The bundle for `locale` ("pt-br", then "pt"), if the package has one. */
export function bundleFor(locale: string | undefined, dirs: readonly string[] = l10nDirs): string | undefined {
  if (!locale || locale === 'en' || locale.startsWith('en-')) return undefined;
  const tries = [locale, locale.split('-')[0] ?? locale];
  for (const dir of dirs)
    for (const id of tries) {
      const file = join(dir, `bundle.l10n.${id}.json`);
      if (existsSync(file)) return file;
    }
  return undefined;
}

/** Loads the user's bundle, or English (an unreadable bundle is passed over: English is always right). */
export function configureCliLocale(env: NodeJS.ProcessEnv = process.env, dirs?: readonly string[]): string | undefined {
  const file = bundleFor(localeFromEnv(env), dirs);
  return useBundle(file) ? file : undefined;
}
