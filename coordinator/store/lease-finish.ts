/**
 * The fenced ends of a lease (complete, fail, expire, cancel): which trial a call may touch, and the
 * events row for a call that may not. The status changes themselves are the transitions of
 * ./transitions.ts. Callers (./leases.ts) wrap each call in one transaction. A call whose lease id, fencing
 * token or trial status does not match the trial's current lease writes an `events` row and changes nothing else.
 */
import { trialKeyResolver } from './trial-keys.js';
import type { Db } from './db.js';
import type { PendingGroups } from './pending-groups.js';
import { trialTransitions, type Transitions } from './transitions.js';
import type { Promoter } from './promotions.js';
import type {
  CancelOutcome,
  CancelledLease,
  CompletionInput,
  ExpiredLease,
  FailureInput,
  FinishOutcome,
  LeaseRef,
  LostReason,
} from './lease-types.js';

export interface LeaseRow {
  attemptId: number;
  trialId: number;
  attemptToken: number;
  outcome: string;
  key: string;
  status: string;
  trialLease: string | null;
  trialToken: number;
  attempts: number;
  maxAttempts: number;
  featureKey: string;
}

export type CheckResult = { ok: true; row: LeaseRow } | { ok: false; reason: LostReason; row: LeaseRow | null };

interface ActiveRow {
  id: number;
  key: string;
  status: string;
  lease_id: string | null;
  worker_id: string | null;
  feature_key: string;
  attempts: number;
  max_attempts: number;
}

interface ActiveTrial {
  id: number;
  status: string;
  attempts: number;
  max_attempts: number;
  feature_key: string;
}

export type FinishStatements = ReturnType<typeof finishStatements>;

export function finishStatements(
  db: Db,
  groups: PendingGroups,
  maxAttemptsOverride?: number,
  transitions?: Transitions,
  promote?: Promoter,
) {
  const tr = transitions ?? trialTransitions(db, groups);
  const s = {
    lookup: db.prepare(
      `SELECT a.id AS attemptId, a.trial_id AS trialId, a.fencing_token AS attemptToken, a.outcome, t.key, t.status,
         t.lease_id AS trialLease, t.fencing_token AS trialToken, t.attempts, t.max_attempts AS maxAttempts, t.feature_key AS featureKey
       FROM attempts a JOIN trials t ON t.id = a.trial_id WHERE a.lease_id = ?`,
    ),
    event: db.prepare('INSERT INTO events (time, level, trial_id, worker_id, message) VALUES (?, ?, ?, ?, ?)'),
    expired: db.prepare(
      `SELECT id, key, status, lease_id, worker_id, feature_key, attempts, max_attempts FROM trials INDEXED BY trials_leased_expiry
       WHERE status IN ('leased', 'running') AND lease_expires_at < ? ORDER BY lease_expires_at LIMIT 1000`,
    ),
    attemptIdByLease: db.prepare('SELECT id FROM attempts WHERE lease_id = ?'),
    sweepByName: db.prepare('SELECT id FROM sweeps WHERE name = ?'),
    activeInSweep: db.prepare(
      `SELECT id, key, status, lease_id, worker_id, feature_key, attempts, max_attempts FROM trials
       WHERE sweep_id = ? AND status IN ('pending', 'leased', 'running')`,
    ),
    countKey: db.prepare('SELECT COUNT(*) AS n FROM trials WHERE key = ?'),
    activeWithKey: db.prepare(
      `SELECT id, key, status, lease_id, worker_id, feature_key, attempts, max_attempts FROM trials
       WHERE key = ? AND status IN ('pending', 'leased', 'running')`,
    ),
  };

  const limitOf = (maxAttempts: number): number => maxAttemptsOverride ?? maxAttempts;

  function event(now: number, level: string, trialId: number | null, workerId: string | null, message: string): void {
    s.event.run(now, level, trialId, workerId, message);
  }

  function check(ref: LeaseRef): CheckResult {
    const row = s.lookup.get(ref.leaseId) as LeaseRow | undefined;
    if (!row) return { ok: false, reason: 'unknown', row: null };
    if (row.attemptToken !== ref.fencingToken) return { ok: false, reason: 'stale', row };
    if (
      row.outcome === 'running' &&
      row.trialLease === ref.leaseId &&
      row.trialToken === ref.fencingToken &&
      (row.status === 'leased' || row.status === 'running')
    )
      return { ok: true, row };
    if (row.outcome === 'done' || row.outcome === 'failed') return { ok: false, reason: 'finished', row };
    if (row.outcome === 'expired' || row.outcome === 'cancelled') return { ok: false, reason: row.outcome, row };
    return { ok: false, reason: 'stale', row };
  }

  /** The outcome for a call that does not own the trial: an events row, nothing else. */
  function rejectStale(
    kind: string,
    workerId: string,
    ref: LeaseRef,
    found: Extract<CheckResult, { ok: false }>,
    now: number,
  ): FinishOutcome {
    const r = found.row;
    const owner = r
      ? `trial ${r.key} is ${r.status}, owned by lease ${r.trialLease ?? '-'} token ${r.trialToken}`
      : 'no such lease';
    event(
      now,
      'warn',
      r?.trialId ?? null,
      workerId,
      `stale ${kind} rejected: lease ${ref.leaseId} token ${ref.fencingToken} (${found.reason}); ${owner}`,
    );
    return {
      leaseId: ref.leaseId,
      accepted: false,
      duplicate: false,
      trialStatus: r?.status ?? '',
      trialKey: r?.key ?? null,
      reason: found.reason,
    };
  }

  /** Close an attempt that did not succeed: retry the trial, or give it up at the limit. */
  function closeUnsuccessful(
    trial: ActiveTrial,
    attemptId: number,
    outcome: string,
    error: string,
    retryable: boolean,
    now: number,
  ): 'pending' | 'failed' {
    const limit = limitOf(trial.max_attempts);
    const tagged = `attempt ${trial.attempts}/${limit}: ${error}`;
    tr.endAttempt(attemptId, outcome, tagged, now);
    if (retryable && trial.attempts < limit) {
      tr.retry(trial, trial.max_attempts, tagged);
      return 'pending';
    }
    tr.giveUp(trial, now);
    promote?.settled(trial.id, now);
    return 'failed';
  }

  function complete(workerId: string, it: CompletionInput, now: number): FinishOutcome {
    const found = check(it);
    if (!found.ok) {
      if (found.reason === 'finished' && found.row?.outcome === 'done')
        return {
          leaseId: it.leaseId,
          accepted: true,
          duplicate: true,
          trialStatus: found.row.status,
          trialKey: found.row.key,
          reason: '',
        };
      return rejectStale('completion', workerId, it, found, now);
    }
    const { row } = found;
    tr.complete({ id: row.trialId, status: row.status }, row.attemptId, it.result, now);
    promote?.settled(row.trialId, now); // in the same transaction: the result and the promotions it allows commit together
    return {
      leaseId: it.leaseId,
      accepted: true,
      duplicate: false,
      trialStatus: 'done',
      trialKey: row.key,
      reason: '',
    };
  }

  function fail(workerId: string, it: FailureInput, now: number): FinishOutcome {
    const found = check(it);
    if (!found.ok) {
      if (found.reason === 'finished' && found.row?.outcome === 'failed')
        return {
          leaseId: it.leaseId,
          accepted: true,
          duplicate: true,
          trialStatus: found.row.status,
          trialKey: found.row.key,
          reason: '',
        };
      return rejectStale('failure', workerId, it, found, now);
    }
    const { row } = found;
    const trial = {
      id: row.trialId,
      status: row.status,
      attempts: row.attempts,
      max_attempts: row.maxAttempts,
      feature_key: row.featureKey,
    };
    const status = closeUnsuccessful(trial, row.attemptId, 'failed', it.error, it.retryable, now);
    return {
      leaseId: it.leaseId,
      accepted: true,
      duplicate: false,
      trialStatus: status,
      trialKey: row.key,
      reason: '',
    };
  }

  function expire(now: number): ExpiredLease[] {
    const out: ExpiredLease[] = [];
    for (const t of s.expired.all(now) as ActiveRow[]) {
      if (!t.lease_id) continue;
      const attempt = s.attemptIdByLease.get(t.lease_id) as { id: number } | undefined;
      if (!attempt) continue;
      const status = closeUnsuccessful(
        t,
        attempt.id,
        'expired',
        `lease expired: no heartbeat from worker ${t.worker_id ?? '?'}`,
        true,
        now,
      );
      event(now, 'warn', t.id, t.worker_id, `lease ${t.lease_id} expired; trial ${t.key} -> ${status}`);
      out.push({ trialId: t.id, trialKey: t.key, leaseId: t.lease_id, workerId: t.worker_id ?? '', status });
    }
    return out;
  }

  const fullKey = trialKeyResolver(db);

  function cancel(sweepOrKey: string, now: number): CancelOutcome {
    const sweep = s.sweepByName.get(sweepOrKey) as { id: number } | undefined;
    const target = sweep ? sweepOrKey : fullKey(sweepOrKey);
    let matched: CancelOutcome['matched'] = 'none';
    let rows: ActiveRow[] = [];
    if (sweep) {
      matched = 'sweep';
      rows = s.activeInSweep.all(sweep.id) as ActiveRow[];
    } else if ((s.countKey.get(target) as { n: number }).n > 0) {
      matched = 'trial';
      rows = s.activeWithKey.all(target) as ActiveRow[];
    }
    const interrupted: CancelledLease[] = [];
    for (const t of rows) {
      tr.cancel(t, now);
      if (t.status !== 'pending' && t.lease_id)
        interrupted.push({ trialKey: t.key, leaseId: t.lease_id, workerId: t.worker_id ?? '' });
    }
    if (rows.length) event(now, 'info', null, null, `cancelled ${rows.length} trial(s) of ${matched} ${target}`);
    return { matched, cancelled: rows.length, interrupted, target, mapsCancelled: 0, mapsInterrupted: [] };
  }

  return { check, event, complete, fail, expire, cancel };
}
