// `npm run stop` (test/harness/cli.ts … down) signals a recorded pid only while its command line
// still carries the daemon's marker, as src/node/process/processes.ts isOurProcess checks: a record naming
// an unrelated process (a reused pid, an edited file, a record from before markers) leaves it alone.
import { strict as assert } from 'node:assert';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultMarker, isAlive, readRecord, repoRoot, runDir, sleep, startDaemon, stopDaemon } from '../harness/lib';
import { useTempCache } from '../support/tempCache';

const run = promisify(execFile);

describe('harness: npm run stop signals only its own daemons', function () {
  this.timeout(60_000);
  let root: string;
  const children: ChildProcess[] = [];

  after(() => {
    for (const c of children) c.kill('SIGKILL');
  });
  useTempCache('obslab-harness-stop-', (d) => (root = d));

  /** An unrelated program: `sleep 30`, started here as its own process group leader like a daemon. */
  function unrelated(): number {
    const c = spawn('sleep', ['30'], { stdio: 'ignore', detached: true });
    children.push(c);
    return c.pid ?? 0;
  }

  function record(name: string, pid: number, marker?: string): void {
    writeFileSync(
      join(runDir(), `${name}.json`),
      JSON.stringify({ name, pid, log: join(runDir(), `${name}.log`), ...(marker ? { marker } : {}) }),
    );
  }

  /** `npm run stop`'s own step for one part, in a process of its own. */
  function harnessDown(part: string): Promise<{ stdout: string; stderr: string }> {
    return run(
      process.execPath,
      [
        join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(repoRoot, 'test', 'harness', 'cli.ts'),
        part,
        'down',
      ],
      { cwd: repoRoot, env: process.env },
    );
  }

  it('leaves a process whose command line lacks the recorded marker running', async () => {
    const pid = unrelated();
    record('victim', pid, join(root, 'cache', 'codeserver-entry.js'));
    await stopDaemon('victim');
    await sleep(200);
    assert.ok(isAlive(pid), 'sleep 30 was not signalled');
    assert.equal(readRecord('victim'), undefined, 'the stale record is forgotten');
  });

  it('leaves it running when the record predates markers', async () => {
    const pid = unrelated();
    record('legacy', pid);
    await stopDaemon('legacy');
    await sleep(200);
    assert.ok(isAlive(pid));
  });

  it("npm run stop's codeserver step leaves an unrelated process named by codeserver.json running", async () => {
    const pid = unrelated();
    record(
      'codeserver',
      pid,
      '/home/nobody/.cache/obslab/code-server-4.139.1/node_modules/code-server/out/node/entry.js',
    );
    const r = await harnessDown('codeserver');
    assert.match(r.stdout, /codeserver: stopped/);
    assert.match(r.stderr, new RegExp(`codeserver: pid ${pid} is not the program that was started`));
    await sleep(200);
    assert.ok(isAlive(pid), 'sleep 30 was not signalled');
    assert.ok(!existsSync(join(runDir(), 'codeserver.json')));
  });

  it('still stops its own daemon from another process, by the marker on its command line', async () => {
    const marker = join(root, 'cache', 'own-daemon-entry.js');
    const d = startDaemon('codeserver', process.execPath, ['-e', 'setInterval(() => undefined, 1000)', marker]);
    assert.equal(
      readRecord('codeserver')?.marker,
      defaultMarker(process.execPath, ['-e', 'setInterval(() => undefined, 1000)', marker]),
    );
    await sleep(300); // past exec: the command line is the daemon's own
    await harnessDown('codeserver');
    for (let i = 0; i < 50 && d.alive(); i++) await sleep(100);
    assert.ok(!d.alive(), 'its own daemon was stopped');
  });
});
