// Bad input never throws, hangs or blames the wrong thing: hostile YAML and XML, huge and
// binary files, and ten thousand mutations of real lab files.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../src/core/finding';
import { lint } from '../../src/core/lint/engine';
import type { LintInput } from '../../src/core/lint/model';
import { examples } from '../fixtures/findingExamples';
import { renderLab } from '../support/lab';

function checkShape(findings: Finding[]): void {
  for (const f of findings) {
    assert.ok(f.code && f.message && ['error', 'warning', 'info'].includes(f.severity), JSON.stringify(f));
    if (f.range)
      assert.ok(
        f.range.start.line >= 0 && f.range.start.character >= 0 && f.range.end.line >= f.range.start.line,
        JSON.stringify(f.range),
      );
    assert.notEqual(f.code, 'lint/internal-error', `a rule failed: ${f.message}`);
  }
}

describe('lint: hostile input', () => {
  const one = (file: string, text: string) => {
    const findings = lint([{ file, text }]);
    checkShape(findings);
    return findings;
  };

  it('reports deeply nested YAML as a syntax problem instead of overflowing', () => {
    assert.ok(one('deep.yaml', `${'['.repeat(20000)}${']'.repeat(20000)}`).every((f) => f.code === 'yaml/syntax'));
  });

  it('never expands YAML aliases (billion laughs)', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    assert.deepEqual(one('laughs.yaml', `${lines.join('\n')}\n`), []);
  });

  it('skips a 10 MB file and a binary one with a note', () => {
    assert.deepEqual(
      one('big.yaml', `a: "${'x'.repeat(10_000_000)}"\n`).map((f) => f.code),
      ['lint/file-skipped'],
    );
    assert.deepEqual(
      one('bin.yaml', 'a: b\u0000\u0001').map((f) => f.code),
      ['lint/file-skipped'],
    );
    assert.match(one('latin1.yaml', 'name: caf\uFFFD\n')[0]?.message ?? '', /not valid UTF-8/);
  });

  it('reports a ConfigMap whose embedded collector config is not YAML, inside the ConfigMap', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  collector.yaml: |\n    receivers: [otlp\n    exporters:\n';
    const f = one('cm.yaml', text).find((x) => x.code === 'collector/yaml-syntax');
    assert.ok(f);
    assert.ok((f.range?.start.line ?? 0) >= 6, 'the position is in the embedded text');
    assert.match(f.message, /in ConfigMap c, key collector\.yaml/);
  });

  it('refuses XML nested deeper than any real plan', () => {
    assert.match(
      one('deep.jmx', `<jmeterTestPlan>${'<a>'.repeat(100000)}${'</a>'.repeat(100000)}</jmeterTestPlan>`)[0]?.message ??
        '',
      /nested deeper than 500/,
    );
  });

  it('ignores files it does not lint', () => {
    assert.deepEqual(one('notes.txt', '\u0000 whatever'), []);
  });
});

/** A deterministic PRNG (mulberry32), so a failure can be replayed from its iteration. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const specials = [
  ':',
  '-',
  ' ',
  '\n',
  '  ',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '|',
  '>',
  '&a',
  '*a',
  '!!',
  '#',
  ',',
  '<',
  '>',
  '/>',
  '</',
  '${',
  '}',
  '\t',
  '0.0.0.0:',
  '99999',
  'null',
  '~',
  '---\n',
  '\u0000',
  '\uFFFD',
  'address: ',
  'readers:',
  '- pull:',
  'release: x',
];

function mutate(text: string, rand: () => number): string {
  let out = text;
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rand() * (out.length + 1));
    const op = Math.floor(rand() * 6);
    if (op === 0) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rand() * 20));
    else if (op === 1) out = out.slice(0, at) + (specials[Math.floor(rand() * specials.length)] ?? '') + out.slice(at);
    else if (op === 2) out = out.slice(0, at);
    else if (op === 3) {
      const lines = out.split('\n');
      const l = Math.floor(rand() * lines.length);
      lines.splice(l, 0, lines[Math.floor(rand() * lines.length)] ?? '');
      out = lines.join('\n');
    } else if (op === 4) {
      const lines = out.split('\n');
      const l = Math.floor(rand() * lines.length);
      lines[l] = ' '.repeat(Math.floor(rand() * 6)) + (lines[l] ?? '').trimStart();
      out = lines.join('\n');
    } else {
      out = out.slice(0, at) + String.fromCharCode(Math.floor(rand() * 128)) + out.slice(at + 1);
    }
  }
  return out;
}

describe('lint: fuzz', function () {
  this.timeout(300_000);

  it('survives 10,000 mutated documents from the corpus without a throw or a failing rule', () => {
    const root = join(__dirname, '..', 'fixtures');
    const corpus: LintInput[] = [
      ...readdirSync(join(root, 'lab')).map((f) => ({ file: f, text: readFileSync(join(root, 'lab', f), 'utf8') })),
      ...[...renderLab().values()]
        .filter((f) => /\.(ya?ml|json|jmx)$/.test(f.path))
        .map((f) => ({ file: f.path, text: f.content })),
      ...examples.flatMap((e) => Object.entries({ ...e.bad }).map(([file, text]) => ({ file, text }))),
    ];
    const rand = prng(20261125);
    for (let i = 0; i < 10_000; i++) {
      const target = corpus[Math.floor(rand() * corpus.length)] as LintInput;
      const mutated = { file: target.file, text: mutate(target.text, rand) };
      // Every tenth run, lint the mutant together with the rest, for the cross-resource rules.
      const inputs = i % 10 === 0 ? [mutated, ...corpus.filter((c) => c !== target).slice(0, 12)] : [mutated];
      let findings: Finding[];
      try {
        findings = lint(inputs);
      } catch (e) {
        assert.fail(
          `iteration ${i} (${target.file}) threw: ${e instanceof Error ? e.stack : String(e)}\n--- input ---\n${mutated.text}`,
        );
      }
      try {
        checkShape(findings);
      } catch (e) {
        assert.fail(
          `iteration ${i} (${target.file}): ${e instanceof Error ? e.message : String(e)}\n--- input ---\n${mutated.text}`,
        );
      }
    }
  });
});
