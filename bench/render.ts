// The query panel's chart cost (issue 5): a range result of 20 series × 1,000 points turned into
// uPlot's columns and drawn, as src/webview/query.ts does, measured inside headless Chromium.
// Goal: under 50 ms.
import { buildSync } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from '../test/harness/chromium';

const pageScript = `
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
// A Prometheus matrix: 20 series, 1,000 points each, 15 s apart.
const t0 = 1764000000;
const result = Array.from({ length: 20 }, (_, s) => ({ metric: { series: String(s) }, values: Array.from({ length: 1000 }, (_, i) => [t0 + i * 15, String(Math.sin(i / 50 + s) * 10 + s)]) }));
window.render = () => {
  const box = document.getElementById('chart');
  box.replaceChildren();
  const start = performance.now();
  const times = [...new Set(result.flatMap((s) => s.values.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = result.map((s) => {
    const col = new Array(times.length).fill(null);
    for (const [t, v] of s.values) { const i = index.get(t); const n = Number(v); if (i !== undefined && Number.isFinite(n)) col[i] = n; }
    return col;
  });
  const axis = { stroke: '#ccc', grid: { stroke: 'rgba(128,128,128,0.25)' }, ticks: { stroke: 'rgba(128,128,128,0.25)' } };
  new uPlot({ width: 900, height: 260, series: [{}, ...result.map((s, i) => ({ label: s.metric.series, stroke: 'hsl(' + i * 18 + ',70%,50%)', width: 1.5 }))], axes: [axis, { ...axis, size: 70 }], legend: { show: true } }, [times, ...columns], box);
  return performance.now() - start;
};
`;

export async function benchRender(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'obslab-bench-render-'));
  try {
    writeFileSync(join(dir, 'page.js'), pageScript);
    buildSync({
      entryPoints: [join(dir, 'page.js')],
      bundle: true,
      outdir: join(dir, 'out'),
      format: 'iife',
      platform: 'browser',
      nodePaths: [join(__dirname, '..', 'node_modules')],
      logLevel: 'silent',
    });
    const js = readFileSync(join(dir, 'out', 'page.js'), 'utf8');
    const css = readFileSync(join(dir, 'out', 'page.css'), 'utf8');
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
      await page.setContent(
        `<!doctype html><html><head><style>${css}</style></head><body><div id="chart"></div><script>${js}</script></body></html>`,
      );
      const samples: number[] = [];
      for (let i = 0; i < 12; i++)
        samples.push(await page.evaluate(() => (window as unknown as { render: () => number }).render()));
      const warm = samples.slice(2).sort((a, b) => a - b);
      const median = warm[Math.floor(warm.length / 2)] ?? NaN;
      console.log(
        `${'chart: 20 series × 1,000 points to uPlot, in Chromium (median of 10 warm)'.padEnd(64)} ${`${median.toFixed(1)} ms`.padStart(14)}  ${(median / 50).toFixed(2)}× of the 50 ms goal (first draw ${samples[0]?.toFixed(1)} ms)`,
      );
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
