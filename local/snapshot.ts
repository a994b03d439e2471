/** A snapshot of a sweep's progress from its database: trial counts and per-worker activity. */
import type { Db } from '../coordinator/store/db.js';
import { statusCountsById } from '../coordinator/store/sweep-store.js';
import type { RunSnapshot, WorkerRow } from './progress-view.js';

export function snapshot(db: Db, sweepId: number, workerIds: readonly string[], notes: ReadonlyMap<string, string>): RunSnapshot {
  const c = statusCountsById(db, sweepId);
  const rows = db
    .prepare(
      `SELECT a.worker_id AS id,
              sum(CASE WHEN a.outcome IN ('done', 'failed') THEN 1 ELSE 0 END) AS finished,
              sum(CASE WHEN a.outcome = 'running' THEN 1 ELSE 0 END) AS active
         FROM attempts a JOIN trials t ON t.id = a.trial_id
        WHERE t.sweep_id = ? GROUP BY a.worker_id`,
    )
    .all(sweepId) as { id: string; finished: number; active: number }[];
  const byPrefix = (wid: string): { finished: number; active: number } => {
    // worker ids registered by the client may extend the id we gave (e.g. host:gpu:pid); match by prefix too
    let finished = 0;
    let active = 0;
    for (const r of rows) if (r.id === wid || r.id.startsWith(`${wid}:`) || r.id.endsWith(`:${wid}`)) {
      finished += r.finished;
      active += r.active;
    }
    return { finished, active };
  };
  const workers: WorkerRow[] = workerIds.map((id) => ({ id, ...byPrefix(id), note: notes.get(id) ?? '' }));
  return {
    total: Object.values(c).reduce((a, b) => a + b, 0) - c.cancelled,
    done: c.done,
    failed: c.failed,
    active: c.leased + c.running,
    pending: c.pending,
    workers,
  };
}
