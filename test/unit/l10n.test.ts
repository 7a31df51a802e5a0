// Translations cannot drift from the code: every `%key%` of package.json has its English in
// package.nls.json (and nothing there is unused), every vscode.l10n.t / l10n.t call under src/ is in
// l10n/bundle.l10n.json as @vscode/l10n-dev exports it today, the manifest's user-facing strings
// are all keys, and the pseudo-locale and the CLI's locale choice behave.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { main } from '../../src/cli/main';
import { bundleFor, configureCliLocale, localeFromEnv } from '../../src/cli/l10n';
import {
  coreMessages,
  mergedBundle,
  pseudo,
  pseudoLocaleId,
  pseudoMarkdown,
  readBundle,
  walkthroughMarkdown,
  writePseudoLocale,
} from '../../scripts/l10n';
import { bundleTranslator, fillMessage, installTranslator, messageKey, t } from '../../src/core/text/l10n';
import { fillPlaceholders, pickStrings, pipelinePageEnglish } from '../../src/core/protocol/pageStrings';

const root = join(__dirname, '..', '..');
const manifestText = readFileSync(join(root, 'package.json'), 'utf8');
const manifest = JSON.parse(manifestText) as Record<string, unknown>;
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

/** Every string of the manifest with where it is (`contributes.commands.0.title`). */
function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}.${i}`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

describe('translations', () => {
  describe('package.json and package.nls.json', () => {
    const keys = [...manifestText.matchAll(/"%([^%"\s]+)%"/g)].map((m) => m[1] ?? '');

    it('has the English of every %key% package.json names', () => {
      assert.ok(keys.length > 50, 'package.json names its strings by key');
      for (const key of keys) assert.equal(typeof nls[key], 'string', `package.nls.json lacks "${key}"`);
    });

    it('holds no key package.json no longer names', () => {
      const used = new Set(keys);
      assert.deepEqual(
        Object.keys(nls).filter((k) => !used.has(k)),
        [],
      );
    });

    it('leaves no user-facing text in package.json itself: titles, categories, descriptions, walkthrough, views', () => {
      const userFacing =
        /^(displayName|description|capabilities\.untrustedWorkspaces\.description|contributes\.(commands\.\d+\.(title|category)|configuration\.(title|properties\.[^.]+(\.[^.]+)?\.(description|markdownDescription|enumDescriptions\.\d+))|walkthroughs\.\d+\.(title|description|steps\.\d+\.(title|description))|views\.\w+\.\d+\.name|viewsWelcome\.\d+\.contents))$/;
      const literal = strings(manifest).filter(([path, text]) => userFacing.test(path) && !/^%[^%]+%$/.test(text));
      assert.deepEqual(literal, []);
    });
  });

  describe('l10n/bundle.l10n.json', () => {
    it('is what @vscode/l10n-dev exports from src/ today: every vscode.l10n.t and l10n.t key, nothing stale', function () {
      this.timeout(120_000);
      const out = mkdtempSync(join(tmpdir(), 'obslab-l10n-'));
      try {
        const cli = join(dirname(createRequire(__filename).resolve('@vscode/l10n-dev/package.json')), 'dist', 'cli.js');
        const r = spawnSync(process.execPath, [cli, 'export', '--outDir', out, join(root, 'src')], {
          encoding: 'utf8',
        });
        assert.equal(r.status, 0, `l10n-dev export failed:\n${r.stdout}${r.stderr}`);
        const exported = JSON.parse(readFileSync(join(out, 'bundle.l10n.json'), 'utf8')) as Parameters<
          typeof mergedBundle
        >[0];
        assert.deepEqual(
          readBundle(root),
          mergedBundle(exported),
          'l10n/bundle.l10n.json is out of date: run `npm run l10n` and commit it',
        );
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });

  describe("src/core's sentences (t`…`)", () => {
    afterEach(() => installTranslator(undefined));

    it('are the English of a template literal until a translator is installed', () => {
      const name = 'otel-collector';
      const n = 2;
      assert.equal(t`Service ${name} selects ${n} pod(s).`, `Service ${name} selects ${n} pod(s).`);
      assert.equal(t`no values`, 'no values');
      assert.equal(t`${name}`, name);
    });

    it('are keyed by their literal parts with {0}, {1}… where the values go, and filled after translation', () => {
      assert.equal(messageKey(['Service ', ' selects ', ' pod(s).']), 'Service {0} selects {1} pod(s).');
      const seen: [string, string[]][] = [];
      installTranslator((message, args) => {
        seen.push([message, args]);
        return fillMessage(pseudo(message), args);
      });
      assert.equal(t`Service ${'a'} selects ${3} pod(s).`, '⟦Sérvíçé a séléçts 3 pód(s).⟧');
      assert.deepEqual(seen, [['Service {0} selects {1} pod(s).', ['a', '3']]]);
    });

    it('fill each placeholder once, as VS Code does: a value holding {0} stays, a brace that is no placeholder stays', () => {
      assert.equal(fillMessage('{0} and {1}', ['{1}', 'x']), '{1} and x');
      assert.equal(fillMessage('up{job="app"} {0} {5}', ['a']), 'up{job="app"} a {5}');
      const tr = bundleTranslator({ 'Hello {0}': 'Hallo {0}' });
      assert.equal(tr('Hello {0}', ['Welt']), 'Hallo Welt');
      assert.equal(tr('toString', []), 'toString');
    });

    it('reach a bundle loaded after the translator was installed: one translator for every bundle of the extension', () => {
      installTranslator(() => 'translated');
      const slot = Symbol.for('obslab.l10n.translator');
      assert.equal(typeof (globalThis as Record<symbol, unknown>)[slot], 'function');
      assert.equal(t`anything ${1}`, 'translated');
    });

    it('are extracted from src/core with the TypeScript parser, only where t comes from text/l10n', () => {
      const dir = mkdtempSync(join(tmpdir(), 'obslab-core-l10n-'));
      try {
        mkdirSync(join(dir, 'src', 'core', 'lint'), { recursive: true });
        writeFileSync(
          join(dir, 'src', 'core', 'lint', 'a.ts'),
          "import { t } from '../text/l10n';\n" +
            'export const m = (n: string, k: number) => t`Service ${n} has ${k} port(s)\u00e9.` + t`plain`;\n',
        );
        writeFileSync(
          join(dir, 'src', 'core', 'lint', 'b.ts'),
          'const t = (s: TemplateStringsArray) => s[0];\nexport const x = t`not ours`;\n',
        );
        assert.deepEqual(
          coreMessages(dir).map((m) => [m.key, m.line]),
          [
            ['Service {0} has {1} port(s)é.', 2],
            ['plain', 2],
          ],
        );
        assert.deepEqual(mergedBundle({ plain: 'plain', other: 'other' }, dir), {
          plain: 'plain',
          other: 'other',
          'Service {0} has {1} port(s)é.': 'Service {0} has {1} port(s)é.',
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('keep every placeholder fillable: no literal brace before one swallows it, as VS Code fills them', () => {
      const swallowed = Object.keys(readBundle(root)).filter((key) => {
        const count = new Set(key.match(/\{\d+\}/g) ?? []).size;
        return /\{\d+\}/.test(
          fillMessage(
            key,
            Array.from({ length: count }, (_, i) => `v${i}`),
          ),
        );
      });
      assert.deepEqual(swallowed, []);
      assert.equal(
        fillMessage('Add {"{0}:sub": 1}', ['x']),
        'Add {"{0}:sub": 1}',
        'the brace swallows the placeholder',
      );
    });

    it('are all in the bundle, none empty or a lone value', () => {
      const bundle = readBundle(root);
      for (const m of coreMessages(root)) {
        assert.ok(Object.hasOwn(bundle, m.key), `${m.file}:${m.line}: run npm run l10n`);
        // Values side by side ("{0} {1}: {2}") are kept: their order and punctuation may change in a language.
        assert.doesNotMatch(m.key, /^\s*(\{0\})?\s*$/, `${m.file}:${m.line}: nothing to translate`);
      }
    });
  });

  describe('the pseudo-locale', () => {
    it('accents and brackets the words, keeping placeholders, codicons, code, links and ids', () => {
      assert.equal(pseudo('Create Lab Files'), '⟦Çréáté Láb Fílés⟧');
      assert.equal(
        pseudo('wrote {0} file(s) to `lab/` [Run Doctor](command:obslab.runDoctor) $(plug) obslab.helmPath'),
        '⟦wróté {0} fílé(s) tó `lab/` [Rúñ Dóçtór](command:obslab.runDoctor) $(plug) obslab.helmPath⟧',
      );
    });

    it('brackets each line apart and keeps a line that is only a link a link, so a walkthrough button stays a button', () => {
      assert.equal(
        pseudo('Check the tools.\n[Check Prerequisites](command:obslab.checkPrerequisites)'),
        '⟦Çhéçk thé tóóls.⟧\n[Çhéçk Préréqúísítés](command:obslab.checkPrerequisites)',
      );
    });

    it('writes a qps-ploc package.nls and bundle with every key translated', () => {
      const out = mkdtempSync(join(tmpdir(), 'obslab-pseudo-'));
      try {
        const [nlsFile, bundleFile] = writePseudoLocale(out);
        const pn = JSON.parse(readFileSync(nlsFile ?? '', 'utf8')) as Record<string, string>;
        const pb = JSON.parse(readFileSync(bundleFile ?? '', 'utf8')) as Record<string, string>;
        assert.deepEqual(Object.keys(pn), Object.keys(nls));
        assert.deepEqual(Object.keys(pb), Object.keys(readBundle(root)));
        for (const v of [...Object.values(pn), ...Object.values(pb)])
          for (const line of v.split('\n').filter((l) => l.trim()))
            assert.match(line, /^(⟦.*⟧|\[[^\]]*\]\([^)]*\))$/, line);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });

  describe("the walkthrough's pages in the pseudo-locale", () => {
    it('translates headings, paragraphs, list items and table cells, and keeps code, HTML and the markdown around them', () => {
      const page = [
        '# Task 1: IAM',
        '',
        'Run **Create Policy** (`aws iam create-policy`).',
        '- first item',
        '  wrapped on',
        '1. numbered',
        '```bash',
        'kubectl get nodes',
        '```',
        '| Name | What |',
        '|---|:--|',
        '| `a` | the first |',
        '<img src="x.png" alt="">',
        '[Open Task 1 Files](command:obslab.openTaskFiles?%5B%22task1%22%5D)',
      ].join('\n');
      assert.equal(
        pseudoMarkdown(page),
        [
          '# ⟦Tásk 1: ÍÁM⟧',
          '',
          '⟦Rúñ **Çréáté Pólíçý** (`aws iam create-policy`).⟧',
          '- ⟦fírst ítém⟧',
          '  ⟦wráppéd óñ⟧',
          '1. ⟦ñúmbéréd⟧',
          '```bash',
          'kubectl get nodes',
          '```',
          '| ⟦Ñámé⟧ | ⟦Whát⟧ |',
          '|---|:--|',
          '| ⟦`a`⟧ | ⟦thé fírst⟧ |',
          '<img src="x.png" alt="">',
          '[Ópéñ Tásk 1 Fílés](command:obslab.openTaskFiles?%5B%22task1%22%5D)',
        ].join('\n'),
      );
    });

    it('writes every step page as <step>.nls.qps-ploc.md beside it, where VS Code looks for its translation', () => {
      const out = mkdtempSync(join(tmpdir(), 'obslab-pseudo-md-'));
      try {
        const written = writePseudoLocale(out).slice(2);
        assert.deepEqual(
          written.map((f) => f.slice(out.length + 1)),
          walkthroughMarkdown().map((m) => m.replace(/\.md$/, '.nls.qps-ploc.md')),
        );
        assert.ok(written.length >= 7);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });

  describe("a panel's fixed texts", () => {
    it('takes the known keys the host wrote, as strings only, and English for the rest', () => {
      const got = pickStrings(pipelinePageEnglish, { title: '⟦T⟧', findings: 7, extra: 'x' });
      assert.equal(got.title, '⟦T⟧');
      assert.equal(got.findings, 'Findings');
      assert.equal('extra' in got, false);
      assert.deepEqual(pickStrings(pipelinePageEnglish, undefined), pipelinePageEnglish);
    });

    it('fills {0}, {1}… in order and leaves a placeholder with no value as it is', () => {
      assert.equal(fillPlaceholders('{0} pipeline(s), {1} node(s), {2}', 2, 5), '2 pipeline(s), 5 node(s), {2}');
    });
  });

  describe("the CLI's locale", () => {
    afterEach(() => l10n.config({ contents: {} }));

    it('reads it from OBSLAB_LOCALE, else LC_ALL, LC_MESSAGES or LANG; C and POSIX are English', () => {
      assert.equal(localeFromEnv({ LANG: 'de_DE.UTF-8' }), 'de-de');
      assert.equal(localeFromEnv({ LANG: 'de_DE.UTF-8', LC_ALL: 'pt_BR' }), 'pt-br');
      assert.equal(localeFromEnv({ OBSLAB_LOCALE: 'qps-ploc', LANG: 'fr_FR' }), 'qps-ploc');
      assert.equal(localeFromEnv({ LANG: 'C.UTF-8' }), undefined);
      assert.equal(localeFromEnv({}), undefined);
      assert.equal(bundleFor('en-us'), undefined);
    });

    it('speaks a locale whose bundle the package has, and English otherwise', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'obslab-cli-l10n-'));
      try {
        writePseudoLocale(dir);
        const dirs = [join(dir, 'l10n')];
        const run = (): string => {
          const err: string[] = [];
          const code = main(['no-such-command'], { out: () => undefined, err: (l) => err.push(l) });
          assert.equal(code, 2);
          return err.join('\n');
        };
        assert.ok(configureCliLocale({ OBSLAB_LOCALE: pseudoLocaleId }, dirs));
        assert.match(run(), /^⟦óbsláb: úñkñówñ çómmáñd 'no-such-command'⟧\n/);
        assert.match(run(), /⟦çómmáñds:⟧/);
        const usage: string[] = [];
        assert.equal(await main(['lint', '--bogus'], { out: () => undefined, err: (l) => usage.push(l) }), 2);
        assert.match(usage.join('\n'), /⟦Úñkñówñ óptíóñ '--bogus'\./);
        assert.equal(configureCliLocale({ LANG: 'fr_FR.UTF-8' }, dirs), undefined);
        assert.match(run(), /^obslab: unknown command 'no-such-command'\n/);
        // A bundle that is not JSON: English, never a stack trace.
        mkdirSync(join(dir, 'bad'), { recursive: true });
        writeFileSync(join(dir, 'bad', 'bundle.l10n.xx.json'), '{not json');
        assert.equal(configureCliLocale({ OBSLAB_LOCALE: 'xx' }, [join(dir, 'bad')]), undefined);
        assert.match(run(), /^obslab: unknown command/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
