// obslab names in-process: the lab's default path from its collector config, each option, a
// config of the student's, and bad input as a sentence with the usage (exit 2).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';

async function obslab(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['names', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('obslab names', () => {
  it("prints the lab's names for the app's duration histogram as JSON", async () => {
    const r = await obslab(['http.server.request.duration', '--unit', 's', '--kind', 'histogram', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { series: string[]; labels: string[]; path: string };
    assert.deepEqual(json.series, [
      'http_server_request_duration_seconds_bucket',
      'http_server_request_duration_seconds_count',
      'http_server_request_duration_seconds_sum',
    ]);
    assert.ok(json.labels.includes('http_route') && json.labels.includes('exported_job') && json.labels.includes('le'));
    assert.equal(json.path, "collector 0.155.0's prometheus exporter (UnderscoreEscapingWithSuffixes)");
  });

  it("follows a strategy, Prometheus' OTLP receiver and a config's exporter settings", async () => {
    const utf8 = await obslab([
      'http.server.duration',
      '--unit',
      'ms',
      '--kind',
      'histogram',
      '--strategy',
      'NoUTF8EscapingWithSuffixes',
    ]);
    assert.match(utf8.out, /series: http\.server\.duration_milliseconds_bucket, /);
    const otlp = await obslab(['jobs.done', '--kind', 'counter', '--via', 'prometheus-otlp', '--format', 'json']);
    assert.deepEqual((JSON.parse(otlp.out) as { series: string[] }).series, ['jobs_done_total']);
    const dir = mkdtempSync(join(tmpdir(), 'obslab-names-'));
    try {
      const config = join(dir, 'collector.yaml');
      writeFileSync(
        config,
        'exporters:\n  prometheus:\n    endpoint: 0.0.0.0:8889\n    namespace: lab\n    translation_strategy: UnderscoreEscapingWithoutSuffixes\n',
      );
      const r = await obslab(['jobs.done', '--kind', 'counter', '--config', config, '--release', '0.165.1']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /collector 0\.165\.1's prometheus exporter \(UnderscoreEscapingWithoutSuffixes\)/);
      assert.match(r.out, /series: lab_jobs_done$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 and says why when the path refuses the points', async () => {
    const r = await obslab(['jobs', '--kind', 'counter', '--delta', '--via', 'prometheus-otlp']);
    assert.equal(r.code, 1);
    assert.match(r.out, /nothing: .*otlp-deltatocumulative/);
  });

  it('refuses bad input with a sentence and the usage', async () => {
    for (const [args, why] of [
      [['x'], /--kind is required/],
      [['x', '--kind', 'summary'], /--kind is counter, updowncounter, gauge, histogram, not 'summary'/],
      [['x', '--kind', 'gauge', '--strategy', 'Legacy'], /--strategy is UnderscoreEscapingWithSuffixes/],
      [['x', '--kind', 'gauge', '--release', '0.100.0'], /--release is 0\.155\.0, 0\.165\.1/],
      [['x', '--kind', 'gauge', '--config', '/nonexistent/c.yaml'], /cannot read \/nonexistent\/c\.yaml/],
      [['--kind', 'gauge'], /name one instrument/],
    ] as const) {
      const r = await obslab([...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, why);
      assert.doesNotMatch(r.err, /at .*\.ts:\d+/);
    }
  });
});
