/**
 * `wepadim status`: a sweep's trial counts by state, the recent completion rate and the ETA it implies,
 * the workers with their last heartbeat, and the latest failures.
 */
import type { Db } from '../store/db.js';
import { statusCountsById, sweepIdByName } from '../store/sweep-store.js';
import type { TrialStatus } from '../store/types.js';

export interface WorkerStatus {
  id: string;
  host: string;
  gpu: string;
  backend: string;
  state: string;
  lastHeartbeat: number;
  /** seconds since the last heartbeat */
  heartbeatAgeS: number;
  /** trials of this sweep leased to or running on it now */
  active: number;
}

export interface FailureNote {
  trialId: number;
  class: string;
  attempts: number;
  error: string;
}

export interface SweepStatus {
  sweep: string;
  counts: Record<TrialStatus, number>;
  total: number;
  /** done + failed + cancelled */
  finished: number;
  /** trials finished (done or failed) per minute over the rate window; null before any finished */
  ratePerMin: number | null;
  rateWindowS: number;
  /** pending + leased + running, divided by the rate; null when the rate is unknown or zero */
  etaS: number | null;
  workers: WorkerStatus[];
  failures: FailureNote[];
}

export interface StatusOptions {
  now?: number;
  /** look back this many ms for the rate (default 15 minutes) */
  windowMs?: number;
}

export function sweepStatus(db: Db, sweep: string, opts: StatusOptions = {}): SweepStatus {
  const now = opts.now ?? Date.now();
  const windowMs = opts.windowMs ?? 15 * 60_000;
  const id = sweepIdByName(db, sweep);
  const counts = statusCountsById(db, id);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const span = db
    .prepare(
      `SELECT min(finished_at) AS first, count(*) AS n FROM trials
       WHERE sweep_id = ? AND status IN ('done','failed') AND finished_at IS NOT NULL AND finished_at > ? AND finished_at <= ?`,
    )
    .get(id, now - windowMs, now) as { first: number | null; n: number };
  // measure over the window, or from the sweep's first start (else its first finish) when that is later
  const started = db.prepare('SELECT min(started_at) AS s FROM trials WHERE sweep_id = ? AND started_at IS NOT NULL').get(id) as {
    s: number | null;
  };
  const firstStart = started.s ?? span.first;
  const from = firstStart === null ? now : Math.max(now - windowMs, firstStart);
  const windowS = Math.max(0, (now - from) / 1000);
  const ratePerMin = span.n > 0 && windowS > 0 ? span.n / (windowS / 60) : null;
  const remaining = counts.pending + counts.leased + counts.running;
  const etaS = ratePerMin ? (remaining / ratePerMin) * 60 : remaining === 0 ? 0 : null;
  const workers = (
    db
      .prepare(
        `SELECT w.id, w.host, w.gpu_index, w.gpu_name, w.backend, w.state, w.last_heartbeat,
                (SELECT count(*) FROM trials t WHERE t.sweep_id = ? AND t.worker_id = w.id AND t.status IN ('leased','running')) AS active
         FROM workers w
         WHERE w.state != 'gone' OR EXISTS (SELECT 1 FROM attempts a JOIN trials t ON t.id = a.trial_id WHERE a.worker_id = w.id AND t.sweep_id = ?)
         ORDER BY w.id`,
      )
      .all(id, id) as {
      id: string;
      host: string;
      gpu_index: number | null;
      gpu_name: string | null;
      backend: string;
      state: string;
      last_heartbeat: number;
      active: number;
    }[]
  ).map((w) => ({
    id: w.id,
    host: w.host,
    gpu: w.gpu_index === null ? 'cpu' : `${w.gpu_index}${w.gpu_name ? ` ${w.gpu_name}` : ''}`,
    backend: w.backend,
    state: w.state,
    lastHeartbeat: w.last_heartbeat,
    heartbeatAgeS: Math.max(0, (now - w.last_heartbeat) / 1000),
    active: w.active,
  }));
  const failures = db
    .prepare(
      `SELECT id AS trialId, class, attempts, coalesce(error, '') AS error FROM trials
       WHERE sweep_id = ? AND status = 'failed' ORDER BY finished_at DESC, id DESC LIMIT 5`,
    )
    .all(id) as FailureNote[];
  return {
    sweep,
    counts,
    total,
    finished: counts.done + counts.failed + counts.cancelled,
    ratePerMin,
    rateWindowS: windowS,
    etaS,
    workers,
    failures,
  };
}

export interface SweepSummary {
  sweep: string;
  created: number;
  updated: number;
  counts: Record<TrialStatus, number>;
  total: number;
}

/** Every sweep in the database with its trial counts, newest first. */
export function listSweeps(db: Db): SweepSummary[] {
  const sweeps = db.prepare('SELECT id, name, created_at, updated_at FROM sweeps ORDER BY created_at DESC, id DESC').all() as {
    id: number;
    name: string;
    created_at: number;
    updated_at: number;
  }[];
  return sweeps.map((s) => {
    const counts = statusCountsById(db, s.id);
    return { sweep: s.name, created: s.created_at, updated: s.updated_at, counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
  });
}
