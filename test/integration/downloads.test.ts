// The sandbox's downloader against a real release mirror (test/harness/mirror.ts: archives packed
// from the collector and Prometheus the harness builds, laid out as the official releases are):
// a verified install that runs, nothing fetched the second time, a corrupted archive refused with
// both checksums named and nothing left, a cancelled download leaving nothing, a broken download
// resumed with a Range request, and the way through an HTTP proxy (absolute form for http, a
// CONNECT tunnel for https, the editor's strict-SSL setting, proxy credentials never shown).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { versions } from '../../src/core/facts';
import {
  collectorAsset,
  prometheusAsset,
  prometheusRelease,
  releaseTarget,
  type ReleaseAsset,
} from '../../src/core/downloads/releases';
import {
  DownloadError,
  installRelease,
  type DownloadProgress,
  type InstallOptions,
} from '../../src/node/downloads/installRelease';
import { installCollector } from '../harness/otelcol';
import { prometheusBinary, prometheusPart } from '../harness/prometheus';
import { startMirror, type RunningMirror } from '../harness/mirror';
import { startHttpProxy, type RunningProxy } from '../support/httpProxy';

const target = releaseTarget(process.platform, process.arch);

/** What is left in a parts folder besides installed parts: temporary files, locks, half-unpacked folders. */
function leftovers(root: string): string[] {
  return existsSync(root) ? readdirSync(root).filter((n) => n.startsWith('.')) : [];
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('downloading the sandbox parts from a release mirror', function () {
  this.timeout(20 * 60_000);
  let mirror: RunningMirror;
  let dir: string;
  let collector: ReleaseAsset;
  let prometheus: ReleaseAsset;
  let collectorBuilt: string;
  let prometheusBuilt: string;

  const options = (root: string, extra: Partial<InstallOptions> = {}): InstallOptions => ({
    root,
    mirror: mirror.url,
    network: { env: {} },
    ...extra,
  });

  before(async function () {
    this.timeout(60 * 60_000);
    assert.ok(target, `this machine (${process.platform}/${process.arch}) has official archives`);
    collectorBuilt = await installCollector(versions.collector);
    await prometheusPart.install();
    prometheusBuilt = prometheusBinary();
    collector = collectorAsset(versions.collector, target);
    prometheus = prometheusAsset(prometheusRelease, target);
    mirror = await startMirror({
      collectorBinary: collectorBuilt,
      prometheusBinary: prometheusBuilt,
      collectorVersion: versions.collector,
      prometheusVersion: prometheusRelease,
    });
    dir = mkdtempSync(join(tmpdir(), 'obslab-downloads-'));
  });

  after(async () => {
    await mirror?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    mirror.mode = 'good';
  });

  it('names the archives and checksum files as the mirror, packed from the release configurations, does', () => {
    const served = mirror.files.map((f) => f.urlPath);
    for (const a of [collector, prometheus]) {
      const base = `/${a.owner}/${a.repo}/releases/download/${a.tag}`;
      assert.ok(served.includes(`${base}/${a.archive}`), `${a.archive} in ${served.join(', ')}`);
      assert.ok(served.includes(`${base}/${a.checksums.file}`), `${a.checksums.file} in ${served.join(', ')}`);
    }
  });

  it('installs both parts, each verified against its published sha256, and they run', async () => {
    const root = join(dir, 'good');
    const phases: string[] = [];
    const onProgress = (p: DownloadProgress): void => {
      if (phases.at(-1) !== p.phase) phases.push(p.phase);
    };
    const col = await installRelease(collector, options(root, { onProgress }));
    assert.equal(col.downloaded, true);
    assert.deepEqual(phases, ['checksums', 'download', 'verify', 'extract', 'installed']);
    const prom = await installRelease(prometheus, options(root));
    assert.equal(col.binary, join(root, collector.installFolder, 'otelcol-contrib'));
    assert.equal(
      prom.binary,
      join(
        root,
        prometheus.installFolder,
        `prometheus-${prometheusRelease}.${target?.os}-${target?.arch}`,
        'prometheus',
      ),
    );
    // The very programs the harness built, byte for byte, executable.
    assert.deepEqual(readFileSync(col.binary), readFileSync(collectorBuilt));
    assert.deepEqual(readFileSync(prom.binary), readFileSync(prometheusBuilt));
    assert.equal(statSync(col.binary).mode & 0o111, 0o111);
    assert.match(
      execFileSync(col.binary, ['--version'], { encoding: 'utf8' }),
      new RegExp(`version ${versions.collector.replace(/\./g, '\\.')}`),
    );
    assert.match(execFileSync(prom.binary, ['--version'], { encoding: 'utf8' }), /^prometheus, version /);
    assert.equal(col.sha256, mirror.files.find((f) => f.name === collector.archive)?.sha256);
    assert.deepEqual(leftovers(root), []);
    assert.deepEqual(
      mirror.archiveRequests().map((r) => r.status),
      [302, 200, 302, 200],
      'each archive fetched once, through the redirect',
    );
  });

  it('downloads nothing the second time', async () => {
    const root = join(dir, 'good');
    const before = mirror.requests.length;
    const again = await installRelease(collector, options(root));
    const prom = await installRelease(prometheus, options(root));
    assert.equal(again.downloaded, false);
    assert.equal(prom.downloaded, false);
    assert.equal(mirror.requests.length, before, 'no request reached the mirror');
  });

  it('refuses a corrupted archive, naming it and both checksums, and leaves nothing installed', async () => {
    const root = join(dir, 'corrupt');
    mirror.mode = 'corrupt';
    const served = mirror.files.find((f) => f.name === prometheus.archive);
    assert.ok(served);
    const bytes = readFileSync(served.file);
    const bad = Buffer.from(bytes);
    for (let i = Math.floor(bad.length * 0.4); i < Math.min(bad.length, Math.floor(bad.length * 0.4) + 4096); i++)
      bad[i] = (bad[i] ?? 0) ^ 0xff;
    await assert.rejects(installRelease(prometheus, options(root)), (e: unknown) => {
      assert.ok(e instanceof DownloadError);
      assert.equal(e.kind, 'checksum');
      assert.equal(
        e.message,
        `${prometheus.archive} does not match its published checksum: sha256sums.txt says sha256 ${served.sha256}, ` +
          `the downloaded file has ${sha256(bad)}. The file was deleted and nothing was installed`,
      );
      return true;
    });
    assert.deepEqual(readdirSync(root), [], 'no part, no temporary file, no lock');
  });

  it('leaves nothing when the download is cancelled halfway', async () => {
    const root = join(dir, 'cancel');
    mirror.mode = 'slow';
    const abort = new AbortController();
    let seen = 0;
    await assert.rejects(
      installRelease(
        collector,
        options(root, {
          signal: abort.signal,
          onProgress: (p) => {
            seen = p.received;
            if (p.phase === 'download' && p.total && p.received > p.total / 4) abort.abort();
          },
        }),
      ),
      (e: unknown) => {
        assert.ok(e instanceof DownloadError);
        assert.equal(e.kind, 'cancelled');
        assert.equal(e.message, `the download of ${collector.archive} was cancelled; nothing was installed`);
        return true;
      },
    );
    assert.ok(seen > 0, 'it was cancelled in the middle of the download');
    assert.deepEqual(readdirSync(root), []);
  });

  it('continues a download cut short with a Range request, and verifies the whole', async () => {
    const root = join(dir, 'resume');
    mirror.mode = 'cut-once';
    const first = await installRelease(prometheus, options(root)).then(
      () => assert.fail('a download cut at 40% succeeded'),
      (e: unknown) => e,
    );
    assert.ok(first instanceof DownloadError);
    assert.equal(first.kind, 'network');
    assert.match(
      first.message,
      /^the download of .* from 127\.0\.0\.1:\d+ stopped after [\d.]+ MB of [\d.]+ MB \(.*\); starting again continues where it stopped$/,
    );
    const partial = join(root, `.${prometheus.archive}.partial`);
    const kept = statSync(partial).size;
    assert.ok(kept > 0, 'what was fetched is kept for the next attempt');
    let resumedFrom: number | undefined;
    const got = await installRelease(prometheus, options(root, { onProgress: (p) => (resumedFrom ??= p.resumedFrom) }));
    assert.equal(got.downloaded, true);
    assert.equal(resumedFrom, kept);
    assert.equal(mirror.archiveRequests().at(-1)?.range, `bytes=${kept}-`);
    assert.equal(mirror.archiveRequests().at(-1)?.status, 206);
    assert.deepEqual(readFileSync(got.binary), readFileSync(prometheusBuilt));
    assert.deepEqual(leftovers(root), []);
  });

  it('says which file the mirror does not have', async () => {
    const missing = { ...prometheus, version: '9.9.9', tag: 'v9.9.9', archive: 'prometheus-9.9.9.linux-amd64.tar.gz' };
    await assert.rejects(installRelease(missing, options(join(dir, 'missing'))), (e: unknown) => {
      assert.ok(e instanceof DownloadError);
      assert.equal(
        e.message,
        `${mirror.url}/prometheus/prometheus/releases/download/v9.9.9/sha256sums.txt does not exist (HTTP 404), so prometheus-9.9.9.linux-amd64.tar.gz cannot be verified`,
      );
      return true;
    });
  });

  describe('through an HTTP proxy', () => {
    let proxy: RunningProxy;
    let tlsMirror: RunningMirror;
    const host = 'releases.obslab.test';

    before(async function () {
      this.timeout(120_000);
      proxy = await startHttpProxy({ hosts: { [host]: '127.0.0.1' } });
      // A certificate for the name only the proxy resolves; openssl, as a mirror's admin would make it.
      const key = join(dir, 'mirror.key');
      const cert = join(dir, 'mirror.crt');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          `/CN=${host}`,
          '-addext',
          `subjectAltName=DNS:${host}`,
        ],
        { stdio: 'ignore' },
      );
      tlsMirror = await startMirror({
        collectorBinary: collectorBuilt,
        prometheusBinary: prometheusBuilt,
        collectorVersion: versions.collector,
        prometheusVersion: prometheusRelease,
        tls: { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') },
      });
    });

    after(async () => {
      await proxy?.stop();
      await tlsMirror?.stop();
    });

    it('fetches an http mirror through $HTTP_PROXY in absolute form (the mirror host resolves only at the proxy)', async () => {
      const root = join(dir, 'proxy-http');
      const port = new URL(mirror.url).port;
      const got = await installRelease(prometheus, {
        root,
        mirror: `http://${host}:${port}`,
        network: { env: { HTTP_PROXY: proxy.url } },
      });
      assert.equal(got.downloaded, true);
      assert.deepEqual(
        proxy.seen.map((s) => `${s.method} ${s.target.replace(/\/_objects\/[0-9a-f]+\//, '/_objects/<sha>/')}`),
        [
          `GET http://${host}:${port}/prometheus/prometheus/releases/download/v${prometheusRelease}/sha256sums.txt`,
          `GET http://${host}:${port}/_objects/<sha>/sha256sums.txt`,
          `GET http://${host}:${port}/prometheus/prometheus/releases/download/v${prometheusRelease}/${prometheus.archive}`,
          `GET http://${host}:${port}/_objects/<sha>/${prometheus.archive}`,
        ],
      );
    });

    it("tunnels https through the editor's http.proxy with CONNECT, refusing an untrusted certificate unless http.proxyStrictSSL is off", async () => {
      const port = new URL(tlsMirror.url).port;
      const https = `https://${host}:${port}`;
      proxy.seen.length = 0;
      await assert.rejects(
        installRelease(prometheus, {
          root: join(dir, 'proxy-strict'),
          mirror: https,
          network: { proxy: proxy.url, env: {} },
        }),
        (e: unknown) => {
          assert.ok(e instanceof DownloadError);
          assert.match(
            e.message,
            /could not fetch the checksums https:\/\/releases\.obslab\.test:\d+\/.*: could not download from releases\.obslab\.test:\d+ through the proxy http:\/\/127\.0\.0\.1:\d+: its TLS certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
          );
          return true;
        },
      );
      assert.deepEqual(readdirSync(join(dir, 'proxy-strict')), []);
      const got = await installRelease(prometheus, {
        root: join(dir, 'proxy-tls'),
        mirror: https,
        network: { proxy: proxy.url, strictSSL: false, env: { HTTPS_PROXY: 'http://127.0.0.1:9' } },
      });
      assert.equal(got.downloaded, true);
      assert.ok(
        proxy.seen.length >= 4 && proxy.seen.every((s) => s.method === 'CONNECT' && s.target === `${host}:${port}`),
        JSON.stringify(proxy.seen),
      );
    });

    it('sends proxy credentials from the proxy URL, says when they are missing, and never prints them', async () => {
      const locked = await startHttpProxy({ hosts: { [host]: '127.0.0.1' }, requireAuth: 'student:s3cret' });
      try {
        const port = new URL(tlsMirror.url).port;
        const https = `https://${host}:${port}`;
        await assert.rejects(
          installRelease(prometheus, {
            root: join(dir, 'proxy-noauth'),
            mirror: https,
            network: { env: { HTTPS_PROXY: locked.url } },
          }),
          (e: unknown) => {
            assert.ok(e instanceof DownloadError);
            assert.match(
              e.message,
              /the proxy http:\/\/127\.0\.0\.1:\d+ refused to connect to releases\.obslab\.test:\d+ \(HTTP 407: it wants credentials, as http:\/\/user:password@host:port\)/,
            );
            return true;
          },
        );
        const withAuth = `http://student:s3cret@127.0.0.1:${locked.port}`;
        const wrong = await installRelease(prometheus, {
          root: join(dir, 'proxy-auth'),
          mirror: 'https://127.0.0.1:9',
          network: { env: { HTTPS_PROXY: withAuth } },
        }).catch((e: unknown) => e);
        assert.ok(wrong instanceof DownloadError);
        assert.doesNotMatch(wrong.message, /s3cret|student/);
        const got = await installRelease(prometheus, {
          root: join(dir, 'proxy-auth'),
          mirror: https,
          network: { env: { HTTPS_PROXY: withAuth }, strictSSL: false },
        });
        assert.equal(got.downloaded, true);
        assert.ok(locked.seen.some((s) => s.auth === `Basic ${Buffer.from('student:s3cret').toString('base64')}`));
      } finally {
        await locked.stop();
      }
    });
  });
});
