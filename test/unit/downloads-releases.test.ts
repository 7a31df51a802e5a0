// The release archives the sandbox downloads, named as the projects' release tooling names them.
// Checked on 2026-12-05 against:
// - open-telemetry/opentelemetry-collector-releases, tag v0.155.0,
//   distributions/otelcol-contrib/.goreleaser.yaml:
//     archives: name_template: '{{ .Binary }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}{{ if .Arm }}v{{ .Arm }}{{ end }}…'
//       (no `formats`, so goreleaser's default tar.gz on every OS; no wrap_in_directory: the binary at the root)
//     builds: otelcol-contrib-linux/-darwin/-windows (goarch amd64 and arm64 among them), binary: otelcol-contrib(.exe)
//     checksum: name_template: '{{ .ProjectName }}_otelcol-contrib{{ if eq .Runtime.Goos "windows" }}_{{ .Runtime.Goos }}{{ end }}_checksums.txt'
//       (project_name: opentelemetry-collector-releases; Windows is released by its own goreleaser run on a Windows runner, PR #1086, v0.132.0)
//   and from tag v0.158.0 `checksum: split: true` (PR #1582): goreleaser writes '{{ .ArtifactName }}.{{ .Algorithm }}'
//   holding only the digest (goreleaser internal/pipe/checksums: os.WriteFile(path, []byte(check))).
// - prometheus/prometheus tag v3.14.0 .promu.yml (crossbuild platforms linux, darwin, windows…; tarball files
//   documentation/examples/prometheus.yml, LICENSE, NOTICE; binaries prometheus and promtool), built with promu v0.20.0
//   (Makefile.common PROMU_VERSION): cmd/tarball.go names '%s-%s.%s-%s' (name, version, goos, goarch) + '.tar.gz'
//   around a folder of that name, '.exe' on windows, plus a .zip for windows; cmd/crossbuild.go's default platforms
//   include {linux,darwin,windows}/{amd64,arm64}; cmd/checksum.go writes 'sha256sums.txt' as '%x  %s\n'.
import { strict as assert } from 'node:assert';
import { versions } from '../../src/core/facts';
import {
  collectorAsset,
  prometheusAsset,
  prometheusRelease,
  releaseTarget,
  unsupportedTargetText,
  type ReleaseTarget,
} from '../../src/core/downloads/releases';

const pairs: [string, string, ReleaseTarget][] = [
  ['linux', 'x64', { os: 'linux', arch: 'amd64' }],
  ['linux', 'arm64', { os: 'linux', arch: 'arm64' }],
  ['darwin', 'x64', { os: 'darwin', arch: 'amd64' }],
  ['darwin', 'arm64', { os: 'darwin', arch: 'arm64' }],
  ['win32', 'x64', { os: 'windows', arch: 'amd64' }],
  ['win32', 'arm64', { os: 'windows', arch: 'arm64' }],
];

describe('release targets', () => {
  it("maps Node's platform and arch to the releases' OS and architecture for every pair we download for", () => {
    for (const [platform, arch, target] of pairs) assert.deepEqual(releaseTarget(platform, arch), target);
  });

  it('has no target for a platform or architecture without official archives of both parts', () => {
    assert.equal(releaseTarget('linux', 'ia32'), undefined);
    assert.equal(releaseTarget('freebsd', 'x64'), undefined);
    assert.equal(releaseTarget('aix', 'ppc64'), undefined);
    assert.match(
      unsupportedTargetText('freebsd', 'x64', 'prometheus', '--prometheus-bin PATH'),
      /no official prometheus download for freebsd\/x64 .*install prometheus yourself and put it on PATH or --prometheus-bin PATH/,
    );
  });
});

describe('the collector release archive (otelcol-contrib 0.155.0)', () => {
  const expected: Record<string, { archive: string; sums: string; binary: string }> = {
    'linux/amd64': {
      archive: 'otelcol-contrib_0.155.0_linux_amd64.tar.gz',
      sums: 'opentelemetry-collector-releases_otelcol-contrib_checksums.txt',
      binary: 'otelcol-contrib',
    },
    'linux/arm64': {
      archive: 'otelcol-contrib_0.155.0_linux_arm64.tar.gz',
      sums: 'opentelemetry-collector-releases_otelcol-contrib_checksums.txt',
      binary: 'otelcol-contrib',
    },
    'darwin/amd64': {
      archive: 'otelcol-contrib_0.155.0_darwin_amd64.tar.gz',
      sums: 'opentelemetry-collector-releases_otelcol-contrib_checksums.txt',
      binary: 'otelcol-contrib',
    },
    'darwin/arm64': {
      archive: 'otelcol-contrib_0.155.0_darwin_arm64.tar.gz',
      sums: 'opentelemetry-collector-releases_otelcol-contrib_checksums.txt',
      binary: 'otelcol-contrib',
    },
    'windows/amd64': {
      archive: 'otelcol-contrib_0.155.0_windows_amd64.tar.gz',
      sums: 'opentelemetry-collector-releases_otelcol-contrib_windows_checksums.txt',
      binary: 'otelcol-contrib.exe',
    },
    'windows/arm64': {
      archive: 'otelcol-contrib_0.155.0_windows_arm64.tar.gz',
      sums: 'opentelemetry-collector-releases_otelcol-contrib_windows_checksums.txt',
      binary: 'otelcol-contrib.exe',
    },
  };

  it('is named <binary>_<version>_<os>_<arch>.tar.gz in release v<version> of opentelemetry-collector-releases, for every OS and arch', () => {
    for (const [, , target] of pairs) {
      const a = collectorAsset('0.155.0', target);
      const e = expected[`${target.os}/${target.arch}`];
      assert.ok(e);
      assert.deepEqual(
        [a.owner, a.repo, a.tag, a.archive, a.checksums, a.binaryInArchive],
        [
          'open-telemetry',
          'opentelemetry-collector-releases',
          'v0.155.0',
          e.archive,
          { file: e.sums, format: 'list' },
          e.binary,
        ],
      );
    }
  });

  it('is the version the lab pins', () => {
    const a = collectorAsset(versions.collector, { os: 'linux', arch: 'amd64' });
    assert.equal(a.archive, `otelcol-contrib_${versions.collector}_linux_amd64.tar.gz`);
    assert.equal(a.title, `otelcol-contrib ${versions.collector}`);
  });

  it('reads one checksums file for every OS before Windows had its own run (v0.131.0)', () => {
    assert.equal(
      collectorAsset('0.131.0', { os: 'windows', arch: 'amd64' }).checksums.file,
      'opentelemetry-collector-releases_otelcol-contrib_checksums.txt',
    );
  });

  it('reads the per-archive .sha256 from v0.158.0 on, when the releases split their checksums', () => {
    for (const target of pairs.map((p) => p[2])) {
      const a = collectorAsset('0.158.0', target);
      assert.deepEqual(a.checksums, { file: `${a.archive}.sha256`, format: 'single' });
    }
    assert.equal(collectorAsset('0.157.0', { os: 'linux', arch: 'arm64' }).checksums.format, 'list');
    assert.equal(collectorAsset('0.165.1', { os: 'darwin', arch: 'arm64' }).checksums.format, 'single');
  });

  it('installs each version and target in a folder of its own', () => {
    assert.equal(
      collectorAsset('0.155.0', { os: 'darwin', arch: 'arm64' }).installFolder,
      'otelcol-contrib-0.155.0-darwin-arm64',
    );
  });
});

describe('the Prometheus release archive (3.14.0)', () => {
  it('is pinned at 3.14.0, what kube-prometheus-stack 88.5.3 runs', () => {
    assert.equal(prometheusRelease, '3.14.0');
  });

  it('is prometheus-<version>.<os>-<arch>.tar.gz around a folder of the same name, with sha256sums.txt, for every OS and arch', () => {
    const names = pairs.map(([, , t]) => {
      const a = prometheusAsset('3.14.0', t);
      assert.deepEqual(
        [a.owner, a.repo, a.tag, a.checksums],
        ['prometheus', 'prometheus', 'v3.14.0', { file: 'sha256sums.txt', format: 'list' }],
      );
      return [a.archive, a.binaryInArchive];
    });
    assert.deepEqual(names, [
      ['prometheus-3.14.0.linux-amd64.tar.gz', 'prometheus-3.14.0.linux-amd64/prometheus'],
      ['prometheus-3.14.0.linux-arm64.tar.gz', 'prometheus-3.14.0.linux-arm64/prometheus'],
      ['prometheus-3.14.0.darwin-amd64.tar.gz', 'prometheus-3.14.0.darwin-amd64/prometheus'],
      ['prometheus-3.14.0.darwin-arm64.tar.gz', 'prometheus-3.14.0.darwin-arm64/prometheus'],
      // promu makes a .zip for Windows besides the .tar.gz; we take the .tar.gz everywhere.
      ['prometheus-3.14.0.windows-amd64.tar.gz', 'prometheus-3.14.0.windows-amd64/prometheus.exe'],
      ['prometheus-3.14.0.windows-arm64.tar.gz', 'prometheus-3.14.0.windows-arm64/prometheus.exe'],
    ]);
  });
});
