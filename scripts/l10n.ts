// The translation bundles. `npm run l10n` exports l10n/bundle.l10n.json (English, the translators'
// source) from every vscode.l10n.t / l10n.t call under src/ with @vscode/l10n-dev; package.nls.json
// is kept by hand beside package.json. `writePseudoLocale` writes qps-ploc bundles (each string accented
// and bracketed, placeholders, links and code kept) and the walkthrough's pages in that locale
// (<step>.nls.qps-ploc.md, where VS Code looks for a page's translation), so a test can show that
// no text escaped them.
//
// What is translated where: the sentences src/ui and src/cli compose go through vscode.l10n.t
// (the editor) and @vscode/l10n's l10n.t (the CLI), keyed by their English; l10n-dev extracts them.
// The sentences of src/core, src/node and the panels' pages (src/webview: findings, the doctor's,
// Helm's failures, reports, a page's own words) are t`…` templates of src/core/text/l10n.ts, which
// l10n-dev cannot read: coreMessages() extracts them with the TypeScript parser and exportBundle()
// adds them to the same bundle, so one file holds every text.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const root = join(__dirname, '..');
export const pseudoLocaleId = 'qps-ploc';

/** A bundle's entry is the text, or `{ message, comment }` when the call gave a comment. */
type BundleEntry = string | { message: string; comment?: string[] };

const accents: Record<string, string> = {
  a: 'á',
  e: 'é',
  i: 'í',
  o: 'ó',
  u: 'ú',
  c: 'ç',
  n: 'ñ',
  y: 'ý',
  A: 'Á',
  E: 'É',
  I: 'Í',
  O: 'Ó',
  U: 'Ú',
  C: 'Ç',
  N: 'Ñ',
  Y: 'Ý',
};

/** What a translation must keep as it is: placeholders, codicons, code, link targets, URLs, ids. */
const kept = /\{\d+\}|\$\([\w-]+\)|`[^`]*`|\]\([^)]*\)|https?:\/\/[^\s)]+|\bobslab\.[\w.-]+|\bcommand:[\w.?%-]+/g;

/**
 * The pseudo-translation of one text: `⟦Óbsérváb…⟧`, recognisable at a glance and in a test. Each
 * line is bracketed apart, and a line that is only a link (a walkthrough button) keeps its form so
 * VS Code still draws it as a button.
 */
export function pseudo(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (!line.trim()) return line;
      const button = /^\[([^\]]*)\](\([^)]*\))$/.exec(line);
      return button ? `[${keepAndAccent(button[1] ?? '')}]${button[2] ?? ''}` : `⟦${keepAndAccent(line)}⟧`;
    })
    .join('\n');
}

function keepAndAccent(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(kept)) {
    out += accent(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + accent(text.slice(last));
}

const accent = (s: string): string => s.replace(/[aeiouycnAEIOUYCN]/g, (c) => accents[c] ?? c);

/** l10n/bundle.l10n.json as exported, read back. */
export function readBundle(dir = root): Record<string, BundleEntry> {
  return JSON.parse(readFileSync(join(dir, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, BundleEntry>;
}

/** The pseudo-locale's two files: package.nls.<id>.json and l10n/bundle.l10n.<id>.json, under `outDir`. */
export function writePseudoLocale(outDir: string, from = root): string[] {
  const nls = JSON.parse(readFileSync(join(from, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const bundle = readBundle(from);
  const nlsOut = join(outDir, `package.nls.${pseudoLocaleId}.json`);
  const bundleOut = join(outDir, 'l10n', `bundle.l10n.${pseudoLocaleId}.json`);
  mkdirSync(dirname(bundleOut), { recursive: true });
  writeFileSync(
    nlsOut,
    `${JSON.stringify(Object.fromEntries(Object.entries(nls).map(([k, v]) => [k, pseudo(v)])), null, 2)}\n`,
  );
  writeFileSync(
    bundleOut,
    `${JSON.stringify(
      Object.fromEntries(Object.entries(bundle).map(([k, v]) => [k, pseudo(typeof v === 'string' ? v : v.message)])),
      null,
      2,
    )}\n`,
  );
  // The walkthrough's pages, where VS Code looks for a translation: <step>.nls.<locale>.md beside <step>.md.
  const pages = walkthroughMarkdown(from).map((page) => {
    const out = join(outDir, page.replace(/\.md$/, `.nls.${pseudoLocaleId}.md`));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, pseudoMarkdown(readFileSync(join(from, page), 'utf8')));
    return out;
  });
  return [nlsOut, bundleOut, ...pages];
}

/** The walkthrough steps' markdown pages, as package.json names them (relative to the package). */
export function walkthroughMarkdown(from = root): string[] {
  const manifest = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as {
    contributes?: { walkthroughs?: { steps?: { media?: { markdown?: string } }[] }[] };
  };
  return (manifest.contributes?.walkthroughs ?? []).flatMap((w) =>
    (w.steps ?? []).flatMap((s) => (s.media?.markdown ? [s.media.markdown] : [])),
  );
}

/**
 * A markdown page in the pseudo-locale, still the same markdown: code blocks and HTML stay as they
 * are, a line's block markers (#, -, 1., >) stay outside the brackets, and a table's cells are
 * translated one by one, so VS Code draws the same headings, lists, tables and buttons.
 */
export function pseudoMarkdown(text: string): string {
  let fenced = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*```/.test(line)) {
        fenced = !fenced;
        return line;
      }
      if (fenced || !line.trim() || /^\s*</.test(line) || /^\s*\|?[\s:|-]+\|?\s*$/.test(line)) return line;
      if (/^\s*\|/.test(line))
        return line
          .split('|')
          .map((cell) => (cell.trim() ? cell.replace(cell.trim(), pseudo(cell.trim())) : cell))
          .join('|');
      const [, marker = '', rest = ''] = /^(\s*(?:#{1,6}\s+|[-*+]\s+|\d+\.\s+|>\s*)*)(.*)$/.exec(line) ?? [];
      return marker + pseudo(rest);
    })
    .join('\n');
}

/** A t`…` of src/core/text/l10n.ts: its key and where it is. */
export interface CoreMessage {
  key: string;
  file: string;
  line: number;
}

/**
 * Every t`…` under src/core, src/node and src/webview, in file order, read with the TypeScript parser: the key is the
 * template's literal parts (cooked, as at run time) joined by {0}, {1}…, as messageKey makes it.
 * Only a `t` imported from text/l10n counts, so a local `t` (a time, a test) is never taken.
 */
export function coreMessages(from = root): CoreMessage[] {
  const out: CoreMessage[] = [];
  const files = (dir: string): string[] =>
    (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : [])
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  for (const file of ['core', 'node', 'webview'].flatMap((layer) => files(join(from, 'src', layer)))) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('text/l10n') && !file.endsWith(join('text', 'l10n.ts'))) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const imported = source.statements.some(
      (s) =>
        ts.isImportDeclaration(s) &&
        ts.isStringLiteral(s.moduleSpecifier) &&
        /(^|\/)text\/l10n$|^\.\/l10n$/.test(s.moduleSpecifier.text) &&
        s.importClause?.namedBindings !== undefined &&
        ts.isNamedImports(s.importClause.namedBindings) &&
        s.importClause.namedBindings.elements.some((e) => e.name.text === 't'),
    );
    if (!imported) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && node.tag.text === 't') {
        const tpl = node.template;
        const parts = ts.isNoSubstitutionTemplateLiteral(tpl)
          ? [tpl.text]
          : [tpl.head.text, ...tpl.templateSpans.map((s) => s.literal.text)];
        const key = parts.reduce((k, part, i) => (i === 0 ? part : `${k}{${i - 1}}${part}`), '');
        out.push({ key, file, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

/** l10n-dev's export of src/ (the editor's and the CLI's strings), then src/core's t`…` keys it lacks. */
export function mergedBundle(exported: Record<string, BundleEntry>, from = root): Record<string, BundleEntry> {
  const merged = { ...exported };
  for (const m of coreMessages(from)) if (!Object.hasOwn(merged, m.key)) merged[m.key] = m.key;
  return merged;
}

/** Runs @vscode/l10n-dev's export over src/ into l10n/ (argument array, no shell), and adds src/core's keys. */
export function exportBundle(): void {
  const cli = join(dirname(createRequire(__filename).resolve('@vscode/l10n-dev/package.json')), 'dist', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'export', '--outDir', join(root, 'l10n'), join(root, 'src')], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  // l10n-dev writes one line; Prettier's JSON keeps the file stable in reviews.
  const file = join(root, 'l10n', 'bundle.l10n.json');
  const exported = JSON.parse(readFileSync(file, 'utf8')) as Record<string, BundleEntry>;
  writeFileSync(file, `${JSON.stringify(mergedBundle(exported), null, 2)}\n`);
}

if (require.main === module) {
  const [what, outDir] = process.argv.slice(2);
  if (what === 'export') exportBundle();
  else if (what === 'pseudo' && outDir) console.log(writePseudoLocale(outDir).join('\n'));
  else {
    console.error('usage: tsx scripts/l10n.ts export | pseudo <outDir>');
    process.exit(2);
  }
}
