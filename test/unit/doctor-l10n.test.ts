// The doctor speaks the user's language: in the pseudo-locale every link's title and detail, every
// finding's message, evidence and fix title, and the terminal report's sentences are made of
// translated text whole, over a healthy lab, every link broken in turn (doctor-chain.test.ts's
// faults), the sandbox's shapes of them and every source missing.
import { strict as assert } from 'node:assert';
import { runDoctor } from '../../src/core/doctor/chain';
import type { DoctorReport } from '../../src/core/doctor/report';
import type { DoctorSnapshot } from '../../src/core/doctor/snapshot';
import { formatReport } from '../../src/core/doctor/text';
import { runCommandSteps } from '../../src/node/doctor/commandSteps';
import { labQueries } from '../../src/node/doctor/lab';
import { withPrometheus } from '../../src/node/doctor/prometheus';
import { processEnv } from '../../src/node/doctor/sandbox';
import { defaultParams } from '../../src/core/scaffold/params';
import { faults, healthy } from '../fixtures/doctorSnapshots';
import { inPseudoLocale, inPseudoLocaleAsync, untranslated } from '../support/pseudoLocale';

/** A link detail that lists finding codes only (the targets link's failure): values, not a sentence. */
const codesOnly = /^doctor\/[\w-]+(, doctor\/[\w-]+)*$/;

/**
 * The text less the values set beside a translated sentence, which are the same in every language:
 * a query's title in quotes before its sentence, a lint code in brackets after one, and words that
 * are names, paths, URLs or keys (with a dot, slash, colon, equals sign, underscore or digit).
 */
function lessValues(text: string): string {
  return text
    .replace(/^"[^"]*": /, '')
    .replace(/ \([a-z]+\/[\w-]+\)/g, '')
    .replace(/(^|\s)[^\s⟦⟧]*[./=:_\d][^\s⟦⟧]*/g, '$1');
}

/**
 * Each text of the report with English left outside the translations, as "where: text". Evidence's
 * seen and expected may be the data itself (a URL, a metric name, a code), the same in every language.
 */
function english(pseudo: DoctorReport, plain: DoctorReport): string[] {
  const out: string[] = [];
  const check = (where: string, text: string, data = false, englishText?: string): void => {
    if (untranslated(lessValues(text)) === '') return;
    if (data && text === englishText) return;
    out.push(`${where}: ${text}`);
  };
  pseudo.links.forEach((l, i) => {
    const p = plain.links[i];
    check(`${l.id} title`, l.title);
    if (!codesOnly.test(l.detail)) check(`${l.id} detail`, l.detail);
    l.findings.forEach((f, j) => {
      const pf = p?.findings[j];
      check(`${f.code} message`, f.message);
      f.evidence.forEach((e, k) => {
        const pe = pf?.evidence[k];
        check(`${f.code} evidence object`, e.object, true, pe?.object);
        check(`${f.code} evidence seen`, e.seen, true, pe?.seen);
        check(`${f.code} evidence expected`, e.expected, true, pe?.expected);
      });
      for (const fix of f.remedies) check(`${f.code} fix`, fix.title);
    });
  });
  return out;
}

/** The report's lines less what stays as it is in every language: the status marks, codes and commands. */
function reportEnglish(r: DoctorReport): string[] {
  return formatReport(r)
    .map((line) =>
      line
        .replace(/^(ok {2}|FAIL|then|skip) /, '')
        .replace(/^ {7}doctor\/[\w-]+: /, '')
        .replace(/doctor\/[\w-]+/g, '')
        .trim(),
    )
    .filter((line) => untranslated(lessValues(line)) !== '');
}

function sandbox(): DoctorSnapshot {
  const s = healthy();
  s.mode = 'sandbox';
  s.app!.url = 'http://127.0.0.1:8080';
  s.app!.otlpEndpoint = 'http://127.0.0.1:4317';
  s.collector!.otlpAddress = '127.0.0.1:4317';
  return s;
}

/** More shapes than doctor-chain.test.ts's faults: the sandbox's, other wrong endpoints, sources missing. */
const more: [string, () => DoctorSnapshot][] = [
  ['a healthy lab', healthy],
  ['a healthy sandbox', sandbox],
  [
    'a sandbox whose app is down and sends elsewhere, its collector down, Prometheus without its targets',
    () => {
      const s = sandbox();
      s.app!.pods = [{ name: 'app (pid 7)', ready: false, phase: 'stopped', reason: 'exited' }];
      s.app!.otlpEndpoint = 'http://localhost:4318';
      s.collector!.pods = [];
      s.collector!.lastLog = 'Error: listen tcp :4317: bind: address already in use';
      s.prometheus!.targets = [];
      s.prometheus!.acceptedPointsIncrease = 0;
      s.prometheus!.newestAppSampleAgeSeconds = 300;
      return s;
    },
  ],
  [
    'a sandbox app with no endpoint set, whose collector records no OTLP address, without an IAM role',
    () => {
      const s = sandbox();
      delete s.app!.otlpEndpoint;
      s.app!.pods = [];
      delete s.collector!.otlpAddress;
      delete s.iam;
      return s;
    },
  ],
  [
    'an app whose endpoint is unset',
    () => {
      const s = healthy();
      delete s.app!.otlpEndpoint;
      return s;
    },
  ],
  [
    'an app whose endpoint names a host outside the cluster, then a Service elsewhere',
    () => {
      const s = healthy();
      s.app!.otlpEndpoint = 'http://collector.example.com:4317';
      return s;
    },
  ],
  [
    'an app whose endpoint names another Service of the collector namespace',
    () => {
      const s = healthy();
      s.app!.otlpEndpoint = 'http://prometheus-kube-prometheus-prometheus.monitoring:4317';
      return s;
    },
  ],
  [
    'an app whose endpoint port leads to another container port',
    () => {
      const s = healthy();
      s.collector!.service!.ports.push({ name: 'wrong', port: 4000, targetPort: 8888 });
      s.app!.otlpEndpoint = 'http://otel-collector.monitoring:4000';
      return s;
    },
  ],
  [
    'an unreadable endpoint and config',
    () => {
      const s = healthy();
      s.app!.otlpEndpointUnreadable = 'cannot read /proc/7/environ (EACCES)';
      delete s.collector!.configText;
      return s;
    },
  ],
  [
    'a config with two errors in a ConfigMap, with no ready endpoints behind the Service',
    () => {
      const s = healthy();
      s.collector!.configText = s
        .collector!.configText!.replace('exporters: [prometheus]', 'exporters: [prometheus, logging, nope]')
        .replace('exporters:\n  prometheus:', 'exporters:\n  logging: {}\n  prometheus:');
      s.collector!.configFile = '/lab/k8s/otel-collector-config.yaml';
      s.collector!.configFileText = s.collector!.configText;
      s.collector!.configMap = { namespace: 'monitoring', name: 'otel-collector-config', key: 'collector.yaml' };
      s.collector!.service!.readyEndpoints = 0;
      return s;
    },
  ],
  [
    'a config from the Helm chart, the collector not ready',
    () => {
      const s = healthy();
      s.collector!.configText = s.collector!.configText!.replace('exporters: [prometheus]', 'exporters: [logging]');
      s.collector!.helmRelease = 'otel-collector';
      s.collector!.configMap = { namespace: 'monitoring', name: 'otel-collector', key: 'relay' };
      return s;
    },
  ],
  [
    'no ServiceMonitor for the collector, and none at all',
    () => {
      const s = healthy();
      s.serviceMonitors = [];
      return s;
    },
  ],
  [
    'no ServiceMonitor for a collector without a Service',
    () => {
      const s = healthy();
      delete s.collector!.service;
      s.serviceMonitors = [];
      return s;
    },
  ],
  [
    'a Prometheus that reads its own namespace only',
    () => {
      const s = healthy();
      s.prometheusObject!.serviceMonitorNamespaceSelector = null;
      s.prometheusObject!.serviceMonitorSelector = null;
      s.prometheusObject!.namespace = 'elsewhere';
      return s;
    },
  ],
  [
    'two port names wrong, a target on the wrong port, one down without an error',
    () => {
      const s = healthy();
      s.serviceMonitors![0]!.endpoints = [{ port: 'tele' }];
      s.serviceMonitors![1]!.endpoints = [{ port: 'prom' }];
      s.prometheus!.targets[0]!.scrapeUrl = 'http://10.0.0.5:9999/metrics';
      Object.assign(s.prometheus!.targets[1]!, { health: 'unknown', lastError: '' });
      return s;
    },
  ],
  [
    'a target on the wrong port that is down',
    () => {
      const s = healthy();
      Object.assign(s.prometheus!.targets[0]!, {
        scrapeUrl: 'http://10.0.0.5:9999/metrics',
        health: 'down',
        lastError: 'connection refused',
      });
      return s;
    },
  ],
  [
    'no accepted points series, the collector up longer than the window, and a missing metric with a float le',
    () => {
      const s = healthy();
      delete s.prometheus!.acceptedPointsIncrease;
      s.prometheus!.freshnessWindow = '30s';
      s.prometheus!.collectorUptimeSeconds = 95;
      s.prometheus!.metricNames = ['up'];
      s.queries!.queries = [{ title: 'Task 5', expr: 'rate(flask_http_request_bucket{le="1"}[30s])' }];
      return s;
    },
  ],
  [
    'a float le on a Prometheus whose version is unknown, no accepted points series yet',
    () => {
      const s = healthy();
      delete s.prometheus!.acceptedPointsIncrease;
      s.prometheus!.newestAppSampleAgeSeconds = 4;
      const expr = 'sum(rate(http_server_request_duration_seconds_bucket{le="1"}[5m]))';
      s.queries = { source: 'f', file: '/lab/q.promql', text: `# t\n${expr}\n`, queries: [{ title: 't', expr }] };
      return s;
    },
  ],
  [
    'the Prometheus ServiceAccount missing, the role trusting nobody',
    () => {
      const s = healthy();
      s.prometheusObject!.pods = [];
      s.iam!.serviceAccountFound = false;
      Object.assign(s.iam!, { canAssume: false, trustedSubjects: [] });
      return s;
    },
  ],
  [
    'the role with a trust policy error',
    () => {
      const s = healthy();
      s.iam!.findings = [{ code: 'iam/policy-syntax', severity: 'error', message: 'not JSON' }];
      delete s.iam!.serviceAccountFound;
      return s;
    },
  ],
  [
    'every source missing, with no reason given',
    () => ({ mode: 'cluster', takenAt: 0, lab: healthy().lab, unavailable: {} }),
  ],
];

const cases: [string, () => DoctorSnapshot][] = [
  ...more,
  ...faults.map(([name, , inject]): [string, () => DoctorSnapshot] => [
    name,
    () => {
      const s = healthy();
      inject(s);
      return s;
    },
  ]),
];

describe('the doctor in the pseudo-locale', () => {
  for (const [name, make] of cases) {
    it(`translates every link, finding, evidence and fix whole: ${name}`, () => {
      const plain = runDoctor(make());
      const pseudo = inPseudoLocale(() => runDoctor(make()));
      assert.deepEqual(english(pseudo, plain), []);
    });

    it(`prints a terminal report translated but for its marks, codes and commands: ${name}`, () => {
      assert.deepEqual(
        inPseudoLocale(() => reportEnglish(runDoctor(make()))),
        [],
      );
    });
  }

  it("runs a fix's steps and says how they ended, translated", async () => {
    const node = process.execPath;
    const messages = await inPseudoLocaleAsync(async () => {
      const quiet = { output: () => undefined };
      const stopped = new AbortController();
      stopped.abort();
      return [
        (await runCommandSteps({ steps: [[node, '-e', '']] }, quiet)).message,
        (await runCommandSteps({ steps: [[node, '-e', 'process.exit(3)']] }, quiet)).message,
        (await runCommandSteps({ steps: [['obslab-no-such-program-xyz']] }, quiet)).message,
        (await runCommandSteps({ steps: [[node, '-e', '']] }, { ...quiet, signal: stopped.signal })).message,
        (
          await runCommandSteps(
            { steps: [[node, '-e', '']], alongside: [node, '-e', 'process.exit(1)'] },
            { ...quiet, alongsideStartMs: 5000 },
          )
        ).message,
        (
          await runCommandSteps(
            { steps: [[node, '-e', '']], alongside: ['obslab-no-such-program-xyz'] },
            { ...quiet, alongsideStartMs: 5000 },
          )
        ).message,
      ];
    });
    assert.deepEqual(
      messages.filter((m) => untranslated(m) !== ''),
      [],
    );
  });

  it("gives the snapshot's reasons translated: queries, the process environment, Prometheus not read", () => {
    const texts = inPseudoLocale(() => {
      const s = healthy();
      delete s.prometheus;
      withPrometheus(s, {});
      const template = labQueries(undefined, defaultParams);
      return [
        typeof template === 'string' ? template : template.source,
        String(processEnv(2 ** 22 + 12345)),
        s.unavailable.prometheus ?? '',
      ];
    });
    assert.deepEqual(
      texts.filter((m) => untranslated(m) !== ''),
      [],
    );
  });

  it('keeps what programs read: link ids, statuses and codes', () => {
    const s = healthy();
    s.collector!.pods = [];
    const plain = runDoctor(s);
    const pseudo = inPseudoLocale(() => runDoctor(s));
    assert.deepEqual(
      pseudo.links.map((l) => [l.id, l.status, l.causedBy, l.findings.map((f) => f.code)]),
      plain.links.map((l) => [l.id, l.status, l.causedBy, l.findings.map((f) => f.code)]),
    );
    assert.deepEqual(pseudo.causes, plain.causes);
    assert.ok(inPseudoLocale(() => formatReport(pseudo)).some((line) => line.startsWith('FAIL ⟦')));
  });
});
