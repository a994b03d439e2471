/**
 * Schema migrations for the coordinator's SQLite store. Each migration runs once, in order, inside
 * a transaction, and bumps PRAGMA user_version. Never edit a shipped migration: append a new one.
 *
 * Time columns are integers in milliseconds since the epoch.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE sweeps (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  source_path   TEXT,
  source_yaml   TEXT NOT NULL,
  source_hash   TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

-- One row per (grid point, class). key = trialKey(params); params_json = canonical JSON.
CREATE TABLE trials (
  id               INTEGER PRIMARY KEY,
  sweep_id         INTEGER NOT NULL REFERENCES sweeps(id),
  key              TEXT NOT NULL,
  stage            TEXT NOT NULL,
  class            TEXT NOT NULL,
  objective        TEXT NOT NULL,
  params_json      TEXT NOT NULL,
  feature_key      TEXT NOT NULL,
  dwt_key          TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending','leased','running','done','failed','cancelled')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  max_attempts     INTEGER NOT NULL DEFAULT 3,
  lease_id         TEXT,
  fencing_token    INTEGER NOT NULL DEFAULT 0,
  worker_id        TEXT,
  lease_expires_at INTEGER,
  created_at       INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER,
  error            TEXT,
  UNIQUE (sweep_id, key)
);
CREATE INDEX trials_by_status ON trials (status, sweep_id);
CREATE INDEX trials_pending_feature ON trials (feature_key, dwt_key) WHERE status = 'pending';
CREATE INDEX trials_leased_expiry ON trials (lease_expires_at) WHERE status IN ('leased','running');

-- Every lease ever granted. outcome: running | done | failed | expired | cancelled | stale
CREATE TABLE attempts (
  id             INTEGER PRIMARY KEY,
  trial_id       INTEGER NOT NULL REFERENCES trials(id),
  worker_id      TEXT NOT NULL,
  lease_id       TEXT NOT NULL UNIQUE,
  fencing_token  INTEGER NOT NULL,
  started_at     INTEGER NOT NULL,
  ended_at       INTEGER,
  outcome        TEXT NOT NULL DEFAULT 'running',
  error          TEXT
);
CREATE INDEX attempts_by_trial ON attempts (trial_id);

-- final = 1: the trial's result metrics, written in the transaction that marks it done (one per name).
-- final = 0: progress values streamed during an attempt.
CREATE TABLE metrics (
  id          INTEGER PRIMARY KEY,
  trial_id    INTEGER NOT NULL REFERENCES trials(id),
  attempt_id  INTEGER REFERENCES attempts(id),
  name        TEXT NOT NULL,
  value       REAL NOT NULL,
  step        INTEGER NOT NULL DEFAULT 0,
  time        INTEGER NOT NULL,
  final       INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX metrics_final_unique ON metrics (trial_id, name) WHERE final = 1;
CREATE INDEX metrics_by_name ON metrics (name, final, trial_id);

-- Highest stream sequence number applied per attempt, so a resent batch is not double-counted.
CREATE TABLE stream_cursors (
  attempt_id  INTEGER PRIMARY KEY REFERENCES attempts(id),
  last_seq    INTEGER NOT NULL
);

-- Exactly one row per done trial: what makes it reproducible, plus the full result document.
CREATE TABLE results (
  trial_id      INTEGER PRIMARY KEY REFERENCES trials(id),
  attempt_id    INTEGER NOT NULL REFERENCES attempts(id),
  code_version  TEXT NOT NULL,
  backend       TEXT NOT NULL,
  device        TEXT NOT NULL,
  weights       TEXT NOT NULL,
  dataset_root  TEXT NOT NULL,
  class         TEXT NOT NULL,
  result_json   TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);

CREATE TABLE workers (
  id              TEXT PRIMARY KEY,
  host            TEXT NOT NULL,
  gpu_index       INTEGER,
  gpu_name        TEXT,
  backend         TEXT NOT NULL,
  memory_mb       INTEGER,
  caches_json     TEXT NOT NULL DEFAULT '[]',
  state           TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active','draining','gone')),
  registered_at   INTEGER NOT NULL,
  last_heartbeat  INTEGER NOT NULL
);

CREATE TABLE artifacts (
  id          INTEGER PRIMARY KEY,
  trial_id    INTEGER NOT NULL REFERENCES trials(id),
  kind        TEXT NOT NULL,
  path        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (trial_id, kind, path)
);

-- Log lines worth keeping with the data, e.g. a stale completion rejected by its fencing token.
CREATE TABLE events (
  id        INTEGER PRIMARY KEY,
  time      INTEGER NOT NULL,
  level     TEXT NOT NULL,
  trial_id  INTEGER,
  worker_id TEXT,
  message   TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'grid points and final-metric view for leaderboards',
    // point_json: the trial's canonical params without `class`, i.e. its grid point. Virtual (computed on read),
    // so existing rows need no backfill and every writer of trials gets it for free.
    sql: `
ALTER TABLE trials ADD COLUMN point_json TEXT GENERATED ALWAYS AS (json_remove(params_json, '$.class')) VIRTUAL;
CREATE INDEX trials_by_point ON trials (sweep_id, point_json);

-- Covering index for leaderboards: one metric name, all final values, no table lookups.
CREATE INDEX metrics_final_value ON metrics (name, trial_id, value) WHERE final = 1;

-- One row per (trial, final metric), with what leaderboards group and filter on.
CREATE VIEW final_metrics AS
SELECT t.sweep_id, t.id AS trial_id, t.class, t.point_json, t.params_json, m.name, m.value
FROM metrics m JOIN trials t ON t.id = m.trial_id
WHERE m.final = 1;
`,
  },
  {
    version: 3,
    name: 'indexes for the dashboard: per-trial reads, failures, latest finished, stages, workers of a sweep',
    // Each turns a full scan of a big table into an index lookup (bench/dashboard.ts, 1,000,000 metric rows).
    sql: `
-- a trial's streamed progress (metric stream over time); final values already have metrics_final_unique
CREATE INDEX metrics_stream_by_trial ON metrics (trial_id, time) WHERE final = 0;
-- every failed or expired attempt of a sweep, without reading the done ones
CREATE INDEX attempts_failed ON attempts (trial_id) WHERE outcome IN ('failed','expired');
-- which workers worked on a sweep (status), and a trial's events
CREATE INDEX attempts_by_worker ON attempts (worker_id, trial_id);
CREATE INDEX events_by_trial ON events (trial_id) WHERE trial_id IS NOT NULL;
-- the latest finished trials of a sweep, its first start, its stages with their counts, its classes (covering)
CREATE INDEX trials_finished ON trials (sweep_id, finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX trials_started ON trials (sweep_id, started_at) WHERE started_at IS NOT NULL;
CREATE INDEX trials_by_stage ON trials (sweep_id, stage, status);
CREATE INDEX trials_by_class ON trials (sweep_id, class);
`,
  },
  {
    version: 4,
    name: 'search: halving plans, points, rung scores and promotions',
    // A halving sweep stores its spec and every grid point (with its classes in budget order); trials carry
    // the point and the rung that created them. rung_scores: a point's settled result at a rung (score NULL =
    // a trial failed). promotions: one row per (sweep, point, rung) ever promoted, so a promotion happens
    // exactly once even if the policy is evaluated again (after a restart, by reconcile).
    sql: `
CREATE TABLE search_plans (
  sweep_id   INTEGER PRIMARY KEY REFERENCES sweeps(id),
  spec_json  TEXT NOT NULL
);
CREATE TABLE search_points (
  id            INTEGER PRIMARY KEY,
  sweep_id      INTEGER NOT NULL REFERENCES sweeps(id),
  point_key     TEXT NOT NULL,
  stage         TEXT NOT NULL,
  params_json   TEXT NOT NULL,
  classes_json  TEXT NOT NULL,
  rung          INTEGER NOT NULL DEFAULT 0,
  UNIQUE (sweep_id, point_key)
);
CREATE INDEX search_points_by_rung ON search_points (sweep_id, rung);
CREATE TABLE rung_scores (
  sweep_id    INTEGER NOT NULL REFERENCES sweeps(id),
  point_id    INTEGER NOT NULL REFERENCES search_points(id),
  rung        INTEGER NOT NULL,
  score       REAL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (point_id, rung)
);
CREATE INDEX rung_scores_by_rung ON rung_scores (sweep_id, rung);
CREATE TABLE promotions (
  sweep_id    INTEGER NOT NULL REFERENCES sweeps(id),
  point_id    INTEGER NOT NULL REFERENCES search_points(id),
  rung        INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (sweep_id, point_id, rung)
);
ALTER TABLE trials ADD COLUMN search_point INTEGER REFERENCES search_points(id);
ALTER TABLE trials ADD COLUMN rung INTEGER;
CREATE INDEX trials_by_search_point ON trials (search_point, rung) WHERE search_point IS NOT NULL;
`,
  },
  {
    version: 5,
    name: 'artifacts stored at the coordinator (content-addressed)',
    // A row with sha256 set is a file the coordinator holds: path is relative to the database's folder
    // (artifacts/sha256/ab/cdef...), name is the file name inside the trial's folder, attempt_id the attempt
    // that uploaded it, source_path where it lay on the worker. A row with sha256 NULL is only a path on a
    // worker, as reported with the result (older rows, or a file whose upload has not arrived yet).
    sql: `
ALTER TABLE artifacts ADD COLUMN name TEXT;
ALTER TABLE artifacts ADD COLUMN sha256 TEXT;
ALTER TABLE artifacts ADD COLUMN size INTEGER;
ALTER TABLE artifacts ADD COLUMN mime TEXT;
ALTER TABLE artifacts ADD COLUMN attempt_id INTEGER REFERENCES attempts(id);
ALTER TABLE artifacts ADD COLUMN source_path TEXT;
CREATE UNIQUE INDEX artifacts_content ON artifacts (trial_id, name, sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX artifacts_by_trial ON artifacts (trial_id, kind);
`,
  },
  {
    version: 6,
    name: "grid points without a command's step budget",
    // A halving rung of a command sweep runs the same point with a larger command.budget: the point (what
    // leaderboards group by) is the params without class and without that budget. A generated column cannot
    // be altered, so it is dropped and added again with its index and the view that names it (still virtual:
    // no row is rewritten).
    sql: `
DROP VIEW final_metrics;
DROP INDEX trials_by_point;
ALTER TABLE trials DROP COLUMN point_json;
ALTER TABLE trials ADD COLUMN point_json TEXT GENERATED ALWAYS AS (json_remove(params_json, '$.class', '$.command.budget')) VIRTUAL;
CREATE INDEX trials_by_point ON trials (sweep_id, point_json);
CREATE VIEW final_metrics AS
SELECT t.sweep_id, t.id AS trial_id, t.class, t.point_json, t.params_json, m.name, m.value
FROM metrics m JOIN trials t ON t.id = m.trial_id
WHERE m.final = 1;
`,
  },
  {
    version: 7,
    name: 'the coordinator lease: one coordinator per database',
    // One row at most: the coordinator serving this database (holder = a random id per start), refreshed
    // every few seconds (heartbeat_at, expires_at). db_error*: the last period its writes failed.
    sql: `
CREATE TABLE coordinator_lease (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  holder         TEXT NOT NULL,
  host           TEXT NOT NULL,
  pid            INTEGER NOT NULL,
  address        TEXT NOT NULL,
  started_at     INTEGER NOT NULL,
  heartbeat_at   INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  db_error       TEXT,
  db_error_since INTEGER,
  db_error_until INTEGER
);
`,
  },
  {
    version: 8,
    name: 'maps jobs: anomaly maps of the per-class winners, made after their sweep or stage ends',
    // One row per trial whose maps are wanted (UNIQUE trial_id: queued once, whatever restarts). A job is leased
    // like a trial (lease_id, fencing_token + 1 per lease, expires_at) and re-runs the trial with maps kept; it
    // never writes the trial's results or metrics. reason: 'winner image_auroc,pixel_auroc' or 'requested';
    // maps: how many map files the accepted re-run reported (their uploads may still be on the way).
    sql: `
CREATE TABLE map_jobs (
  id            INTEGER PRIMARY KEY,
  trial_id      INTEGER NOT NULL UNIQUE REFERENCES trials(id),
  reason        TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','leased','done','failed')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  lease_id      TEXT UNIQUE,
  fencing_token INTEGER NOT NULL DEFAULT 0,
  worker_id     TEXT,
  expires_at    INTEGER,
  error         TEXT,
  maps          INTEGER,
  created_at    INTEGER NOT NULL,
  finished_at   INTEGER
);
CREATE INDEX map_jobs_by_status ON map_jobs (status, id);
`,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Apply every migration newer than the database's user_version; returns the versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
