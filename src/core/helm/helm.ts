// The Helm step (Task 2): which `helm` commands install or upgrade kube-prometheus-stack, whether
// a values file really runs Prometheus as prometheus-sa, and what helm's failures mean for the
// student. Pure: the node layer runs the commands and hands their output back here.
import { isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { versions } from '../facts';
import type { Finding, Range } from '../finding';
import { collectorChart } from './collectorChart';
import { helmUninstallCommand, LAB_RELEASE_LABEL } from '../kube/cleanup';
import {
  callerIdentity,
  clusterInfo,
  describePod,
  getPods,
  ssoLogin,
  updateKubeconfig,
  updateKubeconfigFor,
  useContext,
} from '../kube/commands';
import { helmInstallHint, helmInstallHintText } from './helmHint';
import { lint } from '../lint/engine';
import { labNames } from '../scaffold/plan';
import { blank, commandInText, commandLine as quotedCommandLine, type Command, type ShellKind } from '../shellQuote';
import { kubePrometheusStackNames } from '../kube/kubePrometheusStackNames';
import { t } from '../text/l10n';

/** kube-prometheus-stack as the lab installs it. */
export const kubePrometheusStack = {
  repoName: 'prometheus-community',
  repoUrl: 'https://prometheus-community.github.io/helm-charts',
  chart: 'kube-prometheus-stack',
  version: versions.kubePrometheusStack,
} as const;

/** Where the values file sits in a scaffolded lab folder (templates/lab/helm). */
export const labValuesPath = 'helm/kube-prometheus-stack-values.yaml';

export type ChartSource =
  /** A chart in a repository (`repo/chart`): the repository is added and refreshed first. */
  | { kind: 'repo'; repoName: string; repoUrl: string; chart: string; version?: string }
  /** A chart folder or .tgz on disk (the tests' own chart). */
  | { kind: 'path'; path: string; version?: string };

/** The OpenTelemetry Collector chart as the lab's Helm path installs it (facts in ../helm/collectorChart.ts). */
export const otelCollectorChart = {
  repoName: collectorChart.repoName,
  repoUrl: collectorChart.repoUrl,
  chart: collectorChart.chart,
  version: collectorChart.version,
  /** The lab's release name; with fullnameOverride in the values, the Service is otel-collector too. */
  release: collectorChart.labRelease,
} as const;

/** Where the collector chart's values file sits in a scaffolded lab folder (templates/lab/helm). */
export const labCollectorValuesPath = 'helm/otel-collector-values.yaml';

export function otelCollectorSource(version: string = otelCollectorChart.version): ChartSource {
  return {
    kind: 'repo',
    repoName: otelCollectorChart.repoName,
    repoUrl: otelCollectorChart.repoUrl,
    chart: otelCollectorChart.chart,
    version,
  };
}

/**
 * What would make the collector chart fail, or install a collector Prometheus cannot scrape:
 * the linter's findings for the values file alone, errors and warnings only.
 */
export function checkCollectorValues(
  text: string,
  opts: { file?: string; helmRelease?: string; collectorRelease?: string } = {},
): Finding[] {
  const file = opts.file ?? labCollectorValuesPath;
  // The file's own name may not say which chart it is for; the header does.
  const marked = looksLikeCollectorValuesText(text) ? text : `${collectorChart.header}\n${text}`;
  const shift = marked === text ? 0 : 1;
  return lint([{ file, text: marked }], {
    labRules: true,
    helmReleaseGiven: true,
    helmRelease: opts.helmRelease ?? 'prometheus',
    collectorRelease: opts.collectorRelease ?? otelCollectorChart.release,
  })
    .filter((f) => f.severity !== 'info')
    .map((f) => {
      if (!shift || !f.range) return f;
      // Fixes would point at lines of the marked text, not the file's.
      const rest: Finding = {
        code: f.code,
        severity: f.severity,
        message: f.message,
        ...(f.file ? { file: f.file } : {}),
      };
      return {
        ...rest,
        range: {
          start: { ...f.range.start, line: Math.max(0, f.range.start.line - shift) },
          end: { ...f.range.end, line: Math.max(0, f.range.end.line - shift) },
        },
      };
    });
}

function looksLikeCollectorValuesText(text: string): boolean {
  return /^\s*#\s*chart:\s*open-telemetry\/opentelemetry-collector\b/m.test(text);
}

export function kubePrometheusStackSource(version: string = kubePrometheusStack.version): ChartSource {
  return {
    kind: 'repo',
    repoName: kubePrometheusStack.repoName,
    repoUrl: kubePrometheusStack.repoUrl,
    chart: kubePrometheusStack.chart,
    version,
  };
}

export interface HelmReleaseSpec {
  release: string;
  namespace: string;
  chart: ChartSource;
  valuesFiles: string[];
  /** Only a path: credentials stay in the kubeconfig, never on the command line. */
  kubeconfig?: string;
  kubeContext?: string;
  /** Wait until the release's workloads are ready (default true). */
  wait?: boolean;
  /** A Go duration (default 10m): how long helm waits. */
  timeout?: string;
}

export function chartRef(c: ChartSource): string {
  return c.kind === 'repo' ? `${c.repoName}/${c.chart}` : c.path;
}

function kubeFlags(spec: Pick<HelmReleaseSpec, 'kubeconfig' | 'kubeContext'>): string[] {
  return [
    ...(spec.kubeconfig ? ['--kubeconfig', spec.kubeconfig] : []),
    ...(spec.kubeContext ? ['--kube-context', spec.kubeContext] : []),
  ];
}

/**
 * `helm upgrade --install`, valid for Helm 3 (3.13 on) and Helm 4 alike: the lab's label on the
 * release (so Clean Up knows the lab installed it), a bare `--wait` (Helm 3's boolean; Helm 4's
 * wait strategy, where the bare flag means `watcher` and `--wait=watcher` would break Helm 3),
 * and no `--atomic`/`--force`, which Helm 4 deprecates.
 */
export function upgradeInstallArgs(spec: HelmReleaseSpec): string[] {
  const args = [
    'upgrade',
    '--install',
    spec.release,
    chartRef(spec.chart),
    '--namespace',
    spec.namespace,
    '--create-namespace',
    '--labels',
    `${LAB_RELEASE_LABEL.key}=${LAB_RELEASE_LABEL.value}`,
  ];
  for (const f of spec.valuesFiles) args.push('--values', f);
  if (spec.chart.version) args.push('--version', spec.chart.version);
  args.push(...kubeFlags(spec));
  if (spec.wait ?? true) args.push('--wait');
  args.push('--timeout', spec.timeout ?? '10m');
  return args;
}

/** `helm uninstall` for Clean Up: the same kubeconfig and context flags as the install. */
export function uninstallArgs(
  spec: Pick<HelmReleaseSpec, 'release' | 'namespace' | 'kubeconfig' | 'kubeContext'>,
): string[] {
  return ['uninstall', spec.release, '--namespace', spec.namespace, ...kubeFlags(spec)];
}

export function repoAddArgs(c: Extract<ChartSource, { kind: 'repo' }>): string[] {
  return ['repo', 'add', c.repoName, c.repoUrl];
}

/** Refreshes only our repository's index, so a chart version newer than the cached index is found. */
export function repoUpdateArgs(c: Extract<ChartSource, { kind: 'repo' }>): string[] {
  return ['repo', 'update', c.repoName];
}

export interface HelmStep {
  /** What the step does, for the confirm dialog and the progress message. */
  title: string;
  args: string[];
}

export function helmSteps(spec: HelmReleaseSpec): HelmStep[] {
  const steps: HelmStep[] = [];
  const c = spec.chart;
  if (c.kind === 'repo') {
    steps.push({ title: t`add the ${c.repoName} chart repository (${c.repoUrl})`, args: repoAddArgs(c) });
    steps.push({ title: t`refresh the ${c.repoName} chart index`, args: repoUpdateArgs(c) });
  }
  const what = `${chartRef(c)}${c.version ? ` ${c.version}` : ''}`;
  steps.push({
    title: t`install or upgrade release ${spec.release} (${what}) in namespace ${spec.namespace}`,
    args: upgradeInstallArgs(spec),
  });
  return steps;
}

/** The release as `helm list` shows it, pending ones included; Helm 4 dropped `--all`, these flags work in both. */
export function releaseListArgs(
  spec: Pick<HelmReleaseSpec, 'release' | 'namespace' | 'kubeconfig' | 'kubeContext'>,
): string[] {
  const exact = `^${spec.release.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  return [
    'list',
    '--namespace',
    spec.namespace,
    '--filter',
    exact,
    '--deployed',
    '--failed',
    '--pending',
    '--output',
    'json',
    ...kubeFlags(spec),
  ];
}

export interface ReleaseInfo {
  name: string;
  namespace: string;
  revision: number;
  /** deployed, failed, pending-install, pending-upgrade, pending-rollback... */
  status: string;
  /** name-version, e.g. kube-prometheus-stack-88.5.3 */
  chart: string;
}

/** The release named `release` in `helm list --output json`, or undefined when there is none. */
export function parseReleaseList(json: string, release: string): ReleaseInfo | undefined {
  let rows: unknown;
  try {
    rows = JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
  if (!Array.isArray(rows)) return undefined;
  for (const r of rows as Record<string, unknown>[]) {
    if (r['name'] !== release) continue;
    return {
      name: release,
      namespace: String(r['namespace'] ?? ''),
      revision: Number(r['revision'] ?? 0),
      status: String(r['status'] ?? ''),
      chart: String(r['chart'] ?? ''),
    };
  }
  return undefined;
}

/** What running the step will do to the release, in one line for the confirm dialog. */
export function releasePlan(
  existing: ReleaseInfo | undefined,
  spec: Pick<HelmReleaseSpec, 'release' | 'namespace' | 'chart'>,
): string {
  const target = `${spec.chart.kind === 'repo' ? spec.chart.chart : chartRef(spec.chart)}${spec.chart.version ? ` ${spec.chart.version}` : ''}`;
  if (!existing)
    return t`Install ${target} as a new release ${spec.release} in namespace ${spec.namespace} (created if missing).`;
  const was = t`revision ${existing.revision}, ${existing.chart}, ${existing.status}`;
  if (existing.status.startsWith('pending'))
    return t`Release ${spec.release} is ${existing.status} (${was}): another helm may be running, and \
helm will refuse until it ends or the release is rolled back.`;
  return t`Upgrade release ${spec.release} in namespace ${spec.namespace} (now ${was}) to ${target}, \
as revision ${existing.revision + 1}.`;
}

/** A command line to show, quoted for `shell` (POSIX unless told); the process itself gets the array. */
export function commandLine(bin: string, args: readonly string[], shell: ShellKind = 'posix'): string {
  return quotedCommandLine([bin, ...args], shell);
}

// ---- helm version ----

export interface HelmVersion {
  /** e.g. v4.3.1 */
  version: string;
  major: number;
  minor: number;
  patch: number;
}

/** Reads `helm version` in any of its forms: `--short` (v3.22.0+gabc1234), the BuildInfo struct, or `--template`. */
export function parseHelmVersion(output: string): HelmVersion | undefined {
  const m =
    /(?:Version|SemVer):"(v?\d+\.\d+\.\d+[^"]*)"/.exec(output) ??
    /(?:^|\s)(v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:\+\S*)?(?:\s|$)/.exec(output);
  const v = m?.[1];
  if (!v) return undefined;
  const n = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v);
  if (!n) return undefined;
  return { version: v.startsWith('v') ? v : `v${v}`, major: Number(n[1]), minor: Number(n[2]), patch: Number(n[3]) };
}

/**
 * Helm 3.13 and later, and Helm 4, work; Helm 2 (tiller) does not know `upgrade --install
 * --create-namespace`, and Helm before 3.13 cannot label a release (`--labels`), which is how
 * Clean Up knows the lab installed it.
 */
export function helmVersionProblem(v: HelmVersion | undefined): string | undefined {
  if (!v) return undefined;
  if (v.major < 3) return t`helm ${v.version} is Helm ${v.major}; the lab needs Helm 3 or 4. ${helmInstallHintText()}`;
  if (v.major === 3 && v.minor < 13)
    return t`helm ${v.version} cannot label the release it installs (--labels came in Helm 3.13), and \
Clean Up removes only the releases that carry the lab's label. The lab needs Helm 3.13 or \
later, or Helm 4. ${helmInstallHintText()}`;
  return undefined;
}

export { helmInstallHint, helmInstallHintText };

/** helm could not be started at all. */
export function helmMissingMessage(where: { helmPath?: string; reason?: 'not-found' | 'not-executable' }): string {
  if (where.helmPath) {
    return where.reason === 'not-executable'
      ? t`helm was not found: the setting obslab.helmPath points to ${where.helmPath}, \
which is not an executable file. Fix the setting or clear it to use helm from PATH. ${helmInstallHintText()}`
      : t`helm was not found: the setting obslab.helmPath points to ${where.helmPath}, \
which does not exist. Fix the setting or clear it to use helm from PATH. ${helmInstallHintText()}`;
  }
  return t`helm was not found on PATH; the Helm step (Task 2) runs it to install kube-prometheus-stack. ${helmInstallHintText()}`;
}

// ---- the values that make Prometheus run as prometheus-sa ----

/**
 * The kube-prometheus-stack values Task 2 needs (facts.ts: prometheus-service-account-key): the
 * chart's _helpers.tpl takes `prometheus.serviceAccount.name` as is when `create` is false, and
 * the ServiceAccount is the one Task 1's eksctl made with the IRSA role annotation.
 */
export const requiredPrometheusValues = {
  prometheus: { serviceAccount: { create: false, name: labNames.prometheusServiceAccount } },
} as const;

export const helmValuesCodes = {
  syntax: 'helm/values-syntax',
  serviceAccount: 'helm/prometheus-service-account',
} as const;

function rangeOf(node: YamlNode | null | undefined, lc: LineCounter): Range | undefined {
  const r = node?.range;
  if (!r) return undefined;
  const s = lc.linePos(r[0]);
  const e = lc.linePos(r[1]);
  return { start: { line: s.line - 1, character: s.col - 1 }, end: { line: e.line - 1, character: e.col - 1 } };
}

function child(node: unknown, key: string): { key: YamlNode | undefined; value: unknown } | undefined {
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    if (isScalar(pair.key) && pair.key.value === key) return { key: pair.key, value: pair.value };
  }
  return undefined;
}

/**
 * Whether a kube-prometheus-stack values file makes Prometheus run as `expectedName` under a
 * ServiceAccount the chart does not create itself. Empty when it does; otherwise findings that
 * say what Prometheus would run as instead, and the lines to write.
 */
export function checkPrometheusServiceAccount(
  text: string,
  opts: { file?: string; release?: string; expectedName?: string } = {},
): Finding[] {
  const expected = opts.expectedName ?? labNames.prometheusServiceAccount;
  const release = opts.release ?? 'prometheus';
  const file = opts.file;
  const at = (f: Omit<Finding, 'file'>): Finding => (file ? { ...f, file } : f);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const pos = err?.linePos?.[0];
    return [
      at({
        code: helmValuesCodes.syntax,
        severity: 'error',
        message: t`The values file is not valid YAML (${err?.message.split('\n')[0] ?? t`parse error`}); helm would refuse it.`,
        ...(pos
          ? {
              range: {
                start: { line: pos.line - 1, character: pos.col - 1 },
                end: { line: pos.line - 1, character: pos.col - 1 },
              },
            }
          : {}),
      }),
    ];
  }
  const want = `prometheus:\n  serviceAccount:\n    create: false\n    name: ${expected}`;
  const chartDefault = kubePrometheusStackNames(release).prometheusChartServiceAccount;
  const findings: Finding[] = [];
  const prometheus = child(doc.contents, 'prometheus');
  const sa = child(prometheus?.value, 'serviceAccount');
  const name = child(sa?.value, 'name');
  const create = child(sa?.value, 'create');
  const borrowed = child(child(doc.contents, 'serviceAccounts')?.value, 'server');
  const borrowedNote = borrowed
    ? ' ' +
      t`The file sets serviceAccounts.server.*, which belongs to the separate prometheus chart; kube-prometheus-stack ignores it.`
    : '';
  const nameValue = isScalar(name?.value) ? name.value.value : undefined;
  const createValue = isScalar(create?.value) ? create.value.value : undefined;
  const anchor = name?.key ?? create?.key ?? sa?.key ?? prometheus?.key ?? borrowed?.key;
  const range = rangeOf(anchor, lc);
  const finding = (message: string): Finding =>
    at({ code: helmValuesCodes.serviceAccount, severity: 'error', message, ...(range ? { range } : {}) });

  const enabled = child(prometheus?.value, 'enabled');
  if (isScalar(enabled?.value) && enabled.value.value === false) {
    findings.push(
      finding(
        t`prometheus.enabled is false: kube-prometheus-stack would install no Prometheus at all. Remove that line.`,
      ),
    );
    return findings;
  }
  if (typeof nameValue !== 'string' || nameValue === '') {
    const runsAs =
      createValue === false
        ? t`the namespace's default ServiceAccount`
        : t`a ServiceAccount the chart creates (${chartDefault}) without the IRSA role`;
    findings.push(
      finding(
        t`The values file does not set prometheus.serviceAccount.name, so Prometheus runs as ${runsAs}, \
not ${expected}.${borrowedNote} Add:\n${want}`,
      ),
    );
    return findings;
  }
  if (nameValue !== expected) {
    findings.push(
      finding(
        t`prometheus.serviceAccount.name is '${nameValue}', but the IRSA ServiceAccount from Task 1 \
is ${expected}: Prometheus would not get the IAM role. Set name: ${expected}.`,
      ),
    );
  }
  if (createValue !== false) {
    const why =
      typeof createValue === 'string'
        ? t`is the string '${createValue}', which Helm templates treat as true`
        : createValue === undefined
          ? t`is not set and defaults to true`
          : t`is ${String(createValue)}`;
    findings.push(
      finding(
        t`prometheus.serviceAccount.create ${why}: the chart would create ${nameValue} itself, \
without the IRSA role annotation, and Helm refuses to take over the one eksctl created in \
Task 1 ("exists and cannot be imported into the current release"). Set create: false.`,
      ),
    );
  }
  return findings;
}

// ---- helm's failures, for the student ----

export type HelmFailureKind =
  | 'cluster-unreachable'
  | 'credentials'
  | 'forbidden'
  | 'in-progress'
  | 'name-in-use'
  | 'ownership-conflict'
  | 'apply-conflict'
  | 'repo-not-added'
  | 'repo-name-taken'
  | 'repo-unreachable'
  | 'chart-not-found'
  | 'values-schema'
  | 'values-file'
  | 'timeout'
  | 'cancelled'
  | 'unknown';

export interface HelmFailure {
  kind: HelmFailureKind;
  /** One message: what failed, why, and the next step. */
  message: string;
  /** The commands the message names, in its order, as values: to copy, or to run once no word is blank. */
  commands: Command[];
  /** helm's own `Error:` line(s), for the output channel. */
  said: string;
}

export interface HelmFailureContext {
  release: string;
  namespace: string;
  /** The chart as given to helm (repo/chart or a path). */
  chart: string;
  kubeContext?: string;
  server?: string;
  repoName?: string;
  repoUrl?: string;
  version?: string;
}

/** The helm commands helm's failures point the student to (the kubectl and aws ones are in ../kube/commands.ts). */
export const helmCommands = {
  status: (release: string, namespace: string): Command => ['helm', 'status', release, '-n', namespace],
  uninstall: (release: string, namespace: string): Command => helmUninstallCommand({ name: release, namespace }),
  rollback: (release: string, namespace: string): Command => ['helm', 'rollback', release, '-n', namespace],
  listAll: ['helm', 'list', '-A'] as Command,
  repoAdd: (name: string, url: string | undefined, o: { force?: boolean } = {}): Command => [
    'helm',
    'repo',
    'add',
    name,
    url ?? blank('url'),
    ...(o.force ? ['--force-update'] : []),
  ],
  repoRemove: (name: string): Command => ['helm', 'repo', 'remove', name],
  repoUpdate: (name: string): Command => ['helm', 'repo', 'update', name],
  searchVersions: (chart: string): Command => ['helm', 'search', 'repo', chart, '--versions'],
};

/** helm's `Error: ...` lines (Helm 4 also logs `level=ERROR msg=...`), or the last lines when there is none. */
export function helmErrorText(output: string): string {
  const lines = output.split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith('Error:'));
  if (start >= 0) return lines.slice(start).join('\n').trim();
  return lines
    .filter((l) => l.trim())
    .slice(-5)
    .join('\n')
    .trim();
}

export function describeHelmFailure(
  output: string,
  c: HelmFailureContext,
  opts: { cancelled?: boolean } = {},
): HelmFailure {
  const said = helmErrorText(output);
  const first = said.split('\n')[0]?.replace(/^Error:\s*/, '') ?? '';
  const rel = t`release ${c.release} (namespace ${c.namespace})`;
  const ctx = c.kubeContext
    ? c.server
      ? ` ${t`(context ${c.kubeContext}, ${c.server})`}`
      : ` ${t`(context ${c.kubeContext})`}`
    : c.server
      ? ` (${c.server})`
      : '';
  const commands: Command[] = [];
  /** A command as the message shows it, kept in `commands` too. */
  const cmd = (argv: Command): string => {
    commands.push(argv);
    return commandInText(argv);
  };
  const status = (): string => cmd(helmCommands.status(c.release, c.namespace));
  const f = (kind: HelmFailureKind, message: string): HelmFailure => ({ kind, message, said, commands });

  if (opts.cancelled) {
    return f(
      'cancelled',
      t`The Helm step was cancelled; helm marked ${rel} as failed if it had started. Run it again \
when ready: an upgrade --install of a failed release continues from there. Check with ${status()}.`,
    );
  }
  if (/another operation \(install\/upgrade\/rollback\) is in progress/i.test(said)) {
    return f(
      'in-progress',
      t`${rel} is locked: helm says another install, upgrade or rollback is in progress. If none \
is running (an earlier helm was killed), see ${status()}: a release stuck in pending-install can be removed \
with ${cmd(helmCommands.uninstall(c.release, c.namespace))}; one stuck in pending-upgrade can be rolled back \
with ${cmd(helmCommands.rollback(c.release, c.namespace))}. Then run the Helm step again.`,
    );
  }
  if (/cluster unreachable/i.test(said)) {
    if (/context "([^"]+)" does not exist/.test(said)) {
      return f(
        'cluster-unreachable',
        t`helm could not reach the cluster: the kubeconfig has no context \
named ${/context "([^"]+)"/.exec(said)?.[1] ?? ''}. Choose one with ${cmd(useContext)} and run the Helm step again.`,
      );
    }
    if (/getting credentials|exec plugin/i.test(said)) {
      return f(
        'credentials',
        t`helm could not get credentials for the cluster${ctx}: the kubeconfig runs a credential \
program that failed (${first}). Check that the AWS CLI is installed and logged in \
(${cmd(callerIdentity)}, ${cmd(ssoLogin)}), then try again.`,
      );
    }
    if (/provide credentials|Unauthorized|expired/i.test(said)) {
      return f(
        'credentials',
        t`helm reached the cluster${ctx}, but it did not accept your credentials (${first}). Your \
token may have expired: run ${cmd(updateKubeconfigFor)} (and ${cmd(ssoLogin)} if you use SSO), then try again.`,
      );
    }
    if (/no such file or directory|no configuration has been provided|invalid configuration/i.test(said)) {
      return f(
        'cluster-unreachable',
        t`helm found no usable kubeconfig (${first}). Create it with ${cmd(updateKubeconfigFor)}, or set KUBECONFIG.`,
      );
    }
    const dns = /no such host|server misbehaving/i.test(said);
    const why = dns
      ? t`its host name does not resolve`
      : /connection refused/i.test(said)
        ? t`nothing answers there`
        : /timeout|deadline/i.test(said)
          ? t`it did not answer in time`
          : first;
    return f(
      'cluster-unreachable',
      t`helm could not reach the Kubernetes API server${ctx}: ${why}. \
Is the cluster running? Check ${cmd(clusterInfo)}, your network or VPN, or choose another context.`,
    );
  }
  if (/is forbidden: User/i.test(said)) {
    const who = /User "([^"]+)"/.exec(said)?.[1];
    return f(
      'forbidden',
      t`Permission denied${ctx}: ${who ?? t`your user`} may not do what ${rel} needs \
(${first.replace(/^[^:]*: [^:]*: /, '')}). Installing kube-prometheus-stack needs \
cluster-admin rights (it creates CRDs and ClusterRoles): use an admin context or ask for them.`,
    );
  }
  if (/Unauthorized|provide credentials/i.test(said)) {
    return f(
      'credentials',
      t`The API server${ctx} did not accept your credentials (${first}). Refresh them with \
${cmd(updateKubeconfig)} (and ${cmd(ssoLogin)}), then try again.`,
    );
  }
  if (/cannot re-?use a name that is still in use/i.test(said)) {
    return f(
      'name-in-use',
      t`A release named ${c.release} already exists (maybe in another namespace \
than ${c.namespace}). See ${cmd(helmCommands.listAll)}: upgrade it in its own namespace, uninstall \
it, or pick another release name (then the ServiceMonitors' release label must match it).`,
    );
  }
  // Helm 4 applies server-side, CRDs included: a field another manager set to another value stops it.
  const conflict =
    /conflict occurred while applying object (\S*) (\S+), Kind=(\w+): Apply failed with \d+ conflicts?: ([\s\S]*)/.exec(
      said,
    );
  if (conflict) {
    const [, objectPath = '', , kind = 'object', detail = ''] = conflict;
    const name = objectPath.replace(/^\//, '');
    const managers = [...new Set([...detail.matchAll(/conflicts? with "([^"]+)"/g)].map((m) => m[1] ?? ''))];
    const fields = [...new Set([...detail.matchAll(/(?:^|[\s:])(\.[^\s,]+)/g)].map((m) => m[1] ?? ''))];
    const quoted = managers.map((m) => `"${m}"`);
    const who = quoted.length ? quoted.reduce((a, b) => t`${a} and ${b}`) : t`another field manager`;
    const list = fields.join(', ');
    const owned = !fields.length
      ? t`its fields belong to ${who}`
      : fields.length > 1
        ? t`${list} belong to ${who}`
        : t`${list} belongs to ${who}`;
    const force = t`Run the same helm upgrade --install again with --force-conflicts (Helm 4's flag: server-side apply \
then takes those fields over from ${who})`;
    if (kind === 'CustomResourceDefinition' && /failed to install CRD/i.test(said)) {
      const showFields = cmd(['kubectl', 'get', 'crd', name, '--show-managed-fields', '-o', 'yaml']);
      return f(
        'apply-conflict',
        t`helm could not install the CRD ${name} of the chart: Helm 4 applies a chart's CRDs server-side, and \
the CRD already in the cluster holds other values, set by another tool: ${owned} (a kubectl apply \
of prometheus-operator's CRDs, or of manifests that carry one, made it earlier, likely at another \
version). The release was not installed. ${force}: the CRD becomes the chart's version, which the \
chart's prometheus-operator needs, and the objects of that kind (${name.split('.')[0] ?? name}) stay. \
See who owns what with ${showFields}. \
Do not delete the CRD to get past this: deleting a CRD deletes every object of its kind in the \
cluster. (Helm 3 skips a CRD that exists and would keep the older one.)`,
      );
    }
    return f(
      'apply-conflict',
      t`helm could not apply ${kind} ${name} for ${rel}: ${owned}, who set other values than the chart's. \
${force}, if the chart's values should win; or stop the other tool from managing it first.`,
    );
  }
  if (/exists and cannot be imported into the current release/i.test(said)) {
    const obj = /(\w+) "([^"]+)" in namespace "([^"]+)" exists/.exec(said);
    const saHint =
      obj?.[1] === 'ServiceAccount'
        ? t`For prometheus-sa this means the values set prometheus.serviceAccount.create: true: set \
it to false so the chart uses the ServiceAccount eksctl created.`
        : t`Delete it if nothing else uses it, or set the values so the chart does not create it.`;
    return f(
      'ownership-conflict',
      obj
        ? t`${obj[1]} ${obj[3]}/${obj[2]} already exists and was not created by Helm, so helm will not take it \
over for ${rel}. ${saHint}`
        : t`An object already exists and was not created by Helm, so helm will not take it over for ${rel}. ${saHint}`,
    );
  }
  if (/repo (\S+) not found/i.test(said)) {
    const name = /repo (\S+) not found/i.exec(said)?.[1] ?? c.repoName ?? '';
    return f(
      'repo-not-added',
      t`helm does not know the chart repository ${name}. Add it with \
${cmd(helmCommands.repoAdd(name, c.repoUrl))} (the Helm step does this first), then run the step again.`,
    );
  }
  if (/repository name \((\S+)\) already exists/i.test(said)) {
    const name = /repository name \((\S+)\)/.exec(said)?.[1] ?? c.repoName ?? '';
    const url = c.repoUrl ?? t`the right URL`;
    return f(
      'repo-name-taken',
      t`You already have a chart repository named ${name} with a different URL. Point it \
at ${url} with ${cmd(helmCommands.repoAdd(name, c.repoUrl, { force: true }))} \
(or ${cmd(helmCommands.repoRemove(name))}), then run the step again.`,
    );
  }
  if (
    new RegExp(
      [
        'is not a valid chart repository or cannot be reached',
        'Unable to get an update from',
        'failed to update the following repositories',
        'failed to fetch',
        'dial tcp',
        'no such host',
        'i/o timeout',
        'TLS handshake',
      ].join('|'),
      'i',
    ).test(said)
  ) {
    const why = /no such host/i.test(said)
      ? t`the host name does not resolve (no network or DNS?)`
      : /connection refused/i.test(said)
        ? t`the connection was refused`
        : first;
    const from = c.repoUrl ?? t`the chart repository`;
    return f(
      'repo-unreachable',
      t`helm could not download the chart index from ${from}: ${why}. \
Check your network, proxy (HTTPS_PROXY) or VPN, then run the step again.`,
    );
  }
  if (
    new RegExp(
      [
        'not found in \\S+ index',
        'no chart version found',
        'no chart name found',
        'failed to download',
        'chart ".*" not found',
        'path ".*" not found',
        'not found in repository',
      ].join('|'),
      'i',
    ).test(said)
  ) {
    const repo = c.repoName;
    if (!repo)
      return f(
        'chart-not-found',
        c.version
          ? t`helm could not find the chart ${c.chart} ${c.version} (${first}). Check the path.`
          : t`helm could not find the chart ${c.chart} (${first}). Check the path.`,
      );
    const update = cmd(helmCommands.repoUpdate(repo));
    const search = cmd(helmCommands.searchVersions(c.chart));
    return f(
      'chart-not-found',
      c.version
        ? t`helm could not find ${c.chart} version ${c.version} (${first}). Refresh the index with ${update} \
(the Helm step does), and check the version exists with ${search}.`
        : t`helm could not find ${c.chart} (${first}). Refresh the index with ${update} \
(the Helm step does), and check the version exists with ${search}.`,
    );
  }
  if (/don't meet the specifications of the schema|values don't meet|schema\(s\)/i.test(said)) {
    const problems = said
      .split('\n')
      .filter((l) => /^\s*- /.test(l))
      .map((l) => l.trim().replace(/^- /, ''))
      .join('; ');
    return f(
      'values-schema',
      t`The chart rejected the values file: ${problems || first}. Fix those keys in the values \
file (the path names the key, e.g. /prometheus/serviceAccount/create) and run the step again; nothing was installed.`,
    );
  }
  // A chart's own `fail` in a template (the collector chart's NOTES.txt: mode, image.repository, health_check).
  const chartFail = /execution error at \(([^)]*)\):\s*(.*)/.exec(said);
  if (chartFail) {
    const why = chartFail[2]?.replace(/\s*See https:\S+ for instructions\.?/, '') ?? first;
    const from = chartFail[1] ?? t`a template`;
    return f(
      'values-schema',
      t`The chart refused the values file: ${why} (from ${from}). Fix it in the values file and run the step again; \
nothing was installed.`,
    );
  }
  if (/failed to parse .*(yaml|json)|error converting YAML|open .*: no such file or directory/i.test(said)) {
    const create = '`Observability Lab: Create Lab Files`';
    return f(
      'values-file',
      t`helm could not read the values file: ${first}. Fix or recreate it (${create} writes it) and run the step again.`,
    );
  }
  if (/context deadline exceeded|timed out waiting for the condition/i.test(said)) {
    const notReady = /resource (\S+) not ready/.exec(said)?.[1];
    const pods = cmd(getPods(c.namespace));
    const describe = cmd(describePod);
    return f(
      'timeout',
      notReady
        ? t`helm gave up waiting for ${rel} to become ready (${notReady} was not ready); the release is marked failed. \
Look at the pods with ${pods} and ${describe} (image pulls, a missing ServiceAccount, too little capacity), fix the \
cause and run the step again, which upgrades the failed release.`
        : t`helm gave up waiting for ${rel} to become ready; the release is marked failed. \
Look at the pods with ${pods} and ${describe} (image pulls, a missing ServiceAccount, too little capacity), fix the \
cause and run the step again, which upgrades the failed release.`,
    );
  }
  return f(
    'unknown',
    t`helm failed for ${rel}: ${first || t`no error message`}. The full output is in the Observability Lab output channel.`,
  );
}
