// A release mirror on 127.0.0.1: GitHub's release download layout
// (/<owner>/<repo>/releases/download/<tag>/<file>, answered with a redirect to the file as GitHub
// does), holding archives packed from the parts the harness builds, named and laid out as the
// official releases are (otelcol-contrib's goreleaser archive with the binary at its root and its
// checksums file; Prometheus' promu tarball around a folder, with sha256sums.txt). The names are
// written out here from the release configurations, apart from the product's own
// src/core/downloads/releases.ts, so a test compares two readings of them. Modes serve a
// corrupted archive, cut a download short once, or serve slowly enough to cancel one.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, createReadStream, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { cacheDir, installed, markInstalled, run } from './lib';

export type MirrorOs = 'linux' | 'darwin' | 'windows';
export type MirrorArch = 'amd64' | 'arm64';

export interface MirrorOptions {
  /** The programs to package: the harness' collector build and its Prometheus. */
  collectorBinary: string;
  prometheusBinary: string;
  collectorVersion: string;
  prometheusVersion: string;
  /** The OS and arch the archives claim (the files inside are whatever the binaries are). Default: this machine's. */
  os?: MirrorOs;
  arch?: MirrorArch;
  /** Serve https with this key and certificate (PEM) instead of http. */
  tls?: { key: string; cert: string };
}

/**
 * good: the release as published. corrupt: every archive with bytes changed in its middle (same
 * length, checksums unchanged). cut-once: the first request for each archive ends after 40% of
 * it; later ones are whole and honour Range. slow: archives at about 4 MB/s.
 */
export type MirrorMode = 'good' | 'corrupt' | 'cut-once' | 'slow';

export interface MirrorRequest {
  path: string;
  status: number;
  range?: string;
}

export interface ReleaseFile {
  /** /<owner>/<repo>/releases/download/<tag>/<name> */
  urlPath: string;
  name: string;
  file: string;
  sha256: string;
  size: number;
  archive: boolean;
}

export interface RunningMirror {
  url: string;
  mode: MirrorMode;
  requests: MirrorRequest[];
  files: ReleaseFile[];
  /** Requests for the archives themselves (the big downloads), in order. */
  archiveRequests(): MirrorRequest[];
  stop(): Promise<void>;
}

function thisOs(): MirrorOs {
  return process.platform === 'win32' ? 'windows' : process.platform === 'darwin' ? 'darwin' : 'linux';
}

function thisArch(): MirrorArch {
  return process.arch === 'arm64' ? 'arm64' : 'amd64';
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function newerOrSame(version: string, than: string): boolean {
  const a = version.split('.').map(Number);
  const b = than.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/**
 * Packs the release files into the cache (once per binaries and versions): the archives with
 * GNU tar (pax for goreleaser's Go-written archive, GNU tar's default for promu's `tar zcf`).
 */
export async function buildReleaseFiles(o: MirrorOptions): Promise<ReleaseFile[]> {
  const os = o.os ?? thisOs();
  const arch = o.arch ?? thisArch();
  const exe = os === 'windows' ? '.exe' : '';
  const stamp = (p: string): string => `${p}:${statSync(p).size}:${statSync(p).mtimeMs}`;
  const key = createHash('sha256')
    .update(
      [stamp(o.collectorBinary), stamp(o.prometheusBinary), o.collectorVersion, o.prometheusVersion, os, arch].join(
        '|',
      ),
    )
    .digest('hex')
    .slice(0, 12);
  const dir = cacheDir(`mirror-${key}`);
  const out = join(dir, 'files');
  const collectorTag = `v${o.collectorVersion}`;
  const promTag = `v${o.prometheusVersion}`;
  // goreleaser: '{{ .Binary }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}' + .tar.gz; checksums per its `checksum` section.
  const colArchive = `otelcol-contrib_${o.collectorVersion}_${os}_${arch}.tar.gz`;
  const colSums = newerOrSame(o.collectorVersion, '0.158.0')
    ? `${colArchive}.sha256`
    : `opentelemetry-collector-releases_otelcol-contrib${os === 'windows' ? '_windows' : ''}_checksums.txt`;
  // promu: '<name>-<version>.<os>-<arch>' folder and .tar.gz; sha256sums.txt.
  const promFolder = `prometheus-${o.prometheusVersion}.${os}-${arch}`;
  const promArchive = `${promFolder}.tar.gz`;
  const colBase = `/open-telemetry/opentelemetry-collector-releases/releases/download/${collectorTag}`;
  const promBase = `/prometheus/prometheus/releases/download/${promTag}`;

  if (!installed(dir)) {
    rmSync(out, { recursive: true, force: true });
    const stage = join(dir, 'stage');
    rmSync(stage, { recursive: true, force: true });
    // The collector: the binary at the archive's root beside goreleaser's default extra files.
    const colStage = join(stage, 'collector');
    mkdirSync(colStage, { recursive: true });
    copyFileSync(o.collectorBinary, join(colStage, `otelcol-contrib${exe}`));
    writeFileSync(join(colStage, 'README.md'), '# otelcol-contrib (packed by the Observability Lab test mirror)\n');
    writeFileSync(join(colStage, 'LICENSE'), 'Apache License 2.0\n');
    // Prometheus: the folder promu makes, with .promu.yml's tarball files and both binaries' names.
    const promStage = join(stage, 'prometheus', promFolder);
    mkdirSync(promStage, { recursive: true });
    copyFileSync(o.prometheusBinary, join(promStage, `prometheus${exe}`));
    writeFileSync(join(promStage, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
    writeFileSync(join(promStage, 'LICENSE'), 'Apache License 2.0\n');
    writeFileSync(join(promStage, 'NOTICE'), 'The Prometheus systems and service monitoring server\n');
    mkdirSync(out, { recursive: true });
    const common = ['--owner=0', '--group=0', '--numeric-owner'];
    await run('tar', ['-czf', join(out, colArchive), '--format=pax', ...common, '-C', colStage, '.'], {
      timeoutMs: 600_000,
    });
    await run('tar', ['-czf', join(out, promArchive), ...common, '-C', join(stage, 'prometheus'), promFolder], {
      timeoutMs: 600_000,
    });
    const colSha = sha256File(join(out, colArchive));
    const promSha = sha256File(join(out, promArchive));
    // Split checksum files hold the digest alone; lists are "<sha256>  <file>\n", sorted by file.
    writeFileSync(join(out, colSums), colSums.endsWith('.sha256') ? colSha : `${colSha}  ${colArchive}\n`);
    writeFileSync(join(out, 'sha256sums.txt'), `${promSha}  ${promArchive}\n`);
    rmSync(stage, { recursive: true, force: true });
    markInstalled(dir);
  }
  const file = (base: string, name: string, archive: boolean): ReleaseFile => {
    const path = join(out, name);
    return {
      urlPath: `${base}/${name}`,
      name,
      file: path,
      sha256: sha256File(path),
      size: statSync(path).size,
      archive,
    };
  };
  return [
    file(colBase, colArchive, true),
    file(colBase, colSums, false),
    file(promBase, promArchive, true),
    file(promBase, 'sha256sums.txt', false),
  ];
}

/** Bytes 40%…41% of the archive, inverted: the length stays, the sha256 does not. */
function corrupted(data: Buffer): Buffer {
  const copy = Buffer.from(data);
  const from = Math.floor(copy.length * 0.4);
  for (let i = from; i < Math.min(copy.length, from + 4096); i++) copy[i] = (copy[i] ?? 0) ^ 0xff;
  return copy;
}

function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  f: ReleaseFile,
  mirror: RunningMirror,
  cut: Set<string>,
): number {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range?.[1] ? Number(range[1]) : 0;
  if (start >= f.size && range) {
    res.writeHead(416, { 'content-range': `bytes */${f.size}` }).end();
    return 416;
  }
  const headers = {
    'content-type': f.archive ? 'application/octet-stream' : 'text/plain; charset=utf-8',
    'accept-ranges': 'bytes',
    'content-length': String(f.size - start),
    ...(range ? { 'content-range': `bytes ${start}-${f.size - 1}/${f.size}` } : {}),
  };
  const status = range ? 206 : 200;
  res.writeHead(status, headers);
  if (f.archive && mirror.mode === 'corrupt') {
    res.end(corrupted(readFileSync(f.file)).subarray(start));
    return status;
  }
  if (f.archive && mirror.mode === 'cut-once' && !cut.has(f.name)) {
    cut.add(f.name);
    const data = readFileSync(f.file);
    const end = Math.floor(data.length * 0.4);
    res.write(data.subarray(start, Math.max(start, end)), () => setTimeout(() => res.destroy(), 50));
    return status;
  }
  const stream = createReadStream(f.file, { start, highWaterMark: 64 * 1024 });
  if (f.archive && mirror.mode === 'slow') {
    // 64 KiB every 16 ms, written by hand: a pipe resumes on every drain.
    void (async () => {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (res.destroyed) return;
        if (!res.write(chunk)) await once(res, 'drain');
        await new Promise((r) => setTimeout(r, 16));
      }
      res.end();
    })().catch(() => res.destroy());
  } else stream.pipe(res);
  res.once('close', () => stream.destroy());
  return status;
}

/** Starts the mirror on a free 127.0.0.1 port; `stop()` ends it and every connection it holds. */
export async function startMirror(o: MirrorOptions, mode: MirrorMode = 'good'): Promise<RunningMirror> {
  const files = await buildReleaseFiles(o);
  const byPath = new Map(files.map((f) => [f.urlPath, f]));
  const byObject = new Map(files.map((f) => [`/_objects/${f.sha256}/${f.name}`, f]));
  const cut = new Set<string>();
  const sockets = new Set<Socket>();
  const mirror: RunningMirror = {
    url: '',
    mode,
    requests: [],
    files,
    archiveRequests: () => mirror.requests.filter((r) => files.some((f) => f.archive && r.path.endsWith(`/${f.name}`))),
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://mirror').pathname);
    const record = (status: number): void => {
      mirror.requests.push({ path, status, ...(req.headers.range ? { range: req.headers.range } : {}) });
    };
    const release = byPath.get(path);
    if (release) {
      // GitHub answers a release download with a redirect to where the file is stored.
      record(302);
      res.writeHead(302, { location: `/_objects/${release.sha256}/${encodeURIComponent(release.name)}` }).end();
      return;
    }
    const object = byObject.get(path);
    if (object) {
      record(serveFile(req, res, object, mirror, cut));
      return;
    }
    record(404);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
  };
  const server: Server = o.tls
    ? createHttpsServer({ key: o.tls.key, cert: o.tls.cert }, handler)
    : createHttpServer(handler);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  mirror.url = `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return mirror;
}
