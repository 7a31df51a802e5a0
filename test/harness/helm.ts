// helm, built from its Go module (the module proxy is all it needs) into the cache, at two
// pinned versions: Helm 4 (current) and the newest Helm 3, because students have either and the
// extension's commands must work with both. A tool, not a server: up and down start nothing.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { collectorChart } from '../../src/core/helm/collectorChart';
import { kubePrometheusStack } from '../../src/core/helm/helm';
import { extractTarGz } from '../../src/node/downloads/tarGz';
import { cacheDir, CommandError, installed, markInstalled, repoRoot, run, type Part, type PartStatus } from './lib';

/**
 * current: 4.3.1, what helm.sh installs in November 2026 and what the tests run by default.
 * previous: 3.22.0, the newest Helm 3 (still what many students have); the integration test
 * runs the install and upgrade against it too.
 */
export const helmVersions = { current: '4.3.1', previous: '3.22.0' } as const;
export const HELM_VERSION = helmVersions.current;

export function helmDir(version: string = HELM_VERSION): string {
  return cacheDir(`helm-${version}`);
}

export function helmBin(version: string = HELM_VERSION): string {
  return join(helmDir(version), 'bin', process.platform === 'win32' ? 'helm.exe' : 'helm');
}

/**
 * The module's internal/version.version defaults to the minor ("v4.3"): the release Makefile sets
 * the full version with -X, and so do we. The git commit stays empty: the module proxy does not
 * say which commit a version was cut from.
 */
export function helmLdflags(version: string): string {
  const major = version.split('.')[0] ?? '4';
  const pkg = `helm.sh/helm/v${major}/internal/version`;
  return `-s -w -X ${pkg}.version=v${version} -X ${pkg}.gitTreeState=clean`;
}

export interface HelmBuildTiming {
  version: string;
  buildMs: number;
  binaryBytes: number;
}

export const lastHelmBuild = new Map<string, HelmBuildTiming>();

async function build(version: string, echo: boolean): Promise<string> {
  const dir = helmDir(version);
  const bin = helmBin(version);
  if (installed(dir) && existsSync(bin)) return bin;
  rmSync(join(dir, '.obslab-installed'), { force: true });
  const major = version.split('.')[0] ?? '4';
  const t0 = Date.now();
  await run(
    'go',
    ['install', '-trimpath', '-ldflags', helmLdflags(version), `helm.sh/helm/v${major}/cmd/helm@v${version}`],
    {
      env: { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOBIN: join(dir, 'bin') },
      echo,
      timeoutMs: 30 * 60_000,
    },
  );
  const out = await run(bin, ['version', '--short'], {
    timeoutMs: 30_000,
    env: {
      ...process.env,
      HELM_CONFIG_HOME: join(dir, 'home', 'config'),
      HELM_CACHE_HOME: join(dir, 'home', 'cache'),
      HELM_DATA_HOME: join(dir, 'home', 'data'),
    },
  });
  if (!out.includes(`v${version}`)) throw new Error(`${bin} does not report v${version}:\n${out}`);
  lastHelmBuild.set(version, { version, buildMs: Date.now() - t0, binaryBytes: statSync(bin).size });
  markInstalled(dir);
  return bin;
}

const building = new Map<string, Promise<string>>();

/** Builds helm at `version` once (cached by a marker) and returns the binary's path. */
export function installHelm(version: string = HELM_VERSION, echo = false): Promise<string> {
  let p = building.get(version);
  if (!p) {
    p = build(version, echo).finally(() => building.delete(version));
    building.set(version, p);
  }
  return p;
}

const PART = 'helm';

function status(): PartStatus {
  const versions = Object.values(helmVersions);
  const missing = versions.filter((v) => !installed(helmDir(v)) || !existsSync(helmBin(v)));
  if (missing.length)
    return {
      name: PART,
      state: 'missing',
      detail: `not built: ${missing.map((v) => `helm ${v} (${helmBin(v)})`).join(', ')}; run 'npm run harness -- helm install'`,
    };
  return { name: PART, state: 'installed', detail: versions.map((v) => `helm ${v}: ${helmBin(v)}`).join('; ') };
}

export const helmPart: Part = {
  name: PART,
  description: `helm ${helmVersions.current} and ${helmVersions.previous}, built from the helm.sh/helm Go modules (a tool: up and down start nothing)`,
  async install(): Promise<void> {
    // One after the other: two Go builds at once only fight over the cores.
    for (const v of Object.values(helmVersions)) await installHelm(v, true);
  },
  async up(): Promise<PartStatus> {
    await helmPart.install();
    return status();
  },
  down(): Promise<void> {
    return Promise.resolve();
  },
  status(): Promise<PartStatus> {
    return Promise.resolve(status());
  },
};

// ---- the real charts the lab installs ----

/** A chart the lab installs, by its repository, name and pinned version (the product's own facts). */
export interface RealChart {
  repoUrl: string;
  chart: string;
  version: string;
}

export const realCharts = {
  kubePrometheusStack: {
    repoUrl: kubePrometheusStack.repoUrl,
    chart: kubePrometheusStack.chart,
    version: kubePrometheusStack.version,
  },
  collector: { repoUrl: collectorChart.repoUrl, chart: collectorChart.chart, version: collectorChart.version },
} as const satisfies Record<string, RealChart>;

/**
 * The one place that says where the real charts are: $OBSLAB_CHARTS, else the shared folder beside
 * the repository (../shared/charts), which holds `<chart>-<version>` folders unpacked as `helm pull
 * --untar` (and, for kube-prometheus-stack, `helm dependency build`) leave them.
 */
export function chartsDir(): string {
  return process.env['OBSLAB_CHARTS'] ?? join(repoRoot, '..', 'shared', 'charts');
}

/** Helm's folders for one harness use, never the user's repositories or cache. */
export function helmHomeEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
  };
}

/**
 * The copy of the chart kept in the repository (test/fixtures/charts/<chart>-<version>.tar.gz: the
 * shared folder's `<chart>-<version>/` packed unmodified, see its SOURCES.md), unpacked once into the
 * cache with the extension's own tar reader; undefined when the repository holds no copy of it.
 */
async function fixtureChartDir(c: RealChart): Promise<string | undefined> {
  const archive = join(repoRoot, 'test', 'fixtures', 'charts', `${c.chart}-${c.version}.tar.gz`);
  if (!existsSync(archive)) return undefined;
  const dir = cacheDir(`chart-fixture-${c.chart}-${c.version}`);
  const unpacked = join(dir, `${c.chart}-${c.version}`);
  if (installed(dir) && existsSync(join(unpacked, 'Chart.yaml'))) return unpacked;
  rmSync(unpacked, { recursive: true, force: true });
  await extractTarGz(archive, dir);
  if (!existsSync(join(unpacked, 'Chart.yaml')))
    throw new Error(`${archive} holds no ${c.chart}-${c.version}/Chart.yaml`);
  markInstalled(dir);
  return unpacked;
}

/**
 * The unpacked chart folder: `<chartsDir()>/<chart>-<version>` when it is there; else the copy packed
 * in test/fixtures/charts/ (fixtureChartDir); else the chart pulled from its repository with the real
 * helm into the cache (once per version), so a clone with network still tests the real chart after a
 * bump has left the packed copy behind. Offline with none of them, the error says each way.
 */
export async function realChartDir(c: RealChart): Promise<string> {
  const shared = join(chartsDir(), `${c.chart}-${c.version}`);
  if (existsSync(join(shared, 'Chart.yaml'))) return shared;
  const fixture = await fixtureChartDir(c);
  if (fixture) return fixture;
  const dir = cacheDir(`chart-${c.chart}-${c.version}`);
  const unpacked = join(dir, c.chart);
  if (installed(dir) && existsSync(join(unpacked, 'Chart.yaml'))) return unpacked;
  rmSync(unpacked, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const helm = await installHelm();
  try {
    await run(helm, ['pull', '--repo', c.repoUrl, c.chart, '--version', c.version, '--untar', '--untardir', dir], {
      env: helmHomeEnv(join(dir, 'helm-home')),
      timeoutMs: 5 * 60_000,
    });
  } catch (e) {
    throw new Error(
      `${c.chart} ${c.version} is not in ${chartsDir()} (set OBSLAB_CHARTS to a folder holding ${c.chart}-${c.version}/) ` +
        `nor packed in test/fixtures/charts/, ` +
        `and helm could not pull it from ${c.repoUrl}: ${e instanceof CommandError ? e.output.trim() : String(e)}`,
    );
  }
  markInstalled(dir);
  return unpacked;
}
