// The shape checks every page-message guard shares, so each protocol module rejects extra keys the same way.
export function hasOnly(v: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(v).every((k) => keys.includes(k));
}
