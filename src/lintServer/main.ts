// The lint server: the editor's lint engine in a process of its own (dist/lintServer.js), so that
// parsing a folder of manifests never blocks the extension host, and a pathological file can at
// worst end this process (the client reports it and starts a new one). It is a forked Node process
// speaking typed messages over IPC (src/node/lint/protocol.ts) rather than a language server: the
// extension keeps its diagnostics and quick fixes as they are, the client is a few hundred lines
// with no dependency, and plain-Node tests drive the same client the editor uses. It chooses and
// reads the files itself, with the same functions as `obslab lint`, so both give the same answers.
import type { Finding } from '../core/finding';
import { lintRead, type LintRun } from '../node/lint/lintFiles';
import {
  l10nBundleEnv,
  type ClientMessage,
  type FileFindings,
  type LintRequest,
  type ServerMessage,
  type ServerStats,
} from '../node/lint/protocol';
import { useBundle } from '../node/l10n/useBundle';
import { readLintInputs } from '../node/lint/readInputs';
import { isLintable, maxScopeFiles, scopeFiles } from '../node/lint/scope';

// The findings speak the editor's language: it names its bundle when it starts this process.
useBundle(process.env[l10nBundleEnv]);

/** The newest request id per key: an older request still queued or reading is dropped. */
const latest = new Map<string, number>();
let queue: Promise<void> = Promise.resolve();

function stats(): ServerStats {
  const m = process.memoryUsage();
  return { rss: m.rss, maxRss: process.resourceUsage().maxRSS * 1024, heapUsed: m.heapUsed };
}

function send(m: ServerMessage): void {
  process.send?.(m);
}

const stale = (r: LintRequest): boolean => latest.get(r.key) !== r.id;

/** An untitled document has no extension: lint it as what the editor says it is (YAML). */
function lintName(file: string): string {
  return isLintable(file) ? file : `${file}.yaml`;
}

async function handle(r: LintRequest): Promise<void> {
  const started = performance.now();
  const superseded = (): void => send({ type: 'lint', id: r.id, ms: performance.now() - started, stats: stats() });
  if (stale(r)) return superseded();
  const documents = new Map(r.documents.map((d) => [r.scope ? d.file : lintName(d.file), d.text]));
  let files: string[];
  let note: string | undefined;
  if (r.scope) {
    const chosen = await scopeFiles(r.scope);
    files = chosen.files;
    if (chosen.tooMany)
      note = `${r.scope.dir} holds more than ${maxScopeFiles} files to lint, so ${r.file ?? 'the file'} is linted on its own`;
    if (r.file && !files.includes(r.file)) files.push(r.file);
  } else {
    files = [...documents.keys()];
  }
  if (stale(r)) return superseded();
  const read = await readLintInputs(files, documents);
  if (stale(r)) return superseded();
  const run: LintRun = {
    helmRelease: r.helmRelease,
    helmReleaseGiven: r.helmReleaseGiven === true,
    labRules: r.labRules,
    withKindSchemas: r.withKindSchemas,
  };
  const result = lintRead(read, run);
  // Findings per file; an untitled document's are given back under the name the editor sent.
  const back = new Map(r.scope ? [] : r.documents.map((d) => [lintName(d.file), d.file]));
  const named = (file: string): string => back.get(file) ?? file;
  const byFile = new Map<string, Finding[]>(result.checked.map((f) => [named(f), []]));
  const fallback = r.file ?? named(files[0] ?? '');
  for (const f of result.findings) {
    const file = f.file === undefined ? fallback : named(f.file);
    byFile.set(file, [...(byFile.get(file) ?? []), r.scope || f.file === undefined ? f : { ...f, file }]);
  }
  const out: FileFindings[] = [...byFile].map(([file, findings]) => ({ file, findings }));
  send({
    type: 'lint',
    id: r.id,
    files: out,
    ...(note ? { note } : {}),
    ms: performance.now() - started,
    stats: stats(),
  });
}

process.on('message', (m: ClientMessage) => {
  if (m.type !== 'lint') return;
  latest.set(m.key, m.id);
  queue = queue
    .then(() => handle(m))
    .catch((e: unknown) => send({ type: 'failed', id: m.id, message: e instanceof Error ? e.message : String(e) }))
    .finally(() => {
      if (latest.get(m.key) === m.id) latest.delete(m.key);
    });
});

// The editor went away (or closed the channel): nothing is left to answer.
process.on('disconnect', () => process.exit(0));
