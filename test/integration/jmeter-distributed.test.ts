// JMeter's own distributed mode for real: two `jmeter -s` engines (the harness's JMeter 5.6.3) on
// 127.0.0.1 with a keystore made by keytool, a controller started by the product's runJmeter with
// -R, and a local server counting what it is sent. The engines run the plan, the controller merges
// their samples into its one .jtl, and that .jtl is followed live as a local run's is. Every JVM
// this file starts is stopped in after(), even when a test failed.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadtest } from '../../src/cli/loadtest';
import { CONTROLLER_PROPS } from '../../src/core/loadtest/jmeterCluster';
import {
  controllerArgs,
  controllerOutputReader,
  explainControllerLine,
  type RmiSecurity,
} from '../../src/core/loadtest/jmeterDistributed';
import type { Progress } from '../../src/core/loadtest/stats';
import { summarizeJtl } from '../../src/core/loadtest/summary';
import { runJmeter } from '../../src/node/loadtest/jmeter';
import { createRmiKeystore, startLocalEngine, type LocalEngine } from '../../src/node/loadtest/jmeterServer';
import { freePort, isAlive } from '../../src/node/process/processes';
import { jmeterHome, jmeterPart } from '../harness/jmeter';
import { repoRoot } from '../harness/lib';

const PLAN = join(repoRoot, 'templates', 'jmeter', 'hash-load.jmx');
/** Small JVMs: three of them share two cores with the rest of the suite. */
const env = { ...process.env, JMETER_HEAP: '-Xms64m -Xmx256m -XX:MaxMetaspaceSize=128m' };

/** Answers POST /hash like the lab's app and counts what it was sent. */
async function countingServer(): Promise<{ server: Server; port: number; count: () => number }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"sha256":"00","length":2}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, port: (server.address() as AddressInfo).port, count: () => n };
}

/** True when something accepts a TCP connection at host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.setTimeout(2000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

function jtlRows(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => /^\d/.test(l))
    .map((l) => l.split(','));
}

describe("JMeter's distributed mode with two local jmeter-server engines", function () {
  this.timeout(20 * 60_000);
  let dir: string;
  let launcher: string;
  let rmi: RmiSecurity & { kind: 'keystore' };
  const engines: LocalEngine[] = [];
  let target: Awaited<ReturnType<typeof countingServer>>;

  before(async () => {
    await jmeterPart.install();
    launcher = join(jmeterHome(), 'bin', 'jmeter');
    dir = mkdtempSync(join(tmpdir(), 'obslab-jmeter-distributed-'));
    target = await countingServer();
    rmi = await createRmiKeystore(dir, env);
    for (const name of ['engine-1', 'engine-2'])
      engines.push(
        await startLocalEngine(launcher, {
          port: await freePort(),
          rmiPort: await freePort(),
          rmi,
          log: join(dir, `${name}.log`),
          cwd: dir,
          env,
        }),
      );
  });

  after(async () => {
    await Promise.all(engines.map((e) => e.stop()));
    for (const e of engines) assert.ok(!isAlive(e.pid), `the engine ${e.address} (pid ${e.pid}) was stopped`);
    await new Promise<void>((resolve) => {
      target?.server.closeAllConnections();
      target?.server.close(() => resolve());
      if (!target) resolve();
    });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the keystore password off every command line, in a file only its owner reads', () => {
    const props = readFileSync(rmi.propertiesFile, 'utf8');
    const password = /^server\.rmi\.ssl\.keystore\.password=(.+)$/m.exec(props)?.[1] ?? '';
    assert.ok(password.length >= 20);
    for (const e of engines) {
      const cmdline = readFileSync(`/proc/${e.pid}/cmdline`, 'utf8');
      assert.ok(!cmdline.includes(password), `engine ${e.address}'s command line holds no password`);
    }
  });

  it('binds the engines to loopback only (with a keystore, JMeter binds RMI to java.rmi.server.hostname)', async function () {
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    for (const e of engines) {
      const port = Number(e.address.split(':')[1]);
      assert.ok(await accepts('127.0.0.1', port), `${e.address} answers on loopback`);
      if (outside) assert.ok(!(await accepts(outside, port)), `${e.address} does not answer on ${outside}`);
    }
    if (!outside) this.skip();
  });

  it("merges both engines' samples into the controller's .jtl, as many as the server answered, followed live", async () => {
    const jtl = join(dir, 'merged.jtl');
    const log = join(dir, 'controller.log');
    const lines: string[] = [];
    const progress: Progress[] = [];
    const run = await runJmeter(
      launcher,
      controllerArgs({
        plan: PLAN,
        jtl,
        log,
        engines: engines.map((e) => ({ host: '127.0.0.1', port: Number(e.address.split(':')[1]) })),
        props: { SERVER: '127.0.0.1', PORT: String(target.port), THREADS: '2', RAMP: '0', DURATION: '3' },
        rmi,
        callbackHost: '127.0.0.1',
      }),
      { jtl, env, cwd: dir, onLine: (l) => lines.push(l), onProgress: (p) => progress.push(p) },
    );
    assert.equal(run.code, 0, `the controller exited with ${run.code}:\n${lines.join('\n')}`);
    assert.ok(
      lines.some((l) => /Remote engines have been started:\[.*127\.0\.0\.1.*127\.0\.0\.1.*\]/.test(l)),
      lines.join('\n'),
    );

    const rows = jtlRows(jtl);
    assert.ok(rows.length > 0, 'samples came back');
    assert.equal(rows.length, target.count(), 'one sample in the .jtl per request the server answered');
    // Each engine names its samples' threads "host:port-<group> <n>-<thread>": both took part.
    for (const e of engines)
      assert.ok(
        rows.some((r) => r[5]?.startsWith(`${e.address}-`)),
        `samples from ${e.address} are in the merged .jtl`,
      );
    const summary = summarizeJtl(readFileSync(jtl, 'utf8'));
    assert.equal(summary.samples, rows.length);
    assert.equal(summary.errors, 0);
    // The live view saw the same samples the summary counts.
    assert.equal(progress.at(-1)?.overall.samples, rows.length);
  });

  it('runs from the CLI: obslab loadtest --engine jmeter --remote host:port,host:port', async () => {
    const jtl = join(dir, 'cli.jtl');
    const before = target.count();
    const out: string[] = [];
    const err: string[] = [];
    const code = await runLoadtest(
      [
        PLAN,
        '--engine',
        'jmeter',
        '--remote',
        engines.map((e) => e.address).join(','),
        '--jmeter-properties',
        rmi.propertiesFile,
        '--jtl',
        jtl,
        '--no-metrics',
        ...[
          '-J',
          'SERVER=127.0.0.1',
          '-J',
          `PORT=${target.port}`,
          '-J',
          'THREADS=1',
          '-J',
          'RAMP=0',
          '-J',
          'DURATION=2',
        ],
      ],
      { out: (l) => out.push(l), err: (l) => err.push(l) },
      { env: { ...env, OBSLAB_JMETER: launcher } },
    );
    assert.equal(code, 0, err.join('\n'));
    assert.match(err.join('\n'), /engine: JMeter on 2 remote engine\(s\) \(.* -R 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+ /);
    // Engines on this machine call the controller back on loopback.
    assert.match(err.join('\n'), /-Djava\.rmi\.server\.hostname=127\.0\.0\.1/);
    const rows = jtlRows(jtl);
    assert.equal(rows.length, target.count() - before, 'the summary counts what the server answered');
    assert.match(out.join('\n'), new RegExp(`samples: ${rows.length}\\b|${rows.length} samples`));
  });

  it("gives the cluster Job's .jtl on standard output, told apart from the console, as the Job's log is read", async () => {
    // The controller exactly as the Job runs it (-l /dev/stdout, its properties), with local engines.
    // Its standard output is a FIFO, as a container's is (containerd's): a Node pipe is a socket,
    // which /dev/stdout cannot be opened on, and a regular file has one offset per open, so the
    // console's writes would overwrite samples appended through /dev/stdout.
    const fifo = join(dir, 'controller.fifo');
    execFileSync('mkfifo', [fifo]);
    const before = target.count();
    const args = controllerArgs({
      plan: PLAN,
      jtl: '/dev/stdout',
      log: join(dir, 'stdout-controller.log'),
      engines: engines.map((e) => ({ host: '127.0.0.1', port: Number(e.address.split(':')[1]) })),
      props: { SERVER: '127.0.0.1', PORT: String(target.port), THREADS: '1', RAMP: '0', DURATION: '2' },
      rmi,
      callbackHost: '127.0.0.1',
      controllerProps: { ...CONTROLLER_PROPS, 'client.tries': '1' },
    });
    // Read-write: opening a FIFO so does not wait for the other end.
    const writer = openSync(fifo, 'r+');
    const chunks: Buffer[] = [];
    let controller: ReturnType<typeof spawn> | undefined;
    try {
      controller = spawn(launcher, args, { cwd: dir, env, stdio: ['ignore', writer, writer] });
      const exited = new Promise<number | null>((resolve) => controller?.once('exit', resolve));
      const read = new Promise<void>((resolve, reject) => {
        const stream = createReadStream(fifo);
        // Once we read, only the controller holds the writing end: its exit ends the stream.
        stream.once('open', () => closeSync(writer));
        stream.on('data', (c) => chunks.push(Buffer.from(c)));
        stream.once('end', resolve);
        stream.once('error', reject);
      });
      const code = await exited;
      await read;
      assert.equal(code, 0, Buffer.concat(chunks).toString('utf8'));
    } finally {
      if (controller?.exitCode === null) controller.kill('SIGKILL');
    }
    const output = Buffer.concat(chunks).toString('utf8');
    const reader = controllerOutputReader();
    const jtlRowsOut: string[] = [];
    const consoleLines: string[] = [];
    for (const line of output.split('\n')) {
      const { jtl, console: text } = reader.take(line);
      jtlRowsOut.push(...jtl);
      if (text !== undefined) consoleLines.push(text);
    }
    assert.match(jtlRowsOut[0] ?? '', /^timeStamp,elapsed,label,/, output.slice(0, 3000));
    const summary = summarizeJtl(`${jtlRowsOut.join('\n')}\n`);
    assert.equal(summary.broken, 0, 'no sample line was cut by console output');
    assert.equal(summary.samples, target.count() - before, 'one sample per request the server answered');
    assert.ok(summary.samples > 0);
    assert.ok(
      consoleLines.some((l) => l.startsWith('Remote engines have been started')),
      'the console lines are kept apart',
    );
    assert.ok(!consoleLines.some((l) => /^summary [+=]/.test(l)), 'summariser.out=false: no summary lines');
  });

  it('explains an engine that is not there, by its address', async () => {
    const nobody = await freePort();
    const jtl = join(dir, 'none.jtl');
    const lines: string[] = [];
    await runJmeter(
      launcher,
      controllerArgs({
        plan: PLAN,
        jtl,
        log: join(dir, 'none.log'),
        engines: [{ host: '127.0.0.1', port: nobody }],
        props: { SERVER: '127.0.0.1', PORT: String(target.port), THREADS: '1', RAMP: '0', DURATION: '1' },
        rmi,
        callbackHost: '127.0.0.1',
      }),
      { jtl, env, cwd: dir, onLine: (l) => lines.push(l) },
    );
    const explained = lines.map(explainControllerLine).find((m) => m?.includes('could not start'));
    assert.match(
      explained ?? lines.join('\n'),
      new RegExp(`could not start the remote engine\\(s\\) 127\\.0\\.0\\.1:${nobody}`),
    );
  });
});
