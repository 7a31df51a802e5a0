// A small XML reader with source offsets, enough for JMeter plans: elements, attributes,
// text, comments, CDATA and processing instructions. Errors are reported, never thrown.
import { t } from '../text/l10n';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  /** Offsets of the start tag's `<` and of the end of the element (after its end tag). */
  start: number;
  end: number;
  /** Offsets of the text content, when the element holds only text. */
  textStart: number;
  textEnd: number;
}

export interface XmlError {
  message: string;
  offset: number;
}

export interface XmlDocument {
  root: XmlElement | undefined;
  errors: XmlError[];
}

const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return entities[e] ?? whole;
  });
}

/** Deeper nesting than any real plan is refused, so a hostile file cannot exhaust the stack. */
const maxDepth = 500;

export function parseXml(text: string): XmlDocument {
  const errors: XmlError[] = [];
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const fail = (message: string, offset: number): XmlDocument => {
    errors.push({ message, offset });
    return { root, errors };
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const textEnd = lt < 0 ? text.length : lt;
    if (textEnd > i) {
      const top = stack.at(-1);
      const chunk = text.slice(i, textEnd);
      if (top) {
        if (top.text === '') top.textStart = i;
        top.text += decode(chunk);
        top.textEnd = textEnd;
      } else if (chunk.trim()) {
        return fail(t`text outside the root element`, i);
      }
    }
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) return fail(t`comment is not closed with -->`, lt);
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end < 0) return fail(t`CDATA section is not closed with ]]>`, lt);
      const top = stack.at(-1);
      if (top) {
        if (top.text === '') top.textStart = lt + 9;
        top.text += text.slice(lt + 9, end);
        top.textEnd = end;
      }
      i = end + 3;
    } else if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) return fail(t`processing instruction is not closed with ?>`, lt);
      i = end + 2;
    } else if (text.startsWith('<!', lt)) {
      // A DOCTYPE: skipped, and its entities never expanded.
      const end = text.indexOf('>', lt + 2);
      if (end < 0) return fail(t`declaration is not closed with >`, lt);
      i = end + 1;
    } else if (text.startsWith('</', lt)) {
      const m = /^<\/([\w:.-]+)\s*>/.exec(text.slice(lt, lt + 300));
      if (!m) return fail(t`malformed end tag`, lt);
      const top = stack.pop();
      if (!top) return fail(t`end tag </${m[1]}> without a start tag`, lt);
      if (top.name !== m[1]) return fail(t`end tag </${m[1]}> does not match <${top.name}>`, lt);
      top.end = lt + m[0].length;
      i = top.end;
    } else {
      const m = /^<([\w:.-]+)/.exec(text.slice(lt, lt + 300));
      if (!m?.[1]) return fail(t`"<" that starts no tag (write &lt; in text)`, lt);
      let j = lt + m[0].length;
      const attrs: Record<string, string> = {};
      for (;;) {
        while (j < text.length && /\s/.test(text[j] ?? '')) j++;
        if (text.startsWith('/>', j) || text[j] === '>') break;
        const a = /^([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/.exec(text.slice(j, j + 100_000));
        if (!a?.[1]) return fail(t`malformed attribute in <${m[1]}>`, j);
        attrs[a[1]] = decode(a[3] ?? a[4] ?? '');
        j += a[0].length;
        if (j >= text.length) return fail(t`<${m[1]}> is not closed`, lt);
      }
      if (j >= text.length) return fail(t`<${m[1]}> is not closed`, lt);
      const selfClosing = text[j] === '/';
      const el: XmlElement = {
        name: m[1],
        attrs,
        children: [],
        text: '',
        start: lt,
        end: 0,
        textStart: j + (selfClosing ? 2 : 1),
        textEnd: j + (selfClosing ? 2 : 1),
      };
      const parent = stack.at(-1);
      if (parent) parent.children.push(el);
      else if (root) return fail(t`a second root element`, lt);
      else root = el;
      if (selfClosing) {
        el.end = j + 2;
        i = j + 2;
      } else {
        if (stack.length >= maxDepth) return fail(t`elements nested deeper than ${maxDepth}`, lt);
        stack.push(el);
        i = j + 1;
      }
    }
  }
  if (stack.length) return fail(t`<${stack.at(-1)?.name}> is never closed`, stack.at(-1)?.start ?? 0);
  if (!root) return fail(t`no root element`, 0);
  return { root, errors };
}

export function* walk(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const c of el.children) yield* walk(c);
}
