// The README's table of finding codes, generated from src/core/lint/codes.ts (the linter's) and
// src/core/iam/codes.ts (Inspect IRSA Role's, from the live role and cluster) and
// src/core/doctor/codes.ts (Run Doctor's links).
import { doctorCodeInfo } from '../src/core/doctor/codes';
import { irsaFindingCodes } from '../src/core/iam/codes';
import { findingCodes } from '../src/core/lint/codes';

export const startMarker = '<!-- finding-codes:start (npm run docs) -->';
export const endMarker = '<!-- finding-codes:end -->';

const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function findingsTable(): string {
  const all = [
    ...findingCodes,
    ...irsaFindingCodes.filter((c) => !findingCodes.some((f) => f.code === c.code)),
    ...doctorCodeInfo,
  ];
  const rows = all.map(
    (c) => `| \`${c.code}\` | ${c.severity} | ${cell(c.summary)} | \`${cell(c.bad)}\` | \`${cell(c.good)}\` |`,
  );
  return [startMarker, '| Code | Severity | Meaning | Bad | Good |', '|---|---|---|---|---|', ...rows, endMarker].join(
    '\n',
  );
}

export function withTable(readme: string): string {
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (start < 0 || end < 0) throw new Error(`README.md lacks the ${startMarker} … ${endMarker} markers`);
  return readme.slice(0, start) + findingsTable() + readme.slice(end + endMarker.length);
}
