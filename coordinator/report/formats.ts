/** Render a report table as CSV, JSON, Markdown or LaTeX (booktabs). */
import { formatCell, type Cell, type Row } from '../../shared/table.js';

export const EXPORT_FORMATS = ['csv', 'json', 'markdown', 'latex'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A column's value type, for typed outputs (Parquet); columns without one are typed from their values. */
export type ColumnType = 'double' | 'int64' | 'string' | 'boolean';

export interface Table {
  title: string;
  columns: string[];
  rows: Row[];
  /** fixed types of some columns (a metric stays double even when every value is a whole number) */
  types?: Readonly<Record<string, ColumnType>>;
}

function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(v) : String(v); // numbers at full precision
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(t: Table): string {
  return (
    [t.columns.map(csvCell).join(','), ...t.rows.map((r) => t.columns.map((c) => csvCell(r[c])).join(','))].join('\n') +
    '\n'
  );
}

export function toJson(t: Table): string {
  const rows = t.rows.map((r) => Object.fromEntries(t.columns.map((c) => [c, r[c] ?? null])));
  return JSON.stringify({ title: t.title, columns: t.columns, rows }, null, 2) + '\n';
}

/**
 * Cell text for markdown and latex: in a column with any fractional number, every number gets `digits`
 * decimals (1 -> 1.0000 beside 0.7500); integer-only columns (rank, counts) stay integers.
 */
function columnFormatter(t: Table, col: string, digits: number): (v: Cell) => string {
  const fractional = t.rows.some((r) => typeof r[col] === 'number' && !Number.isInteger(r[col]));
  return (v) => (typeof v === 'number' && fractional ? v.toFixed(digits) : formatCell(v, digits));
}

const mdEscape = (s: string): string => s.replace(/\|/g, '\\|');

export function toMarkdown(t: Table, digits = 4): string {
  const numeric = t.columns.map((c) => t.rows.some((r) => typeof r[c] === 'number'));
  const head = `| ${t.columns.map(mdEscape).join(' | ')} |`;
  const sep = `|${numeric.map((n) => (n ? '---:' : ':---')).join('|')}|`;
  const fmt = t.columns.map((c) => columnFormatter(t, c, digits));
  const body = t.rows.map((r) => `| ${t.columns.map((c, i) => mdEscape(fmt[i](r[c]))).join(' | ')} |`);
  return [`**${mdEscape(t.title)}**`, '', head, sep, ...body].join('\n') + '\n';
}

export function latexEscape(s: string): string {
  return s.replace(/[\\&%$#_{}~^]/g, (ch) =>
    ch === '\\'
      ? '\\textbackslash{}'
      : ch === '~'
        ? '\\textasciitilde{}'
        : ch === '^'
          ? '\\textasciicircum{}'
          : `\\${ch}`,
  );
}

/** A booktabs table; a row whose first cell is "Mean" gets a \midrule above it. */
export function toLatex(t: Table, digits = 4): string {
  const align = t.columns.map((c) => (t.rows.some((r) => typeof r[c] === 'number') ? 'r' : 'l')).join('');
  const line = (cells: string[]): string => `  ${cells.join(' & ')} \\\\`;
  const out = [
    '\\begin{table}[t]',
    '\\centering',
    `\\caption{${latexEscape(t.title)}}`,
    `\\begin{tabular}{${align}}`,
    '\\toprule',
    line(t.columns.map(latexEscape)),
    '\\midrule',
  ];
  const fmt = t.columns.map((c) => columnFormatter(t, c, digits));
  for (const r of t.rows) {
    if (r[t.columns[0]] === 'Mean') out.push('\\midrule');
    out.push(line(t.columns.map((c, i) => latexEscape(fmt[i](r[c])))));
  }
  out.push('\\bottomrule', '\\end{tabular}', '\\end{table}');
  return out.join('\n') + '\n';
}

export function renderAs(t: Table, format: ExportFormat, digits = 4): string {
  switch (format) {
    case 'csv':
      return toCsv(t);
    case 'json':
      return toJson(t);
    case 'markdown':
      return toMarkdown(t, digits);
    case 'latex':
      return toLatex(t, digits);
  }
}
