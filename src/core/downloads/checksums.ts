// Reading a release's published checksums: the sha256sum-style list promu and goreleaser write
// ("<64 hex>  <file>", or "<64 hex> *<file>" in sha256sum's binary mode) and goreleaser's split
// form, one file per archive holding only the digest. A file we cannot read is a problem to name,
// never a reason to skip the check.
import { t } from '../text/l10n';

export interface ChecksumList {
  /** file name → lowercase sha256 hex */
  entries: Map<string, string>;
  /** Lines that are neither blank nor a checksum line, with their 1-based numbers. */
  badLines: number[];
}

const line = /^([0-9a-fA-F]{64}) [ *](.+)$/;

export function parseChecksumList(text: string): ChecksumList {
  const entries = new Map<string, string>();
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const l = raw.trim();
    if (!l) return;
    const m = line.exec(l);
    if (!m?.[1] || !m[2]) {
      badLines.push(i + 1);
      return;
    }
    entries.set(m[2].trim(), m[1].toLowerCase());
  });
  return { entries, badLines };
}

export type ExpectedChecksum = { sha256: string } | { problem: string };

/**
 * The sha256 the release publishes for `archive`, read from `text` (the checksum file `file`, in
 * `format`), or a sentence saying why there is none.
 */
export function expectedSha256(
  text: string,
  format: 'list' | 'single',
  archive: string,
  file: string,
): ExpectedChecksum {
  if (format === 'single') {
    const trimmed = text.trim();
    if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return { sha256: trimmed.toLowerCase() };
    // Tolerate the list form in a split file, as long as it names this archive.
    const m = line.exec(trimmed);
    if (m?.[1] && m[2]?.trim() === archive) return { sha256: m[1].toLowerCase() };
    return { problem: t`${file} does not hold a sha256 digest` };
  }
  const list = parseChecksumList(text);
  const sha256 = list.entries.get(archive);
  if (sha256) return { sha256 };
  if (list.entries.size === 0) return { problem: t`${file} holds no checksum lines` };
  return { problem: t`${file} lists no checksum for ${archive}` };
}
