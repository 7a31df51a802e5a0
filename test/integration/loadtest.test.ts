// The built-in engine for real: against the lab's Flask app, against a server whose latency is
// known, side by side with real JMeter 5.6.3 on the same app (both .jtl through one summary),
// stopped half-way, and against a port nobody listens on. Bounded: <= 5 s and <= 10 threads a run, 127.0.0.1 only.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describePlan, runLoadtest } from '../../src/cli/loadtest';
import { readJtl } from '../../src/core/loadtest/jtl';
import { loadPlan } from '../../src/core/loadtest/plan';
import { summarizeJtl, type Summary } from '../../src/core/loadtest/summary';
import { runBuiltin, SocketTransport } from '../../src/node/loadtest/loadgen';
import { startApp, type RunningApp } from '../harness/app';
import { jmeterHome, jmeterPart } from '../harness/jmeter';
import { freePort, repoRoot } from '../harness/lib';
import { sourceWorker } from '../support/loadgenWorkerScript';

const SCAFFOLDED = join(repoRoot, 'templates', 'jmeter', 'hash-load.jmx');
const LAB = join(repoRoot, 'test', 'fixtures', 'lab', 'hash-load.lab.jmx');
const planText = readFileSync(SCAFFOLDED, 'utf8');

/** Answers every request after a fixed delay, in one write with TCP_NODELAY (FACTS.md: Nagle would add ~40 ms). */
class FixedLatencyServer {
  private server: Server | undefined;
  requests = 0;
  bodies: string[] = [];
  constructor(readonly delayMs: number) {}
  async start(): Promise<number> {
    const server = createServer({ noDelay: true, keepAliveTimeout: 30_000 }, (req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        this.requests++;
        if (this.bodies.length < 1000) this.bodies.push(body);
        setTimeout(() => {
          const payload = '{"sha256":"0","length":10}';
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(payload.length) });
          res.end(payload);
        }, this.delayMs);
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return (server.address() as AddressInfo).port;
  }
  connections(): Promise<number> {
    return new Promise(
      (resolve, reject) => this.server?.getConnections((e, n) => (e ? reject(e) : resolve(n))) ?? resolve(0),
    );
  }
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

function tcpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/** Polls until `probe` holds: a destroyed socket's handle, and the server's side of it, close a moment later. */
async function eventually(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`${what}: still not so after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  assert.equal(args[0], 'loadtest');
  // In-process from source: the built-in engine's worker is handed its TypeScript entry.
  const code = await runLoadtest(
    args.slice(1),
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    { worker: sourceWorker },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('built-in load generator', function () {
  this.timeout(10 * 60_000);
  let work = '';
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'obslab-loadtest-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  describe('against a server with a known 20 ms latency', () => {
    const server = new FixedLatencyServer(20);
    let port = 0;
    before(async () => {
      port = await server.start();
    });
    after(() => server.stop());

    it("measures p50 within 15% of 20 ms, sends the plan's requests and leaves no socket open", async () => {
      const before = tcpSockets();
      const plan = loadPlan(planText, {
        props: { SERVER: '127.0.0.1', PORT: String(port), THREADS: '5', RAMP: '0', DURATION: '3' },
      });
      const jtl = join(work, 'fixed.jtl');
      const progress: number[] = [];
      const result = await runBuiltin(plan, { jtl, onProgress: (p) => progress.push(p.rps) });
      const summary = summarizeJtl(readFileSync(jtl, 'utf8'));
      console.log(
        `      fixed 20 ms server: ${result.samples} samples, ${summary.throughputPerSec}/s, p50 ${result.latencyMs.p50} ms (histogram), ${summary.latencyMs.p50} ms (jtl), p99 ${result.latencyMs.p99} ms`,
      );
      assert.ok(Math.abs(result.latencyMs.p50 - 20) <= 3, `p50 ${result.latencyMs.p50} ms`);
      assert.ok(Math.abs(summary.latencyMs.p50 - 20) <= 3, `jtl p50 ${summary.latencyMs.p50} ms`);
      // Node's timers run on the event loop's millisecond clock, so the server's 20 ms may be 19.x.
      assert.ok(
        result.latencyMs.min >= 19,
        `nothing can be faster than the server's delay: min ${result.latencyMs.min}`,
      );
      // 5 threads x ~48 requests/s x 3 s, with margin for a busy machine.
      assert.ok(summary.samples > 300 && summary.samples <= 750, String(summary.samples));
      assert.equal(summary.samples, result.samples);
      assert.equal(server.requests, result.samples);
      assert.equal(summary.errors, 0);
      assert.ok(server.bodies.every((b) => /^data=[a-z]{10}$/.test(b)));
      assert.ok(
        progress.length >= 2 && progress.every((r) => r > 100),
        `progress every second: ${progress.join(', ')}`,
      );
      assert.equal(result.leftOpen, 0);
      // Keep-alive: one connection per thread, all closed after the run.
      await eventually('no client socket left', () => tcpSockets() === before);
      await eventually('the server sees no connection', async () => (await server.connections()) === 0);
    });

    it('keeps the partial results of a run stopped half-way', async () => {
      const plan = loadPlan(planText, {
        props: { SERVER: '127.0.0.1', PORT: String(port), THREADS: '4', RAMP: '0', DURATION: '5' },
      });
      const jtl = join(work, 'stopped.jtl');
      const abort = new AbortController();
      const started = Date.now();
      setTimeout(() => abort.abort(), 1500);
      const result = await runBuiltin(plan, { jtl, signal: abort.signal });
      const tookMs = Date.now() - started;
      assert.equal(result.stoppedBy, 'cancelled');
      assert.ok(tookMs < 2500, `stopped promptly (${tookMs} ms)`);
      const read = readJtl(readFileSync(jtl, 'utf8'));
      assert.ok(result.samples > 100, String(result.samples));
      assert.equal(read.rows.length, result.samples, 'every finished sample is in the .jtl');
      assert.equal(read.broken, 0);
      assert.ok(result.interrupted <= 4);
      assert.equal(result.leftOpen, 0);
      await eventually('the server sees no connection', async () => (await server.connections()) === 0);
    });

    it('obslab loadtest prints what it will do, then the summary as JSON', async () => {
      const jtl = join(work, 'cli.jtl');
      const r = await cli([
        'loadtest',
        SCAFFOLDED,
        '-J',
        'SERVER=127.0.0.1',
        `-JPORT=${port}`,
        '-J',
        'THREADS=3',
        '-J',
        'RAMP=1',
        '-J',
        'DURATION=2',
        '--jtl',
        jtl,
        '--format',
        'json',
      ]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /Thread Group 'Users': 3 thread\(s\), ramp-up 1 s, duration 2 s/);
      assert.match(r.err, new RegExp(`target: POST http://127\\.0\\.0\\.1:${port}/hash \\('POST /hash'\\)`));
      assert.doesNotMatch(r.err, /is not this machine/);
      const s = JSON.parse(r.out) as Summary;
      assert.ok(s.samples > 50);
      assert.deepEqual(Object.keys(s.byLabel), ['POST /hash']);
      assert.deepEqual(summarizeJtl(readFileSync(jtl, 'utf8')), s);
    });
  });

  it("refuses the lab's plan (exit 2): JMeter would send nothing", async () => {
    const r = await cli(['loadtest', LAB, '-J', 'SERVER=127.0.0.1', '-J', 'PORT=1']);
    assert.equal(r.code, 2);
    assert.match(r.err, /the built-in engine will not run/);
    assert.match(r.err, /JMeter would send nothing: Thread Group 'Users' has no ThreadGroup\.main_controller/);
    assert.match(r.err, /error jmx\/missing-main-controller/);
  });

  it('warns before loading a target that is not this machine (the plan is only described, never run)', () => {
    const { remote, lines } = describePlan(loadPlan(planText, { props: { SERVER: '10.0.0.7', PORT: '8080' } }));
    assert.deepEqual(remote, ['10.0.0.7']);
    assert.ok(lines.some((l) => l.includes('target: POST http://10.0.0.7:8080/hash')));
  });

  it('gives a clear error for a target nobody listens on, and leaves no socket open', async () => {
    const port = await freePort();
    const before = tcpSockets();
    const transport = new SocketTransport();
    const plan = loadPlan(planText, {
      props: { SERVER: '127.0.0.1', PORT: String(port), THREADS: '2', RAMP: '0', DURATION: '1' },
    });
    const result = await runBuiltin(plan, { transport });
    assert.ok(result.samples > 0);
    assert.equal(result.errors, result.samples);
    assert.match(
      result.firstError ?? '',
      /^Non HTTP response code: ECONNREFUSED: Non HTTP response message: connect ECONNREFUSED 127\.0\.0\.1:\d+/,
    );
    assert.equal(result.leftOpen, 0);
    assert.equal(transport.open.size, 0);
    await eventually('no socket left', () => tcpSockets() === before);

    const r = await cli([
      'loadtest',
      SCAFFOLDED,
      '-J',
      'SERVER=127.0.0.1',
      `-JPORT=${port}`,
      '-J',
      'THREADS=1',
      '-J',
      'RAMP=0',
      '-J',
      'DURATION=1',
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /every request failed, the first with Non HTTP response code: ECONNREFUSED.*is the target up and reachable\?/,
    );
    assert.match(r.out, /errors \(100\.00%\)/);
    await eventually('no socket left after the CLI run', () => tcpSockets() === before);
  });

  describe('side by side with real JMeter on the lab app', () => {
    let app: RunningApp;
    before(async () => {
      await jmeterPart.install();
      app = await startApp({ name: 'loadtest-app' });
    });
    after(async () => {
      await app?.stop();
    });

    it('both engines load the app with the scaffolded plan; one summary reads both .jtl alike', async () => {
      const props = [
        '-J',
        'SERVER=127.0.0.1',
        '-J',
        `PORT=${app.port}`,
        '-J',
        'THREADS=4',
        '-J',
        'RAMP=0',
        '-J',
        'DURATION=4',
      ];
      const ours = join(work, 'builtin-app.jtl');
      const theirs = join(work, 'jmeter-app.jtl');
      const a = await cli(['loadtest', SCAFFOLDED, ...props, '--jtl', ours, '--format', 'json']);
      assert.equal(a.code, 0, a.err);
      const saved = process.env['OBSLAB_JMETER'];
      process.env['OBSLAB_JMETER'] = join(jmeterHome(), 'bin', 'jmeter');
      let b;
      try {
        b = await cli(['loadtest', SCAFFOLDED, ...props, '--engine', 'jmeter', '--jtl', theirs, '--format', 'json']);
      } finally {
        if (saved === undefined) delete process.env['OBSLAB_JMETER'];
        else process.env['OBSLAB_JMETER'] = saved;
      }
      assert.equal(b.code, 0, b.err);
      assert.match(
        b.err,
        /engine: JMeter \(.*bin\/jmeter -n -t .*hash-load\.jmx -l .*jmeter-app\.jtl -j .*jmeter-app\.log -JSERVER=127\.0\.0\.1/,
      );
      const sa = JSON.parse(a.out) as Summary;
      const sb = JSON.parse(b.out) as Summary;
      for (const [name, s] of [
        ['built-in', sa],
        ['JMeter', sb],
      ] as const) {
        console.log(
          `      ${name} on the Flask app (4 threads, 4 s): ${s.samples} samples, ${s.throughputPerSec}/s, p50 ${s.latencyMs.p50} ms, p95 ${s.latencyMs.p95} ms, p99 ${s.latencyMs.p99} ms, errors ${s.errors}`,
        );
        assert.ok(s.samples > 0, name);
        assert.equal(s.errors, 0, name);
        assert.deepEqual(Object.keys(s.byLabel), ['POST /hash'], name);
        assert.deepEqual(Object.keys(s.byResponseCode), ['200'], name);
        assert.equal(s.header, true);
      }
      // Same columns, same header: the .jtl files are interchangeable.
      assert.equal(readFileSync(ours, 'utf8').split('\n')[0], readFileSync(theirs, 'utf8').split('\n')[0]);
    });
  });
});
