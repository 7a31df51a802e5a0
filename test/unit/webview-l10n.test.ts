// The panels' own sentences are translated whole. One with elements in it (a metric name in
// <code>, a list of choices as buttons' names) is one t`…`: withNodes (src/webview/lib/dom.ts)
// gives the template a marker per element and puts each element back where the translation put
// its marker. And every page's t`…` reaches the bundle the host hands the page. (The pages
// themselves are seen in every language by test/integration/pseudo-pages.test.ts, in Chromium.)
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { coreMessages } from '../../scripts/l10n';
import { fillMessage, installTranslator, t } from '../../src/core/text/l10n';
import { withNodes } from '../../src/webview/lib/dom';
import { inPseudoLocale, untranslated } from '../support/pseudoLocale';

/** The query page's "Did you mean" sentence, with strings standing for its <code> elements. */
const didYouMean = (name: string, choices: string): (string | Node)[] =>
  withNodes((n, c) => t`${n} is not a metric this Prometheus has. Did you mean ${c}?`, name, choices);

describe("a panel's sentences with elements in them", () => {
  it('read in English as before, each element where the sentence names it', () => {
    assert.deepEqual(didYouMean('<name>', '<choices>'), [
      '<name>',
      ' is not a metric this Prometheus has. Did you mean ',
      '<choices>',
      '?',
    ]);
  });

  it('are translated whole in the pseudo-locale, the elements inside the translation', () => {
    const parts = inPseudoLocale(() => didYouMean('#1', '#2'));
    assert.deepEqual(
      parts.filter((p) => p === '#1' || p === '#2'),
      ['#1', '#2'],
    );
    assert.equal(untranslated(parts.join('')), '');
  });

  it('keep each element where a translation moved it', () => {
    installTranslator((message, args) => fillMessage(message === '{0} or {1}' ? '{1} oder {0}' : message, args));
    try {
      assert.deepEqual(
        withNodes((x, y) => t`${x} or ${y}`, 'A', 'B'),
        ['B', ' oder ', 'A'],
      );
    } finally {
      installTranslator(undefined);
    }
  });

  it("are in the bundle: every page's t`…` is extracted", () => {
    const pages = new Map<string, string[]>();
    for (const m of coreMessages())
      if (m.file.includes(join('src', 'webview'))) pages.set(m.file, [...(pages.get(m.file) ?? []), m.key]);
    const keys = [...pages.values()].flat();
    for (const page of ['query.ts', 'loadtest.ts', 'doctor.ts', 'iam.ts', 'pipeline.ts'])
      assert.ok(
        [...pages.keys()].some((f) => f.endsWith(join('webview', page))),
        `t\`…\` of ${page} extracted`,
      );
    for (const key of [
      '{0} is not a metric this Prometheus has. Did you mean {1}?',
      "The collector's pipelines as a graph: {0}. Each node is a button that opens its YAML.",
      'The verdicts if the role loses {0}',
      'req/s',
    ])
      assert.ok(keys.includes(key), key);
  });
});
