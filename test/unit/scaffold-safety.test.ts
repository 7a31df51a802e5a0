// The scaffold writes only inside the chosen folder and all or nothing: a symlinked k8s/ (or
// file) pointing outside is refused before anything is written, and a failure part-way through
// leaves the old files as they were, no new ones, and no .tmp or .bak files.
import { strict as assert } from 'node:assert';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Io } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { defaultParams } from '../../src/core/scaffold/params';
import { compareWithExisting, planLabFiles } from '../../src/core/scaffold/plan';
import {
  diskOps,
  existingReader,
  LabFolderError,
  templateReader,
  writeLabFolder,
  type LabFileOps,
} from '../../src/node/files/labFiles';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

/** Every file under `dir` with its text, by relative path. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

describe('scaffold: inside the chosen folder, all or nothing', () => {
  let root: string;
  let lab: string;
  let outside: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'obslab-scaffold-safety-'));
    lab = join(root, 'lab');
    outside = join(root, 'outside');
    mkdirSync(lab);
    mkdirSync(outside);
    writeFileSync(join(outside, 'app.yaml'), 'not yours\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a symlinked k8s/ pointing outside, writing nothing anywhere', () => {
    symlinkSync(outside, join(lab, 'k8s'));
    const io = capture();
    assert.equal(main(['scaffold', lab], io), 1);
    assert.match(
      io.stderr.join('\n'),
      /^obslab scaffold: .*lab\/k8s is a symbolic link: the lab files are written only inside .*lab, never through a link .* Replace the link with a real folder, or choose another folder$/,
    );
    assert.deepEqual(snapshot(outside), { 'app.yaml': 'not yours\n' });
    assert.deepEqual(readdirSync(lab), ['k8s'], 'nothing written in the lab either');
  });

  it('refuses a lab file that is a link, even with --overwrite, and leaves its target alone', () => {
    mkdirSync(join(lab, 'k8s'));
    symlinkSync(join(outside, 'app.yaml'), join(lab, 'k8s', 'app.yaml'));
    const io = capture();
    assert.equal(main(['scaffold', lab, '--overwrite'], io), 1);
    assert.match(io.stderr.join('\n'), /k8s\/app\.yaml is a symbolic link/);
    assert.equal(readFileSync(join(outside, 'app.yaml'), 'utf8'), 'not yours\n');
  });

  it('refuses a folder where a lab file goes, before writing anything', () => {
    mkdirSync(join(lab, 'queries', 'lab-queries.promql'), { recursive: true });
    const io = capture();
    assert.equal(main(['scaffold', lab], io), 1);
    assert.match(io.stderr.join('\n'), /queries\/lab-queries\.promql is a folder where the lab needs a file/);
    assert.deepEqual(snapshot(lab), {});
  });

  describe('a failure part-way', () => {
    /** The lab as written for release `old`; then the plan for release `next` over it. */
    function labThenPlan(): { before: Record<string, string>; planned: ReturnType<typeof compareWithExisting> } {
      assert.equal(main(['scaffold', lab, '--release', 'old'], capture()), 0);
      // Two files gone: the next write creates them anew (and must remove them again on failure).
      rmSync(join(lab, 'k8s', 'app.yaml'));
      rmSync(join(lab, 'app', 'app.py'));
      const before = snapshot(lab);
      const planned = compareWithExisting(
        planLabFiles({ ...defaultParams, helmRelease: 'next' }, templateReader()),
        existingReader(lab),
      );
      assert.ok(
        planned.filter((f) => f.status === 'changed').length >= 3 &&
          planned.filter((f) => f.status === 'new').length === 2,
      );
      return { before, planned };
    }

    /** Real file operations, with the `n`th call of `which` failing as a full disk would. */
    function failing(which: keyof LabFileOps, n: number): LabFileOps {
      let calls = 0;
      const fail = (): void => {
        if (++calls === n) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      };
      return {
        create: (p, c) => (which === 'create' && fail(), diskOps.create(p, c)),
        copy: (a, b) => (which === 'copy' && fail(), diskOps.copy(a, b)),
        rename: (a, b) => (which === 'rename' && fail(), diskOps.rename(a, b)),
      };
    }

    // Counted from the plan: the first and last of each step, and one in the middle.
    for (const [which, at] of [
      ['create', 'last'],
      ['copy', 'first'],
      ['copy', 'last'],
      ['rename', 'first'],
      ['rename', 'middle'],
      ['rename', 'last'],
    ] as const) {
      it(`leaves the old files, no new ones and no .tmp/.bak files when the ${at} ${which} fails`, () => {
        const { before, planned } = labThenPlan();
        const writes = planned.filter((f) => f.status !== 'same').length;
        const total = which === 'copy' ? planned.filter((f) => f.status === 'changed').length : writes;
        const n = at === 'first' ? 1 : at === 'last' ? total : Math.ceil(total / 2);
        assert.throws(
          () => writeLabFolder(lab, planned, failing(which, n)),
          (e: unknown) =>
            e instanceof LabFolderError &&
            /could not write the lab files into .*\(ENOSPC: no space left on device, write\); nothing was changed/.test(
              e.message,
            ),
        );
        assert.deepEqual(snapshot(lab), before);
      });
    }

    it('writes everything when nothing fails, leaving no .bak files', () => {
      const { planned } = labThenPlan();
      writeLabFolder(lab, planned);
      const after = snapshot(lab);
      assert.match(after['k8s/otel-servicemonitors.yaml'] ?? '', /release: next/);
      assert.ok(after['k8s/app.yaml'] && after['app/app.py']);
      assert.deepEqual(
        Object.keys(after).filter((f) => /\.(tmp|bak)$/.test(f)),
        [],
      );
    });
  });
});
