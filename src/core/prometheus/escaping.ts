// Prometheus' value-encoding escaping of names (`U__`), which its HTTP API reads where a name is
// part of the URL path: /api/v1/label/<name>/values unescapes a name that starts with U__ before it
// checks it (web/api/v1/api.go labelValues, Prometheus 3.14.0; docs/querying/api.md "Values
// Escaping", needed for a name with `/`). A port of common/model EscapeName(name,
// ValueEncodingEscaping) at v0.70.1, the version Prometheus 3.14.0 builds with; checked 2026-12-05.

/** Go's isValidLegacyRune: letters, `_`, `:`, and digits after the first character. */
function legacyRune(c: string, first: boolean): boolean {
  return /^[a-zA-Z_:]$/.test(c) || (!first && /^[0-9]$/.test(c));
}

function isLegacyName(name: string): boolean {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name);
}

/**
 * The name as the label-values path must carry it: a legacy name as it is (`http_route`), any
 * other as `U__` + the name with `_` doubled and every other character as `_<hex code point>_`
 * (`http.route` → `U__http_2e_route`). A legacy name that itself starts with `U__` is escaped too,
 * or Prometheus would unescape it into another name.
 */
export function escapeNameForPath(name: string): string {
  if (!name || (isLegacyName(name) && !name.startsWith('U__'))) return name;
  let out = 'U__';
  let first = true;
  for (const c of name) {
    const code = c.codePointAt(0) ?? 0xfffd;
    if (c === '_') out += '__';
    else if (legacyRune(c, first)) out += c;
    // A lone surrogate is not a rune Go can hold: it writes the replacement character.
    else if (code >= 0xd800 && code <= 0xdfff) out += '_FFFD_';
    else out += `_${code.toString(16)}_`;
    first = false;
  }
  return out;
}
