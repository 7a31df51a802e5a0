// obslab loadtest PLAN.jmx [-J NAME=VALUE ...] [--engine builtin|jmeter [--remote HOST:PORT,...]] [--jtl FILE] [--format json|text]
// Runs a JMeter plan with the built-in engine (default, in a worker thread) or real JMeter, then
// prints the summary of the .jtl it wrote (JSON: the summary object), and on stderr what the
// failures mean. Before it starts it says what it will load, on stderr.
// Exit 0: the run finished, some samples passed and every goal was met; 1: the run failed, was
// stopped (--abort-on-fail included), every sample failed, or a goal was missed; 2: bad usage (a goal
// that cannot be read included), a plan the engine will not run (the findings say why), or more
// threads than the process's open-file limit allows.
import * as l10n from '@vscode/l10n';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadPlan, refusals, targets, type LoadPlan } from '../core/loadtest/plan';
import {
  callbackHostFor,
  controllerArgs,
  explainControllerLine,
  parseRemoteEngines,
} from '../core/loadtest/jmeterDistributed';
import { startClientMetrics } from '../node/loadtest/clientMetricsPublish';
import type { Progress } from '../core/loadtest/stats';
import {
  defaultConnectionCap,
  openDurationSec,
  openModelProblem,
  parseRate,
  type OpenModel,
} from '../core/loadtest/arrivals';
import { fileHandles } from '../node/loadtest/fileHandles';
import type { FileHandles } from '../core/loadtest/threadBudget';
import { findJmeter, jmeterArgs, runJmeter } from '../node/loadtest/jmeter';
import { runNotes } from '../core/loadtest/runNotes';
import { runBuiltinInWorker, ThreadLimitError, type LoadgenWorkerScript } from '../node/loadtest/loadgenThread';
import type { OpenFigures } from '../core/loadtest/runner';
import { defineCommand, usageLine } from './commandSpec';
import { UsageError, type Io, parseCli } from './io';
import { printSummary, readFormat, summarizeJtlFile } from './jtl';
import { toJson } from './lint';
import {
  GoalWatch,
  goalJson,
  goalLines,
  goalsIntro,
  goalsMissed,
  judgeGoals,
  junitOption,
  readRunGoals,
  writeJunit,
} from './loadtestGoals';
import { formatOption } from './commonOptions';

export const loadtestSpec = defineCommand({
  command: 'loadtest',
  args: 'PLAN.jmx',
  get summary() {
    return l10n.t(
      'Runs a JMeter plan with the built-in load generator (or JMeter), showing progress, then summarizes the results.',
    );
  },
  options: {
    'no-metrics': {
      type: 'boolean',
      get help() {
        return l10n.t("don't publish the load generator's own metrics to the running sandbox's Prometheus");
      },
    },
    prop: {
      type: 'string',
      short: 'J',
      multiple: true,
      value: 'NAME=VALUE',
      get help() {
        return l10n.t('set a JMeter property the plan reads with ${__P(NAME)}; repeatable');
      },
    },
    engine: {
      type: 'string',
      value: 'builtin|jmeter',
      get help() {
        return l10n.t('which engine runs the plan (default builtin)');
      },
    },
    remote: {
      type: 'string',
      value: 'HOST:PORT,...',
      get help() {
        return l10n.t(
          "with --engine jmeter: JMeter's distributed mode, the plan run by these jmeter-server engines (RMI as their JMeter properties say)",
        );
      },
    },
    'jmeter-properties': {
      type: 'string',
      value: 'FILE',
      get help() {
        return l10n.t(
          "with --engine jmeter: more JMeter properties for this JMeter (its -q), e.g. the RMI keystore's server.rmi.ssl.* or server.rmi.ssl.disable=true",
        );
      },
    },
    jtl: {
      type: 'string',
      value: 'FILE',
      get help() {
        return l10n.t('where to write the results (default a temporary folder)');
      },
    },
    format: formatOption,
    rate: {
      type: 'string',
      value: 'RPS',
      get help() {
        return l10n.t(
          "the open model (built-in engine): requests per second through the plan's samplers in order, or a ramp 10..100 with --ramp",
        );
      },
    },
    ramp: {
      type: 'string',
      value: 'DURATION',
      get help() {
        return l10n.t('how long a --rate A..B ramp takes, e.g. 30s or 2m');
      },
    },
    'max-connections': {
      type: 'string',
      value: 'N',
      get help() {
        return l10n.t(
          "the open model's cap on connections (default 1000, or fewer when the open-file limit allows fewer)",
        );
      },
    },
    goal: {
      type: 'string',
      multiple: true,
      value: 'GOAL',
      get help() {
        return l10n.t(
          "a goal the run must meet, e.g. 'p95<200ms', 'errors<1%', 'POST /hash: p99<1s'; repeatable; replaces the plan's goals",
        );
      },
    },
    junit: junitOption,
    'abort-on-fail': {
      type: 'boolean',
      get help() {
        return l10n.t('stop the run as soon as a whole-run goal is missed (after --abort-delay)');
      },
    },
    'abort-delay': {
      type: 'string',
      value: 'SECONDS',
      get help() {
        return l10n.t('how long a run settles before --abort-on-fail judges it (default 5)');
      },
    },
  },
  get notes() {
    const syntax = '[LABEL:] p50|p90|p95|p99|avg|max|errors|rps <|<=|>|>= BOUND';
    const [first = '', second = ''] = l10n
      .t(
        "Goals: {0} (ms or s, %, req/s); without --goal, the plan's\nUser Defined Variables named goal or goal.* are the goals.",
        syntax,
      )
      .split('\n');
    return [first, `${second} ${l10n.t('Exit 1 when a goal is missed.')}`];
  },
});

export const loadtestUsage = usageLine(loadtestSpec);

export interface LoadtestDeps {
  /** Stops the run (the CLI binds it to Ctrl-C); tests hand their own. */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** The open-file reading for the thread cap (default: this process's); false: no cap. */
  fileHandles?: FileHandles | false;
  /** The built-in engine's worker script (default: dist/loadgenWorker.js beside this bundle). */
  worker?: LoadgenWorkerScript;
}

function seconds(n: number | undefined): string {
  return n === undefined ? '' : `${n} s`;
}

/** What the run will do, said before it starts. */
export function describePlan(plan: LoadPlan): { lines: string[]; remote: string[] } {
  const lines: string[] = [l10n.t("Plan '{0}' ({1})", plan.name, plan.file)];
  for (const g of plan.threadGroups) {
    const until =
      g.loops === undefined
        ? l10n.t('no main controller: sends nothing')
        : g.durationSec !== undefined
          ? g.loops === -1
            ? l10n.t('duration {0}', seconds(g.durationSec))
            : l10n.t('duration {0} or {1} loop(s), whichever ends first', seconds(g.durationSec), g.loops)
          : g.loops === -1
            ? l10n.t('no duration: runs until stopped')
            : l10n.t('{0} loop(s)', g.loops);
    const rampUp = seconds(g.rampUpSec);
    lines.push(
      g.delaySec
        ? l10n.t(
            "Thread Group '{0}': {1} thread(s), ramp-up {2}, {3}, start delay {4}",
            g.name,
            g.threads,
            rampUp,
            until,
            seconds(g.delaySec),
          )
        : l10n.t("Thread Group '{0}': {1} thread(s), ramp-up {2}, {3}", g.name, g.threads, rampUp, until),
    );
  }
  const remote: string[] = [];
  for (const t of targets(plan)) {
    lines.push(`  ${l10n.t("target: {0} {1} ('{2}')", t.method, t.url, t.label)}`);
    if (!t.local && !remote.includes(t.host)) remote.push(t.host);
  }
  return { lines, remote };
}

export function formatProgress(p: Progress): string {
  const figures = [
    p.elapsedSec.toFixed(0),
    p.activeThreads,
    p.rps,
    (p.errorRate * 100).toFixed(1),
    p.window.seconds,
    `${p.window.p50}/${p.window.p95}/${p.window.p99}`,
    p.overall.samples,
    p.overall.errors,
    `${p.overall.p50}/${p.overall.p95}/${p.overall.p99}`,
  ];
  if (!p.open)
    return l10n.t(
      '[{0} s] {1} thread(s), {2} req/s, errors {3}%, last {4} s p50/p95/p99 {5} ms; total {6} samples, {7} errors, p50/p95/p99 {8} ms',
      ...figures,
    );
  const o = p.open;
  return [
    l10n.t(
      '[{0} s] {1} in flight, {2} req/s, errors {3}%, last {4} s p50/p95/p99 {5} ms; total {6} samples, {7} errors, p50/p95/p99 {8} ms',
      ...figures,
    ),
    l10n.t(
      'open: intended {0} req/s, sent {1} req/s, {2}/{3} connections, {4} late, {5} dropped',
      o.intendedRps,
      o.achievedRps,
      o.connections,
      o.maxConnections,
      o.late,
      o.dropped,
    ),
  ].join('; ');
}

/** --rate, --ramp and --max-connections as the open model, or undefined for the plan's closed model. */
function readOpenModel(
  values: { rate?: string | undefined; ramp?: string | undefined; 'max-connections'?: string | undefined },
  engine: string,
  plan: LoadPlan,
  handles: FileHandles | undefined,
): OpenModel | undefined {
  if (values.rate === undefined) {
    if (values.ramp !== undefined || values['max-connections'] !== undefined)
      throw new UsageError(l10n.t('--ramp and --max-connections go with --rate (the open model)'));
    return undefined;
  }
  if (engine !== 'builtin')
    throw new UsageError(
      l10n.t(
        "--rate is the built-in engine's open model; JMeter runs the plan's closed model (its threads). Leave out --rate, or run with --engine builtin",
      ),
    );
  const rate = parseRate(values.rate, values.ramp);
  if (typeof rate === 'string') throw new UsageError(rate);
  const cap = values['max-connections'];
  if (cap !== undefined && !/^[1-9]\d{0,6}$/.test(cap.trim()))
    throw new UsageError(l10n.t("--max-connections takes a whole number of connections from 1, not '{0}'", cap));
  const problem = openModelProblem(plan);
  if (problem) throw new UsageError(`--rate: ${problem}`);
  return { ...rate, maxConnections: cap === undefined ? defaultConnectionCap(handles) : Number(cap) };
}

export async function runLoadtest(argv: string[], io: Io, deps: LoadtestDeps = {}): Promise<number> {
  const parsed = parseCli(argv, loadtestSpec);
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`${l10n.t('name one .jmx plan')}\n${loadtestUsage}`);
  const format = readFormat(values.format);
  const engine = values.engine ?? 'builtin';
  if (engine !== 'builtin' && engine !== 'jmeter')
    throw new UsageError(l10n.t("--engine is builtin or jmeter, not '{0}'", engine));
  const remoteEngines = values.remote === undefined ? undefined : parseRemoteEngines(values.remote);
  if (typeof remoteEngines === 'string') throw new UsageError(`--remote: ${remoteEngines}`);
  if (remoteEngines && engine !== 'jmeter')
    throw new UsageError(l10n.t("--remote runs JMeter's distributed mode: add --engine jmeter"));
  const jmeterProperties = values['jmeter-properties'] === undefined ? undefined : resolve(values['jmeter-properties']);
  if (jmeterProperties && engine !== 'jmeter')
    throw new UsageError(l10n.t('--jmeter-properties goes with --engine jmeter'));
  const props: Record<string, string> = {};
  for (const p of values.prop ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(l10n.t("-J takes NAME=VALUE, not '{0}'", p));
    props[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const planFile = positionals[0] ?? '';
  let text: string;
  try {
    text = readFileSync(planFile, 'utf8');
  } catch {
    throw new UsageError(l10n.t('{0}: no such file, or not readable', planFile));
  }

  const plan = loadPlan(text, { file: planFile, props });
  const runGoals = readRunGoals(values, plan);
  for (const f of plan.findings.map(toJson))
    io.err(`${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${f.message}`);
  const open = readOpenModel(
    values,
    engine,
    plan,
    deps.fileHandles === false ? undefined : (deps.fileHandles ?? fileHandles()),
  );
  const reasons = refusals(plan, engine);
  if (reasons.length) {
    io.err(
      engine === 'builtin'
        ? l10n.t('obslab loadtest: the built-in engine will not run {0}:', planFile)
        : l10n.t('obslab loadtest: the JMeter engine will not run {0}:', planFile),
    );
    for (const r of reasons) io.err(`  - ${r}`);
    if (
      engine === 'builtin' &&
      plan.findings.some((f) => f.severity === 'error' && f.code === 'loadtest/unsupported') &&
      !plan.findings.some((f) => f.severity === 'error' && f.code.startsWith('jmx/'))
    )
      io.err(l10n.t('Run it with --engine jmeter, which supports every JMeter element.'));
    return 2;
  }
  const { lines, remote } = describePlan(plan);
  for (const l of lines) io.err(l);
  if (open) {
    const rate = open.rampSec
      ? l10n.t('{0} to {1} req/s over {2} s, then {1}', open.startRps, open.targetRps, open.rampSec)
      : l10n.t('{0} req/s', open.targetRps);
    io.err(
      l10n.t(
        'Open model: {0} for {1} s through the samplers in order (threads and timers aside), up to {2} connections',
        rate,
        openDurationSec(plan) ?? 0,
        open.maxConnections,
      ),
    );
  }
  for (const host of remote)
    io.err(
      l10n.t(
        'warning: the target {0} is not this machine ({1}): load only servers you are allowed to load.',
        host,
        '127.0.0.1/localhost',
      ),
    );
  for (const l of goalsIntro(runGoals)) io.err(l);

  const ownDir = values.jtl ? undefined : mkdtempSync(join(tmpdir(), 'obslab-loadtest-'));
  const jtl = resolve(values.jtl ?? join(ownDir ?? '.', 'results.jtl'));
  const abort = new AbortController();
  const onSigint = (): void => {
    io.err(l10n.t('stopping: keeping the results so far (Ctrl-C again to quit at once)'));
    abort.abort();
    process.removeListener('SIGINT', onSigint);
  };
  // --abort-on-fail stops the run as Ctrl-C does: the results so far are kept and summarized.
  const goalWatch = new GoalWatch(runGoals, io);
  const startMs = Date.now();
  const signal = AbortSignal.any([...(deps.signal ? [deps.signal] : []), abort.signal, goalWatch.signal]);
  if (!deps.signal) process.on('SIGINT', onSigint);
  // While the run goes, the sandbox's Prometheus (when one runs) scrapes the client's figures too.
  const clientMetrics = values['no-metrics']
    ? undefined
    : await startClientMetrics({ jtl, engine, plan: plan.name }, (l) => io.err(l));
  try {
    let failed: string | undefined;
    let notes: string[] = [];
    let waiting = 0;
    let openFigures: OpenFigures | undefined;
    if (engine === 'builtin') {
      io.err(l10n.t('engine: built-in; results: {0}', jtl));
      let result;
      try {
        result = await runBuiltinInWorker(plan, {
          jtl,
          signal,
          onProgress: (p) => {
            io.err(formatProgress(p));
            goalWatch.onProgress(p);
          },
          ...(deps.fileHandles === undefined ? {} : { fileHandles: deps.fileHandles }),
          ...(deps.worker ? { worker: deps.worker } : {}),
          ...(open ? { open } : {}),
        });
      } catch (e) {
        if (e instanceof ThreadLimitError) {
          io.err(l10n.t('obslab loadtest: {0} Nothing was sent.', e.message));
          return 2;
        }
        // The engine's thread failed (out of memory, say): what it wrote to the .jtl is still summarized.
        failed = e instanceof Error ? e.message : String(e);
      }
      if (result) {
        if (result.stoppedBy === 'cancelled') failed = l10n.t('the run was stopped before it finished');
        if (result.terminated)
          io.err(
            l10n.t(
              'warning: the engine did not stop within a second and was ended; the .jtl has the samples up to its last report',
            ),
          );
        if (result.leftOpen)
          io.err(
            l10n.t('warning: {0} connection(s) were still open after the run and have been closed', result.leftOpen),
          );
        if (result.samples && result.errors === result.samples)
          failed = l10n.t(
            'every request failed, the first with {0}; is the target up and reachable?',
            result.firstError ?? l10n.t('an error'),
          );
        notes = runNotes(result);
        waiting = result.interrupted;
        openFigures = result.open;
      }
    } else {
      const launcher = findJmeter(deps.env ?? process.env);
      if (!launcher)
        throw new UsageError(
          l10n.t(
            'JMeter not found: set OBSLAB_JMETER to its bin/jmeter, or put jmeter on PATH (or use --engine builtin)',
          ),
        );
      const log = jtl.replace(/\.jtl$/, '') + '.log';
      // Distributed: the engines run the plan (its properties go to them as -G), this JMeter merges their samples.
      const args = remoteEngines
        ? controllerArgs({
            plan: resolve(planFile),
            jtl,
            log,
            engines: remoteEngines,
            props,
            controllerProps: props,
            rmi: jmeterProperties
              ? { kind: 'keystore', propertiesFile: jmeterProperties }
              : { kind: 'jmeter-properties' },
            ...(callbackHostFor(remoteEngines) ? { callbackHost: callbackHostFor(remoteEngines) } : {}),
          })
        : [...jmeterArgs(resolve(planFile), jtl, log, props), ...(jmeterProperties ? ['-q', jmeterProperties] : [])];
      const command = `${launcher} ${args.join(' ')}`;
      io.err(
        remoteEngines
          ? l10n.t('engine: JMeter on {0} remote engine(s) ({1})', remoteEngines.length, command)
          : l10n.t('engine: JMeter ({0})', command),
      );
      const explained = new Set<string>();
      const run = await runJmeter(launcher, args, {
        jtl,
        ...(deps.env ? { env: deps.env } : {}),
        onLine: (l) => {
          io.err(`jmeter: ${l}`);
          const why = remoteEngines ? explainControllerLine(l) : undefined;
          if (why && !explained.has(why)) {
            explained.add(why);
            io.err(`obslab loadtest: ${why}`);
          }
        },
        onProgress: (p) => {
          io.err(formatProgress(p));
          goalWatch.onProgress(p);
        },
        signal,
      });
      if (run.code !== 0)
        failed = l10n.t('JMeter exited with {0} (its log: {1})', run.code ?? run.signal ?? l10n.t('an error'), log);
    }
    failed = goalWatch.reason ?? failed;
    const junitRun = {
      command: 'obslab loadtest',
      suite: plan.name || planFile,
      startMs,
      durationSec: (Date.now() - startMs) / 1000,
      properties: { plan: planFile, engine, jtl },
    };
    let summary;
    try {
      summary = summarizeJtlFile(jtl);
    } catch (e) {
      const none = l10n.t('no results to summarize: {0}', e instanceof Error ? e.message : String(e));
      const why = failed ? `${failed}; ${none}` : none;
      io.err(`obslab loadtest: ${why}`);
      writeJunit(runGoals, judgeGoals(runGoals, undefined), { ...junitRun, runError: why }, io);
      return 1;
    }
    const goalResults = judgeGoals(runGoals, summary);
    // JSON carries the goals judged and the open model's intended and achieved rate beside the summary.
    const judged = {
      ...(runGoals.goals.length ? { goals: goalResults.map(goalJson) } : {}),
      ...(openFigures ? { open: openFigures } : {}),
    };
    if (format === 'json' && Object.keys(judged).length) io.out(JSON.stringify({ ...summary, ...judged }, null, 2));
    else printSummary(summary, format, io);
    if (format === 'text') for (const l of goalLines(goalResults)) io.out(l);
    for (const n of notes) io.err(l10n.t('note: {0}', n));
    if (!summary.samples)
      failed ??= waiting
        ? l10n.t('no samples: {0} request(s) were sent and had no answer yet', waiting)
        : l10n.t('no samples: nothing was sent');
    else if (summary.errors === summary.samples) failed ??= l10n.t('every sample failed');
    const runError = failed === goalWatch.reason ? undefined : failed;
    const written = writeJunit(runGoals, goalResults, { ...junitRun, durationSec: summary.durationSec, runError }, io);
    failed ??= goalsMissed(goalResults);
    if (failed) {
      io.err(`obslab loadtest: ${failed}`);
      return 1;
    }
    return written ? 0 : 1;
  } finally {
    await clientMetrics?.stop();
    process.removeListener('SIGINT', onSigint);
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  }
}

export const runLoadtestCommand = (argv: string[], io: Io): Promise<number> => runLoadtest(argv, io);
