import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli/main';
import { lintUsage, runLint, type JsonFinding } from '../../src/cli/lint';
import { writeHostileFiles } from '../support/hostileFiles';
import { renderLab } from '../support/lab';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('obslab lint', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-lint-'));
    mkdirSync(join(dir, 'k8s'));
    writeFileSync(
      join(dir, 'k8s', 'sm.yaml'),
      'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: sm\n  labels:\n    release: kps\nspec:\n  selector:\n    matchLabels:\n      app: otel-collector\n  endpoints:\n    - port: metrics\n',
    );
    writeFileSync(join(dir, 'notes.txt'), 'not linted');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints findings as JSON with 1-based positions and exits 1 on an error', async () => {
    // Not a lab folder: the lab's release label is a lab rule, asked for with --lab-rules.
    const r = await run(['lint', dir, '--format', 'json', '--lab-rules']);
    assert.equal(r.code, 1);
    const findings = JSON.parse(r.out) as JsonFinding[];
    const f = findings.find((x) => x.code === 'servicemonitor/release-label-missing');
    assert.ok(f);
    assert.deepEqual(Object.keys(f).sort(), [
      'code',
      'column',
      'endColumn',
      'endLine',
      'file',
      'line',
      'message',
      'severity',
    ]);
    assert.equal(f.line, 6);
    assert.equal(f.column, 14);
    assert.match(f.file, /k8s\/sm\.yaml$/);
  });

  it('takes the Helm release name from --release, and exits 0 without errors', async () => {
    const r = await run(['lint', join(dir, 'k8s', 'sm.yaml'), '--release', 'kps']);
    assert.equal(r.code, 0);
    assert.match(r.out, /1 file\(s\) checked: 0 error\(s\)/);
  });

  it('exits 2 with a one-line reason for a path that does not exist, or bad usage', async () => {
    const missing = await run(['lint', join(dir, 'nope.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /nope\.yaml: no such file or folder/);
    assert.equal((await run(['lint'])).code, 2);
    assert.equal((await run(['lint', dir, '--format', 'xml'])).code, 2);
  });

  it('names --lab-rules in its usage', () => {
    assert.match(lintUsage, /\[--lab-rules\]/);
  });
});

/** Writes files (path relative to root: text) and returns root. */
function writeTree(root: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function lintJson(args: string[]): Promise<{ code: number; findings: JsonFinding[]; err: string }> {
  const r = await run(['lint', ...args, '--format', 'json']);
  return { code: r.code, findings: r.out ? (JSON.parse(r.out) as JsonFinding[]) : [], err: r.err };
}

const deployment =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports:\n            - name: http\n              containerPort: 80\n';
const service =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: http\n';

describe('obslab lint: one scope at a time', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'obslab-lint-scope-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lints sibling folders apart, so a Service in one is not matched with a Deployment in another', async () => {
    // b/ has a Service for app: web and a Deployment of app: api; a/ has the app: web Deployment.
    writeTree(root, {
      'a/deploy.yaml': deployment,
      'b/svc.yaml': `${service}---\n${deployment.replace(/web/g, 'api')}`,
    });
    const together = await lintJson([root]);
    const apart = [...(await lintJson([join(root, 'a')])).findings, ...(await lintJson([join(root, 'b')])).findings];
    assert.deepEqual(together.findings, apart);
    assert.ok(
      together.findings.some(
        (f) => f.code === 'k8s/service-selector-mismatch' && f.file.endsWith(join('b', 'svc.yaml')),
      ),
      JSON.stringify(together.findings),
    );
    // In one folder they are linted together, and the Service finds its pods.
    writeTree(root, {
      'c/deploy.yaml': deployment,
      'c/svc.yaml': `${service}---\n${deployment.replace(/web/g, 'api')}`,
    });
    assert.ok(!(await lintJson([join(root, 'c')])).findings.some((f) => f.code === 'k8s/service-selector-mismatch'));
  });

  it('lints a lab folder as a whole, subfolders included, with the release its obslab-lab.json names', async () => {
    for (const f of renderLab({ helmRelease: 'kps' }).values()) writeTree(root, { [join('lab', f.path)]: f.content });
    writeTree(root, {
      'lab/k8s/extra-sm.yaml':
        'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: extra\n  namespace: monitoring\n  labels:\n    release: prometheus\nspec:\n  selector:\n    matchLabels:\n      app: otel-collector\n  endpoints:\n    - port: metrics\n',
    });
    const r = await lintJson([join(root, 'lab')]);
    const f = r.findings.find((x) => x.code === 'servicemonitor/release-label-missing');
    assert.ok(f, JSON.stringify(r.findings.map((x) => x.code)));
    assert.match(f.file, /extra-sm\.yaml$/);
    assert.equal(r.code, 1);
    // Naming the lab's k8s/ folder groups its files under the lab folder all the same.
    assert.ok(
      (await lintJson([join(root, 'lab', 'k8s')])).findings.some(
        (x) => x.code === 'servicemonitor/release-label-missing',
      ),
    );
  });

  it('passes over files of other tools by name, without reading them', async () => {
    writeTree(root, {
      'package.json': '{',
      'tsconfig.base.json': '{',
      '.vscode/settings.json': '{',
      'pnpm-lock.yaml': '[',
      'bad.json': '{',
    });
    const r = await lintJson([root]);
    assert.deepEqual([...new Set(r.findings.map((f) => f.file.split(/[\\/]/).pop()))], ['bad.json']);
  });
});

describe('obslab lint: bad input', function () {
  this.timeout(60_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'obslab-lint-bad-'));
    writeHostileFiles(root);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('notes each file it could not check, and ends without a hang or a stack trace', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runLint([root, '--format', 'json'], { out: (l) => out.push(l), err: (l) => err.push(l) });
    assert.ok(code === 0 || code === 1, `exit ${code}`);
    assert.deepEqual(err, []);
    const findings = JSON.parse(out.join('\n')) as JsonFinding[];
    const reasons = new Map(findings.map((f) => [f.file.split(/[\\/]/).pop(), `${f.code}: ${f.message}`]));
    assert.match(reasons.get('deep.json') ?? '', /^lint\/file-skipped: .*nested 1000000 levels deep/);
    assert.match(reasons.get('deep.yaml') ?? '', /^lint\/file-skipped: .*nested 1000000 levels deep/);
    assert.match(reasons.get('huge.yaml') ?? '', /^lint\/file-skipped: .*300\.0 MB, over the 2 MB/);
    assert.match(reasons.get('pipe.yaml') ?? '', /^lint\/file-skipped: .*FIFO/);
    assert.match(reasons.get('loop-a.yaml') ?? '', /^lint\/file-skipped: .*symbolic link that loops/);
    assert.match(reasons.get('binary.json') ?? '', /^lint\/file-skipped: .*binary/);
    assert.equal(reasons.has('package.json'), false, 'package.json is passed over silently');
  });

  it('notes a FIFO or a looping link named on the command line as well', async () => {
    const r = await lintJson([join(root, 'pipe.yaml'), join(root, 'loop-a.yaml')]);
    assert.equal(r.code, 0);
    assert.deepEqual(
      r.findings.map((f) => f.code),
      ['lint/file-skipped', 'lint/file-skipped'],
    );
  });
});
