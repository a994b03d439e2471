/**
 * Resume a sweep: put failed trials and trials whose lease expired back to pending, within their retry
 * limit, in one transaction. The expired lease's attempt is closed as 'expired', so a late completion
 * carrying that lease id no longer matches the trial and is rejected by the scheduler's fencing check.
 */
import { UserError } from '../../shared/errors.js';
import type { Db } from './db.js';
import type { ResumeResult } from './types.js';

interface Candidate {
  id: number;
  status: string;
  attempts: number;
  max_attempts: number;
  lease_id: string | null;
}

export function resumeSweep(db: Db, sweepId: number, opts: { maxAttempts?: number; now?: number } = {}): ResumeResult {
  const now = opts.now ?? Date.now();
  const limit = opts.maxAttempts;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new UserError(`--max-attempts must be an integer >= 1, got ${limit}`);
  return db
    .transaction((): ResumeResult => {
      const rows = db
        .prepare(
          `SELECT id, status, attempts, max_attempts, lease_id FROM trials
           WHERE sweep_id = ? AND (status = 'failed'
             OR (status IN ('leased','running') AND lease_expires_at IS NOT NULL AND lease_expires_at < ?))
           ORDER BY id`,
        )
        .all(sweepId, now) as Candidate[];
      const requeue = db.prepare(
        `UPDATE trials SET status = 'pending', max_attempts = ?, lease_id = NULL, worker_id = NULL,
           lease_expires_at = NULL, finished_at = NULL, error = NULL WHERE id = ?`,
      );
      const closeAttempt = db.prepare(
        `UPDATE attempts SET outcome = 'expired', ended_at = ?, error = 'lease expired; re-queued by resume'
         WHERE lease_id = ? AND outcome = 'running'`,
      );
      const event = db.prepare(`INSERT INTO events (time, level, trial_id, message) VALUES (?, 'info', ?, ?)`);
      let requeued = 0;
      let expired = 0;
      let exhausted = 0;
      for (const r of rows) {
        const max = limit ?? r.max_attempts;
        if (r.attempts >= max) {
          exhausted++;
          continue;
        }
        const wasExpired = r.status !== 'failed';
        if (wasExpired && r.lease_id) closeAttempt.run(now, r.lease_id);
        requeue.run(max, r.id);
        event.run(now, r.id, `resume: ${wasExpired ? 'expired lease' : 'failed'} trial re-queued (attempt ${r.attempts + 1} of ${max})`);
        requeued++;
        if (wasExpired) expired++;
      }
      return { requeued, expired, exhausted };
    })
    .immediate();
}
