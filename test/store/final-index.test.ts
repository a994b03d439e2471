/**
 * The dashboard's in-memory final-metric index (coordinator/store/reads/final-index.ts, rank-indexed.ts) gives
 * rankPoints and bestPerClass results identical to the SQL reads, on random sweeps (tied and near-tied means,
 * incomplete points, filters, both orders, complete-only, top k), and stays identical while the database
 * changes under it: appended results, a trial's final values replaced, values deleted, new trials and sweeps.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFilters } from '../../coordinator/report/filters.js';
import { openDatabase, SweepStore, type Db } from '../../coordinator/store/index.js';
import { DashboardReads, pointMeans } from '../../coordinator/store/reads/dashboard.js';
import { openReadDb } from '../../coordinator/store/reads/open.js';
import { StoreReads, type RankOptions } from '../../coordinator/store/reads/index.js';
import { makeSweep, prng } from './seed.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-final-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const METRICS = ['image_auroc', 'pixel_auroc', 'time.total_s'];

/** Give final metrics to the trials `pick` chooses; values coarse (ties), fine, or sums that differ by rounding. */
function addResults(db: Db, sweepId: number, rnd: () => number, pick: (i: number) => boolean): void {
  const trials = db.prepare('SELECT id FROM trials WHERE sweep_id = ? ORDER BY id').pluck().all(sweepId) as number[];
  const has = db.prepare('SELECT 1 FROM metrics WHERE trial_id = ? AND final = 1');
  const ins = db.prepare('INSERT INTO metrics (trial_id, name, value, step, time, final) VALUES (?, ?, ?, 0, 0, 1)');
  const done = db.prepare("UPDATE trials SET status = 'done' WHERE id = ?");
  const kind = Math.floor(rnd() * 3);
  const value = (): number =>
    kind === 0 ? Math.round(rnd() * 4) / 4 : kind === 1 ? rnd() : [0.1, 0.2, 0.3, 0.7][Math.floor(rnd() * 4)];
  db.transaction(() => {
    trials.forEach((id, i) => {
      if (!pick(i) || has.get(id)) return;
      for (const m of METRICS) if (rnd() < 0.95) ins.run(id, m, value());
      done.run(id);
    });
  })();
}

function randomOptions(rnd: () => number, classes: string[]): RankOptions & { top: number } {
  const where: string[] = [];
  if (rnd() < 0.3) where.push(rnd() < 0.5 ? 'wavelet=haar' : 'wavelet=db4,haar');
  if (rnd() < 0.3) where.push(`class=${classes[Math.floor(rnd() * classes.length)]}`);
  if (rnd() < 0.2) where.push('sigma=2');
  if (rnd() < 0.2) where.push(rnd() < 0.5 ? 'subbands=LL+LH+HL' : 'subbands=LL');
  if (rnd() < 0.1) where.push('selection=none');
  return {
    filters: parseFilters(where),
    completeOnly: rnd() < 0.2,
    order: rnd() < 0.5 ? undefined : rnd() < 0.5 ? 'asc' : 'desc',
    top: 1 + Math.floor(rnd() * 4),
  };
}

/** The dashboard's reads (indexed) against the SQL ones on another connection. */
function expectSame(dash: DashboardReads, sqlDb: Db, sweepId: number, opts: RankOptions & { top: number }): void {
  const indexed = dash.reads;
  const sql = new StoreReads(sqlDb);
  expect(dash.pointMeans(sweepId, ['image_auroc', 'pixel_auroc'], opts.filters)).toEqual(
    pointMeans(sqlDb, sweepId, ['image_auroc', 'pixel_auroc'], opts.filters),
  );
  for (const m of METRICS) {
    const a = indexed.rankPoints(sweepId, m, opts);
    expect(JSON.stringify(a)).toBe(JSON.stringify(sql.rankPoints(sweepId, m, opts)));
    expect(JSON.stringify(indexed.bestPerClass(sweepId, m, opts))).toBe(
      JSON.stringify(sql.bestPerClass(sweepId, m, opts)),
    );
  }
}

describe('final-metric index', () => {
  it('ranks random sweeps exactly as the SQL reads do, before and after the database changes', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const rnd = prng(seed);
      const path = join(dir, `s${seed}.db`);
      const db = openDatabase(path);
      const store = new SweepStore(db);
      const classes = ['bottle', 'cable', 'screw', 'wood', 'grid'].slice(0, 2 + Math.floor(rnd() * 4));
      const axes = {
        classes,
        wavelet: rnd() < 0.5 ? (['haar', 'db4'] as const) : (['haar', 'db4', 'sym4'] as const),
        sigma: [2, 4, 8].slice(0, 1 + Math.floor(rnd() * 3)),
        cov_reg: [0.1, 0.01],
        subbands: rnd() < 0.5 ? [['LL', 'LH', 'HL'] as const] : [['LL'] as const, ['LL', 'LH', 'HL'] as const],
      };
      const { sweepId } = store.submit(
        makeSweep('a', { ...axes, wavelet: [...axes.wavelet], subbands: axes.subbands.map((s) => [...s]) }),
      );
      addResults(db, sweepId, rnd, () => rnd() < 0.6);
      const dash = DashboardReads.open(path);
      const sql = openReadDb(path);
      for (let k = 0; k < 8; k++) expectSame(dash, sql, sweepId, randomOptions(rnd, classes));

      // appended results (the incremental path)
      addResults(db, sweepId, rnd, () => rnd() < 0.5);
      for (let k = 0; k < 4; k++) expectSame(dash, sql, sweepId, randomOptions(rnd, classes));

      // a trial's final values replaced, as a re-completion does (delete, insert new rows)
      const victim = db
        .prepare('SELECT trial_id FROM metrics WHERE final = 1 ORDER BY id LIMIT 1')
        .pluck()
        .get() as number;
      db.transaction(() => {
        db.prepare('DELETE FROM metrics WHERE trial_id = ? AND final = 1').run(victim);
        for (const m of METRICS)
          db.prepare('INSERT INTO metrics (trial_id, name, value, step, time, final) VALUES (?, ?, ?, 0, 0, 1)').run(
            victim,
            m,
            0.123,
          );
      })();
      expectSame(dash, sql, sweepId, { top: 2 });
      // values deleted without replacement (the index must notice and rebuild)
      db.prepare("DELETE FROM metrics WHERE final = 1 AND name = 'image_auroc' AND trial_id % 3 = 0").run();
      expectSame(dash, sql, sweepId, { top: 2 });
      // a second sweep appended, with results; the first sweep's answers stay right
      const b = store.submit(makeSweep('b', { classes, wavelet: ['haar'], sigma: [2, 4] })).sweepId;
      addResults(db, b, rnd, () => true);
      addResults(db, sweepId, rnd, () => true);
      for (let k = 0; k < 4; k++) {
        expectSame(dash, sql, sweepId, randomOptions(rnd, classes));
        expectSame(dash, sql, b, randomOptions(rnd, classes));
      }
      dash.close();
      sql.close();
      store.close();
    }
  });

  it('orders means that differ below 12 decimals by first trial, as round(mean, 12) does in SQL', () => {
    const path = join(dir, 'ties.db');
    const db = openDatabase(path);
    const store = new SweepStore(db);
    const { sweepId } = store.submit(makeSweep('t', { classes: ['a', 'b', 'c'], sigma: [2, 4, 8] }));
    const ids = db.prepare('SELECT id FROM trials WHERE sweep_id = ? ORDER BY id').pluck().all(sweepId) as number[];
    // per point the same three values in a different order: sums that differ in the last bits
    const values = [
      [0.1, 0.2, 0.7],
      [0.7, 0.1, 0.2],
      [0.2, 0.7, 0.1],
    ];
    const ins = db.prepare(
      "INSERT INTO metrics (trial_id, name, value, step, time, final) VALUES (?, 'image_auroc', ?, 0, 0, 1)",
    );
    ids.forEach((id, i) => ins.run(id, values[Math.floor(i / 3)][i % 3] + (Math.floor(i / 3) === 2 ? 1e-13 : 0)));
    const dash = DashboardReads.open(path);
    const sql = openReadDb(path);
    const a = dash.reads.rankPoints(sweepId, 'image_auroc');
    const b = new StoreReads(sql).rankPoints(sweepId, 'image_auroc');
    expect(a.map((p) => p.firstTrialId)).toEqual(b.map((p) => p.firstTrialId));
    expect(a.map((p) => p.mean)).toEqual(b.map((p) => p.mean));
    // the three means are equal to 12 decimals, so the point expanded first wins although its mean is not the largest
    expect(a.map((p) => p.firstTrialId)).toEqual([ids[0], ids[3], ids[6]]);
    dash.close();
    sql.close();
    store.close();
  });
});
