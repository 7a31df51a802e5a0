// `npm run facts`: the version ordering it judges by, where it finds each registry, the list of
// pins it reads from the repository, the report it prints, and what it says (not a stack trace)
// when no registry answers.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinsOf, requirementPins, unaskedOf, type Pin, type PinSources } from '../../scripts/facts/pins';
import {
  describeGoproxy,
  mavenMetadataUrl,
  mavenRepositoryUrl,
  mavenVersions,
  pipIndexUrl,
  pypiVersions,
  redactUrl,
  versionOfFile,
} from '../../scripts/facts/registryConfig';
import { judge, reportText } from '../../scripts/facts/report';
import { compareVersions, isPrerelease, newestFor } from '../../scripts/facts/versions';
import { CODE_SERVER_VERSION } from '../harness/codeserver';
import { JMETER_VERSION } from '../harness/jmeter';
import { kubeVersions } from '../harness/kube';
import { freePort } from '../harness/lib';

const repoRoot = join(__dirname, '..', '..');

describe('npm run facts: versions across registries', () => {
  it('orders PyPI pre-releases below their release and post-releases above it', () => {
    assert.ok(compareVersions('0.66b1', '0.66b2') < 0);
    assert.ok(compareVersions('0.66b2', '0.67b0') < 0);
    assert.ok(compareVersions('1.0a1', '1.0b1') < 0 && compareVersions('1.0b1', '1.0rc1') < 0);
    assert.ok(compareVersions('1.0rc1', '1.0') < 0 && compareVersions('1.0', '1.0.post1') < 0);
    assert.ok(compareVersions('1.0.dev3', '1.0a1') < 0);
  });

  it('orders Go, npm and Maven versions, numbers compared as numbers', () => {
    assert.ok(compareVersions('v0.99.0', 'v0.165.0') < 0);
    assert.ok(compareVersions('v0.165.0', 'v0.165.1') < 0);
    assert.ok(compareVersions('5.0.0-rc.1', '5.0.0') < 0);
    assert.ok(compareVersions('4.0.0-M1', '4.0.0') < 0);
    assert.ok(compareVersions('v0.0.0-20260101120000-abcdef012345', 'v0.0.1') < 0);
    assert.equal(compareVersions('v1.71.0', '1.71.0'), 0);
    assert.equal(isPrerelease('0.66b1'), true);
    assert.equal(isPrerelease('24.9.0'), false);
  });

  it('moves a release pin to releases only, and a pre-release pin to the newest of either', () => {
    assert.equal(newestFor('1.45.1', ['1.45.1', '1.45.2', '1.46.0rc1']), '1.45.2');
    assert.equal(newestFor('0.66b1', ['0.65b0', '0.66b1', '0.66b2']), '0.66b2');
    assert.equal(newestFor('5.6.3', ['5.6.2', '5.6.3', '6.0.0-M1']), '5.6.3');
  });

  it("leaves out Go's +incompatible majors: Prometheus v2.x sorts above its v0.3xx modules but is older", () => {
    assert.equal(newestFor('v0.314.0', ['v0.314.0', 'v0.316.0', 'v2.55.1+incompatible']), 'v0.316.0');
  });

  it('keeps a major-tracked pin on its major', () => {
    assert.equal(newestFor('24.9.0', ['24.9.0', '24.22.3', '26.12.1'], 'major'), '24.22.3');
    assert.equal(newestFor('24.9.0', ['24.9.0', '24.22.3', '26.12.1']), '26.12.1');
  });
});

describe('npm run facts: where the registries are', () => {
  it('never prints the user or password of a URL', () => {
    assert.equal(redactUrl('https://user:s3cret@pypi.example/simple'), 'https://***@pypi.example/simple');
    assert.equal(
      redactUrl('see http://tok@a.example/x and https://b.example/y'),
      'see http://***@a.example/x and https://b.example/y',
    );
    assert.equal(describeGoproxy('https://u:p@goproxy.example,direct'), 'https://***@goproxy.example,direct');
    assert.match(describeGoproxy(''), /Go default/);
  });

  it("takes pip's index from PIP_INDEX_URL, then `pip config list` in pip's precedence, then PyPI", () => {
    const list =
      "global.index-url='https://global.example/simple'\ninstall.index-url='https://install.example/simple'\n";
    assert.equal(pipIndexUrl({ PIP_INDEX_URL: 'https://env.example/simple' }, list), 'https://env.example/simple');
    assert.equal(pipIndexUrl({}, list), 'https://install.example/simple');
    assert.equal(
      pipIndexUrl({}, `${list}:env:.index-url='https://envconf.example/simple'\n`),
      'https://envconf.example/simple',
    );
    // What this machine's pip prints: no index-url at all.
    assert.equal(
      pipIndexUrl({}, ":env:.cert='/etc/ssl/certs/ca-certificates.crt'\n:env:.find-links='/opt/wheels'\n"),
      'https://pypi.org/simple',
    );
  });

  it("takes Maven Central from settings.xml's mirror of central, and only from one that covers it", () => {
    const settings = (of: string): string =>
      `<settings><mirrors><!-- <mirror><mirrorOf>*</mirrorOf><url>https://commented.example</url></mirror> -->` +
      `<mirror><id>m</id><mirrorOf>${of}</mirrorOf><url>https://mirror.example/maven2/</url></mirror></mirrors></settings>`;
    assert.equal(mavenRepositoryUrl(settings('central')), 'https://mirror.example/maven2');
    assert.equal(mavenRepositoryUrl(settings('*,!central')), 'https://repo.maven.apache.org/maven2');
    assert.equal(mavenRepositoryUrl(settings('internal-only')), 'https://repo.maven.apache.org/maven2');
    assert.equal(mavenRepositoryUrl(undefined), 'https://repo.maven.apache.org/maven2');
    assert.equal(
      mavenMetadataUrl('https://repo.maven.apache.org/maven2/', 'org.apache.jmeter:ApacheJMeter_core'),
      'https://repo.maven.apache.org/maven2/org/apache/jmeter/ApacheJMeter_core/maven-metadata.xml',
    );
    assert.deepEqual(
      mavenVersions(
        '<metadata><versioning><versions><version>5.6.2</version><version>5.6.3</version></versions></versioning></metadata>',
      ),
      ['5.6.2', '5.6.3'],
    );
  });

  it('reads a Simple API page, JSON or HTML, leaving out versions whose every file is yanked', () => {
    const json = JSON.stringify({
      versions: ['0.66b0', '0.66b1', '0.66b2'],
      files: [
        { filename: 'opentelemetry_distro-0.66b1-py3-none-any.whl', yanked: false },
        { filename: 'opentelemetry_distro-0.66b2-py3-none-any.whl', yanked: 'broken metadata' },
        { filename: 'opentelemetry_distro-0.66b2.tar.gz', yanked: true },
      ],
    });
    assert.deepEqual(pypiVersions('opentelemetry-distro', json, 'application/vnd.pypi.simple.v1+json'), [
      '0.66b0',
      '0.66b1',
    ]);
    const html =
      '<html><body><a href="x">flask-3.1.2.tar.gz</a><a href="y" data-yanked="">flask-3.1.3-py3-none-any.whl</a>' +
      '<a href="z">Flask-3.1.1-py3-none-any.whl</a></body></html>';
    assert.deepEqual(pypiVersions('Flask', html, 'text/html').sort(), ['3.1.1', '3.1.2']);
    assert.equal(versionOfFile('opentelemetry-exporter-otlp', 'opentelemetry_exporter_otlp-1.45.1.tar.gz'), '1.45.1');
    assert.equal(versionOfFile('flask', 'waitress-3.0.2.tar.gz'), undefined);
  });
});

const sources: PinSources = {
  collector: {
    versions: { recent: '0.155.0', newest: '0.165.1', old: '0.111.0' },
    builds: {
      '0.165.1': { core: 'v0.165.0', contrib: 'v0.165.1', providers: { env: 'v1.71.0' } },
      '0.155.0': { core: 'v0.155.0', contrib: 'v0.155.0', providers: { env: 'v1.61.0' } },
      '0.111.0': { core: 'v0.111.0', contrib: 'v0.111.0', providers: { env: 'v1.17.0' } },
    },
  },
  facts: {
    collector: '0.155.0',
    collectorChart: '0.164.1',
    kubePrometheusStack: '88.5.3',
    flaskInstrumentation: '0.66b1',
    otelSdk: '1.45.0',
    jmeter: '5.6.3',
  },
  prometheus: { version: '3.14.0', module: 'v0.314.0' },
  operator: '0.93.1',
  kube: { kubernetes: 'v1.37.2', etcd: 'v3.7.3', kwok: 'v0.8.0', prometheusOperator: 'v0.85.0' },
  helm: { current: '4.3.1', previous: '3.22.0' },
  jmeter: '5.6.3',
  codeServer: '4.139.1',
  node: '24.9.0',
  moto: '5.2.5',
  requirements:
    '# pinned together\nflask==3.1.3\nopentelemetry-distro==0.66b1  # the distro\nopentelemetry-exporter-otlp==1.45.1\n' +
    'requests>=2\nuvicorn[standard]==0.30.0 ; python_version >= "3.9"\n',
};

describe('npm run facts: the pins it asks about', () => {
  it('reads the == pins of a requirements file, extras and markers aside', () => {
    assert.deepEqual(requirementPins(sources.requirements), [
      { name: 'flask', version: '3.1.3' },
      { name: 'opentelemetry-distro', version: '0.66b1' },
      { name: 'opentelemetry-exporter-otlp', version: '1.45.1' },
      { name: 'uvicorn', version: '0.30.0' },
    ]);
  });

  it('names every pinned part, its registry and where the pin lives', () => {
    const pins = pinsOf(sources);
    const find = (part: string): Pin | undefined => pins.find((p) => p.part.startsWith(part));
    assert.deepEqual(
      pins.filter((p) => p.part.startsWith('collector')).map((p) => `${p.name.split('/').pop() ?? ''}@${p.pinned}`),
      [
        'otlpreceiver@v0.155.0',
        'prometheusexporter@v0.155.0',
        'otlpreceiver@v0.165.0',
        'prometheusexporter@v0.165.1',
        'envprovider@v1.71.0',
        'otlpreceiver@v0.111.0',
        'prometheusexporter@v0.111.0',
        'prometheusexporter@v0.155.0',
      ],
    );
    assert.equal(find('Prometheus')?.name, 'github.com/prometheus/prometheus');
    assert.equal(find('Prometheus')?.pinned, 'v0.314.0');
    assert.equal(find('prometheus-operator')?.pinned, 'v0.93.1');
    assert.equal(find('helm 4')?.name, 'helm.sh/helm/v4');
    assert.equal(find('JMeter')?.name, 'org.apache.jmeter:ApacheJMeter_core');
    assert.equal(find('Node')?.track, 'major');
    for (const p of pins) assert.ok(p.where.length > 5, `${p.part} says where it lives`);
    // The harness's lab-pin and old builds stay behind on purpose; the newest does not.
    assert.ok(find('collector core (harness old')?.heldBack);
    assert.ok(find('collector core (harness recent')?.heldBack);
    assert.equal(find('collector core (harness newest')?.heldBack, undefined);
  });

  it('says where src/core/facts.ts and the requirements file disagree', () => {
    const otlp = pinsOf(sources).find((p) => p.name === 'opentelemetry-exporter-otlp');
    assert.match(otlp?.note ?? '', /facts\.ts says 1\.45\.0: the two disagree/);
  });

  it('names the charts it cannot ask about', () => {
    assert.deepEqual(
      unaskedOf(sources).map((u) => `${u.part} ${u.pinned}`),
      ['kube-prometheus-stack chart 88.5.3', 'opentelemetry-collector chart 0.164.1'],
    );
  });

  it('says so, rather than failing, where the harness pins no Prometheus or operator module', () => {
    const without: PinSources = { ...sources };
    delete without.prometheus;
    delete without.operator;
    assert.equal(
      pinsOf(without).some((p) => p.name === 'github.com/prometheus/prometheus' || p.part === 'prometheus-operator'),
      false,
    );
    assert.deepEqual(
      unaskedOf(without)
        .slice(0, 2)
        .map((u) => `${u.part}: ${u.where}`),
      ['Prometheus: test/harness/prometheus.ts', 'prometheus-operator: test/harness/operator.ts'],
    );
  });
});

describe('npm run facts: the report', () => {
  const pin = (over: Partial<Pin>): Pin => ({
    part: 'flask',
    registry: 'pypi',
    name: 'flask',
    pinned: '3.1.3',
    where: 'templates/app/requirements.txt',
    track: 'any',
    ...over,
  });

  it('judges each pin: moved, held back, current, ahead of the registry, or unanswered', () => {
    assert.equal(judge(pin({}), { versions: ['3.1.3', '3.2.0'] }).verdict, 'moved');
    assert.equal(judge(pin({ heldBack: 'on purpose' }), { versions: ['3.1.3', '3.2.0'] }).verdict, 'held back');
    assert.equal(judge(pin({}), { versions: ['3.1.2', '3.1.3'] }).verdict, 'current');
    assert.equal(judge(pin({}), { versions: ['3.1.2'] }).verdict, 'ahead');
    assert.equal(judge(pin({}), { error: 'no answer' }).verdict, 'unanswered');
    // A Go proxy whose list lacks versions it serves: @latest counts, and a served pin is no cause for alarm.
    const go = pin({ registry: 'go', name: 'example.com/m', pinned: 'v0.93.1' });
    const r = judge(go, { versions: ['v0.85.0'], latest: 'v0.85.0', pinnedServed: true });
    assert.equal(r.verdict, 'current');
    assert.equal(r.unlisted, 'served');
    assert.equal(judge(go, { versions: ['v0.85.0'], latest: 'v0.94.0', pinnedServed: true }).newest, 'v0.94.0');
  });

  it('prints what moved first, pinned → newest with where it lives, then the rest, and the charts not asked', () => {
    const text = reportText({
      date: '2026-12-05',
      registries: { pypi: 'https://pypi.org/simple', go: 'https://proxy.golang.org,direct' },
      results: [
        judge(pin({}), { versions: ['3.1.3'] }),
        judge(pin({ part: 'the distro', name: 'opentelemetry-distro', pinned: '0.66b1' }), {
          versions: ['0.66b1', '0.66b2'],
        }),
        judge(pin({ part: 'moto', name: 'moto', pinned: '5.2.5' }), {
          error: 'https://pypi.org/simple/moto/ answered HTTP 503',
        }),
      ],
      unasked: unaskedOf(sources),
    });
    const moved = text.indexOf('Moved (1)');
    assert.ok(moved > 0 && moved < text.indexOf('Current (1)'), text);
    assert.match(
      text,
      /the distro\s+0\.66b1 → 0\.66b2\n\s+templates\/app\/requirements\.txt; PyPI opentelemetry-distro/,
    );
    assert.match(
      text,
      /Could not ask \(1\):\n {2}moto, pinned 5\.2\.5: https:\/\/pypi\.org\/simple\/moto\/ answered HTTP 503/,
    );
    assert.match(text, /Not asked:\n {2}kube-prometheus-stack chart 88\.5\.3/);
  });
});

describe('npm run facts: registries that do not answer', function () {
  this.timeout(180_000);
  let home = '';

  before(() => {
    home = mkdtempSync(join(tmpdir(), 'obslab-facts-'));
  });

  after(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it('says for each pin which registry did not answer and exits 1, with no stack trace and no credential', async () => {
    const closed = await freePort(); // nothing listens there: a registry that does not answer
    mkdirSync(join(home, '.m2'));
    writeFileSync(
      join(home, '.m2', 'settings.xml'),
      `<settings><mirrors><mirror><id>all</id><mirrorOf>*</mirrorOf><url>http://127.0.0.1:${closed}/maven2</url></mirror></mirrors></settings>`,
    );
    const env = {
      ...process.env,
      HOME: home,
      GOPROXY: `http://127.0.0.1:${closed}`,
      GONOSUMDB: '*',
      GOMODCACHE: join(home, 'gomod'),
      GOCACHE: join(home, 'gocache'),
      PIP_INDEX_URL: `http://reader:s3cret-token@127.0.0.1:${closed}/simple`,
      npm_config_registry: `http://127.0.0.1:${closed}/`,
      npm_config_fetch_retries: '0',
    };
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const child = execFile(
          process.execPath,
          ['--require', 'tsx/cjs', join(repoRoot, 'scripts', 'facts.ts')],
          { cwd: repoRoot, env, timeout: 170_000, maxBuffer: 8 * 1024 * 1024 },
          (_err, out, err) => resolve({ code: child.exitCode, stdout: String(out), stderr: String(err) }),
        );
      },
    );
    assert.equal(code, 1, `${stdout}\n${stderr}`);
    assert.doesNotMatch(stdout + stderr, /s3cret-token|reader:/, 'the index credentials are never printed');
    assert.doesNotMatch(stdout + stderr, /\n\s+at .+\(.+:\d+:\d+\)/, 'no stack trace');
    assert.match(stdout, /PyPI: http:\/\/\*\*\*@127\.0\.0\.1:\d+\/simple/);
    assert.match(stdout, new RegExp(`Maven: http://127\\.0\\.0\\.1:${closed}/maven2`));
    const could = stdout.slice(stdout.indexOf('Could not ask'));
    const line = (start: string): string => could.split('\n').find((l) => l.startsWith(`  ${start}, pinned `)) ?? '';
    assert.ok(
      line('JMeter').includes(`pinned ${JMETER_VERSION}: http://127.0.0.1:${closed}/maven2/org/apache/jmeter/`),
    );
    assert.match(line('JMeter'), /could not be reached \(ECONNREFUSED\)/);
    assert.match(
      line("the app's flask"),
      new RegExp(`http://\\*\\*\\*@127\\.0\\.0\\.1:${closed}/simple/flask/ could not be reached`),
    );
    assert.ok(line('kwok').includes(`pinned ${kubeVersions.kwok}: go list -m -versions sigs.k8s.io/kwok: `));
    assert.match(line('kwok'), /connection refused/);
    assert.ok(line('code-server').includes(`pinned ${CODE_SERVER_VERSION}: npm view code-server versions: `));
    assert.match(line('code-server'), /ECONNREFUSED/);
    assert.match(stdout, /Moved: nothing/);
  });
});
