// Reading tar headers (ustar, with the GNU and PAX long-name extensions Go's archive/tar and GNU
// tar write) and deciding where an entry may land. The bytes come from src/node/downloads, which
// does the gunzip and the writing; here is what an entry is and whether it is safe: never an
// absolute path, never "..", never a link that leads out of the folder it is extracted into.
import { t } from '../text/l10n';

export type TarEntryKind =
  'file' | 'directory' | 'symlink' | 'hardlink' | 'pax' | 'pax-global' | 'gnu-long-name' | 'gnu-long-link' | 'other';

export interface TarHeader {
  name: string;
  mode: number;
  size: number;
  kind: TarEntryKind;
  /** The raw type flag, for messages about kinds we skip. */
  typeFlag: string;
  linkName: string;
}

export class TarError extends Error {}

const decoder = new TextDecoder('utf-8');

function text(block: Uint8Array, start: number, length: number): string {
  const bytes = block.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return decoder.decode(end === -1 ? bytes : bytes.subarray(0, end));
}

/** An octal field, or GNU's base-256 form for values too large for octal. */
function numeric(block: Uint8Array, start: number, length: number, field: string): number {
  const first = block[start] ?? 0;
  if (first & 0x80) {
    let n = first & 0x7f;
    for (let i = 1; i < length; i++) n = n * 256 + (block[start + i] ?? 0);
    return n;
  }
  const s = text(block, start, length).trim();
  if (!s) return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarError(t`the tar header's ${field} field is not a number ('${s}')`);
  return parseInt(s, 8);
}

const kinds: Record<string, TarEntryKind> = {
  '0': 'file',
  '\0': 'file',
  '': 'file',
  '7': 'file',
  '5': 'directory',
  '2': 'symlink',
  '1': 'hardlink',
  x: 'pax',
  g: 'pax-global',
  L: 'gnu-long-name',
  K: 'gnu-long-link',
};

/** The header in a 512-byte block; null for an all-zero block (the archive's end). */
export function readTarHeader(block: Uint8Array): TarHeader | null {
  if (block.length !== 512) throw new TarError(t`a tar header is 512 bytes, this one ${block.length}`);
  if (block.every((b) => b === 0)) return null;
  const stored = numeric(block, 148, 8, 'checksum');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
  if (sum !== stored) throw new TarError(t`a tar header is damaged (its checksum does not match)`);
  const typeFlag = String.fromCharCode(block[156] ?? 0);
  let name = text(block, 0, 100);
  // ustar (and GNU's "ustar  ") put a prefix before the name for paths over 100 bytes.
  if (text(block, 257, 6).startsWith('ustar')) {
    const prefix = text(block, 345, 155);
    if (prefix && text(block, 257, 8) !== 'ustar  ') name = `${prefix}/${name}`;
  }
  return {
    name,
    mode: numeric(block, 100, 8, 'mode'),
    size: numeric(block, 124, 12, 'size'),
    kind: kinds[typeFlag] ?? 'other',
    typeFlag,
    linkName: text(block, 157, 100),
  };
}

/** PAX extended header records ("<len> <key>=<value>\n"…). */
export function parsePaxRecords(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space === -1) break;
    const len = Number(decoder.decode(data.subarray(i, space)));
    if (!Number.isInteger(len) || len <= 0 || i + len > data.length)
      throw new TarError(t`a PAX extended header is malformed`);
    const record = decoder.decode(data.subarray(space + 1, i + len - 1));
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    i += len;
  }
  return out;
}

/** A GNU long name/link entry's data: the name, NUL-terminated. */
export function gnuLongText(data: Uint8Array): string {
  const end = data.indexOf(0);
  return decoder.decode(end === -1 ? data : data.subarray(0, end));
}

/**
 * The entry's path inside the extraction folder ("a/b/c", forward slashes), or undefined when it
 * is absolute, names a drive, or climbs out with "..". "./" and empty segments are dropped.
 */
export function safeEntryPath(name: string): string | undefined {
  const n = name.replace(/\\/g, '/');
  if (n.startsWith('/') || /^[a-zA-Z]:/.test(n)) return undefined;
  const parts: string[] = [];
  for (const seg of n.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') return undefined;
    parts.push(seg);
  }
  return parts.length ? parts.join('/') : undefined;
}

/**
 * Where a link at `entryPath` pointing to `target` leads, as a path inside the folder, or
 * undefined when it leads out (absolute, or more ".." than there are folders above it).
 * A symlink's target is relative to the link's folder; a hard link's to the archive's root.
 */
export function linkTargetInside(entryPath: string, target: string, kind: 'symlink' | 'hardlink'): string | undefined {
  const path = target.replace(/\\/g, '/');
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return undefined;
  const parts = kind === 'symlink' ? entryPath.split('/').slice(0, -1) : [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.length ? parts.join('/') : undefined;
}
