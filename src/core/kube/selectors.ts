// Label selectors as the API writes them, turned into the query string form list calls take.

export interface LabelSelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A selector (or a Service's plain label map) as `app=x,env in (a,b),!gone`. */
export function labelSelectorString(sel: LabelSelectorLike | Record<string, string> | undefined): string {
  if (!sel) return '';
  const s: LabelSelectorLike = 'matchLabels' in sel || 'matchExpressions' in sel ? (sel as LabelSelectorLike) : { matchLabels: sel as Record<string, string> };
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
    }
  }
  return parts.join(',');
}
