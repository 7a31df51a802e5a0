// Apply cost (issue 7): the whole lab folder (2 namespaces, ConfigMap, 2 Services, 2 Deployments,
// 2 ServiceMonitors) against a local control plane, ours (in-process, as the editor runs it:
// read, parse, discovery, read each object, server-side apply) versus `kubectl apply
// --server-side` built from the same Kubernetes module (a process per apply, as a student runs
// it), on fresh namespaces each round, alternating. Goal: at most 1×.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyManifests } from '../src/node/kube/apply';
import { loadKube } from '../src/node/kube/config';
import { loadManifests } from '../src/node/kube/manifestFiles';
import { startKube } from '../test/harness/kube';
import { renderLab } from '../test/support/lab';

function row(what: string, value: string, note = ''): void {
  console.log(`${what.padEnd(64)} ${value.padStart(14)}  ${note}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

/** Writes the lab with its own namespaces; returns its k8s/ folder. */
function writeLab(root: string, tag: string): { k8s: string; namespaces: string[] } {
  const namespaces = [`bench-app-${tag}`, `bench-mon-${tag}`];
  const dir = join(root, tag);
  for (const f of renderLab({ appNamespace: namespaces[0] ?? '', monitoringNamespace: namespaces[1] ?? '' }).values()) {
    mkdirSync(join(dir, f.path, '..'), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  return { k8s: join(dir, 'k8s'), namespaces };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export async function benchKubeApply(): Promise<void> {
  const kube = await startKube();
  const root = mkdtempSync(join(tmpdir(), 'obslab-bench-apply-'));
  try {
    const ours = async (k8s: string): Promise<void> => {
      const loaded = loadKube({ kubeconfig: kube.kubeconfig });
      const r = await applyManifests(loaded, (await loadManifests([k8s])).objects);
      if (r.problems.length) throw new Error(`ours failed: ${r.problems.map((p) => p.message).join('; ')}`);
    };
    // kubectl reads a folder in name order (app.yaml before namespaces.yaml): name the namespaces first, as students must.
    const theirs = (k8s: string): Promise<string> =>
      kube.kubectl([
        'apply',
        '--server-side',
        '--field-manager=kubectl-bench',
        '-f',
        join(k8s, 'namespaces.yaml'),
        '-f',
        k8s,
      ]);
    // One warm-up each: discovery caches (kubectl's on disk, ours per call) and the server's first-request costs.
    await ours(writeLab(root, 'warm-ours').k8s);
    await theirs(writeLab(root, 'warm-kubectl').k8s);

    const rounds = 5;
    const fresh = { ours: [] as number[], kubectl: [] as number[] };
    const again = { ours: [] as number[], kubectl: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      const a = writeLab(root, `ours-${i}`).k8s;
      const b = writeLab(root, `kubectl-${i}`).k8s;
      fresh.ours.push(await time(() => ours(a)));
      fresh.kubectl.push(await time(() => theirs(b)));
      again.ours.push(await time(() => ours(a)));
      again.kubectl.push(await time(() => theirs(b)));
    }
    for (const [label, m] of [
      ['fresh namespaces (9 objects created)', fresh],
      ['the same again (9 unchanged)', again],
    ] as const) {
      const o = median(m.ours);
      const k = median(m.kubectl);
      row(
        `  apply the lab folder, ${label}: ours / kubectl`,
        `${o.toFixed(0)} / ${k.toFixed(0)} ms`,
        `${(o / k).toFixed(2)}× (median of ${rounds}; goal ≤ 1×)`,
      );
    }
    const all = median(fresh.ours.map((o, i) => o / (fresh.kubectl[i] ?? NaN)));
    row(
      'apply of the lab folder, ours against kubectl --server-side',
      `${all.toFixed(2)}×`,
      "goal ≤ 1× (kubectl includes its process start, ours runs in the editor's process)",
    );
  } finally {
    await kube.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchKubeApply().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
}
