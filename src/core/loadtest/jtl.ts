// JMeter's CSV results (.jtl): the default columns of JMeter 5.x, writing a row as JMeter does,
// and reading any CSV .jtl back (with or without its header; a broken record is counted, not fatal).
import { t } from '../text/l10n';

/** JMeter 5.x's default CSV columns, in order (jmeter.properties defaults; FACTS.md "JMeter"). */
export const jtlColumns = [
  'timeStamp',
  'elapsed',
  'label',
  'responseCode',
  'responseMessage',
  'threadName',
  'dataType',
  'success',
  'failureMessage',
  'bytes',
  'sentBytes',
  'grpThreads',
  'allThreads',
  'URL',
  'Latency',
  'IdleTime',
  'Connect',
] as const;

export const jtlHeader = jtlColumns.join(',');

export interface JtlSample {
  /** Start of the sample, milliseconds since the epoch. */
  timeStamp: number;
  elapsed: number;
  label: string;
  responseCode: string;
  responseMessage: string;
  threadName: string;
  dataType: string;
  success: boolean;
  failureMessage: string;
  bytes: number;
  sentBytes: number;
  grpThreads: number;
  allThreads: number;
  URL: string;
  Latency: number;
  IdleTime: number;
  Connect: number;
}

/** Quotes a field as JMeter's CSV writer does: only when it holds the delimiter, a quote or a line break. */
function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

export function formatJtlRow(s: JtlSample): string {
  return [
    String(s.timeStamp),
    String(s.elapsed),
    quote(s.label),
    quote(s.responseCode),
    quote(s.responseMessage),
    quote(s.threadName),
    s.dataType,
    String(s.success),
    quote(s.failureMessage),
    String(s.bytes),
    String(s.sentBytes),
    String(s.grpThreads),
    String(s.allThreads),
    quote(s.URL),
    String(s.Latency),
    String(s.IdleTime),
    String(s.Connect),
  ].join(',');
}

interface CsvRecord {
  fields: string[];
  line: number;
  ok: boolean;
}

/** Splits CSV text into records; a quoted field may span lines. A quote left open makes its first line a broken record. */
function* csvRecords(text: string): Generator<CsvRecord> {
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const startI = i;
    const startLine = line;
    const fields: string[] = [];
    let cur = '';
    let quoted = false;
    let ok = true;
    for (;;) {
      if (i >= text.length) {
        if (quoted) {
          // Unterminated quote: give up on this record at its first line and read on from the next.
          const nl = text.indexOf('\n', startI);
          i = nl < 0 ? text.length : nl + 1;
          line = startLine + 1;
          ok = false;
        } else fields.push(cur);
        break;
      }
      const c = text[i];
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            cur += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else {
          if (c === '\n') line++;
          cur += c;
          i++;
        }
      } else if (c === '"' && cur === '') {
        quoted = true;
        i++;
      } else if (c === ',') {
        fields.push(cur);
        cur = '';
        i++;
      } else if (c === '\n' || c === '\r') {
        fields.push(cur);
        if (c === '\r' && text[i + 1] === '\n') i++;
        i++;
        line++;
        break;
      } else {
        cur += c;
        i++;
      }
    }
    if (!ok) {
      yield { fields: [], line: startLine, ok: false };
      continue;
    }
    if (fields.length === 1 && fields[0] === '') continue; // a blank line
    yield { fields, line: startLine, ok: true };
  }
}

const numeric = new Set([
  'timeStamp',
  'elapsed',
  'bytes',
  'sentBytes',
  'grpThreads',
  'allThreads',
  'Latency',
  'IdleTime',
  'Connect',
]);
const required = ['timeStamp', 'elapsed', 'success'];

function toSample(fields: string[], columns: string[]): JtlSample | undefined {
  if (fields.length !== columns.length) return undefined;
  const v: Record<string, string> = {};
  columns.forEach((c, i) => (v[c] = fields[i] ?? ''));
  const num = (c: string): number | undefined => {
    const raw = v[c];
    if (raw === undefined || raw === '') return c === 'timeStamp' || c === 'elapsed' ? undefined : 0;
    const n = Number(raw);
    return Number.isFinite(n) ? n : undefined;
  };
  const nums: Record<string, number> = {};
  for (const c of numeric) {
    if (!columns.includes(c)) {
      nums[c] = 0;
      continue;
    }
    const n = num(c);
    if (n === undefined) return undefined;
    nums[c] = n;
  }
  const success = v['success'];
  if (success !== 'true' && success !== 'false') return undefined;
  return {
    timeStamp: nums['timeStamp'] ?? 0,
    elapsed: nums['elapsed'] ?? 0,
    label: v['label'] ?? '',
    responseCode: v['responseCode'] ?? '',
    responseMessage: v['responseMessage'] ?? '',
    threadName: v['threadName'] ?? '',
    dataType: v['dataType'] ?? '',
    success: success === 'true',
    failureMessage: v['failureMessage'] ?? '',
    bytes: nums['bytes'] ?? 0,
    sentBytes: nums['sentBytes'] ?? 0,
    grpThreads: nums['grpThreads'] ?? 0,
    allThreads: nums['allThreads'] ?? 0,
    URL: v['URL'] ?? '',
    Latency: nums['Latency'] ?? 0,
    IdleTime: nums['IdleTime'] ?? 0,
    Connect: nums['Connect'] ?? 0,
  };
}

export interface JtlScan {
  samples: number;
  /** Whether the first record named the columns; without it JMeter's default order is assumed. */
  header: boolean;
  /** Records that could not be read (wrong field count, a number or success flag that is not one). */
  broken: number;
  /** 1-based line numbers of the first few broken records, to point at them. */
  brokenLines: number[];
  /** The columns the records were read with (the header's, else JMeter's default order). */
  columns: string[];
}

/**
 * Reads a CSV .jtl record by record, handing each good sample to `onSample` (so a large file is
 * never held as objects). Throws only when a header names no timeStamp/elapsed/success column.
 */
export function scanJtl(
  text: string,
  onSample: (s: JtlSample) => void,
  opts: { columns?: readonly string[] } = {},
): JtlScan {
  let samples = 0;
  let header = false;
  let columns: string[] = [...(opts.columns ?? jtlColumns)];
  let broken = 0;
  const brokenLines: number[] = [];
  // A continuation of a file (columns already known) has no header line to look for.
  let first = opts.columns === undefined;
  for (const rec of csvRecords(text.startsWith('\ufeff') ? text.slice(1) : text)) {
    if (first) {
      first = false;
      if (rec.ok && rec.fields[0] !== undefined && !/^\d/.test(rec.fields[0])) {
        header = true;
        columns = rec.fields.map((f) => f.trim());
        const missing = required.filter((c) => !columns.includes(c));
        if (missing.length)
          throw new Error(
            t`the first line is not a JMeter CSV header: no ${missing.join(', ')} column \
(an XML .jtl is not supported; save results as CSV)`,
          );
        continue;
      }
    }
    const s = rec.ok ? toSample(rec.fields, columns) : undefined;
    if (s) {
      samples++;
      onSample(s);
    } else {
      broken++;
      if (brokenLines.length < 10) brokenLines.push(rec.line);
    }
  }
  return { samples, header, broken, brokenLines, columns };
}

/**
 * Where the complete records of a growing CSV end: just after its last line break outside a
 * quoted field (a quoted field may hold a line break), or 0 when no record is complete yet.
 */
export function completeRecordsEnd(text: string): number {
  let quoted = false;
  let end = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34)
      quoted = !quoted; // a doubled quote toggles twice
    else if (c === 10 && !quoted) end = i + 1;
  }
  return end;
}

export function readJtl(text: string): JtlScan & { rows: JtlSample[] } {
  const rows: JtlSample[] = [];
  return { ...scanJtl(text, (s) => rows.push(s)), rows };
}
