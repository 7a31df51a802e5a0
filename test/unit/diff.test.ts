import { strict as assert } from 'node:assert';
import { unifiedDiff } from '../../src/core/text/diff';

describe('unified diff', () => {
  it('shows a changed line with its context', () => {
    const d = unifiedDiff('a\nb\nc\nd\n', 'a\nB\nc\nd\n', 'old', 'new');
    assert.equal(d, ['--- old', '+++ new', '@@ -1,5 +1,5 @@', ' a', '-b', '+B', ' c', ' d', ' '].join('\n'));
  });

  it('keeps far-apart changes in separate hunks', () => {
    const a = Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n');
    const b = a.replace('l2', 'x2').replace('l25', 'x25');
    assert.equal(unifiedDiff(a, b, 'o', 'n').match(/^@@/gm)?.length, 2);
  });

  it('says nothing but the header when the texts are equal', () => {
    assert.equal(unifiedDiff('same', 'same', 'o', 'n'), '--- o\n+++ n');
  });
});
