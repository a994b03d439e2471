/**
 * A report table as an Apache Parquet file (hyparquet-writer), typed so that `pandas.read_parquet` gives a tidy
 * frame: numbers as DOUBLE or INT64, text as UTF8 strings, booleans as BOOLEAN, and nulls where a value is missing.
 * A table may fix a column's type (`Table.types`); otherwise it is read off the column's values.
 */
import { parquetWriteBuffer, type BasicType, type ColumnSource } from 'hyparquet-writer';
import type { Cell } from '../../shared/table.js';
import type { ColumnType, Table } from './formats.js';

const PARQUET_TYPE: Record<ColumnType, BasicType> = {
  double: 'DOUBLE',
  int64: 'INT64',
  string: 'STRING',
  boolean: 'BOOLEAN',
};

/** The column's declared type, else: all booleans -> boolean, all integers -> int64, all numbers -> double, else string. */
export function columnTypeOf(t: Table, col: string): ColumnType {
  const declared = t.types?.[col];
  if (declared) return declared;
  const vs = t.rows.map((r) => r[col]).filter((v) => v !== null && v !== undefined);
  if (vs.length === 0) return 'string';
  if (vs.every((v) => typeof v === 'boolean')) return 'boolean';
  if (vs.every((v) => typeof v === 'number')) return vs.every((v) => Number.isSafeInteger(v)) ? 'int64' : 'double';
  return 'string';
}

function cellAs(v: Cell, type: ColumnType, col: string): string | number | bigint | boolean | null {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'string':
      return String(v);
    case 'boolean':
      return Boolean(v);
    case 'double':
      if (typeof v !== 'number') throw new Error(`parquet: column ${col} is double but holds ${JSON.stringify(v)}`);
      return v;
    case 'int64':
      if (typeof v !== 'number' || !Number.isSafeInteger(v))
        throw new Error(`parquet: column ${col} is int64 but holds ${JSON.stringify(v)}`);
      return BigInt(v);
  }
}

/** The table as the bytes of a Parquet file (one row group per 100k rows, snappy-compressed, title in the metadata). */
export function toParquet(t: Table): Uint8Array {
  const columnData: ColumnSource[] = t.columns.map((name) => {
    const type = columnTypeOf(t, name);
    return { name, type: PARQUET_TYPE[type], nullable: true, data: t.rows.map((r) => cellAs(r[name], type, name)) };
  });
  const buf = parquetWriteBuffer({
    columnData,
    kvMetadata: [{ key: 'wepadim.title', value: t.title }],
    createdBy: 'wepadim',
  });
  return new Uint8Array(buf);
}
