// The one currency of every check: the editor shows Findings as diagnostics, the CLI prints
// them as JSON, the doctor reports them. Positions are 0-based here; the CLI adds 1.

export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A replacement of `range` in `file` with `newText`; a fix is a list of them, applied together. */
export interface TextEdit {
  file?: string;
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  file?: string;
  range?: Range;
  fixes?: Fix[];
}
