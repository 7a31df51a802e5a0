// The generator alone, for the memory measure: a fresh process that runs the scaffolded plan
// against 127.0.0.1:PORT with THREADS threads for SECONDS seconds and samples its own resident
// memory every 250 ms. Prints one JSON line: {peakRssMb, endRssMb, startRssMb, rps, samples, errors}.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan } from '../src/core/loadtest/plan';
import { runBuiltin } from '../src/node/loadtest/loadgen';

async function main(): Promise<void> {
  const [port, threads = '60', seconds = '60'] = process.argv.slice(2);
  if (!port) throw new Error('usage: loadgen-memory.ts PORT [THREADS] [SECONDS]');
  const planText = readFileSync(join(__dirname, '..', 'templates', 'jmeter', 'hash-load.jmx'), 'utf8');
  const plan = loadPlan(planText, {
    props: { SERVER: '127.0.0.1', PORT: port, PROTOCOL: 'http', THREADS: threads, RAMP: '0', DURATION: seconds },
  });
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250);
  // As a real run does: progress every second and a .jtl on disk, so their costs are counted.
  const jtl = join(tmpdir(), `obslab-bench-memory-${process.pid}.jtl`);
  try {
    const r = await runBuiltin(plan, { jtl, onProgress: () => undefined });
    const end = process.memoryUsage().rss;
    peak = Math.max(peak, end);
    const mb = (b: number): number => Math.round(b / 1e5) / 10;
    console.log(
      JSON.stringify({
        peakRssMb: mb(peak),
        endRssMb: mb(end),
        startRssMb: mb(startRss),
        rps: Math.round(r.samples / (r.durationMs / 1000)),
        samples: r.samples,
        errors: r.errors,
      }),
    );
  } finally {
    clearInterval(sampler);
    rmSync(jtl, { force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
