/**
 * Resume a sweep: put failed trials and trials whose lease expired (and, when asked, cancelled ones) back to
 * pending, within their retry limit, in one transaction, through the transitions of ./transitions.ts (reopen, retry);
 * a halving point's failed rung score is forgotten with it (./promotions.ts), so its re-run can be promoted. The expired lease's attempt is closed as 'expired', so a late completion
 * carrying that lease id no longer matches the trial and is rejected by the scheduler's fencing check.
 */
import { UserError } from '../../shared/errors.js';
import type { Db } from './db.js';
import { promoter } from './promotions.js';
import { trialTransitions } from './transitions.js';
import type { ResumeResult } from './types.js';

interface Candidate {
  id: number;
  status: string;
  attempts: number;
  max_attempts: number;
  lease_id: string | null;
  feature_key: string;
}

export interface ResumeOptions {
  maxAttempts?: number;
  now?: number;
  /** also put cancelled trials back (cancelled -> pending); each gets at least one more attempt */
  cancelled?: boolean;
}

export function resumeSweep(db: Db, sweepId: number, opts: ResumeOptions = {}): ResumeResult {
  const now = opts.now ?? Date.now();
  const limit = opts.maxAttempts;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new UserError(`--max-attempts must be an integer >= 1, got ${limit}`);
  const tr = trialTransitions(db);
  const promote = promoter(db, tr);
  return db
    .transaction((): ResumeResult => {
      const rows = db
        .prepare(
          `SELECT id, status, attempts, max_attempts, lease_id, feature_key FROM trials
           WHERE sweep_id = ? AND (status = 'failed' OR (status = 'cancelled' AND ?)
             OR (status IN ('leased','running') AND lease_expires_at IS NOT NULL AND lease_expires_at < ?))
           ORDER BY id`,
        )
        .all(sweepId, opts.cancelled ? 1 : 0, now) as Candidate[];
      const event = db.prepare(`INSERT INTO events (time, level, trial_id, message) VALUES (?, 'info', ?, ?)`);
      let requeued = 0;
      let expired = 0;
      let exhausted = 0;
      let cancelled = 0;
      for (const r of rows) {
        if (r.status === 'cancelled') {
          // cancelling is not failing: a cancelled trial comes back with at least one attempt left
          const max = Math.max(limit ?? r.max_attempts, r.attempts + 1);
          tr.requeue(r, max);
          promote.reopened(r.id);
          event.run(now, r.id, `resume --cancelled: cancelled trial re-queued (attempt ${r.attempts + 1} of ${max})`);
          requeued++;
          cancelled++;
          continue;
        }
        const max = limit ?? r.max_attempts;
        if (r.attempts >= max) {
          exhausted++;
          continue;
        }
        const wasExpired = r.status !== 'failed';
        if (wasExpired) {
          // the same transition as a lease the coordinator saw expire: the attempt closed, the trial retried
          if (r.lease_id) tr.endRunningAttempt(r.lease_id, 'expired', 'lease expired; re-queued by resume', now);
          tr.retry(r, max, null);
        } else {
          tr.reopen(r, max);
          promote.reopened(r.id); // a halving point's failed rung is open again: its re-run result can promote it
        }
        event.run(
          now,
          r.id,
          `resume: ${wasExpired ? 'expired lease' : 'failed'} trial re-queued (attempt ${r.attempts + 1} of ${max})`,
        );
        requeued++;
        if (wasExpired) expired++;
      }
      return { requeued, expired, exhausted, cancelled };
    })
    .immediate();
}
