// Observability Lab: Run Load Test / Summarize Results. Runs a JMeter plan with the built-in engine
// (in a worker thread, capped by the open-file limit) or JMeter when it is installed, against a
// target the student confirms, with live numbers in a progress notification, the status bar and a
// webview, and the .jtl's summary at the end, with what its failures mean.
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { loadPlan, refusals, remoteHosts, targets, type LoadPlan } from '../core/loadtest/plan';
import { formatServerFigures, task5Queries } from '../core/loadtest/serverFigures';
import { runNotes } from '../core/loadtest/runNotes';
import { progressStatusText, type Progress } from '../core/loadtest/stats';
import { parseTarget } from '../core/loadtest/target';
import { concurrentThreads, threadBudget, threadLimitProblem } from '../core/loadtest/threadBudget';
import {
  connectionCapProblem,
  defaultConnectionCap,
  openDurationSec,
  openModelProblem,
  parseRate,
  type OpenModel,
} from '../core/loadtest/arrivals';
import { formatSummary, type Summary } from '../core/loadtest/summary';
import { evaluateGoals, goalResultLine, planGoalTexts, type Goal, type GoalResult } from '../core/loadtest/goals';
import { defaultAbortDelaySec, LiveGoalWatch, missedLine, stopReason } from '../core/loadtest/goalWatch';
import {
  parseLoadtestPageMessage,
  type LoadtestHostMessage,
  type LoadtestRunInfo,
  type LoadtestSummaryMessage,
} from '../core/protocol/loadtest';
import { summarizeJtlFile } from '../node/loadtest/jtlFile';
import { configuredJmeter, jmeterArgs, runJmeter } from '../node/loadtest/jmeter';
import { isFile } from '../node/files/textFiles';
import { pollServerFigures } from '../node/loadtest/serverFigures';
import { fileHandles } from '../node/loadtest/fileHandles';
import { runBuiltinInWorker, ThreadLimitError } from '../node/loadtest/loadgenThread';
import { startClientMetrics } from '../node/loadtest/clientMetricsPublish';
import { clientServerP95Query } from '../core/loadtest/clientMetrics';
import { choosePrometheus } from '../core/prometheus/url';
import { sandboxPrometheusUrl, sandboxStatus } from '../node/sandbox/sandbox';
import { labQueries } from './queryPanel';
import type { LoadtestPageStrings } from '../core/protocol/pageStrings';
import { connectPanel, createPanel, webviewHtml } from './webviewHtml';
import type { CommandFactory, Ctx } from './context';
import { findLabFolder } from './labFolder';
import {
  askDistribution,
  distributedEngineChoices,
  jmeterExited,
  distributionDetail,
  runDistributed,
  type Distribution,
} from './loadtestDistributed';
import { confirmWithGoals, goalsForPanel, goalsNotice } from './loadtestGoals';

const viewType = 'obslab.loadtest';
const defaultTarget = 'localhost:8080';

// ---- the view -------------------------------------------------------------------------------

class LoadtestPanel {
  static current: LoadtestPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  /** Closed by the student: a run goes on (the notification and status bar still show it). */
  private disposed = false;
  private queue: LoadtestHostMessage[] = [];
  /** What Stop does while a run is going. */
  onStop: (() => void) | undefined;

  private constructor(
    private readonly ctx: Ctx,
    private readonly panel: vscode.WebviewPanel,
  ) {
    connectPanel(panel, this.disposables, { message: (m) => this.onMessage(m), dispose: () => this.dispose() });
    this.render();
  }

  static show(ctx: Ctx, title: string): LoadtestPanel {
    const existing = LoadtestPanel.current;
    if (existing) {
      existing.panel.title = title;
      existing.panel.reveal(undefined, true);
      existing.ready = false;
      existing.queue = [];
      existing.render();
      return existing;
    }
    // The page's own history is in the host's messages; keep it while hidden.
    const panel = createPanel(ctx.extension.extensionUri, viewType, title, {
      retainContextWhenHidden: true,
      preserveFocus: true,
    });
    LoadtestPanel.current = new LoadtestPanel(ctx, panel);
    return LoadtestPanel.current;
  }

  post(message: LoadtestHostMessage): void {
    if (this.disposed) return;
    if (!this.ready) {
      // Progress is only worth its latest value; the rest is kept in order.
      if (message.type === 'progress') this.queue = this.queue.filter((m) => m.type !== 'progress');
      this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    const message = parseLoadtestPageMessage(raw);
    if (!message) {
      this.ctx.output.appendLine(
        `[loadtest] ignored a malformed message from the load-test page: ${JSON.stringify(raw)?.slice(0, 200) ?? String(raw)}`,
      );
      return;
    }
    if (message.type === 'ready') {
      this.ready = true;
      for (const m of this.queue.splice(0)) void this.panel.webview.postMessage(m);
      return;
    }
    this.onStop?.();
  }

  private render(): void {
    this.panel.webview.html = webviewHtml(
      this.panel.webview,
      this.ctx.extension.extensionUri,
      'loadtest',
      vscode.l10n.t('Load Test'),
      loadtestPageStrings(),
    );
  }

  private dispose(): void {
    this.disposed = true;
    if (LoadtestPanel.current === this) LoadtestPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

// ---- helpers --------------------------------------------------------------------------------

export function summaryMessage(
  summary: Summary,
  jtl: string,
  outcome?: string,
  runNotesToShow: readonly string[] = [],
  goalResults: readonly GoalResult[] = [],
): LoadtestSummaryMessage {
  const notes: string[] = runNotesToShow.map((n) => `${n[0]?.toUpperCase() ?? ''}${n.slice(1)}`);
  if (!summary.header)
    notes.push(vscode.l10n.t("The file has no header line; read with JMeter's default column order."));
  if (summary.broken)
    notes.push(
      vscode.l10n.t(
        '{0} unreadable record(s) skipped (first at line {1}).',
        summary.broken,
        summary.brokenLines.join(', '),
      ),
    );
  return {
    type: 'summary',
    jtl,
    ...(outcome ? { outcome } : {}),
    samples: summary.samples,
    errors: summary.errors,
    errorRate: summary.errorRate,
    throughputPerSec: summary.throughputPerSec,
    durationSec: summary.durationSec,
    latencyMs: summary.latencyMs,
    byLabel: Object.entries(summary.byLabel).map(([label, l]) => ({
      label,
      samples: l.samples,
      errors: l.errors,
      throughputPerSec: l.throughputPerSec,
      latencyMs: l.latencyMs,
    })),
    byResponseCode: Object.entries(summary.byResponseCode)
      .sort((a, b) => b[1] - a[1])
      .map(([code, count]) => ({ code, count })),
    notes,
    ...goalsForPanel(goalResults),
  };
}

function positiveInt(min: number, max: number) {
  return (v: string): string | undefined =>
    /^\d+$/.test(v.trim()) && Number(v) >= min && Number(v) <= max
      ? undefined
      : vscode.l10n.t('a whole number from {0} to {1}', min, max);
}

function timestamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

async function choosePlan(ctx: Ctx): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && active.scheme === 'file' && active.fsPath.endsWith('.jmx')) return active;
  const lab = await findLabFolder(ctx).catch(() => undefined);
  if (lab) {
    const plan = vscode.Uri.joinPath(lab, 'jmeter', 'hash-load.jmx');
    if (await isFile(plan.fsPath)) return plan;
  }
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Run Load Test: which JMeter plan?'),
    canSelectMany: false,
    filters: { [vscode.l10n.t('JMeter plan')]: ['jmx'] },
    openLabel: vscode.l10n.t('Run this plan'),
  });
  return picked?.[0];
}

async function defaultTargetAddress(ctx: Ctx): Promise<string> {
  // A running port-forward to the lab's app (Start Port-Forward) comes first: it is the cluster's app.
  const forwarded = ctx.forwards.urlFor('app');
  if (forwarded) return new URL(forwarded).host;
  const app = (await sandboxStatus().catch(() => [])).find((p) => p.name === 'app' && p.state === 'up');
  if (app?.url) {
    try {
      const url = new URL(app.url);
      return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
    } catch {
      // fall through to the port-forward
    }
  }
  return defaultTarget;
}

function jmeterLauncher(): string | undefined {
  return configuredJmeter(vscode.workspace.getConfiguration('obslab').get<string>('jmeterPath'));
}

function mainGroups(plan: LoadPlan): LoadPlan['threadGroups'] {
  return plan.threadGroups.filter((g) => g.kind === 'main');
}

// ---- Run Load Test ----------------------------------------------------------------------------

/** A run going now: a second one waits until it ends. */
let running: AbortController | undefined;

/** On deactivation: a run still going ends with the window, its partial .jtl kept. */
export function stopRunningLoadTest(): void {
  running?.abort();
}

export const runLoadTestCommand: CommandFactory = (ctx) => async () => {
  if (running) {
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t('Observability Lab: a load test is already running.'),
      vscode.l10n.t('Stop It'),
    );
    if (pick) running.abort();
    return undefined;
  }
  const planUri = await choosePlan(ctx);
  if (!planUri) return undefined;
  const planFile = planUri.fsPath;
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(planUri));
  const relPlan = vscode.workspace.asRelativePath(planUri);

  // The plan as written: its defaults, and whether the built-in engine would run it at all.
  const asWritten = loadPlan(text, { file: planFile });
  const firstGroup = mainGroups(asWritten)[0];
  const reasonsBuiltin = refusals(asWritten, 'builtin');
  const launcher = jmeterLauncher();
  if (reasonsBuiltin.length && !(launcher && !refusals(asWritten, 'jmeter').length)) {
    ctx.output.appendLine(`[loadtest] will not run ${planFile}:`);
    for (const r of reasonsBuiltin) ctx.output.appendLine(`  - ${r}`);
    const showLog = vscode.l10n.t('Show Log');
    const openPlan = vscode.l10n.t('Open Plan');
    const pick = await vscode.window.showErrorMessage(
      vscode.l10n.t('Observability Lab: {0} cannot be run: {1}', relPlan, reasonsBuiltin[0] ?? ''),
      showLog,
      openPlan,
    );
    if (pick === showLog) ctx.output.show(true);
    if (pick === openPlan) await vscode.window.showTextDocument(planUri);
    return undefined;
  }

  const target = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run Load Test: target ({0}/{1})', 1, 2),
    prompt: vscode.l10n.t(
      "host:port of the app to load (the sandbox app, or the lab's port-forward on localhost:8080)",
    ),
    value: await defaultTargetAddress(ctx),
    validateInput: (v) => {
      const t = parseTarget(v);
      return typeof t === 'string' ? t : undefined;
    },
    ignoreFocusOut: true,
  });
  if (!target) return undefined;
  const parsedTarget = parseTarget(target);
  if (typeof parsedTarget === 'string') return undefined;

  // A plan whose loops end it has no duration: it keeps that unless the student sets one.
  const defaults = {
    threads: firstGroup?.threads ?? 1,
    ramp: firstGroup?.rampUpSec ?? 0,
    duration: firstGroup?.durationSec,
  };
  const shape = await vscode.window.showQuickPick(
    [
      {
        label: vscode.l10n.t('Use plan defaults'),
        detail:
          defaults.duration === undefined
            ? vscode.l10n.t('{0} thread(s), ramp-up {1} s, until its loops end', defaults.threads, defaults.ramp)
            : vscode.l10n.t(
                '{0} thread(s), ramp-up {1} s, duration {2} s',
                defaults.threads,
                defaults.ramp,
                defaults.duration,
              ),
        change: false,
      },
      {
        label: vscode.l10n.t('Change…'),
        detail: vscode.l10n.t('Threads, ramp-up and duration, one at a time'),
        change: true,
      },
    ],
    { title: vscode.l10n.t('Run Load Test: threads, ramp-up, duration ({0}/{1})', 2, 2), ignoreFocusOut: true },
  );
  if (!shape) return undefined;
  let { threads, ramp, duration } = defaults;
  if (shape.change) {
    const ask = async (
      title: string,
      prompt: string,
      value: number,
      min: number,
      max: number,
      problem?: (n: number) => string | undefined,
    ): Promise<number | undefined> => {
      const v = await vscode.window.showInputBox({
        title,
        prompt,
        value: String(Math.min(value, max)),
        validateInput: (text) =>
          (/^\d+$/.test(text.trim()) ? problem?.(Number(text)) : undefined) ?? positiveInt(min, max)(text),
        ignoreFocusOut: true,
      });
      return v === undefined ? undefined : Number(v.trim());
    };
    // Each thread holds a socket, a file handle of this process: no more than the open-file limit allows.
    const handles = fileHandles();
    const t = await ask(
      vscode.l10n.t('Run Load Test: threads ({0}/{1})', 1, 3),
      vscode.l10n.t('Concurrent virtual users'),
      threads,
      1,
      Math.max(1, Math.min(10_000, handles ? threadBudget(handles) : 10_000)),
      (n) => threadLimitProblem(n, handles),
    );
    if (t === undefined) return undefined;
    const r = await ask(
      vscode.l10n.t('Run Load Test: ramp-up seconds ({0}/{1})', 2, 3),
      vscode.l10n.t('Seconds until every thread has started'),
      Math.min(ramp, 3600),
      0,
      3600,
    );
    if (r === undefined) return undefined;
    const d = await ask(
      vscode.l10n.t('Run Load Test: duration seconds ({0}/{1})', 3, 3),
      vscode.l10n.t('Seconds the test runs, ramp-up included'),
      duration ?? 60,
      1,
      86_400,
    );
    if (d === undefined) return undefined;
    threads = t;
    ramp = Math.min(r, d);
    duration = d;
  }

  const engines: { label: string; detail: string; engine: 'builtin' | 'jmeter'; where?: Distribution['kind'] }[] = [];
  if (!reasonsBuiltin.length)
    engines.push({
      label: vscode.l10n.t('Built-in engine'),
      detail: vscode.l10n.t('Runs in a worker thread of the editor, no Java needed; live numbers every second'),
      engine: 'builtin',
    });
  if (launcher && !refusals(asWritten, 'jmeter').length)
    engines.push({
      label: vscode.l10n.t('JMeter on this machine'),
      detail: vscode.l10n.t(
        "{0} (runs the plan's closed model: its threads; the open model is the built-in engine's)",
        launcher,
      ),
      engine: 'jmeter',
    });
  // JMeter's own distributed mode: on remote jmeter-servers, or as jmeter-server pods in the lab cluster.
  if (!refusals(asWritten, 'jmeter').length)
    for (const c of distributedEngineChoices(launcher)) engines.push({ ...c, engine: 'jmeter' });
  let engine = engines[0]?.engine ?? 'builtin';
  let where: Distribution['kind'] | undefined;
  if (engines.length > 1) {
    const e = await vscode.window.showQuickPick(engines, {
      title: vscode.l10n.t('Run Load Test: engine'),
      ignoreFocusOut: true,
    });
    if (!e) return undefined;
    engine = e.engine;
    where = e.where;
  }

  // The plan as it will run: the properties the lab's plan reads, and the shape set on every main group.
  const props: Record<string, string> = { SERVER: parsedTarget.host.replace(/^\[|\]$/g, ''), PORT: parsedTarget.port };
  if (shape.change)
    Object.assign(props, {
      THREADS: String(threads),
      RAMP: String(ramp),
      ...(duration === undefined ? {} : { DURATION: String(duration) }),
    });
  const distribution = where ? await askDistribution(ctx, where, text, props) : undefined;
  if (where && !distribution) return undefined;
  const plan = loadPlan(text, { file: planFile, props });
  if (shape.change) {
    for (const g of mainGroups(plan)) {
      g.threads = threads;
      g.rampUpSec = ramp;
      g.durationSec = duration;
    }
  }
  // The built-in engine runs either model; JMeter always runs the plan's closed model.
  let open: OpenModel | undefined;
  if (engine === 'builtin') {
    const model = await vscode.window.showQuickPick(
      [
        {
          label: vscode.l10n.t('Closed (threads, as the plan says)'),
          detail: vscode.l10n.t(
            'Each thread sends its next request when the last is answered: a slow server gets fewer requests',
          ),
          open: false,
        },
        {
          label: vscode.l10n.t('Open (a fixed arrival rate)'),
          detail: vscode.l10n.t(
            "Requests start at a rate, whatever the server's pace; latency counts from each request's intended start",
          ),
          open: true,
        },
      ],
      { title: vscode.l10n.t('Run Load Test: load model'), ignoreFocusOut: true },
    );
    if (!model) return undefined;
    if (model.open) {
      const problem = openModelProblem(plan);
      if (problem) {
        void vscode.window.showErrorMessage(
          vscode.l10n.t('Observability Lab: the open model cannot run {0}: {1}.', relPlan, problem),
        );
        return undefined;
      }
      const read = (v: string): Omit<OpenModel, 'maxConnections'> | string => {
        const [rate = '', ramp, ...rest] = v.trim().split(/\s+/);
        return rest.length
          ? vscode.l10n.t("'{0}' is a rate and at most a ramp time, such as {1}", v, '10..100 30s')
          : parseRate(rate, ramp);
      };
      const rate = await vscode.window.showInputBox({
        title: vscode.l10n.t('Run Load Test: arrival rate'),
        prompt: vscode.l10n.t(
          "Requests per second through the plan's samplers in order (threads and timers aside): {0}, or a ramp from one rate to another over a time, {1}",
          '100',
          '10..100 30s',
        ),
        value: '10',
        validateInput: (v) => {
          const r = read(v);
          return typeof r === 'string' ? r.replace(/--rate |--ramp /g, '') : undefined;
        },
        ignoreFocusOut: true,
      });
      if (rate === undefined) return undefined;
      const parsed = read(rate);
      if (typeof parsed === 'string') return undefined;
      open = { ...parsed, maxConnections: defaultConnectionCap(fileHandles()) };
    }
  }
  if (engine === 'builtin' && open) {
    const tooMany = connectionCapProblem(open.maxConnections, fileHandles());
    if (tooMany) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Observability Lab: {0}', tooMany));
      return undefined;
    }
  } else if (engine === 'builtin') {
    const tooMany = threadLimitProblem(concurrentThreads(plan), fileHandles());
    if (tooMany) {
      ctx.output.appendLine(`[loadtest] will not run ${planFile}: ${tooMany}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Observability Lab: {0}', tooMany));
      return undefined;
    }
  }
  const serverHost = props['SERVER'] ?? '';
  const hit = targets(plan);
  const urls = [...new Set(hit.map((t) => `${t.method} ${t.url}`))];
  const remote = remoteHosts(hit, serverHost);
  const detail = [
    vscode.l10n.t('Plan: {0}', relPlan),
    vscode.l10n.t('Target: {0}', `${target}${urls.length ? `\n  ${urls.join('\n  ')}` : ''}`),
    vscode.l10n.t('Threads: {0}', threads),
    vscode.l10n.t('Ramp-up: {0} s', ramp),
    duration === undefined
      ? vscode.l10n.t("Duration: until the plan's loops end")
      : vscode.l10n.t('Duration: {0} s', duration),
    ...(distribution
      ? distributionDetail(distribution, launcher)
      : [
          engine === 'builtin'
            ? vscode.l10n.t('Engine: built-in')
            : vscode.l10n.t('Engine: JMeter ({0})', launcher ?? ''),
        ]),
    vscode.l10n.t('Model: {0}', modelText(open, plan, engine)),
    ...(remote.length
      ? [
          `\n${vscode.l10n.t(
            'WARNING: {0} is not this machine (127.0.0.1/localhost). Load only servers you are allowed to load.',
            remote.join(', '),
          )}`,
        ]
      : []),
  ].join('\n');
  // The goals line, Set Goals… and (with goals judged live) Run, Stop at a Missed Goal are added to
  // the confirmation; the plan's goal variables come first.
  const question =
    distribution?.kind === 'cluster'
      ? vscode.l10n.t('Run the load test against {0} from the lab cluster?', distribution.target)
      : vscode.l10n.t('Run the load test against {0}?', target);
  const confirmed = await confirmWithGoals(question, detail, planGoalTexts(plan));
  if (!confirmed) return undefined;

  const jtl = join(dirname(planFile), `results-${timestamp()}.jtl`);
  const info: LoadtestRunInfo = {
    plan: relPlan,
    jtl: vscode.workspace.asRelativePath(jtl),
    engine:
      engine === 'builtin'
        ? vscode.l10n.t('built-in')
        : distribution?.kind === 'remote'
          ? vscode.l10n.t('JMeter, distributed (remote)')
          : distribution?.kind === 'cluster'
            ? vscode.l10n.t('JMeter, distributed (cluster)')
            : 'JMeter',
    model: modelText(open, plan, engine),
    targets: urls,
    threads,
    rampUpSec: ramp,
    ...(duration === undefined ? {} : { durationSec: duration }),
  };
  return runAndReport(ctx, {
    plan,
    planFile,
    props,
    engine,
    launcher,
    jtl,
    info,
    goals: confirmed.goals,
    stopAtMiss: confirmed.stopAtMiss,
    ...(open ? { open } : {}),
    ...(distribution ? { distribution } : {}),
  });
};

/** The run's end in words: the outcomes the code compares are words of the display language only here. */
function outcomeText(outcome: string): string {
  switch (outcome) {
    case 'completed':
      return vscode.l10n.t('completed');
    case 'stopped':
      return vscode.l10n.t('stopped');
    case 'not started':
      return vscode.l10n.t('not started');
    case 'failed':
      return vscode.l10n.t('failed');
    default:
      return outcome;
  }
}

/** The load model in words, for the confirmation and the view. */
function modelText(open: OpenModel | undefined, plan: LoadPlan, engine: 'builtin' | 'jmeter'): string {
  if (!open)
    return engine === 'jmeter'
      ? vscode.l10n.t("closed: JMeter runs the plan's threads (the open model is the built-in engine's)")
      : vscode.l10n.t("closed: the plan's threads");
  const rate = open.rampSec
    ? vscode.l10n.t('{0} to {1} req/s over {2} s, then {1} req/s', open.startRps, open.targetRps, open.rampSec)
    : vscode.l10n.t('{0} req/s', open.targetRps);
  return vscode.l10n.t(
    'open: {0} for {1} s, up to {2} connections',
    rate,
    openDurationSec(plan) ?? 0,
    open.maxConnections,
  );
}

/**
 * The server's rate and p95 beside the client's, every 5 s while the run goes: from a port-forwarded
 * Prometheus (the cluster's), else the sandbox's. Without one, the view says so once.
 */
async function watchServer(ctx: Ctx, panel: LoadtestPanel, startedMs: number, signal: AbortSignal): Promise<void> {
  const prometheus = choosePrometheus(ctx.forwards.urlFor('prometheus'), sandboxPrometheusUrl());
  if (!prometheus) {
    panel.post({
      type: 'server',
      unavailable: true,
      text: vscode.l10n.t(
        "Server-side figures: no Prometheus connected (start the sandbox, or a port-forward to the cluster's Prometheus, to see them here).",
      ),
    });
    return;
  }
  const baseUrl = prometheus.url;
  const source =
    prometheus.from === 'forward' ? vscode.l10n.t('port-forwarded Prometheus') : vscode.l10n.t('sandbox Prometheus');
  const queries = task5Queries((await labQueries(ctx)).queries);
  if (!queries) {
    ctx.output.appendLine(
      '[loadtest] lab-queries.promql has no "Task 5: request rate" and "Task 5: 95th percentile" queries; no server-side figures',
    );
    return;
  }
  await pollServerFigures({
    baseUrl,
    source,
    queries,
    signal,
    onFigures: (f) =>
      panel.post({
        type: 'server',
        text: formatServerFigures(f),
        elapsedSec: Math.round((f.atMs - startedMs) / 100) / 10,
        ...(f.rps === undefined ? {} : { rps: f.rps }),
        ...(f.p95Ms === undefined ? {} : { p95Ms: f.p95Ms }),
      }),
    onUnreachable: (message) => {
      ctx.output.appendLine(`[loadtest] server-side figures: ${message}`);
      panel.post({
        type: 'server',
        unavailable: true,
        text: vscode.l10n.t(
          "Server-side figures: {0} at {1} is not answering; the client's figures go on.",
          source,
          baseUrl,
        ),
      });
    },
  });
}

interface RunSpec {
  plan: LoadPlan;
  planFile: string;
  props: Record<string, string>;
  engine: 'builtin' | 'jmeter';
  launcher: string | undefined;
  jtl: string;
  info: LoadtestRunInfo;
  /** What the run is judged by: the plan's goals, or those the student set. */
  goals: Goal[];
  /** Run, Stop at a Missed Goal: the first whole-run goal missed after the settling delay stops the run. */
  stopAtMiss: boolean;
  /** The built-in engine's open model; absent: the plan's closed model. */
  open?: OpenModel;
  /** JMeter's distributed mode: remote jmeter-servers, or pods in the lab cluster. */
  distribution?: Distribution;
}

async function runAndReport(ctx: Ctx, spec: RunSpec): Promise<string | undefined> {
  const output = ctx.output;
  const abort = new AbortController();
  running = abort;
  const panel = LoadtestPanel.show(ctx, vscode.l10n.t('Load Test'));
  panel.onStop = () => abort.abort();
  panel.post({ type: 'start', run: spec.info });
  const status = vscode.window.createStatusBarItem('obslab.loadtest', vscode.StatusBarAlignment.Left, 100);
  status.name = vscode.l10n.t('Observability Lab: Load Test');
  status.text = `$(pulse) ${vscode.l10n.t('starting…')}`;
  status.tooltip = vscode.l10n.t('Load test of {0}', spec.info.plan);
  status.show();
  output.appendLine(
    `[loadtest] ${spec.info.plan} → ${spec.info.targets.join(', ')}: ${spec.info.threads} thread(s), ramp-up ${spec.info.rampUpSec} ` +
      `s, ${spec.info.durationSec === undefined ? 'until its loops end' : `${spec.info.durationSec} s`}, ${spec.info.engine}; ` +
      `results ${spec.jtl}`,
  );

  let outcome = 'completed';
  let notes: string[] = [];
  // Stopping at a missed goal is Stop pressed by the watch: the results so far are kept and judged.
  const goalWatch = spec.stopAtMiss ? new LiveGoalWatch(spec.goals, defaultAbortDelaySec) : undefined;
  const serverWatch = new AbortController();
  const watching = watchServer(ctx, panel, Date.now(), serverWatch.signal).catch((e: unknown) =>
    ctx.output.appendLine(`[loadtest] server-side figures stopped: ${e instanceof Error ? e.message : String(e)}`),
  );
  // The client's own figures for the sandbox's Prometheus while the run goes: Query Prometheus charts both p95s.
  const clientMetrics = await startClientMetrics({ jtl: spec.jtl, engine: spec.engine, plan: spec.plan.name }, (l) =>
    output.appendLine(`[loadtest] ${l}`),
  );
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Load test'), cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        // Set just before the watch stops the run, so the page can say which goal was missed.
        let missedGoal: string | undefined;
        abort.signal.addEventListener(
          'abort',
          () => {
            progress.report({ message: vscode.l10n.t('stopping, keeping the results so far…') });
            panel.post({ type: 'stopping', ...(missedGoal ? { reason: missedGoal } : {}) });
          },
          { once: true },
        );
        const total = spec.info.durationSec === undefined ? '' : `/${spec.info.durationSec}`;
        const onProgress = (p: Progress): void => {
          // Judged only while nothing else stopped the run, so the reason given is the true one.
          const miss = abort.signal.aborted ? undefined : goalWatch?.onProgress(p);
          if (miss) {
            output.appendLine(`[loadtest] stopping: ${missedLine(miss)}`);
            missedGoal = missedLine(miss);
            abort.abort();
            progress.report({ message: vscode.l10n.t('stopping: {0}; keeping the results so far…', missedLine(miss)) });
          }
          status.text = progressStatusText(p);
          panel.post({
            type: 'progress',
            elapsedSec: p.elapsedSec,
            activeThreads: p.activeThreads,
            rps: p.rps,
            errorRate: p.errorRate,
            window: p.window,
            overall: p.overall,
            ...(p.open ? { open: p.open } : {}),
          });
          if (!abort.signal.aborted)
            progress.report({
              message: vscode.l10n.t(
                '{0} s · {1} req/s · p95 {2} ms · {3}% err · {4} samples',
                `${Math.round(p.elapsedSec)}${total}`,
                p.rps,
                p.window.p95,
                (p.errorRate * 100).toFixed(1),
                p.overall.samples,
              ),
            });
        };
        if (spec.engine === 'builtin') {
          try {
            const result = await runBuiltinInWorker(spec.plan, {
              jtl: spec.jtl,
              signal: abort.signal,
              onProgress,
              ...(spec.open ? { open: spec.open } : {}),
            });
            if (result.stoppedBy === 'cancelled') outcome = 'stopped';
            else if (result.stoppedBy !== 'completed')
              outcome = vscode.l10n.t('ended by the plan ({0})', result.stoppedBy);
            if (result.samples && result.errors === result.samples)
              output.appendLine(
                `[loadtest] every request failed, the first with ${result.firstError ?? 'an error'}; is the target up and reachable?`,
              );
            notes = runNotes(result);
            if (result.terminated)
              notes.push(
                vscode.l10n.t(
                  'the engine did not stop within a second and was ended; the .jtl has the samples up to its last report.',
                ),
              );
          } catch (e) {
            // Too many threads for the open-file limit (nothing sent), or the engine's thread failed.
            outcome = e instanceof ThreadLimitError ? 'not started' : 'failed';
            notes = [e instanceof Error ? e.message : String(e)];
          }
          for (const n of notes) output.appendLine(`[loadtest] ${n}`);
        } else if (spec.distribution) {
          status.text = `$(pulse) ${vscode.l10n.t('JMeter starting…')}`;
          outcome = await runDistributed(spec.distribution, {
            launcher: spec.launcher,
            planFile: spec.planFile,
            props: spec.props,
            jtl: spec.jtl,
            signal: abort.signal,
            onProgress,
            onLine: (l) => output.appendLine(`[jmeter] ${l}`),
            onStatus: (message) => progress.report({ message }),
          }).catch((e: unknown) => vscode.l10n.t('failed: {0}', e instanceof Error ? e.message : String(e)));
        } else {
          const log = spec.jtl.replace(/\.jtl$/, '') + '.log';
          // Live numbers come from the .jtl JMeter writes; until its first rows, the JVM is starting.
          status.text = `$(pulse) ${vscode.l10n.t('JMeter starting…')}`;
          progress.report({ message: vscode.l10n.t('starting JMeter…') });
          const run = await runJmeter(spec.launcher ?? 'jmeter', jmeterArgs(spec.planFile, spec.jtl, log, spec.props), {
            jtl: spec.jtl,
            signal: abort.signal,
            onProgress,
            onLine: (l) => output.appendLine(`[jmeter] ${l}`),
          });
          if (abort.signal.aborted) outcome = 'stopped';
          else if (run.code !== 0) outcome = jmeterExited(run.code ?? run.signal, log);
        }
      },
    );
  } finally {
    // A query still in flight is not waited for: its answer is dropped, the summary is not delayed.
    serverWatch.abort();
    void watching;
    status.dispose();
    running = undefined;
    panel.onStop = undefined;
    await clientMetrics?.stop();
  }
  // Whatever the engine said of its end, a run the watch stopped says which goal stopped it.
  const missed = goalWatch?.missed;
  if (missed) outcome = stopReason(missed);

  let summary: Summary;
  try {
    summary = summarizeJtlFile(spec.jtl);
  } catch (e) {
    const noResults = vscode.l10n.t('no results to summarize: {0}', e instanceof Error ? e.message : String(e));
    const message = notes.length ? `${notes.join(' ')} ${noResults}` : noResults;
    panel.post({ type: 'error', message });
    output.appendLine(`[loadtest] ${message}`);
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Observability Lab: the load test ({0}) left {1}', outcomeText(outcome), message),
    );
    return undefined;
  }
  const goalResults = evaluateGoals(spec.goals, summary);
  panel.post(summaryMessage(summary, spec.info.jtl, outcomeText(outcome), notes, goalResults));
  output.appendLine(`[loadtest] ${vscode.l10n.t('{0}; summary of {1}:', outcomeText(outcome), spec.jtl)}`);
  for (const line of formatSummary(summary)) output.appendLine(`  ${line}`);
  for (const r of goalResults) output.appendLine(`  ${goalResultLine(r)}`);
  const figures = [summary.samples, summary.throughputPerSec, summary.latencyMs.p95];
  const openJtl = vscode.l10n.t('Open .jtl');
  const queryPrometheus = vscode.l10n.t('Query Prometheus');
  void vscode.window
    .showInformationMessage(
      (outcome === 'completed'
        ? vscode.l10n.t('Load test finished: {0} samples, {1} req/s, p95 {2} ms', ...figures)
        : vscode.l10n.t('Load test {0}: {1} samples, {2} req/s, p95 {3} ms', outcomeText(outcome), ...figures)) +
        (summary.errors ? vscode.l10n.t(', {0}% errors', (summary.errorRate * 100).toFixed(1)) : '') +
        goalsNotice(goalResults),
      openJtl,
      queryPrometheus,
    )
    .then(async (pick) => {
      if (pick === openJtl) await vscode.window.showTextDocument(vscode.Uri.file(spec.jtl), { preview: true });
      // After a run the sandbox scraped, the panel opens on the client-vs-server p95 preset.
      if (pick === queryPrometheus)
        await vscode.commands.executeCommand(
          'obslab.queryPrometheus',
          clientMetrics ? clientServerP95Query() : undefined,
        );
    });
  return spec.jtl;
}

// ---- Summarize Results ------------------------------------------------------------------------

export const summarizeResultsCommand: CommandFactory = (ctx) => async (arg?: unknown) => {
  let uri = arg instanceof vscode.Uri ? arg : undefined;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (!uri && active?.scheme === 'file' && /\.(jtl|csv)$/.test(active.fsPath)) uri = active;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({
      title: vscode.l10n.t('Summarize Results: which .jtl?'),
      canSelectMany: false,
      filters: { [vscode.l10n.t('JMeter results')]: ['jtl', 'csv'] },
      openLabel: vscode.l10n.t('Summarize'),
    });
    uri = picked?.[0];
  }
  if (!uri) return undefined;
  const summary = summarizeJtlFile(uri.fsPath);
  const rel = vscode.workspace.asRelativePath(uri);
  ctx.output.appendLine(`[loadtest] ${vscode.l10n.t('summary of {0}:', uri.fsPath)}`);
  for (const line of formatSummary(summary)) ctx.output.appendLine(`  ${line}`);
  LoadtestPanel.show(ctx, vscode.l10n.t('Results: {0}', rel.split('/').pop() ?? rel)).post(
    summaryMessage(summary, rel),
  );
  return summary;
};

/** The load-test page's fixed texts in the display language (English in src/core/protocol/pageStrings.ts). */
function loadtestPageStrings(): LoadtestPageStrings {
  return {
    title: vscode.l10n.t('Load test'),
    titleOf: vscode.l10n.t('Load test: {0}'),
    resultsTitle: vscode.l10n.t('Load test results'),
    stop: vscode.l10n.t('Stop'),
    stopTitle: vscode.l10n.t('Stop the run; the results so far are kept'),
    stopping: vscode.l10n.t('stopping…'),
    stoppingBecause: vscode.l10n.t('stopping: {0}'),
    stoppingSay: vscode.l10n.t('Load test stopping, keeping the results so far.'),
    starting: vscode.l10n.t('starting…'),
    startingSay: vscode.l10n.t('Load test of {0} starting.'),
    runInfo: vscode.l10n.t('{0} · {1} thread(s), ramp-up {2} s, {3} · {4} engine{5} · results {6}'),
    untilLoopsEnd: vscode.l10n.t('until its loops end'),
    seconds: vscode.l10n.t('{0} s'),
    runningThreads: vscode.l10n.t('running · {0} s · {1} thread(s)'),
    runningOpen: vscode.l10n.t('running · {0} s · {1} in flight'),
    tileRps: vscode.l10n.t('req/s (last second)'),
    tileErrors: vscode.l10n.t('errors (last second)'),
    tileWindow: vscode.l10n.t('p50 / p95 / p99, last {0} s'),
    tileOverall: vscode.l10n.t('p50 / p95 / p99, overall'),
    tileSamples: vscode.l10n.t('samples · errors · mean req/s'),
    tileOpenRate: vscode.l10n.t('intended / sent req/s (last second)'),
    tileOpenPool: vscode.l10n.t('late · dropped · connections'),
    progressSay: vscode.l10n.t('{0} s: {1} req/s, {2} errors, p95 {3} ms over the last {4} s'),
    axisSeconds: vscode.l10n.t('seconds'),
    seriesServerRps: vscode.l10n.t('server req/s'),
    seriesServerP95: vscode.l10n.t('server p95 ms'),
    seriesIntended: vscode.l10n.t('intended req/s'),
    seriesSent: vscode.l10n.t('sent req/s'),
    chartSummary: vscode.l10n.t(
      'Chart of req/s, p95 and p99 ms over {0} s of the run: now {1} req/s, p95 {2} ms, p99 {3} ms; peak {4} req/s, highest p99 {5} ms.',
    ),
    chartOpen: vscode.l10n.t(' Open model: intended {0} req/s, sent {1} req/s in the last second.'),
    chartSameInText: vscode.l10n.t(' The figures above give the same in text.'),
    finished: vscode.l10n.t('finished ({0})'),
    summaryState: vscode.l10n.t('summary'),
    summary: vscode.l10n.t('Summary'),
    summaryLine: vscode.l10n.t('{0} samples, {1} errors ({2}%), {3} req/s over {4} s'),
    from: vscode.l10n.t('From {0}'),
    latencyHeading: vscode.l10n.t('Latency (ms)'),
    latencyCaption: vscode.l10n.t('Latency in ms'),
    requests: vscode.l10n.t('requests'),
    all: vscode.l10n.t('all'),
    min: vscode.l10n.t('min'),
    mean: vscode.l10n.t('mean'),
    max: vscode.l10n.t('max'),
    byLabel: vscode.l10n.t('By label'),
    label: vscode.l10n.t('label'),
    samples: vscode.l10n.t('samples'),
    errors: vscode.l10n.t('errors'),
    noLabel: vscode.l10n.t('(no label)'),
    byResponseCode: vscode.l10n.t('By response code'),
    code: vscode.l10n.t('code'),
    noCode: vscode.l10n.t('(none)'),
    summarySay: vscode.l10n.t('Load test {0}: {1} samples, {2} errors, {3} req/s over {4} s.'),
    goals: vscode.l10n.t('Goals'),
    met: vscode.l10n.t('✓ met'),
    missed: vscode.l10n.t('✗ missed'),
    measured: vscode.l10n.t(' · measured {0}'),
  };
}
