// A sandbox as the state file records it, for tests of what reads that record (the load test's
// client metrics): its "Prometheus" is a live process of ours that only sleeps, with the
// prometheus.yml on its command line as the real one has, so the liveness check and the config
// path read it as a running Prometheus. Nothing answers at its URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxRunDir, writeSandboxState } from '../../src/node/sandbox/sandboxState';

export interface RecordedSandbox {
  /** The sandbox's run folder, where its prometheus.yml is. */
  run: string;
  /** The sleeping stand-in for Prometheus' process: the test kills it. */
  prometheus: ChildProcess;
}

/** Records a running sandbox whose Prometheus scrapes with `config`; resolves once the process is up. */
export async function recordSandbox(config: string): Promise<RecordedSandbox> {
  const run = sandboxRunDir();
  const file = join(run, 'prometheus.yml');
  writeFileSync(file, config);
  const prometheus = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', file], { stdio: 'ignore' });
  await once(prometheus, 'spawn');
  writeSandboxState({
    version: 1,
    startedAt: new Date().toISOString(),
    dir: run,
    namespace: 'monitoring',
    prometheus: {
      pid: prometheus.pid ?? 0,
      marker: file,
      log: join(run, 'prometheus.log'),
      binary: '/bin/true',
      url: 'http://127.0.0.1:9',
      config: file,
      tsdb: join(tmpdir(), 'obslab-sandbox-tsdb-abcdef'),
    },
  });
  return { run, prometheus };
}
