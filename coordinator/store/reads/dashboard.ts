/**
 * Read-only queries the web dashboard needs beyond the report builders: a cheap change watermark for the
 * live stream, a sweep's stages, one trial's full record (attempts with full error text, metric stream,
 * artifacts, events), every failed attempt of a sweep, and one artifact row by id. Nothing here writes.
 */
import type { Db } from '../db.js';
import { filterSql, type ParamFilter } from './filter-sql.js';
import { StoreReads } from './index.js';
import { openReadDb } from './open.js';

/** What a live page compares to decide whether to fetch again. */
export interface Watermark {
  /** highest metrics row id (final results and streamed progress) */
  metric: number;
  /** highest attempts row id (a lease was granted) */
  attempt: number;
  /** highest events row id */
  event: number;
  /** trials by status over the whole database, "pending:3,running:1,..." (status changes without new rows) */
  states: string;
  /** newest worker heartbeat and worker states (liveness only) */
  heartbeat: number;
  workers: string;
}

export function watermark(db: Db): Watermark {
  const max = (table: string): number =>
    (db.prepare(`SELECT coalesce(max(id), 0) FROM ${table}`).pluck().get() as number) ?? 0;
  const states = (
    db.prepare('SELECT status, count(*) AS n FROM trials GROUP BY status ORDER BY status').all() as {
      status: string;
      n: number;
    }[]
  )
    .map((r) => `${r.status}:${r.n}`)
    .join(',');
  const w = db
    .prepare(`SELECT coalesce(max(last_heartbeat), 0) AS hb, group_concat(id || '=' || state) AS ws FROM workers`)
    .get() as { hb: number; ws: string | null };
  return {
    metric: max('metrics'),
    attempt: max('attempts'),
    event: max('events'),
    states,
    heartbeat: w.hb,
    workers: w.ws ?? '',
  };
}

/** SQLite's data_version: changes whenever another connection committed (costs no table read). */
export function dataVersion(db: Db): number {
  return db.pragma('data_version', { simple: true }) as number;
}

export interface StageCounts {
  stage: string;
  total: number;
  open: number;
  done: number;
  failed: number;
}

/** A sweep's stages in the order their first trial was stored, with how many trials are still open. */
export function sweepStages(db: Db, sweepId: number): StageCounts[] {
  // grouped on the covering (sweep_id, stage, status) index in its own order (no temporary B-tree), folded here
  const rows = db
    .prepare('SELECT stage, status, count(*), min(id) FROM trials WHERE sweep_id = ? GROUP BY stage, status')
    .raw()
    .all(sweepId) as [string, string, number, number][];
  const stages = new Map<string, StageCounts & { first: number }>();
  for (const [stage, status, n, first] of rows) {
    let s = stages.get(stage);
    if (!s) stages.set(stage, (s = { stage, total: 0, open: 0, done: 0, failed: 0, first }));
    s.total += n;
    if (status === 'pending' || status === 'leased' || status === 'running') s.open += n;
    if (status === 'done') s.done += n;
    if (status === 'failed') s.failed += n;
    s.first = Math.min(s.first, first);
  }
  return [...stages.values()]
    .sort((a, b) => a.first - b.first)
    .map(({ stage, total, open, done, failed }) => ({ stage, total, open, done, failed }));
}

export interface TrialRow {
  id: number;
  sweep: string;
  key: string;
  stage: string;
  class: string;
  objective: string;
  params: Record<string, unknown>;
  status: string;
  attempts: number;
  maxAttempts: number;
  workerId: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  error: string | null;
}

/** A trial by id, or by key (full or a unique prefix of at least 6 characters); null when none or ambiguous. */
export function trialRow(db: Db, idOrKey: string): TrialRow | null {
  const byId = /^\d+$/.test(idOrKey);
  const rows = db
    .prepare(
      `SELECT t.id, s.name AS sweep, t.key, t.stage, t.class, t.objective, t.params_json, t.status, t.attempts, t.max_attempts,
              t.worker_id, t.created_at, t.started_at, t.finished_at, t.error
       FROM trials t JOIN sweeps s ON s.id = t.sweep_id
       WHERE ${byId ? 't.id = ?' : "t.key >= ? AND t.key < ? || '~'"} LIMIT 2`,
    )
    .all(...(byId ? [Number(idOrKey)] : idOrKey.length >= 6 ? [idOrKey, idOrKey] : ['~', '~'])) as {
    id: number;
    sweep: string;
    key: string;
    stage: string;
    class: string;
    objective: string;
    params_json: string;
    status: string;
    attempts: number;
    max_attempts: number;
    worker_id: string | null;
    created_at: number;
    started_at: number | null;
    finished_at: number | null;
    error: string | null;
  }[];
  if (rows.length !== 1) return null;
  const r = rows[0];
  return {
    id: r.id,
    sweep: r.sweep,
    key: r.key,
    stage: r.stage,
    class: r.class,
    objective: r.objective,
    params: JSON.parse(r.params_json) as Record<string, unknown>,
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    workerId: r.worker_id,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    error: r.error,
  };
}

export interface ResultRow {
  attemptId: number;
  codeVersion: string;
  backend: string;
  device: string;
  weights: string;
  datasetRoot: string;
  createdAt: number;
  result: Record<string, unknown>;
}

export function trialResult(db: Db, trialId: number): ResultRow | null {
  const r = db.prepare('SELECT * FROM results WHERE trial_id = ?').get(trialId) as
    | {
        attempt_id: number;
        code_version: string;
        backend: string;
        device: string;
        weights: string;
        dataset_root: string;
        created_at: number;
        result_json: string;
      }
    | undefined;
  if (!r) return null;
  return {
    attemptId: r.attempt_id,
    codeVersion: r.code_version,
    backend: r.backend,
    device: r.device,
    weights: r.weights,
    datasetRoot: r.dataset_root,
    createdAt: r.created_at,
    result: JSON.parse(r.result_json) as Record<string, unknown>,
  };
}

export interface AttemptRow {
  id: number;
  workerId: string;
  leaseId: string;
  fencingToken: number;
  startedAt: number;
  endedAt: number | null;
  outcome: string;
  error: string | null;
}

export function trialAttempts(db: Db, trialId: number): AttemptRow[] {
  return db
    .prepare(
      `SELECT id, worker_id AS workerId, lease_id AS leaseId, fencing_token AS fencingToken, started_at AS startedAt,
              ended_at AS endedAt, outcome, error FROM attempts WHERE trial_id = ? ORDER BY id`,
    )
    .all(trialId) as AttemptRow[];
}

export interface MetricPoint {
  name: string;
  value: number;
  step: number;
  time: number;
  attemptId: number | null;
}

/** Final metrics as name -> value, and the streamed (non-final) values in time order. */
export function trialMetrics(db: Db, trialId: number): { final: Record<string, number>; stream: MetricPoint[] } {
  const final = db
    .prepare('SELECT name, value FROM metrics WHERE trial_id = ? AND final = 1 ORDER BY name')
    .all(trialId) as { name: string; value: number }[];
  const stream = db
    .prepare(
      'SELECT name, value, step, time, attempt_id AS attemptId FROM metrics WHERE trial_id = ? AND final = 0 ORDER BY time, id',
    )
    .all(trialId) as MetricPoint[];
  return { final: Object.fromEntries(final.map((m) => [m.name, m.value])), stream };
}

export interface ArtifactRow {
  id: number;
  trialId: number;
  kind: string;
  path: string;
  /** the file's name in the trial's folder (stored files; null for a path only reported by a worker) */
  name: string | null;
  createdAt: number;
}

export function trialArtifacts(db: Db, trialId: number): ArtifactRow[] {
  return db
    .prepare(
      'SELECT id, trial_id AS trialId, kind, path, name, created_at AS createdAt FROM artifacts WHERE trial_id = ? ORDER BY kind, path',
    )
    .all(trialId) as ArtifactRow[];
}

export function artifactById(db: Db, id: number): ArtifactRow | null {
  return (
    (db
      .prepare('SELECT id, trial_id AS trialId, kind, path, name, created_at AS createdAt FROM artifacts WHERE id = ?')
      .get(id) as ArtifactRow | undefined) ?? null
  );
}

export interface EventRow {
  id: number;
  time: number;
  level: string;
  workerId: string | null;
  message: string;
}

export function trialEvents(db: Db, trialId: number): EventRow[] {
  return db
    .prepare('SELECT id, time, level, worker_id AS workerId, message FROM events WHERE trial_id = ? ORDER BY id')
    .all(trialId) as EventRow[];
}

export interface FailedAttempt {
  attemptId: number;
  trialId: number;
  key: string;
  class: string;
  params: Record<string, unknown>;
  trialStatus: string;
  workerId: string;
  startedAt: number;
  endedAt: number | null;
  outcome: string;
  error: string;
}

/** Every attempt of the sweep that failed or expired, newest first, with its full error text (CROSS JOIN: start from the few failed attempts). */
export function failedAttempts(db: Db, sweepId: number, limit = 1000): FailedAttempt[] {
  const rows = db
    .prepare(
      `SELECT a.id AS attemptId, t.id AS trialId, t.key, t.class, t.point_json, t.status AS trialStatus, a.worker_id AS workerId,
              a.started_at AS startedAt, a.ended_at AS endedAt, a.outcome, coalesce(a.error, t.error, '') AS error
       FROM attempts a CROSS JOIN trials t ON t.id = a.trial_id
       WHERE t.sweep_id = ? AND a.outcome IN ('failed','expired')
       ORDER BY coalesce(a.ended_at, a.started_at) DESC, a.id DESC LIMIT ?`,
    )
    .all(sweepId, limit) as (Omit<FailedAttempt, 'params'> & { point_json: string })[];
  return rows.map(({ point_json, ...r }) => ({ ...r, params: JSON.parse(point_json) as Record<string, unknown> }));
}

/** Trials of a sweep that finished most recently (for the live "latest results" list). */
export function latestFinished(
  db: Db,
  sweepId: number,
  limit = 10,
): { id: number; key: string; class: string; status: string; finishedAt: number }[] {
  return db
    .prepare(
      `SELECT id, key, class, status, finished_at AS finishedAt FROM trials
       WHERE sweep_id = ? AND status IN ('done','failed') AND finished_at IS NOT NULL ORDER BY finished_at DESC, id DESC LIMIT ?`,
    )
    .all(sweepId, limit) as { id: number; key: string; class: string; status: string; finishedAt: number }[];
}

export interface PointMeans {
  point: string;
  /** class mean of each metric over the classes that have it (null: none has) */
  means: (number | null)[];
}

/**
 * Class means of several metrics per grid point in one pass over the sweep's trials (the grid-point index,
 * one final-metric probe per trial and metric): the means rankPoints computes, for a scatter of two metrics.
 */
export function pointMeans(
  db: Db,
  sweepId: number,
  metrics: readonly string[],
  filters: readonly ParamFilter[] = [],
): PointMeans[] {
  const where = filterSql(filters);
  const cols = metrics.map((_, i) => `avg(m${i}.value) AS v${i}`).join(', ');
  const joins = metrics
    .map((_, i) => `LEFT JOIN metrics m${i} ON m${i}.trial_id = t.id AND m${i}.name = ? AND m${i}.final = 1`)
    .join(' ');
  const rows = db
    .prepare(
      `SELECT t.point_json AS point, ${cols} FROM trials t ${joins} WHERE t.sweep_id = ?${where.sql} GROUP BY t.point_json ORDER BY min(t.id)`,
    )
    .all(...metrics, sweepId, ...where.args) as Record<string, string | number | null>[];
  return rows.map((r) => ({ point: r.point as string, means: metrics.map((_, i) => r[`v${i}`] as number | null) }));
}

/** The classes of a sweep in expansion order (choices for the plots page). */
export function sweepClasses(db: Db, sweepId: number): string[] {
  return db
    .prepare('SELECT class FROM trials WHERE sweep_id = ? GROUP BY class ORDER BY min(id)')
    .pluck()
    .all(sweepId) as string[];
}

/**
 * Final metric names recorded in a sweep, by name. A skip-scan over the covering index metrics_final_value
 * (one seek per distinct name, then one probe for a trial of this sweep), instead of reading every metric row.
 */
export function sweepMetricNames(db: Db, sweepId: number): string[] {
  return db
    .prepare(
      `WITH RECURSIVE n(name) AS (
         SELECT (SELECT min(name) FROM metrics WHERE final = 1)
         UNION ALL
         SELECT (SELECT min(name) FROM metrics WHERE final = 1 AND name > n.name) FROM n WHERE n.name IS NOT NULL)
       SELECT name FROM n WHERE name IS NOT NULL
         AND EXISTS (SELECT 1 FROM metrics m JOIN trials t ON t.id = m.trial_id WHERE m.name = n.name AND m.final = 1 AND t.sweep_id = ?)`,
    )
    .pluck()
    .all(sweepId) as string[];
}

/**
 * The random-init weights specs ("random:SEED") of a sweep's trials, sorted: what report/weights-notice.ts's
 * randomWeightsOf returns, read from the distinct grid points (covering index trials_by_point) instead of
 * parsing every trial's JSON twice.
 */
export function sweepRandomWeights(db: Db, sweepId: number): string[] {
  return db
    .prepare(
      `SELECT DISTINCT json_extract(point_json, '$.weights') AS w FROM (SELECT DISTINCT point_json FROM trials WHERE sweep_id = ?)
       WHERE json_extract(point_json, '$.weights') LIKE 'random:%' ORDER BY w`,
    )
    .pluck()
    .all(sweepId) as string[];
}

/**
 * sweepRandomWeights on the grid points held in memory: distinct string weights LIKE 'random:%' (ASCII case
 * folded, as LIKE does), sorted by their UTF-8 bytes (BINARY); null (use SQL) for a non-string weights value.
 */
function randomWeightsOf(points: readonly Readonly<Record<string, unknown>>[] | null): string[] | null {
  if (!points) return null;
  const out = new Set<string>();
  for (const p of points) {
    const w = p.weights;
    if (w === undefined || w === null) continue;
    if (typeof w !== 'string') return null;
    if (/^random:/i.test(w)) out.add(w);
  }
  return [...out].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/**
 * The dashboard's reads over one read-only connection: the report API (StoreReads) and the queries above.
 * The dashboard never sees the connection.
 */
export class DashboardReads {
  readonly #db: Db;
  readonly reads: StoreReads;

  constructor(db: Db) {
    this.#db = db;
    this.reads = new StoreReads(db, false, true);
  }

  /** Open `path` read-only (migrating an older schema first), as the report commands do. */
  static open(path: string): DashboardReads {
    return new DashboardReads(openReadDb(path));
  }

  close(): void {
    this.#db.close();
  }

  dataVersion = (): number => dataVersion(this.#db);
  watermark = (): Watermark => watermark(this.#db);
  sweepStages = (sweepId: number): StageCounts[] => sweepStages(this.#db, sweepId);
  trialRow = (idOrKey: string): TrialRow | null => trialRow(this.#db, idOrKey);
  trialResult = (trialId: number): ResultRow | null => trialResult(this.#db, trialId);
  trialAttempts = (trialId: number): AttemptRow[] => trialAttempts(this.#db, trialId);
  trialMetrics = (trialId: number): ReturnType<typeof trialMetrics> => trialMetrics(this.#db, trialId);
  trialArtifacts = (trialId: number): ArtifactRow[] => trialArtifacts(this.#db, trialId);
  artifactById = (id: number): ArtifactRow | null => artifactById(this.#db, id);
  trialEvents = (trialId: number): EventRow[] => trialEvents(this.#db, trialId);
  failedAttempts = (sweepId: number, limit?: number): FailedAttempt[] => failedAttempts(this.#db, sweepId, limit);
  latestFinished = (sweepId: number, limit?: number): ReturnType<typeof latestFinished> =>
    latestFinished(this.#db, sweepId, limit);
  pointMeans = (sweepId: number, metrics: readonly string[], filters: readonly ParamFilter[] = []): PointMeans[] =>
    this.reads.indexedPointMeans(sweepId, metrics, filters) ?? pointMeans(this.#db, sweepId, metrics, filters);
  sweepClasses = (sweepId: number): string[] => sweepClasses(this.#db, sweepId);
  sweepMetricNames = (sweepId: number): string[] => sweepMetricNames(this.#db, sweepId);
  sweepRandomWeights = (sweepId: number): string[] =>
    randomWeightsOf(this.reads.indexedGridPoints(sweepId)) ?? sweepRandomWeights(this.#db, sweepId);
}
