/**
 * The `artifacts` table for files stored at the coordinator: who may upload (the lease that owns the trial,
 * or the attempt that produced its result), the per-file and per-trial size limits, the idempotent insert
 * by (trial, name, sha256), and the reads behind `wepadim artifacts`. Files themselves live in ./blobs.ts.
 */
import type { Db } from '../db.js';
import { BlobDir, extensionOf, SHA256_HEX } from './blobs.js';
import { mapJobs, type MapJobs } from '../map-jobs.js';
import { trialKeyResolver } from '../trial-keys.js';

export interface ArtifactLimits {
  /** largest single file, bytes */
  fileBytes: number;
  /** largest total of one trial's stored files, bytes */
  trialBytes: number;
}

export const DEFAULT_ARTIFACT_LIMITS: ArtifactLimits = { fileBytes: 64 * 2 ** 20, trialBytes: 256 * 2 ** 20 };

/** Why an upload is refused: `lease` (stale/expired/unknown lease), `invalid` (bad header or bytes), `limit` (too large). */
export class ArtifactRefused extends Error {
  constructor(
    readonly why: 'lease' | 'invalid' | 'limit',
    message: string,
  ) {
    super(message);
    this.name = 'ArtifactRefused';
  }
}

export interface UploadHeader {
  leaseId: string;
  fencingToken: number;
  name: string;
  kind: string;
  mime: string;
  sha256: string;
  size: number;
  sourcePath: string;
}

export interface UploadTarget {
  trialId: number;
  trialKey: string;
  /** the attempt that uploads; null for a maps job's lease (../map-jobs.ts) */
  attemptId: number | null;
}

export interface StoredArtifactRow {
  id: number;
  trial_id: number;
  trial_key: string;
  sweep: string;
  name: string;
  kind: string;
  mime: string;
  sha256: string;
  size: number;
  path: string;
  created_at: number;
}

const NAME = /^[\w][\w.+=,@-]{0,199}$/;

interface AttemptRow {
  attemptId: number;
  trialId: number;
  key: string;
  token: number;
  outcome: string;
  status: string;
  trialLease: string | null;
}

export class ArtifactStore {
  private readonly s;
  private readonly maps: MapJobs;
  private readonly fullKey: (target: string) => string;

  constructor(
    private readonly db: Db,
    readonly blobs: BlobDir,
    readonly limits: ArtifactLimits = DEFAULT_ARTIFACT_LIMITS,
  ) {
    this.maps = mapJobs(db);
    this.fullKey = trialKeyResolver(db);
    this.s = {
      attempt: db.prepare(
        `SELECT a.id AS attemptId, a.trial_id AS trialId, t.key, a.fencing_token AS token, a.outcome, t.status, t.lease_id AS trialLease
         FROM attempts a JOIN trials t ON t.id = a.trial_id WHERE a.lease_id = ?`,
      ),
      same: db.prepare('SELECT path FROM artifacts WHERE trial_id = ? AND name = ? AND sha256 = ?'),
      total: db.prepare('SELECT COALESCE(SUM(size), 0) AS n FROM artifacts WHERE trial_id = ? AND sha256 IS NOT NULL'),
      dropReported: db.prepare('DELETE FROM artifacts WHERE trial_id = ? AND sha256 IS NULL AND path = ?'),
      insert: db.prepare(
        `INSERT OR IGNORE INTO artifacts (trial_id, kind, path, created_at, name, sha256, size, mime, attempt_id, source_path)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      event: db.prepare('INSERT INTO events (time, level, trial_id, worker_id, message) VALUES (?, ?, ?, ?, ?)'),
      trialsByKey: db.prepare('SELECT id FROM trials WHERE key = ?'),
      trialById: db.prepare('SELECT id FROM trials WHERE id = ?'),
      list: db.prepare(
        `SELECT a.id, a.trial_id, t.key AS trial_key, s.name AS sweep, a.name, a.kind, a.mime, a.sha256, a.size, a.path, a.created_at
         FROM artifacts a JOIN trials t ON t.id = a.trial_id JOIN sweeps s ON s.id = t.sweep_id
         WHERE a.trial_id = ? AND a.sha256 IS NOT NULL ORDER BY a.kind, a.name`,
      ),
      bySha: db.prepare('SELECT name FROM artifacts WHERE sha256 = ? LIMIT 1'),
    };
  }

  /** The attempt's trial when the lease may upload, else why not. */
  private ownerOf(
    leaseId: string,
    fencingToken: number,
  ): { ok: true; t: UploadTarget } | { ok: false; reason: string; trialId: number | null } {
    const a = this.s.attempt.get(leaseId) as AttemptRow | undefined;
    if (!a) {
      // a maps job's lease uploads the maps of its (done) trial
      const m = this.maps.uploader({ leaseId, fencingToken });
      return m.ok
        ? { ok: true, t: { trialId: m.trialId, trialKey: m.key, attemptId: null } }
        : { ok: false, reason: m.reason, trialId: null };
    }
    if (a.token !== fencingToken)
      return { ok: false, reason: `is stale: the attempt's fencing token is ${a.token}`, trialId: a.trialId };
    const owns =
      a.outcome === 'running' && a.trialLease === leaseId && (a.status === 'leased' || a.status === 'running');
    if (a.outcome !== 'done' && !owns)
      return {
        ok: false,
        reason: `no longer owns trial ${a.key} (attempt ${a.outcome}, trial ${a.status})`,
        trialId: a.trialId,
      };
    return { ok: true, t: { trialId: a.trialId, trialKey: a.key, attemptId: a.attemptId } };
  }

  /**
   * The trial an upload belongs to. Allowed: the attempt that produced the trial's result (outcome done,
   * also long after), and the attempt that currently holds the trial's lease. Anything else is refused
   * and recorded in `events`.
   */
  target(workerId: string, leaseId: string, fencingToken: number, now: number): UploadTarget {
    const o = this.ownerOf(leaseId, fencingToken);
    if (o.ok) return o.t;
    this.s.event.run(
      now,
      'warn',
      o.trialId,
      workerId,
      `artifact upload refused: lease ${leaseId} token ${fencingToken} ${o.reason}`,
    );
    throw new ArtifactRefused(
      'lease',
      `artifact upload refused: lease ${leaseId} (fencing token ${fencingToken}) ${o.reason}`,
    );
  }

  /** Check a header before any byte is received; returns the stored path when this exact file is already stored. */
  check(t: UploadTarget, h: UploadHeader): { duplicate: string | null } {
    if (!NAME.test(h.name))
      throw new ArtifactRefused(
        'invalid',
        `artifact name ${JSON.stringify(h.name)}: letters, digits and ._-+=,@ only, at most 200 characters`,
      );
    if (!SHA256_HEX.test(h.sha256))
      throw new ArtifactRefused('invalid', `artifact ${h.name}: sha256 must be 64 lowercase hex digits`);
    if (!Number.isSafeInteger(h.size) || h.size < 0)
      throw new ArtifactRefused('invalid', `artifact ${h.name}: size must be a byte count >= 0`);
    const same = this.s.same.get(t.trialId, h.name, h.sha256) as { path: string } | undefined;
    if (same && this.blobs.has(h.sha256, extensionOf(h.name))) return { duplicate: same.path };
    if (h.size > this.limits.fileBytes)
      throw new ArtifactRefused(
        'limit',
        `artifact ${h.name} of trial ${t.trialKey} is ${h.size} bytes; the coordinator's limit per file is ${this.limits.fileBytes} bytes (--artifact-file-limit)`,
      );
    const total = (this.s.total.get(t.trialId) as { n: number }).n;
    if (total + h.size > this.limits.trialBytes)
      throw new ArtifactRefused(
        'limit',
        `artifact ${h.name} (${h.size} bytes) would bring trial ${t.trialKey} to ${total + h.size} bytes; the coordinator's limit per trial is ${this.limits.trialBytes} bytes (--artifact-trial-limit)`,
      );
    return { duplicate: null };
  }

  /**
   * Record a received file (its blob already in place); replaces the row the result reported with its worker
   * path. One transaction (the lease re-checked in it); returns whether the row existed before.
   */
  readonly record = (h: UploadHeader, now: number): { duplicate: boolean; path: string; target: UploadTarget } =>
    this.db.transaction(() => {
      // the lease is checked again: it may have expired while the bytes travelled
      const o = this.ownerOf(h.leaseId, h.fencingToken);
      if (!o.ok)
        throw new ArtifactRefused(
          'lease',
          `artifact upload refused: lease ${h.leaseId} (fencing token ${h.fencingToken}) ${o.reason}`,
        );
      const t = o.t;
      const path = this.blobs.relative(h.sha256, extensionOf(h.name));
      // concurrent uploads of one trial passed check() each: the limit holds at the insert too
      const known = this.s.same.get(t.trialId, h.name, h.sha256);
      const total = (this.s.total.get(t.trialId) as { n: number }).n;
      if (!known && total + h.size > this.limits.trialBytes)
        throw new ArtifactRefused(
          'limit',
          `artifact ${h.name} would bring trial ${t.trialKey} to ${total + h.size} bytes; the limit per trial is ${this.limits.trialBytes} bytes`,
        );
      if (h.sourcePath) this.s.dropReported.run(t.trialId, h.sourcePath);
      const r = this.s.insert.run(
        t.trialId,
        h.kind,
        path,
        now,
        h.name,
        h.sha256,
        h.size,
        h.mime,
        t.attemptId,
        h.sourcePath || null,
      );
      return { duplicate: r.changes === 0, path, target: t };
    })();

  /** A file already stored came again (e.g. from a re-run on another worker): forget the path its result reported. */
  dropReported(t: UploadTarget, sourcePath: string): void {
    if (sourcePath) this.s.dropReported.run(t.trialId, sourcePath);
  }

  /**
   * Trial ids matching a key (every sweep), an id given as digits, or a unique key prefix of at least 6 hex digits
   * (the 12 that reports show); an ambiguous prefix is a UserError naming the matches.
   */
  trials(trial: string): number[] {
    const byKey = (key: string): number[] => (this.s.trialsByKey.all(key) as { id: number }[]).map((r) => r.id);
    const exact = byKey(trial);
    if (exact.length) return exact;
    const row = /^\d{1,15}$/.test(trial)
      ? (this.s.trialById.get(Number(trial)) as { id: number } | undefined)
      : undefined;
    return row ? [row.id] : byKey(this.fullKey(trial));
  }

  list(trialIds: readonly number[]): StoredArtifactRow[] {
    return trialIds.flatMap((id) => this.s.list.all(id) as StoredArtifactRow[]);
  }

  /** The file of a stored artifact, or null when no artifact row names this sha256. */
  fileOf(sha256: string): string | null {
    const row = SHA256_HEX.test(sha256) ? (this.s.bySha.get(sha256) as { name: string } | undefined) : undefined;
    if (!row) return null;
    const ext = extensionOf(row.name);
    return this.blobs.has(sha256, ext) ? this.blobs.pathOf(sha256, ext) : null;
  }
}
