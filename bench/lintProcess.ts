// The editor's lint process (issue: the engine out of the extension host): the time from an edit to
// its findings through LintProcess and the forked dist/lintServer.js (goal: p95 under 100 ms, the
// editor's 300 ms debounce not counted), the longest event-loop block in the client while edits go
// out in a workspace of 5,000 files (goal: under 10 ms), and the server's peak resident memory.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { LintProcess } from '../src/node/lint/lintProcess';
import { labReleaseOf, ScopeCache } from '../src/node/lint/scope';
import { renderLab } from '../test/support/lab';

const root = join(__dirname, '..');
const serverModule = join(root, 'dist', 'lintServer.js');

function row(what: string, value: string, note = ''): void {
  console.log(`${what.padEnd(64)} ${value.padStart(12)}  ${note}`);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A small manifest of the shapes the lab uses: a Deployment, a Service or a ConfigMap. */
function manifest(folder: number, i: number): string {
  const name = `app-${folder}-${i}`;
  const ns = `ns-${folder}`;
  if (i % 3 === 0)
    return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels:\n    app: ${name}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports:\n            - name: http\n              containerPort: 8080\n          env:\n            - name: OTEL_SERVICE_NAME\n              value: ${name}\n`;
  if (i % 3 === 1)
    return `apiVersion: v1\nkind: Service\nmetadata:\n  name: app-${folder}-${i - 1}\n  namespace: ${ns}\n  labels:\n    app: app-${folder}-${i - 1}\nspec:\n  selector:\n    app: app-${folder}-${i - 1}\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n`;
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  settings.yaml: |\n    level: info\n    retries: 3\n`;
}

/** 5,000 files: 45 plain folders and 5 lab folders (obslab-lab.json, files under k8s/) of 100 each. */
function generateWorkspace(dir: string): string[] {
  const edited: string[] = [];
  const manifestJson = renderLab().get('obslab-lab.json')?.content ?? '{"kind":"observability-lab","params":{}}';
  for (let folder = 0; folder < 50; folder++) {
    const lab = folder % 10 === 0;
    const base = join(dir, lab ? `lab-${folder}` : `team-${folder}`);
    if (lab) write(join(base, 'obslab-lab.json'), manifestJson);
    for (let i = 0; i < (lab ? 99 : 100); i++)
      write(join(base, lab ? 'k8s' : '', `m${String(i).padStart(3, '0')}.yaml`), manifest(folder, i));
    edited.push(join(base, lab ? 'k8s' : '', 'm000.yaml'));
  }
  return edited;
}

export async function benchLintProcess(): Promise<void> {
  if (!existsSync(serverModule))
    execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'ignore' });
  const tmp = mkdtempSync(join(tmpdir(), 'obslab-bench-lint-process-'));
  const crashes: string[] = [];
  const proc = new LintProcess({ serverModule, onCrash: (m) => crashes.push(m) });
  const scopes = new ScopeCache();
  try {
    // (1) An edit in the scaffolded lab folder, to its findings, as the editor sends it after its debounce.
    const lab = join(tmp, 'lab');
    for (const f of renderLab().values()) write(join(lab, f.path), f.content);
    const smFile = join(lab, 'k8s', 'otel-servicemonitors.yaml');
    const smText = renderLab().get('k8s/otel-servicemonitors.yaml')?.content ?? '';
    const edit = async (file: string, text: string): Promise<number> => {
      const t = performance.now();
      const scope = await scopes.of(file);
      const release = await labReleaseOf(scope);
      const answer = await proc.lint({
        scope,
        file,
        documents: [{ file, text }],
        labRules: scope.lab,
        helmRelease: release ?? 'prometheus',
        helmReleaseGiven: release !== undefined,
        withKindSchemas: true,
      });
      if (!answer) throw new Error('superseded: the bench waits for each answer');
      return performance.now() - t;
    };
    for (let i = 0; i < 5; i++) await edit(smFile, smText); // start the server, warm it up
    const labMs: number[] = [];
    for (let i = 0; i < 50; i++) labMs.push(await edit(smFile, `${smText}# edit ${i}\n`));
    const p95 = percentile(labMs, 95);
    row(
      'edit to findings, scaffolded lab folder (LintProcess, 50 edits) p50',
      `${percentile(labMs, 50).toFixed(2)} ms`,
      "the editor's 300 ms debounce comes before and is not counted",
    );
    row('  p95', `${p95.toFixed(2)} ms`, `${(p95 / 100).toFixed(2)}× of the 100 ms goal`);

    // (2) and (3): 50 edits across a workspace of 5,000 small manifests.
    const started = performance.now();
    const edited = generateWorkspace(join(tmp, 'ws'));
    const generateMs = performance.now() - started;
    // The first edit in a new place pays one-time costs (under tsx, compiling code paths not yet run;
    // new folders' scope lookups): timed and reported apart, then typing is measured.
    const firstBlock = monitorEventLoopDelay({ resolution: 1 });
    firstBlock.enable();
    for (let i = 0; i < 3; i++) await edit(edited[i * 11] as string, `${manifest(0, 0)}# warm ${i}\n`);
    firstBlock.disable();
    const loop = monitorEventLoopDelay({ resolution: 1 });
    const cpuBefore = process.cpuUsage();
    loop.enable();
    const wsMs: number[] = [];
    for (let i = 0; i < 50; i++) {
      const file = edited[(i * 7) % edited.length] as string;
      wsMs.push(await edit(file, `${manifest(0, 0)}# edit ${i}\n`));
    }
    loop.disable();
    const cpu = process.cpuUsage(cpuBefore);
    const maxBlock = loop.max / 1e6;
    row(
      `edit to findings in 5,000 files (50 folders, ${generateMs.toFixed(0)} ms to write) p50 / p95`,
      `${percentile(wsMs, 50).toFixed(1)} / ${percentile(wsMs, 95).toFixed(1)} ms`,
      'each edit lints its folder of 100 files',
    );
    row(
      '  longest block during the first 3 edits in the workspace (one-time costs)',
      `${(firstBlock.max / 1e6).toFixed(2)} ms`,
      'not counted below',
    );
    row('  event-loop delay in the client, p99', `${(loop.percentile(99) / 1e6).toFixed(2)} ms`, '');
    row(
      '  longest event-loop block in the client (1 ms resolution)',
      `${maxBlock.toFixed(2)} ms`,
      `${(maxBlock / 10).toFixed(2)}× of the 10 ms goal; wall clock, so a busy machine adds to it (load ${loadavg()[0]?.toFixed(1)} on ${cpus().length} CPUs)`,
    );
    row(
      "  the client's own CPU time per edit (scope lookup, send, receive)",
      `${((cpu.user + cpu.system) / 1000 / 50).toFixed(2)} ms`,
      'what the extension host would spend',
    );
    const rssMb = (proc.lastStats?.maxRss ?? NaN) / 2 ** 20;
    row(
      '  lint server peak RSS (its own maxRSS)',
      `${rssMb.toFixed(1)} MiB`,
      `${(rssMb / 1024).toFixed(2)}× of its 1024 MiB heap cap`,
    );
    if (crashes.length) row('  lint server crashes', String(crashes.length), crashes.join(' / '));
  } finally {
    await proc.dispose();
    rmSync(tmp, { recursive: true, force: true });
  }
}
