// What `npm start` builds after the workbench is open: the sandbox's programs, then the local
// control plane and the tools of the cluster steps. The walkthrough's first steps need none of it,
// so the student reads and scaffolds while Go compiles. Progress goes to a JSON file that the
// workbench's "Lab setup" status-bar item (test/harness/start-progress/) reads, and each step's
// time is kept so that the next start can say how long a step took last time.
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sandboxCollectorVersion } from '../../src/node/sandbox/sandbox';
import { installAppVenv } from './app';
import { installHelm } from './helm';
import { jmeterPart } from './jmeter';
import { kubePart, runningKubeconfig } from './kube';
import { cacheDir, daemonStatus, repoRoot, runDir, startDaemon, stopDaemon, type Part, type PartStatus } from './lib';
import { installCollector } from './otelcol';
import { prometheusPart } from './prometheus';
import { sandboxPart } from './sandbox';
import { duration } from './start-progress/text';

export type StepState = 'waiting' | 'running' | 'done' | 'failed' | 'skipped';

export interface StepProgress {
  id: string;
  /** What the student reads: "Build Prometheus 3.14.0 (for the sandbox)". */
  label: string;
  state: StepState;
  /** How long it took this time, once done. */
  ms?: number;
  /** How long it took the last time it ran to the end, if it ever did. */
  lastMs?: number;
  startedAt?: string;
  /** Why it failed or was skipped, in one line. */
  why?: string;
}

export interface PrepareProgress {
  startedAt: string;
  /** Set when every step has ended, one way or another. */
  finishedAt?: string;
  steps: StepProgress[];
}

interface Step {
  id: string;
  label: string;
  /** Why the step is not needed on this machine; undefined when it is. */
  skip?: () => string | undefined;
  run: () => Promise<unknown>;
}

/** The student's own cluster, if they configured one: then the local control plane is not started. */
function ownKubeconfig(): string | undefined {
  if (process.env['KUBECONFIG']) return process.env['KUBECONFIG'];
  const file = join(homedir(), '.kube', 'config');
  return existsSync(file) ? file : undefined;
}

/**
 * Where the workbench's KUBECONFIG points before the control plane exists: the control plane
 * writes its kubeconfig in a folder of its own once it runs, and we copy it here, so the
 * extension host, started earlier, finds it at a name it was given in advance.
 */
export function startKubeconfigPath(): string {
  return join(runDir(), 'start-kubeconfig');
}

export function progressPath(): string {
  return join(runDir(), 'start-progress.json');
}

function timingsPath(): string {
  return join(cacheDir(), 'start-timings.json');
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Written whole under another name, then renamed: the status-bar item never reads half a file. */
function writeJson(file: string, value: unknown): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2));
  renameSync(`${file}.tmp`, file);
}

export function readProgress(): PrepareProgress | undefined {
  return readJson<PrepareProgress>(progressPath());
}

const steps: Step[] = [
  { id: 'prometheus', label: 'Build Prometheus 3.14.0 for the sandbox', run: () => prometheusPart.install() },
  {
    id: 'collector',
    label: `Build the OpenTelemetry Collector ${sandboxCollectorVersion} for the sandbox`,
    run: () => installCollector(sandboxCollectorVersion, true),
  },
  { id: 'app', label: "Install the Flask app's Python packages", run: () => installAppVenv() },
  { id: 'sandbox', label: 'Start the sandbox (app → collector → Prometheus)', run: () => sandboxPart.up() },
  {
    id: 'kube',
    label: 'Build and start the local Kubernetes control plane',
    skip: () => {
      const own = ownKubeconfig();
      return own ? `your own kubeconfig ${own} is used` : undefined;
    },
    run: async () => {
      if (!runningKubeconfig()) await kubePart.up();
      const kubeconfig = runningKubeconfig();
      if (!kubeconfig) throw new Error('the control plane did not write its kubeconfig');
      copyFileSync(kubeconfig, startKubeconfigPath());
    },
  },
  { id: 'helm', label: 'Build helm for the Helm steps', run: () => installHelm(undefined, true) },
  { id: 'jmeter', label: 'Install JMeter for the load test', run: () => jmeterPart.install() },
];

/** Runs every step in order; a failed step is reported and the next ones still run. */
export async function prepare(log: (line: string) => void = (l) => console.error(l)): Promise<PrepareProgress> {
  const last = readJson<Record<string, number>>(timingsPath()) ?? {};
  const progress: PrepareProgress = {
    startedAt: new Date().toISOString(),
    steps: steps.map((s) => ({
      id: s.id,
      label: s.label,
      state: 'waiting',
      ...(last[s.id] !== undefined ? { lastMs: last[s.id] } : {}),
    })),
  };
  const save = (): void => writeJson(progressPath(), progress);
  save();
  for (const [i, step] of steps.entries()) {
    const p = progress.steps[i];
    if (!p) continue;
    const why = step.skip?.();
    if (why) {
      Object.assign(p, { state: 'skipped', why });
      log(`${step.label}: skipped (${why})`);
      save();
      continue;
    }
    const t0 = Date.now();
    Object.assign(p, { state: 'running', startedAt: new Date(t0).toISOString() });
    save();
    log(`${step.label}…${p.lastMs !== undefined ? ` (took ${duration(p.lastMs)} last time)` : ''}`);
    try {
      await step.run();
      p.ms = Date.now() - t0;
      p.state = 'done';
      last[step.id] = p.ms;
      writeJson(timingsPath(), last);
      log(`${step.label}: done in ${duration(p.ms)}`);
    } catch (e) {
      p.ms = Date.now() - t0;
      p.state = 'failed';
      p.why = (e instanceof Error ? e.message : String(e)).split('\n')[0]?.slice(0, 300) ?? 'failed';
      log(`${step.label}: FAILED: ${e instanceof Error ? e.message : String(e)}`);
    }
    save();
  }
  progress.finishedAt = new Date().toISOString();
  save();
  return progress;
}

const PART = 'prepare';

/** `npm start` runs the steps as a daemon of its own, so that `npm run stop` ends it too. */
export const preparePart: Part = {
  name: PART,
  description: "npm start's background build: the sandbox's programs, the control plane, helm and JMeter",
  install: () => Promise.resolve(),
  up(): Promise<PartStatus> {
    const d = startDaemon(
      PART,
      process.execPath,
      [
        join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(repoRoot, 'test', 'harness', 'cli.ts'),
        'prepare',
        'run',
      ],
      { cwd: repoRoot },
    );
    return Promise.resolve({ name: PART, state: 'running', pid: d.pid, detail: `log: ${d.log}` });
  },
  down: () => stopDaemon(PART),
  status: () => Promise.resolve(daemonStatus(PART, true)),
};
