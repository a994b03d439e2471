/**
 * Reads of the maps jobs (../map-jobs.ts) and the maps they stored: what `wepadim run` waits for before it
 * stops, and what its summary and `wepadim maps` print.
 */
import type { Db } from '../db.js';
import { MAP_METRICS } from '../../../shared/result.js';

/** objectives that make anomaly maps (the others' winners get no maps job) */
export const MAP_OBJECTIVES: readonly string[] = ['wepadim'];

export { MAP_METRICS };

/** artifact kinds that are anomaly maps (worker/runner/artifacts.ts) */
export const MAP_KINDS = ['map-high', 'map-low'] as const;

export interface Winner {
  trialId: number;
  key: string;
  cls: string;
  stage: string;
  /** the metrics of MAP_METRICS it is its class's best by */
  metrics: string[];
}

/**
 * Each class's best done trial of (sweep, stage) by each metric of MAP_METRICS; ties go to the trial submitted
 * first, as in the per-class leaderboard (./results.ts bestPerClass).
 */
export function classWinners(db: Db, sweepId: number, stage: string): Winner[] {
  const ranked = db.prepare(
    `SELECT t.id AS trialId, t.key, t.class AS cls, m.value AS value
     FROM trials t JOIN metrics m ON m.trial_id = t.id AND m.final = 1 AND m.name = ?
     WHERE t.sweep_id = ? AND t.stage = ? AND t.status = 'done'
       AND t.objective IN (${MAP_OBJECTIVES.map((o) => `'${o}'`).join(',')})
     ORDER BY t.class, m.value DESC, t.id`,
  );
  const byTrial = new Map<number, Winner>();
  for (const metric of MAP_METRICS) {
    const rows = ranked.all(metric, sweepId, stage) as { trialId: number; key: string; cls: string; value: number }[];
    let last: string | null = null;
    for (const r of rows) {
      if (r.cls === last || !Number.isFinite(r.value)) continue;
      last = r.cls;
      const w = byTrial.get(r.trialId) ?? { trialId: r.trialId, key: r.key, cls: r.cls, stage, metrics: [] };
      w.metrics.push(metric);
      byTrial.set(r.trialId, w);
    }
  }
  return [...byTrial.values()];
}

/** Every stage's winners of the sweep. */
export function sweepWinners(db: Db, sweepId: number): Winner[] {
  const stages = db
    .prepare('SELECT DISTINCT stage FROM trials WHERE sweep_id = ? ORDER BY stage')
    .pluck()
    .all(sweepId) as string[];
  return stages.flatMap((st) => classWinners(db, sweepId, st));
}

export interface MapJobRow {
  trialId: number;
  key: string;
  cls: string;
  reason: string;
  status: string;
  error: string | null;
  /** map artifacts stored at the coordinator for the trial */
  maps: number;
  /** map files the accepted re-run reported (null until it is accepted) */
  reported: number | null;
}

const STORED_MAPS = `(SELECT count(*) FROM artifacts a WHERE a.trial_id = t.id AND a.sha256 IS NOT NULL
  AND a.kind IN ('map-high','map-low'))`;

export function mapJobRows(db: Db, sweepId: number): MapJobRow[] {
  return db
    .prepare(
      `SELECT t.id AS trialId, t.key, t.class AS cls, j.reason, j.status, j.error, ${STORED_MAPS} AS maps,
         j.maps AS reported
       FROM map_jobs j JOIN trials t ON t.id = j.trial_id WHERE t.sweep_id = ? ORDER BY t.class, j.id`,
    )
    .all(sweepId) as MapJobRow[];
}

export interface MapJobCounts {
  pending: number;
  leased: number;
  done: number;
  failed: number;
}

/**
 * The sweep's maps jobs by state (all zero when it has none). CROSS JOIN keeps map_jobs (a few jobs per class)
 * the outer loop: with a plain JOIN SQLite walked the sweep's trials instead (70 ms at 100,000 trials, on every
 * status and dashboard refresh).
 */
export function mapJobCounts(db: Db, sweepId: number): MapJobCounts {
  const out: MapJobCounts = { pending: 0, leased: 0, done: 0, failed: 0 };
  const rows = db
    .prepare(
      `SELECT j.status, count(*) AS n FROM map_jobs j CROSS JOIN trials t ON t.id = j.trial_id WHERE t.sweep_id = ? GROUP BY j.status`,
    )
    .all(sweepId) as { status: keyof MapJobCounts; n: number }[];
  for (const r of rows) out[r.status] = r.n;
  return out;
}

/** A job still to run, or done with maps it reported not all stored yet (their uploads on the way). */
export const outstanding = (r: MapJobRow): boolean =>
  r.status === 'pending' || r.status === 'leased' || (r.status === 'done' && r.maps < (r.reported ?? 0));

export interface StoredMap {
  trialId: number;
  name: string;
  kind: string;
  /** relative to the database's folder */
  path: string;
}

/** The map PNGs stored at the coordinator for these trials. */
export function storedMaps(db: Db, trialIds: readonly number[]): StoredMap[] {
  const q = db.prepare(
    `SELECT trial_id AS trialId, name, kind, path FROM artifacts
     WHERE trial_id = ? AND sha256 IS NOT NULL AND kind IN ('map-high','map-low') ORDER BY kind, name`,
  );
  return trialIds.flatMap((id) => q.all(id) as StoredMap[]);
}
