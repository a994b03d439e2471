/**
 * Maps jobs (table map_jobs): re-run a done trial with its anomaly maps kept, so the maps reach the coordinator
 * through the artifact upload path. A job is leased, heartbeated, completed, failed and expired like a trial
 * (lease id, fencing token + 1 per lease, TTL), but it never touches the trial's status, results or metrics:
 * its completion is accepted only when the re-run's metrics equal the stored ones (timings aside).
 * Every method runs inside the caller's transaction (the lease store's).
 */
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type { TrialResult } from '../../shared/result.js';
import { MAP_KINDS } from './reads/maps.js';
import type { CancelledLease, FinishOutcome, GrantedTrial, LeaseCheck, LeaseRef } from './lease-types.js';

/** A maps job is given up after this many leases that expired or failed. */
export const MAP_JOB_ATTEMPTS = 3;

interface JobRow {
  id: number;
  trialId: number;
  key: string;
  status: string;
  token: number;
  leaseId: string | null;
  workerId: string | null;
  attempts: number;
}

/** metrics that may differ between two runs of one trial (wall/CPU time, memory) */
export const unstableMetric = (name: string): boolean => name.startsWith('time.') || name === 'peak_rss_mb';

/** The differences between a re-run's metrics and the stored ones, as text; empty when equal. */
export function metricDifferences(stored: Record<string, number>, rerun: Record<string, number>): string[] {
  const out: string[] = [];
  const names = new Set([...Object.keys(stored), ...Object.keys(rerun)]);
  for (const n of [...names].sort()) {
    if (unstableMetric(n)) continue;
    const a = stored[n];
    const b = rerun[n];
    if (!(a === b || (Number.isNaN(a) && Number.isNaN(b)))) out.push(`${n}: stored ${a}, re-run ${b}`);
  }
  return out;
}

export type MapJobs = ReturnType<typeof mapJobs>;

export function mapJobs(db: Db) {
  const cols = `j.id, j.trial_id AS trialId, t.key, j.status, j.fencing_token AS token, j.lease_id AS leaseId,
    j.worker_id AS workerId, j.attempts`;
  const s = {
    byLease: db.prepare(`SELECT ${cols} FROM map_jobs j JOIN trials t ON t.id = j.trial_id WHERE j.lease_id = ?`),
    hasPending: db.prepare(`SELECT 1 FROM map_jobs WHERE status = 'pending' LIMIT 1`),
    pendingKeys: db
      .prepare(
        `SELECT t.feature_key FROM map_jobs j JOIN trials t ON t.id = j.trial_id
         WHERE j.status = 'pending' ORDER BY j.id`,
      )
      .pluck(),
    pendingOf: db.prepare(
      `SELECT j.id, j.trial_id AS trialId, j.fencing_token AS token, j.attempts, t.key, t.stage, t.objective,
         t.params_json AS paramsJson, t.feature_key AS featureKey, t.dwt_key AS dwtKey, s.name AS sweep
       FROM map_jobs j JOIN trials t ON t.id = j.trial_id JOIN sweeps s ON s.id = t.sweep_id
       WHERE j.status = 'pending' AND t.feature_key = ? ORDER BY t.dwt_key, j.id LIMIT ?`,
    ),
    lease: db.prepare(
      `UPDATE map_jobs SET status = 'leased', lease_id = ?, fencing_token = ?, worker_id = ?, expires_at = ?,
         attempts = attempts + 1 WHERE id = ? AND status = 'pending'`,
    ),
    extend: db.prepare(`UPDATE map_jobs SET expires_at = ? WHERE id = ?`),
    finish: db.prepare(`UPDATE map_jobs SET status = ?, error = ?, finished_at = ?, expires_at = NULL WHERE id = ?`),
    reported: db.prepare(`UPDATE map_jobs SET maps = ? WHERE id = ?`),
    requeue: db.prepare(`UPDATE map_jobs SET status = 'pending', error = ?, expires_at = NULL WHERE id = ?`),
    expired: db.prepare(
      `SELECT ${cols} FROM map_jobs j JOIN trials t ON t.id = j.trial_id WHERE j.status = 'leased' AND j.expires_at < ?`,
    ),
    stored: db.prepare(`SELECT name, value FROM metrics WHERE trial_id = ? AND final = 1`),
    event: db.prepare('INSERT INTO events (time, level, trial_id, worker_id, message) VALUES (?, ?, ?, ?, ?)'),
    request: db.prepare(
      `INSERT INTO map_jobs (trial_id, reason, status, created_at) VALUES (?, 'requested', 'pending', ?)
       ON CONFLICT (trial_id) DO UPDATE SET status = 'pending', attempts = 0, error = NULL, reason = 'requested'
       WHERE map_jobs.status = 'failed'`,
    ),
    jobOf: db.prepare(`SELECT status, error FROM map_jobs WHERE trial_id = ?`),
    openOfSweep: db.prepare(
      `SELECT ${cols} FROM map_jobs j JOIN trials t ON t.id = j.trial_id
       WHERE j.status IN ('pending','leased') AND t.sweep_id = (SELECT id FROM sweeps WHERE name = ?)`,
    ),
    openOfKey: db.prepare(
      `SELECT ${cols} FROM map_jobs j JOIN trials t ON t.id = j.trial_id
       WHERE j.status IN ('pending','leased') AND t.key = ?`,
    ),
  };
  const lookup = (leaseId: string): JobRow | undefined => s.byLease.get(leaseId) as JobRow | undefined;
  const owner = (ref: LeaseRef): { ok: true; job: JobRow } | { ok: false; job: JobRow | undefined; why: string } => {
    const job = lookup(ref.leaseId);
    if (!job) return { ok: false, job, why: 'unknown' };
    if (job.token !== ref.fencingToken) return { ok: false, job, why: 'stale' };
    if (job.status !== 'leased') return { ok: false, job, why: job.status === 'done' ? 'finished' : job.status };
    return { ok: true, job };
  };
  const settleFailed = (job: JobRow, error: string, now: number): string => {
    if (job.attempts >= MAP_JOB_ATTEMPTS) {
      s.finish.run('failed', error, now, job.id);
      return 'failed';
    }
    s.requeue.run(error, job.id);
    return 'pending';
  };

  return {
    /** true when the lease id belongs to a maps job (any state) */
    owns: (leaseId: string): boolean => lookup(leaseId) !== undefined,
    hasPending: (): boolean => s.hasPending.get() !== undefined,

    /** The job a lease may upload maps for: its current lease, or the lease that completed it. */
    uploader(ref: LeaseRef): { ok: true; trialId: number; key: string } | { ok: false; reason: string } {
      const job = lookup(ref.leaseId);
      if (!job) return { ok: false, reason: 'is unknown' };
      if (job.token !== ref.fencingToken)
        return { ok: false, reason: `is stale: the maps job's fencing token is ${job.token}` };
      if (job.status !== 'leased' && job.status !== 'done')
        return { ok: false, reason: `no longer owns the maps job of trial ${job.key} (job ${job.status})` };
      return { ok: true, trialId: job.trialId, key: job.key };
    },

    /** Lease up to `max` pending jobs of one feature key (one the worker has warm, else the oldest job's). */
    acquire(
      workerId: string,
      max: number,
      caches: readonly string[],
      now: number,
      ttlMs: number,
    ): GrantedTrial[] | null {
      const keys = s.pendingKeys.all() as string[];
      if (!keys.length) return null;
      const featureKey = keys.find((k) => caches.includes(k)) ?? keys[0];
      const rows = s.pendingOf.all(featureKey, max) as (Omit<GrantedTrial, 'leaseId' | 'attemptId'> & {
        id: number;
        token: number;
        attempts: number;
      })[];
      const out: GrantedTrial[] = [];
      for (const r of rows) {
        const leaseId = randomUUID();
        const token = r.token + 1;
        if (s.lease.run(leaseId, token, workerId, now + ttlMs, r.id).changes === 0) continue;
        out.push({
          trialId: r.trialId,
          attemptId: 0,
          key: r.key,
          sweep: r.sweep,
          stage: r.stage,
          objective: r.objective,
          paramsJson: r.paramsJson,
          featureKey: r.featureKey,
          dwtKey: r.dwtKey,
          leaseId,
          fencingToken: token,
          attempt: r.attempts + 1,
          maxAttempts: MAP_JOB_ATTEMPTS,
          mapsOnly: true,
        });
      }
      return out.length ? out : null;
    },

    heartbeat(workerId: string, ref: LeaseRef, now: number, ttlMs: number): LeaseCheck {
      const o = owner(ref);
      if (!o.ok) {
        const reason = o.why === 'finished' || o.why === 'stale' || o.why === 'unknown' ? o.why : 'expired';
        return { leaseId: ref.leaseId, ok: false, reason, trialKey: o.job?.key ?? null };
      }
      s.extend.run(now + ttlMs, o.job.id);
      return { leaseId: ref.leaseId, ok: true, expiresAt: now + ttlMs, trialKey: o.job.key };
    },

    /** Accept a re-run's result when its metrics equal the trial's stored ones; the trial itself is not touched. */
    complete(workerId: string, ref: LeaseRef, result: TrialResult, now: number): FinishOutcome {
      const o = owner(ref);
      const base = { leaseId: ref.leaseId, trialKey: null };
      if (!o.ok)
        return o.why === 'finished'
          ? { ...base, accepted: true, duplicate: true, trialStatus: 'done', reason: '' }
          : { ...base, accepted: false, duplicate: false, trialStatus: o.job?.status ?? '', reason: o.why };
      const rows = s.stored.all(o.job.trialId) as { name: string; value: number }[];
      const diff = metricDifferences(Object.fromEntries(rows.map((r) => [r.name, r.value])), result.metrics);
      if (diff.length) {
        const error = `maps re-run of trial ${o.job.key} computed other metrics than its result (kept): ${diff.join('; ')}`;
        s.finish.run('failed', error, now, o.job.id);
        s.event.run(now, 'error', o.job.trialId, workerId, error);
        return { ...base, accepted: false, duplicate: false, trialStatus: 'failed', reason: error };
      }
      s.finish.run('done', null, now, o.job.id);
      s.reported.run(
        result.artifacts.filter((a) => (MAP_KINDS as readonly string[]).includes(a.kind)).length,
        o.job.id,
      );
      return { ...base, accepted: true, duplicate: false, trialStatus: 'done', reason: '' };
    },

    fail(workerId: string, ref: LeaseRef, error: string, now: number): FinishOutcome {
      const o = owner(ref);
      const base = { leaseId: ref.leaseId, trialKey: null, duplicate: false };
      if (!o.ok) return { ...base, accepted: false, trialStatus: o.job?.status ?? '', reason: o.why };
      s.event.run(now, 'warn', o.job.trialId, workerId, `maps job of trial ${o.job.key} failed: ${error}`);
      return { ...base, accepted: true, trialStatus: settleFailed(o.job, error, now), reason: '' };
    },

    /** Requeue (or give up, at the attempt limit) the jobs whose lease expired before `now`. */
    expire(now: number): number {
      const rows = s.expired.all(now) as JobRow[];
      for (const job of rows) settleFailed(job, `lease ${job.leaseId} expired (worker ${job.workerId})`, now);
      return rows.length;
    },

    /**
     * `wepadim cancel`: the open jobs of a sweep (by name) or of one trial (by full key) end failed with `why`
     * (`wepadim maps` may queue them again). Returns the leases that were running, whose workers must be told.
     */
    cancel(
      scope: 'sweep' | 'trial',
      target: string,
      why: string,
      now: number,
    ): { cancelled: number; leased: CancelledLease[] } {
      const rows = (scope === 'sweep' ? s.openOfSweep : s.openOfKey).all(target) as JobRow[];
      const leased: CancelledLease[] = [];
      for (const job of rows) {
        s.finish.run('failed', why, now, job.id);
        if (job.status === 'leased' && job.leaseId)
          leased.push({ trialKey: job.key, leaseId: job.leaseId, workerId: job.workerId ?? '' });
      }
      if (rows.length) s.event.run(now, 'info', null, null, `cancelled ${rows.length} maps job(s): ${why}`);
      return { cancelled: rows.length, leased };
    },

    /** `wepadim maps TRIAL`: queue a job for the trial (again, when its last one failed). */
    request(trialId: number, now: number): { status: string; error: string | null } {
      s.request.run(trialId, now);
      return s.jobOf.get(trialId) as { status: string; error: string | null };
    },
  };
}
