// Live numbers from a .jtl another program is writing (JMeter): poll the file, read the bytes
// added since the last look, parse only complete records, and feed each sample to LiveStats so
// progress looks the same as the built-in engine's.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { completeRecordsEnd, scanJtl, type JtlSample } from '../../core/loadtest/jtl';
import { LiveStats, type Progress } from '../../core/loadtest/stats';

/** Reads a growing CSV .jtl from where it left off; a file not yet created reads as empty. */
export class JtlTail {
  private offset = 0;
  private rest = '';
  private readonly decoder = new StringDecoder('utf8');
  private columns: string[] | undefined;
  samples = 0;
  broken = 0;

  constructor(
    readonly file: string,
    private readonly onSample: (s: JtlSample) => void,
  ) {}

  /** Reads what was appended since the last call; returns the number of new samples. */
  poll(): number {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return 0; // JMeter creates the file only once its first sample is written
    }
    let text = '';
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        // Replaced by a new run: start again from its beginning.
        this.offset = 0;
        this.rest = '';
        this.columns = undefined;
      }
      const buffer = Buffer.alloc(64 * 1024);
      while (this.offset < size) {
        const n = readSync(fd, buffer, 0, Math.min(buffer.length, size - this.offset), this.offset);
        if (n <= 0) break;
        this.offset += n;
        text += this.decoder.write(buffer.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    return this.consume(this.rest + text);
  }

  /** The writer has finished: whatever is left, even without a final line break, is a record. */
  finish(): number {
    const n = this.poll();
    const last = this.rest + this.decoder.end();
    this.rest = '';
    return n + (last.trim() ? this.parse(`${last}\n`) : 0);
  }

  private consume(text: string): number {
    const end = completeRecordsEnd(text);
    this.rest = text.slice(end);
    return end ? this.parse(text.slice(0, end)) : 0;
  }

  private parse(text: string): number {
    const scan = scanJtl(text, this.onSample, this.columns ? { columns: this.columns } : {});
    this.columns = scan.columns;
    this.samples += scan.samples;
    this.broken += scan.broken;
    return scan.samples;
  }
}

export interface JtlFollowOptions {
  /** Epoch milliseconds the run started; elapsed seconds count from here. */
  startMs: number;
  onProgress: (p: Progress) => void;
  intervalMs?: number;
  windowSec?: number;
}

export interface JtlFollower {
  /** Reads the rest of the file and reports (and returns) the final progress. */
  stop(): Progress;
}

/**
 * Reports progress from a growing .jtl every `intervalMs`. Samples count in the second they ended
 * (timeStamp + elapsed), as the built-in engine counts them; threads are the newest sample's allThreads.
 */
export function followJtl(file: string, opts: JtlFollowOptions): JtlFollower {
  const stats = new LiveStats(opts.startMs, opts.windowSec ?? 5);
  let threads = 0;
  const tail = new JtlTail(file, (s) => {
    stats.record(s.timeStamp + s.elapsed, s.elapsed * 1000, s.success);
    threads = s.allThreads;
  });
  const interval = opts.intervalMs ?? 1000;
  let next = opts.startMs + interval;
  const tick = (): void => {
    tail.poll();
    // As of the tick, so each report closes a whole second; JMeter's buffered writer may hold back the last few rows.
    const at = Math.max(Date.now(), next);
    next += interval;
    opts.onProgress(stats.progress(at, threads));
  };
  const timer = setInterval(tick, interval);
  return {
    stop: () => {
      clearInterval(timer);
      tail.finish();
      const p = stats.progress(Date.now(), 0);
      opts.onProgress(p);
      return p;
    },
  };
}
