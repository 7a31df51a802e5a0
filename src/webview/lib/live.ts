// What a screen reader hears of a panel's progress and results: one polite live region per page
// that says at most one thing every few seconds. A load test ticks every second and auto-refresh
// every five; announcing each tick would drown the reader, so the latest text waits its turn and
// the ones it replaced are dropped.
import { el } from './dom';

export interface Announcer {
  /** Says `text` now if the last announcement is old enough, else when it is (only the latest waits). */
  say(text: string): void;
  /** Says `text` at once (a result the student asked for, a failure), dropping what waited. */
  sayNow(text: string): void;
}

export function announcer(everyMs = 5_000): Announcer {
  const region = el('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  region.id = 'announcer';
  document.body.append(region);
  let lastAt = -Infinity;
  let pending: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const put = (text: string): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    pending = undefined;
    lastAt = Date.now();
    region.textContent = text;
  };
  return {
    say(text) {
      if (text === region.textContent && pending === undefined) return;
      const wait = lastAt + everyMs - Date.now();
      if (wait <= 0) return put(text);
      pending = text;
      timer ??= setTimeout(() => {
        timer = undefined;
        if (pending !== undefined) put(pending);
      }, wait);
    },
    sayNow: put,
  };
}
