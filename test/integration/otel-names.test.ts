// The name translator against the real thing: the Flask app in both semantic-convention modes
// (OTEL_SEMCONV_STABILITY_OPT_IN unset and =http) exporting to collector 0.155.0, which forwards
// to collector 0.165.1 over OTLP; each collector has one prometheus exporter per
// translation_strategy, all scraped by Prometheus 3.14.0 (honor_labels false); collector 0.155.0
// also sends to four Prometheus 3.14.0 started with --web.enable-otlp-receiver, one per
// otlp.translation_strategy, and a fifth promoting a resource attribute and the scope; one more
// exporter per collector has namespace, enable_open_metrics and resource_to_telemetry_conversion,
// scraped with honor_labels: true. For every path and mode, the series names Prometheus holds for the
// app are exactly the ones translateInstrument predicts, and their label names are among the
// predicted ones, the job/instance/scope labels included.
import { strict as assert } from 'node:assert';
import { labInstruments } from '../../src/core/promql/labInstruments';
import {
  translateInstrument,
  translationStrategies,
  type NamingPath,
  type TranslationStrategy,
} from '../../src/core/promql/otelNames';
import { startApp, type RunningApp } from '../harness/app';
import { freePort, sleep } from '../harness/lib';
import { collectorVersions, startCollector, type RunningCollector } from '../harness/otelcol';
import { PROMETHEUS_VERSION, startPrometheus, type RunningPrometheus } from '../harness/prometheus';

const modes = [
  { service: 'names-old', optIn: '', source: /OTEL_SEMCONV_STABILITY_OPT_IN unset/ },
  { service: 'names-new', optIn: 'http', source: /OTEL_SEMCONV_STABILITY_OPT_IN=http/ },
] as const;
const versions = [collectorVersions.recent, collectorVersions.newest];
const short: Record<TranslationStrategy, string> = {
  UnderscoreEscapingWithSuffixes: 'uews',
  UnderscoreEscapingWithoutSuffixes: 'uewos',
  NoUTF8EscapingWithSuffixes: 'noutf8',
  NoTranslation: 'none',
};

type Ports = Record<TranslationStrategy, number>;

/** A resource attribute every SDK sets, promoted to a label by the fifth OTLP Prometheus. */
const promotedAttribute = 'telemetry.sdk.language';

/** The other naming options on one more exporter, scraped with honor_labels: true. */
const optionsNamespace = (version: string): string => `lab${version.replace(/\D/g, '')}`;

function collectorConfig(
  version: string,
  optionsPort: number,
  otlp: number,
  telemetry: number,
  ports: Ports,
  forward: { otlp?: number; otlpHttp?: Record<TranslationStrategy, string>; promoted?: string },
): string {
  const exporters = translationStrategies.map(
    (s) => `  prometheus/${short[s]}:\n    endpoint: 127.0.0.1:${ports[s]}\n    translation_strategy: ${s}\n`,
  );
  const names = translationStrategies.map((s) => `prometheus/${short[s]}`);
  exporters.push(
    `  prometheus/options:\n    endpoint: 127.0.0.1:${optionsPort}\n    namespace: ${optionsNamespace(version)}\n` +
      `    enable_open_metrics: true\n    resource_to_telemetry_conversion:\n      enabled: true\n`,
  );
  names.push('prometheus/options');
  if (forward.otlp) {
    exporters.push(`  otlp:\n    endpoint: 127.0.0.1:${forward.otlp}\n    tls:\n      insecure: true\n`);
    names.push('otlp');
  }
  for (const s of translationStrategies) {
    const url = forward.otlpHttp?.[s];
    if (!url) continue;
    exporters.push(`  otlphttp/${short[s]}:\n    endpoint: ${url}/api/v1/otlp\n`);
    names.push(`otlphttp/${short[s]}`);
  }
  if (forward.promoted) {
    exporters.push(`  otlphttp/promoted:\n    endpoint: ${forward.promoted}/api/v1/otlp\n`);
    names.push('otlphttp/promoted');
  }
  return `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${otlp}
exporters:
${exporters.join('')}service:
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: ${telemetry}
  pipelines:
    metrics:
      receivers: [otlp]
      exporters: [${names.join(', ')}]
`;
}

interface Series {
  __name__: string;
  [label: string]: string;
}

async function seriesOf(prom: RunningPrometheus, selector: string): Promise<Series[]> {
  const url = `${prom.url}/api/v1/series?match[]=${encodeURIComponent(selector)}&start=${Date.now() / 1000 - 600}`;
  const res = await fetch(url);
  const body = (await res.json()) as { status: string; data: Series[] };
  assert.equal(body.status, 'success', url);
  return body.data;
}

/** The series names the app's metrics became (target_info aside), once every expected name is there. */
async function namesArrived(prom: RunningPrometheus, selector: string, expected: string[]): Promise<Series[]> {
  const deadline = Date.now() + 90_000;
  let got: Series[] = [];
  while (Date.now() < deadline) {
    got = (await seriesOf(prom, selector)).filter((s) => s.__name__ !== 'target_info');
    const names = new Set(got.map((s) => s.__name__));
    if (expected.every((n) => names.has(n))) return got;
    await sleep(1000);
  }
  assert.fail(
    `${selector}: expected ${expected.join(', ')}; Prometheus holds ${[...new Set(got.map((s) => s.__name__))].join(', ')}`,
  );
}

const quote = (v: string): string => JSON.stringify(v);

describe(`The name translator against collectors ${versions.join(' and ')} and Prometheus ${PROMETHEUS_VERSION}`, function () {
  this.timeout(10 * 60_000);
  const stops: (() => Promise<void>)[] = [];
  let scraper: RunningPrometheus;
  const otlpProms: Partial<Record<TranslationStrategy, RunningPrometheus>> = {};
  let promoted: RunningPrometheus;

  before(async () => {
    for (const s of translationStrategies) {
      const p = await startPrometheus(
        `global:\n  scrape_interval: 1s\notlp:\n  translation_strategy: ${s}\nscrape_configs: []\n`,
        { args: ['--web.enable-otlp-receiver'] },
      );
      otlpProms[s] = p;
      stops.push(p.stop);
    }
    promoted = await startPrometheus(
      `global:\n  scrape_interval: 1s\notlp:\n  promote_resource_attributes: [${promotedAttribute}]\n` +
        '  promote_scope_metadata: true\nscrape_configs: []\n',
      { args: ['--web.enable-otlp-receiver'] },
    );
    stops.push(promoted.stop);
    // Ports picked free can be picked again by the next start: keep every one distinct.
    const taken = new Set([...Object.values(otlpProms), promoted].map((p) => Number(new URL(p.url).port)));
    const port = async (): Promise<number> => {
      for (;;) {
        const p = await freePort();
        if (!taken.has(p)) {
          taken.add(p);
          return p;
        }
      }
    };
    const strategyPorts = async (): Promise<Ports> => {
      const out: Partial<Ports> = {};
      for (const s of translationStrategies) out[s] = await port();
      return out as Ports;
    };
    const first = { otlp: await port(), telemetry: await port(), options: await port(), ports: await strategyPorts() };
    const second = { otlp: await port(), telemetry: await port(), options: await port(), ports: await strategyPorts() };
    const jobs = [
      ...translationStrategies.map((s) => [`c${versions[0]}-${short[s]}`, first.ports[s]] as const),
      ...translationStrategies.map((s) => [`c${versions[1]}-${short[s]}`, second.ports[s]] as const),
    ];
    const scrapeConfig = `global:\n  scrape_interval: 1s\nscrape_configs:\n${jobs
      .map(([job, p]) => `  - job_name: ${quote(job)}\n    static_configs:\n      - targets: ['127.0.0.1:${p}']\n`)
      .join('')}${[first, second]
      .map(
        (c, i) =>
          `  - job_name: options-${i}\n    honor_labels: true\n    static_configs:\n      - targets: ['127.0.0.1:${c.options}']\n`,
      )
      .join('')}`;
    for (;;) {
      scraper = await startPrometheus(scrapeConfig);
      if (!taken.has(Number(new URL(scraper.url).port))) break;
      await scraper.stop();
    }
    stops.push(scraper.stop);
    const c2: RunningCollector = await startCollector(
      versions[1]!,
      collectorConfig(versions[1]!, second.options, second.otlp, second.telemetry, second.ports, {}),
    );
    stops.push(c2.stop);
    const urls = Object.fromEntries(translationStrategies.map((s) => [s, otlpProms[s]!.url])) as Record<
      TranslationStrategy,
      string
    >;
    const c1 = await startCollector(
      versions[0]!,
      collectorConfig(versions[0]!, first.options, first.otlp, first.telemetry, first.ports, {
        otlp: second.otlp,
        otlpHttp: urls,
        promoted: promoted.url,
      }),
    );
    stops.push(c1.stop);
    for (const mode of modes) {
      const app: RunningApp = await startApp({
        name: `${mode.service}-${process.pid}`,
        env: {
          OTEL_SERVICE_NAME: mode.service,
          OTEL_SEMCONV_STABILITY_OPT_IN: mode.optIn,
          OTEL_METRICS_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${first.otlp}`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
          OTEL_METRIC_EXPORT_INTERVAL: '1000',
        },
      });
      stops.push(app.stop);
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${app.url}/hash`, { method: 'POST', body: new URLSearchParams({ data: `n-${i}` }) });
        await res.arrayBuffer();
      }
    }
  });

  after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  });

  function check(got: Series[], path: NamingPath, mode: (typeof modes)[number]): void {
    const instruments = labInstruments.filter((i) => mode.source.test(i.source));
    const predicted = instruments.map((i) => translateInstrument(i, path));
    const names = [...new Set(got.map((s) => s.__name__))].sort();
    assert.deepEqual(
      names,
      [...new Set(predicted.flatMap((t) => t.series))].sort(),
      `${mode.service} ${JSON.stringify(path)}`,
    );
    for (const s of got) {
      const t = predicted.find((p) => p.series.includes(s.__name__));
      assert.ok(t);
      const labels = Object.keys(s).filter((k) => k !== '__name__');
      for (const l of labels)
        assert.ok(t.labels.includes(l), `${s.__name__} has ${l}; predicted ${t.labels.join(', ')}`);
      // The labels that do not depend on the request: job, instance, exported_*, scope, le.
      const fixed = t.labels.filter((l) => /^(job|instance|exported_job|exported_instance|otel_scope_\w+)$/.test(l));
      for (const l of fixed) assert.ok(labels.includes(l), `${s.__name__} lacks ${l}: ${labels.join(', ')}`);
      if (s.__name__.endsWith('_bucket')) assert.ok(labels.includes('le'));
    }
  }

  for (const version of versions)
    for (const strategy of translationStrategies)
      for (const mode of modes)
        it(`collector ${version}'s exporter with ${strategy}, ${mode.service}: exactly the predicted names`, async () => {
          const path: NamingPath = { via: 'collector', version, translationStrategy: strategy, prometheusMajor: 3 };
          const expected = labInstruments
            .filter((i) => mode.source.test(i.source))
            .flatMap((i) => translateInstrument(i, path).series);
          const job = `c${version}-${short[strategy]}`;
          const got = await namesArrived(scraper, `{job=${quote(job)}, exported_job=${quote(mode.service)}}`, expected);
          check(got, path, mode);
        });

  for (const strategy of translationStrategies)
    for (const mode of modes)
      it(`Prometheus ${PROMETHEUS_VERSION}'s OTLP receiver with ${strategy}, ${mode.service}: exactly the predicted names`, async () => {
        const path: NamingPath = {
          via: 'prometheus-otlp',
          version: PROMETHEUS_VERSION,
          translationStrategy: strategy,
          prometheusMajor: 3,
        };
        const expected = labInstruments
          .filter((i) => mode.source.test(i.source))
          .flatMap((i) => translateInstrument(i, path).series);
        const got = await namesArrived(otlpProms[strategy]!, `{job=${quote(mode.service)}}`, expected);
        check(got, path, mode);
      });

  for (const version of versions)
    for (const mode of modes)
      it(`collector ${version}'s exporter with namespace, OpenMetrics and resource_to_telemetry_conversion, honor_labels true, ${mode.service}`, async () => {
        const ns = optionsNamespace(version);
        // The resource's attribute keys, as target_info shows them (escaping leaves them as they are).
        const info = await seriesOf(scraper, `target_info{exported_job=${quote(mode.service)}}`);
        const resource = [...new Set(info.flatMap((s) => Object.keys(s)))].filter(
          (k) => !['__name__', 'job', 'instance', 'exported_job', 'exported_instance'].includes(k),
        );
        const path: NamingPath = {
          via: 'collector',
          version,
          namespace: ns,
          enableOpenMetrics: true,
          resourceToTelemetry: true,
          honorLabels: true,
          prometheusMajor: 3,
        };
        const instruments = labInstruments
          .filter((i) => mode.source.test(i.source))
          .map((i) => ({ ...i, resource: [...resource, 'service.name', 'service.instance.id'] }));
        const expected = instruments.flatMap((i) => translateInstrument(i, path).series);
        assert.ok(expected.every((n) => n.startsWith(`${ns}_`)));
        const all = await namesArrived(
          scraper,
          `{__name__=~${quote(`${ns}_.*`)}, job=${quote(mode.service)}}`,
          expected,
        );
        // The namespace names target_info too, as the translator's note says.
        assert.ok(all.some((s) => s.__name__ === `${ns}_target_info`));
        assert.ok(translateInstrument(instruments[0]!, path).notes.some((n) => n.startsWith(`${ns}_target_info`)));
        const got = all.filter((s) => s.__name__ !== `${ns}_target_info`);
        assert.deepEqual([...new Set(got.map((s) => s.__name__))].sort(), [...new Set(expected)].sort());
        for (const s of got) {
          const t = translateInstrument(
            instruments.find((i) => translateInstrument(i, path).series.includes(s.__name__))!,
            path,
          );
          const labels = Object.keys(s).filter((k) => k !== '__name__');
          for (const l of labels)
            assert.ok(t.labels.includes(l), `${s.__name__} has ${l}; predicted ${t.labels.join(', ')}`);
          for (const l of ['job', 'instance', 'service_name', 'service_instance_id'])
            assert.ok(labels.includes(l), `${s.__name__} lacks ${l}`);
          assert.ok(!labels.includes('exported_job'));
        }
      });

  for (const mode of modes)
    it(`Prometheus ${PROMETHEUS_VERSION}'s OTLP receiver with promote_resource_attributes and promote_scope_metadata, ${mode.service}`, async () => {
      const path: NamingPath = {
        via: 'prometheus-otlp',
        version: PROMETHEUS_VERSION,
        promoteResourceAttributes: [promotedAttribute],
        promoteScopeMetadata: true,
        prometheusMajor: 3,
      };
      const instruments = labInstruments
        .filter((i) => mode.source.test(i.source))
        .map((i) => ({ ...i, resource: [promotedAttribute] }));
      const expected = instruments.flatMap((i) => translateInstrument(i, path).series);
      const got = await namesArrived(promoted, `{job=${quote(mode.service)}}`, expected);
      assert.deepEqual([...new Set(got.map((s) => s.__name__))].sort(), [...new Set(expected)].sort());
      for (const s of got) {
        const inst = instruments.find((i) => translateInstrument(i, path).series.includes(s.__name__))!;
        const t = translateInstrument(inst, path);
        const labels = Object.keys(s).filter((k) => k !== '__name__');
        for (const l of labels)
          assert.ok(t.labels.includes(l), `${s.__name__} has ${l}; predicted ${t.labels.join(', ')}`);
        for (const l of ['telemetry_sdk_language', 'otel_scope_name', 'otel_scope_version', 'otel_scope_schema_url'])
          assert.ok(labels.includes(l), `${s.__name__} lacks ${l}: ${labels.join(', ')}`);
      }
    });
});
