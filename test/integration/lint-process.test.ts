// The editor's lint process for real: LintProcess (plain Node, as the extension uses it) forks the
// built dist/lintServer.js. Bad files end as notes, a killed server is reported once and comes back,
// a superseded answer is dropped, and the answers equal `obslab lint --format json` for the same folder.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runLint, toJson, type JsonFinding } from '../../src/cli/lint';
import { LintProcess, LintProcessCrashed, LintProcessStopped, type LintAnswer } from '../../src/node/lint/lintProcess';
import type { LintParams } from '../../src/node/lint/protocol';
import { ensureBuilt } from '../support/builtDist';
import { writeHostileFiles } from '../support/hostileFiles';
import { renderLab } from '../support/lab';

const root = join(__dirname, '..', '..');
const serverModule = join(root, 'dist', 'lintServer.js');

function writeTree(dir: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function cliJson(path: string): Promise<JsonFinding[]> {
  const out: string[] = [];
  const code = await runLint([path, '--format', 'json'], { out: (l) => out.push(l), err: (l) => assert.fail(l) });
  assert.ok(code === 0 || code === 1);
  return JSON.parse(out.join('\n')) as JsonFinding[];
}

function flat(answer: LintAnswer | undefined): JsonFinding[] {
  assert.ok(answer, 'an answer, not superseded');
  return answer.files.flatMap((f) => f.findings.map(toJson));
}

const sortJson = (xs: JsonFinding[]): string[] => xs.map((x) => JSON.stringify(x)).sort();

const base = {
  documents: [],
  helmRelease: 'prometheus',
  labRules: false,
  withKindSchemas: true,
} satisfies Partial<LintParams>;

const deployment =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:latest\n          ports:\n            - name: http\n              containerPort: 80\n';
const service =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: webb\n  ports:\n    - port: 80\n      targetPort: web\n';

describe('lint process (dist/lintServer.js)', function () {
  this.timeout(120_000);
  let tmp: string;
  let lab: string;
  let plain: string;
  let bad: string;
  const crashes: string[] = [];
  let proc: LintProcess;

  before(() => {
    ensureBuilt(['lintServer.js', 'cli.js']);
    tmp = mkdtempSync(join(tmpdir(), 'obslab-lint-process-'));
    lab = join(tmp, 'lab');
    for (const f of renderLab({ helmRelease: 'kps' }).values()) writeTree(lab, { [f.path]: f.content });
    // Something for the lab's rules to find: a ServiceMonitor for another release.
    writeTree(lab, {
      'k8s/extra-sm.yaml':
        'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: extra\n  namespace: monitoring\n  labels:\n    release: prometheus\nspec:\n  selector:\n    matchLabels:\n      app: otel-collector\n  endpoints:\n    - port: metrics\n',
    });
    plain = writeTree(join(tmp, 'plain'), {
      'deploy.yaml': deployment,
      'svc.yaml': service,
      'broken.json': '{"a": 1,}',
      'sub/collector.yaml':
        'receivers:\n  otlp:\n    protocols:\n      grpc:\nexporters:\n  logging: {}\nservice:\n  pipelines:\n    metrics:\n      receivers: [otlp]\n      exporters: [logging]\n',
    });
    bad = join(tmp, 'bad');
    mkdirSync(bad);
    writeHostileFiles(bad);
    writeFileSync(join(bad, 'ok.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata: {}\n');
    proc = new LintProcess({ serverModule, onCrash: (m) => crashes.push(m) });
  });

  after(async () => {
    await proc.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('lints a lab folder as a whole, with every file in the answer and open texts over disk', async () => {
    const sm = join(lab, 'k8s', 'otel-servicemonitors.yaml');
    const answer = await proc.lint({
      ...base,
      scope: { dir: lab, lab: true },
      file: sm,
      labRules: true,
      helmRelease: 'kps',
      helmReleaseGiven: true,
    });
    assert.ok(answer);
    const files = answer.files.map((f) => f.file);
    assert.ok(
      files.includes(join(lab, 'jmeter', 'hash-load.jmx')) &&
        files.includes(join(lab, 'iam', 'prometheus-iam-policy.json')),
      files.join('\n'),
    );
    assert.ok(
      answer.files
        .find((f) => f.file === join(lab, 'k8s', 'extra-sm.yaml'))
        ?.findings.some((f) => f.code === 'servicemonitor/release-label-missing'),
    );
    assert.ok(answer.stats.maxRss > 0 && answer.stats.rss > 0);
    // The editor's unsaved text: the same ServiceMonitor, broken.
    const unsaved = await proc.lint({
      ...base,
      scope: { dir: lab, lab: true },
      file: sm,
      labRules: true,
      helmRelease: 'kps',
      documents: [{ file: sm, text: 'kind: [' }],
    });
    assert.ok(unsaved?.files.find((f) => f.file === sm)?.findings.some((f) => f.code === 'yaml/syntax'));
  });

  it('gives the same findings as `obslab lint DIR --format json`, for a lab folder and for a folder of a few files', async () => {
    const viaProcess = flat(
      await proc.lint({
        ...base,
        scope: { dir: lab, lab: true },
        labRules: true,
        helmRelease: 'kps',
        helmReleaseGiven: true,
      }),
    );
    const viaCli = await cliJson(lab);
    assert.ok(viaCli.length > 0);
    assert.deepEqual(sortJson(viaProcess), sortJson(viaCli));
    // Not a lab folder: the folder and its subfolder are two scopes, as the editor sees them.
    const scopes = [plain, join(plain, 'sub')];
    const answers = await Promise.all(scopes.map((dir) => proc.lint({ ...base, scope: { dir, lab: false } })));
    const plainCli = await cliJson(plain);
    assert.ok(
      plainCli.some((f) => f.file.endsWith('broken.json')) && plainCli.some((f) => f.file.endsWith('collector.yaml')),
    );
    assert.deepEqual(sortJson(answers.flatMap(flat)), sortJson(plainCli));
  });

  it('notes each bad file (a million deep, 300 MB sparse, a FIFO, a link loop, binary) and passes over package.json', async () => {
    const started = Date.now();
    const answer = await proc.lint({ ...base, scope: { dir: bad, lab: false }, file: join(bad, 'ok.yaml') });
    assert.ok(answer);
    const byName = new Map(
      answer.files.map((f) => [
        f.file.slice(bad.length + 1),
        f.findings.map((x) => `${x.code}: ${x.message}`).join(' | '),
      ]),
    );
    assert.match(byName.get('deep.json') ?? '', /^lint\/file-skipped: .*nested 1000000 levels deep/);
    assert.match(byName.get('deep.yaml') ?? '', /^lint\/file-skipped: .*nested 1000000 levels deep/);
    assert.match(byName.get('huge.yaml') ?? '', /^lint\/file-skipped: .*300\.0 MB/);
    assert.match(byName.get('pipe.yaml') ?? '', /^lint\/file-skipped: .*FIFO/);
    assert.match(byName.get('loop-a.yaml') ?? '', /^lint\/file-skipped: .*loops/);
    assert.match(byName.get('binary.json') ?? '', /^lint\/file-skipped: .*binary/);
    assert.equal(byName.get('ok.yaml'), '');
    assert.equal(byName.has('package.json'), false);
    assert.ok(Date.now() - started < 30_000);
    // The CLI says the same about the same folder.
    assert.deepEqual(sortJson(flat(answer)), sortJson(await cliJson(bad)));
  });

  it('lints an untitled YAML document alone, by the name the editor gave it', async () => {
    const answer = await proc.lint({
      ...base,
      key: 'untitled:Untitled-1',
      documents: [{ file: 'untitled:Untitled-1', text: 'kind: [\n' }],
    });
    assert.deepEqual(
      answer?.files.map((f) => [f.file, f.findings.map((x) => x.code)]),
      [['untitled:Untitled-1', ['yaml/syntax']]],
    );
  });

  it('drops the answer to a request a newer one for the same scope superseded', async () => {
    const scope = { dir: plain, lab: false };
    const older = proc.lint({ ...base, scope, documents: [{ file: join(plain, 'svc.yaml'), text: 'kind: [' }] });
    const newer = proc.lint({ ...base, scope });
    const other = proc.lint({ ...base, scope: { dir: lab, lab: true }, labRules: true });
    assert.equal(await older, undefined);
    const answer = await newer;
    assert.ok(
      answer && !answer.files.some((f) => f.findings.some((x) => x.code === 'yaml/syntax')),
      'the newer answer, without the older text',
    );
    assert.ok(await other, 'another scope is not superseded');
  });

  it('reports a server killed mid-request once, and starts a new one on the next request', async () => {
    crashes.length = 0;
    const first = proc.pid;
    assert.ok(first);
    const inFlight = proc.lint({ ...base, scope: { dir: lab, lab: true }, labRules: true });
    process.kill(first, 'SIGKILL');
    await assert.rejects(inFlight, LintProcessCrashed);
    assert.equal(crashes.length, 1);
    assert.match(crashes[0] ?? '', /SIGKILL/);
    assert.equal(proc.pid, undefined);
    const answer = await proc.lint({ ...base, scope: { dir: lab, lab: true }, labRules: true });
    assert.ok(answer && answer.files.length > 5);
    assert.notEqual(proc.pid, first);
    assert.equal(crashes.length, 1, 'reported once');
  });

  it('stops restarting after three restarts within a minute, saying so once', async () => {
    const said: string[] = [];
    const p = new LintProcess({ serverModule, onCrash: (m) => said.push(m) });
    try {
      const kill = async (): Promise<void> => {
        const pending = p.lint({ ...base, scope: { dir: plain, lab: false } });
        process.kill(p.pid ?? 0, 'SIGKILL');
        await assert.rejects(pending, LintProcessCrashed);
      };
      await kill(); // the first start
      for (let restart = 1; restart <= 3; restart++) await kill();
      await assert.rejects(p.lint({ ...base, scope: { dir: plain, lab: false } }), LintProcessStopped);
      await assert.rejects(p.lint({ ...base, scope: { dir: plain, lab: false } }), LintProcessStopped);
      assert.equal(said.length, 5, said.join('\n'));
      assert.match(said[4] ?? '', /stopped; reload the window/);
    } finally {
      await p.dispose();
    }
  });

  it('ends a server that does not answer, reported like a crash', async () => {
    const silent = join(tmp, 'silent.js');
    writeFileSync(silent, "process.on('message', () => {});\n");
    const said: string[] = [];
    const p = new LintProcess({ serverModule: silent, requestTimeoutMs: 500, onCrash: (m) => said.push(m) });
    try {
      await assert.rejects(p.lint({ ...base, scope: { dir: plain, lab: false } }), LintProcessCrashed);
      assert.deepEqual(said, [
        'The lint process did not answer within 1 s and was stopped; it starts again with the next edit.',
      ]);
    } finally {
      await p.dispose();
    }
  });

  it('ends the server on dispose', async () => {
    const p = new LintProcess({ serverModule });
    await p.lint({ ...base, scope: { dir: plain, lab: false } });
    const pid = p.pid;
    assert.ok(pid);
    await p.dispose();
    assert.throws(() => process.kill(pid, 0), /ESRCH/);
    await assert.rejects(p.lint({ ...base, scope: { dir: plain, lab: false } }), LintProcessStopped);
  });
});
