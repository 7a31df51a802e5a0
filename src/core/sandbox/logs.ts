// Reading why a program stopped from the last lines of its log, so the sandbox can say
// "port 4317 is in use" instead of "exited with 1".

/** An address in a log line: 127.0.0.1:4317, [::1]:4317, localhost:4317 (not a time such as 10:27:29). */
const addressPort = /(?:\b\d{1,3}(?:\.\d{1,3}){3}|\blocalhost|\[[0-9a-fA-F:.]*\]):(\d{1,5})\b/;

export interface PortInUse {
  /** The port the program named, when it named one (Prometheus and the collector do; waitress does not). */
  port?: number;
  line: string;
}

/** The first log line that says a bind failed because the address is in use. */
export function portInUse(logText: string): PortInUse | undefined {
  const line = logText.split('\n').find((l) => /address already in use/i.test(l));
  if (line === undefined) return undefined;
  const m = addressPort.exec(line.slice(0, line.search(/address already in use/i)));
  return { line: line.trim(), ...(m?.[1] ? { port: Number(m[1]) } : {}) };
}

/** The last non-empty line, shortened to `max` characters. */
export function lastLogLine(logText: string, max = 300): string | undefined {
  const line = logText
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  if (line === undefined) return undefined;
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}
