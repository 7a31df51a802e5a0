// The collector corpus: each config records what the real collectors did with it (first line
// `# expect: recent=…; newest=…; old=…` from `otelcol validate` at each of the harness's builds,
// optional `# start: …` from a real start), so the truth tests can hold our verdicts to theirs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const collectorFixturesDir = join(__dirname, '..', 'fixtures', 'collector');

export type Verdict = 'accept' | 'reject';
/** The harness's builds (test/harness/otelcol.ts collectorVersions): the lab's pin, the newest, the old one. */
export type Role = 'recent' | 'newest' | 'old';
export const roles: readonly Role[] = ['recent', 'newest', 'old'];

export interface CollectorFixture {
  file: string;
  text: string;
  expect: Record<Role, Verdict>;
  why: string;
  /** What a real start did, per role, when the fixture records one. */
  start: Partial<Record<Role, string>>;
}

export function loadCollectorFixtures(): CollectorFixture[] {
  return readdirSync(collectorFixturesDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(collectorFixturesDir, file), 'utf8');
      const lines = text.split('\n');
      const [first, second] = lines;
      const m = /^# expect: recent=(accept|reject); newest=(accept|reject); old=(accept|reject)$/.exec(first ?? '');
      if (!m)
        throw new Error(
          `${file}: the first line must be '# expect: recent=<accept|reject>; newest=<accept|reject>; ` +
            `old=<accept|reject>', not '${first}'`,
        );
      if (!second?.startsWith('# why: ')) throw new Error(`${file}: the second line must be '# why: ...'`);
      const startLine = lines.find((l) => l.startsWith('# start: '))?.slice('# start: '.length) ?? '';
      const start: Partial<Record<Role, string>> = {};
      for (const part of startLine.split(/;\s*(?=(?:recent|newest|old)=)/)) {
        const s = /^(recent|newest|old)=(.*)$/.exec(part.trim());
        if (s) start[s[1] as Role] = s[2] ?? '';
      }
      return {
        file,
        text,
        expect: { recent: m[1] as Verdict, newest: m[2] as Verdict, old: m[3] as Verdict },
        why: second.slice('# why: '.length),
        start,
      };
    });
}
