// The words of npm start's "Lab setup" status-bar item, apart from VS Code so that unit tests
// read them: one line per step, and the whole in a few words.
import type { PrepareProgress, StepProgress } from '../prepare';

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function stepLine(s: StepProgress): string {
  const last = s.lastMs !== undefined ? `, ${duration(s.lastMs)} last time` : '';
  switch (s.state) {
    case 'done':
      return `$(check) ${s.label} (${duration(s.ms ?? 0)})`;
    case 'running':
      return `$(sync~spin) ${s.label} (running${last})`;
    case 'failed':
      return `$(error) ${s.label}: ${s.why ?? 'failed'}`;
    case 'skipped':
      return `$(circle-slash) ${s.label}: ${s.why ?? 'not needed'}`;
    default:
      return `$(circle-outline) ${s.label}${last ? ` (${last.slice(2)})` : ''}`;
  }
}

/** The status bar's words for the whole: the running step, or how it ended. */
export function summary(p: PrepareProgress): { text: string; done: boolean } {
  const failed = p.steps.filter((s) => s.state === 'failed');
  const running = p.steps.find((s) => s.state === 'running');
  if (running) {
    const n = p.steps.indexOf(running) + 1;
    const last = running.lastMs !== undefined ? `, ${duration(running.lastMs)} last time` : '';
    return { text: `$(sync~spin) Lab setup ${n}/${p.steps.length}: ${running.label}${last}`, done: false };
  }
  if (!p.finishedAt) return { text: '$(sync~spin) Lab setup: starting', done: false };
  if (failed.length)
    return { text: `$(warning) Lab setup: ${failed.length} step${failed.length > 1 ? 's' : ''} failed`, done: true };
  return { text: '$(check) Lab setup: ready', done: true };
}
