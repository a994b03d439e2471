/** Displaying grid-point parameters: which ones vary, and one cell per value. */

/** One table cell for a parameter value: subbands as LL+LH+HL, null as none, objects as k=v lists. */
export function paramCell(v: unknown): string | number {
  if (v === null || v === undefined) return 'none';
  if (Array.isArray(v)) return v.map(String).join('+');
  if (typeof v === 'object')
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}=${String(x)}`)
      .join(' ');
  if (typeof v === 'number') return v;
  return String(v);
}

/** Parameter keys whose value differs between the given points, in the points' key order. */
export function varyingKeys(points: readonly Record<string, unknown>[]): string[] {
  if (points.length === 0) return [];
  const keys = Object.keys(points[0]);
  return keys.filter((k) => new Set(points.map((p) => JSON.stringify(p[k]))).size > 1);
}
