// The built-in engine in its worker thread, in the cases that used to hang the editor: connects
// that fail at once because the process is out of file handles (a child with `ulimit -n 64`), a
// target that refuses, a target that accepts and never answers, and Stop. Also the cap on threads
// by the open-file limit, through the CLI from source and from dist/. From source the worker is
// handed its TypeScript entry (test/support/loadgenWorkerScript.ts); dist/ runs its own bundle.
// All on 127.0.0.1, each run a few seconds at most.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runLoadtest } from '../../src/cli/loadtest';
import { loadPlan } from '../../src/core/loadtest/plan';
import type { Progress } from '../../src/core/loadtest/stats';
import { runBuiltinInWorker } from '../../src/node/loadtest/loadgenThread';
import { freePort, repoRoot } from '../harness/lib';
import { ensureBuilt } from '../support/builtDist';
import { sourceWorker } from '../support/loadgenWorkerScript';

const SCAFFOLDED = join(repoRoot, 'templates', 'jmeter', 'hash-load.jmx');
const planText = readFileSync(SCAFFOLDED, 'utf8');
const plan = (port: number, threads: number, durationSec: number) =>
  loadPlan(planText, {
    props: {
      SERVER: '127.0.0.1',
      PORT: String(port),
      THREADS: String(threads),
      RAMP: '0',
      DURATION: String(durationSec),
    },
  });

async function listen<T extends HttpServer | TcpServer>(server: T): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return (server.address() as AddressInfo).port;
}

/** `obslab loadtest ARGS` in-process, its worker run from source. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  assert.equal(args[0], 'loadtest');
  const code = await runLoadtest(
    args.slice(1),
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    { worker: sourceWorker },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

interface ChildLine {
  progress?: Progress;
  result?: {
    samples: number;
    errors: number;
    stoppedBy: string;
    failuresByCode: Record<string, number>;
    terminated: boolean;
  };
  notes?: string[];
  stopMs?: number;
  error?: string;
}

/** `bash -c 'ulimit -n LIMIT; exec node …' ARGS`: the command and its arguments as an array, no shell string built from them. */
function lowLimit(limit: number, node: string[]): { cmd: string; args: string[] } {
  return { cmd: 'bash', args: ['-c', `ulimit -n ${limit} && exec "$@"`, 'bash', process.execPath, ...node] };
}

describe('built-in engine in its worker thread', function () {
  this.timeout(2 * 60_000);
  const answering = createHttpServer({ noDelay: true, keepAliveTimeout: 30_000 }, (req, res) => {
    req.resume();
    req.on('end', () => res.end('{"sha256":"0","length":10}'));
  });
  const held = new Set<Socket>();
  // Accepts every connection and reads the request, but never answers.
  const silent = createTcpServer((s) => {
    held.add(s);
    s.on('data', () => undefined);
    s.on('close', () => held.delete(s));
  });
  let port = 0;
  let silentPort = 0;
  before(async () => {
    port = await listen(answering);
    silentPort = await listen(silent);
  });
  after(async () => {
    answering.closeAllConnections();
    for (const s of held) s.destroy();
    await Promise.all([new Promise((r) => answering.close(r)), new Promise((r) => silent.close(r))]);
  });

  it("loads from a worker: the caller's event loop stays free, progress arrives every second", async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const progress: Progress[] = [];
    const result = await runBuiltinInWorker(plan(port, 4, 3), {
      worker: sourceWorker,
      onProgress: (p) => progress.push(p),
    });
    delay.disable();
    console.log(
      `      ${result.samples} samples in ${Math.round(result.durationMs)} ms; caller's event loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`,
    );
    assert.ok(result.samples > 1000, String(result.samples));
    assert.equal(result.errors, 0);
    assert.equal(result.terminated, false);
    assert.ok(progress.length >= 2, `progress: ${progress.length}`);
    assert.ok(delay.percentile(99) / 1e6 < 100, `the caller's loop was blocked: p99 ${delay.percentile(99) / 1e6} ms`);
  });

  it('out of file handles (ulimit -n 64, 150 threads): progress goes on, the run reports EMFILE, and Stop ends it within 1 s', async () => {
    const { cmd, args } = lowLimit(64, [
      '--require',
      'tsx/cjs',
      join(repoRoot, 'test', 'support', 'loadgenChild.ts'),
      String(port),
      '150',
      '60',
      'nocap',
    ]);
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    const lines: ChildLine[] = [];
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let rest = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const got = (test: (l: ChildLine) => boolean, ms: number): Promise<ChildLine> =>
      new Promise((resolve, reject) => {
        const found = lines.find(test);
        if (found) return resolve(found);
        const timer = setTimeout(
          () => reject(new Error(`nothing after ${ms} ms; lines: ${lines.length}; stderr: ${stderr.slice(-2000)}`)),
          ms,
        );
        const onData = (): void => {
          const l = lines.find(test);
          if (!l) return;
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve(l);
        };
        child.stdout.on('data', onData);
      });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const parts = (rest + d).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as ChildLine);
    });
    try {
      // Three reports: the engine yields between failures, so its progress timer keeps firing.
      const third = await got((l) => (l.progress?.elapsedSec ?? 0) >= 3, 20_000);
      assert.ok((third.progress?.overall.errors ?? 0) > 0, 'connects failed');
      const sentAt = Date.now();
      child.stdin.write('stop\n');
      const last = await got((l) => l.result !== undefined || l.error !== undefined, 5000);
      const tookMs = Date.now() - sentAt;
      console.log(
        `      ${JSON.stringify(last.result?.failuresByCode)}; ${last.result?.samples} samples; Stop took ${tookMs} ms (in the child ${last.stopMs} ms)${last.result?.terminated ? ', terminated' : ''}`,
      );
      assert.equal(last.error, undefined, last.error);
      assert.ok(tookMs < 1000, `Stop took ${tookMs} ms`);
      assert.equal(last.result?.stoppedBy, 'cancelled');
      assert.ok((last.result?.failuresByCode['EMFILE'] ?? 0) > 0, JSON.stringify(last.result?.failuresByCode));
      assert.ok(
        last.notes?.some((n) => /ran out of file handles \(EMFILE\)/.test(n)),
        JSON.stringify(last.notes),
      );
      // Bounded by the wait after each failure: 150 threads for ~3 s, at most about 10 failures a thread.
      assert.ok((last.result?.failuresByCode['EMFILE'] ?? 0) < 150 * 15, JSON.stringify(last.result?.failuresByCode));
      assert.equal(await exited, 0, stderr);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('with the cap, refuses more threads than ulimit -n 64 allows, saying so (CLI from source, exit 2)', async () => {
    const { cmd, args } = lowLimit(64, [
      '--require',
      'tsx/cjs',
      join(repoRoot, 'src', 'cli', 'main.ts'),
      'loadtest',
      SCAFFOLDED,
      '-J',
      'SERVER=127.0.0.1',
      '-J',
      `PORT=${port}`,
      '-J',
      'THREADS=150',
      '-J',
      'RAMP=0',
      '-J',
      'DURATION=1',
    ]);
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('exit', (code) => resolve({ code, err }));
    });
    assert.equal(r.code, 2, r.err);
    assert.match(
      r.err,
      /150 threads need 150 connections at once, but this process may have only 64 files open \(ulimit -n\) and has \d+ open already; keeping 32 free for the rest, at most \d+ thread\(s\) fit\. Run fewer threads, or raise the open-file limit \(ulimit -n\).*Nothing was sent\./,
    );
  });

  it('the built CLI (dist/cli.js with dist/loadgenWorker.js) runs the engine in its worker', async () => {
    ensureBuilt(['cli.js', 'loadgenWorker.js']);
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          join(repoRoot, 'dist', 'cli.js'),
          'loadtest',
          SCAFFOLDED,
          '-J',
          'SERVER=127.0.0.1',
          '-J',
          `PORT=${port}`,
          '-J',
          'THREADS=2',
          '-J',
          'RAMP=0',
          '-J',
          'DURATION=2',
          '--format',
          'json',
        ],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('exit', (code) => resolve({ code, out, err }));
    });
    assert.equal(r.code, 0, r.err);
    assert.ok((JSON.parse(r.out) as { samples: number }).samples > 100);
  });

  it('a refused port: each thread waits longer after each refusal (under 200 failures a second), and the summary says the target refused N connections', async () => {
    const nobody = await freePort();
    const started = Date.now();
    const result = await runBuiltinInWorker(plan(nobody, 4, 3), { worker: sourceWorker });
    const seconds = (Date.now() - started) / 1000;
    const refused = result.failuresByCode['ECONNREFUSED'] ?? 0;
    console.log(
      `      ${refused} refusals from 4 threads in ${seconds.toFixed(1)} s (${(refused / 4 / seconds).toFixed(1)} a thread a second)`,
    );
    assert.equal(result.samples, refused);
    assert.ok(refused > 0 && refused / 4 / seconds < 200, `${refused} refusals`);
    // 0, 10, 30, 70, 150, 310, 630, 1270, 2270 ms: about 9 a thread in 3 s.
    assert.ok(refused <= 4 * 12, `${refused} refusals`);
    const r = await cli([
      'loadtest',
      SCAFFOLDED,
      '-J',
      'SERVER=127.0.0.1',
      `-JPORT=${nobody}`,
      '-J',
      'THREADS=2',
      '-J',
      'RAMP=0',
      '-J',
      'DURATION=2',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.err, /note: the target refused \d+ connections: nothing listens on that host and port/);
    assert.match(r.err, /every request failed, the first with Non HTTP response code: ECONNREFUSED/);
  });

  it('a target that accepts and never answers: the unfinished requests are errors "no answer within the run", not "nothing was sent"', async () => {
    const started = Date.now();
    const result = await runBuiltinInWorker(plan(silentPort, 3, 1), { worker: sourceWorker, graceMs: 1000 });
    const took = Date.now() - started;
    assert.ok(took < 5000, `took ${took} ms`);
    assert.equal(result.samples, 3);
    assert.equal(result.errors, 3);
    assert.deepEqual(result.failuresByCode, { NoAnswer: 3 });
    assert.match(
      result.firstError ?? '',
      /^Non HTTP response code: NoAnswer: Non HTTP response message: no answer within the run \(waited \d+ ms\)$/,
    );
    const r = await cli([
      'loadtest',
      SCAFFOLDED,
      '-J',
      'SERVER=127.0.0.1',
      `-JPORT=${silentPort}`,
      '-J',
      'THREADS=2',
      '-J',
      'RAMP=0',
      '-J',
      'DURATION=1',
    ]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.err, /nothing was sent/);
    assert.match(r.err, /every request failed, the first with Non HTTP response code: NoAnswer/);
    assert.match(r.err, /note: 2 requests had no answer within the run/);
    assert.match(r.out, /2 samples, 2 errors/);
  });

  it('Stop ends a run within 1 s: cooperatively, and by terminating the worker when it does not stop in time', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 1500);
    const running = runBuiltinInWorker(plan(silentPort, 5, 30), { worker: sourceWorker, signal: abort.signal });
    const result = await running;
    assert.equal(result.stoppedBy, 'cancelled');
    assert.equal(result.terminated, false);
    assert.equal(result.samples, 0);
    assert.equal(result.interrupted, 5);

    // No time to stop on its own: terminated; the figures are the last progress report's.
    const hard = new AbortController();
    const progress: Progress[] = [];
    const run = runBuiltinInWorker(plan(port, 2, 30), {
      worker: sourceWorker,
      signal: hard.signal,
      stopTimeoutMs: 0,
      onProgress: (p) => progress.push(p),
    });
    while (progress.length < 1) await new Promise((r) => setTimeout(r, 50));
    const at = Date.now();
    hard.abort();
    const cut = await run;
    assert.ok(Date.now() - at < 1000, `${Date.now() - at} ms`);
    assert.equal(cut.terminated, true);
    assert.equal(cut.stoppedBy, 'cancelled');
    assert.ok(cut.samples >= (progress[0]?.overall.samples ?? 0) && cut.samples > 0);
  });
});
