// The CLI writes through this, so tests run commands in-process and read what they printed.
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Bad usage: exit code 2 with a one-line reason (and the usage text). */
export class UsageError extends Error {}
