/**
 * Parquet export: the trials table written with hyparquet-writer and read back with hyparquet gives the database's
 * values, typed columns (DOUBLE metrics even when a value is a whole number, INT64 counts and levels, UTF8 text)
 * and nulls where a trial has no value (a pending trial, a metric one trial lacks).
 */
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../coordinator/store/db.js';
import { SweepStore } from '../../coordinator/store/index.js';
import { buildExport } from '../../coordinator/report/export.js';
import { columnTypeOf, toParquet } from '../../coordinator/report/parquet.js';
import { makeSweep, seedResults } from '../store/seed.js';

const METRICS = ['image_auroc', 'aupro', 'f1_max', 'image_auroc.defect.crack', 'time.total_s'];

async function readBack(bytes: Uint8Array) {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const meta = parquetMetadata(buf);
  const rows = (await parquetReadObjects({ file: buf })) as Record<string, unknown>[];
  return { schema: new Map(meta.schema.slice(1).map((e) => [e.name, e])), rows, kv: meta.key_value_metadata };
}

describe('export --format parquet', () => {
  it('trials: every value equals the database, every column typed, missing values null', async () => {
    const db = openDatabase(':memory:');
    const store = new SweepStore(db);
    try {
      const sweep = makeSweep('pq', { classes: ['bottle', 'cable'], level: [1, 2], sigma: [2, 4.5] });
      const seeded = seedResults(db, store.submit(sweep).sweepId, METRICS, 5, (i) => i === 3); // trial 4 stays pending
      // one done trial lacks a metric; another has an AUROC of exactly 1
      db.prepare("DELETE FROM metrics WHERE trial_id = ? AND name = 'f1_max'").run(seeded[0].id);
      db.prepare("UPDATE metrics SET value = 1 WHERE trial_id = ? AND name = 'image_auroc'").run(seeded[1].id);
      const stored = db
        .prepare('SELECT t.key, m.name, m.value FROM metrics m JOIN trials t ON t.id = m.trial_id WHERE m.final = 1')
        .all() as { key: string; name: string; value: number }[];
      const trials = db.prepare('SELECT key, class, status, attempts, params_json FROM trials').all() as {
        key: string;
        class: string;
        status: string;
        attempts: number;
        params_json: string;
      }[];

      const table = buildExport(store.reads, { sweep: 'pq', table: 'trials' });
      const { schema, rows, kv } = await readBack(toParquet(table));
      expect([...schema.keys()]).toEqual(table.columns);
      expect(kv).toContainEqual({ key: 'wepadim.title', value: 'pq: every trial with every final metric' });
      for (const m of METRICS) expect(schema.get(m)).toMatchObject({ type: 'DOUBLE', repetition_type: 'OPTIONAL' });
      for (const c of ['trial', 'class', 'status', 'wavelet', 'subbands', 'backbone'])
        expect(schema.get(c)).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
      for (const c of ['attempts', 'level']) expect(schema.get(c)?.type).toBe('INT64');
      for (const c of ['sigma', 'cov_reg']) expect(schema.get(c)?.type).toBe('DOUBLE');

      expect(rows).toHaveLength(trials.length);
      for (const t of trials) {
        const row = rows.find((r) => r.trial === t.key.slice(0, 12))!;
        const p = JSON.parse(t.params_json) as { level: number; sigma: number; subbands: string[] };
        expect(row).toMatchObject({ class: t.class, status: t.status, attempts: BigInt(t.attempts) });
        expect(row).toMatchObject({ level: BigInt(p.level), sigma: p.sigma, subbands: p.subbands.join('+') });
        for (const m of METRICS)
          expect(row[m]).toBe(stored.find((s) => s.key === t.key && s.name === m)?.value ?? null);
      }
      expect(rows.filter((r) => r.status === 'pending').map((r) => r.image_auroc)).toEqual([null]);
      expect(rows.filter((r) => r.f1_max === null)).toHaveLength(2); // the pending trial and the one without it
      expect(rows.some((r) => r.image_auroc === 1)).toBe(true);
    } finally {
      store.close();
    }
  });

  it('other tables: column types read off the values (integers INT64, fractions DOUBLE, text UTF8)', async () => {
    const t = {
      title: 't',
      columns: ['rank', 'score', 'name', 'empty'],
      rows: [
        { rank: 1, score: 0.5, name: 'a', empty: null },
        { rank: 2, score: 1, name: 'b', empty: null },
      ],
    };
    expect(t.columns.map((c) => columnTypeOf(t, c))).toEqual(['int64', 'double', 'string', 'string']);
    const { schema, rows } = await readBack(toParquet(t));
    expect(schema.get('rank')?.type).toBe('INT64');
    expect(schema.get('score')?.type).toBe('DOUBLE');
    expect(rows).toEqual([
      { rank: 1n, score: 0.5, name: 'a', empty: null },
      { rank: 2n, score: 1, name: 'b', empty: null },
    ]);
  });
});
