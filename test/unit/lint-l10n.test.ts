// Findings speak the user's language: in the pseudo-locale every finding of every example (each
// code's bad and good files, and the lab as its authors wrote it) and every quick fix's title is
// made of translated text whole, with no English glue between the translated parts.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../src/core/finding';
import { lint } from '../../src/core/lint/engine';
import type { LintInput } from '../../src/core/lint/model';
import { loadCollectorSchema, loadKindSchemas } from '../../src/node/files/schemas';
import { examples } from '../fixtures/findingExamples';
import { inPseudoLocale, untranslated } from '../support/pseudoLocale';

const root = join(__dirname, '..', '..');
const schemas = loadKindSchemas(join(root, 'schemas'));
const collectorSchema = loadCollectorSchema(join(root, 'schemas'));
const inputs = (files: Record<string, string>): LintInput[] =>
  Object.entries(files).map(([file, text]) => ({ file, text }));

/** Each message or fix title with English left outside the translations, as "code: text". */
function english(findings: Finding[]): string[] {
  return findings.flatMap((f) =>
    [f.message, ...(f.fixes ?? []).map((x) => x.title)]
      .filter((text) => untranslated(text) !== '')
      .map((text) => `${f.code}: ${text}`),
  );
}

describe('findings in the pseudo-locale', () => {
  it('finds the untranslated part of a sentence, and nothing in one made whole of translations', () => {
    assert.equal(untranslated('⟦Sérvíçé a⟧; ⟦ñó éñdpóíñts⟧.'), '');
    assert.equal(untranslated('⟦Sérvíçé ⟦ñóñé⟧⟧ the API server rejects it.'), 'the API server rejects it');
  });

  for (const labRules of [true, false])
    it(`translates every finding of every code's examples whole (${labRules ? 'lab' : 'general'} rules)`, () => {
      const left = inPseudoLocale(() =>
        examples.flatMap((ex) =>
          [ex.bad, ex.good].flatMap((files) => english(lint(inputs(files), { schemas, collectorSchema, labRules }))),
        ),
      );
      assert.deepEqual([...new Set(left)], []);
    });

  it("translates every finding of the lab's own files whole", () => {
    const dir = join(root, 'test', 'fixtures', 'lab');
    const files = readdirSync(dir).map((name) => ({ file: name, text: readFileSync(join(dir, name), 'utf8') }));
    const left = inPseudoLocale(() => english(lint(files, { schemas, collectorSchema, labRules: true })));
    assert.deepEqual([...new Set(left)], []);
  });
});
