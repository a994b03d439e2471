/**
 * The trial state machine: the ONE table of allowed status changes, and one function per transition.
 * Every write of trials.status goes through here (acquire, heartbeat, complete, fail, expire, cancel and
 * resume); a transition whose current status is not in the table throws IllegalTransitionError before
 * anything is written, and each UPDATE also checks the status it expects (`AND status = ?`).
 * The caller holds the transaction (BullMQ keeps a job's state moves in one place the same way).
 */
import type { TrialResult } from '../../shared/result.js';
import type { Db } from './db.js';
import type { PendingGroups } from './pending-groups.js';
import type { TrialStatus } from './types.js';

export type TransitionName =
  'create' | 'lease' | 'handBack' | 'heartbeat' | 'complete' | 'retry' | 'giveUp' | 'cancel' | 'reopen' | 'requeue';

export interface TransitionRule {
  readonly from: readonly TrialStatus[];
  readonly to: TrialStatus;
  readonly why: string;
}

/** Every allowed change of trials.status. Anything else is refused. */
export const TRANSITIONS: Readonly<Record<TransitionName, TransitionRule>> = {
  create: {
    from: [],
    to: 'pending',
    why: "a halving promotion: the coordinator inserts the next rung's trials of a point (a new row)",
  },
  lease: { from: ['pending'], to: 'leased', why: 'a worker acquires the trial (attempts + 1, new fencing token)' },
  handBack: {
    from: ['leased'],
    to: 'pending',
    why: 'the Acquire call the lease was granted to was cancelled before the answer went out: the lease is undone (attempts - 1)',
  },
  heartbeat: { from: ['leased', 'running'], to: 'running', why: 'the worker is alive: the lease is extended' },
  complete: { from: ['leased', 'running'], to: 'done', why: 'the result is stored' },
  retry: {
    from: ['leased', 'running'],
    to: 'pending',
    why: 'a failed or expired attempt with attempts left (also resume of an expired lease)',
  },
  giveUp: {
    from: ['leased', 'running'],
    to: 'failed',
    why: 'a failed or expired attempt at the limit, or a failure that is not retryable',
  },
  cancel: { from: ['pending', 'leased', 'running'], to: 'cancelled', why: 'the sweep or the trial was cancelled' },
  reopen: { from: ['failed'], to: 'pending', why: 'resume puts a failed trial back (within its attempt limit)' },
  requeue: {
    from: ['cancelled'],
    to: 'pending',
    why: 'resume --cancelled puts a cancelled trial back (cancel is not a failure)',
  },
};

export class IllegalTransitionError extends Error {
  constructor(
    readonly transition: TransitionName,
    readonly from: string,
    readonly trialId: number,
  ) {
    super(
      `illegal trial transition ${transition}: trial ${trialId} is ${from}, allowed from ${TRANSITIONS[transition].from.join('|')}`,
    );
    this.name = 'IllegalTransitionError';
  }
}

/** True when `name` may move a trial out of status `from`. */
export function allowed(name: TransitionName, from: string): boolean {
  return (TRANSITIONS[name].from as readonly string[]).includes(from);
}

/** The guard: throws unless the table allows `name` from `from`. */
export function guard(name: TransitionName, from: string, trialId: number): void {
  if (!allowed(name, from)) throw new IllegalTransitionError(name, from, trialId);
}

/** The fields of a trial a transition needs. */
export interface TrialRef {
  id: number;
  status: string;
  feature_key: string;
}

/** A trial row to create (`create`). */
export interface NewTrial {
  sweepId: number;
  key: string;
  stage: string;
  class: string;
  objective: string;
  paramsJson: string;
  featureKey: string;
  dwtKey: string;
  maxAttempts: number;
  searchPoint: number | null;
  rung: number | null;
}

export type Transitions = ReturnType<typeof trialTransitions>;

/**
 * The transitions over `db`'s prepared statements. `groups` (the lease store's pending counts) is told of
 * every trial entering or leaving pending; a store without it (submit, resume) relies on the recount.
 */
export function trialTransitions(db: Db, groups?: PendingGroups) {
  const s = {
    create: db.prepare(
      `INSERT OR IGNORE INTO trials (sweep_id, key, stage, class, objective, params_json, feature_key, dwt_key, max_attempts, created_at, search_point, rung)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    lease: db.prepare(
      `UPDATE trials SET status = 'leased', attempts = attempts + 1, lease_id = ?, fencing_token = ?, worker_id = ?,
         lease_expires_at = ? WHERE id = ? AND status = 'pending'`,
    ),
    // only the lease just granted (same lease id, still leased): the worker never saw it, so the attempt is undone
    handBack: db.prepare(
      `UPDATE trials SET status = 'pending', attempts = attempts - 1, lease_id = NULL, worker_id = NULL,
         lease_expires_at = NULL WHERE id = ? AND status = 'leased' AND lease_id = ?`,
    ),
    delAttempt: db.prepare(`DELETE FROM attempts WHERE lease_id = ? AND outcome = 'running'`),
    insAttempt: db.prepare(
      'INSERT INTO attempts (trial_id, worker_id, lease_id, fencing_token, started_at) VALUES (?, ?, ?, ?, ?)',
    ),
    extend: db.prepare(
      `UPDATE trials SET status = 'running', lease_expires_at = ?, started_at = COALESCE(started_at, ?) WHERE id = ? AND status = ?`,
    ),
    insResult: db.prepare(
      `INSERT OR REPLACE INTO results (trial_id, attempt_id, code_version, backend, device, weights, dataset_root, class, result_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    delFinal: db.prepare('DELETE FROM metrics WHERE trial_id = ? AND final = 1'),
    insFinal: db.prepare(
      'INSERT INTO metrics (trial_id, attempt_id, name, value, step, time, final) VALUES (?, ?, ?, ?, 0, ?, 1)',
    ),
    // a worker path, unless the file already arrived (an upload may overtake its result; a re-run's file is the same name)
    insArtifact: db.prepare(
      `INSERT OR IGNORE INTO artifacts (trial_id, kind, path, created_at) SELECT ?, ?, ?, ?
       WHERE NOT EXISTS (SELECT 1 FROM artifacts WHERE trial_id = ? AND sha256 IS NOT NULL AND (source_path = ? OR name = ?))`,
    ),
    done: db.prepare(
      `UPDATE trials SET status = 'done', finished_at = ?, lease_expires_at = NULL, error = NULL WHERE id = ? AND status = ?`,
    ),
    toPending: db.prepare(
      `UPDATE trials SET status = 'pending', max_attempts = ?, lease_id = NULL, worker_id = NULL, lease_expires_at = NULL,
         finished_at = NULL, error = ? WHERE id = ? AND status = ?`,
    ),
    attemptErrors: db.prepare('SELECT error FROM attempts WHERE trial_id = ? ORDER BY id'),
    failed: db.prepare(
      `UPDATE trials SET status = 'failed', lease_expires_at = NULL, finished_at = ?, error = ? WHERE id = ? AND status = ?`,
    ),
    cancelled: db.prepare(
      `UPDATE trials SET status = 'cancelled', finished_at = ?, lease_expires_at = NULL WHERE id = ? AND status = ?`,
    ),
    endAttempt: db.prepare('UPDATE attempts SET outcome = ?, ended_at = ?, error = ? WHERE id = ?'),
    endRunningAttempt: db.prepare(
      `UPDATE attempts SET outcome = ?, ended_at = ?, error = ? WHERE lease_id = ? AND outcome = 'running'`,
    ),
  };

  /** Run the guarded UPDATE; a row that changed status meanwhile is a bug in the caller's fencing. */
  function write(name: TransitionName, t: { id: number; status: string }, run: () => { changes: number }): void {
    guard(name, t.status, t.id);
    if (run().changes !== 1) throw new IllegalTransitionError(name, `not ${t.status} any more`, t.id);
  }

  return {
    /**
     * A new trial row, pending (a halving promotion). Returns its id, or null when the sweep already holds
     * a trial with this key (nothing is written then).
     */
    create(t: NewTrial, now: number): number | null {
      const info = s.create.run(
        t.sweepId,
        t.key,
        t.stage,
        t.class,
        t.objective,
        t.paramsJson,
        t.featureKey,
        t.dwtKey,
        t.maxAttempts,
        now,
        t.searchPoint,
        t.rung,
      );
      if (info.changes !== 1) return null;
      const id = Number(info.lastInsertRowid);
      groups?.adjust(t.featureKey, 1, id);
      return id;
    },

    /** pending -> leased; returns the new attempt's id, or null when the trial was no longer pending. */
    lease(
      t: TrialRef,
      workerId: string,
      leaseId: string,
      token: number,
      expiresAt: number,
      now: number,
    ): number | null {
      guard('lease', t.status, t.id);
      if (s.lease.run(leaseId, token, workerId, expiresAt, t.id).changes !== 1) return null;
      groups?.adjust(t.feature_key, -1);
      return Number(s.insAttempt.run(t.id, workerId, leaseId, token, now).lastInsertRowid);
    },

    /**
     * leased -> pending: a lease whose Acquire answer never reached the worker. attempts - 1 and the attempt
     * row removed (it never started); the fencing token stays advanced, so the lease id can never be used.
     */
    handBack(t: TrialRef, leaseId: string): void {
      write('handBack', t, () => s.handBack.run(t.id, leaseId));
      s.delAttempt.run(leaseId);
      groups?.adjust(t.feature_key, 1, t.id);
    },

    /** leased | running -> running, lease extended to `expiresAt`. */
    heartbeat(t: { id: number; status: string }, expiresAt: number, now: number): void {
      write('heartbeat', t, () => s.extend.run(expiresAt, now, t.id, t.status));
    },

    /** leased | running -> done: the result, its final metrics and artifacts, the attempt closed. */
    complete(t: { id: number; status: string }, attemptId: number, result: TrialResult, now: number): void {
      guard('complete', t.status, t.id);
      const p = result.provenance;
      s.insResult.run(
        t.id,
        attemptId,
        p.code_version,
        p.backend,
        p.device,
        p.weights,
        p.dataset_root,
        p.class,
        JSON.stringify(result),
        now,
      );
      s.delFinal.run(t.id);
      for (const [name, value] of Object.entries(result.metrics)) s.insFinal.run(t.id, attemptId, name, value, now);
      for (const a of result.artifacts)
        s.insArtifact.run(t.id, a.kind, a.path, now, t.id, a.path, a.path.split(/[\\/]/).pop() ?? a.path);
      s.endAttempt.run('done', now, null, attemptId);
      write('complete', t, () => s.done.run(now, t.id, t.status));
    },

    /**
     * leased | running -> pending (attempts left). `maxAttempts` is stored (resume may raise it); `error`
     * is kept on the trial (the attempt's, or null when resume re-queues).
     */
    retry(t: TrialRef, maxAttempts: number, error: string | null): void {
      write('retry', t, () => s.toPending.run(maxAttempts, error, t.id, t.status));
      groups?.adjust(t.feature_key, 1, t.id);
    },

    /** leased | running -> failed for good; the trial's error lists every attempt's error. */
    giveUp(t: { id: number; status: string }, now: number): void {
      guard('giveUp', t.status, t.id);
      const all = (s.attemptErrors.all(t.id) as { error: string | null }[]).map(
        (e) => e.error ?? '(no error recorded)',
      );
      write('giveUp', t, () => s.failed.run(now, all.join('\n'), t.id, t.status));
    },

    /** pending | leased | running -> cancelled; a running attempt is closed as cancelled. */
    cancel(t: TrialRef & { lease_id: string | null }, now: number): void {
      write('cancel', t, () => s.cancelled.run(now, t.id, t.status));
      if (t.status === 'pending') groups?.adjust(t.feature_key, -1);
      else if (t.lease_id) s.endRunningAttempt.run('cancelled', now, 'cancelled', t.lease_id);
    },

    /** failed -> pending (resume), with the attempt limit `maxAttempts` stored. */
    reopen(t: TrialRef, maxAttempts: number): void {
      write('reopen', t, () => s.toPending.run(maxAttempts, null, t.id, t.status));
      groups?.adjust(t.feature_key, 1, t.id);
    },

    /** cancelled -> pending (resume --cancelled), with the attempt limit `maxAttempts` stored. */
    requeue(t: TrialRef, maxAttempts: number): void {
      write('requeue', t, () => s.toPending.run(maxAttempts, null, t.id, t.status));
      groups?.adjust(t.feature_key, 1, t.id);
    },

    /** Close an attempt by id (not a trial transition: the attempts table's own record). */
    endAttempt(attemptId: number, outcome: string, error: string | null, now: number): void {
      s.endAttempt.run(outcome, now, error, attemptId);
    },

    /** Close the still-running attempt of a lease, if any. */
    endRunningAttempt(leaseId: string, outcome: string, error: string, now: number): void {
      s.endRunningAttempt.run(outcome, now, error, leaseId);
    },
  };
}
