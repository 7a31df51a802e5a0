// Lint costs (issue 4): the scaffolded lab folder warm (goal under 10 ms median), a 5,000-line
// multi-document file (goal under 100 ms), and the same collector config checked by us
// in-process and as a CLI process against the real `otelcol validate` process.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lint } from '../src/core/lint/engine';
import { loadKindSchemas } from '../src/node/files/schemas';
import { collectorBinary, collectorVersions } from '../test/harness/otelcol';
import { renderLab } from '../test/support/lab';

const root = join(__dirname, '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function time(runs: number, f: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

function row(what: string, value: string, note = ''): void {
  console.log(`${what.padEnd(64)} ${value.padStart(12)}  ${note}`);
}

export function benchLint(): void {
  const schemas = loadKindSchemas(join(root, 'schemas'));
  const files = [...renderLab().values()].map((f) => ({ file: f.path, text: f.content }));
  for (let i = 0; i < 20; i++) lint(files, { schemas }); // warm up
  const folder = time(200, () => lint(files, { schemas }));
  row(
    'lint the scaffolded lab folder (warm, median of 200)',
    `${folder.toFixed(2)} ms`,
    `${(folder / 10).toFixed(2)}× of the 10 ms goal`,
  );

  const doc = files.find((f) => f.file === 'k8s/otel-collector-deploy-svc.yaml')?.text ?? '';
  const docs: string[] = [];
  while (docs.join('\n---\n').split('\n').length < 5000)
    docs.push(doc.replace(/name: otel-collector$/m, `name: otel-collector-${docs.length}`));
  const big = docs.join('\n---\n');
  const bigMs = time(20, () => lint([{ file: 'big.yaml', text: big }], { schemas }));
  row(
    `lint a ${big.split('\n').length}-line multi-document file (median of 20)`,
    `${bigMs.toFixed(2)} ms`,
    `${(bigMs / 100).toFixed(2)}× of the 100 ms goal`,
  );

  const config =
    (files.find((f) => f.file === 'k8s/otel-collector-config.yaml')?.text ?? '')
      .split('collector.yaml: |\n')[1]
      ?.replace(/^ {4}/gm, '') ?? '';
  const ours = time(200, () => lint([{ file: 'collector.yaml', text: config }]));
  const dir = mkdtempSync(join(tmpdir(), 'obslab-bench-'));
  const cfgFile = join(dir, 'collector.yaml');
  writeFileSync(cfgFile, config);
  const cli = time(10, () =>
    execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'lint', cfgFile], { stdio: 'ignore' }),
  );
  const binary = collectorBinary(collectorVersions.recent);
  if (existsSync(binary)) {
    const real = time(10, () => execFileSync(binary, ['validate', `--config=${cfgFile}`], { stdio: 'ignore' }));
    row(
      `the scaffold's collector config: otelcol ${collectorVersions.recent} validate (process)`,
      `${real.toFixed(2)} ms`,
      'the peer',
    );
    row('  ours in-process', `${ours.toFixed(3)} ms`, `${(ours / real).toFixed(4)}× otelcol validate`);
    row(
      '  ours as a CLI process (node dist/cli.js lint)',
      `${cli.toFixed(2)} ms`,
      `${(cli / real).toFixed(2)}× otelcol validate`,
    );
  } else {
    row(
      '  ours in-process / as a CLI process',
      `${ours.toFixed(3)} / ${cli.toFixed(1)} ms`,
      'no peer: run `npm run harness -- otelcol install` for the otelcol validate ratio',
    );
  }
  rmSync(dir, { recursive: true, force: true });
}
