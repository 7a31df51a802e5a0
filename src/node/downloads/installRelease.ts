// Installing one official release archive (the collector, Prometheus) into a folder of ours, so
// that a part is either wholly there and verified or not there at all: the archive is fetched to
// a temporary file in the same folder (resumed with a Range request after a broken connection),
// its sha256 compared with the release's published checksum, unpacked into a temporary folder,
// marked installed, and only then renamed into place. A second call finds the mark and downloads
// nothing. A cancelled download leaves nothing; a wrong checksum deletes the file and says so.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  createReadStream,
  createWriteStream,
  type WriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { expectedSha256 } from '../../core/downloads/checksums';
import { releaseFileUrl } from '../../core/downloads/mirror';
import type { NetworkSettings } from '../../core/downloads/proxy';
import type { ReleaseAsset } from '../../core/downloads/releases';
import { httpGet, httpGetText, HttpError } from './httpGet';
import { extractTarGz, TarError } from './tarGz';
import { t } from '../../core/text/l10n';

export type DownloadPhase = 'checksums' | 'download' | 'verify' | 'extract' | 'installed';

export interface DownloadProgress {
  asset: ReleaseAsset;
  phase: DownloadPhase;
  /** Bytes of the archive on disk so far (resumed bytes included). */
  received: number;
  /** The archive's size, when the server says it. */
  total?: number;
  /** Where it comes from (after redirects, for the download phase). */
  url: string;
  /** Bytes kept from an earlier, interrupted attempt. */
  resumedFrom?: number;
  /** The proxy it goes through (no credentials). */
  via?: string;
}

export interface InstallOptions {
  /** The folder parts are installed in (created if needed). */
  root: string;
  /** Release files are fetched from here: https://github.com or a mirror with its layout. */
  mirror: string;
  network: NetworkSettings;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
}

export interface InstalledRelease {
  /** The program, ready to run. */
  binary: string;
  folder: string;
  sha256: string;
  /** False when it was already installed and nothing was fetched. */
  downloaded: boolean;
}

export type DownloadFailure = 'network' | 'disk' | 'checksum' | 'archive' | 'cancelled' | 'busy';

/** Why a part could not be installed, in a sentence about that archive. */
export class DownloadError extends Error {
  constructor(
    readonly asset: ReleaseAsset,
    readonly kind: DownloadFailure,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'DownloadError';
  }
}

const marker = '.obslab-installed';

interface Marker {
  archive: string;
  url: string;
  sha256: string;
  binary: string;
  installedAt: string;
}

/** The part as installed earlier, or undefined; looks at the disk only. */
export function installedRelease(asset: ReleaseAsset, root: string): InstalledRelease | undefined {
  const folder = join(root, asset.installFolder);
  try {
    const m = JSON.parse(readFileSync(join(folder, marker), 'utf8')) as Marker;
    const binary = join(folder, ...asset.binaryInArchive.split('/'));
    if (m.archive !== asset.archive || !statSync(binary).isFile()) return undefined;
    return { binary, folder, sha256: m.sha256, downloaded: false };
  } catch {
    return undefined;
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function isAbort(e: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (e instanceof Error && e.name === 'AbortError');
}

/** Ends a file stream and waits until its queued writes are on disk (or failed); never throws. */
async function closeStream(out: WriteStream): Promise<void> {
  if (out.closed || out.destroyed) return;
  await new Promise<void>((resolve) => {
    out.once('close', resolve);
    out.end();
  });
}

function cannotWrite(asset: ReleaseAsset, partial: string, e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  const cause =
    code === 'ENOSPC' ? t`the disk is full` : code === 'EACCES' || code === 'EPERM' ? t`permission denied` : e.message;
  return t`the download of ${asset.archive} could not be written to ${partial}: ${cause}`;
}

/** Another process is downloading the same archive: its lock names its pid. */
function takeLock(lock: string, asset: ReleaseAsset): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lock, 'utf8').trim());
      let alive = false;
      try {
        if (pid > 0 && pid !== process.pid) {
          process.kill(pid, 0);
          alive = true;
        }
      } catch (err) {
        alive = (err as NodeJS.ErrnoException).code === 'EPERM';
      }
      if (alive)
        throw new DownloadError(
          asset,
          'busy',
          t`another Observability Lab process (pid ${pid}) is downloading ${asset.archive} right now; wait for it to finish`,
        );
      // A lock left by a process that is gone.
      rmSync(lock, { force: true });
    }
  }
  throw new DownloadError(asset, 'busy', t`could not take the download lock ${lock}`);
}

async function hashFile(path: string): Promise<{ hash: ReturnType<typeof createHash>; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { hash, size };
}

/** Fetches the archive into `partial`, resuming what an earlier attempt left; resolves with its sha256. */
async function fetchArchive(asset: ReleaseAsset, url: string, partial: string, opts: InstallOptions): Promise<string> {
  let resumed = existsSync(partial) ? await hashFile(partial) : undefined;
  if (resumed && resumed.size === 0) resumed = undefined;
  const {
    response,
    url: finalUrl,
    via,
  } = await httpGet(url, {
    network: opts.network,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(resumed ? { headers: { range: `bytes=${resumed.size}-` } } : {}),
  });
  const status = response.statusCode ?? 0;
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers['content-range'] ?? '');
  let append = false;
  let total: number | undefined;
  if (status === 206 && resumed && range && Number(range[1]) === resumed.size) {
    append = true;
    total = range[3] && range[3] !== '*' ? Number(range[3]) : undefined;
  } else if (status === 416 && resumed) {
    // What we kept is already the whole file, or more than it: start again from nothing.
    response.resume();
    rmSync(partial, { force: true });
    return fetchArchive(asset, url, partial, opts);
  } else if (status === 200) {
    const length = Number(response.headers['content-length']);
    total = Number.isFinite(length) && length > 0 ? length : undefined;
  } else {
    response.resume();
    throw new DownloadError(
      asset,
      'network',
      status === 404
        ? t`${url} does not exist (HTTP 404): the release ${asset.tag} has no ${asset.archive} there`
        : t`${finalUrl} answered HTTP ${status}`,
    );
  }
  const hash = append && resumed ? resumed.hash : createHash('sha256');
  let received = append && resumed ? resumed.size : 0;
  const out = createWriteStream(partial, { flags: append ? 'a' : 'w' });
  // A write that fails (a full disk) is kept here and reported, not thrown as an uncaught event.
  let writeError: Error | undefined;
  out.on('error', (e) => (writeError ??= e));
  const report = (phase: DownloadPhase): void =>
    opts.onProgress?.({
      asset,
      phase,
      received,
      url: finalUrl,
      ...(total !== undefined ? { total } : {}),
      ...(append && resumed ? { resumedFrom: resumed.size } : {}),
      ...(via ? { via } : {}),
    });
  report('download');
  let lastReport = Date.now();
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      hash.update(chunk);
      received += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
      if (Date.now() - lastReport >= 200) {
        lastReport = Date.now();
        report('download');
      }
    }
    if (!response.complete) throw new Error(t`the connection closed early`);
  } catch (e) {
    // Let the writes already queued land before anything else touches the file: destroying the
    // stream here raced them (ERR_STREAM_DESTROYED), and what arrived is what the next attempt continues.
    await closeStream(out);
    if (isAbort(e, opts.signal)) throw e;
    if (writeError) throw new DownloadError(asset, 'network', cannotWrite(asset, partial, writeError));
    const host = new URL(finalUrl).host;
    const why = e instanceof HttpError ? e.message : e instanceof Error ? e.message : String(e);
    throw new DownloadError(
      asset,
      'network',
      total
        ? t`the download of ${asset.archive} from ${host} stopped after ${mb(received)} of ${mb(total)} (${why}); \
starting again continues where it stopped`
        : t`the download of ${asset.archive} from ${host} stopped after ${mb(received)} (${why}); \
starting again continues where it stopped`,
    );
  }
  await closeStream(out);
  if (writeError) throw new DownloadError(asset, 'network', cannotWrite(asset, partial, writeError));
  if (total !== undefined && received !== total)
    throw new DownloadError(
      asset,
      'network',
      t`the download of ${asset.archive} ended after ${mb(received)} of ${mb(total)}; starting again continues where it stopped`,
    );
  report('verify');
  return hash.digest('hex');
}

/**
 * Makes sure the release `asset` is installed under `opts.root`: returns at once when it is,
 * otherwise downloads, verifies and installs it. Throws a DownloadError naming the archive and
 * what went wrong; nothing half-installed is ever left in place.
 */
export async function installRelease(asset: ReleaseAsset, opts: InstallOptions): Promise<InstalledRelease> {
  const existing = installedRelease(asset, opts.root);
  if (existing) return existing;
  mkdirSync(opts.root, { recursive: true });
  const release = takeLock(join(opts.root, `.${asset.archive}.lock`), asset);
  const partial = join(opts.root, `.${asset.archive}.partial`);
  let unpacking: string | undefined;
  const onAbort = (): void => {
    // Cancelled: what was fetched goes too, at once (the CLI may exit right after).
    rmSync(partial, { force: true });
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // Another process may have finished it while we waited for nothing.
    const raced = installedRelease(asset, opts.root);
    if (raced) return raced;
    const sumsUrl = releaseFileUrl(opts.mirror, asset.owner, asset.repo, asset.tag, asset.checksums.file);
    opts.onProgress?.({ asset, phase: 'checksums', received: 0, url: sumsUrl });
    let sums: string;
    try {
      sums = await httpGetText(sumsUrl, { network: opts.network, ...(opts.signal ? { signal: opts.signal } : {}) });
    } catch (e) {
      if (isAbort(e, opts.signal)) throw e;
      const why =
        e instanceof HttpError && e.status === 404
          ? t`${sumsUrl} does not exist (HTTP 404), so ${asset.archive} cannot be verified`
          : t`could not fetch the checksums ${sumsUrl}: ${e instanceof Error ? e.message : String(e)}`;
      throw new DownloadError(asset, 'network', why);
    }
    const expected = expectedSha256(sums, asset.checksums.format, asset.archive, asset.checksums.file);
    if ('problem' in expected)
      throw new DownloadError(asset, 'checksum', t`${expected.problem}, so ${asset.archive} cannot be verified`);

    const url = releaseFileUrl(opts.mirror, asset.owner, asset.repo, asset.tag, asset.archive);
    const actual = await fetchArchive(asset, url, partial, opts);
    if (actual !== expected.sha256) {
      rmSync(partial, { force: true });
      throw new DownloadError(
        asset,
        'checksum',
        t`${asset.archive} does not match its published checksum: ${asset.checksums.file} says sha256 \
${expected.sha256}, the downloaded file has ${actual}. The file was deleted and nothing was installed`,
      );
    }

    const size = statSync(partial).size;
    opts.onProgress?.({ asset, phase: 'extract', received: size, url });
    unpacking = mkdtempSync(join(opts.root, `.${asset.installFolder}.unpacking-`));
    try {
      await extractTarGz(partial, unpacking, opts.signal);
    } catch (e) {
      if (isAbort(e, opts.signal)) throw e;
      rmSync(partial, { force: true });
      throw new DownloadError(
        asset,
        'archive',
        t`${asset.archive} matched its checksum but could not be unpacked: ${e instanceof TarError || e instanceof Error ? e.message : String(e)}`,
      );
    }
    const binaryRel = asset.binaryInArchive.split('/');
    const binary = join(unpacking, ...binaryRel);
    if (!existsSync(binary) || !statSync(binary).isFile())
      throw new DownloadError(asset, 'archive', t`${asset.archive} holds no ${asset.binaryInArchive}`);
    if (process.platform !== 'win32') chmodSync(binary, 0o755);
    const mark: Marker = {
      archive: asset.archive,
      url,
      sha256: actual,
      binary: asset.binaryInArchive,
      installedAt: new Date().toISOString(),
    };
    writeFileSync(join(unpacking, marker), `${JSON.stringify(mark, null, 2)}\n`);
    const folder = join(opts.root, asset.installFolder);
    // A folder without our mark (an old, broken attempt by hand) is replaced.
    if (existsSync(folder) && !installedRelease(asset, opts.root)) rmSync(folder, { recursive: true, force: true });
    renameSync(unpacking, folder);
    unpacking = undefined;
    rmSync(partial, { force: true });
    opts.onProgress?.({ asset, phase: 'installed', received: size, total: size, url });
    return { binary: join(folder, ...binaryRel), folder, sha256: actual, downloaded: true };
  } catch (e) {
    if (isAbort(e, opts.signal)) {
      rmSync(partial, { force: true });
      throw new DownloadError(
        asset,
        'cancelled',
        t`the download of ${asset.archive} was cancelled; nothing was installed`,
      );
    }
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (unpacking) rmSync(unpacking, { recursive: true, force: true });
    release();
  }
}
