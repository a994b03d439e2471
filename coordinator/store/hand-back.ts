/**
 * Handing back a group granted to an Acquire call that was cancelled before the answer went out (the worker
 * drained or stopped meanwhile): each lease still as granted goes back to pending through the `handBack`
 * transition, at once, instead of waiting out its TTL. One events row per trial records it.
 */
import type { Db } from './db.js';
import type { Transitions } from './transitions.js';

/** The lease of one granted trial, as the scheduler got it from acquire(). */
export interface GrantedLease {
  trialId: number;
  leaseId: string;
}

export function handBackStatements(db: Db, tr: Transitions) {
  const s = {
    trial: db.prepare('SELECT id, status, feature_key, lease_id FROM trials WHERE id = ?'),
    event: db.prepare('INSERT INTO events (time, level, trial_id, worker_id, message) VALUES (?, ?, ?, ?, ?)'),
  };
  /** Returns how many trials went back to pending (a lease that moved on meanwhile is left alone). */
  return (workerId: string, leases: readonly GrantedLease[], now: number): number => {
    let n = 0;
    for (const l of leases) {
      const t = s.trial.get(l.trialId) as
        { id: number; status: string; feature_key: string; lease_id: string | null } | undefined;
      if (!t || t.status !== 'leased' || t.lease_id !== l.leaseId) continue;
      tr.handBack(t, l.leaseId);
      s.event.run(now, 'info', t.id, workerId, `lease ${l.leaseId} handed back: its Acquire call was cancelled`);
      n++;
    }
    return n;
  };
}
