/**
 * Lease state in SQLite: acquire (groups of compatible trials, the group chosen by the scheduler's
 * policy), heartbeat, complete, fail, expire, cancel, progress with per-attempt sequence dedupe, and the
 * workers table (./workers.ts). Status changes are the transitions of ./transitions.ts.
 *
 * Every call is ONE transaction over prepared statements. Every transition checks the lease id, the
 * fencing token and the trial's status; a stale call writes an `events` row and changes nothing else.
 * Fencing tokens are monotonic per trial (trials.fencing_token + 1 on each lease); `attempts` counts the
 * leases granted, and a trial fails for good once an expired or failed attempt reaches the limit.
 */
import { randomUUID } from 'node:crypto';
import { PendingGroups } from './pending-groups.js';
import { finishStatements, type FinishStatements } from './lease-finish.js';
import { trialTransitions, type Transitions } from './transitions.js';
import { promoter } from './promotions.js';
import type {
  CancelOutcome,
  CompletionInput,
  ExpiredLease,
  FailureInput,
  FinishOutcome,
  GrantedTrial,
  GroupPolicy,
  LeaseCheck,
  LeaseGroup,
  LeaseRef,
  ProgressInput,
  ProgressResult,
  WorkerRegistration,
  WorkerRow,
  WorkerState,
} from './lease-types.js';
import type { Db } from './db.js';
import { WorkerTable } from './workers.js';
import { mapJobs, type MapJobs } from './map-jobs.js';
import { mapWinners, type MapWinners } from './map-winners.js';
import { mapRequests, type MapRequestState } from './map-requests.js';

export type { MapRequestState } from './map-requests.js';
import { handBackStatements, type GrantedLease } from './hand-back.js';

export type * from './lease-types.js';

export interface LeaseStore {
  registerWorker(w: WorkerRegistration, now: number): void;
  /** Record that the worker is alive (and its caches, when given); returns its state, or null if unknown. */
  touchWorker(workerId: string, now: number, caches?: readonly string[]): WorkerState | null;
  setWorkerState(workerId: string, state: WorkerState): boolean;
  /** The worker's state (from memory when known, else the workers table); null if unknown. */
  workerState(workerId: string): WorkerState | null;
  /** The feature caches the worker reported last (Register or Acquire). */
  workerCaches(workerId: string): string[];
  /** Mark workers silent since before `before` as gone; returns their ids. */
  markGone(before: number): string[];
  getWorker(workerId: string): WorkerRow | null;
  listWorkers(): WorkerRow[];
  /** Lease up to `max` pending trials sharing one feature_key, preferring the worker's caches; null when none. */
  acquire(workerId: string, max: number, caches: readonly string[], now: number, ttlMs: number): LeaseGroup | null;
  /** Undo leases granted to an Acquire call that was cancelled before its answer went out; returns how many. */
  handBack(workerId: string, leases: readonly GrantedLease[], now: number): number;
  /** Extend leases (marking their trials running). */
  heartbeat(workerId: string, refs: readonly LeaseRef[], now: number, ttlMs: number): LeaseCheck[];
  complete(workerId: string, items: readonly CompletionInput[], now: number): FinishOutcome[];
  fail(workerId: string, items: readonly FailureInput[], now: number): FinishOutcome[];
  /** Requeue (or fail, at the attempt limit) every trial whose lease expired before `now`. */
  expire(now: number): ExpiredLease[];
  /** Cancel a sweep (by name) or the trials with this key. */
  cancel(target: string, now: number): CancelOutcome;
  appendProgress(workerId: string, updates: readonly ProgressInput[], now: number): ProgressResult[];
  hasPending(): boolean;
  /** Trials leased or running, for one worker or all. */
  activeLeases(workerId?: string): number;
  statusCounts(): Record<string, number>;
  /** `wepadim maps TRIAL`: queue a maps job for each done trial matching a key or id (queue = false: report only) */
  requestMaps(trial: string, queue: boolean, now: number): MapRequestState[];
}

export interface LeaseStoreOptions {
  /** which pending group a worker gets (the scheduler's policy: coordinator/scheduler/group-policy.ts) */
  policy: GroupPolicy;
  /** overrides each trial's max_attempts when set */
  maxAttempts?: number;
  /** how stale the per-group pending counts may get before a recount (ms) */
  groupRefreshMs?: number;
}

interface PendingRow {
  id: number;
  key: string;
  status: string;
  stage: string;
  objective: string;
  params_json: string;
  feature_key: string;
  dwt_key: string;
  attempts: number;
  max_attempts: number;
  fencing_token: number;
  sweep_id: number;
}

export class SqliteLeaseStore implements LeaseStore {
  private readonly groups: PendingGroups;
  private readonly workers: WorkerTable;
  /** sweep names by id (a sweep's name never changes) */
  private readonly sweepNames = new Map<number, string>();
  private readonly fin: FinishStatements;
  private readonly tr: Transitions;
  private readonly maps: MapJobs;
  private readonly winners: MapWinners;
  private readonly handBackLeases: ReturnType<typeof handBackStatements>;
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly opts: LeaseStoreOptions,
  ) {
    this.groups = new PendingGroups(db, opts.groupRefreshMs ?? 1000);
    this.workers = new WorkerTable(db);
    this.tr = trialTransitions(db, this.groups);
    const promote = promoter(db, this.tr);
    this.fin = finishStatements(db, this.groups, opts.maxAttempts, this.tr, promote);
    this.maps = mapJobs(db);
    this.winners = mapWinners(db);
    this.handBackLeases = handBackStatements(db, this.tr);
    // halving: promotions a previous run's results allow but that were not made (a database from before, or a crash) are made now, once
    db.transaction(() => promote.reconcile(Date.now()))();
    this.s = {
      hasPendingFeature: db.prepare(
        `SELECT 1 FROM trials INDEXED BY trials_pending_feature WHERE status = 'pending' AND feature_key = ? LIMIT 1`,
      ),
      // the group's trials, same dwt_key first (the smallest), in submission order: one walk of the pending index
      pendingGroup: db.prepare(
        `SELECT id, key, status, stage, objective, params_json, feature_key, dwt_key, attempts, max_attempts, fencing_token, sweep_id
         FROM trials INDEXED BY trials_pending_feature WHERE status = 'pending' AND feature_key = ? ORDER BY dwt_key, id LIMIT ?`,
      ),
      sweepName: db.prepare('SELECT name FROM sweeps WHERE id = ?'),
      // advances the cursor only past it: changes = 0 means the update is at or below it (a duplicate)
      cursorAdvance: db.prepare(
        `INSERT INTO stream_cursors (attempt_id, last_seq) VALUES (?, ?)
         ON CONFLICT (attempt_id) DO UPDATE SET last_seq = excluded.last_seq WHERE excluded.last_seq > stream_cursors.last_seq`,
      ),
      insProgressMetric: db.prepare(
        'INSERT INTO metrics (trial_id, attempt_id, name, value, step, time, final) VALUES (?, ?, ?, ?, ?, ?, 0)',
      ),
      hasPending: db.prepare(`SELECT 1 FROM trials WHERE status = 'pending' LIMIT 1`),
      activeAll: db.prepare(`SELECT COUNT(*) AS n FROM trials WHERE status IN ('leased', 'running')`),
      activeWorker: db.prepare(
        `SELECT COUNT(*) AS n FROM trials WHERE status IN ('leased', 'running') AND worker_id = ?`,
      ),
      statusCounts: db.prepare('SELECT status, COUNT(*) AS n FROM trials GROUP BY status'),
      trialOfLease: db.prepare('SELECT trial_id AS id FROM attempts WHERE lease_id = ?'),
    };
  }

  registerWorker(w: WorkerRegistration, now: number): void {
    this.workers.register(w, now);
  }

  touchWorker(workerId: string, now: number, caches?: readonly string[]): WorkerState | null {
    return this.workers.touch(workerId, now, caches);
  }

  workerState(workerId: string): WorkerState | null {
    return this.workers.state(workerId);
  }

  workerCaches(workerId: string): string[] {
    return this.workers.caches(workerId);
  }

  setWorkerState(workerId: string, state: WorkerState): boolean {
    return this.workers.setState(workerId, state);
  }

  markGone(before: number): string[] {
    return this.workers.markGone(before);
  }

  getWorker(workerId: string): WorkerRow | null {
    return this.workers.get(workerId);
  }

  listWorkers(): WorkerRow[] {
    return this.workers.list();
  }

  private pickFeatureKey(caches: readonly string[], now: number): string | null {
    return this.opts.policy.pick(caches, {
      hasPending: (featureKey) => this.s.hasPendingFeature.get(featureKey) !== undefined,
      largest: () => this.groups.largest(now),
    });
  }

  private pendingRows(featureKey: string, max: number): PendingRow[] {
    return this.s.pendingGroup.all(featureKey, max) as PendingRow[];
  }

  private sweepName(id: number): string {
    let name = this.sweepNames.get(id);
    if (name === undefined) {
      name = (this.s.sweepName.get(id) as { name: string } | undefined)?.name ?? '';
      this.sweepNames.set(id, name);
    }
    return name;
  }

  acquire(workerId: string, max: number, caches: readonly string[], now: number, ttlMs: number): LeaseGroup | null {
    return this.db.transaction((): LeaseGroup | null => {
      // maps jobs of finished sweeps or stages first: few, and what people wait for
      const maps = this.maps.acquire(workerId, max, caches, now, ttlMs);
      if (maps) {
        this.touchWorker(workerId, now);
        return { featureKey: maps[0].featureKey, dwtKey: maps[0].dwtKey, expiresAt: now + ttlMs, trials: maps };
      }
      let featureKey = this.pickFeatureKey(caches, now);
      let rows = featureKey === null ? [] : this.pendingRows(featureKey, max);
      if (rows.length === 0 && this.hasPending()) {
        // the cached counts were wrong (trials added, taken or cancelled elsewhere): recount once, ask again
        this.groups.refresh(now);
        featureKey = this.pickFeatureKey(caches, now);
        rows = featureKey === null ? [] : this.pendingRows(featureKey, max);
      }
      if (featureKey === null || rows.length === 0) return null;
      const expiresAt = now + ttlMs;
      const trials: GrantedTrial[] = [];
      for (const r of rows) {
        const leaseId = randomUUID();
        const token = r.fencing_token + 1;
        const attemptId = this.tr.lease(r, workerId, leaseId, token, expiresAt, now);
        if (attemptId === null) continue;
        trials.push({
          trialId: r.id,
          attemptId,
          key: r.key,
          sweep: this.sweepName(r.sweep_id),
          stage: r.stage,
          objective: r.objective,
          paramsJson: r.params_json,
          featureKey: r.feature_key,
          dwtKey: r.dwt_key,
          leaseId,
          fencingToken: token,
          attempt: r.attempts + 1,
          maxAttempts: this.opts.maxAttempts ?? r.max_attempts,
        });
      }
      this.touchWorker(workerId, now);
      return trials.length ? { featureKey, dwtKey: trials[0].dwtKey, expiresAt, trials } : null;
    })();
  }

  handBack(workerId: string, leases: readonly GrantedLease[], now: number): number {
    return this.db.transaction(() => this.handBackLeases(workerId, leases, now))();
  }

  heartbeat(workerId: string, refs: readonly LeaseRef[], now: number, ttlMs: number): LeaseCheck[] {
    return this.db.transaction((): LeaseCheck[] => {
      this.touchWorker(workerId, now);
      return refs.map((ref): LeaseCheck => {
        if (this.maps.owns(ref.leaseId)) return this.maps.heartbeat(workerId, ref, now, ttlMs);
        const found = this.fin.check(ref);
        if (!found.ok) {
          if (found.reason !== 'finished')
            this.fin.event(
              now,
              'warn',
              found.row?.trialId ?? null,
              workerId,
              `heartbeat for lost lease ${ref.leaseId} (token ${ref.fencingToken}): ${found.reason}`,
            );
          return { leaseId: ref.leaseId, ok: false, reason: found.reason, trialKey: found.row?.key ?? null };
        }
        const expiresAt = now + ttlMs;
        this.tr.heartbeat({ id: found.row.trialId, status: found.row.status }, expiresAt, now);
        return { leaseId: ref.leaseId, ok: true, expiresAt, trialKey: found.row.key };
      });
    })();
  }

  complete(workerId: string, items: readonly CompletionInput[], now: number): FinishOutcome[] {
    return this.db.transaction(() =>
      items.map((it) =>
        this.maps.owns(it.leaseId)
          ? this.maps.complete(workerId, it, it.result, now)
          : this.settled(it.leaseId, this.fin.complete(workerId, it, now), now),
      ),
    )();
  }

  fail(workerId: string, items: readonly FailureInput[], now: number): FinishOutcome[] {
    return this.db.transaction(() =>
      items.map((it) =>
        this.maps.owns(it.leaseId)
          ? this.maps.fail(workerId, it, it.error, now)
          : this.settled(it.leaseId, this.fin.fail(workerId, it, now), now),
      ),
    )();
  }

  expire(now: number): ExpiredLease[] {
    return this.db.transaction(() => {
      this.maps.expire(now);
      const out = this.fin.expire(now);
      for (const e of out) if (e.status === 'failed') this.winners.afterSettle(e.trialId, now);
      return out;
    })();
  }

  requestMaps(trial: string, queue: boolean, now: number): MapRequestState[] {
    return this.db.transaction(() => mapRequests(this.db, this.maps).request(trial, queue, now))();
  }

  /** After a trial settled for good: its sweep or stage may have ended, so its winners' maps jobs are queued. */
  private settled(leaseId: string, o: FinishOutcome, now: number): FinishOutcome {
    if (o.accepted && !o.duplicate && (o.trialStatus === 'done' || o.trialStatus === 'failed')) {
      const row = this.s.trialOfLease.get(leaseId) as { id: number } | undefined;
      if (row) this.winners.afterSettle(row.id, now);
    }
    return o;
  }

  cancel(target: string, now: number): CancelOutcome {
    return this.db.transaction((): CancelOutcome => {
      const o = this.fin.cancel(target, now);
      if (o.matched === 'none') return o;
      const m = this.maps.cancel(o.matched, o.target, `cancelled with ${o.matched} ${o.target}`, now);
      return { ...o, mapsCancelled: m.cancelled, mapsInterrupted: m.leased };
    })();
  }

  appendProgress(workerId: string, updates: readonly ProgressInput[], now: number): ProgressResult[] {
    return this.db.transaction((): ProgressResult[] =>
      updates.map((u): ProgressResult => {
        // a maps job's progress is not recorded: its trial is done, its metrics stay as they are
        if (this.maps.owns(u.leaseId)) return { outcome: 'duplicate', trialKey: null };
        const found = this.fin.check(u);
        if (!found.ok) return { outcome: 'stale', trialKey: found.row?.key ?? null };
        const trialKey = found.row.key;
        const attemptId = found.row.attemptId;
        if (this.s.cursorAdvance.run(attemptId, u.seq).changes === 0) return { outcome: 'duplicate', trialKey };
        for (const [name, value] of Object.entries(u.values))
          this.s.insProgressMetric.run(found.row.trialId, attemptId, name, value, u.seq, now);
        return { outcome: 'applied', trialKey };
      }),
    )();
  }

  hasPending(): boolean {
    return this.s.hasPending.get() !== undefined || this.maps.hasPending();
  }

  activeLeases(workerId?: string): number {
    const row = (workerId === undefined ? this.s.activeAll.get() : this.s.activeWorker.get(workerId)) as { n: number };
    return row.n;
  }

  statusCounts(): Record<string, number> {
    const rows = this.s.statusCounts.all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }
}
