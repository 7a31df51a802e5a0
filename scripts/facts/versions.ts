// Version numbers as the registries `npm run facts` asks write them: Go modules (v1.2.3, v2.0.0+incompatible,
// pseudo-versions), PyPI (0.66b1, 1.0rc1, 1.0.post1), Maven (5.6.3, 4.0.0-M1) and npm (4.139.1, 5.0.0-rc.1).
// One ordering for all of them is enough to say which is newest; nothing here does I/O.

/** Pre-releases order below the release, post-releases above it. */
type Stage = 'dev' | 'alpha' | 'beta' | 'rc' | 'release' | 'post';

const stageRank: Record<Stage, number> = { dev: 0, alpha: 1, beta: 2, rc: 3, release: 4, post: 5 };

export interface ParsedVersion {
  text: string;
  release: number[];
  stage: Stage;
  /** The number after the stage (b1 → 1, -rc.2 → 2); 0 when there is none. */
  stageNumber: number;
}

function stageOf(word: string): Stage {
  const w = word.toLowerCase();
  if (w === '' || w === 'final' || w === 'ga' || w === 'release') return 'release';
  if (w === 'post' || w === 'rev' || w === 'r' || w === 'sp') return 'post';
  if (w === 'a' || w === 'alpha' || w === 'm' || w === 'milestone') return 'alpha';
  if (w === 'b' || w === 'beta') return 'beta';
  if (w === 'rc' || w === 'c' || w === 'cr' || w === 'pre' || w === 'preview') return 'rc';
  // dev, snapshot, nightly, Go pseudo-versions' timestamps: below every named pre-release.
  return 'dev';
}

/** Reads a version, or undefined for text that is not one (a tag such as `latest`). */
export function parseVersion(text: string): ParsedVersion | undefined {
  const t = text.trim();
  const m = /^v?(?:\d+!)?(\d+(?:\.\d+)*)(.*)$/i.exec(t);
  if (!m) return undefined;
  const release = (m[1] ?? '').split('.').map(Number);
  // Build metadata (+incompatible, +build.5) does not order versions.
  const rest = (m[2] ?? '').replace(/\+.*$/, '');
  if (rest === '') return { text: t, release, stage: 'release', stageNumber: 0 };
  const s = /^[-._]?([a-z]*)[-._]?(\d*)/i.exec(rest);
  const word = s?.[1] ?? '';
  const stage = word === '' && /^[-._]?\d/.test(rest) ? 'dev' : stageOf(word);
  return { text: t, release, stage, stageNumber: Number(s?.[2] || 0) };
}

/** Negative when a is older than b, positive when newer, 0 when the same. */
export function compareParsed(a: ParsedVersion, b: ParsedVersion): number {
  const n = Math.max(a.release.length, b.release.length);
  for (let i = 0; i < n; i++) {
    const d = (a.release[i] ?? 0) - (b.release[i] ?? 0);
    if (d !== 0) return d;
  }
  return stageRank[a.stage] - stageRank[b.stage] || a.stageNumber - b.stageNumber;
}

export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  return compareParsed(pa, pb);
}

export function isPrerelease(text: string): boolean {
  const p = parseVersion(text);
  return p !== undefined && stageRank[p.stage] < stageRank.release;
}

/**
 * Which versions a pin moves along: `any` (the newest of all), or `major` (the newest with the
 * pin's first number, for a part that must stay on one major, such as the Node code-server needs).
 */
export type Track = 'any' | 'major';

/**
 * The newest of `available` that the pin would move to: versions that do not parse and Go's
 * `+incompatible` ones (pre-modules majors of a module now numbered v0) are left out, and so are
 * pre-releases, unless the pin is one itself (OpenTelemetry's Python instrumentation is all betas).
 */
export function newestFor(pinned: string, available: readonly string[], track: Track = 'any'): string | undefined {
  const pin = parseVersion(pinned);
  const wantPre = isPrerelease(pinned);
  let best: ParsedVersion | undefined;
  for (const text of available) {
    if (text.includes('+incompatible')) continue;
    const v = parseVersion(text);
    if (!v) continue;
    if (!wantPre && stageRank[v.stage] < stageRank.release) continue;
    if (track === 'major' && pin && v.release[0] !== pin.release[0]) continue;
    if (!best || compareParsed(v, best) > 0) best = v;
  }
  return best?.text;
}

/** Whether the registry lists the pinned version (with or without Go's leading `v`). */
export function listsVersion(pinned: string, available: readonly string[]): boolean {
  const bare = (s: string): string => s.trim().replace(/^v/, '');
  return available.some((v) => bare(v) === bare(pinned));
}
