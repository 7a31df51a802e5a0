// Whether a parsed sandbox.json is one `obslab sandbox up` wrote, decided over plain values: the
// sandbox signals and deletes only what a state that passes names, so every field is held to its
// shape and every process marker to the file only our program has on its command line.
import { strict as assert } from 'node:assert';
import { sandboxStateProblem } from '../../src/core/sandbox/state';

const run = '/home/student/.cache/obslab/run/sandbox';

/** A state as `up` writes it on Linux: the app, the collector and Prometheus, each with its own marker. */
function written(): Record<string, unknown> {
  return {
    version: 1,
    startedAt: '2026-12-05T10:00:00.000Z',
    dir: run,
    namespace: 'app',
    lab: '/home/student/lab',
    app: {
      pid: 4242,
      log: `${run}/app.log`,
      marker: '/home/student/lab/app/app.py',
      appDir: '/home/student/lab/app',
      url: 'http://127.0.0.1:8080',
    },
    collector: {
      pid: 4243,
      log: `${run}/collector.log`,
      marker: `${run}/collector.yaml`,
      config: `${run}/collector.yaml`,
      binary: '/opt/otelcol',
      otlpGrpc: '127.0.0.1:4317',
      telemetryUrl: 'http://127.0.0.1:8888',
      metricsUrl: 'http://127.0.0.1:8889',
      configSource: 'generated from k8s/otel-collector-config.yaml',
    },
    prometheus: {
      pid: 4244,
      log: `${run}/prometheus.log`,
      marker: `${run}/prometheus.yml`,
      config: `${run}/prometheus.yml`,
      binary: '/opt/prometheus',
      url: 'http://127.0.0.1:9090',
      tsdb: '/tmp/obslab-sandbox-tsdb-a1B2c3',
    },
  };
}

/** The written state with one record's fields replaced. */
function withRecord(name: 'app' | 'collector' | 'prometheus', change: Record<string, unknown>): unknown {
  const s = written();
  return { ...s, [name]: { ...(s[name] as Record<string, unknown>), ...change } };
}

describe('sandbox state check (src/core/sandbox/state.ts)', () => {
  it('accepts the state up writes, and one with only some of its programs recorded', () => {
    assert.equal(sandboxStateProblem(written(), run), undefined);
    assert.equal(sandboxStateProblem({ ...written(), app: undefined, prometheus: undefined }, run), undefined);
  });

  it('accepts the run folder given with a trailing slash', () => {
    assert.equal(sandboxStateProblem(written(), `${run}/`), undefined);
  });

  it('refuses what is not a version-1 state: not an object, another version, a missing field', () => {
    for (const v of [null, [], 'sandbox', { ...written(), version: 2 }, { ...written(), namespace: undefined }])
      assert.equal(sandboxStateProblem(v, run), 'it is not a sandbox state of version 1');
  });

  it('refuses a startingPid that is no process id, and a lab that is no path', () => {
    assert.equal(sandboxStateProblem({ ...written(), startingPid: 1 }, run), 'startingPid is not a process id');
    assert.equal(sandboxStateProblem({ ...written(), startingPid: 1.5 }, run), 'startingPid is not a process id');
    assert.equal(sandboxStateProblem({ ...written(), lab: 7 }, run), 'lab is not a path');
  });

  it('refuses a record whose pid is init or not a number, or whose marker is not an absolute path', () => {
    for (const change of [{ pid: 1 }, { pid: 'one' }, { marker: 'sleep' }, { marker: '/' }, { log: undefined }])
      assert.equal(
        sandboxStateProblem(withRecord('collector', change), run),
        'its collector record is not a process record',
        JSON.stringify(change),
      );
  });

  it("refuses configs outside the sandbox's own folder, naming what it found and what it expects", () => {
    assert.equal(
      sandboxStateProblem(
        withRecord('prometheus', { marker: '/etc/prometheus.yml', config: '/etc/prometheus.yml' }),
        run,
      ),
      `its prometheus record names "/etc/prometheus.yml", not ${run}/prometheus.yml`,
    );
    assert.equal(
      sandboxStateProblem(withRecord('collector', { config: `${run}/other.yaml` }), run),
      `its collector record names "${run}/other.yaml", not ${run}/collector.yaml`,
    );
  });

  it("refuses an app whose marker is not its own folder's app.py, or whose folder is relative", () => {
    assert.match(
      sandboxStateProblem(withRecord('app', { marker: '/usr/bin/python3' }), run) ?? '',
      /^its app record names "\/usr\/bin\/python3", not its appDir's app\.py$/,
    );
    assert.ok(sandboxStateProblem(withRecord('app', { appDir: 'lab/app', marker: '/lab/app/app.py' }), run));
  });

  it("reads a state written on Windows with Windows' paths", () => {
    const win = 'C:\\Users\\student\\.cache\\obslab\\run\\sandbox';
    const state = {
      ...written(),
      dir: win,
      app: undefined,
      collector: {
        ...(written()['collector'] as Record<string, unknown>),
        marker: `${win}\\collector.yaml`,
        config: `${win}\\collector.yaml`,
      },
      prometheus: undefined,
    };
    assert.equal(sandboxStateProblem(state, win), undefined);
    assert.ok(sandboxStateProblem(state, run), 'a Windows marker is not the POSIX run folder');
  });
});
