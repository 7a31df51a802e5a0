// The YAML parser's error messages (the `yaml` package writes them in English), as translatable
// sentences: each known message, matched whole, becomes the t`…` whose English is that message
// exactly, its variable parts (a character, a tag, a token) filled in as values. A message this
// table does not know (a newer parser's) is shown as the parser wrote it.
import { t } from '../text/l10n';

/** The parser's name for a flow collection, in a sentence. */
function flowName(name: string): string {
  if (name === 'flow map') return t`flow map`;
  if (name === 'flow sequence') return t`flow sequence`;
  return name;
}

const whole: Record<string, () => string> = {
  'An alias node must not specify any properties': () => t`An alias node must not specify any properties`,
  'Alias cannot be an empty string': () => t`Alias cannot be an empty string`,
  'Alias ending in : is ambiguous': () => t`Alias ending in : is ambiguous`,
  'Anchor cannot be an empty string': () => t`Anchor cannot be an empty string`,
  'Anchor ending in : is ambiguous': () => t`Anchor ending in : is ambiguous`,
  'All sequence items must start at the same column': () => t`All sequence items must start at the same column`,
  'All mapping items must start at the same column': () => t`All mapping items must start at the same column`,
  'A block sequence may not be used as an implicit map key': () =>
    t`A block sequence may not be used as an implicit map key`,
  'Nested mappings are not allowed in compact mappings': () => t`Nested mappings are not allowed in compact mappings`,
  'Block collections are not allowed within flow collections': () =>
    t`Block collections are not allowed within flow collections`,
  'Map keys must be unique': () => t`Map keys must be unique`,
  "Missing closing 'quote": () => t`Missing closing 'quote`,
  'Missing closing "quote': () => t`Missing closing "quote`,
  'Block collection cannot start on same line with directives-end marker': () =>
    t`Block collection cannot start on same line with directives-end marker`,
  'Comments must be separated from other tokens by white space characters': () =>
    t`Comments must be separated from other tokens by white space characters`,
  'Implicit map keys need to be followed by map values': () => t`Implicit map keys need to be followed by map values`,
  'Missing directives-end indicator line': () => t`Missing directives-end indicator line`,
  'Missing directives-end/doc-start indicator line': () => t`Missing directives-end/doc-start indicator line`,
  'Sequence item without - indicator': () => t`Sequence item without - indicator`,
  'Tags and anchors must be separated from the next token by white space': () =>
    t`Tags and anchors must be separated from the next token by white space`,
  'Implicit keys need to be on a single line': () => t`Implicit keys need to be on a single line`,
  'Implicit keys of flow sequence pairs need to be on a single line': () =>
    t`Implicit keys of flow sequence pairs need to be on a single line`,
  'A node can have at most one anchor': () => t`A node can have at most one anchor`,
  'A node can have at most one tag': () => t`A node can have at most one tag`,
  'Tabs are not allowed as indentation': () => t`Tabs are not allowed as indentation`,
  'Block scalars with more-indented leading empty lines must use an explicit indentation indicator': () =>
    t`Block scalars with more-indented leading empty lines must use an explicit indentation indicator`,
  'Block scalar values in collections must be indented': () => t`Block scalar values in collections must be indented`,
  'Block scalar lines must not be less indented than their explicit indentation indicator': () =>
    t`Block scalar lines must not be less indented than their explicit indentation indicator`,
  'Block scalar lines must not be less indented than their first line': () =>
    t`Block scalar lines must not be less indented than their first line`,
  'Flow end indicator should be more indented than parent': () =>
    t`Flow end indicator should be more indented than parent`,
  'Missing newline after block sequence props': () => t`Missing newline after block sequence props`,
  'Unexpected doc-end without preceding document': () => t`Unexpected doc-end without preceding document`,
  'Excessive alias count indicates a resource exhaustion attack': () =>
    t`Excessive alias count indicates a resource exhaustion attack`,
  'Map comment with trailing content': () => t`Map comment with trailing content`,
  'Unexpected block-seq-ind on same line with key': () => t`Unexpected block-seq-ind on same line with key`,
};

const patterns: [RegExp, (m: RegExpExecArray) => string][] = [
  // The parser's own tokens, with the source the composer adds: Unexpected scalar token in YAML stream: "b".
  [/^Unexpected (\S+) token in YAML stream: (.*)$/s, (m) => t`Unexpected ${m[1]} token in YAML stream: ${m[2]}`],
  [/^Unexpected (\S+) token in YAML stream$/, (m) => t`Unexpected ${m[1]} token in YAML stream`],
  [/^Unexpected (\S+) token in YAML document: (.*)$/s, (m) => t`Unexpected ${m[1]} token in YAML document: ${m[2]}`],
  [/^Unexpected (\S+) token in YAML document$/, (m) => t`Unexpected ${m[1]} token in YAML document`],
  [/^Could not resolve tag: (.*)$/s, (m) => t`Could not resolve tag: ${m[1]}`],
  [/^Invalid escape sequence (.*)$/s, (m) => t`Invalid escape sequence ${m[1]}`],
  [
    /^Anchors and tags must be after the (.*) indicator$/s,
    (m) => t`Anchors and tags must be after the ${m[1]} indicator`,
  ],
  [/^Plain value cannot start with (.*)$/s, (m) => t`Plain value cannot start with ${m[1]}`],
  [/^Missing , between (flow map|flow sequence) items$/, (m) => t`Missing , between ${flowName(m[1] ?? '')} items`],
  [
    /^Missing , or : between (flow map|flow sequence) items$/,
    (m) => t`Missing , or : between ${flowName(m[1] ?? '')} items`,
  ],
  [/^Missing space after : in (flow map|flow sequence)$/, (m) => t`Missing space after : in ${flowName(m[1] ?? '')}`],
  [/^Unresolved tag: (.*)$/s, (m) => t`Unresolved tag: ${m[1]}`],
  [
    /^Block scalar header includes extra characters: (.*)$/s,
    (m) => t`Block scalar header includes extra characters: ${m[1]}`,
  ],
  [
    /^Unresolved alias \(the anchor must be set before the alias\): (.*)$/s,
    (m) => t`Unresolved alias (the anchor must be set before the alias): ${m[1]}`,
  ],
  [/^Unexpected empty item in (flow map|flow sequence)$/, (m) => t`Unexpected empty item in ${flowName(m[1] ?? '')}`],
  [/^Unexpected (.*) in collection$/s, (m) => t`Unexpected ${m[1]} in collection`],
  [/^Unexpected (.*) in (flow map|flow sequence)$/s, (m) => t`Unexpected ${m[1]} in ${flowName(m[2] ?? '')}`],
  [/^Unexpected (.*) at node end$/s, (m) => t`Unexpected ${m[1]} at node end`],
  [/^Unexpected (\S+) token$/, (m) => t`Unexpected ${m[1]} token`],
  [
    /^Flow map in block collection must be sufficiently indented and end with a (.*)$/s,
    (m) => t`Flow map in block collection must be sufficiently indented and end with a ${m[1]}`,
  ],
  [
    /^Flow sequence in block collection must be sufficiently indented and end with a (.*)$/s,
    (m) => t`Flow sequence in block collection must be sufficiently indented and end with a ${m[1]}`,
  ],
  [/^Flow map must end with a (.*)$/s, (m) => t`Flow map must end with a ${m[1]}`],
  [/^Flow sequence must end with a (.*)$/s, (m) => t`Flow sequence must end with a ${m[1]}`],
];

/** The parser's `message` in the language of the moment, or as it is when this table does not know it. */
export function parserMessage(message: string): string {
  if (Object.hasOwn(whole, message)) return whole[message]?.() ?? message;
  for (const [re, say] of patterns) {
    const m = re.exec(message);
    if (m) return say(m);
  }
  return message;
}
