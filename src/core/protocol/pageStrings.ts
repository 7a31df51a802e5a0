// The panels' fixed texts (headings, legends, hints) are translated in the extension host, where
// vscode.l10n knows the display language, and handed to the page in its HTML (webviewHtml writes
// them into a JSON block; src/webview/lib/strings.ts reads it). Each page's English lives here as
// the fallback, so a page opened without them (the page tests in Chromium) reads as before, and
// the host's table must name every key (tsc checks it against these types).

/** `{0}`, `{1}`… filled in order, as vscode.l10n.t does. */
export function fillPlaceholders(text: string, ...args: readonly (string | number)[]): string {
  return text.replace(/\{(\d+)\}/g, (whole, i: string) => {
    const v = args[Number(i)];
    return v === undefined ? whole : String(v);
  });
}

/** The Collector Pipelines page. */
export const pipelinePageEnglish = {
  title: 'Collector Pipelines',
  findings: 'Findings',
  waiting: 'Waiting for the collector’s figures…',
  clickToOpen: 'Click to open its YAML.',
  summary: '{0} pipeline(s), {1} node(s), {2} connector link(s), {3} unused. Click a node to open its YAML.',
  live: 'Live: {0}, read {1}.',
  noFigures: 'no figures',
  legendFlowing: 'data passing',
  legendIdle: 'nothing passing',
  legendFailing: 'failures rising',
  legendConnector: 'connector',
  legend: 'Legend',
  failingAt: 'Failures rising at {0}.',
  noneFailing: 'No failures rising.',
} as const;
export type PipelinePageStrings = Record<keyof typeof pipelinePageEnglish, string>;

/** The Lab Doctor page. */
export const doctorPageEnglish = {
  title: 'Lab Doctor: {0}',
  runAgain: 'Run again',
  running: 'Running…',
  passed: 'passed',
  broken: 'broken',
  consequence: 'consequence',
  skipped: 'skipped',
  evidenceFor: 'Evidence for {0}',
  object: 'Object',
  seen: 'Seen',
  expected: 'Expected',
  fixRun: 'Run: {0}',
  fixEdit: 'Edit: {0}',
  fixOpen: 'Open: {0}',
  consequenceOf: 'A consequence of the broken link "{0}": fix that first, this may then pass.',
  whatItSees: 'What it sees ({0})',
  healthy: 'Healthy: every link that could be checked passed.',
  brokenVerdict: 'Broken: {0}. Start with {1}.',
  nothingChecked: 'Nothing could be checked: every link was skipped.',
  notGathered: 'Not gathered ({0})',
  examining: 'examining…',
  examiningSay: 'Lab Doctor: examining {0}…',
  reading: 'Reading the app, the collector, Prometheus and the IRSA role…',
  couldNotRun: 'could not run',
  couldNotRunSay: 'Lab Doctor could not run: {0}',
} as const;
export type DoctorPageStrings = Record<keyof typeof doctorPageEnglish, string>;

/** The Inspect IRSA Role page. */
export const iamPageEnglish = {
  title: 'IRSA role {0}',
  refresh: 'Refresh',
  allowed: 'allowed',
  explicitDeny: 'denied (explicit Deny)',
  implicitDeny: 'denied (no Allow)',
  undetermined: 'undecided',
  action: 'Action',
  verdict: 'Verdict',
  usedFor: 'Used for',
  why: 'Why',
  problems: '{0} problem(s)',
  noProblems: 'no problems found',
  findings: 'Findings ({0})',
  nothingWrong: 'Nothing wrong: the role trusts exactly the expected ServiceAccount and allows what the lab needs.',
  whoMayAssume: 'Who may assume it (trust policy)',
  expected: 'Expected: {0}',
  trustDocument: 'Trust policy document',
  whatItMayDo: "What it may do: the lab's actions",
  verdictsCaption: "The lab's actions and the role's verdict on each",
  whatIf: 'What if the role loses {0}?',
  onACopy: 'On a copy of the policies: {0}. Nothing in AWS is changed.',
  nothingChanges: 'Nothing the lab uses changes.',
  verdictsAfter: 'Verdicts after the change',
  inTheCluster: 'In the cluster',
  notChecked: 'Not checked: {0}',
  reading: 'reading IAM, EKS and the cluster…',
  readingSay: 'Reading IRSA role {0}…',
  failed: 'failed',
} as const;
export type IamPageStrings = Record<keyof typeof iamPageEnglish, string>;

/** The Query Prometheus page. */
export const queryPageEnglish = {
  tabQuery: 'Query',
  tabTargets: 'Target health',
  modeTitle: 'Instant: one value per series now. Range: values over time, with a chart.',
  queryType: 'Query type',
  instant: 'Instant',
  range: 'Range',
  rangeTitle: 'How far back a range query goes; the step is chosen for about 240 points',
  timeRange: 'Time range',
  lastRange: 'last {0}',
  runTitle: 'Run (Ctrl+Enter)',
  run: 'Run',
  explainTitle:
    'The query as Prometheus parses it, each part in words, run on its own: its series, a sample and the time it took',
  explain: 'Explain',
  autoRefresh: ' auto-refresh every 5 s',
  labQueries: 'Lab queries',
  refresh: 'Refresh',
  targetsHeading: 'Target health: the scrape targets',
  typeFirst: 'Type a PromQL query first.',
  running: 'Running {0} query…',
  chooseRange: 'Choose Range and run again for a chart over time.',
  noSeries: 'No series matched: the query is valid, but Prometheus has no data for it in this time.',
  failed: 'The query failed.',
  typeFirstExplain: 'Type a PromQL query first, then Explain.',
  explainHeading: 'Explain: the query as Prometheus parses it',
  presets: 'Presets',
  seriesCount: '{0} series',
  modeRange: 'last {0}, step {1}s',
  modeInstant: 'instant',
  warnings: '. Warnings: {0}',
  statusLine: '{0}, {1}, at {2}{3}',
  resultSay: 'Query result: {0}, {1}{2}',
  resultCaption: 'Query result',
  colSeries: 'series',
  colValue: 'value',
  colPoints: 'points',
  colLastValue: 'last value',
  theResult: 'the result',
  seriesN: 'series {0}',
  chartNoValues: '{0} with no values',
  chartSeries: '{0} from {1} to {2}, last {3}',
  chartMore: '; {0} more in the table below',
  chartCapped: ' (the first {0} of {1})',
  chartSummary: 'Chart of {0} series{1} over the last {2}: {3}{4}.',
  explainIn: ' in {0} ms',
  explainNothing: ': nothing here, so nothing above it either',
  explainSay: 'Explain: {0} part(s) run{1}.',
  explainFailed: ', {0} failed',
  labSource: "From the lab's lab-queries.promql, {0}.",
  targetsStatus: '{0} active target(s), at {1}',
  targetsCaption: 'Scrape targets',
  colJob: 'job',
  colEndpoint: 'endpoint and labels',
  colHealth: 'health',
  colLastScrape: 'last scrape',
  colLastError: 'last error',
  never: 'never',
  placeholder: 'PromQL, e.g. {0}   Ctrl+Enter runs',
  editorLabel: 'PromQL query (Ctrl+Enter runs it)',
  suggestionTitle: 'Rewrite the query with {0}',
  useSuggestion: 'Use {0}',
  nativeHistograms:
    'Native histograms have no single value to chart: chart histogram_count(…), histogram_sum(…) or histogram_quantile(0.95, …) of them instead.',
  prometheusSaid: 'Prometheus: ',
  prometheusUrl: 'Prometheus: {0}',
  parseError: 'Parse error: {0}',
  explainRunning: 'running…',
  nothingToExplain: 'Nothing to explain.',
  fixParseFirst: 'Fix the parse error first: no part was run.',
  onlyFirstParts: 'Only the first {0} of {1} parts are run.',
  labRunTitle: 'Put this query in the editor and run it',
  presetRunTitle: 'Put this query in the editor and run it as a {0} query',
  runNamed: 'Run: {0}',
  tabsLabel: 'Query panel views',
  completionNoNames: 'Completion has no names: {0}',
} as const;
export type QueryPageStrings = Record<keyof typeof queryPageEnglish, string>;

/** The Load Test page. */
export const loadtestPageEnglish = {
  title: 'Load test',
  titleOf: 'Load test: {0}',
  resultsTitle: 'Load test results',
  stop: 'Stop',
  stopTitle: 'Stop the run; the results so far are kept',
  stopping: 'stopping…',
  stoppingBecause: 'stopping: {0}',
  stoppingSay: 'Load test stopping, keeping the results so far.',
  starting: 'starting…',
  startingSay: 'Load test of {0} starting.',
  runInfo: '{0} · {1} thread(s), ramp-up {2} s, {3} · {4} engine{5} · results {6}',
  untilLoopsEnd: 'until its loops end',
  seconds: '{0} s',
  runningThreads: 'running · {0} s · {1} thread(s)',
  runningOpen: 'running · {0} s · {1} in flight',
  tileRps: 'req/s (last second)',
  tileErrors: 'errors (last second)',
  tileWindow: 'p50 / p95 / p99, last {0} s',
  tileOverall: 'p50 / p95 / p99, overall',
  tileSamples: 'samples · errors · mean req/s',
  tileOpenRate: 'intended / sent req/s (last second)',
  tileOpenPool: 'late · dropped · connections',
  progressSay: '{0} s: {1} req/s, {2} errors, p95 {3} ms over the last {4} s',
  axisSeconds: 'seconds',
  seriesServerRps: 'server req/s',
  seriesServerP95: 'server p95 ms',
  seriesIntended: 'intended req/s',
  seriesSent: 'sent req/s',
  chartSummary:
    'Chart of req/s, p95 and p99 ms over {0} s of the run: now {1} req/s, p95 {2} ms, p99 {3} ms; peak {4} req/s, highest p99 {5} ms.',
  chartOpen: ' Open model: intended {0} req/s, sent {1} req/s in the last second.',
  chartSameInText: ' The figures above give the same in text.',
  finished: 'finished ({0})',
  summaryState: 'summary',
  summary: 'Summary',
  summaryLine: '{0} samples, {1} errors ({2}%), {3} req/s over {4} s',
  from: 'From {0}',
  latencyHeading: 'Latency (ms)',
  latencyCaption: 'Latency in ms',
  requests: 'requests',
  all: 'all',
  min: 'min',
  mean: 'mean',
  max: 'max',
  byLabel: 'By label',
  label: 'label',
  samples: 'samples',
  errors: 'errors',
  noLabel: '(no label)',
  byResponseCode: 'By response code',
  code: 'code',
  noCode: '(none)',
  summarySay: 'Load test {0}: {1} samples, {2} errors, {3} req/s over {4} s.',
  goals: 'Goals',
  met: '✓ met',
  missed: '✗ missed',
  measured: ' · measured {0}',
} as const;
export type LoadtestPageStrings = Record<keyof typeof loadtestPageEnglish, string>;

/** Keeps only the known keys whose values are strings: what a page accepts from its HTML. */
export function pickStrings<T extends Record<string, string>>(english: T, given: unknown): T {
  const out: Record<string, string> = { ...english };
  if (given && typeof given === 'object')
    for (const key of Object.keys(english)) {
      const v = (given as Record<string, unknown>)[key];
      if (typeof v === 'string') out[key] = v;
    }
  return out as T;
}
