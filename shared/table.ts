/** Human tables for TTY output; commands print JSON instead when --json is given. */

export type Cell = string | number | boolean | null | undefined;
export type Row = Record<string, Cell>;

export function formatCell(v: Cell, digits = 4): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  return String(v);
}

/** Render rows as an aligned plain-text table; numbers are right-aligned. */
export function renderTable(rows: readonly Row[], columns?: readonly string[], digits = 4): string {
  const cols = columns ?? (rows.length ? Object.keys(rows[0]) : []);
  const cells = rows.map((r) => cols.map((c) => formatCell(r[c], digits)));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const numeric = cols.map(
    (c) => rows.length > 0 && rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number'),
  );
  const line = (vals: string[]): string =>
    vals
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line([...cols]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
