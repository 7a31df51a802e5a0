// Real JMeter 5.6.3 (assembled from Maven Central by the harness) against a tiny local server:
// the scaffolded plan must really load the server with resolved variables and keep-alive, and
// what the lab's original plan does in 5.6.3 is pinned here, defect by defect.
import { strict as assert } from 'node:assert';
import {
  accessSync,
  chmodSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Progress } from '../../src/core/loadtest/stats';
import { summarizeJtl } from '../../src/core/loadtest/summary';
import { jmeterArgs, runJmeter as runJmeterLive } from '../../src/node/loadtest/jmeter';
import { JMETER_VERSION, jmeterHome, jmeterPart, runJmeter } from '../harness/jmeter';
import { repoRoot, run, tail } from '../harness/lib';

/** The default CSV .jtl header of JMeter 5.x (FACTS.md, "JMeter"). */
const JTL_HEADER =
  'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect';

const SCAFFOLDED_PLAN = join(repoRoot, 'templates', 'jmeter', 'hash-load.jmx');
const LAB_PLAN = join(repoRoot, 'test', 'fixtures', 'lab', 'hash-load.lab.jmx');

const THREADS = 2;

interface Received {
  method: string;
  url: string;
  body: string;
  remotePort: number;
  connection: string | undefined;
}

/** Answers POST /hash like the lab's app (200, JSON) and records every request and connection. */
class RecordingServer {
  requests: Received[] = [];
  connections = 0;
  private server: Server | undefined;

  async start(): Promise<number> {
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          body,
          remotePort: req.socket.remotePort ?? -1,
          connection: req.headers.connection,
        });
        if (req.method === 'POST' && req.url === '/hash') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"sha256":"0000000000000000000000000000000000000000000000000000000000000000","length":10}');
        } else {
          res.writeHead(404).end();
        }
      });
    });
    server.on('connection', () => (this.connections += 1));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return (server.address() as AddressInfo).port;
  }

  reset(): void {
    this.requests = [];
    this.connections = 0;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

type Row = Record<string, string>;

/** Splits one CSV line as JMeter writes it (fields with a comma or quote are quoted, quotes doubled). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function readJtl(file: string): { header: string; rows: Row[] } {
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l !== '');
  const header = lines[0] ?? '';
  const names = header.split(',');
  const rows = lines.slice(1).map((l) => {
    const fields = csvFields(l);
    return Object.fromEntries(names.map((n, i) => [n, fields[i] ?? '']));
  });
  return { header, rows };
}

/** Processes on this machine whose command line mentions `needle`, with their process group (from /proc). */
function processesWith(needle: string): { pid: number; pgid: number; argv: string[] }[] {
  const found: { pid: number; pgid: number; argv: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (!argv.some((a) => a.includes(needle))) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read after the last ')'.
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      found.push({ pid: Number(entry), pgid, argv });
    } catch {
      // exited while we looked
    }
  }
  return found;
}

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('JMeter 5.6.3 from Maven Central', function () {
  // A cold install downloads about 100 MB into ~/.m2.
  this.timeout(10 * 60_000);

  const server = new RecordingServer();
  let port = 0;
  let work = '';

  before(async function () {
    work = mkdtempSync(join(tmpdir(), 'obslab-jmeter-'));
    await jmeterPart.install();
    port = await server.start();
  });

  beforeEach(() => server.reset());

  after(async () => {
    await server.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Runs a plan like the lab's command line, bounded: 2 threads, 127.0.0.1 only, a few seconds. */
  async function runPlan(
    plan: string,
    name: string,
    duration = 3,
  ): Promise<{ out: string; log: string; header: string; rows: Row[] }> {
    const jtl = join(work, `${name}.jtl`);
    const logFile = join(work, `${name}.log`);
    // runJmeter resolves only when JMeter exits with code 0 (a CommandError carries the output otherwise).
    const out = await runJmeter(
      plan,
      { SERVER: '127.0.0.1', PORT: String(port), THREADS: String(THREADS), RAMP: '1', DURATION: String(duration) },
      jtl,
      { log: logFile, cwd: work, timeoutMs: 3 * 60_000 },
    );
    const log = readFileSync(logFile, 'utf8');
    return { out, log, ...readJtl(jtl) };
  }

  it('installs as a tool part whose launcher reports version 5.6.3', async () => {
    const status = await jmeterPart.up();
    assert.equal(status.state, 'installed');
    assert.ok(status.detail, 'up() names the launcher');
    accessSync(status.detail, constants.X_OK);
    assert.deepEqual(await jmeterPart.status(), status);
    const out = await run(status.detail, ['-j', join(work, 'version.log'), '--version'], {
      cwd: work,
      timeoutMs: 120_000,
    });
    assert.match(out, new RegExp(`\\b${JMETER_VERSION.replaceAll('.', '\\.')}\\b`), out);
    assert.match(readFileSync(join(work, 'version.log'), 'utf8'), /INFO o\.a\.j\.JMeter: Version 5\.6\.3\b/);
    await jmeterPart.down(); // a tool: nothing to stop, and it stays installed
    assert.equal((await jmeterPart.status()).state, 'installed');
  });

  it('runs the scaffolded plan against a local server with keep-alive', async () => {
    const { out, log, header, rows } = await runPlan(SCAFFOLDED_PLAN, 'scaffolded');
    const why = `${out}\n--- jmeter.log ---\n${tail(join(work, 'scaffolded.log'), 40)}`;
    assert.match(log, /INFO o\.a\.j\.JMeter: Version 5\.6\.3\b/, why);
    assert.match(out, /Created the tree successfully/, why);
    assert.equal(header, JTL_HEADER);

    assert.ok(rows.length > 0, `no samples\n${why}`);
    for (const r of rows) {
      assert.equal(r['label'], 'POST /hash');
      assert.equal(r['success'], 'true', `failed sample: ${JSON.stringify(r)}`);
      assert.equal(r['responseCode'], '200');
      assert.equal(r['URL'], `http://127.0.0.1:${port}/hash`);
    }
    // THREADS and DURATION are honoured: two users, looping until the scheduler ends the run.
    assert.deepEqual(new Set(rows.map((r) => r['threadName'])), new Set(['Users 1-1', 'Users 1-2']));
    const start = Math.min(...rows.map((r) => Number(r['timeStamp'])));
    const end = Math.max(...rows.map((r) => Number(r['timeStamp']) + Number(r['elapsed'])));
    assert.ok(end - start >= 2000 && end - start <= 4500, `samples span ${end - start} ms for DURATION=3`);

    // Every sample is one request that reached the server, with the variables and function resolved.
    assert.equal(server.requests.length, rows.length);
    for (const r of server.requests) {
      assert.equal(r.method, 'POST');
      assert.equal(r.url, '/hash');
      assert.match(r.body, /^data=[a-z]{10}$/);
      assert.equal(r.connection?.toLowerCase(), 'keep-alive');
    }
    assert.ok(new Set(server.requests.map((r) => r.body)).size > 1, '__RandomString gives each request its own value');

    // Keep-alive: the requests share a few connections instead of one each.
    const ports = new Set(server.requests.map((r) => r.remotePort));
    assert.ok(ports.size < server.requests.length, `${ports.size} client ports for ${server.requests.length} requests`);
    assert.ok(server.connections <= 2 * THREADS, `${server.connections} connections for ${THREADS} threads`);
  });

  it("reports live progress from the growing .jtl, ending with the summary's sample count", async () => {
    const jtl = join(work, 'live.jtl');
    const log = join(work, 'live.log');
    const progress: { at: number; p: Progress }[] = [];
    const started = Date.now();
    const run = await runJmeterLive(
      join(jmeterHome(), 'bin', 'jmeter'),
      jmeterArgs(SCAFFOLDED_PLAN, jtl, log, {
        SERVER: '127.0.0.1',
        PORT: String(port),
        THREADS: String(THREADS),
        RAMP: '0',
        DURATION: '4',
      }),
      {
        cwd: work,
        jtl,
        onProgress: (p) => progress.push({ at: Date.now(), p }),
      },
    );
    const ended = Date.now();
    assert.equal(run.code, 0, tail(log, 40));
    const summary = summarizeJtl(readFileSync(jtl, 'utf8'));
    assert.ok(summary.samples > 0, 'JMeter wrote samples');
    // During the run (not only the final report after exit): samples counted and a rate for the last second.
    const during = progress.filter((x) => x.at < ended - 200);
    assert.ok(
      during.some((x) => x.p.overall.samples > 0 && x.p.rps > 0),
      `progress during the run: ${progress.map((x) => `${x.p.elapsedSec}s ${x.p.rps}/s ${x.p.overall.samples}`).join(', ')}`,
    );
    assert.ok(during.length >= 3, `a report a second over ${(ended - started) / 1000} s: ${during.length}`);
    for (const x of during) assert.ok(x.p.window.p95 >= 0 && x.p.errorRate === 0);
    // Counts only grow, and the last report (after JMeter exited) has every sample of the .jtl.
    for (let i = 1; i < progress.length; i++)
      assert.ok((progress[i]?.p.overall.samples ?? 0) >= (progress[i - 1]?.p.overall.samples ?? 0));
    assert.equal(progress.at(-1)?.p.overall.samples, summary.samples);
    assert.equal(progress.at(-1)?.p.overall.errors, 0);
  });

  it("Stop ends the JVM, not only the launcher that starts java without exec (as Apache's bin/jmeter does)", async () => {
    // Apache's bin/jmeter ends with `"$JAVA" … -jar ApacheJMeter.jar "$@"`, no exec: the JVM is the script's child.
    const launcher = join(work, 'jmeter-like-apache');
    writeFileSync(
      launcher,
      `#!/bin/sh\n# As Apache's bin/jmeter 5.6.3 starts JMeter: java as a child of this shell.\nif [ -n "$JAVA_HOME" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi\n"$JAVA" -Xmx512m -jar "${join(jmeterHome(), 'bin', 'ApacheJMeter.jar')}" "$@"\necho "launcher: java exited with $?"\n`,
    );
    chmodSync(launcher, 0o755);
    const jtl = join(work, 'stop-me.jtl');
    const log = join(work, 'stop-me.log');
    const abort = new AbortController();
    const lines: string[] = [];
    const run = runJmeterLive(
      launcher,
      jmeterArgs(SCAFFOLDED_PLAN, jtl, log, {
        SERVER: '127.0.0.1',
        PORT: String(port),
        THREADS: String(THREADS),
        RAMP: '0',
        DURATION: '300',
      }),
      { cwd: work, jtl, signal: abort.signal, onLine: (l) => lines.push(l), killGraceMs: 5000 },
    );
    const deadline = Date.now() + 120_000;
    while (server.requests.length < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.ok(server.requests.length >= 10, `JMeter never loaded the server:\n${lines.join('\n')}\n${tail(log, 40)}`);
    const java = processesWith(jtl).filter((p) => /(^|\/)java$/.test(p.argv[0] ?? ''));
    const shell = processesWith(launcher);
    assert.equal(java.length, 1, JSON.stringify(processesWith(jtl)));
    assert.equal(shell.length, 1, 'the launcher shell is still there: it did not exec java');
    const group = shell[0]?.pgid ?? -1;
    assert.equal(shell[0]?.pid, group, 'the launcher leads a process group of its own');
    assert.equal(java[0]?.pgid, group, "the JVM is in the launcher's group");

    const stoppedAt = Date.now();
    abort.abort();
    const result = await run;
    const tookMs = Date.now() - stoppedAt;
    const sent = server.requests.length;
    await new Promise((r) => setTimeout(r, 1000));
    console.log(
      `      stopped in ${tookMs} ms (${result.signal ?? result.code}); ${sent} requests; after: ${processesWith(jtl).length} process(es) of the run`,
    );
    assert.deepEqual(processesWith(jtl), [], 'no java process of the run remains');
    assert.deepEqual(processesWith(launcher), []);
    assert.equal(server.requests.length, sent, 'nothing loads the server after Stop');
    assert.ok(tookMs < 8000, `Stop took ${tookMs} ms`);
    // SIGTERM, not KILL: the JVM's shutdown hook closed the .jtl, whose rows are whole.
    const { header, rows } = readJtl(jtl);
    assert.equal(header, JTL_HEADER);
    assert.ok(rows.length > 0 && rows.every((r) => r['success'] === 'true'));
  });

  describe("the lab's original plan", () => {
    const lab = (): string => readFileSync(LAB_PLAN, 'utf8');

    it('loads and exits 0 but sends no request, because its Thread Group has no main controller', async () => {
      // Observed with 5.6.3: "Created the tree successfully", "Starting 2 threads for group Users", then
      // in each thread "ERROR o.a.j.t.JMeterThread: Test failed! java.util.NoSuchElementException:
      // Property ThreadGroup.main_controller is unset for element org.apache.jmeter.threads.ThreadGroup@…",
      // "summary =      0 in 00:00:00", a .jtl with only its header, and exit code 0: the run looks
      // successful to a script or CI job, and ends at once instead of after DURATION.
      const { out, log, header, rows } = await runPlan(LAB_PLAN, 'lab');
      assert.match(out, /Created the tree successfully/);
      assert.match(log, /Starting 2 threads for group Users/);
      assert.equal(
        countOf(log, 'java.util.NoSuchElementException: Property ThreadGroup.main_controller is unset'),
        THREADS,
        log,
      );
      assert.match(out, /summary =\s+0 in/);
      assert.equal(header, JTL_HEADER);
      assert.equal(rows.length, 0);
      assert.equal(server.requests.length, 0);
    });

    it('with only a Loop Controller added, fails every sample on the literal ${PROTOCOL}, since its variables have no Argument.name', async () => {
      const plan = lab().replace(
        '</ThreadGroup>',
        '<elementProp name="ThreadGroup.main_controller" elementType="LoopController" guiclass="LoopControlPanel" testclass="LoopController" testname="Loop Controller"><intProp name="LoopController.loops">-1</intProp><boolProp name="LoopController.continue_forever">false</boolProp></elementProp></ThreadGroup>',
      );
      assert.notEqual(plan, lab());
      const file = join(work, 'lab-with-loop.jmx');
      writeFileSync(file, plan);
      // One second is enough: the failing samples take no time, so this loop writes ~100k rows a second.
      const { rows } = await runPlan(file, 'lab-with-loop', 1);
      // Observed with 5.6.3: every sample fails before any connection, e.g.
      // ",Non HTTP response code: java.net.MalformedURLException,Non HTTP response message: unknown protocol: ${protocol},Users 1-1,text,false,"
      // (SERVER, PORT and PROTOCOL are never defined, so the URL starts with the literal "${PROTOCOL}",
      // lower-cased in java.net.URL's message), with an empty label, because the sampler fails before
      // it names its result; the run still exits 0 and the server sees nothing.
      assert.ok(rows.length > 0);
      for (const r of rows) {
        assert.equal(r['success'], 'false');
        assert.equal(r['responseCode'], 'Non HTTP response code: java.net.MalformedURLException');
        assert.equal(r['responseMessage'], 'Non HTTP response message: unknown protocol: ${protocol}');
        assert.equal(r['label'], '');
      }
      assert.equal(server.requests.length, 0);
    });

    it('with the Loop Controller and the variable names fixed, opens a new connection per request, since its sampler has no use_keepalive', async () => {
      let plan = lab().replace(
        '</ThreadGroup>',
        '<elementProp name="ThreadGroup.main_controller" elementType="LoopController" guiclass="LoopControlPanel" testclass="LoopController" testname="Loop Controller"><intProp name="LoopController.loops">-1</intProp><boolProp name="LoopController.continue_forever">false</boolProp></elementProp></ThreadGroup>',
      );
      for (const v of ['SERVER', 'PORT', 'PROTOCOL']) {
        const open = `<elementProp name="${v}" elementType="Argument">`;
        assert.ok(plan.includes(open));
        plan = plan.replace(open, `${open}<stringProp name="Argument.name">${v}</stringProp>`);
      }
      const file = join(work, 'lab-with-loop-and-names.jmx');
      writeFileSync(file, plan);
      const { rows } = await runPlan(file, 'lab-with-loop-and-names', 2);
      // Observed with 5.6.3: all samples pass and the bodies are right, but every request carries
      // "Connection: close" and comes on its own TCP connection (about 2.5k requests/s here against
      // about 8k/s for the scaffolded plan with keep-alive).
      assert.ok(rows.length > 0);
      assert.ok(rows.every((r) => r['success'] === 'true' && r['label'] === 'POST /hash'));
      assert.equal(server.requests.length, rows.length);
      for (const r of server.requests) {
        assert.match(r.body, /^data=[a-z]{10}$/);
        assert.equal(r.connection?.toLowerCase(), 'close');
      }
      assert.equal(server.connections, server.requests.length);
    });
  });
});
