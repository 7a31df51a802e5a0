// prometheus-operator, the version kube-prometheus-stack 88.5.3 deploys, built from its Go module and
// run out of cluster against the local control plane: what turns the real chart's Prometheus object
// into a StatefulSet and its ServiceMonitors into a scrape configuration, so tests read what the
// operator itself wrote rather than what we think it would write.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildGoMain, goBinary, goMainBuilt, lastGoBuild, type GoMainBuild } from './goBuild';
import { daemonStatus, freePort, httpOk, run, startDaemon, stopDaemon, tail, waitFor, type Part } from './lib';
import type { RunningKube } from './kube';

/** What kube-prometheus-stack 88.5.3 runs (its values.yaml, prometheusOperator.image.tag defaults to the chart's appVersion). */
export const OPERATOR_VERSION = '0.93.1';

const MODULE = 'github.com/prometheus-operator/prometheus-operator';

export const operatorBuild: GoMainBuild = {
  cacheName: `prometheus-operator-${OPERATOR_VERSION}`,
  // The operator's own go.mod replaces its two API modules with local folders; the wrapper pins them.
  requires: {
    [MODULE]: `v${OPERATOR_VERSION}`,
    [`${MODULE}/pkg/apis/monitoring`]: `v${OPERATOR_VERSION}`,
    [`${MODULE}/pkg/client`]: `v${OPERATOR_VERSION}`,
  },
  // Without it an old cloud.google.com/go joins the graph and makes compute/metadata ambiguous.
  replaces: { 'cloud.google.com/go': 'cloud.google.com/go v0.123.0' },
  mains: { operator: `${MODULE}/cmd/operator` },
  ldflags: ['-s', '-w', `-X github.com/prometheus/common/version.Version=${OPERATOR_VERSION}`],
};

export function operatorBinary(): string {
  return goBinary(operatorBuild, 'operator');
}

/** Builds the operator once (cached by version) and returns its path. */
export async function installOperator(echo = false): Promise<string> {
  await buildGoMain(operatorBuild, echo);
  return operatorBinary();
}

/** How long this process spent building it, when it did (undefined when the cache served it). */
export function lastOperatorBuildMs(): number | undefined {
  const t = lastGoBuild.get(operatorBuild.cacheName);
  return t ? t.tidyMs + t.buildMs : undefined;
}

export interface RunningOperator {
  name: string;
  /** The operator's own HTTP endpoint (metrics, healthz) on 127.0.0.1. */
  url: string;
  log: string;
  /** The last lines of its log, for failure messages. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

let serial = 0;

/**
 * Starts the operator against `kube` with the admin certificate (the operator takes the API server
 * and certificates as flags, not a kubeconfig), watching `namespaces` (all when none are given).
 * The mocha root hook stops it too.
 */
export async function startOperator(
  kube: RunningKube,
  opts: { name?: string; namespaces?: readonly string[] } = {},
): Promise<RunningOperator> {
  const bin = await installOperator(true);
  const name = opts.name ?? `prometheus-operator-${process.pid}-${++serial}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const d = startDaemon(
    name,
    bin,
    [
      `-apiserver=${kube.server}`,
      `-ca-file=${kube.pki.ca}`,
      `-cert-file=${kube.pki.cert}`,
      `-key-file=${kube.pki.key}`,
      `-web.listen-address=127.0.0.1:${port}`,
      // Only the test's namespaces: other tests' objects in a shared control plane stay untouched.
      ...(opts.namespaces?.length ? [`-namespaces=${opts.namespaces.join(',')}`] : []),
      '-log-level=info',
    ],
    { url, marker: bin },
  );
  const logTail = (lines = 40): string => tail(d.log, lines);
  try {
    await waitFor('prometheus-operator /healthz', () => httpOk(`${url}/healthz`), 120_000, d.alive);
  } catch (e) {
    await stopDaemon(name);
    throw new Error(`prometheus-operator did not start: ${e instanceof Error ? e.message : String(e)}\n${logTail()}`);
  }
  return { name, url, log: d.log, logTail, stop: () => stopDaemon(name) };
}

/** `operator --version`, to check the build says what it is. */
export async function operatorVersion(): Promise<string> {
  return run(await installOperator(), ['--version'], { timeoutMs: 30_000 });
}

const PART = 'operator';

export const operatorPart: Part = {
  name: PART,
  description: `prometheus-operator ${OPERATOR_VERSION} (what kube-prometheus-stack 88.5.3 deploys), built from its Go module; tests run it out of cluster against the control plane`,
  async install(): Promise<void> {
    await installOperator(true);
  },
  async up() {
    await installOperator(true);
    return {
      name: PART,
      state: 'installed',
      detail: `${operatorBinary()} (a test starts it against its control plane)`,
    };
  },
  down(): Promise<void> {
    return Promise.resolve();
  },
  status() {
    const built = goMainBuilt(operatorBuild) && existsSync(operatorBinary());
    return Promise.resolve({
      ...daemonStatus(PART, built),
      ...(built ? { detail: join(operatorBinary()) } : { detail: "run 'npm run harness -- operator install'" }),
    });
  },
};
