/** A plain object (not null, not an array): what parsed JSON or YAML has to be before its keys are read. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
