// The query page's hover on a metric name, answered by the host: the .promql hover's text
// (nameHover.ts, the name translator run backwards) as lines of parts, so the page builds elements
// and never parses Markdown or HTML. Apart from the protocol module, so the page's bundle does not
// carry the translator's tables.
import type { HoverPart, NameInfoMessage, NameInfoRequest } from '../protocol/query';
import { nameHover } from './nameHover';

/** One line of nameHover's Markdown (`code`, **strong**, words) as parts. */
export function hoverParts(line: string): HoverPart[] {
  const parts: HoverPart[] = [];
  line.split(/(\*\*`[^`]*`\*\*|`[^`]*`)/).forEach((piece) => {
    if (!piece) return;
    if (piece.startsWith('**`')) parts.push({ text: piece.slice(3, -3), code: true, strong: true });
    else if (piece.startsWith('`')) parts.push({ text: piece.slice(1, -1), code: true });
    else parts.push({ text: piece.replace(/\*\*/g, '') });
  });
  return parts;
}

/**
 * The host's answer to a nameInfo request: the .promql hover's text (src/core/promql/nameHover.ts)
 * for the name written as PromQL writes it (`{"x.y"}` for a UTF-8 name), or no lines.
 */
export function nameInfoAnswer(m: NameInfoRequest): NameInfoMessage {
  const legacy = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(m.name);
  const hover = legacy ? nameHover(m.name, 0) : nameHover(`{${JSON.stringify(m.name)}}`, 1);
  return { type: 'nameInfo', id: m.id, name: m.name, lines: hover ? hover.lines.map(hoverParts) : [] };
}
