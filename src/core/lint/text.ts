// Offsets to positions, and the mapping from an embedded document's own text (a collector
// config inside a ConfigMap's block scalar) back to positions in the file that holds it.
import type { Position, Range } from '../finding';

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - (this.starts[lo] ?? 0) };
  }

  offset(pos: Position): number {
    const start = this.starts[Math.min(pos.line, this.starts.length - 1)] ?? 0;
    return Math.min(start + pos.character, this.text.length);
  }

  get lineCount(): number {
    return this.starts.length;
  }
}

/** Maps positions in some text to positions in the file the text is part of. */
export type PositionMap = (p: Position) => Position;

export const identity: PositionMap = (p) => p;

/**
 * For a block scalar (`key: |` followed by indented lines) whose header `|` sits on file line
 * `headerLine`, content line i is file line headerLine + 1 + i, shifted right by `indent`.
 */
export function blockScalarMap(headerLine: number, indent: number): PositionMap {
  return (p) => ({ line: headerLine + 1 + p.line, character: p.character + indent });
}

/** A Range in a view's own text, mapped into its file. */
export function mapRange(index: LineIndex, map: PositionMap, start: number, end: number): Range {
  return { start: map(index.position(start)), end: map(index.position(Math.max(start, end))) };
}

/** Indentation of a block scalar's content: the smallest indent of its non-blank lines. */
export function blockIndent(fileText: string, contentStart: number, contentEnd: number): number {
  let indent = Number.POSITIVE_INFINITY;
  for (const line of fileText.slice(contentStart, contentEnd).split('\n')) {
    if (line.trim() === '') continue;
    indent = Math.min(indent, line.length - line.trimStart().length);
  }
  return Number.isFinite(indent) ? indent : 0;
}
