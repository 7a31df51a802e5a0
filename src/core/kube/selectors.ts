// Label selectors as the API writes them: whether one selects a set of labels, and the query
// string form list calls take.

export interface LabelSelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A selector (or a Service's plain label map) as `app=x,env in (a,b),!gone`. */
export function labelSelectorString(sel: LabelSelectorLike | Record<string, string> | undefined): string {
  if (!sel) return '';
  const s: LabelSelectorLike =
    'matchLabels' in sel || 'matchExpressions' in sel
      ? (sel as LabelSelectorLike)
      : { matchLabels: sel as Record<string, string> };
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

/** Kubernetes label selector semantics; null selects nothing, {} everything. */
export function selectorMatches(sel: LabelSelectorLike | null, labels: Record<string, string>): boolean {
  if (sel === null) return false;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && value !== undefined && values.includes(value))) return false;
    if (e.operator === 'NotIn' && has && value !== undefined && values.includes(value)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
