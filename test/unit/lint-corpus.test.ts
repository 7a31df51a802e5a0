// `obslab lint` on real public files nobody here wrote (test/fixtures/corpus, with SOURCES.md):
// outside a lab folder only what the files themselves show may be said, so no false error. Each
// folder is linted as a student would lint it, and what it says is pinned, with the reason for each
// finding, in test/fixtures/corpusExpected.ts.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runLint, type JsonFinding } from '../../src/cli/lint';
import { corpusExpected } from '../fixtures/corpusExpected';

const corpus = join(__dirname, '..', 'fixtures', 'corpus');
const folders = readdirSync(corpus)
  .filter((d) => statSync(join(corpus, d)).isDirectory())
  .sort();

async function lintFolder(folder: string): Promise<{ code: number; findings: JsonFinding[] }> {
  const out: string[] = [];
  const code = await runLint([join(corpus, folder), '--format', 'json'], {
    out: (l) => out.push(l),
    err: () => undefined,
  });
  return { code, findings: JSON.parse(out.join('\n')) as JsonFinding[] };
}

describe('lint: real public files (the corpus)', () => {
  it('holds at least 40 files of every kind, each with its source', () => {
    const files = folders.flatMap((d) => readdirSync(join(corpus, d)).map((f) => `${d}/${f}`));
    const sources = readFileSync(join(corpus, 'SOURCES.md'), 'utf8');
    assert.ok(files.length >= 40, `${files.length} files`);
    for (const f of files)
      assert.match(
        sources,
        new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\| [\\w.-]+/[\\w.-]+ \\| .+ \\| [0-9a-f]{40}`, 'm'),
        `SOURCES.md names ${f}`,
      );
    for (const kind of [/\.jmx$/, /\.json$/, /servicemonitor/i, /values/i, /otelcol|collector/i])
      assert.ok(
        files.some((f) => kind.test(f)),
        `a file matching ${kind}`,
      );
  });

  for (const folder of folders) {
    it(`${folder}: says what the files show, and no more`, async () => {
      const { code, findings } = await lintFolder(folder);
      const got = findings
        .map((f) => `${f.file.slice(f.file.indexOf(folder) + folder.length + 1)}:${f.line} ${f.severity} ${f.code}`)
        .sort();
      assert.deepEqual(
        got,
        [...(corpusExpected[folder] ?? [])].sort(),
        findings.map((f) => `${f.code}: ${f.message}`).join('\n'),
      );
      assert.equal(code, got.some((g) => g.includes(' error ')) ? 1 : 0);
    });
  }

  it('names no folder that is not there', () => {
    for (const folder of Object.keys(corpusExpected)) assert.ok(folders.includes(folder), folder);
  });
});
