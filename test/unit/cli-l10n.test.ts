// obslab speaks the user's language: in the pseudo-locale every line a command prints for a person
// (usage errors, refusals, progress, headings, summaries, --help) is made of translated text whole.
// The pseudo bundle is built here from what @vscode/l10n-dev exports from src/ today (so a new
// l10n.t key counts before the lead regenerates l10n/bundle.l10n.json), plus the bundle's and
// src/core's t`…` keys; t`…` itself speaks the pseudo-locale through inPseudoLocaleAsync.
// Lines that are data stay as they are and are left out: usage lines (syntax), finding lines
// (file:line:col, read by problem matchers), JSON, a diff, table rows, and lines whose words all come
// from src/core or src/node (their own tests hold those to the same rule).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { runApply } from '../../src/cli/apply';
import { runSandbox } from '../../src/cli/sandbox';
import type { Io } from '../../src/cli/io';
import { describePlan, formatProgress, runLoadtest } from '../../src/cli/loadtest';
import { goalLines, goalsIntro, judgeGoals, readRunGoals } from '../../src/cli/loadtestGoals';
import { commandSpecs, main } from '../../src/cli/main';
import { loadPlan } from '../../src/core/loadtest/plan';
import type { Progress } from '../../src/core/loadtest/stats';
import { summarizeJtl } from '../../src/core/loadtest/summary';
import { coreMessages, pseudo, readBundle } from '../../scripts/l10n';
import { inPseudoLocaleAsync, untranslated } from '../support/pseudoLocale';

const root = join(__dirname, '..', '..');
const planFile = join(root, 'templates', 'jmeter', 'hash-load.jmx');

/** Every key the CLI may ask for: l10n-dev's export of src/ now, the bundle's, and src/core's t`…`. */
function currentKeys(): string[] {
  const out = mkdtempSync(join(tmpdir(), 'obslab-cli-l10n-'));
  try {
    const cli = join(dirname(createRequire(__filename).resolve('@vscode/l10n-dev/package.json')), 'dist', 'cli.js');
    const r = spawnSync(process.execPath, [cli, 'export', '--outDir', out, join(root, 'src')], { encoding: 'utf8' });
    assert.equal(r.status, 0, `l10n-dev export failed:\n${r.stdout}${r.stderr}`);
    const exported = JSON.parse(readFileSync(join(out, 'bundle.l10n.json'), 'utf8')) as Record<string, unknown>;
    return [...Object.keys(exported), ...Object.keys(readBundle(root)), ...coreMessages(root).map((m) => m.key)];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

interface Run {
  code: number;
  out: string[];
  err: string[];
}

function capture(): Io & { out: (l: string) => void; lines: { out: string[]; err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] };
  return {
    lines,
    out: (l) => lines.out.push(...l.split('\n')),
    err: (l) => lines.err.push(...l.split('\n')),
  };
}

async function obslab(args: string[]): Promise<Run> {
  const io = capture();
  const code = await main(args, io);
  return { code, ...io.lines };
}

/** A usage line (or iam's following ones) or an empty line: syntax, not a sentence. */
const isUsage = (line: string): boolean => !line.trim() || /^usage: obslab /.test(line) || /^ {6,}obslab /.test(line);

/** The English left in `line` outside the translations, the program's name before a colon aside. */
function english(line: string, values: readonly string[] = []): string {
  let text = line.replace(/^obslab( [a-z-]+)*: /, '');
  for (const v of values) text = text.split(v).join(' ');
  return untranslated(text);
}

/** A finding as compilers print them (file:line:col: severity code: message), read by problem matchers. */
const isFinding = (line: string): boolean => /^\S+:\d+:\d+: (error|warning|info) \S+: /.test(line);

/** The lines of `lines` with English outside the translations (usage and finding lines, and `data`, left out). */
function untranslatedLines(lines: readonly string[], data: (line: string) => boolean = () => false): string[] {
  return lines.filter((l) => !isUsage(l) && !isFinding(l) && !data(l) && english(l) !== '');
}

describe('obslab in the pseudo-locale', function () {
  this.timeout(120_000);
  let dir = '';
  let contents: Record<string, string> = {};

  before(() => {
    contents = Object.fromEntries(currentKeys().map((k) => [k, pseudo(k)]));
    l10n.config({ contents });
    dir = mkdtempSync(join(tmpdir(), 'obslab-cli-l10n-run-'));
  });
  after(() => {
    l10n.config({ contents: {} });
    rmSync(dir, { recursive: true, force: true });
  });

  const pseudoRun = <T>(fn: () => Promise<T>): Promise<T> => inPseudoLocaleAsync(fn);

  it('translates the overview and the unknown-command refusal', async () => {
    const r = await pseudoRun(() => obslab(['no-such-command']));
    assert.equal(r.code, 2);
    assert.match(r.err[0] ?? '', /^⟦óbsláb: úñkñówñ çómmáñd 'no-such-command'⟧$/);
    // The overview's lines are usage syntax; its two words are translated.
    assert.ok(r.err.some((l) => l === '⟦çómmáñds:⟧'));
    assert.ok(r.err.some((l) => l.includes("⟦thát çómmáñd's óptíóñs⟧")));
  });

  it("translates every command's --help: summary, the options heading, each option's help and the notes", async () => {
    for (const spec of commandSpecs) {
      const r = await pseudoRun(() => obslab([...spec.command.split(' '), '--help']));
      assert.equal(r.code, 0, spec.command);
      const left: string[] = [];
      for (const line of r.out) {
        if (isUsage(line)) continue;
        // An option's row: its names (flags and value names) are syntax, its help a sentence.
        const row = /^ {2}-/.test(line) ? line.slice(Math.max(0, line.indexOf('⟦'))) : line;
        if (/^ {2}-/.test(line) && !line.includes('⟦')) left.push(line);
        else if (english(row) !== '') left.push(line);
      }
      assert.deepEqual(left, [], `obslab ${spec.command} --help`);
      assert.match(r.out.join('\n'), /⟦óptíóñs:⟧/);
      assert.match(r.out.join('\n'), /⟦príñt thís hélp áñd éxít⟧/);
    }
  });

  // Bad usage of every command, each refusal the CLI words itself (exit 2, the reason, the usage line).
  const refusals: string[][] = [
    ['scaffold'],
    ['scaffold', 'x', '--format', 'xml'],
    ['lint'],
    ['jtl'],
    ['names'],
    ['names', 'x'],
    ['names', 'x', '--kind', 'bogus'],
    ['names', 'x', '--kind', 'counter', '--via', 'prometheus-otlp', '--config', 'c.yaml'],
    ['names', 'x', '--kind', 'counter', '--config', '/nonexistent/obslab/c.yaml'],
    ['query'],
    ['query', 'up', '--range', 'soon'],
    ['query', 'up', '--step', '15s'],
    ['query', 'up', '--range', '5m', '--time', '1'],
    ['sandbox'],
    ['sandbox', 'sideways'],
    ['sandbox', 'up', '--app-port', '0'],
    ['loadtest'],
    ['loadtest', planFile, '--engine', 'gatling'],
    ['loadtest', planFile, '--remote', '10.0.0.5:1099'],
    ['loadtest', planFile, '--jmeter-properties', 'p.properties'],
    ['loadtest', planFile, '-J', 'novalue'],
    ['loadtest', '/nonexistent/obslab/plan.jmx'],
    ['loadtest', planFile, '--abort-delay', '5', '--goal', 'p95<200ms'],
    ['loadtest', planFile, '--abort-delay', 'later', '--abort-on-fail', '--goal', 'p95<200ms'],
    ['loadtest', planFile, '--abort-on-fail', '--goal', 'p95<200ms', '--junit', '/nonexistent/obslab/j.xml'],
    ['loadtest', planFile, '--ramp', '5s'],
    ['loadtest', planFile, '--rate', '10', '--engine', 'jmeter'],
    ['loadtest', planFile, '--rate', '10', '--max-connections', '0'],
    ['apply'],
    ['apply', 'x.yaml', '--dry-run', '--yes'],
    ['apply', 'x.yaml', '--wait-for-kubeconfig=later'],
    ['cleanup', 'somewhere'],
    ['iam'],
    ['iam', 'sideways'],
    ['iam', 'inspect'],
    ['iam', 'setup', 'extra'],
    ['iam', 'cleanup', 'extra'],
    ['doctor', 'extra'],
    ['doctor', '--sandbox', '--context', 'kind-lab'],
    ['doctor', '--context', ''],
    ['doctor', '--lab', '/nonexistent/obslab/lab'],
    ['doctor', '--kubeconfig', '/nonexistent/obslab/kubeconfig'],
    ['doctor', '--prometheus', 'prometheus:9090'],
    ['doctor', '--region', 'eu-west-1'],
    ['lint', '--bogus'],
  ];
  for (const args of refusals)
    it(`refuses \`obslab ${args.join(' ').replace(planFile, 'PLAN.jmx')}\` in translated words`, async () => {
      const r = await pseudoRun(() => obslab(args));
      assert.equal(r.code, 2, r.err.join('\n'));
      assert.ok(
        r.err.some((l) => l.includes('⟦')),
        r.err.join('\n'),
      );
      assert.deepEqual(untranslatedLines(r.err), []);
    });

  it('says what scaffold wrote, then what differs and that nothing was written', async () => {
    const lab = join(dir, 'lab');
    const first = await pseudoRun(() => obslab(['scaffold', lab]));
    assert.equal(first.code, 0, first.err.join('\n'));
    // The file rows (`  + k8s/app.yaml  purpose`) are a table: a sign, a path and src/core's purpose.
    assert.deepEqual(
      untranslatedLines(first.out, (l) => /^ {2}[=+~] /.test(l)),
      [],
    );
    assert.match(first.out[0] ?? '', /^⟦Ŵróté|^⟦Wróté/);
    writeFileSync(join(lab, 'k8s', 'app.yaml'), '# mine\n');
    const again = await pseudoRun(() => obslab(['scaffold', lab]));
    assert.equal(again.code, 1);
    assert.deepEqual(untranslatedLines(again.err), []);
    // The diff is data, but its file labels say whose each side is.
    assert.ok(
      again.out.some((l) => /^--- .*⟦.*\(ýóúrs\)⟧/.test(l)),
      again.out.slice(0, 3).join('\n'),
    );
    const rerun = await pseudoRun(() => obslab(['scaffold', lab, '--overwrite']));
    assert.equal(rerun.code, 0);
    assert.deepEqual(
      untranslatedLines(rerun.out, (l) => /^ {2}[=+~] /.test(l)),
      [],
    );
  });

  it("counts lint's findings in translated words (the finding lines are file:line:col data)", async () => {
    const r = await pseudoRun(() => obslab(['lint', join(root, 'test', 'fixtures', 'lab')]));
    assert.ok(r.code === 0 || r.code === 1, r.err.join('\n'));
    assert.deepEqual(untranslatedLines(r.out), []);
    assert.match(r.out.at(-1) ?? '', /^⟦\d+ fílé\(s\) çhéçkéd/);
  });

  it('says a .jtl without samples has none', async () => {
    const jtl = join(dir, 'empty.jtl');
    writeFileSync(
      jtl,
      readFileSync(join(root, 'test', 'fixtures', 'jtl', 'hash-load.jmeter.jtl'), 'utf8').split('\n')[0] + '\n',
    );
    const r = await pseudoRun(() => obslab(['jtl', jtl, '--format', 'json']));
    assert.equal(r.code, 1);
    assert.deepEqual(untranslatedLines(r.err), []);
    assert.ok(r.err.some((l) => l.includes('⟦')));
  });

  it("names an instrument's series and labels under translated headings", async () => {
    for (const args of [
      ['http.server.request.duration', '--unit', 's', '--kind', 'histogram'],
      ['jobs', '--kind', 'counter', '--delta', '--via', 'prometheus-otlp'],
    ]) {
      const r = await pseudoRun(() => obslab(['names', ...args]));
      // src/core's notes, `  (…)`, are its own.
      assert.deepEqual(
        untranslatedLines(r.out, (l) => /^ {2}\(/.test(l)),
        [],
        args.join(' '),
      );
    }
  });

  it("says when Prometheus has no data, and passes on Prometheus' warnings in translated words", async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] }, warnings: ['w1'] }));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const r = await pseudoRun(() => obslab(['query', 'up', '--prometheus', `http://127.0.0.1:${port}`]));
      assert.equal(r.code, 0, r.err.join('\n'));
      assert.deepEqual(r.out, ['⟦(ñó dátá)⟧']);
      assert.ok(
        r.err.some((l) => /⟦óbsláb qúérý: Próméthéús wárñs: w1⟧/.test(l)),
        r.err.join('\n'),
      );
      assert.deepEqual(untranslatedLines(r.err), []);
    } finally {
      server.close();
    }
  });

  it('describes the plan, the goals and the run before a load test starts, and why it could not run', async () => {
    const r = capture();
    const code = await pseudoRun(() =>
      runLoadtest([planFile, '--engine', 'jmeter', '--goal', 'p95<200ms', '--abort-on-fail', '--no-metrics'], r, {
        env: { PATH: '' },
      }),
    ).catch((e: unknown) => e);
    // No JMeter on an empty PATH: bad usage, in translated words, after the plan was described.
    assert.ok(code instanceof Error && english(code.message.split('\n')[0] ?? '') === '', String(code));
    assert.ok(r.lines.err.length >= 3, r.lines.err.join('\n'));
    assert.deepEqual(untranslatedLines(r.lines.err), []);

    // The built-in engine with the open model, whose worker script is missing: nothing to summarize.
    const worker = join(dir, 'no-such-worker.js');
    const open = capture();
    const jtl = join(dir, 'open.jtl');
    const openCode = await pseudoRun(() =>
      runLoadtest([planFile, '--rate', '1..5', '--ramp', '2s', '--no-metrics', '--jtl', jtl], open, {
        worker: { file: worker, execArgv: [] },
        fileHandles: false,
      }),
    );
    assert.equal(openCode, 1, open.lines.err.join('\n'));
    // The last line quotes src/node's worker message and the .jtl reader's; the rest is ours.
    const last = open.lines.err.at(-1) ?? '';
    assert.match(last, /⟦ñó résúlts tó súmmárízé: /);
    assert.deepEqual(untranslatedLines(open.lines.err.slice(0, -1)), []);
    assert.ok(
      open.lines.err.some((l) => l.startsWith('⟦Ópéñ módél: ')),
      open.lines.err.join('\n'),
    );
  });

  it("words the plan's description, each kind of progress line and the goals' verdict", async () => {
    const plan = loadPlan(readFileSync(planFile, 'utf8'), { file: 'hash-load.jmx' });
    const progress: Progress = {
      elapsedSec: 3,
      activeThreads: 4,
      rps: 12,
      errorRate: 0.01,
      window: { p50: 1, p95: 2, p99: 3, seconds: 5, samples: 40 },
      overall: { p50: 1, p95: 2, p99: 3, samples: 60, errors: 1, rps: 12 },
    };
    const open: Progress = {
      ...progress,
      open: {
        intendedRps: 5,
        achievedRps: 5,
        intended: 9,
        sent: 9,
        late: 0,
        dropped: 0,
        connections: 2,
        maxConnections: 10,
      },
    };
    const summary = summarizeJtl(readFileSync(join(root, 'test', 'fixtures', 'jtl', 'hash-load.jmeter.jtl'), 'utf8'));
    const lines = await pseudoRun(async () => {
      const goals = readRunGoals({ goal: ['p95<1ms', 'errors<100%'], 'abort-on-fail': true }, plan);
      const fromPlan = { ...goals, source: 'plan' as const };
      const others = ['ordinary-get.jmx', 'functions.jmx'].map((f) =>
        loadPlan(readFileSync(join(root, 'test', 'fixtures', 'jmx', f), 'utf8'), { file: f }),
      );
      return [
        ...[plan, ...others].flatMap((p) => describePlan(p).lines),
        formatProgress(progress),
        formatProgress(open),
        ...goalsIntro(goals),
        ...goalsIntro(fromPlan),
        // The goals' own lines (`  p95 < 1 ms: …`) are src/core's; the verdict's heading is ours.
        ...goalLines(judgeGoals(goals, summary)).slice(0, 1),
        ...goalLines(judgeGoals(goals, undefined)).slice(0, 1),
      ];
    });
    assert.ok(lines.length >= 8, lines.join('\n'));
    assert.deepEqual(untranslatedLines(lines), []);
  });

  it('says apply will apply nothing, in translated words, when a document is broken or there is none', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(
      broken,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\nkind: Service\nmetadata: {name: s}\n',
    );
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, '# nothing\n');
    for (const file of [broken, empty]) {
      const io = capture();
      assert.equal(await pseudoRun(() => runApply([file, '--yes'], io)), 1);
      // `file:line: reason` lines are src/core's.
      assert.deepEqual(
        untranslatedLines(io.lines.err, (l) => /^\/.*:\d+: /.test(l)),
        [],
      );
      assert.ok(
        io.lines.err.some((l) => l.startsWith('⟦óbsláb ápplý: ')),
        io.lines.err.join('\n'),
      );
    }
  });

  it("asks before the sandbox runs a lab folder's code, and says it did not start, in translated words", async () => {
    const lab = join(dir, 'sandbox-lab');
    assert.equal(await pseudoRun(async () => main(['scaffold', lab], capture())), 0);
    const n = (l: string): boolean => l.startsWith('⟦óbsláb sáñdbóx úp: ') || l.startsWith('obslab sandbox up: ');
    // No terminal: refused, after src/core's question (its own test holds it to the rule).
    const script = capture();
    assert.equal(await pseudoRun(() => runSandbox(['up', '--lab', lab], script, { interactive: false })), 2);
    const refusal = script.lines.err.filter(n);
    assert.equal(refusal.length, 1, script.lines.err.join('\n'));
    assert.deepEqual(untranslatedLines(refusal), []);
    // A person who says no: the question (its [y/N] is the answer's syntax) and the refusal.
    const asked: string[] = [];
    const person = capture();
    const code = await pseudoRun(() =>
      runSandbox(['up', '--lab', lab], person, {
        interactive: true,
        ask: (q) => {
          asked.push(q);
          return Promise.resolve('n');
        },
      }),
    );
    assert.equal(code, 2);
    assert.deepEqual(
      asked.map((q) => q.replace(/ \[y\/N\] $/, '')),
      ['⟦Rúñ ít?⟧'],
    );
    assert.deepEqual(untranslatedLines(person.lines.err.filter(n)), []);
    assert.equal(person.lines.err.filter(n).length, 1);
  });

  it("says iam setup's policy file is missing in translated words", async () => {
    const r = await pseudoRun(() => obslab(['iam', 'setup', '--policy', '/nonexistent/obslab/policy.json']));
    assert.equal(r.code, 1);
    assert.deepEqual(untranslatedLines(r.err), []);
  });

  it('is the same English as before without a bundle', async () => {
    l10n.config({ contents: {} });
    try {
      const r = await obslab(['scaffold']);
      assert.match(r.err[0] ?? '', /^obslab scaffold: scaffold takes one folder$/);
      const h = await obslab(['loadtest', '--help']);
      assert.ok(h.out.includes('options:'));
      assert.ok(
        h.out.some((l) => l.startsWith('Goals: [LABEL:] p50|p90|p95|p99|avg|max|errors|rps <|<=|>|>= BOUND (ms or s')),
      );
      assert.ok(
        h.out.includes('User Defined Variables named goal or goal.* are the goals. Exit 1 when a goal is missed.'),
      );
    } finally {
      l10n.config({ contents });
    }
  });
});
