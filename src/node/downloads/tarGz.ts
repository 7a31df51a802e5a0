// Unpacking a .tar.gz without a shell or a tar program (Windows has none by default): zlib's
// gunzip streams the archive, src/core/downloads/tar.ts reads each header and says whether its
// path is safe, and this writes regular files, folders and links that stay inside `dest`.
// Written here rather than taken from npm's `tar`: the releases we unpack hold a handful of
// regular files, and ~150 lines we test against GNU tar's own archives carry no dependency tree.
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  lstatSync,
  mkdirSync,
  copyFileSync,
  rmSync,
  symlinkSync,
  type WriteStream,
} from 'node:fs';
import { join, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import {
  gnuLongText,
  linkTargetInside,
  parsePaxRecords,
  readTarHeader,
  safeEntryPath,
  TarError,
  type TarHeader,
} from '../../core/downloads/tar';
import { t } from '../../core/text/l10n';

export { TarError };

/** Buffers the gunzipped stream and hands out exact byte counts. */
class Bytes {
  private chunks: Buffer[] = [];
  private length = 0;
  private done = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(n: number): Promise<boolean> {
    while (this.length < n && !this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else {
        this.chunks.push(next.value);
        this.length += next.value.length;
      }
    }
    return this.length >= n;
  }

  /** Exactly n bytes, or null when the stream ends first. */
  async take(n: number): Promise<Buffer | null> {
    if (!(await this.fill(n))) return null;
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.length = rest.length;
    return out;
  }

  /** Up to n bytes as they come (at least 1), for streaming a file's data; null at the end. */
  async some(n: number): Promise<Buffer | null> {
    if (!(await this.fill(1))) return null;
    const first = this.chunks[0] as Buffer;
    const out = first.subarray(0, Math.min(n, first.length));
    const rest = first.subarray(out.length);
    if (rest.length) this.chunks[0] = rest;
    else this.chunks.shift();
    this.length -= out.length;
    return out;
  }
}

function padding(size: number): number {
  return (512 - (size % 512)) % 512;
}

/** Every folder from `dest` down to `rel`'s parent must be a real folder we made, never a link. */
function ensureParents(dest: string, rel: string): void {
  const parts = rel.split('/').slice(0, -1);
  let p = dest;
  for (const part of parts) {
    p = join(p, part);
    let st;
    try {
      st = lstatSync(p);
    } catch {
      mkdirSync(p);
      continue;
    }
    if (!st.isDirectory())
      throw new TarError(t`the archive writes through ${rel}, whose folder ${part} is not a folder`);
  }
}

function removeExisting(path: string): void {
  try {
    const st = lstatSync(path);
    if (st.isDirectory()) throw new TarError(t`the archive replaces the folder ${path} with a file`);
    rmSync(path, { force: true });
  } catch (e) {
    if (e instanceof TarError) throw e;
  }
}

async function writeData(bytes: Bytes, size: number, out: WriteStream | undefined, name: string): Promise<void> {
  let left = size;
  while (left > 0) {
    const piece = await bytes.some(Math.min(left, 1024 * 1024));
    if (!piece) throw new TarError(t`the archive ends in the middle of ${name}`);
    left -= piece.length;
    if (out && !out.write(piece)) await once(out, 'drain');
  }
  if (out) {
    out.end();
    await once(out, 'close');
  }
}

async function readAll(bytes: Bytes, size: number, what: string): Promise<Buffer> {
  if (size > 1024 * 1024) throw new TarError(t`the archive's ${what} is implausibly large (${size} bytes)`);
  const data = await bytes.take(size + padding(size));
  if (!data) throw new TarError(t`the archive ends in the middle of its ${what}`);
  return data.subarray(0, size);
}

/**
 * Unpacks `archive` into the existing folder `dest`; resolves with the paths written (relative,
 * forward slashes). Throws a TarError for a damaged archive or an entry that would land outside
 * `dest`; the caller removes `dest` then, so nothing half-written is left.
 */
export async function extractTarGz(archive: string, dest: string, signal?: AbortSignal): Promise<string[]> {
  const file = createReadStream(archive);
  const gunzip = createGunzip();
  file.once('error', (e) => gunzip.destroy(e));
  file.pipe(gunzip);
  const bytes = new Bytes((gunzip as AsyncIterable<Buffer>)[Symbol.asyncIterator]());
  const written: string[] = [];
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
      const block = await bytes.take(512);
      if (!block) throw new TarError(t`the archive ends without its end-of-archive marker`);
      const header: TarHeader | null = readTarHeader(block);
      if (!header) break;
      const size = pax['size'] !== undefined ? Number(pax['size']) : header.size;
      if (header.kind === 'pax') {
        pax = { ...pax, ...parsePaxRecords(await readAll(bytes, size, t`PAX header`)) };
        continue;
      }
      if (header.kind === 'pax-global') {
        await readAll(bytes, size, t`PAX global header`);
        continue;
      }
      if (header.kind === 'gnu-long-name' || header.kind === 'gnu-long-link') {
        const longText = gnuLongText(await readAll(bytes, size, t`long name`));
        if (header.kind === 'gnu-long-name') longName = longText;
        else longLink = longText;
        continue;
      }
      const name = pax['path'] ?? longName ?? header.name;
      const link = pax['linkpath'] ?? longLink ?? header.linkName;
      pax = {};
      longName = undefined;
      longLink = undefined;
      const rel = safeEntryPath(name);
      const dataSize = header.kind === 'file' || header.kind === 'other' ? size : 0;
      if (rel === undefined) {
        // "./" alone is the archive's root folder; anything else outside is refused.
        if (name.replace(/\/+$/, '') === '.' || name === './') {
          await writeData(bytes, dataSize, undefined, name);
          await bytes.take(padding(dataSize));
          continue;
        }
        throw new TarError(t`the archive holds ${JSON.stringify(name)}, a path outside the folder it unpacks into`);
      }
      const target = join(dest, ...rel.split('/'));
      if (!target.startsWith(dest + sep))
        throw new TarError(t`the archive holds ${JSON.stringify(name)}, outside the folder`);
      switch (header.kind) {
        case 'directory':
          ensureParents(dest, `${rel}/x`);
          break;
        case 'file': {
          ensureParents(dest, rel);
          removeExisting(target);
          const out = createWriteStream(target, { flags: 'wx', mode: (header.mode & 0o777) | 0o600 });
          await writeData(bytes, dataSize, out, rel);
          written.push(rel);
          break;
        }
        case 'symlink':
        case 'hardlink': {
          const inside = linkTargetInside(rel, link, header.kind);
          if (inside === undefined)
            throw new TarError(
              t`the archive holds a link ${rel} → ${link}, which leads outside the folder it unpacks into`,
            );
          ensureParents(dest, rel);
          removeExisting(target);
          if (header.kind === 'symlink') symlinkSync(link, target);
          else copyFileSync(join(dest, ...inside.split('/')), target);
          written.push(rel);
          break;
        }
        default:
          // Devices, FIFOs and the like: not in a release archive; their data (if any) is skipped.
          await writeData(bytes, dataSize, undefined, rel);
      }
      await bytes.take(padding(dataSize));
    }
  } catch (e) {
    file.destroy();
    gunzip.destroy();
    if ((e as NodeJS.ErrnoException).code?.startsWith('Z_'))
      throw new TarError(t`the archive is not a readable .tar.gz (${(e as Error).message})`);
    throw e;
  }
  file.destroy();
  gunzip.destroy();
  return written;
}
