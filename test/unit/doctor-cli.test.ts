// obslab doctor's command line (exit 2 for bad usage or a place that does not exist, 1 when
// nothing could be checked) and the guard on what the report page may send the host.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { doctorOptions, runDoctor } from '../../src/cli/doctor';
import { UsageError } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { currentContext } from '../../src/core/kube/commands';
import { parseDoctorPageMessage } from '../../src/core/protocol/doctor';
import { commandLine } from '../../src/core/shellQuote';
import { useTempCache } from '../support/tempCache';

function capture(): { out: string[]; err: string[]; io: { out: (l: string) => void; err: (l: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l) => out.push(l), err: (l) => err.push(l) } };
}

describe('obslab doctor: command line', () => {
  let dir: string;
  // An empty cache: no sandbox is recorded there, whatever this machine runs.
  useTempCache('obslab-doctor-cli-', (d) => (dir = d));

  for (const [argv, why] of [
    [['--sandbox', '--context', 'lab'], /exclude each other/],
    [['--format', 'yaml'], /--format is json or text, not 'yaml'/],
    [['--lab', '/no/such/lab'], /--lab \/no\/such\/lab is not a folder/],
    [['--prometheus', '127.0.0.1:9090'], /--prometheus takes Prometheus' URL/],
    [['--region', 'eu-west-1'], /--region only matters with --role/],
    [['extra'], /no positional arguments/],
    [['--context', ''], /--context needs the name of a kubeconfig context \(kubectl config get-contexts lists them\)/],
    [['--bogus'], /Unknown option '--bogus'/],
  ] as const) {
    it(`refuses ${argv.join(' ')} as bad usage, naming why`, () => {
      assert.throws(
        () => doctorOptions([...argv]),
        (e: unknown) => e instanceof UsageError && why.test(e.message),
      );
    });
  }

  it('reads the place to look at, the lab and the format', () => {
    assert.deepEqual(
      doctorOptions(['--context', 'lab', '--lab', dir, '--format', 'json', '--prometheus', 'http://127.0.0.1:9090/']),
      {
        format: 'json',
        options: { source: 'cluster', context: 'lab', labDir: dir, prometheusUrl: 'http://127.0.0.1:9090' },
      },
    );
    assert.deepEqual(doctorOptions([]).options, { source: 'auto' });
    assert.equal(doctorOptions(['--sandbox']).options.source, 'sandbox');
  });

  it("exits 2 with the kubeconfig's own explanation for a context it does not have", async () => {
    const kc = join(dir, 'kubeconfig');
    writeFileSync(
      kc,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: lab, context: {cluster: c, user: u}}]\ncurrent-context: lab\n',
    );
    const c = capture();
    assert.equal(await runDoctor(['--kubeconfig', kc, '--context', 'nope'], c.io), 2);
    assert.match(c.err.join('\n'), /^obslab doctor: The kubeconfig has no context named 'nope' \(it has: lab\)/);
  });

  it("exits 2 when the context's API server does not answer, saying which", async () => {
    const kc = join(dir, 'kubeconfig-down');
    writeFileSync(
      kc,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: x}}]\ncontexts: [{name: lab, context: {cluster: c, user: u}}]\ncurrent-context: lab\n',
    );
    const c = capture();
    assert.equal(await runDoctor(['--kubeconfig', kc], c.io), 2);
    assert.match(c.err.join('\n'), /the cluster of context lab \(https:\/\/127\.0\.0\.1:1\) does not answer/);
    assert.ok(c.err.join('\n').includes(`Check the context (${commandLine(currentContext, 'posix')}) or the cluster.`));
    assert.equal(commandLine(currentContext, 'posix'), 'kubectl config current-context');
  });

  it('exits 1 when the sandbox is not running: nothing checked is not healthy', async () => {
    const c = capture();
    assert.equal(await runDoctor(['--sandbox'], c.io), 1);
    assert.match(
      c.err.join('\n'),
      /nothing could be checked: the sandbox is not running: start it with `npx obslab sandbox up`/,
    );
    assert.ok(c.out.some((l) => /^skip The app is running and ready/.test(l)));
    assert.equal(c.out.at(-1), 'nothing checked: every link was skipped, for the reasons above');
  });

  it('tells a script reading --format json the same as the exit code when the sandbox is not running', async () => {
    const c = capture();
    assert.equal(await runDoctor(['--sandbox', '--format', 'json'], c.io), 1);
    const report = JSON.parse(c.out.join('\n')) as { healthy: boolean; causes: unknown[]; links: { status: string }[] };
    assert.equal(report.healthy, false);
    assert.deepEqual(report.causes, []);
    assert.ok(report.links.every((l) => l.status === 'skipped'));
    assert.match(c.err.join('\n'), /nothing could be checked: the sandbox is not running/);
  });

  it('is a subcommand of obslab once wired: usage errors exit 2 through main', async () => {
    const c = capture();
    // main() knows doctor only after src/cli/main.ts wires it; until then it is an unknown command (also 2).
    assert.equal(await main(['doctor', '--format', 'yaml'], c.io), 2);
  });
});

describe('doctor page messages', () => {
  it('accepts ready, rerun and a fix by position, and nothing else', () => {
    assert.deepEqual(parseDoctorPageMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseDoctorPageMessage({ type: 'rerun' }), { type: 'rerun' });
    assert.deepEqual(parseDoctorPageMessage({ type: 'fix', link: 'otlp-endpoint', finding: 0, fix: 1 }), {
      type: 'fix',
      link: 'otlp-endpoint',
      finding: 0,
      fix: 1,
    });
    for (const bad of [
      null,
      [],
      'ready',
      { type: 'ready', extra: 1 },
      { type: 'fix', link: 'nope', finding: 0, fix: 0 },
      { type: 'fix', link: 'targets', finding: -1, fix: 0 },
      { type: 'fix', link: 'targets', finding: 0, fix: 0.5 },
      { type: 'fix', link: 'targets', finding: 0, fix: 0, command: 'rm -rf /' },
      { type: 'run', command: 'x' },
    ]) {
      assert.equal(parseDoctorPageMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});
