// Applies a Fix's edits to a text, as the editor would: the CLI's --fix and the tests use it.
import type { TextEdit } from '../finding';
import { LineIndex } from './text';

export function applyEdits(text: string, edits: TextEdit[]): string {
  const index = new LineIndex(text);
  const spans = edits
    .map((e) => ({ start: index.offset(e.range.start), end: index.offset(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Number.POSITIVE_INFINITY;
  for (const s of spans) {
    // Overlapping edits would corrupt the text; the later-starting one wins, as in VS Code.
    if (s.end > limit) continue;
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
    limit = s.start;
  }
  return out;
}
