// Helm's failures, the Helm plan, the cluster's and the kubeconfig's errors, apply, Clean Up,
// rollouts, port-forwards and downloads speak the user's language: in the pseudo-locale every
// sentence they make is translated whole, with no English glue outside the translations. Helm's
// own words (its stderr) are values inside those sentences; the corpus is every helm stderr sample
// the existing unit tests hold (read from their source), in every context a failure can be told in.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';
import { expectedSha256 } from '../../src/core/downloads/checksums';
import { mirrorBase } from '../../src/core/downloads/mirror';
import { downloadProgressText, type ProgressFacts } from '../../src/core/downloads/progressText';
import { chooseProxy } from '../../src/core/downloads/proxy';
import { collectorAsset, unsupportedTargetText } from '../../src/core/downloads/releases';
import { readTarHeader } from '../../src/core/downloads/tar';
import { knownValueMistakes, missingRequiredValues } from '../../src/core/helm/collectorChart';
import { withForceConflicts } from '../../src/core/helm/forceConflicts';
import {
  checkPrometheusServiceAccount,
  describeHelmFailure,
  helmMissingMessage,
  helmSteps,
  helmVersionProblem,
  kubePrometheusStackSource,
  otelCollectorSource,
  parseHelmVersion,
  releasePlan,
  type HelmFailureContext,
} from '../../src/core/helm/helm';
import { helmInstallHintText } from '../../src/core/helm/helmHint';
import { describeApplyFailure, describeMissingKind, summarize } from '../../src/core/kube/applyPlan';
import { describeObject, describePlan, planCleanup, type ObjectMeta } from '../../src/core/kube/cleanup';
import { describeKubeFailure, type KubeFailure } from '../../src/core/kube/errors';
import { forwardPresets } from '../../src/core/kube/forwardPresets';
import {
  durationText,
  kubeconfigAppearedText,
  missingKubeconfigMessage,
  waitEndedMessage,
  waitingTitle,
  withWaitFlagHint,
} from '../../src/core/kube/kubeconfigWait';
import { parseManifests } from '../../src/core/kube/manifests';
import {
  containerPortByName,
  describePods,
  findServicePort,
  parsePortSpec,
  validateLocalPort,
  type PodLike,
} from '../../src/core/kube/ports';
import { prometheusVerdict, readingSummary, type PrometheusReading } from '../../src/core/kube/prometheusStatus';
import { adviceFor, formatCounts, podProblems, rolloutStatus, stuckReasons } from '../../src/core/kube/rollout';
import { defaultParams } from '../../src/core/scaffold/params';
import { parseXml } from '../../src/core/xml/parse';
import { DownloadError, installRelease } from '../../src/node/downloads/installRelease';
import { networkCause } from '../../src/node/downloads/httpGet';
import { extractTarGz } from '../../src/node/downloads/tarGz';
import { checkLabPath, checkTarget } from '../../src/node/files/labFiles';
import { readLabManifest } from '../../src/node/files/labManifest';
import { describeOutcome, type ApplyResult } from '../../src/node/kube/apply';
import { KubeError, loadKube } from '../../src/node/kube/config';
import { describeRollout } from '../../src/node/kube/rollout';
import { ProgramFailed, runProgram, waitFor } from '../../src/node/process/processes';
import { t } from '../../src/core/text/l10n';
import { inPseudoLocale, inPseudoLocaleAsync, untranslated } from '../support/pseudoLocale';

const root = join(__dirname, '..', '..');

/** Each text with English left outside the translations, as "label: text". */
function english(label: string, texts: readonly string[]): string[] {
  return texts.filter((text) => untranslated(text) !== '').map((text) => `${label}: ${text}`);
}

/**
 * The string values a test file spells out (literals, their `+` concatenations and `[…].join(…)`),
 * read with the TypeScript parser: the test files' own helm stderr samples, whatever they are named.
 */
function stringsIn(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const value = (node: ts.Node): string | undefined => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isParenthesizedExpression(node)) return value(node.expression);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const l = value(node.left);
      const r = value(node.right);
      return l === undefined || r === undefined ? undefined : l + r;
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'join' &&
      ts.isArrayLiteralExpression(node.expression.expression)
    ) {
      const parts = node.expression.expression.elements.map(value);
      const sep = node.arguments[0] ? value(node.arguments[0]) : ',';
      return parts.some((p) => p === undefined) || sep === undefined ? undefined : parts.join(sep);
    }
    return undefined;
  };
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    const v = value(node);
    if (v !== undefined) out.push(v);
    else ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

const helmTestFiles = readdirSync(join(root, 'test', 'unit'))
  .filter((f) => /^(helm|kube).*\.test\.ts$|^collector-chart\.test\.ts$/.test(f))
  .map((f) => join(root, 'test', 'unit', f));

/** helm's stderr as the existing tests captured it: every string with an `Error:` line. */
const capturedStderr = [...new Set(helmTestFiles.flatMap(stringsIn))].filter((s) => /(^|\n)Error: /.test(s));

/** Failures the captured samples do not reach, in helm's words (pkg/kube, pkg/repo, pkg/action). */
const moreStderr = [
  'Error: kubernetes cluster unreachable: Get "https://x/version": getting credentials: exec: executable aws failed with exit code 255',
  'Error: kubernetes cluster unreachable: Get "https://x/version": dial tcp: lookup x on 10.0.0.2:53: no such host',
  'Error: kubernetes cluster unreachable: Get "https://x/version": dial tcp 10.0.0.9:443: i/o timeout',
  'Error: kubernetes cluster unreachable: something else entirely',
  'Error: INSTALLATION FAILED: Unauthorized',
  'Error: looks like "https://charts.example" is not a valid chart repository or cannot be reached: dial tcp 1.2.3.4:443: connect: connection refused',
  'Error: failed to fetch https://charts.example/index.yaml : 500 Internal Server Error',
  'Error: INSTALLATION FAILED: unable to continue with install: ConfigMap "x" in namespace "monitoring" exists and cannot be imported into the current release',
  'Error: INSTALLATION FAILED: exists and cannot be imported into the current release',
  'Error: INSTALLATION FAILED: timed out waiting for the condition',
  'Error: UPGRADE FAILED: conflict occurred while applying object monitoring/x apps/v1, Kind=Deployment: Apply failed with 1 conflict: whatever',
  'Error: INSTALLATION FAILED: execution error at (chart/templates/x.yaml:1:2): mode must be set',
  '',
];

const contexts: HelmFailureContext[] = [
  {
    release: 'prometheus',
    namespace: 'monitoring',
    chart: 'prometheus-community/kube-prometheus-stack',
    kubeContext: 'lab',
    server: 'https://127.0.0.1:6443',
    repoName: 'prometheus-community',
    repoUrl: 'https://prometheus-community.github.io/helm-charts',
    version: '88.5.3',
  },
  {
    release: 'prometheus',
    namespace: 'monitoring',
    chart: 'prometheus-community/kube-prometheus-stack',
    kubeContext: 'lab',
    repoName: 'prometheus-community',
  },
  { release: 'x', namespace: 'n', chart: './chart', server: 'https://127.0.0.1:6443', version: '1.0.0' },
  { release: 'x', namespace: 'n', chart: './chart' },
];

describe('Helm, Kubernetes and downloads in the pseudo-locale', () => {
  it('finds stderr samples to explain in the existing Helm tests', () => {
    assert.ok(capturedStderr.length >= 20, `only ${capturedStderr.length} samples`);
  });

  it("explains every captured helm failure in every context whole, helm's own words inside the sentence", () => {
    const left = inPseudoLocale(() =>
      [...capturedStderr, ...moreStderr].flatMap((said) =>
        contexts.flatMap((c) =>
          [{}, { cancelled: true }].flatMap((o) => {
            const f = describeHelmFailure(said, c, o);
            return english(f.kind, [f.message]);
          }),
        ),
      ),
    );
    assert.deepEqual([...new Set(left)], []);
  });

  it('says every kind of failure the samples name', () => {
    const kinds = new Set(
      [...capturedStderr, ...moreStderr].flatMap((said) => contexts.map((c) => describeHelmFailure(said, c).kind)),
    );
    for (const kind of [
      'cluster-unreachable',
      'credentials',
      'forbidden',
      'in-progress',
      'name-in-use',
      'ownership-conflict',
      'apply-conflict',
      'repo-not-added',
      'repo-name-taken',
      'repo-unreachable',
      'chart-not-found',
      'values-schema',
      'values-file',
      'timeout',
      'unknown',
    ])
      assert.ok(kinds.has(kind as never), kind);
  });

  it("words the Helm plan whole: the steps, --force-conflicts, the release's plan, helm's version and absence", () => {
    const spec = {
      release: 'prometheus',
      namespace: 'monitoring',
      chart: kubePrometheusStackSource(),
      valuesFiles: ['v.yaml'],
    };
    const local = { ...spec, chart: { kind: 'path' as const, path: './chart' } };
    const left = inPseudoLocale(() => {
      const steps = [...helmSteps(spec), ...withForceConflicts(helmSteps(spec)), ...helmSteps(local)];
      const collector = helmSteps({ ...spec, chart: otelCollectorSource() });
      const info = (status: string) => ({
        name: 'prometheus',
        namespace: 'monitoring',
        revision: 3,
        status,
        chart: 'c-1',
      });
      return [
        ...english(
          'step',
          [...steps, ...collector].map((s) => s.title),
        ),
        ...english('plan', [
          releasePlan(undefined, spec),
          releasePlan(info('deployed'), spec),
          releasePlan(info('pending-upgrade'), spec),
          releasePlan(info('failed'), local),
        ]),
        ...english(
          'version',
          ['v2.17.0', 'v3.12.3', 'v3.22.0', 'v4.3.1'].flatMap((v) => helmVersionProblem(parseHelmVersion(v)) ?? []),
        ),
        ...english('missing', [
          helmMissingMessage({}),
          helmMissingMessage({ helmPath: '/opt/helm', reason: 'not-found' }),
          helmMissingMessage({ helmPath: '/opt/helm', reason: 'not-executable' }),
          helmInstallHintText(),
        ]),
      ];
    });
    assert.deepEqual(left, []);
  });

  it("says what the collector chart's NOTES.txt fails on, and where a carried-over key lives, in whole sentences", () => {
    const left = inPseudoLocale(() =>
      [{}, { mode: 'sidecar', image: {}, config: { service: { extensions: [] } } }, { mode: { a: 1 } }].flatMap(
        (values) =>
          english(
            'collector chart',
            missingRequiredValues(values).map((m) => m.message),
          ),
      ),
    );
    left.push(...inPseudoLocale(() => english('mistake', [knownValueMistakes['service.ports'] ?? ''])));
    assert.deepEqual(left, []);
  });

  it("finds every problem with the values file's ServiceAccount in whole sentences", () => {
    const lab = readFileSync(join(root, 'templates', 'lab', 'helm', 'kube-prometheus-stack-values.yaml'), 'utf8');
    const values = [
      lab,
      'prometheus: [\n',
      'prometheus:\n  enabled: false\n',
      'prometheus:\n  serviceAccount:\n    create: false\n',
      'serviceAccounts:\n  server:\n    name: prometheus-sa\n',
      'prometheus:\n  serviceAccount:\n    name: other\n    create: false\n',
      "prometheus:\n  serviceAccount:\n    name: prometheus-sa\n    create: 'false'\n",
      'prometheus:\n  serviceAccount:\n    name: prometheus-sa\n',
      'prometheus:\n  serviceAccount:\n    name: prometheus-sa\n    create: true\n',
    ];
    const left = inPseudoLocale(() =>
      values.flatMap((text) =>
        english(
          'values',
          checkPrometheusServiceAccount(text).map((f) => f.message),
        ),
      ),
    );
    assert.deepEqual(left, []);
  });

  it("describes every way an API call fails whole, the action's words translated too", () => {
    const failures: KubeFailure[] = [
      ...['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'CERT_HAS_EXPIRED'].map((errno) => ({ errno, message: 'x' })),
      ...[401, 403, 404, 409, 422, 500].map((status) => ({
        status,
        body: { kind: 'Status', message: 'the server said so', reason: 'Because' },
        message: 'HTTP',
      })),
      { status: 502, message: 'Bad Gateway' },
      { message: 'socket hang up' },
    ];
    const left = inPseudoLocale(() =>
      failures.flatMap((f) =>
        [{ what: t`list nodes`, server: 'https://127.0.0.1:6443', context: 'lab' }, { what: t`list nodes` }].flatMap(
          (action) => english(`${f.errno ?? f.status ?? '-'}`, [describeKubeFailure(f, action)]),
        ),
      ),
    );
    assert.deepEqual(left, []);
  });

  describe('kubeconfig errors', () => {
    let dir = '';
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'obslab-l10n-kc-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, text: string): string => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const config = (current: string | undefined, context: boolean, cluster: boolean): string =>
      [
        'apiVersion: v1',
        'kind: Config',
        ...(current ? [`current-context: ${current}`] : []),
        'clusters:',
        ...(cluster ? ['- name: c\n  cluster:\n    server: https://127.0.0.1:6443'] : []),
        'contexts:',
        ...(context ? ['- name: lab\n  context:\n    cluster: c\n    user: u'] : []),
        'users:',
        '- name: u\n  user:\n    token: not-a-secret',
      ].join('\n');

    it('says every kubeconfig problem whole, and the wait for one', () => {
      const targets = [
        { kubeconfig: join(dir, 'absent') },
        { kubeconfig: file('bad', 'clusters: [\n') },
        { kubeconfig: file('none', config(undefined, true, true)) },
        { kubeconfig: file('other', config('lab', true, true)), context: 'nope' },
        { kubeconfig: file('empty', config('lab', false, true)), context: 'nope' },
        { kubeconfig: file('nocluster', config('lab', true, false)) },
      ];
      const left = inPseudoLocale(() => {
        const messages = targets.map((target) => {
          try {
            loadKube(target);
            return 'loaded';
          } catch (e) {
            assert.ok(e instanceof KubeError, String(e));
            return e.message;
          }
        });
        const files = ['/a/config'];
        return english('kubeconfig', [
          ...messages,
          missingKubeconfigMessage(files),
          withWaitFlagHint(missingKubeconfigMessage(files)),
          waitingTitle(files),
          waitingTitle(['/a', '/b'], 90_000),
          waitingTitle(files, 60_000),
          kubeconfigAppearedText(files, 4000),
          waitEndedMessage('cancelled', files),
          waitEndedMessage('timed-out', files, 1000),
          durationText(120_000),
          durationText(1000),
        ]);
      });
      assert.deepEqual(left, []);
    });
  });

  it('words apply, Clean Up and the manifests whole', () => {
    let uid = 0;
    const obj = (kind: string, name: string, namespace: string | undefined, extra: Partial<ObjectMeta> = {}) => ({
      apiVersion: 'v1',
      kind,
      resource: `${kind.toLowerCase()}s`,
      namespaced: namespace !== undefined,
      name,
      ...(namespace ? { namespace } : {}),
      uid: `u${++uid}`,
      ...extra,
    });
    const ours = { managedFields: [{ manager: 'obslab', operation: 'Apply' }] };
    const shared = {
      managedFields: [
        { manager: 'obslab', operation: 'Apply' },
        { manager: 'kubectl-client-side-apply', operation: 'Update' },
      ],
    };
    const left = inPseudoLocale(() => {
      const objects = [
        obj('Namespace', 'monitoring', undefined, ours),
        obj('ConfigMap', 'cfg', 'monitoring', shared),
        obj('Secret', 'theirs', 'monitoring'),
        obj('Deployment', 'web', 'app', ours),
      ];
      const releases = [
        { name: 'prometheus', namespace: 'monitoring', chart: 'kps-1' },
        { name: 'other', namespace: 'monitoring' },
        { name: 'far', namespace: 'elsewhere' },
        { name: 'lab', namespace: 'monitoring', labels: { 'obslab.dev/lab': 'true' } },
      ];
      const plan = planCleanup(objects, releases, [
        { name: 'prometheus', namespace: 'monitoring', namedBy: t`the setting obslab.helmRelease` },
      ]);
      // The helm uninstall command lines are values (commands, not sentences), and so is the object a
      // kept line starts with ("ConfigMap monitoring/cfg: …"): its reason is what must be translated.
      const described = plan.kept.map((k) => describeObject(k.object) + ': ');
      const planLines = describePlan(plan)
        .split('\n')
        .filter((l) => l && !l.startsWith('helm '))
        .map((l) =>
          described.reduce((line, prefix) => (line.startsWith(prefix) ? line.slice(prefix.length) : line), l),
        );
      const row = { kind: 'Deployment', name: 'web', namespace: 'app', file: 'k8s/app.yaml', line: 3 };
      const conflict = {
        status: 409,
        body: {
          kind: 'Status',
          message: 'Apply failed with 2 conflicts',
          details: {
            causes: [
              { message: 'conflict with "kubectl"', field: '.spec.replicas' },
              { message: 'conflict with "helm"', field: '.spec.template' },
            ],
          },
        },
        message: 'x',
      };
      const failures: KubeFailure[] = [
        conflict,
        { status: 409, body: { kind: 'Status', message: 'changed' }, message: 'x' },
        {
          status: 422,
          body: { kind: 'Status', message: 'bad', details: { causes: [{ field: 'spec', message: 'no' }] } },
          message: 'x',
        },
        {
          status: 500,
          body: { kind: 'Status', message: 'failed: .spec.x: field not declared in schema' },
          message: 'x',
        },
        { status: 500, body: { kind: 'Status', message: 'boom' }, message: 'x' },
        { status: 403, body: { kind: 'Status', message: 'forbidden' }, message: 'x' },
        {
          status: 404,
          body: { kind: 'Status', message: 'nope', details: { kind: 'namespaces', name: 'app' } },
          message: 'x',
        },
        { status: 418, body: { kind: 'Status', message: 'teapot' }, message: 'x' },
      ];
      const result: ApplyResult = {
        dryRun: false,
        rows: [{ kind: 'Deployment', name: 'web', namespace: 'app', action: 'created' }],
        problems: [{ kind: 'Service', name: 'web', namespace: 'app', message: 'x' }],
        notApplied: [],
        summary: summarize([{ action: 'created' }, { action: 'configured' }, { action: 'unchanged' }], 1),
      };
      const bad = [
        '- a list\n',
        'kind: Deployment\nmetadata:\n  name: x\n',
        'apiVersion: v1\nmetadata:\n  name: x\n',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: x-\n',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: ""\n',
        'apiVersion: v1\nkind: List\nitems:\n- kind: ConfigMap\n',
        'a: [\n',
      ];
      return [
        ...english('cleanup', planLines),
        ...english('apply', [
          summarize([]),
          summarize([{ action: 'created' }], 2),
          describeMissingKind('v1', 'Widget'),
          describeMissingKind('monitoring.coreos.com/v1', 'ServiceMonitor'),
          describeMissingKind('opentelemetry.io/v1beta1', 'OpenTelemetryCollector'),
          describeMissingKind('cert-manager.io/v1', 'Certificate'),
          describeMissingKind('example.com/v1', 'Widget'),
          ...failures.flatMap((f) => [
            describeApplyFailure(f, row, 'obslab'),
            describeApplyFailure(f, { kind: 'ClusterRole', name: 'r' }, 'obslab'),
          ]),
          ...describeOutcome(result),
          ...describeOutcome({ ...result, rows: [], dryRun: false }),
          ...describeOutcome({ ...result, dryRun: true }),
        ]),
        ...english(
          'manifest',
          bad.flatMap((text) => parseManifests(text, 'k8s/x.yaml').errors.map((e) => e.message)),
        ),
      ];
    });
    assert.deepEqual(left, []);
  });

  it('words rollouts, port specs, forward targets and the operator verdicts whole', () => {
    const pod = (name: string, phase: string, ready: boolean, extra: Partial<PodLike['metadata']> = {}): PodLike => ({
      metadata: { name, ...extra },
      spec: { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080 }] }] },
      status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
    const deployment = (generation: number, status: Record<string, unknown>, replicas = 2) => ({
      metadata: { name: 'web', generation },
      spec: { replicas },
      status: { observedGeneration: 1, ...status },
    });
    const reading = (over: Partial<PrometheusReading>): PrometheusReading => ({
      namespace: 'monitoring',
      name: 'prometheus-kube-prometheus-prometheus',
      serviceAccountName: 'prometheus-sa',
      expectedPods: 1,
      conditions: [],
      statefulSetWarnings: [],
      ...over,
    });
    const left = inPseudoLocale(() => {
      const statuses = [
        deployment(2, {}),
        deployment(1, {
          conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded', message: 'too slow' }],
        }),
        deployment(1, { conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] }),
        deployment(1, { updatedReplicas: 1 }),
        deployment(1, { updatedReplicas: 2, replicas: 3 }),
        deployment(1, { updatedReplicas: 2, replicas: 2, availableReplicas: 1 }),
        deployment(1, { updatedReplicas: 2, replicas: 2, availableReplicas: 2, readyReplicas: 2 }),
      ].map(rolloutStatus);
      const unschedulable = {
        metadata: { name: 'p' },
        status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
      };
      const rollout = describeRollout({
        target: { namespace: 'app', name: 'web' },
        state: 'failed',
        message: t`deployment "web" successfully rolled out`,
        problems: [],
        events: [{ pod: 'p', type: 'Warning', reason: 'BackOff', message: 'back-off', count: 3 }],
        logs: [
          { pod: 'p', container: 'app', lines: ['x'] },
          { pod: 'p', container: 'app', lines: [] },
          {
            pod: 'p',
            container: 'app',
            unavailable: t`the container has not started, or its node does not serve logs`,
          },
        ],
      })
        // The log lines themselves (indented four spaces) are the container's, not ours.
        .filter((l) => !l.startsWith('    '))
        .map((l) => l.trim());
      const conditions = (available: string) => [
        { type: 'Reconciled', status: 'True' },
        { type: 'Available', status: available, reason: 'NoPodReady', message: 'pods not ready' },
      ];
      const verdicts = [
        reading({ conditions: [{ type: 'Reconciled', status: 'False', reason: 'Bad', message: 'bad spec' }] }),
        reading({}),
        reading({ conditions: conditions('True'), availablePods: 1 }),
        reading({ conditions: conditions('True') }),
        reading({ conditions: conditions('False'), serviceAccountExists: false, statefulSetWarnings: ['x'] }),
        reading({ conditions: conditions('False'), serviceAccountExists: false }),
        reading({ conditions: conditions('Degraded'), statefulSetWarnings: ['FailedCreate'] }),
        reading({ conditions: conditions('False') }),
      ];
      const service = { metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80 }, { port: 81 }] } };
      return [
        ...english('rollout', [
          ...statuses.map((s) => s.message),
          ...statuses.map(formatCounts),
          ...podProblems(unschedulable).map((p) => p.message),
          ...[...stuckReasons, 'Unschedulable', 'Other'].map(adviceFor),
          ...rollout,
        ]),
        ...english(
          'ports',
          ['', '1:2:3', 'http', '8080:', 'x:80', '0:80', '70000:80', '8080:_bad_', '80:80'].flatMap((spec) => {
            const p = parsePortSpec(spec);
            return typeof p === 'string' ? [p] : [];
          }),
        ),
        ...english(
          'ports',
          ['80', 'abc', '0'].flatMap((p) => validateLocalPort(p) ?? []),
        ),
        ...english('pods', [
          describePods([]),
          describePods([pod('a', 'Running', false)]),
          describePods(
            ['a', 'b', 'c', 'd', 'e', 'f'].map((n) =>
              pod(n, 'Pending', false, { deletionTimestamp: n === 'a' ? '2026-01-01' : undefined }),
            ),
          ),
          String(containerPortByName(pod('a', 'Running', true), 'grpc')),
          String(containerPortByName({ metadata: { name: 'b' } }, 'grpc')),
          String(findServicePort(service, 90)),
          String(findServicePort(service, 'grpc')),
          String(findServicePort({ metadata: { name: 'x' } }, 'grpc')),
        ]),
        ...english(
          'operator',
          verdicts.flatMap((r) => [prometheusVerdict(r).message, prometheusVerdict(r, { waitedSeconds: 30 }).message]),
        ),
        ...english('operator', [readingSummary(reading({}))]),
        ...english(
          'presets',
          forwardPresets(defaultParams).flatMap((p) => [p.detail, ...(p.purpose === 'app' ? [p.label] : [])]),
        ),
      ];
    });
    assert.deepEqual(left, []);
  });

  it('says every download problem and progress line whole', () => {
    const asset = collectorAsset('0.160.0', { os: 'linux', arch: 'amd64' });
    const facts: ProgressFacts = {
      phase: 'download',
      archive: asset.archive,
      title: asset.title,
      url: 'https://github.com/x',
      received: 1_000_000,
      total: 4_000_000,
      resumedFrom: 500_000,
      via: 'http://proxy:3128',
    };
    const left = inPseudoLocale(() => {
      const problems = [
        expectedSha256('nope', 'single', asset.archive, 'x.sha256'),
        expectedSha256('', 'list', asset.archive, 'sums.txt'),
        expectedSha256(`${'0'.repeat(64)}  other.tar.gz`, 'list', asset.archive, 'sums.txt'),
        mirrorBase('not a url', 'obslab.downloads.mirror'),
        mirrorBase('ftp://x', 'obslab.downloads.mirror'),
        mirrorBase('https://x/?a=b', 'obslab.downloads.mirror'),
        mirrorBase('https://u:p@x/', 'obslab.downloads.mirror'),
        chooseProxy(new URL('https://github.com'), { proxy: 'not a proxy', env: {} }),
        chooseProxy(new URL('https://github.com'), { proxy: 'socks5://p:1080', env: {} }),
      ].flatMap((p) => ('problem' in p ? [p.problem] : []));
      const tarErrors: string[] = [];
      for (const block of [new Uint8Array(100), Uint8Array.from({ length: 512 }, () => 65)]) {
        try {
          readTarHeader(block);
        } catch (e) {
          tarErrors.push(String((e as Error).message));
        }
      }
      return [
        ...english('checksums', problems),
        ...english('tar', tarErrors),
        ...english(
          'progress',
          (['checksums', 'download', 'verify', 'extract', 'installed'] as const).flatMap((phase) => [
            downloadProgressText({ ...facts, phase }),
            downloadProgressText({ ...facts, phase, total: undefined, resumedFrom: undefined, via: undefined }),
          ]),
        ),
        ...english('platform', [unsupportedTargetText('aix', 'ppc64', 'otelcol-contrib', 'obslab.collectorPath')]),
        ...english(
          'network',
          ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'CERT_HAS_EXPIRED'].map((code) =>
            networkCause(Object.assign(new Error('x'), { code })),
          ),
        ),
      ];
    });
    assert.deepEqual(left, []);
  });

  describe('a release download that fails', () => {
    let dir = '';
    let server: Server | undefined;
    let answer: (path: string) => { status: number; body: string } = () => ({ status: 404, body: '' });
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'obslab-l10n-dl-'));
      server = createServer((req, res) => {
        const a = answer(req.url ?? '');
        res.writeHead(a.status, { 'content-type': 'application/octet-stream' });
        res.end(a.body);
      });
      await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    });
    afterEach(async () => {
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('says why in whole sentences: no checksums, a bad checksum file, a mismatch, an archive that does not unpack', async () => {
      const asset = collectorAsset('0.160.0', { os: 'linux', arch: 'amd64' });
      const addr = server?.address();
      const mirror = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      const sha = (body: string): string => createHash('sha256').update(body).digest('hex');
      const cases: ((path: string) => { status: number; body: string })[] = [
        () => ({ status: 404, body: '' }),
        () => ({ status: 500, body: '' }),
        (p) => (p.endsWith('.sha256') ? { status: 200, body: 'not a digest' } : { status: 404, body: '' }),
        (p) => (p.endsWith('.sha256') ? { status: 200, body: sha('other') } : { status: 200, body: 'archive' }),
        (p) => (p.endsWith('.sha256') ? { status: 200, body: sha('archive') } : { status: 200, body: 'archive' }),
        (p) => (p.endsWith('.sha256') ? { status: 200, body: sha('archive') } : { status: 404, body: '' }),
      ];
      const messages: string[] = [];
      for (const c of cases) {
        answer = c;
        await inPseudoLocaleAsync(async () => {
          try {
            await installRelease(asset, { root: join(dir, 'parts'), mirror, network: { env: {} } });
            messages.push('installed');
          } catch (e) {
            assert.ok(e instanceof DownloadError, String(e));
            messages.push(e.message);
          }
        });
      }
      // Nothing answers here: a network failure.
      await inPseudoLocaleAsync(async () => {
        try {
          await installRelease(asset, { root: join(dir, 'parts'), mirror: 'http://127.0.0.1:9', network: { env: {} } });
        } catch (e) {
          messages.push(e instanceof Error ? e.message : String(e));
        }
      });
      assert.deepEqual(english('download', messages), []);
    });

    it('says an archive that is not a .tar.gz is not readable, whole', async () => {
      const file = join(dir, 'x.tar.gz');
      writeFileSync(file, 'not gzip');
      const message = await inPseudoLocaleAsync(() =>
        extractTarGz(file, join(dir, 'out')).then(
          () => 'unpacked',
          (e: unknown) => (e instanceof Error ? e.message : String(e)),
        ),
      );
      assert.deepEqual(english('tar', [message]), []);
    });
  });

  it('says XML, lab folder, lab manifest and process errors whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'obslab-l10n-files-'));
    try {
      writeFileSync(join(dir, 'file'), 'x');
      mkdirSync(join(dir, 'lab'));
      symlinkSync(tmpdir(), join(dir, 'lab', 'link'));
      mkdirSync(join(dir, 'lab', 'k8s'));
      writeFileSync(join(dir, 'lab', 'plain'), 'x');
      const thrown = (fn: () => unknown): string => {
        try {
          fn();
          return 'fine';
        } catch (e) {
          return e instanceof Error ? e.message : String(e);
        }
      };
      const xml = [
        '',
        'text',
        '<a><!-- x',
        '<a><![CDATA[x',
        '<?xml x',
        '<!DOCTYPE',
        '<a></b>',
        '</a>',
        '<a>< b</a>',
        '<a b></a>',
        '<a',
        '<a b="1"',
        '<a/><b/>',
        '<a>',
      ];
      const left = inPseudoLocale(() => [
        ...english(
          'xml',
          xml.flatMap((text) => parseXml(text).errors.map((e) => e.message)),
        ),
        ...english('lab folder', [
          thrown(() => checkTarget(join(dir, 'file', 'lab'))),
          thrown(() => checkLabPath(join(dir, 'lab'), '../x')),
          thrown(() => checkLabPath(join(dir, 'lab'), 'link/x')),
          thrown(() => checkLabPath(join(dir, 'lab'), 'link')),
          thrown(() => checkLabPath(join(dir, 'lab'), 'plain/x')),
          thrown(() => checkLabPath(join(dir, 'lab'), 'k8s')),
        ]),
      ]);
      const manifest = inPseudoLocale(() => {
        try {
          readLabManifest(join(dir, 'absent.json'));
          return [];
        } catch (e) {
          // The manifest's problems are listed by src/core/scaffold (not this area): this one's own words only.
          return [
            String((e as Error).message)
              .split('\n')
              .find((l) => /absent\.json|cannot be read|⟦/.test(l)) ?? '',
          ];
        }
      });
      assert.ok(
        manifest.some((m) => m.includes('⟦')),
        String(manifest),
      );
      const program = await inPseudoLocaleAsync(async () => {
        const reasons: string[] = [];
        await runProgram('obslab-no-such-program-l10n', []).catch((e: unknown) => {
          assert.ok(e instanceof ProgramFailed);
          reasons.push(e.reason);
        });
        await runProgram(process.execPath, ['-e', 'process.exit(3)']).catch((e: unknown) => {
          assert.ok(e instanceof ProgramFailed);
          reasons.push(e.reason);
        });
        await waitFor(t`the collector`, () => Promise.resolve(false), 0).catch((e: unknown) =>
          reasons.push(e instanceof Error ? e.message : String(e)),
        );
        await waitFor(
          t`the collector`,
          () => Promise.resolve(false),
          1000,
          () => false,
        ).catch((e: unknown) => reasons.push(e instanceof Error ? e.message : String(e)));
        return reasons;
      });
      assert.equal(program.length, 4);
      assert.deepEqual([...left, ...english('process', program)], []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
