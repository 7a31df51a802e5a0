// Reads the files to lint without letting one of them hang, exhaust or crash the reader: the size
// is checked on the open handle before a byte is read, only regular files are read (a FIFO opened
// without blocking is seen and left alone), a link that loops or leads nowhere is a note, and a text
// nested deeper than any real file is not handed to the parser. Open editors' texts win over disk.
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import type { Finding } from '../../core/finding';
import { binaryOrBroken, fileKind, type LintInput } from '../../core/lint/model';
import { maxLintNesting, nestingDepth } from '../../core/lint/nesting';
import { fileSkipped, maxLintBytes, tooLargeReason } from '../../core/lint/skipped';
import { t } from '../../core/text/l10n';

export interface ReadInputs {
  /** Texts to lint, in the order of the files asked for. */
  inputs: LintInput[];
  /** A lint/file-skipped note for each file not read or not handed on. */
  skipped: Finding[];
  /** Files that could not be read for a reason of the system (permissions, I/O): `path: reason`. */
  unreadable: string[];
}

type Read = { text: string } | { skip: string; unreadable?: string } | { gone: true };

/** At most this many files are open at once. */
const parallel = 16;

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/** Why an entry that is not a regular file is skipped. */
function kindOfEntry(st: {
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isDirectory(): boolean;
}): string {
  if (st.isFIFO()) return t`it is a FIFO (named pipe), not a file`;
  if (st.isSocket()) return t`it is a socket, not a file`;
  if (st.isCharacterDevice() || st.isBlockDevice()) return t`it is a device, not a file`;
  return t`it is not a regular file, not a file`;
}

async function readOne(file: string): Promise<Read> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ELOOP') return { skip: t`it is a symbolic link that loops` };
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      try {
        if ((await lstat(file)).isSymbolicLink())
          return { skip: t`it is a symbolic link to a file that does not exist` };
      } catch {
        // gone between listing and reading: nothing to say
      }
      return { gone: true };
    }
    const reason = e instanceof Error ? e.message : String(e);
    return { skip: t`it cannot be read (${code ?? reason})`, unreadable: reason };
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) return { gone: true };
    if (!st.isFile()) return { skip: kindOfEntry(st) };
    if (st.size > maxLintBytes) return { skip: tooLargeReason(st.size) };
    const bytes = await handle.readFile();
    if (bytes.length > maxLintBytes) return { skip: tooLargeReason(bytes.length) };
    return { text: new TextDecoder('utf-8', { fatal: false }).decode(bytes) };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { skip: t`it cannot be read (${errorCode(e) ?? reason})`, unreadable: reason };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Why a text is not handed to the parser, beyond what the workspace model checks itself. */
export function tooDeep(file: string, text: string): string | undefined {
  const kind = fileKind(file);
  if ((kind !== 'yaml' && kind !== 'json') || text.length > maxLintBytes || binaryOrBroken(text)) return undefined;
  const depth = nestingDepth(text, kind);
  return depth > maxLintNesting
    ? t`it is nested ${depth} levels deep, over the ${maxLintNesting} the linter reads`
    : undefined;
}

/** Reads `files` (open documents' texts first), a few at a time; never throws for a file. */
export async function readLintInputs(
  files: readonly string[],
  documents: ReadonlyMap<string, string> = new Map(),
): Promise<ReadInputs> {
  const results: Read[] = new Array<Read>(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const file = files[i] as string;
      const text = documents.get(file);
      results[i] = text !== undefined ? { text } : await readOne(file);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, files.length) }, worker));
  const out: ReadInputs = { inputs: [], skipped: [], unreadable: [] };
  files.forEach((file, i) => {
    const r = results[i] as Read;
    if ('text' in r) {
      const deep = tooDeep(file, r.text);
      if (deep) out.skipped.push(fileSkipped(file, deep));
      else out.inputs.push({ file, text: r.text });
    } else if ('skip' in r) {
      out.skipped.push(fileSkipped(file, r.skip));
      if (r.unreadable) out.unreadable.push(`${file}: ${r.unreadable}`);
    }
  });
  return out;
}
