/**
 * Which trials get anomaly maps once their sweep (or search stage) has no open trial left: each class's best
 * done trial by every metric of MAP_METRICS (ties: the trial submitted first). A winner that already has map
 * artifacts (stored, or reported by its worker and on their way) gets no job. Queuing is INSERT OR IGNORE on
 * map_jobs' UNIQUE trial_id, inside the caller's transaction: a job is created once, whatever restarts.
 */
import type { Db } from './db.js';
import { classWinners, MAP_KINDS } from './reads/maps.js';

export type MapWinners = ReturnType<typeof mapWinners>;

export function mapWinners(db: Db) {
  const s = {
    place: db.prepare('SELECT sweep_id AS sweepId, stage FROM trials WHERE id = ?'),
    open: db.prepare(
      `SELECT 1 FROM trials WHERE sweep_id = ? AND stage = ? AND status IN ('pending','leased','running') LIMIT 1`,
    ),
    hasMaps: db.prepare(
      `SELECT 1 FROM artifacts WHERE trial_id = ? AND kind IN (${MAP_KINDS.map(() => '?').join(',')}) LIMIT 1`,
    ),
    queue: db.prepare(
      `INSERT OR IGNORE INTO map_jobs (trial_id, reason, status, created_at) VALUES (?, ?, 'pending', ?)`,
    ),
  };

  /**
   * Called in the transaction that settled a trial: when its (sweep, stage) has no open trial left, queue a
   * maps job for every winner without maps. Returns how many jobs were created.
   */
  const afterSettle = (trialId: number, now: number): number => {
    const place = s.place.get(trialId) as { sweepId: number; stage: string } | undefined;
    if (!place || s.open.get(place.sweepId, place.stage)) return 0;
    let created = 0;
    for (const w of classWinners(db, place.sweepId, place.stage)) {
      if (s.hasMaps.get(w.trialId, ...MAP_KINDS)) continue;
      created += s.queue.run(w.trialId, `winner ${w.metrics.join(',')}`, now).changes;
    }
    return created;
  };

  return { afterSettle };
}
