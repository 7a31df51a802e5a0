// Virtual time for the built-in engine's semantics: time moves only when every task waits on it,
// so a run of minutes takes milliseconds and every intended start is exact.
import type { Clock } from '../../src/core/loadtest/runner';

export class VirtualClock implements Clock {
  t = 0;
  private timers: { at: number; seq: number; fire: () => void }[] = [];
  private seq = 0;
  private seed = 7;
  now(): number {
    return this.t;
  }
  epochMs(): number {
    return 1_800_000_000_000 + this.t;
  }
  random(): number {
    this.seed = (Math.imul(this.seed, 1664525) + 1013904223) >>> 0;
    return this.seed / 2 ** 32;
  }
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.timers = this.timers.filter((x) => x !== timer);
        resolve();
      };
      const timer = {
        at: this.t + Math.max(0, ms),
        seq: this.seq++,
        fire: (): void => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
  /** Tasks that yielded and have not resumed yet: time does not move for them. */
  private yielding = 0;
  yield(): Promise<void> {
    this.yielding++;
    return new Promise((r) =>
      setImmediate(() => {
        this.yielding--;
        r();
      }),
    );
  }
  /** Runs until `task` settles, jumping to the next timer (in the order they were set) whenever everything waits. */
  async drive<T>(task: Promise<T>): Promise<T> {
    let done = false;
    void task.finally(() => (done = true));
    while (!done) {
      await new Promise((r) => setImmediate(r));
      if (done) break;
      if (!this.timers.length || this.yielding) continue;
      this.t = Math.max(this.t, Math.min(...this.timers.map((x) => x.at)));
      const due = this.timers.filter((x) => x.at <= this.t).sort((a, b) => a.seq - b.seq);
      this.timers = this.timers.filter((x) => x.at > this.t);
      for (const x of due) x.fire();
    }
    return task;
  }
}
