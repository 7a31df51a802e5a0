// The load test speaks the user's language: in the pseudo-locale every sentence it makes is
// translated whole, with no English glue between the translated parts: the plan model's findings
// and refusals over the scaffolded and lab plans, the plan fixtures and plans made to reach every
// finding; goals read, judged met and missed (every kind), verdicts and the goal-stop reason; the
// summary, run notes, the JUnit report's human text; remote engines, the cluster, the open model,
// the thread budget, server figures, client-metrics notes, .jtl files, and the lint process's crash
// messages and skipped files. And every t`…` of these files is reached by one of them, or listed.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { coreMessages } from '../../scripts/l10n';
import type { Finding } from '../../src/core/finding';
import { connectionCapProblem, openModelProblem, parseRate } from '../../src/core/loadtest/arrivals';
import {
  evaluateGoals,
  formatFigure,
  goalResultLine,
  goalsVerdict,
  parseGoal,
  parseGoalList,
  type Goal,
  type GoalMetric,
  type GoalResult,
} from '../../src/core/loadtest/goals';
import { LiveGoalWatch, missedLine, stopReason } from '../../src/core/loadtest/goalWatch';
import { clusterSpecProblems, describeClusterObjects } from '../../src/core/loadtest/jmeterCluster';
import { explainControllerLine, parseRemoteEngines } from '../../src/core/loadtest/jmeterDistributed';
import { formatJtlRow, jtlHeader, scanJtl, type JtlSample } from '../../src/core/loadtest/jtl';
import { junitReport } from '../../src/core/loadtest/junit';
import { loadPlan, refusals, type LoadPlan } from '../../src/core/loadtest/plan';
import { runNotes } from '../../src/core/loadtest/runNotes';
import type { OpenFigures, RunResult } from '../../src/core/loadtest/runner';
import { formatServerFigures, type ServerFigures } from '../../src/core/loadtest/serverFigures';
import { progressStatusText, type Progress } from '../../src/core/loadtest/stats';
import { formatSummary, summarizeJtl } from '../../src/core/loadtest/summary';
import { parseTarget } from '../../src/core/loadtest/target';
import { threadLimitProblem } from '../../src/core/loadtest/threadBudget';
import { installTranslator, type Translator } from '../../src/core/text/l10n';
import { collectLintFiles } from '../../src/node/lint/lintFiles';
import { LintProcess } from '../../src/node/lint/lintProcess';
import { readLintInputs, tooDeep } from '../../src/node/lint/readInputs';
import { rulesHint, type LintSettings } from '../../src/node/lint/scopeSettings';
import { sandboxPrometheusConfig } from '../../src/core/sandbox/config';
import {
  finalScrapeMissed,
  sandboxClientMetricsPlace,
  startClientMetrics,
} from '../../src/node/loadtest/clientMetricsPublish';
import { runJmeter } from '../../src/node/loadtest/jmeter';
import { createRmiKeystore, startLocalEngine } from '../../src/node/loadtest/jmeterServer';
import { summarizeJtlFile } from '../../src/node/loadtest/jtlFile';
import { WorkerScriptMissingError } from '../../src/node/loadtest/loadgenThread';
import { queryServerFigures } from '../../src/node/loadtest/serverFigures';
import { inPseudoLocaleAsync, untranslated } from '../support/pseudoLocale';
import { useTempCache } from '../support/tempCache';
import { recordSandbox } from '../support/recordedSandbox';

const root = join(__dirname, '..', '..');
const read = (...p: string[]): string => readFileSync(join(root, ...p), 'utf8');

/** The pseudo-locale's translator, recording every key asked for. */
const reached = new Set<string>();
function recordingTranslator(): void {
  const slot = Symbol.for('obslab.l10n.translator');
  const pseudo = (globalThis as Record<symbol, Translator | undefined>)[slot];
  assert.ok(pseudo, 'the pseudo-locale installs a translator');
  installTranslator((message, args) => (reached.add(message), pseudo(message, args)));
}

/** `fn`'s texts, in the pseudo-locale, that have English outside the translations. */
async function english(fn: () => string[] | Promise<string[]>): Promise<string[]> {
  const texts = await inPseudoLocaleAsync(async () => {
    recordingTranslator();
    return fn();
  });
  assert.ok(texts.length > 0, 'the corpus gave texts to check');
  return [...new Set(texts.filter((x) => untranslated(x) !== ''))];
}

/** The message of what `fn` throws or rejects with. */
async function failure(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  assert.fail('expected a failure');
}

// ---- Plans: the fixtures, and plans made to reach every finding of the model ----

const planFiles = [
  ...readdirSync(join(root, 'templates', 'jmeter')).map((n) => join('templates', 'jmeter', n)),
  ...readdirSync(join(root, 'test', 'fixtures', 'lab'))
    .filter((n) => n.endsWith('.jmx'))
    .map((n) => join('test', 'fixtures', 'lab', n)),
  ...readdirSync(join(root, 'test', 'fixtures', 'jmx')).map((n) => join('test', 'fixtures', 'jmx', n)),
];

const str = (name: string, value: string): string => `<stringProp name="${name}">${value}</stringProp>`;
const bool = (name: string, value: boolean): string => `<boolProp name="${name}">${value}</boolProp>`;
const args = (name: string, list: [string, string][]): string =>
  `<elementProp name="${name}" elementType="Arguments"><collectionProp name="Arguments.arguments">${list
    .map(
      ([n, v]) =>
        `<elementProp name="${n}" elementType="HTTPArgument">${str('Argument.name', n)}${str('Argument.value', v)}</elementProp>`,
    )
    .join('')}</collectionProp></elementProp>`;
const el = (tag: string, name: string, props = '', children = '', attrs = ''): string =>
  `<${tag} testclass="${tag}" testname="${name}"${attrs}>${props}</${tag}><hashTree>${children}</hashTree>`;
const sampler = (name: string, props: string, children = ''): string =>
  el('HTTPSamplerProxy', name, str('HTTPSampler.domain', '127.0.0.1') + str('HTTPSampler.path', '/') + props, children);
/** The main Loop Controller; `forever` 'absent' leaves continue_forever out, as a hand-written plan may. */
const loop = (loops: string, forever: boolean | 'absent' = false): string =>
  `<elementProp name="ThreadGroup.main_controller" elementType="LoopController">${str('LoopController.loops', loops)}${
    forever === 'absent' ? '' : bool('LoopController.continue_forever', forever)
  }</elementProp>`;
const group = (name: string, body: string, props = loop('1'), tag = 'ThreadGroup'): string =>
  el(tag, name, (props.includes('ThreadGroup.num_threads') ? '' : str('ThreadGroup.num_threads', '1')) + props, body);
const planXml = (tree: string, vars: [string, string][] = []): string =>
  `<?xml version="1.0" encoding="UTF-8"?><jmeterTestPlan version="1.2"><hashTree>` +
  `<TestPlan testclass="TestPlan" testname="made">${args('TestPlan.user_defined_variables', vars)}</TestPlan>` +
  `<hashTree>${tree}</hashTree></hashTree></jmeterTestPlan>`;
const get = sampler('GET /', str('HTTPSampler.method', 'GET'));

const madePlans: Record<string, string> = {
  'invalid values': planXml(
    group('bad threads', get, str('ThreadGroup.num_threads', 'abc') + loop('1')) +
      group('bad threads from a property', get, str('ThreadGroup.num_threads', '${__P(T,x)}') + loop('1')) +
      group('bad loops', get, loop('x')) +
      group('bad loops from a property', get, loop('${__P(L,y)}')),
  ),
  'loops forever': planXml(
    group('lacks', get, loop('3', 'absent')) +
      group('sets', get, loop('3', true) + bool('ThreadGroup.scheduler', true) + str('ThreadGroup.duration', '10')),
  ),
  'groups that send nothing': planXml(
    group('empty', '') + group('zero', get, loop('0')) + group('unbounded', get, loop('-1')),
  ),
  'samplers the engine refuses': planXml(
    group(
      'refused',
      sampler('TRACE', str('HTTPSampler.method', 'TRACE')) +
        sampler('multipart', str('HTTPSampler.method', 'POST') + bool('HTTPSampler.DO_MULTIPART_POST', true)) +
        sampler(
          'upload',
          str('HTTPSampler.method', 'POST') +
            '<elementProp name="HTTPsampler.Files" elementType="HTTPFileArgs"><collectionProp name="HTTPFileArgs.files">' +
            '<elementProp name="f" elementType="HTTPFileArg"><stringProp name="File.path">a</stringProp></elementProp>' +
            '</collectionProp></elementProp>',
        ) +
        sampler('embedded', bool('HTTPSampler.image_parser', true)) +
        sampler('source', str('HTTPSampler.ipSource', '10.0.0.1')) +
        sampler('proxy', str('HTTPSampler.proxyHost', 'proxy')) +
        sampler('encoding', str('HTTPSampler.contentEncoding', 'UTF-16')) +
        sampler(
          'raw body',
          str('HTTPSampler.method', 'GET') +
            bool('HTTPSampler.postBodyRaw', true) +
            args('HTTPsampler.Arguments', [['', 'x']]),
        ) +
        sampler('delete', str('HTTPSampler.method', 'DELETE') + args('HTTPsampler.Arguments', [['a', 'b']])) +
        sampler('redirects', bool('HTTPSampler.follow_redirects', true)),
    ),
  ),
  'functions the engine cannot evaluate, in every kind of field': planXml(
    group(
      'functions',
      sampler(
        '${__nope()}',
        str('HTTPSampler.port', '${__RandomString(5)}') +
          args('HTTPsampler.Arguments', [['${__time(yyyy)}', '${__counter(MAYBE,)}']]),
        el(
          'HeaderManager',
          'headers',
          '<collectionProp name="HeaderManager.headers"><elementProp name="" elementType="Header">' +
            str('Header.name', '${__nope()}') +
            str('Header.value', '${__nope()}') +
            '</elementProp></collectionProp>',
        ) +
          el(
            'ResponseAssertion',
            'assertion',
            `<collectionProp name="Asserion.test_strings">${str('1', '${__nope()}')}</collectionProp>`,
          ),
      ),
    ),
    [['V', '${__nope()}']],
  ),
  'elements the engine leaves out or does not run': planXml(
    [
      'CookieManager',
      'CacheManager',
      'DNSCacheManager',
      'AuthManager',
      'ResultCollector',
      'JDBCSampler',
      'RegexExtractor',
    ]
      .map((tag) => el(tag, tag))
      .join('') +
      el('SteppingThreadGroup', 'stepping', '', '', ' guiclass="x"') +
      group(
        'inside',
        get +
          el('IfController', 'if') +
          el('Arguments', 'variables') +
          el('ResponseAssertion', 'odd field', str('Assertion.test_field', 'Assertion.response_foo')),
      ),
  ),
  'no thread group': planXml(''),
};

const allPlans = (): LoadPlan[] => [
  ...planFiles.map((f) => loadPlan(read(f), { file: f, props: { SERVER: '127.0.0.1', PORT: '8080' } })),
  ...Object.entries(madePlans).map(([name, text]) => loadPlan(text, { file: `${name}.jmx` })),
];

/** A finding's text as "code: message", for the model's own (loadtest/*) codes. */
const messages = (plans: LoadPlan[]): string[] =>
  plans.flatMap((p) => p.findings.filter((f) => f.code.startsWith('loadtest/')).map((f) => f.message));

// ---- Goals ----

const jtlSamples = (label: string, n: number, ok: (i: number) => boolean): JtlSample[] =>
  Array.from({ length: n }, (_, i) => ({
    timeStamp: 1_795_600_000_000 + i * 10,
    elapsed: 5 + i,
    label,
    responseCode: ok(i) ? '200' : '',
    responseMessage: ok(i) ? 'OK' : '',
    threadName: 'Users 1-1',
    dataType: 'text',
    success: ok(i),
    failureMessage: '',
    bytes: 10,
    sentBytes: 10,
    grpThreads: 1,
    allThreads: 1,
    URL: 'http://127.0.0.1:8080/',
    Latency: 1,
    IdleTime: 0,
    Connect: 0,
  }));
const madeJtl = [
  jtlHeader,
  ...[...jtlSamples('POST /hash', 20, (i) => i % 5 !== 0), ...jtlSamples('', 3, () => true)].map(formatJtlRow),
].join('\n');
const headerless = `${madeJtl.split('\n').slice(1).join('\n')}\n1,2\n`;
const jtlTexts = (): string[] => [
  ...readdirSync(join(root, 'test', 'fixtures', 'jtl')).map((n) => read('test', 'fixtures', 'jtl', n)),
  madeJtl,
  headerless,
];

const metrics: GoalMetric[] = ['p50', 'p90', 'p95', 'p99', 'avg', 'max', 'errors', 'rps'];
/** For every kind of goal, one the made run meets and one it misses, whole-run and for a label. */
function goalsEveryKind(): Goal[] {
  const texts = metrics.flatMap((m) =>
    m === 'rps' ? ['rps>=1', 'rps>1000000'] : m === 'errors' ? ['errors<=50%', 'errors<1%'] : [`${m}<100s`, `${m}<1ms`],
  );
  return [...texts, ...texts.map((x) => `POST /hash: ${x}`), 'GET /nowhere: p95<1s'].map((x) => {
    const g = parseGoal(x);
    assert.ok(typeof g !== 'string', g as string);
    return g;
  });
}

const badGoals = [
  '',
  ': p95<1s',
  'x:',
  'p97<1s',
  'speed<1',
  'p95',
  'p95==1',
  'p95<',
  'errors<',
  'rps>',
  'p95<soon',
  'errors<many',
  'errors<200%',
  'errors<5',
  'rps>fast',
  'p95<0',
];

function progress(p95: number): Progress {
  const figures = { p50: p95, p90: p95, p95, p99: p95 };
  return {
    elapsedSec: 10,
    activeThreads: 1,
    rps: 3,
    errorRate: 0.5,
    window: { ...figures, seconds: 5, samples: 4 },
    overall: { ...figures, samples: 4, errors: 2, rps: 3 },
  };
}

/** The human text of a JUnit report: its failure messages, error messages and the verdict property. */
function junitTexts(xml: string): string[] {
  const unescape = (s: string): string =>
    s
      .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  const texts = [...xml.matchAll(/<(?:failure|error) message="([^"]*)"/g)].map((m) => unescape(m[1] ?? ''));
  const verdict = /<property name="verdict" value="([^"]*)"/.exec(xml);
  if (verdict) texts.push(unescape(verdict[1] ?? ''));
  return texts;
}

// ---- Run notes ----

function openFigures(n: number): OpenFigures {
  return {
    startRps: 10,
    targetRps: 100,
    rampSec: 0,
    durationSec: 60,
    intended: 600,
    intendedRps: 10,
    sent: 600 - n,
    achievedRps: 9.5,
    late: n,
    dropped: n,
    connections: 4,
    maxConnections: 4,
  };
}
type Notes = Pick<RunResult, 'failuresByCode' | 'interrupted' | 'stoppedBy' | 'open' | 'rateDip'>;
const notesOf = (n: number, emfile: boolean): Notes => ({
  failuresByCode: {
    ECONNREFUSED: n,
    ECONNRESET: n,
    [emfile ? 'EMFILE' : 'ENFILE']: n,
    [emfile ? 'EADDRNOTAVAIL' : 'ENOBUFS']: n,
    NoAnswer: n,
    'Non HTTP response code: no answer': n,
  },
  interrupted: n,
  stoppedBy: 'cancelled',
  open: openFigures(n),
  rateDip: { fromSec: 10, seconds: n, usualRps: 100, dipRps: 20, dropPercent: 80 },
});

// ---- Lint process: servers that fail in each way the editor reports ----

function fakeServer(dir: string, name: string, body: string): string {
  const file = join(dir, `${name}.js`);
  writeFileSync(file, body);
  return file;
}

describe('load test and lint process sentences in the pseudo-locale', () => {
  useTempCache('obslab-loadtest-l10n-', () => undefined);
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-loadtest-l10n-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * What a run says about its client metrics with a recorded sandbox whose "Prometheus" (a live
   * process with `config` on its command line) scrapes with `config`, ended at once (no last scrape).
   */
  async function sandboxSays(config: string): Promise<string[]> {
    const { run, prometheus } = await recordSandbox(config);
    try {
      const said: string[] = [];
      const published = await startClientMetrics(
        { jtl: join(run, 'none.jtl'), engine: 'builtin', plan: 'p' },
        (l) => said.push(l),
        50,
      );
      await published?.stop();
      return said;
    } finally {
      prometheus.kill('SIGKILL');
    }
  }

  it("translates every finding of the plan model whole, over the fixtures' plans and plans made to reach each", async () => {
    const plans = await inPseudoLocaleAsync(async () => {
      recordingTranslator();
      return Promise.resolve(allPlans());
    });
    const found = new Set(plans.flatMap((p) => p.findings.map((f) => f.code)));
    for (const code of [
      'loadtest/unsupported',
      'loadtest/invalid-value',
      'loadtest/loops-forever',
      'loadtest/no-samplers',
      'loadtest/unbounded',
      'loadtest/redirects-not-followed',
      'loadtest/ignored',
    ])
      assert.ok(found.has(code), `the corpus reaches ${code}`);
    assert.deepEqual(await english(() => messages(allPlans())), []);
  });

  it('says why each engine refuses a plan in whole sentences, the consequence for JMeter included', async () => {
    const withFindings = (findings: Finding[]): LoadPlan => ({
      ...loadPlan(madePlans['no thread group'] ?? ''),
      findings,
    });
    const jmxCodes = [
      'jmx/missing-main-controller',
      'jmx/argument-missing-name',
      'jmx/undefined-variable',
      'jmx/xml-syntax',
      'loadtest/loops-forever',
    ];
    // A refusal quotes its finding's message: the jmx/* lint's own messages are the lint's to
    // translate (lint-l10n.test.ts), so those refusals are checked around a message already translated.
    const ownFindings = (p: LoadPlan): LoadPlan => ({
      ...p,
      findings: p.findings.filter((f) => f.code.startsWith('loadtest/')),
    });
    const left = await english(() => [
      ...allPlans().flatMap((p) => [...refusals(ownFindings(p), 'builtin'), ...refusals(ownFindings(p), 'jmeter')]),
      // Each consequence JMeter would meet, for every code that has one.
      ...jmxCodes.flatMap((code) =>
        refusals(
          withFindings([
            {
              code,
              severity: 'error',
              message: '⟦Ţŕàñšľàţéð⟧',
              file: 'plan.jmx',
              range: { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } },
            },
          ]),
          'jmeter',
        ),
      ),
    ]);
    assert.deepEqual(left, []);
  });

  it('reads goals, and says what is wrong with one that cannot be read, whole', async () => {
    assert.deepEqual(
      await english(() => [
        ...badGoals.map((g) => parseGoal(g)).filter((g): g is string => typeof g === 'string'),
        ...[parseGoalList('p95<1s; speed<1')].filter((g): g is string => typeof g === 'string'),
      ]),
      [],
    );
  });

  it('judges every kind of goal met and missed, and says the figures and the verdict whole', async () => {
    const left = await english(() => {
      const summary = summarizeJtl(madeJtl);
      const goals = goalsEveryKind();
      const results = evaluateGoals(goals, summary);
      assert.ok(results.some((r) => r.met) && results.some((r) => !r.met), 'goals both met and missed');
      const empty = evaluateGoals(goals, summarizeJtl(jtlHeader));
      const met = results.filter((r) => r.met);
      const missed = results.filter((r) => !r.met);
      const verdicts = [[met[0]], met, [missed[0]], [missed[0], met[0]], missed].map(
        (rs) => goalsVerdict(rs as GoalResult[]) ?? '',
      );
      return [
        ...[...results, ...empty].flatMap((r) => [r.figure, goalResultLine(r)]),
        ...metrics.map((m) => formatFigure(m, 0.25)),
        ...verdicts,
      ];
    });
    assert.deepEqual(left, []);
  });

  it('says why a run was stopped at a missed goal, as the CLI and the editor say it', async () => {
    const left = await english(() => {
      const goals = ['p95<20ms', 'errors<1%', 'rps>=100'].map((g) => parseGoal(g) as Goal);
      return goals.flatMap((goal) => {
        const watch = new LiveGoalWatch([goal], 5);
        const miss = watch.onProgress(progress(51));
        assert.ok(miss, `${goal.text} missed`);
        return [missedLine(miss), stopReason(miss), stopReason(miss, '--abort-on-fail')];
      });
    });
    assert.deepEqual(left, []);
  });

  it("summarizes every .jtl whole: the fixtures', one with an unlabelled sample, one headerless with a broken record", async () => {
    assert.deepEqual(await english(() => jtlTexts().flatMap((text) => formatSummary(summarizeJtl(text)))), []);
  });

  it('writes the JUnit report with its failure messages and verdict translated, its names and attributes as they are', async () => {
    const xml = await inPseudoLocaleAsync(async () => {
      recordingTranslator();
      const results = evaluateGoals(goalsEveryKind(), summarizeJtl(madeJtl));
      return Promise.resolve(
        junitReport({
          suite: 'made',
          timestamp: '2026-12-05T21:30:00',
          hostname: 'here',
          durationSec: 1,
          results,
          runError: '⟦ŕúñ⟧',
        }),
      );
    });
    assert.match(xml, /<testcase classname="made" name="goal p50&lt;100s" time="1.000"\/>/);
    const texts = junitTexts(xml);
    assert.ok(texts.length > 2);
    assert.deepEqual(
      texts.filter((x) => untranslated(x) !== ''),
      [],
    );
  });

  it('writes every run note whole: open model late and dropped, a rate dip, refusals, resets, handles, ports, no answer, interrupted', async () => {
    const left = await english(() =>
      [1, 3].flatMap((n) => [...runNotes(notesOf(n, true)), ...runNotes(notesOf(n, false))]),
    );
    assert.deepEqual(left, []);
  });

  it('says what is wrong with remote engines, the cluster, a rate, a target and thread counts, whole', async () => {
    const left = await english(() => [
      ...['', 'a:1,,b:2', '300.1.1.1:1099', '[::1]:1099', 'bad_host', 'h:99999', 'h:1,h:1'].map((x) => {
        const r = parseRemoteEngines(x);
        assert.equal(typeof r, 'string', x);
        return r as string;
      }),
      ...[
        'The following remote engines have not started:[a:1, b:2]',
        'java.io.FileNotFoundException: rmi_keystore.jks (No such file or directory)',
        'java.rmi.ConnectException: Connection refused to host: 10.0.0.5; nested exception is:',
      ].map((l) => explainControllerLine(l) ?? ''),
      ...clusterSpecProblems({ namespace: 'Bad_NS', engines: 0, runId: 'Bad' }),
      ...describeClusterObjects({ namespace: 'ns', engines: 2, planXml: '', props: {}, runId: 'r1' }),
      ...['fast', '0', '2000000', '10', '10..100', '10..100'].map((r, i) => {
        const p = parseRate(r, i === 3 ? '30s' : i === 5 ? 'never' : undefined);
        return typeof p === 'string' ? p : '';
      }),
      ...['nope', 'h:70000'].map((x) => parseTarget(x) as string),
      openModelProblem(loadPlan(madePlans['no thread group'] ?? '')) ?? '',
      openModelProblem(loadPlan(read('test', 'fixtures', 'jmx', 'ordinary-get.jmx'))) ?? '',
      connectionCapProblem(5000, { limit: 1024, inUse: 100 }) ?? '',
      threadLimitProblem(5000, { limit: 1024, inUse: 100 }) ?? '',
      progressStatusText(progress(51)),
    ]);
    assert.deepEqual(
      left.filter((x) => x !== ''),
      [],
    );
  });

  it("says the server's figures and why they are missing whole", async () => {
    const figures = (f: Partial<ServerFigures>): ServerFigures => ({
      atMs: 0,
      rps: 412,
      p95Ms: 38,
      rateWindowSec: 30,
      p95WindowSec: 60,
      source: '⟦ŝàñðƀóх⟧',
      ...f,
    });
    const left = await english(async () => {
      // The hint the Prometheus client adds when the server is unreachable: reached here, said in the client's sentence.
      const unreachable = await failure(() =>
        queryServerFigures(
          'http://127.0.0.1:9',
          { rate: 'up', p95: 'up', rateWindowSec: 30, p95WindowSec: 60 },
          's',
          () => Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })),
        ),
      );
      assert.ok(unreachable);
      return [
        formatServerFigures(figures({})),
        formatServerFigures(figures({ rps: undefined, p95Ms: undefined, rateWindowSec: 120, p95WindowSec: 120 })),
      ];
    });
    assert.deepEqual(left, []);
  });

  it('says what happened to the client metrics and to the files a run reads, whole', async () => {
    const bad = join(dir, 'bad.jtl');
    writeFileSync(bad, 'a,b,c\n1,2,3\n');
    const jmeterServer = join(dir, 'jmeter-exits');
    writeFileSync(jmeterServer, '#!/bin/sh\necho "no Java here"\nexit 1\n');
    chmodSync(jmeterServer, 0o755);
    const left = await english(async () => [
      finalScrapeMissed(),
      ...(await sandboxSays('global: {}\n')),
      ...(await sandboxSays(
        sandboxPrometheusConfig({
          targets: { telemetry: '127.0.0.1:1', metrics: '127.0.0.1:2' },
          namespace: 'monitoring',
        }),
      )),
      await failure(() =>
        startLocalEngine(jmeterServer, {
          port: 1,
          rmiPort: 2,
          rmi: { kind: 'ssl-disabled' },
          log: join(dir, 'engine.log'),
          readyTimeoutMs: 5_000,
        }),
      ),
      ('why' in sandboxClientMetricsPlace() && (sandboxClientMetricsPlace() as { why: string }).why) || '',
      await failure(() => summarizeJtlFile(join(dir, 'missing.jtl'))),
      await failure(() => summarizeJtlFile(dir)),
      await failure(() => summarizeJtlFile(bad)),
      await failure(() => scanJtl('a,b\n', () => undefined)),
      await failure(() => runJmeter(join(dir, 'no-jmeter'), [])),
      await failure(() => createRmiKeystore(join(dir, 'rmi'), { PATH: '' })),
      new WorkerScriptMissingError(join(dir, 'loadgenWorker.js')).message,
      await failure(() => collectLintFiles([join(dir, 'nothing-here')])),
    ]);
    assert.deepEqual(left, []);
  });

  it('says why a file is not linted, whole: a FIFO, a device, a socket, loops and dangling links, nesting too deep', async () => {
    const files = join(dir, 'files');
    mkdirSync(files);
    execFileSync('mkfifo', [join(files, 'pipe.yaml')]);
    symlinkSync(join(files, 'loop-b.yaml'), join(files, 'loop-a.yaml'));
    symlinkSync(join(files, 'loop-a.yaml'), join(files, 'loop-b.yaml'));
    symlinkSync(join(files, 'gone.yaml'), join(files, 'dangling.yaml'));
    const socket = createServer();
    await new Promise<void>((resolve) => socket.listen(join(files, 'socket.yaml'), resolve));
    const deep = `${'['.repeat(300)}${']'.repeat(300)}\n`;
    const left = await english(async () => {
      const read = await readLintInputs([
        ...['pipe.yaml', 'loop-a.yaml', 'dangling.yaml', 'socket.yaml'].map((n) => join(files, n)),
        '/dev/null',
      ]);
      assert.equal(read.skipped.length, 5);
      return [...read.skipped.map((f) => f.message), tooDeep('deep.json', deep) ?? ''];
    });
    socket.close();
    assert.deepEqual(left, []);
  });

  it("says which lint rules apply where, in the status bar's text and tooltip, whole", async () => {
    const scopes = [undefined, { dir: '/lab', lab: true }, { dir: '/other', lab: false }] as const;
    const settings: LintSettings[] = (['workspace', 'labFolders', 'off'] as const).flatMap((scope) =>
      (['labFolders', 'always'] as const).map((labRules) => ({ scope, labRules })),
    );
    const left = await english(() =>
      scopes.flatMap((scope) =>
        settings.flatMap((s) => {
          const h = rulesHint(scope as Parameters<typeof rulesHint>[0], s);
          return [h.text, h.tooltip];
        }),
      ),
    );
    assert.deepEqual(left, []);
  });

  it('says why the lint process stopped, whole: killed, out of memory, a signal, an exit code, repeated crashes, shut down', async function () {
    this.timeout(30_000);
    const servers = {
      silent: fakeServer(dir, 'silent', 'process.on("message", () => {}); setInterval(() => {}, 1000);'),
      oom: fakeServer(
        dir,
        'oom',
        'process.stderr.write("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\\n", () => process.exit(134));',
      ),
      signal: fakeServer(dir, 'signal', 'process.kill(process.pid, "SIGTERM");'),
      code: fakeServer(dir, 'code', 'process.stderr.write("boom\\n", () => process.exit(3));'),
      quiet: fakeServer(dir, 'quiet', 'process.exit(4);'),
    };
    const said = async (
      serverModule: string,
      o: { execArgv?: string[]; requestTimeoutMs?: number },
    ): Promise<string[]> => {
      const crashes: string[] = [];
      const p = new LintProcess({ serverModule, maxRestarts: 1, onCrash: (m) => crashes.push(m), ...o });
      const params = {
        documents: [{ file: 'a.yaml', text: 'a: 1\n' }],
        labRules: false,
        helmRelease: 'obslab',
        withKindSchemas: false,
      };
      const out = [await failure(() => p.lint(params))];
      out.push(await failure(() => p.lint(params)));
      out.push(await failure(() => p.lint(params)));
      out.push(await failure(() => p.lint(params)));
      await p.dispose();
      out.push(await failure(() => p.lint(params)));
      return [...out, ...crashes];
    };
    const left = await english(async () => [
      ...(await said(servers.silent, { requestTimeoutMs: 300 })),
      ...(await said(servers.oom, {})),
      ...(await said(servers.oom, { execArgv: [] })),
      ...(await said(servers.signal, {})),
      ...(await said(servers.code, {})),
      ...(await said(servers.quiet, {})),
    ]);
    assert.deepEqual(left, []);
  });

  it('reaches every sentence of the load test and the lint process, but those listed with why', () => {
    const mine = /src\/(core\/loadtest|node\/loadtest|node\/lint)\//;
    const keys = coreMessages(root)
      .filter((m) => mine.test(m.file.split('\\').join('/')))
      .filter((m) => !unreachable.has(m.key));
    const missed = keys.filter((m) => !reached.has(m.key)).map((m) => `${relative(root, m.file)}:${m.line}: ${m.key}`);
    assert.deepEqual(missed, []);
  });
});

/** Sentences no input here reaches, and why. */
const unreachable = new Set<string>([
  // JMeter's "Connection refused to host:" is always followed by the host the pattern captures.
  'a host',
  // runOpen is reached only after openModelProblem has found nothing wrong, which includes a duration.
  'the open model has nothing to send',
  // An exit with neither code nor signal: a process that never started (Node gives it no pid).
  'unknown',
  // open() of a socket fails (ENXIO, said as "cannot be read"), and what opens and is neither a
  // file, a folder, a FIFO nor a device is not a thing Linux has; a read failing after open() needs
  // a failing disk.
  'it is a socket, not a file',
  'it is not a regular file, not a file',
  // The controller Job in a cluster: the kube API (test/integration/jmeter-cluster.test.ts runs it).
  'list the pods of Job {0}/{1}',
  'the controller pod {0}/{1} cannot start: {2} ({3})',
  'the controller pod {0}/{1} cannot start: {2}',
  'controller pod {0}: {1}',
  'waiting for Job {0}/{1} to create its pod',
  'the controller pod of Job {0}/{1} did not start within {2} min',
  'read Job {0}/{1}',
  'it has not finished',
  // The load engine's worker thread failing, running out of memory or ending without a result.
  'the load engine failed: {0}',
  'it ran out of memory (its limit is {0} MB) and was ended',
  "the load engine's thread ended without a result (exit code {0})",
]);
