// A small line diff (longest common subsequence) for showing what an overwrite would change.
// Lab files are a few hundred lines at most; beyond `maxCells` we show a whole-file replacement.

export function unifiedDiff(
  oldText: string,
  newText: string,
  oldName: string,
  newName: string,
  context = 3,
  maxCells = 4_000_000,
): string {
  const a = oldText.split('\n');
  const b = newText.split('\n');
  const ops = a.length * b.length > maxCells ? replaceAll(a, b) : lcsOps(a, b);
  const lines: string[] = [`--- ${oldName}`, `+++ ${newName}`];
  // Group changes into hunks with `context` unchanged lines around them.
  let i = 0;
  while (i < ops.length) {
    if (ops[i]?.kind === ' ') {
      i++;
      continue;
    }
    let start = Math.max(0, i - context);
    let end = i;
    while (end < ops.length) {
      let j = end;
      while (j < ops.length && ops[j]?.kind !== ' ') j++;
      let k = j;
      while (k < ops.length && ops[k]?.kind === ' ' && k - j < context * 2) k++;
      if (k < ops.length && ops[k]?.kind !== ' ') {
        end = k;
      } else {
        end = Math.min(ops.length, j + context);
        break;
      }
    }
    const hunk = ops.slice(start, end);
    const aStart = (hunk[0]?.a ?? 0) + 1;
    const bStart = (hunk[0]?.b ?? 0) + 1;
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    lines.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`);
    for (const o of hunk) lines.push(`${o.kind}${o.text}`);
    i = end;
    start = end;
  }
  return lines.join('\n');
}

interface Op {
  kind: ' ' | '-' | '+';
  text: string;
  a: number;
  b: number;
}

function lcsOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const table: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = table[i] as Uint32Array;
    const next = table[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--)
      row[j] = a[i] === b[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0);
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i] ?? '', a: i, b: j });
      i++;
      j++;
    } else if (i < n && (j >= m || (table[i + 1]?.[j] ?? 0) >= (table[i]?.[j + 1] ?? 0))) {
      // Deletions first, as diff(1) and git show them.
      ops.push({ kind: '-', text: a[i] ?? '', a: i, b: j });
      i++;
    } else {
      ops.push({ kind: '+', text: b[j] ?? '', a: i, b: j });
      j++;
    }
  }
  return ops;
}

function replaceAll(a: string[], b: string[]): Op[] {
  return [
    ...a.map((text, i) => ({ kind: '-' as const, text, a: i, b: 0 })),
    ...b.map((text, j) => ({ kind: '+' as const, text, a: a.length, b: j })),
  ];
}
