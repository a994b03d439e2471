/** Status reads: the sweeps, finish times, workers and failures behind `wepadim status` and the local run view. */
import type { Db } from '../db.js';

export interface SweepRow {
  id: number;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface WorkerStatusRow {
  id: string;
  host: string;
  gpu_index: number | null;
  gpu_name: string | null;
  backend: string;
  state: string;
  last_heartbeat: number;
  /** trials of the sweep this worker holds now */
  active: number;
}

export interface FailureRow {
  trialId: number;
  /** the trial key (24 hex digits); reports show its first 12 */
  key: string;
  class: string;
  attempts: number;
  error: string;
}

export interface WorkerActivityRow {
  id: string;
  /** attempts ended done or failed */
  finished: number;
  /** attempts still running */
  active: number;
}

export function listSweepRows(db: Db): SweepRow[] {
  return db
    .prepare('SELECT id, name, created_at, updated_at FROM sweeps ORDER BY created_at DESC, id DESC')
    .all() as SweepRow[];
}

/** Trials finished (done or failed) in (from, to]: how many, and the first finish time. */
export function finishedBetween(
  db: Db,
  sweepId: number,
  from: number,
  to: number,
): { first: number | null; n: number } {
  return db
    .prepare(
      `SELECT min(finished_at) AS first, count(*) AS n FROM trials
       WHERE sweep_id = ? AND status IN ('done','failed') AND finished_at IS NOT NULL AND finished_at > ? AND finished_at <= ?`,
    )
    .get(sweepId, from, to) as { first: number | null; n: number };
}

/** When the sweep's first trial started, or null. */
export function firstStart(db: Db, sweepId: number): number | null {
  return (
    db
      .prepare('SELECT min(started_at) AS s FROM trials WHERE sweep_id = ? AND started_at IS NOT NULL')
      .get(sweepId) as { s: number | null }
  ).s;
}

/** Workers not gone, or that worked on this sweep, with their active trials of it. */
export function workerStatusRows(db: Db, sweepId: number): WorkerStatusRow[] {
  return db
    .prepare(
      `SELECT w.id, w.host, w.gpu_index, w.gpu_name, w.backend, w.state, w.last_heartbeat,
              (SELECT count(*) FROM trials t WHERE t.sweep_id = ? AND t.worker_id = w.id AND t.status IN ('leased','running')) AS active
       FROM workers w
       WHERE w.state != 'gone' OR EXISTS (SELECT 1 FROM attempts a JOIN trials t ON t.id = a.trial_id WHERE a.worker_id = w.id AND t.sweep_id = ?)
       ORDER BY w.id`,
    )
    .all(sweepId, sweepId) as WorkerStatusRow[];
}

/** The latest failed trials of the sweep (newest first). */
export function recentFailures(db: Db, sweepId: number, limit: number): FailureRow[] {
  return db
    .prepare(
      `SELECT id AS trialId, key, class, attempts, coalesce(error, '') AS error FROM trials
       WHERE sweep_id = ? AND status = 'failed' ORDER BY finished_at DESC, id DESC LIMIT ?`,
    )
    .all(sweepId, limit) as FailureRow[];
}

/** Attempts of the sweep per worker id: finished and running. */
export function workerActivity(db: Db, sweepId: number): WorkerActivityRow[] {
  return db
    .prepare(
      `SELECT a.worker_id AS id,
              sum(CASE WHEN a.outcome IN ('done', 'failed') THEN 1 ELSE 0 END) AS finished,
              sum(CASE WHEN a.outcome = 'running' THEN 1 ELSE 0 END) AS active
         FROM attempts a JOIN trials t ON t.id = a.trial_id
        WHERE t.sweep_id = ? GROUP BY a.worker_id`,
    )
    .all(sweepId) as WorkerActivityRow[];
}

export interface FailureReason {
  /** the error of the trial's last attempt (or the trial's own error when no attempt recorded one) */
  error: string;
  /** failed trials whose last error this is */
  trials: number;
}

/** The distinct errors of the sweep's failed trials with how many trials each, most frequent first. */
export function failureReasons(db: Db, sweepId: number): FailureReason[] {
  return db
    .prepare(
      `SELECT coalesce((SELECT a.error FROM attempts a WHERE a.trial_id = t.id AND a.error IS NOT NULL ORDER BY a.id DESC LIMIT 1),
                       t.error, '(no error recorded)') AS error,
              count(*) AS trials
         FROM trials t WHERE t.sweep_id = ? AND t.status = 'failed'
        GROUP BY 1 ORDER BY trials DESC, error`,
    )
    .all(sweepId) as FailureReason[];
}
