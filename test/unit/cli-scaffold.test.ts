import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { Io } from '../../src/cli/io';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe('obslab scaffold', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'obslab-scaffold-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes the lab into a new folder and reports each file', () => {
    const io = capture();
    assert.equal(main(['scaffold', join(root, 'lab'), '--release', 'kps'], io), 0);
    assert.match(io.stdout[0] ?? '', /^Wrote 17 lab file\(s\)/);
    assert.match(readFileSync(join(root, 'lab', 'k8s', 'otel-servicemonitors.yaml'), 'utf8'), /release: kps/);
    assert.ok(existsSync(join(root, 'lab', 'obslab-lab.json')));
  });

  it('prints JSON with --format json and changes nothing on a second run', () => {
    const dir = join(root, 'lab');
    assert.equal(main(['scaffold', dir], capture()), 0);
    const io = capture();
    assert.equal(main(['scaffold', dir, '--format', 'json'], io), 0);
    const report = JSON.parse(io.stdout.join('\n')) as { written: string[]; unchanged: string[] };
    assert.deepEqual(report.written, []);
    assert.equal(report.unchanged.length, 17);
  });

  it('shows a diff and keeps a file the student changed, unless --overwrite', () => {
    const dir = join(root, 'lab');
    main(['scaffold', dir], capture());
    const app = join(dir, 'k8s', 'app.yaml');
    writeFileSync(app, 'my edits\n');
    const io = capture();
    assert.equal(main(['scaffold', dir, '--release', 'kps'], io), 1);
    assert.equal(readFileSync(app, 'utf8'), 'my edits\n');
    assert.match(io.stdout.join('\n'), /^-my edits$/m);
    assert.match(io.stderr.join('\n'), /differ from the lab's .*k8s\/app\.yaml.*nothing was written/);
    assert.doesNotMatch(
      readFileSync(join(dir, 'k8s', 'otel-servicemonitors.yaml'), 'utf8'),
      /release: kps/,
      'nothing else written either',
    );
    assert.equal(main(['scaffold', dir, '--overwrite'], capture()), 0);
    assert.match(readFileSync(app, 'utf8'), /kind: Deployment/);
  });

  it('refuses an invalid namespace with exit 2 and a one-line reason, writing nothing', () => {
    const io = capture();
    assert.equal(main(['scaffold', join(root, 'lab'), '--app-namespace', 'Bad_NS'], io), 2);
    assert.equal(io.stderr.length, 1);
    assert.match(io.stderr[0] ?? '', /^obslab scaffold: --app-namespace: 'Bad_NS' is not a DNS-1123 label/);
    assert.ok(!existsSync(join(root, 'lab')));
  });

  it('refuses a folder inside a file, writing nothing', () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'x');
    const io = capture();
    assert.equal(main(['scaffold', join(file, 'lab')], io), 1);
    assert.match(io.stderr[0] ?? '', /is a file, so .* cannot be a folder/);
    assert.deepEqual(readdirSync(root), ['plain-file']);
  });

  it('leaves nothing half-written when one file cannot be written', () => {
    // A file named like one of the lab's folders makes the last files unwritable for anyone.
    const dir = join(root, 'lab');
    mkdirSync(dir);
    writeFileSync(join(dir, 'queries'), 'in the way\n');
    const io = capture();
    assert.equal(main(['scaffold', dir], io), 1);
    // Found before anything is written, and named.
    assert.match(io.stderr[0] ?? '', /lab\/queries is a file where the lab needs a folder/);
    assert.deepEqual(readdirSync(dir), ['queries']);
  });

  it('rejects unknown flags and a missing folder as usage errors', () => {
    assert.equal(main(['scaffold', '--bogus', 'x'], capture()), 2);
    assert.equal(main(['scaffold'], capture()), 2);
    assert.equal(main(['nonsense'], capture()), 2);
  });
});
