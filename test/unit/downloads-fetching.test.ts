// What a download is checked against and where it goes: the published checksum files as
// goreleaser and promu write them, the mirror's URL layout, the proxy each URL goes through,
// the progress line, and the per-user folder the command line installs into.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { expectedSha256, parseChecksumList } from '../../src/core/downloads/checksums';
import { githubBase, mirrorBase, releaseFileUrl } from '../../src/core/downloads/mirror';
import { downloadPercent, downloadProgressText } from '../../src/core/downloads/progressText';
import { bypassesProxy, chooseProxy, proxyLabel } from '../../src/core/downloads/proxy';
import { partsDir, userDataDir } from '../../src/node/downloads/dataDir';

const a = 'a'.repeat(64);
const b = 'B'.repeat(64);

describe('published checksums', () => {
  it("reads goreleaser's and promu's '<sha256>  <file>' lines and sha256sum's binary-mode '*'", () => {
    const list = parseChecksumList(
      `${a}  otelcol-contrib_0.155.0_linux_amd64.tar.gz\r\n\n${b} *prometheus-3.14.0.linux-amd64.tar.gz\n`,
    );
    assert.deepEqual(
      [...list.entries],
      [
        ['otelcol-contrib_0.155.0_linux_amd64.tar.gz', a],
        ['prometheus-3.14.0.linux-amd64.tar.gz', 'b'.repeat(64)],
      ],
    );
    assert.deepEqual(list.badLines, []);
  });

  it('names the lines that are not checksum lines', () => {
    assert.deepEqual(parseChecksumList(`${a}  x.tar.gz\nnot a checksum\n${a.slice(1)}  y\n`).badLines, [2, 3]);
  });

  it('finds the archive in a list, or says the list does not name it', () => {
    const text = `${a}  one.tar.gz\n${b}  two.tar.gz\n`;
    assert.deepEqual(expectedSha256(text, 'list', 'two.tar.gz', 'sha256sums.txt'), { sha256: 'b'.repeat(64) });
    assert.deepEqual(expectedSha256(text, 'list', 'three.tar.gz', 'sha256sums.txt'), {
      problem: 'sha256sums.txt lists no checksum for three.tar.gz',
    });
    assert.deepEqual(expectedSha256('<html>rate limited</html>', 'list', 'one.tar.gz', 'sha256sums.txt'), {
      problem: 'sha256sums.txt holds no checksum lines',
    });
  });

  it("reads goreleaser's split file, which holds only the digest", () => {
    assert.deepEqual(expectedSha256(a, 'single', 'x.tar.gz', 'x.tar.gz.sha256'), { sha256: a });
    assert.deepEqual(expectedSha256(`${a}  x.tar.gz\n`, 'single', 'x.tar.gz', 'x.tar.gz.sha256'), { sha256: a });
    assert.deepEqual(expectedSha256('Not Found', 'single', 'x.tar.gz', 'x.tar.gz.sha256'), {
      problem: 'x.tar.gz.sha256 does not hold a sha256 digest',
    });
  });
});

describe('the download mirror', () => {
  it('is GitHub when the setting is empty', () => {
    assert.deepEqual(mirrorBase('', 'obslab.downloads.mirror'), { base: githubBase });
    assert.deepEqual(mirrorBase(undefined, '--mirror'), { base: 'https://github.com' });
  });

  it('keeps the path of a mirror and drops trailing slashes', () => {
    assert.deepEqual(mirrorBase(' https://mirror.example.edu/github/ ', 'x'), {
      base: 'https://mirror.example.edu/github',
    });
    assert.deepEqual(mirrorBase('http://127.0.0.1:8080', 'x'), { base: 'http://127.0.0.1:8080' });
  });

  it('refuses what is not an http(s) base URL, naming the setting', () => {
    assert.match(
      String(Object.values(mirrorBase('mirror.example.edu', 'obslab.downloads.mirror'))[0]),
      /^obslab\.downloads\.mirror is not a URL/,
    );
    assert.deepEqual(mirrorBase('ftp://x', '--mirror'), { problem: '--mirror must be an http or https URL, not ftp' });
    assert.match(String(Object.values(mirrorBase('https://x/?a=1', 'm'))[0]), /without \?query/);
    assert.match(String(Object.values(mirrorBase('https://u:p@x/', 'm'))[0]), /must not carry a user name or password/);
  });

  it("builds GitHub's release download URL under the base, each segment encoded", () => {
    assert.equal(
      releaseFileUrl(githubBase, 'prometheus', 'prometheus', 'v3.14.0', 'sha256sums.txt'),
      'https://github.com/prometheus/prometheus/releases/download/v3.14.0/sha256sums.txt',
    );
    assert.equal(
      releaseFileUrl(
        'http://127.0.0.1:9/m/',
        'open-telemetry',
        'opentelemetry-collector-releases',
        'v0.155.0',
        'a b#.tar.gz',
      ),
      'http://127.0.0.1:9/m/open-telemetry/opentelemetry-collector-releases/releases/download/v0.155.0/a%20b%23.tar.gz',
    );
  });
});

describe('the proxy a download goes through', () => {
  const gh = new URL('https://github.com/x');
  const plain = new URL('http://mirror.lan:8080/x');

  it("uses the editor's http.proxy first, whatever the environment says", () => {
    const c = chooseProxy(gh, { proxy: 'http://proxy.school:3128', env: { HTTPS_PROXY: 'http://other:1' } });
    assert.ok('proxy' in c && c.proxy);
    assert.equal(c.proxy.href, 'http://proxy.school:3128/');
    assert.equal(c.from, 'http.proxy');
  });

  it('uses HTTPS_PROXY (then HTTP_PROXY) for https and HTTP_PROXY for http, in either case', () => {
    const pick = (url: URL, env: Record<string, string>): string => {
      const c = chooseProxy(url, { env });
      return 'proxy' in c && c.proxy ? `${c.from} ${c.proxy.host}` : 'from' in c ? c.from : c.problem;
    };
    assert.equal(pick(gh, { https_proxy: 'p1:3128', HTTP_PROXY: 'p2:3128' }), '$HTTPS_PROXY p1:3128');
    assert.equal(pick(gh, { HTTP_PROXY: 'http://p2:3128' }), '$HTTP_PROXY p2:3128');
    assert.equal(pick(plain, { HTTPS_PROXY: 'http://p1:3128' }), 'direct');
    assert.equal(pick(plain, { http_proxy: 'http://p2:3128' }), '$HTTP_PROXY p2:3128');
    assert.equal(pick(gh, {}), 'direct');
  });

  it('goes direct to hosts in NO_PROXY or http.noProxy: *, exact hosts, domains with or without a dot, host:port', () => {
    assert.equal(bypassesProxy('github.com', '443', ['*']), true);
    assert.equal(bypassesProxy('github.com', '443', ['github.com']), true);
    assert.equal(bypassesProxy('objects.githubusercontent.com', '443', ['.githubusercontent.com']), true);
    assert.equal(bypassesProxy('objects.githubusercontent.com', '443', ['githubusercontent.com']), true);
    assert.equal(bypassesProxy('notgithub.com', '443', ['github.com']), false);
    assert.equal(bypassesProxy('mirror.lan', '8080', ['mirror.lan:8080']), true);
    assert.equal(bypassesProxy('mirror.lan', '80', ['mirror.lan:8080']), false);
    assert.equal(bypassesProxy('127.0.0.1', '80', ['localhost', '127.0.0.1']), true);
    const c = chooseProxy(gh, { noProxy: ['github.com'], proxy: 'http://p:1', env: {} });
    assert.deepEqual(c, { from: 'no proxy list' });
    assert.deepEqual(chooseProxy(gh, { env: { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'example.org, github.com' } }), {
      from: 'no proxy list',
    });
  });

  it('names a proxy value it cannot use, and never shows credentials', () => {
    assert.deepEqual(chooseProxy(gh, { proxy: 'socks5://p:1080', env: {} }), {
      problem: 'http.proxy uses socks5; only http and https proxies are supported',
    });
    const c = chooseProxy(gh, { env: { HTTPS_PROXY: 'http://student:s3cret@proxy:3128' } });
    assert.ok('proxy' in c && c.proxy);
    assert.equal(c.proxy.password, 's3cret');
    assert.equal(proxyLabel(c.proxy), 'http://proxy:3128');
  });
});

describe('download progress', () => {
  const base = {
    archive: 'prometheus-3.14.0.linux-amd64.tar.gz',
    title: 'Prometheus 3.14.0',
    url: 'https://github.com/p',
  };

  it('says what is fetched, from which host and through which proxy, and how far along', () => {
    assert.equal(
      downloadProgressText({
        ...base,
        phase: 'download',
        received: 10 * 1048576,
        total: 40 * 1048576,
        via: 'http://proxy:3128',
      }),
      'downloading prometheus-3.14.0.linux-amd64.tar.gz from github.com through the proxy http://proxy:3128: 10.0 MB of 40.0 MB (25%)',
    );
    assert.equal(
      downloadProgressText({
        ...base,
        phase: 'download',
        received: 30 * 1048576,
        total: 40 * 1048576,
        resumedFrom: 20 * 1048576,
      }),
      'downloading prometheus-3.14.0.linux-amd64.tar.gz from github.com: 30.0 MB of 40.0 MB (75%), continuing after 20.0 MB',
    );
    assert.equal(
      downloadProgressText({ ...base, phase: 'verify', received: 0 }),
      'verifying prometheus-3.14.0.linux-amd64.tar.gz against its published sha256',
    );
    assert.equal(downloadPercent({ received: 5, total: undefined }), undefined);
    assert.equal(downloadPercent({ received: 50, total: 40 }), 100);
  });
});

describe("the command line's data folder", () => {
  it('follows each OS: XDG_DATA_HOME or ~/.local/share, ~/Library/Application Support, %LOCALAPPDATA%', () => {
    assert.equal(userDataDir({}, 'linux', '/home/s'), '/home/s/.local/share/obslab');
    assert.equal(userDataDir({ XDG_DATA_HOME: '/data/s' }, 'linux', '/home/s'), '/data/s/obslab');
    assert.equal(userDataDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/s'), '/home/s/.local/share/obslab');
    assert.equal(userDataDir({}, 'darwin', '/Users/s'), '/Users/s/Library/Application Support/obslab');
    assert.equal(
      userDataDir({ LOCALAPPDATA: 'C:/Users/s/AppData/Local' }, 'win32', 'C:/Users/s'),
      join('C:/Users/s/AppData/Local', 'obslab'),
    );
    assert.equal(partsDir('/home/s/.local/share/obslab'), '/home/s/.local/share/obslab/parts');
  });
});
