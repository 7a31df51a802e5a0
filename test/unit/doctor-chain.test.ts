// The doctor's chain over synthetic snapshots: one fault at a time is the first broken link with
// its code; later broken links are its consequences; missing sources are skipped with a reason.
import { strict as assert } from 'node:assert';
import { collectorListenPorts, parseOtlpEndpoint, runDoctor, serviceOfHost } from '../../src/core/doctor/chain';
import { selectorMatches } from '../../src/core/kube/selectors';
import { doctorCodeInfo, doctorCodes } from '../../src/core/doctor/codes';
import type { DoctorSnapshot } from '../../src/core/doctor/snapshot';
import { commandText, formatReport } from '../../src/core/doctor/text';
import { iamUsage } from '../../src/cli/iamUsage';
import { lintUsage } from '../../src/cli/lint';
import { loadtestUsage } from '../../src/cli/loadtest';
import { faults, healthy } from '../fixtures/doctorSnapshots';
import { goodConfig } from '../fixtures/findingExamples';

/** The usage of each obslab command a fix may name, to check the fix's options exist. */
const usages: Record<string, string> = { iam: iamUsage, lint: lintUsage, loadtest: loadtestUsage };

const config = goodConfig;

function statusOf(s: DoctorSnapshot): Record<string, string> {
  return Object.fromEntries(runDoctor(s).links.map((l) => [l.id, l.status]));
}

describe('doctor chain', () => {
  it('reports a healthy lab as healthy, every link passed', () => {
    const r = runDoctor(healthy());
    assert.equal(r.healthy, true, JSON.stringify(r.links.filter((l) => l.status !== 'passed')));
    assert.ok(r.links.every((l) => l.status === 'passed'));
    assert.equal(r.cause, undefined);
  });

  for (const [name, code, inject] of faults) {
    it(`names ${name} as the only cause, ${code}`, () => {
      const s = healthy();
      inject(s);
      const r = runDoctor(s);
      assert.equal(r.cause?.code, code, JSON.stringify(r.links.map((l) => [l.id, l.status, l.detail])));
      assert.deepEqual(
        r.causes.map((c) => c.code),
        [code],
      );
      const f = r.links.find((l) => l.status === 'failed')?.findings[0];
      assert.ok(f && f.evidence.length > 0, 'has evidence');
      assert.ok(f.remedies.length > 0, 'has a fix');
      for (const fix of r.links.flatMap((l) => l.findings.flatMap((x) => x.remedies))) {
        if (fix.kind !== 'command') continue;
        for (const step of [...fix.steps, ...(fix.alongside ? [fix.alongside] : [])]) {
          assert.ok(
            step.every((w) => typeof w === 'string') && step.length > 0,
            'a step is a program and its arguments',
          );
          if (step[0] !== 'npx' || step[1] !== 'obslab') continue;
          const part = step.join(' ');
          const usage = usages[step[2] ?? ''];
          assert.ok(usage, `${part}: obslab has a ${step[2]} command`);
          for (const flag of step
            .slice(3)
            .join(' ')
            .match(/--[\w-]+/g) ?? [])
            assert.ok(
              new RegExp(`${flag}(?![\\w-])`).test(usage),
              `${part}: ${flag} is an option of obslab ${step[2]}`,
            );
        }
      }
    });
  }

  it('a Prometheus without serviceMonitorNamespaceSelector misses ServiceMonitors elsewhere; the fix sets {} with --set-json (--set would make it [""], helm 4.3.1 and 3.22.0)', () => {
    const s = healthy();
    s.prometheusObject!.serviceMonitorNamespaceSelector = null;
    s.prometheusObject!.namespace = 'prometheus-elsewhere';
    const r = runDoctor(s);
    assert.equal(
      r.cause?.code,
      doctorCodes.serviceMonitorNotSelected,
      JSON.stringify(r.links.map((l) => [l.id, l.status, l.detail])),
    );
    const fix = r.links.find((l) => l.id === 'servicemonitor-selected')?.findings[0]?.remedies[0];
    assert.ok(fix?.kind === 'command');
    assert.deepEqual(fix.steps[0]?.slice(-2), [
      '--set-json',
      'prometheus.prometheusSpec.serviceMonitorNamespaceSelector={}',
    ]);
    // Shown for the shell: {} is brace-expansion syntax in bash and zsh, so the word is quoted.
    assert.match(
      commandText(fix),
      /kube-prometheus-stack --version 88\.5\.3 .*--set-json 'prometheus\.prometheusSpec\.serviceMonitorNamespaceSelector=\{\}'$/,
    );
  });

  it('with no accepted-points series at all, calls samples stale once the collector has been up longer than the window, and skips before', () => {
    const s = healthy();
    delete s.prometheus!.acceptedPointsIncrease;
    s.prometheus!.freshnessWindow = '30s';
    s.prometheus!.collectorUptimeSeconds = 95;
    const r = runDoctor(s);
    assert.equal(r.cause?.code, doctorCodes.staleSamples);
    assert.match(r.cause?.message ?? '', /no metric points since it started 95 s ago/);
    s.prometheus!.collectorUptimeSeconds = 12;
    assert.equal(runDoctor(s).links.find((l) => l.id === 'freshness')?.status, 'skipped');
    delete s.prometheus!.collectorUptimeSeconds;
    assert.equal(runDoctor(s).links.find((l) => l.id === 'freshness')?.status, 'skipped');
  });

  it('marks later broken links as consequences of the first, not as causes', () => {
    const s = healthy();
    s.collector!.pods = [];
    Object.assign(s.prometheus!.targets[0]!, { health: 'down', lastError: 'connection refused' });
    s.prometheus!.acceptedPointsIncrease = 0;
    const st = statusOf(s);
    assert.equal(st['collector-up'], 'failed');
    assert.equal(st['targets'], 'consequence');
    assert.equal(st['freshness'], 'consequence');
    const r = runDoctor(s);
    assert.deepEqual(r.causes, [{ link: 'collector-up', code: doctorCodes.collectorDown }]);
    const t = r.links.find((l) => l.id === 'targets');
    assert.equal(t?.causedBy, 'collector-up');
    assert.equal(t?.findings[0]?.consequenceOf, doctorCodes.collectorDown);
  });

  it('keeps the IRSA side a cause of its own beside a data-path cause', () => {
    const s = healthy();
    s.queries!.queries = [{ title: 'x', expr: 'rate(flask_http_request_total[1m])' }];
    s.iam!.canAssume = false;
    assert.deepEqual(
      runDoctor(s).causes.map((c) => c.code),
      [doctorCodes.metricNames, doctorCodes.irsaTrust],
    );
  });

  it("skips links whose source is missing, with the source's reason, and stays healthy", () => {
    const s = healthy();
    delete s.prometheus;
    delete s.iam;
    s.unavailable.prometheus = 'no Prometheus URL: port-forward it';
    const r = runDoctor(s);
    assert.equal(r.healthy, true);
    for (const id of ['targets', 'app-metrics', 'freshness', 'metric-names']) {
      const l = r.links.find((x) => x.id === id);
      assert.equal(l?.status, 'skipped');
      assert.equal(l?.detail, 'no Prometheus URL: port-forward it');
    }
    assert.match(r.links.find((l) => l.id === 'irsa-trust')?.detail ?? '', /not gathered/);
  });

  it('is not healthy when every link was skipped: nothing checked is not a working lab', () => {
    const why = 'the sandbox is not running: start it with `npx obslab sandbox up`';
    const r = runDoctor({
      mode: 'sandbox',
      takenAt: 0,
      lab: healthy().lab,
      unavailable: { app: why, collector: why, prometheus: why },
    });
    assert.ok(r.links.every((l) => l.status === 'skipped'));
    assert.equal(r.healthy, false);
    assert.deepEqual(r.causes, []);
    assert.equal(r.cause, undefined);
    assert.equal(formatReport(r).at(-1), 'nothing checked: every link was skipped, for the reasons above');
  });

  it('offers an edit of the OTLP endpoint in the app manifest and of the metric names in the queries file', () => {
    const s = healthy();
    s.app!.otlpEndpoint = 'http://otel-colector.monitoring.svc.cluster.local:4317';
    s.app!.manifestText = '          value: http://otel-colector.monitoring.svc.cluster.local:4317\n';
    const edit = runDoctor(s)
      .links.find((l) => l.id === 'otlp-endpoint')
      ?.findings[0]?.remedies.find((f) => f.kind === 'edit');
    assert.ok(edit?.kind === 'edit');
    assert.equal(edit.edits[0]?.newText, 'http://otel-collector.monitoring.svc.cluster.local:4317');
    assert.deepEqual(edit.edits[0]?.range.start, { line: 0, character: 17 });

    const q = healthy();
    q.queries = {
      source: 'f',
      file: '/lab/q.promql',
      text: '# t\nrate(flask_http_request_total[30s])\n',
      queries: [{ title: 't', expr: 'rate(flask_http_request_total[30s])' }],
    };
    const e2 = runDoctor(q)
      .links.find((l) => l.id === 'metric-names')
      ?.findings[0]?.remedies.find((f) => f.kind === 'edit');
    assert.ok(e2?.kind === 'edit');
    assert.deepEqual(
      e2.edits.map((x) => [x.range.start.line, x.range.start.character, x.range.end.character, x.newText]),
      [[1, 5, 29, 'http_server_request_duration_seconds_count']],
    );
  });

  it('reads selectors, OTLP endpoints, cluster DNS names and collector ports', () => {
    assert.equal(selectorMatches(null, { a: 'b' }), false);
    assert.equal(selectorMatches({}, {}), true);
    assert.equal(
      selectorMatches(
        { matchExpressions: [{ key: 'release', operator: 'In', values: ['prometheus'] }] },
        { release: 'prometheus' },
      ),
      true,
    );
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'release', operator: 'Exists' }] }, {}), false);
    assert.deepEqual(parseOtlpEndpoint('otel-collector:4317'), { host: 'otel-collector', port: 4317 });
    assert.deepEqual(parseOtlpEndpoint('http://otel-collector.monitoring'), {
      host: 'otel-collector.monitoring',
      port: 4317,
    });
    assert.deepEqual(serviceOfHost('otel-collector', 'app'), { name: 'otel-collector', namespace: 'app' });
    assert.deepEqual(serviceOfHost('otel-collector.monitoring.svc.cluster.local', 'app'), {
      name: 'otel-collector',
      namespace: 'monitoring',
    });
    assert.equal(serviceOfHost('10.0.0.1', 'app'), undefined);
    // Two labels are <service>.<namespace> to cluster DNS (the pod's search path tries
    // example.com.svc.cluster.local first), so only three labels not ending in svc are outside.
    assert.deepEqual(serviceOfHost('example.com', 'app'), { name: 'example', namespace: 'com' });
    assert.equal(serviceOfHost('collector.example.com', 'app'), undefined);
    assert.equal(serviceOfHost('otel-collector.monitoring.svc', 'app')?.namespace, 'monitoring');
    assert.deepEqual(collectorListenPorts(config), { otlpGrpc: 4317, metrics: 8889, telemetry: 8888 });
  });

  it('prints a text report that ends with the cause', () => {
    const s = healthy();
    s.collector!.pods = [];
    const lines = formatReport(runDoctor(s));
    assert.match(lines[lines.length - 1] ?? '', /broken: doctor\/collector-down \(collector-up\)/);
    assert.ok(lines.some((l) => l.startsWith('FAIL The collector is running and ready')));
  });

  it('documents every code it can report', () => {
    const documented = new Set(doctorCodeInfo.map((c) => c.code));
    for (const code of Object.values(doctorCodes)) assert.ok(documented.has(code), code);
    assert.equal(documented.size, Object.values(doctorCodes).length);
  });
});

describe('doctor chain on Prometheus 3: le and quantile values', () => {
  const bucketQuery = 'sum(rate(http_server_request_duration_seconds_bucket{le="1"}[5m]))';

  function withQuery(expr: string, version: string | undefined): DoctorSnapshot {
    const s = healthy();
    if (version === undefined) delete s.prometheus!.version;
    else s.prometheus!.version = version;
    s.queries = {
      source: '/lab/queries/lab-queries.promql',
      file: '/lab/queries/lab-queries.promql',
      text: `# requests under a second\n${expr}\n`,
      queries: [{ title: 'requests under a second', expr }],
    };
    return s;
  }

  const link = (s: DoctorSnapshot) => runDoctor(s).links.find((l) => l.id === 'metric-names');

  it('names a lab query matching le="1" on Prometheus 3.14.0, with the edit that writes le="1.0"', () => {
    const r = runDoctor(withQuery(bucketQuery, '3.14.0'));
    assert.equal(r.cause?.code, doctorCodes.floatLabelValue);
    const l = r.links.find((x) => x.id === 'metric-names');
    assert.equal(l?.status, 'failed');
    assert.match(l?.detail ?? '', /1 of 1 queries match le or quantile values Prometheus 3 never stores/);
    const f = l?.findings[0];
    assert.match(
      f?.message ?? '',
      /"requests under a second": Prometheus 3 stores histogram buckets' le values as floats/,
    );
    assert.match(f?.message ?? '', /le="1" matches nothing; write le="1\.0"/);
    assert.deepEqual(f?.evidence[0], {
      object: `query ${bucketQuery} on Prometheus 3.14.0`,
      seen: 'le="1"',
      expected: 'le="1.0"',
    });
    const edit = f?.remedies.find((x) => x.kind === 'edit');
    assert.ok(edit?.kind === 'edit');
    assert.equal(edit.title, 'Use le="1.0"');
    assert.deepEqual(
      edit.edits.map((e) => [e.range.start.line, e.range.start.character, e.range.end.character, e.newText]),
      [[1, 53, 59, 'le="1.0"']],
    );
  });

  it('takes a Prometheus whose version it could not read for a 3.x, the lab’s', () => {
    assert.equal(link(withQuery(bucketQuery, undefined))?.findings[0]?.code, doctorCodes.floatLabelValue);
    assert.match(
      link(withQuery(bucketQuery, undefined))?.findings[0]?.evidence[0]?.object ?? '',
      /version unknown, taken as 3/,
    );
  });

  it('leaves le="1" alone on a Prometheus 2, which stores what the target wrote', () => {
    assert.equal(link(withQuery(bucketQuery, '2.55.1'))?.status, 'passed');
  });

  it('passes le="1.0", le="+Inf" and a quantile already written as a float', () => {
    const fine =
      'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{le=~"0.5|1.0"}[5m])))';
    assert.equal(link(withQuery(fine, '3.14.0'))?.status, 'passed');
  });

  it('names a missing metric first; the rewrite then has no edit of its own, which would land on moved text', () => {
    const both = 'sum(rate(flask_http_request_duration_seconds_bucket{le="1"}[5m]))';
    const l = link(withQuery(both, '3.14.0'));
    assert.deepEqual(
      l?.findings.map((f) => f.code),
      [doctorCodes.metricNames, doctorCodes.floatLabelValue],
    );
    assert.ok(l?.findings[0]?.remedies.some((x) => x.kind === 'edit'));
    assert.ok(!l?.findings[1]?.remedies.some((x) => x.kind === 'edit'));
    assert.match(l?.detail ?? '', /1 of 1 queries name metrics Prometheus lacks; 1 of 1 queries match le or quantile/);
  });

  it('moves a UTF-8 name into the selector that follows, in every use of the name', () => {
    const s = withQuery(
      'sum(rate(http_server_request_duration_seconds_count{http_route="/hash"}[1m])) / sum(rate(http_server_request_duration_seconds_count[1m]))',
      '3.14.0',
    );
    s.prometheus!.metricNames = ['http.server.request.duration_seconds_count', 'up'];
    const edit = link(s)?.findings[0]?.remedies.find((x) => x.kind === 'edit');
    assert.ok(edit?.kind === 'edit');
    assert.equal(edit.title, 'Use http.server.request.duration_seconds_count');
    const line = s.queries!.text!.split('\n')[1] ?? '';
    let fixed = line;
    for (const e of [...edit.edits].sort((a, b) => b.range.start.character - a.range.start.character))
      fixed = fixed.slice(0, e.range.start.character) + e.newText + fixed.slice(e.range.end.character);
    assert.equal(
      fixed,
      'sum(rate({"http.server.request.duration_seconds_count", http_route="/hash"}[1m])) / sum(rate({"http.server.request.duration_seconds_count"}[1m]))',
    );
  });
});
