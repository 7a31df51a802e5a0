// Sandbox and query costs (issue 5): the time from `sandbox up` to both collector targets up
// (warm), and a query's round trip through our client against curl on the same Prometheus.
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { PrometheusClient } from '../src/core/prometheus/client';
import { readSandboxState, sandboxDown, sandboxUp } from '../src/node/sandbox/sandbox';
import { harnessSandboxPrograms } from '../test/harness/sandbox';

const run = promisify(execFile);

function row(what: string, value: string, note = ''): void {
  console.log(`${what.padEnd(64)} ${value.padStart(14)}  ${note}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

export async function benchSandbox(): Promise<void> {
  if (readSandboxState()) {
    row('sandbox', 'skipped', 'a sandbox is already running; stop it with `npm run stop` for this bench');
    return;
  }
  try {
    const up = await sandboxUp(await harnessSandboxPrograms());
    const t = up.timings;
    row(
      'sandbox up to both collector targets up (warm venv)',
      `${((t?.totalMs ?? NaN) / 1000).toFixed(1)} s`,
      `${((t?.totalMs ?? NaN) / 10_000).toFixed(2)}× of the 10 s goal (start ${t?.startMs} ms, first scrapes ${t?.targetsMs} ms)`,
    );
    const url = up.parts.find((p) => p.name === 'prometheus')?.url ?? '';
    const client = new PrometheusClient({ baseUrl: url, fetch: (u, init) => fetch(u, init) });
    const expr = 'up{service="otel-collector"}';
    const query = `${url}/api/v1/query?query=${encodeURIComponent(expr)}`;
    const ours: number[] = [];
    const curl: number[] = [];
    for (let i = 0; i < 40; i++) {
      let t0 = performance.now();
      await client.query(expr);
      ours.push(performance.now() - t0);
      t0 = performance.now();
      await run('curl', ['-s', '-o', '/dev/null', query]);
      curl.push(performance.now() - t0);
    }
    const a = median(ours);
    const b = median(curl);
    row(
      'instant query round trip: our client / curl (median of 40)',
      `${a.toFixed(2)} / ${b.toFixed(2)} ms`,
      `${(a / b).toFixed(2)}× (goal within 1.2×; curl's includes its process start)`,
    );
  } finally {
    await sandboxDown();
  }
}
