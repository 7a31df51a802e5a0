// Follows log files as they grow (tail -f for several files), so the sandbox's parts' logs can
// stream into an output channel. Polls: the files live on local disk and change a few times a second.
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export interface FollowedLog {
  name: string;
  path: string;
}

export interface LogFollower {
  /** Reads what was added since the last look (the timer calls it; tests call it directly). */
  poll(): void;
  stop(): void;
}

export function followLogs(
  logs: FollowedLog[],
  onLine: (name: string, line: string) => void,
  intervalMs = 1000,
  fromStart = false,
): LogFollower {
  const offsets = new Map<string, number>();
  const partial = new Map<string, string>();
  for (const log of logs) {
    let size = 0;
    try {
      size = statSync(log.path).size;
    } catch {
      // not created yet
    }
    offsets.set(log.path, fromStart ? 0 : size);
  }
  const poll = (): void => {
    for (const log of logs) {
      let size: number;
      try {
        size = statSync(log.path).size;
      } catch {
        continue;
      }
      let offset = offsets.get(log.path) ?? 0;
      if (size < offset) offset = 0; // truncated or replaced: start over
      if (size === offset) continue;
      const length = Math.min(size - offset, 1 << 20);
      const buffer = Buffer.alloc(length);
      const fd = openSync(log.path, 'r');
      try {
        readSync(fd, buffer, 0, length, offset);
      } finally {
        closeSync(fd);
      }
      offsets.set(log.path, offset + length);
      const text = (partial.get(log.path) ?? '') + buffer.toString('utf8');
      const lines = text.split('\n');
      partial.set(log.path, lines.pop() ?? '');
      for (const line of lines) if (line.length) onLine(log.name, line);
    }
  };
  const timer = setInterval(poll, intervalMs);
  timer.unref();
  return { poll, stop: () => clearInterval(timer) };
}
