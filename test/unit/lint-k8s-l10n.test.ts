// The Kubernetes, ServiceMonitor, Helm-values, IAM, JMeter-plan and lab-manifest findings speak the
// user's language in every variant, not only the one each code's example reaches: in the
// pseudo-locale each sentence (the plural, the one with no keys, the one without a namespace, the
// fix titles) is made of translated text whole. Each case first shows, in English, that its input
// reaches the variant it is for; the real public files (test/fixtures/corpus, iam, jmx, lab) are
// linted in the pseudo-locale too.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../src/core/finding';
import { lint as lintWith } from '../../src/core/lint/engine';
import type { LintInput } from '../../src/core/lint/model';
import type { LintOptions } from '../../src/core/lint/rule';
import { fillMessage } from '../../src/core/text/l10n';
import { loadCollectorSchema, loadKindSchemas } from '../../src/node/files/schemas';
import { coreMessages } from '../../scripts/l10n';
import { inPseudoLocale, untranslated } from '../support/pseudoLocale';

const root = join(__dirname, '..', '..');
const schemas = loadKindSchemas(join(root, 'schemas'));
const collectorSchema = loadCollectorSchema(join(root, 'schemas'));
const lint = (files: Record<string, string>, options: Partial<LintOptions> = {}): Finding[] =>
  lintWith(
    Object.entries(files).map(([file, text]): LintInput => ({ file, text })),
    { schemas, collectorSchema, labRules: false, ...options },
  );

/** The codes these rules make (k8s/schema is the schema rule's). */
const ours = (code: string): boolean =>
  /^(k8s|servicemonitor|helm|iam|jmx|lab)\//.test(code) && code !== 'k8s/schema'
    ? true
    : code === 'loadtest/loops-forever';

/**
 * English prose that these rules once put into a sentence as a value ('none', a clause, a list's
 * "and"): a value is filled in inside the translation's brackets, so only its words tell it apart.
 * In the pseudo-locale every translated word is accented, so these words left plain are English.
 */
const proseValue =
  /\b(none|nothing|no keys|no files|no ports|with nothing|these actions|its own namespace|every ServiceMonitor|no ServiceMonitor|ServiceMonitors labelled|values in|belongs to|threads run|never ends|custom path|Did you mean|runs as|selects|Prometheus)\b| and | or /;

/** Each of our messages or fix titles with English left in it, as "code: text". */
function english(findings: Finding[]): string[] {
  return findings
    .filter((f) => ours(f.code))
    .flatMap((f) =>
      [f.message, ...(f.fixes ?? []).map((x) => x.title)]
        // helm/missing-required-value's first value is the chart model's sentence (src/core/helm), not ours.
        .filter(
          (text) => untranslated(text) !== '' || (f.code !== 'helm/missing-required-value' && proseValue.test(text)),
        )
        .map((text) => `${f.code}: ${text}`),
    );
}

interface Case {
  /** What the variant is, for the failure message. */
  variant: string;
  files: Record<string, string>;
  options?: Partial<LintOptions>;
  code: string;
  /** English the variant says (in its message or a fix title): proof the input reaches it. */
  says: string;
}

/** The case reaches its variant in English, and every finding of ours is translated whole in the pseudo-locale. */
function check(c: Case): void {
  const found = lint(c.files, c.options);
  const texts = found
    .filter((f) => f.code === c.code)
    .flatMap((f) => [f.message, ...(f.fixes ?? []).map((x) => x.title)]);
  assert.ok(
    texts.some((text) => text.includes(c.says)),
    `${c.variant}: no ${c.code} says "${c.says}"; got:\n${found.map((f) => `${f.code}: ${f.message}`).join('\n')}`,
  );
  const left = inPseudoLocale(() => english(lint(c.files, c.options)));
  assert.deepEqual(left, [], c.variant);
}

// ---- Inputs, in the shapes of lint-general.test.ts and the lab's own files ----

const deployment = (o: {
  name?: string;
  ns?: string;
  selector?: string;
  labels?: string;
  container?: string;
  volumes?: string;
}): string =>
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${o.name ?? 'web'}
${o.ns ? `  namespace: ${o.ns}\n` : ''}spec:
  selector:
    matchLabels: ${o.selector ?? '{app: web}'}
  template:
    metadata:
      labels: ${o.labels ?? '{app: web}'}
    spec:
      containers:
      - name: web
${o.container ?? '        image: web:1.0\n        ports: [{name: http, containerPort: 8080}]\n'}${o.volumes ?? ''}`;

const service = (o: { name?: string; ns?: string; selector?: string; labels?: string; ports: string }): string =>
  `apiVersion: v1
kind: Service
metadata:
  name: ${o.name ?? 'web'}
${o.ns ? `  namespace: ${o.ns}\n` : ''}  labels: ${o.labels ?? '{app: web}'}
spec:
  selector: ${o.selector ?? '{app: web}'}
  ports:
${o.ports}`;

const configMap = (data: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf\n${data ? `data:\n${data}` : ''}`;

const monitor = (o: { ns?: string; labels?: string; selector?: string; port?: string; extra?: string }): string =>
  `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
${o.ns ? `  namespace: ${o.ns}\n` : ''}${o.labels === undefined ? '' : `  labels:\n${o.labels}`}spec:
${o.extra ?? ''}  selector:
    matchLabels: ${o.selector ?? '{app: web}'}
  endpoints:
    - port: ${o.port ?? 'http'}
`;

const prometheus = (o: { ns?: string; selector: string; nsSelector?: string }): string =>
  `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: main
${o.ns ? `  namespace: ${o.ns}\n` : ''}spec:
${o.selector}${o.nsSelector ?? ''}`;

const kpsValues = 'prometheus:\n  prometheusSpec:\n    retention: 10d\n';
const chart = (extra: string): string =>
  `mode: deployment\nimage:\n  repository: otel/opentelemetry-collector-contrib\n  tag: "0.155.0"\n${extra}`;

const trust = (condition: Record<string, Record<string, string>>): string =>
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: condition,
        },
      ],
    },
    null,
    2,
  );
const issuer = 'oidc.eks.eu-west-1.amazonaws.com/id/ABC';
const serviceAccount = (name: string): string =>
  `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: kube-system\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/lbc\n`;

const plan = (body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.3">\n  <hashTree>\n${body}\n  </hashTree>\n</jmeterTestPlan>\n`;
const loops = (o: { forever?: string; scheduler?: boolean }): string =>
  plan(
    `    <ThreadGroup testname="Users">
      <elementProp name="ThreadGroup.main_controller" elementType="LoopController">
        <intProp name="LoopController.loops">3</intProp>
${o.forever === undefined ? '' : `        <boolProp name="LoopController.continue_forever">${o.forever}</boolProp>\n`}      </elementProp>
${o.scheduler ? '      <boolProp name="ThreadGroup.scheduler">true</boolProp>\n      <stringProp name="ThreadGroup.duration">60</stringProp>\n' : ''}    </ThreadGroup>
    <hashTree/>`,
  );

const kubernetesCases: Case[] = [
  {
    variant: 'several selector labels the pod template lacks, and a template without labels',
    files: { 'd.yaml': deployment({ selector: '{app: web, tier: front}', labels: '{}' }) },
    code: 'k8s/deployment-selector-mismatch',
    says: "do not match the pod template's labels (none)",
  },
  {
    variant: 'one selector label the pod template lacks',
    files: { 'd.yaml': deployment({ selector: '{app: api}' }) },
    code: 'k8s/deployment-selector-mismatch',
    says: 'does not match',
  },
  {
    variant: 'a Service that selects no pod template',
    files: { 'd.yaml': deployment({}), 's.yaml': service({ selector: '{app: api}', ports: '  - {port: 80}\n' }) },
    code: 'k8s/service-selector-mismatch',
    says: 'it will have no endpoints',
  },
  {
    variant: 'a named target port, with no port declared',
    files: {
      'd.yaml': deployment({ container: '        image: web:1.0\n' }),
      's.yaml': service({ ports: '  - {name: http, port: 80, targetPort: web}\n' }),
    },
    code: 'k8s/target-port-not-exposed',
    says: 'Declared: none.',
  },
  {
    variant: 'a named target port, with other ports declared',
    files: { 'd.yaml': deployment({}), 's.yaml': service({ ports: '  - {name: http, port: 80, targetPort: web}\n' }) },
    code: 'k8s/target-port-not-exposed',
    says: 'Declared: http.',
  },
  {
    variant: 'a numeric target port in the lab, with no port declared',
    files: {
      'd.yaml': deployment({ container: '        image: web:1.0\n' }),
      's.yaml': service({ ports: '  - {name: http, port: 80, targetPort: 9090}\n' }),
    },
    options: { labRules: true },
    code: 'k8s/target-port-not-exposed',
    says: '(declared: none)',
  },
  {
    variant: 'a numeric target port in the lab, with another port declared',
    files: { 'd.yaml': deployment({}), 's.yaml': service({ ports: '  - {name: http, port: 80, targetPort: 9090}\n' }) },
    options: { labRules: true },
    code: 'k8s/target-port-not-exposed',
    says: '(declared: 8080)',
  },
  ...[
    { data: '', says: 'which has no keys' },
    { data: '  other.yaml: x\n', says: 'which has only other.yaml' },
  ].flatMap(({ data, says }) => [
    {
      variant: `a volume's ConfigMap key (${says})`,
      files: {
        'cm.yaml': configMap(data),
        'd.yaml': deployment({
          volumes:
            '      volumes:\n      - name: conf\n        configMap:\n          name: conf\n          items: [{key: config.yaml, path: config.yaml}]\n',
        }),
      },
      code: 'k8s/configmap-key-missing',
      says: `${says}; the pod cannot start`,
    },
    {
      variant: `an env ConfigMap key (${says})`,
      files: {
        'cm.yaml': configMap(data),
        'd.yaml': deployment({
          container:
            '        image: web:1.0\n        env:\n        - name: MODE\n          valueFrom: {configMapKeyRef: {name: conf, key: mode}}\n',
        }),
      },
      code: 'k8s/configmap-key-missing',
      says: `${says}; the container fails to start`,
    },
  ]),
  {
    variant: 'a config path with nothing mounted at all',
    files: {
      'd.yaml': deployment({
        container: '        image: web:1.0\n        args: ["--config=/etc/otelcol/config.yaml"]\n',
      }),
    },
    code: 'k8s/config-path-not-mounted',
    says: '(mounted: nothing)',
  },
  ...[
    { data: '', says: 'holds no files' },
    { data: '  collector.yaml: x\n', says: 'holds collector.yaml' },
  ].map(({ data, says }): Case => ({
    variant: `a config path whose ConfigMap ${says}`,
    files: {
      'cm.yaml': configMap(data),
      'd.yaml': deployment({
        container:
          '        image: web:1.0\n        args: ["--config=/conf/config.yaml"]\n        volumeMounts: [{name: conf, mountPath: /conf}]\n',
        volumes: '      volumes:\n      - name: conf\n        configMap: {name: conf}\n',
      }),
    },
    code: 'k8s/config-path-not-mounted',
    says,
  })),
  ...[
    { ns: undefined, services: false, says: 'points at Service otel, which these files do not define.' },
    {
      ns: undefined,
      services: true,
      says: 'points at Service otel, which these files do not define (Services here: web)',
    },
    { ns: 'apps', services: false, says: 'in namespace apps, which these files do not define.' },
    {
      ns: 'apps',
      services: true,
      says: 'in namespace apps, which these files do not define (Services here: web.apps)',
    },
  ].map(({ ns, services, says }): Case => ({
    variant: `an OTLP endpoint's unknown Service (${ns ?? 'no namespace'}, ${services ? 'other Services' : 'no Service'})`,
    files: {
      'd.yaml': deployment({
        ns,
        container:
          '        image: web:1.0\n        env:\n        - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://otel:4318"}\n',
      }),
      ...(services ? { 's.yaml': service({ ns, ports: '  - {name: http, port: 8080}\n' }) } : {}),
    },
    code: 'k8s/otlp-endpoint-unresolved',
    says,
  })),
  {
    variant: "an OTLP endpoint's unknown Service beside the collector chart, which names its Service otherwise",
    files: {
      'd.yaml': deployment({
        container:
          '        image: web:1.0\n        env:\n        - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://otel:4318"}\n',
      }),
      'otel-collector-values.yaml': chart(''),
    },
    code: 'k8s/otlp-endpoint-unresolved',
    says: 'set fullnameOverride: otel in its values',
  },
  {
    variant: "an OTLP endpoint's Service with no ports at all",
    files: {
      'd.yaml': deployment({
        container:
          '        image: web:1.0\n        env:\n        - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://otel:4318"}\n',
      }),
      's.yaml': service({ name: 'otel', selector: '{app: web}', ports: '    []\n' }),
    },
    code: 'k8s/otlp-endpoint-unresolved',
    says: 'which exposes only no ports',
  },
  {
    variant: 'an image without a tag',
    files: { 'd.yaml': deployment({ container: '        image: web\n' }) },
    code: 'k8s/image-latest',
    says: '(no tag means :latest)',
  },
];

const monitorCases: Case[] = [
  {
    variant: 'the lab: a release label naming another release, with a fix that sets it',
    files: { 'sm.yaml': monitor({ labels: '    release: other\n' }) },
    options: { labRules: true },
    code: 'servicemonitor/release-label-missing',
    says: 'Set release: prometheus',
  },
  {
    variant: 'the lab: no release label, with a fix that adds it to the labels',
    files: { 'sm.yaml': monitor({ labels: '    team: web\n' }) },
    options: { labRules: true },
    code: 'servicemonitor/release-label-missing',
    says: 'Add the label release: prometheus',
  },
  {
    variant: 'the lab: no labels at all, with a fix that adds a labels map',
    files: { 'sm.yaml': monitor({}) },
    options: { labRules: true },
    code: 'servicemonitor/release-label-missing',
    says: "The release name is the setting obslab.helmRelease, or the lab's obslab-lab.json.",
  },
  {
    variant: 'kube-prometheus-stack values in two files, the release name not given',
    files: {
      'values.yaml': kpsValues,
      'kps-values.yaml': kpsValues,
      'sm.yaml': monitor({ labels: '    team: web\n' }),
    },
    code: 'servicemonitor/release-label-missing',
    says: 'ServiceMonitor web has no release label. The kube-prometheus-stack values in values.yaml and the kube-prometheus-stack values in kps-values.yaml leave',
  },
  {
    variant: 'a Prometheus in its own namespace, and a ServiceMonitor without labels in another',
    files: {
      'p.yaml': prometheus({ ns: 'monitoring', selector: '  serviceMonitorSelector:\n    matchLabels: {team: web}\n' }),
      'sm.yaml': monitor({ ns: 'apps' }),
    },
    code: 'servicemonitor/not-selected',
    says: '(labels: none, namespace apps): Prometheus monitoring/main (p.yaml) selects ServiceMonitors labelled team=web in monitoring',
  },
  {
    variant: 'a Prometheus that takes every ServiceMonitor of its own namespace only',
    files: {
      'p.yaml': prometheus({ ns: 'monitoring', selector: '  serviceMonitorSelector: {}\n' }),
      'sm.yaml': monitor({ ns: 'apps', labels: '    any: thing\n' }),
    },
    code: 'servicemonitor/not-selected',
    says: 'selects every ServiceMonitor in monitoring',
  },
  {
    variant: 'a Prometheus without a namespace or a selector, and a ServiceMonitor without a namespace',
    files: { 'p.yaml': prometheus({ selector: '' }), 'sm.yaml': monitor({ labels: '    team: web\n' }) },
    code: 'servicemonitor/not-selected',
    says: '(labels: team=web): Prometheus main (p.yaml) selects no ServiceMonitor (it has no serviceMonitorSelector; {} would select all) in its own namespace',
  },
  {
    variant: 'a Prometheus over every namespace with an expression selector',
    files: {
      'p.yaml': prometheus({
        selector: '  serviceMonitorSelector:\n    matchExpressions: [{key: team, operator: In, values: [a, b]}]\n',
        nsSelector: '  serviceMonitorNamespaceSelector: {}\n',
      }),
      'sm.yaml': monitor({ labels: '    team: web\n' }),
    },
    code: 'servicemonitor/not-selected',
    says: 'selects ServiceMonitors labelled team In a,b. Prometheus',
  },
  {
    variant: "a ServiceMonitor for the chart's Service that selects another label than the custom path's",
    files: { 'otel-collector-values.yaml': chart(''), 'sm.yaml': monitor({ selector: '{app: collector}' }) },
    code: 'servicemonitor/chart-service-labels',
    says: 'selects app=collector, but the collector here is installed',
  },
  {
    variant: "a ServiceMonitor for the chart's Service that selects the custom path's label",
    files: { 'otel-collector-values.yaml': chart(''), 'sm.yaml': monitor({ selector: '{app: otel-collector}' }) },
    code: 'servicemonitor/chart-service-labels',
    says: "selects app=otel-collector (the custom path's label), but",
  },
  {
    variant: 'a ServiceMonitor over named namespaces that no Service matches',
    files: {
      'd.yaml': deployment({}),
      's.yaml': service({ ports: '  - {name: http, port: 80, targetPort: http}\n' }),
      'sm.yaml': monitor({ selector: '{app: api}', extra: '  namespaceSelector:\n    matchNames: [apps]\n' }),
    },
    options: { labRules: true },
    code: 'servicemonitor/selector-no-service',
    says: 'labelled app=api in apps, and no Service',
  },
  {
    variant: 'a ServiceMonitor in its own namespace that no Service matches',
    files: {
      'd.yaml': deployment({}),
      's.yaml': service({ ports: '  - {name: http, port: 80, targetPort: http}\n' }),
      'sm.yaml': monitor({ selector: '{app: api}' }),
    },
    options: { labRules: true },
    code: 'servicemonitor/selector-no-service',
    says: '(Services here: web {app=web})',
  },
  {
    variant: 'an endpoint port of a Service whose ports have no names',
    files: {
      'd.yaml': deployment({}),
      's.yaml': service({ ports: '  - {port: 80, targetPort: http}\n' }),
      'sm.yaml': monitor({}),
    },
    code: 'servicemonitor/port-not-found',
    says: '(named ports: none)',
  },
];

const helmCases: Case[] = [
  {
    variant: 'a kube-prometheus-stack key that is a near miss',
    files: { 'kube-prometheus-stack-values.yaml': 'prometheus:\n  serviceAcount:\n    create: false\n' },
    code: 'helm/unknown-value',
    says: 'Did you mean prometheus.serviceAccount?',
  },
  {
    variant: 'a kube-prometheus-stack key borrowed from the prometheus chart (server)',
    files: { 'kube-prometheus-stack-values.yaml': 'server:\n  retention: 15d\n' },
    code: 'helm/unknown-value',
    says: 'Did you mean prometheus.prometheusSpec (server.* belongs to the separate prometheus chart)?',
  },
  {
    variant: 'a kube-prometheus-stack key borrowed from the prometheus chart (serviceAccounts)',
    files: { 'kube-prometheus-stack-values.yaml': 'serviceAccounts:\n  server:\n    create: false\n' },
    code: 'helm/unknown-value',
    says: 'Did you mean prometheus.serviceAccount (serviceAccounts.server.* belongs to the separate prometheus chart)?',
  },
  {
    variant: 'a kube-prometheus-stack key like none of its own',
    files: { 'kube-prometheus-stack-values.yaml': 'zzzzzzzzzzzz: 1\n' },
    code: 'helm/unknown-value',
    says: 'so it changes nothing.',
  },
  {
    variant: 'a collector chart key where its schema is closed',
    files: { 'otel-collector-values.yaml': chart('serviceAccount:\n  nmae: x\n') },
    code: 'helm/unknown-value',
    says: "helm refuses the install (\"values don't meet the specifications of the schema\": additional properties 'nmae' not allowed). Did you mean serviceAccount.name?",
  },
  {
    variant: 'a collector chart without mode, with the fix that sets it',
    files: {
      'otel-collector-values.yaml': 'image:\n  repository: otel/opentelemetry-collector-contrib\n  tag: "0.155.0"\n',
    },
    code: 'helm/missing-required-value',
    says: 'Set mode: deployment',
  },
  {
    variant: "a prometheus exporter on a port the chart has no entry for, scraped by the chart's ServiceMonitor",
    files: {
      'otel-collector-values.yaml': chart(
        'serviceMonitor:\n  enabled: true\nports:\n  metrics:\n    enabled: true\nconfig:\n  exporters:\n    prometheus:\n      endpoint: 0.0.0.0:9999\n  service:\n    pipelines:\n      metrics:\n        receivers: [otlp]\n        exporters: [prometheus]\n',
      ),
    },
    code: 'helm/port-not-exposed',
    says: 'Add ports.metrics: {enabled: true, containerPort: 9999, servicePort: 9999, protocol: TCP}.',
  },
  {
    variant: "the chart's ServiceMonitor labelled for a Prometheus that selects other labels",
    files: {
      'otel-collector-values.yaml': chart('serviceMonitor:\n  enabled: true\nports:\n  metrics:\n    enabled: true\n'),
      'p.yaml': prometheus({
        selector: '  serviceMonitorSelector:\n    matchLabels: {team: web}\n',
        nsSelector: '  serviceMonitorNamespaceSelector: {}\n',
      }),
    },
    code: 'servicemonitor/not-selected',
    says: 'Set serviceMonitor.extraLabels.team: web.',
  },
  {
    variant: "the chart's ServiceMonitor scraping a Service with every port turned off",
    files: {
      'otel-collector-values.yaml': chart(
        `serviceMonitor:\n  enabled: true\n  extraLabels: {release: prometheus}\nports:\n${[
          'otlp',
          'otlp-http',
          'jaeger-compact',
          'jaeger-thrift',
          'jaeger-grpc',
          'zipkin',
          'metrics',
        ]
          .map((p) => `  ${p}:\n    enabled: false\n`)
          .join('')}`,
      ),
    },
    options: { labRules: true },
    code: 'servicemonitor/port-not-found',
    says: "(its ports: none); Prometheus gets no target for it. The chart's metrics port (8888) is disabled by default",
  },
  {
    variant: "the lab: the chart's ServiceMonitor labelled with another release",
    files: {
      'otel-collector-values.yaml': chart(
        'serviceMonitor:\n  enabled: true\n  extraLabels:\n    release: other\nports:\n  metrics:\n    enabled: true\n',
      ),
    },
    options: { labRules: true },
    code: 'servicemonitor/release-label-missing',
    says: "is labelled release: other, but the kube-prometheus-stack release is 'prometheus', so Prometheus ignores it.",
  },
  {
    variant: "the lab: the chart's ServiceMonitor without a release label",
    files: {
      'otel-collector-values.yaml': chart('serviceMonitor:\n  enabled: true\nports:\n  metrics:\n    enabled: true\n'),
    },
    options: { labRules: true },
    code: 'servicemonitor/release-label-missing',
    says: 'has no release label (the chart adds none unless serviceMonitor.extraLabels has it)',
  },
];

const iamCases: Case[] = [
  {
    variant: 'a policy without Version',
    files: {
      'policy.json': '{"Statement": [{"Effect": "Allow", "Action": "aps:RemoteWrite", "Resource": "arn:aws:aps:x"}]}',
    },
    code: 'iam/policy-syntax',
    says: 'No "Version"',
  },
  {
    variant: 'a Version IAM does not know',
    files: {
      'policy.json':
        '{"Version": "2020-01-01", "Statement": [{"Effect": "Allow", "Action": "aps:RemoteWrite", "Resource": "arn:aws:aps:x"}]}',
    },
    code: 'iam/policy-syntax',
    says: '"Version" is \'2020-01-01\'',
  },
  {
    variant: 'a Statement that is a string',
    files: { 'policy.json': '{"Version": "2012-10-17", "Statement": "all"}' },
    code: 'iam/policy-syntax',
    says: '"Statement" must be an object or an array of objects.',
  },
  {
    variant: 'a statement that is a string',
    files: { 'policy.json': '{"Version": "2012-10-17", "Statement": ["all"]}' },
    code: 'iam/policy-syntax',
    says: 'Each statement must be an object',
  },
  {
    variant: 'a wrong Effect, a bad action',
    files: {
      'policy.json':
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Permit", "Action": "RemoteWrite", "Resource": "arn:aws:aps:x"}]}',
    },
    code: 'iam/policy-syntax',
    says: '"Effect" must be "Allow" or "Deny", not \'Permit\'.',
  },
  {
    variant: 'no Effect, no Action, no Resource',
    files: { 'policy.json': '{"Version": "2012-10-17", "Statement": [{"Sid": "x"}]}' },
    code: 'iam/policy-syntax',
    says: 'A permissions statement needs "Resource"',
  },
  {
    variant: 'no Effect and no Action',
    files: { 'policy.json': '{"Version": "2012-10-17", "Statement": [{"Resource": "*"}]}' },
    code: 'iam/wildcard-resource',
    says: 'allows these actions on every resource',
  },
  {
    variant: 'a trust policy that names no subject',
    files: { 'trust.json': trust({ StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com' } }) },
    code: 'iam/trust-subject-mismatch',
    says: 'The trust policy does not restrict `<issuer>:sub`',
  },
  {
    variant: 'a wildcard subject, with no ServiceAccount named by the files',
    files: {
      'trust.json': trust({
        StringLike: { [`${issuer}:sub`]: 'system:serviceaccount:*', [`${issuer}:aud`]: 'sts.amazonaws.com' },
      }),
    },
    code: 'iam/trust-subject-mismatch',
    says: 'every matching ServiceAccount can assume the role.',
  },
  {
    variant: "the lab: a wildcard subject, not only the lab's prometheus-sa",
    files: {
      'trust.json': trust({
        StringLike: { [`${issuer}:sub`]: 'system:serviceaccount:*', [`${issuer}:aud`]: 'sts.amazonaws.com' },
      }),
    },
    options: { labRules: true },
    code: 'iam/trust-subject-mismatch',
    says: 'not only system:serviceaccount:monitoring:prometheus-sa.',
  },
  {
    variant: 'the lab: another subject than prometheus-sa, with the fix that trusts it',
    files: {
      'trust.json': trust({
        StringEquals: {
          [`${issuer}:sub`]: 'system:serviceaccount:monitoring:prom',
          [`${issuer}:aud`]: 'sts.amazonaws.com',
        },
      }),
    },
    options: { labRules: true },
    code: 'iam/trust-subject-mismatch',
    says: 'Trust system:serviceaccount:monitoring:prometheus-sa',
  },
  {
    variant: 'another subject than two ServiceAccounts annotated with the role',
    files: {
      'trust.json': trust({
        StringEquals: {
          [`${issuer}:sub`]: 'system:serviceaccount:kube-system:x',
          [`${issuer}:aud`]: 'sts.amazonaws.com',
        },
      }),
      'a.yaml': serviceAccount('lbc'),
      'b.yaml': serviceAccount('lbc-2'),
    },
    code: 'iam/trust-subject-mismatch',
    says: 'system:serviceaccount:kube-system:lbc or system:serviceaccount:kube-system:lbc-2 (the ServiceAccounts annotated',
  },
  {
    variant: 'another subject than the one ServiceAccount annotated with the role',
    files: {
      'trust.json': trust({
        StringEquals: {
          [`${issuer}:sub`]: 'system:serviceaccount:kube-system:x',
          [`${issuer}:aud`]: 'sts.amazonaws.com',
        },
      }),
      'a.yaml': serviceAccount('lbc'),
    },
    code: 'iam/trust-subject-mismatch',
    says: '(the ServiceAccount annotated with eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/lbc (a.yaml))',
  },
  {
    variant: 'no audience',
    files: {
      'trust.json': trust({ StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:monitoring:prometheus-sa' } }),
    },
    options: { labRules: true },
    code: 'iam/trust-audience-missing',
    says: 'does not check `<issuer>:aud`',
  },
  {
    variant: 'another audience',
    files: {
      'trust.json': trust({
        StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:monitoring:prometheus-sa', [`${issuer}:aud`]: 'sts' },
      }),
    },
    options: { labRules: true },
    code: 'iam/trust-audience-missing',
    says: "The audience is 'sts'",
  },
];

const planCases: Case[] = [
  {
    variant: 'an XML file whose root is not a JMeter plan',
    files: { 'x.jmx': '<?xml version="1.0"?>\n<project/>\n' },
    code: 'jmx/xml-syntax',
    says: 'The root element is <project>',
  },
  {
    variant: 'a Loop Controller that sets continue_forever=true, with no duration',
    files: { 'load.jmx': loops({ forever: 'true' }) },
    code: 'loadtest/loops-forever',
    says: 'sets LoopController.continue_forever=true, so JMeter 5.6.3 repeats it forever: the run never ends by itself.',
  },
  {
    variant: 'the fix that sets continue_forever to false',
    files: { 'load.jmx': loops({ forever: 'true' }) },
    code: 'loadtest/loops-forever',
    says: 'Set LoopController.continue_forever to false',
  },
  {
    variant: 'a Loop Controller without continue_forever, ended by a duration',
    files: { 'load.jmx': loops({ scheduler: true }) },
    code: 'loadtest/loops-forever',
    says: 'lacks LoopController.continue_forever=false, so JMeter 5.6.3 repeats it forever: the threads run until the duration ends.',
  },
  {
    variant: 'a user-defined variable without a name of any kind',
    files: {
      'load.jmx': plan(
        '    <elementProp name="TestPlan.user_defined_variables" elementType="Arguments">\n      <collectionProp name="Arguments.arguments">\n        <elementProp name="" elementType="Argument"><stringProp name="Argument.value">1</stringProp></elementProp>\n      </collectionProp>\n    </elementProp>',
      ),
    },
    code: 'jmx/argument-missing-name',
    says: "User-defined variable '' has no Argument.name",
  },
];

const labCases: Case[] = [
  {
    variant: 'a lab manifest without any field',
    files: { 'obslab-lab.json': '{}\n' },
    code: 'lab/manifest-invalid',
    says: 'The extension and obslab use no value of this manifest until it is valid',
  },
];

describe('Kubernetes, ServiceMonitor, Helm, IAM, JMeter and lab findings in the pseudo-locale', () => {
  for (const [what, cases] of [
    ['Kubernetes references', kubernetesCases],
    ['which Prometheus picks up a ServiceMonitor', monitorCases],
    ['Helm values', helmCases],
    ['IAM policies and trust policies', iamCases],
    ['JMeter plans', planCases],
    ['the lab manifest', labCases],
  ] as const)
    it(`translates every variant of the findings on ${what} whole, its fix titles too`, () => {
      for (const c of cases) check(c);
    });

  it('gives translators words, and keeps every placeholder where vscode.l10n.t and @vscode/l10n fill it in', () => {
    // Both fill {…} with /{([^}]+)}/: a { of the text before a placeholder would swallow it.
    const format2 = (text: string, args: string[]): string =>
      text.replace(/{([^}]+)}/g, (whole, i: string) => args[Number(i)] ?? whole);
    const files = /lint[\\/](rules[\\/](k8s|helm|iam|jmx|labManifest)|monitorSelection|kubePrometheusStack)\.ts$/;
    const keys = coreMessages().filter((m) => files.test(m.file));
    assert.ok(keys.length > 100, `${keys.length} sentences`);
    const misread = keys.filter((m) => {
      const args = Array.from({ length: 12 }, (_, i) => `<${i}>`);
      return format2(m.key, args) !== fillMessage(m.key, args);
    });
    assert.deepEqual(
      misread.map((m) => `${m.file}:${m.line} ${m.key}`),
      [],
    );
    // A translator is given words to translate, not only values and punctuation.
    assert.deepEqual(
      keys.filter((m) => !/[A-Za-z]{2}/.test(m.key)).map((m) => `${m.file}:${m.line} ${m.key}`),
      [],
    );
  });

  it('translates whole every finding on the real public files (the corpus, the IAM and JMeter fixtures, the lab)', () => {
    const fixtures = join(root, 'test', 'fixtures');
    const corpus = join(fixtures, 'corpus');
    const folders = [
      ...readdirSync(corpus)
        .filter((d) => statSync(join(corpus, d)).isDirectory())
        .map((d) => join(corpus, d)),
      join(fixtures, 'iam'),
      join(fixtures, 'jmx'),
      join(fixtures, 'lab'),
    ];
    let made = 0;
    const left = inPseudoLocale(() =>
      folders.flatMap((dir) => {
        const files = Object.fromEntries(
          readdirSync(dir)
            .filter((name) => statSync(join(dir, name)).isFile())
            .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
        );
        const found = lint(files, { labRules: dir.endsWith('lab') });
        made += found.filter((f) => ours(f.code)).length;
        return english(found);
      }),
    );
    assert.ok(made > 20, `${made} findings of ours on the real files`);
    assert.deepEqual([...new Set(left)], []);
  });
});
