// Which official release archive holds each sandbox part for this machine, named as the projects'
// release tooling names it, so the sandbox can fetch a collector and a Prometheus on a machine
// that has neither. Checked on 2026-12-05 against the release configurations themselves:
// - the collector: open-telemetry/opentelemetry-collector-releases,
//   distributions/otelcol-contrib/.goreleaser.yaml at tag v0.155.0 (archive name_template
//   '{{ .Binary }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}…', goreleaser's default tar.gz on every OS,
//   the binary at the archive's root; checksum name_template
//   '{{ .ProjectName }}_otelcol-contrib{{ if eq .Runtime.Goos "windows" }}_windows{{ end }}_checksums.txt',
//   Windows being released by a run of its own since v0.132.0, PR #1086); from v0.158.0
//   `checksum: split: true` (PR #1582), one '<archive>.sha256' per archive holding only the digest.
// - Prometheus: prometheus/prometheus .promu.yml at v3.14.0 and promu v0.20.0 cmd/tarball.go
//   ('<name>-<version>.<os>-<arch>.tar.gz' around a folder of the same name; Windows gets a .zip
//   besides the .tar.gz) and cmd/checksum.go ('sha256sums.txt', lines '<sha256>  <file>').
// Both publish a .tar.gz for Windows too, so one extractor serves every OS.
import { t } from '../text/l10n';

/** The Prometheus release the sandbox downloads: what kube-prometheus-stack 88.5.3 runs. */
export const prometheusRelease = '3.14.0';

export type ReleaseOs = 'linux' | 'darwin' | 'windows';
export type ReleaseArch = 'amd64' | 'arm64';

/** An OS and architecture both projects publish archives for, in Go's words. */
export interface ReleaseTarget {
  os: ReleaseOs;
  arch: ReleaseArch;
}

export type SandboxPartId = 'collector' | 'prometheus';

export interface ReleaseAsset {
  part: SandboxPartId;
  /** What the student would call it: "otelcol-contrib 0.155.0". */
  title: string;
  version: string;
  owner: string;
  repo: string;
  tag: string;
  /** The archive's file name on the release page. */
  archive: string;
  /** The file with its checksum; `list` holds "<sha256>  <file>" lines, `single` only the digest. */
  checksums: { file: string; format: 'list' | 'single' };
  /** Where the program is inside the archive (forward slashes). */
  binaryInArchive: string;
  /** The folder it is installed as, one per part, version and target. */
  installFolder: string;
}

const oses: Record<string, ReleaseOs> = { linux: 'linux', darwin: 'darwin', win32: 'windows' };
const arches: Record<string, ReleaseArch> = { x64: 'amd64', arm64: 'arm64' };

/** Node's process.platform and process.arch as the releases name them, or undefined when there is no archive for it. */
export function releaseTarget(platform: string, arch: string): ReleaseTarget | undefined {
  const os = oses[platform];
  const a = arches[arch];
  return os && a ? { os, arch: a } : undefined;
}

/** Why nothing can be downloaded for this machine, and what to do instead. */
export function unsupportedTargetText(platform: string, arch: string, program: string, setting: string): string {
  return t`there is no official ${program} download for ${platform}/${arch} (there are for Linux, macOS and Windows on \
x64 and arm64); install ${program} yourself and put it on PATH or ${setting}`;
}

function exe(target: ReleaseTarget, name: string): string {
  return target.os === 'windows' ? `${name}.exe` : name;
}

/** [major, minor, patch] of "0.155.0" (a leading v is allowed); NaN parts compare as 0. */
function versionParts(version: string): [number, number, number] {
  const [a, b, c] = version.replace(/^v/, '').split(/[.-]/).map(Number);
  return [a || 0, b || 0, c || 0];
}

function atLeast(version: string, min: string): boolean {
  const v = versionParts(version);
  const m = versionParts(min);
  for (let i = 0; i < 3; i++) if ((v[i] ?? 0) !== (m[i] ?? 0)) return (v[i] ?? 0) > (m[i] ?? 0);
  return true;
}

/** The otelcol-contrib release archive for `version` (without the v) on `target`. */
export function collectorAsset(version: string, target: ReleaseTarget): ReleaseAsset {
  const archive = `otelcol-contrib_${version}_${target.os}_${target.arch}.tar.gz`;
  const checksums: ReleaseAsset['checksums'] = atLeast(version, '0.158.0')
    ? { file: `${archive}.sha256`, format: 'single' }
    : {
        file: `opentelemetry-collector-releases_otelcol-contrib${target.os === 'windows' && atLeast(version, '0.132.0') ? '_windows' : ''}_checksums.txt`,
        format: 'list',
      };
  return {
    part: 'collector',
    title: `otelcol-contrib ${version}`,
    version,
    owner: 'open-telemetry',
    repo: 'opentelemetry-collector-releases',
    tag: `v${version}`,
    archive,
    checksums,
    binaryInArchive: exe(target, 'otelcol-contrib'),
    installFolder: `otelcol-contrib-${version}-${target.os}-${target.arch}`,
  };
}

/** The Prometheus release archive for `version` (without the v) on `target`. */
export function prometheusAsset(version: string, target: ReleaseTarget): ReleaseAsset {
  const folder = `prometheus-${version}.${target.os}-${target.arch}`;
  return {
    part: 'prometheus',
    title: `Prometheus ${version}`,
    version,
    owner: 'prometheus',
    repo: 'prometheus',
    tag: `v${version}`,
    archive: `${folder}.tar.gz`,
    checksums: { file: 'sha256sums.txt', format: 'list' },
    binaryInArchive: `${folder}/${exe(target, 'prometheus')}`,
    installFolder: `prometheus-${version}-${target.os}-${target.arch}`,
  };
}
