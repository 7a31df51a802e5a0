// How deeply a YAML or JSON text nests, counted in one cheap pass before it is parsed: the parser
// recurses once per level, so a file of brackets a million deep would exhaust its stack or its time.
// The count errs high (a bracket in an odd plain scalar counts), never low for what parsers nest.

/** Deeper than any real manifest, values file or policy; deeper files are skipped with a note. */
export const maxLintNesting = 200;

const open1 = 0x5b; // [
const open2 = 0x7b; // {
const close1 = 0x5d; // ]
const close2 = 0x7d; // }
const dquote = 0x22;
const squote = 0x27;
const backslash = 0x5c;
const hash = 0x23;
const newline = 0x0a;
const space = 0x20;
const tab = 0x09;
const cr = 0x0d;

function blank(c: number): boolean {
  return c === space || c === tab || c === newline || c === cr;
}

/** YAML starts a quoted scalar or a comment only where a token starts, not inside a plain scalar. */
function tokenStart(text: string, i: number): boolean {
  if (i === 0) return true;
  const p = text.charCodeAt(i - 1);
  return (
    blank(p) ||
    p === open1 ||
    p === open2 ||
    p === 0x2c /* , */ ||
    p === 0x3a /* : */ ||
    p === 0x2d /* - */ ||
    p === 0x3f
  ); /* ? */
}

/** Bracket and brace depth outside strings (and, in YAML, comments). A string ends at its quote or its line. */
function flowDepth(text: string, yaml: boolean): number {
  let depth = 0;
  let max = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === open1 || c === open2) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === close1 || c === close2) {
      if (depth > 0) depth--;
    } else if (c === dquote && (!yaml || tokenStart(text, i))) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === backslash) i++;
        else if (d === dquote || d === newline) break;
      }
    } else if (yaml && c === squote && tokenStart(text, i)) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === squote || d === newline) break;
      }
    } else if (yaml && c === hash && (i === 0 || blank(text.charCodeAt(i - 1)))) {
      while (i < n && text.charCodeAt(i) !== newline) i++;
    }
  }
  return max;
}

/** Block YAML: the stack of indentations, plus compact nested entries on one line (`- - - x`). */
function blockDepth(text: string): number {
  const indents: number[] = [];
  let max = 0;
  const n = text.length;
  let lineStart = 0;
  while (lineStart < n) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = n;
    let i = lineStart;
    while (i < lineEnd && text.charCodeAt(i) === space) i++;
    const c = text.charCodeAt(i);
    if (i < lineEnd && c !== hash && c !== cr) {
      const indent = i - lineStart;
      while (indents.length && (indents[indents.length - 1] ?? 0) > indent) indents.pop();
      if (!indents.length || (indents[indents.length - 1] ?? 0) < indent) indents.push(indent);
      let markers = 0;
      for (;;) {
        const m = text.charCodeAt(i);
        if ((m !== 0x2d && m !== 0x3f) || !(i + 1 >= lineEnd || blank(text.charCodeAt(i + 1)))) break;
        markers++;
        i++;
        while (i < lineEnd && blank(text.charCodeAt(i))) i++;
      }
      const depth = indents.length + markers;
      if (depth > max) max = depth;
    }
    lineStart = lineEnd + 1;
  }
  return max;
}

/** The deepest nesting of a text, as the YAML parser (which reads our JSON too) would recurse into it. */
export function nestingDepth(text: string, kind: 'yaml' | 'json'): number {
  return kind === 'json' ? flowDepth(text, false) : Math.max(flowDepth(text, true), blockDepth(text));
}
