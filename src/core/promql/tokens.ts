// A small PromQL tokenizer: enough to tell metric names from labels, functions and keywords,
// and to find label matchers, for "Did you mean" and the Prometheus 3 matcher rewrites.

export type TokenKind = 'ident' | 'number' | 'string' | 'punct';

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

const identStart = /[A-Za-z_:]/;
const identPart = /[A-Za-z0-9_:]/;
const operatorChars = '=!~<>+-*/%^';

/** A small PromQL tokenizer: enough to tell metric names from labels, functions and keywords. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || c === '`') {
      const start = i++;
      while (i < text.length && text[i] !== c) i += c !== '`' && text[i] === '\\' ? 2 : 1;
      i = Math.min(i + 1, text.length);
      tokens.push({ kind: 'string', text: text.slice(start, i), start, end: i });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text.charAt(i + 1)))) {
      // Numbers, hex, exponents and durations such as 1h30m: letters after a digit never start a name.
      const start = i;
      while (i < text.length && /[0-9A-Za-z_.]/.test(text.charAt(i))) {
        if ((text[i] === 'e' || text[i] === 'E') && (text[i + 1] === '+' || text[i + 1] === '-')) i++;
        i++;
      }
      tokens.push({ kind: 'number', text: text.slice(start, i), start, end: i });
    } else if (identStart.test(c)) {
      const start = i;
      while (i < text.length && identPart.test(text.charAt(i))) i++;
      tokens.push({ kind: 'ident', text: text.slice(start, i), start, end: i });
    } else if (operatorChars.includes(c)) {
      const start = i;
      while (i < text.length && operatorChars.includes(text.charAt(i))) i++;
      tokens.push({ kind: 'punct', text: text.slice(start, i), start, end: i });
    } else {
      tokens.push({ kind: 'punct', text: c, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

/** The value of a PromQL string token (double, single or back quotes). */
export function unquote(s: string): string {
  const body = s.slice(1, -1);
  return s.startsWith('`') ? body : body.replace(/\\(.)/g, '$1');
}
