// A real OpenTelemetry Collector at three versions (built from Go modules with ocb by the harness):
// the lab's pin (recent), the newest on the module proxy and an old one. Every config in
// test/fixtures/collector gets the verdict its `# expect:` header pins, and the telemetry endpoints
// behave as the fixtures say: the readers form serves otelcol_* metrics in the recent and newest
// collectors, the old `address` key is honoured by the old one and refused by the others.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from '../harness/lib';
import {
  CollectorStartError,
  collectorComponents,
  collectorVersionOutput,
  collectorVersions,
  freeCollectorPorts,
  otelcolPart,
  startCollector,
  validateConfig,
  type CollectorPorts,
  type RunningCollector,
} from '../harness/otelcol';
import { collectorFixturesDir, loadCollectorFixtures, roles, type Role } from '../support/collectorFixtures';

const FIXTURES = collectorFixturesDir;

/** The builds that have dropped `address` for readers and name the OTLP exporters in snake_case. */
const current = ['recent', 'newest'] as const;
const loadFixtures = loadCollectorFixtures;

/**
 * Moves a lab config's listeners (0.0.0.0:4317, :8889, the telemetry reader or address on :8888)
 * to free ports on 127.0.0.1, and fails when anything would still listen on all interfaces.
 */
function localize(text: string, p: CollectorPorts): string {
  const out = text
    .replace(/0\.0\.0\.0:4317/g, `127.0.0.1:${p.otlpGrpc}`)
    .replace(/0\.0\.0\.0:8889/g, `127.0.0.1:${p.prometheus}`)
    .replace(/address: 0\.0\.0\.0:8888/g, `address: 127.0.0.1:${p.telemetry}`)
    .replace(/host: 0\.0\.0\.0/g, 'host: 127.0.0.1')
    .replace(/port: 8888\b/g, `port: ${p.telemetry}`);
  const code = out.replace(/#.*$/gm, '');
  assert.ok(!code.includes('0.0.0.0'), `the config still listens on 0.0.0.0 after moving its ports:\n${out}`);
  return out;
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  return { status: res.status, body: await res.text() };
}

/** Waits until the collector's own metrics (otelcol_*) are served at `url`. */
async function waitForOwnMetrics(url: string, c: RunningCollector): Promise<string> {
  let body = '';
  await waitFor(
    `otelcol_ metrics at ${url}`,
    async () => {
      const r = await get(url);
      body = r.body;
      return r.status === 200 && /^otelcol_/m.test(body);
    },
    20_000,
    c.alive,
  );
  return body;
}

async function refused(url: string): Promise<boolean> {
  try {
    await get(url);
    return false;
  } catch {
    return true;
  }
}

describe('OpenTelemetry Collector (real, built with ocb)', function () {
  this.timeout(60 * 60_000);
  const running: RunningCollector[] = [];
  const fixtures = loadFixtures();

  async function start(role: Role, text: string): Promise<RunningCollector> {
    const c = await startCollector(collectorVersions[role], text);
    running.push(c);
    return c;
  }

  before(async function () {
    // Every version: a cold build takes minutes, a cached one returns at once.
    await otelcolPart.install();
  });

  afterEach(async function () {
    this.timeout(60_000);
    while (running.length > 0) await running.pop()?.stop();
  });

  after(async function () {
    this.timeout(60_000);
    while (running.length > 0) await running.pop()?.stop();
  });

  it('builds the pinned versions, and each binary reports its own', async () => {
    assert.equal(new Set(Object.values(collectorVersions)).size, roles.length, 'three different versions');
    for (const role of roles) {
      assert.equal(
        await collectorVersionOutput(collectorVersions[role]),
        `otelcol-obslab version ${collectorVersions[role]}`,
      );
    }
  });

  it('registers the lab components in all three, and the snake_case OTLP exporter names only in recent and newest', async () => {
    const names = async (role: Role): Promise<string[]> =>
      [...(await collectorComponents(collectorVersions[role])).matchAll(/^\s+- name: (\S+)$/gm)].map((m) => m[1] ?? '');
    for (const role of roles) {
      const registered = await names(role);
      for (const n of ['otlp', 'batch', 'memory_limiter', 'debug', 'prometheus'])
        assert.ok(registered.includes(n), `${role} lacks ${n}: ${registered.join(' ')}`);
      // `otelcol components` lists the new exporter names; the old ones stay as deprecated aliases.
      if (role === 'old')
        assert.ok(
          !registered.includes('otlp_grpc') && !registered.includes('otlp_http') && registered.includes('otlphttp'),
          registered.join(' '),
        );
      else assert.ok(registered.includes('otlp_grpc') && registered.includes('otlp_http'), registered.join(' '));
    }
  });

  it('has a corpus of at least 15 configs, each with its verdicts and a reason', () => {
    assert.ok(fixtures.length >= 15, `only ${fixtures.length} fixtures`);
    for (const f of fixtures) assert.ok(f.why.length > 10, `${f.file}: the why line is empty`);
  });

  describe('validate verdicts match each fixture header', () => {
    for (const f of fixtures) {
      for (const role of roles) {
        it(`${f.file} @ ${role}: ${f.expect[role]}`, async () => {
          const r = await validateConfig(collectorVersions[role], f.text);
          assert.equal(
            r.ok ? 'accept' : 'reject',
            f.expect[role],
            `otelcol ${collectorVersions[role]} validate said:\n${r.output}`,
          );
        });
      }
    }
  });

  for (const role of current) {
    it(`${role}: the scaffold's config serves otelcol_* on the reader's port and the prometheus exporter listens`, async () => {
      const p = await freeCollectorPorts();
      const c = await start(role, localize(readFileSync(join(FIXTURES, 'scaffold.yaml'), 'utf8'), p));
      const own = await waitForOwnMetrics(`http://127.0.0.1:${p.telemetry}/metrics`, c);
      assert.match(own, /^otelcol_process_uptime/m);
      const exporter = await get(`http://127.0.0.1:${p.prometheus}/metrics`);
      assert.equal(exporter.status, 200);
    });

    it(`${role}: the lab's own config starts too`, async () => {
      const p = await freeCollectorPorts();
      const c = await start(role, localize(readFileSync(join(FIXTURES, 'lab.yaml'), 'utf8'), p));
      await waitForOwnMetrics(`http://127.0.0.1:${p.telemetry}/metrics`, c);
      assert.equal((await get(`http://127.0.0.1:${p.prometheus}/metrics`)).status, 200);
    });
  }

  it('old: the `address` form serves otelcol_* at that address, with a deprecation warning', async () => {
    const p = await freeCollectorPorts();
    const c = await start('old', localize(readFileSync(join(FIXTURES, 'telemetry-address.yaml'), 'utf8'), p));
    await waitForOwnMetrics(`http://127.0.0.1:${p.telemetry}/metrics`, c);
    assert.match(
      c.output(),
      /service::telemetry::metrics::address is being deprecated in favor of service::telemetry::metrics::readers/,
    );
  });

  it('recent and newest: the `address` form is refused, by validate and at start, naming the key', async () => {
    for (const role of current) {
      const text = localize(readFileSync(join(FIXTURES, 'telemetry-address.yaml'), 'utf8'), await freeCollectorPorts());
      const v = await validateConfig(collectorVersions[role], text);
      assert.equal(v.ok, false);
      assert.match(v.output, /has invalid keys: address/);
      await assert.rejects(
        start(role, text),
        (e: unknown) => e instanceof CollectorStartError && /has invalid keys: address/.test(e.output),
      );
    }
  });

  it('old: with both `address` and `readers`, both ports serve the own metrics', async () => {
    const p = await freeCollectorPorts();
    const addressPort = await freePort();
    const text = readFileSync(join(FIXTURES, 'telemetry-address-and-readers.yaml'), 'utf8').replace(
      /address: 0\.0\.0\.0:8888/g,
      `address: 127.0.0.1:${addressPort}`,
    );
    const c = await start('old', localize(text, p));
    await waitForOwnMetrics(`http://127.0.0.1:${addressPort}/metrics`, c);
    await waitForOwnMetrics(`http://127.0.0.1:${p.telemetry}/metrics`, c);
  });

  it('all three: `level: none` starts no reader, so the own-metrics port stays closed', async () => {
    for (const role of roles) {
      const p = await freeCollectorPorts();
      const c = await start(role, localize(readFileSync(join(FIXTURES, 'level-none-with-readers.yaml'), 'utf8'), p));
      await waitFor(
        'the prometheus exporter',
        async () => (await get(`http://127.0.0.1:${p.prometheus}/metrics`)).status === 200,
        20_000,
        c.alive,
      );
      assert.ok(
        await refused(`http://127.0.0.1:${p.telemetry}/metrics`),
        `${role}: something answers on the reader's port`,
      );
      await c.stop();
    }
  });

  it('all three: validate passes an impossible port, and the start then fails on it', async () => {
    for (const role of roles) {
      const text = localize(
        readFileSync(join(FIXTURES, 'invalid-port.yaml'), 'utf8').replace(/0\.0\.0\.0:99999/g, '127.0.0.1:99999'),
        await freeCollectorPorts(),
      );
      assert.equal((await validateConfig(collectorVersions[role], text)).ok, true);
      await assert.rejects(
        start(role, text),
        (e: unknown) => e instanceof CollectorStartError && /address 99999: invalid port/.test(e.output),
      );
    }
  });

  it('old: validate passes a prometheus exporter without endpoint, the start does not', async () => {
    const text = localize(
      readFileSync(join(FIXTURES, 'prometheus-without-endpoint.yaml'), 'utf8'),
      await freeCollectorPorts(),
    );
    assert.equal((await validateConfig(collectorVersions.old, text)).ok, true);
    await assert.rejects(
      start('old', text),
      (e: unknown) =>
        e instanceof CollectorStartError &&
        /expecting a non-blank address to run the Prometheus metrics handler/.test(e.output),
    );
  });

  it('recent and newest: the old `otlp` exporter name works but logs that it is a deprecated alias of otlp_grpc', async () => {
    for (const role of current) {
      const c = await start(
        role,
        localize(readFileSync(join(FIXTURES, 'exporter-otlp-legacy-name.yaml'), 'utf8'), await freeCollectorPorts()),
      );
      assert.match(c.output(), /"otlp" alias is deprecated; use "otlp_grpc" instead/);
      await c.stop();
    }
  });

  it('newest: resource_to_telemetry_conversion still works but logs that resource_constant_labels replaces it; recent says nothing', async () => {
    const text = readFileSync(join(FIXTURES, 'prometheus-deprecated-options.yaml'), 'utf8');
    const warning = /resource_to_telemetry_conversion is deprecated; use resource_constant_labels instead/;
    const newest = await start('newest', localize(text, await freeCollectorPorts()));
    assert.match(newest.output(), warning);
    await newest.stop();
    const recent = await start('recent', localize(text, await freeCollectorPorts()));
    assert.doesNotMatch(recent.output(), warning);
  });

  it('newest: resource_constant_labels starts, and refuses to be set beside resource_to_telemetry_conversion', async () => {
    const text = localize(
      readFileSync(join(FIXTURES, 'prometheus-resource-constant-labels.yaml'), 'utf8'),
      await freeCollectorPorts(),
    );
    const c = await start('newest', text);
    await c.stop();
    const both = text.replace(
      /resource_constant_labels:/,
      'resource_to_telemetry_conversion:\n      enabled: true\n    resource_constant_labels:',
    );
    const v = await validateConfig(collectorVersions.newest, both);
    assert.equal(v.ok, false);
    assert.match(v.output, /cannot configure both resource_to_telemetry_conversion and resource_constant_labels/);
  });

  it("newest: an HTTP client's flat keep-alive keys are refused; recent and old accept them", async () => {
    // confighttp deprecated them in v0.160.0 for the keepalive section and removed them by v0.165.0.
    const text = localize(
      readFileSync(join(FIXTURES, 'exporter-otlphttp-legacy-name.yaml'), 'utf8'),
      await freeCollectorPorts(),
    ).replace(/(\n {2}otlphttp:\n)/, '$1    max_idle_conns: 10\n    idle_conn_timeout: 30s\n');
    assert.match(text, /max_idle_conns: 10/);
    const newest = await validateConfig(collectorVersions.newest, text);
    assert.equal(newest.ok, false);
    assert.match(newest.output, /has invalid keys: idle_conn_timeout, max_idle_conns/);
    for (const role of ['recent', 'old'] as const)
      assert.equal((await validateConfig(collectorVersions[role], text)).ok, true, role);
  });
});
