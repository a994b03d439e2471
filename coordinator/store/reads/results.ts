/**
 * Leaderboard reads on final metrics (the store's read API for coordinator/report). A grid point is a trial's params minus `class` (trials.point_json).
 * Class mean per point: the unweighted mean over the classes that have the metric; a point with a class
 * missing (pending, failed, cancelled) is "incomplete" and ranks after every complete point. In a halving
 * sweep, points rank by their rung first (the highest rung's points were measured on the most budget). Ties (means equal
 * to 12 decimals) go to the
 * point or trial that comes first in expansion order (lowest trials.id), like the original's strictly-greater rule.
 */
import { UserError } from '../../../shared/errors.js';
import type { Db } from '../db.js';
import { filterSql, type ParamFilter } from './filter-sql.js';

export type Order = 'desc' | 'asc';

/** Higher is better except for timings, memory and a loss (as a halving search ranks them). */
export function defaultOrder(metric: string): Order {
  return metric.startsWith('time.') || metric === 'peak_rss_mb' || metric === 'loss' ? 'asc' : 'desc';
}

export interface RankOptions {
  filters?: readonly ParamFilter[];
  /** only points where every trial has the metric */
  completeOnly?: boolean;
  order?: Order;
}

export interface PointScore {
  /** canonical JSON of the grid point (params without class) */
  point: string;
  params: Record<string, unknown>;
  mean: number;
  /** classes of this point that have the metric */
  classes: number;
  /** trials (classes) of this point in the sweep, after filters */
  trials: number;
  complete: boolean;
  /** lowest trial id of the point: its place in expansion order */
  firstTrialId: number;
  /** halving: the highest rung the point reached (null for other searches) */
  rung: number | null;
}

interface PointRow {
  point: string;
  mean: number;
  classes: number;
  trials: number;
  first_id: number;
  rung: number | null;
}

/** Is the sweep a halving search over steps (a command's `{budget}`): each rung reruns the point, scored alone. */
export function isStepHalving(db: Db, sweepId: number): boolean {
  return (
    db
      .prepare("SELECT 1 FROM search_plans WHERE sweep_id = ? AND json_extract(spec_json, '$.budget') = 'steps'")
      .get(sweepId) !== undefined
  );
}

/**
 * With step budgets a point's result is its highest rung that has a value of the metric (a rerun with more
 * steps replaces the shorter ones); with class budgets every rung adds classes to the same mean.
 */
const HIGHEST_SCORED_RUNG = ` AND (t.search_point IS NULL OR t.rung = (
  SELECT max(t2.rung) FROM trials t2 JOIN metrics m2 ON m2.trial_id = t2.id AND m2.name = ? AND m2.final = 1
  WHERE t2.search_point = t.search_point))`;

/** Every grid point with at least one value of `metric`, ranked. */
export function rankPoints(db: Db, sweepId: number, metric: string, opts: RankOptions = {}): PointScore[] {
  const f = filterSql(opts.filters ?? []);
  const dir = (opts.order ?? defaultOrder(metric)) === 'asc' ? 'ASC' : 'DESC';
  const steps = isStepHalving(db, sweepId);
  const rows = db
    .prepare(
      `SELECT t.point_json AS point, avg(m.value) AS mean, count(m.value) AS classes, count(*) AS trials, min(t.id) AS first_id, max(t.rung) AS rung
       FROM trials t LEFT JOIN metrics m ON m.trial_id = t.id AND m.name = ? AND m.final = 1
       WHERE t.sweep_id = ?${steps ? HIGHEST_SCORED_RUNG : ''}${f.sql}
       GROUP BY t.point_json
       HAVING count(m.value) > 0${opts.completeOnly ? ' AND count(m.value) = count(*)' : ''}
       ORDER BY coalesce(max(t.rung), 0) DESC, count(m.value) = count(*) DESC, round(mean, 12) ${dir}, first_id ASC`,
    )
    .all(metric, sweepId, ...(steps ? [metric] : []), ...f.args) as PointRow[];
  return rows.map((r) => ({
    point: r.point,
    params: JSON.parse(r.point) as Record<string, unknown>,
    mean: r.mean,
    classes: r.classes,
    trials: r.trials,
    complete: r.classes === r.trials,
    firstTrialId: r.first_id,
    rung: r.rung,
  }));
}

export interface ClassEntry {
  class: string;
  /** 1 = best for this class */
  rank: number;
  trialId: number;
  /** the trial key (reports show its first 12 digits, which every command accepts) */
  key: string;
  point: string;
  params: Record<string, unknown>;
  value: number;
}

const checked = new WeakMap<Db, Set<string>>();

/**
 * Per-class results are keyed by class name. When a sweep runs two dataset roots that share a class name
 * (two synthetic sets, say), those classes must not be merged: refuse and ask for a root filter. Cheap
 * when the sweep has one root (one pass over the grid-point index); remembered per database connection.
 */
export function assertClassesUnambiguous(db: Db, sweepId: number, filters: readonly ParamFilter[] = []): void {
  const memo = `${sweepId}:${JSON.stringify(filters)}`;
  const seen = checked.get(db) ?? new Set<string>();
  checked.set(db, seen);
  if (seen.has(memo)) return;
  const f = filterSql(filters);
  const roots = db
    .prepare(
      `SELECT DISTINCT json_extract(point_json, '$.root') AS root FROM (SELECT DISTINCT t.point_json FROM trials t WHERE t.sweep_id = ?${f.sql})`,
    )
    .pluck()
    .all(sweepId, ...f.args) as string[];
  if (roots.length > 1) {
    const clash = db
      .prepare(
        `SELECT t.class FROM trials t WHERE t.sweep_id = ?${f.sql}
         GROUP BY t.class HAVING count(DISTINCT json_extract(t.params_json, '$.root')) > 1 LIMIT 1`,
      )
      .pluck()
      .get(sweepId, ...f.args) as string | undefined;
    if (clash !== undefined)
      throw new UserError(
        `class "${clash}" exists under several dataset roots (${roots.join(', ')}); choose one with --where root=PATH for per-class results`,
      );
  }
  seen.add(memo);
}

/** The top `top` trials of every class by `metric` (classes in expansion order). */
export function bestPerClass(
  db: Db,
  sweepId: number,
  metric: string,
  opts: RankOptions & { top?: number } = {},
): ClassEntry[] {
  assertClassesUnambiguous(db, sweepId, opts.filters);
  const f = filterSql(opts.filters ?? []);
  const dir = (opts.order ?? defaultOrder(metric)) === 'asc' ? 'ASC' : 'DESC';
  const rows = db
    .prepare(
      // rank on (class, id, value) only; the grid point (a computed column) is read for the winners alone
      `SELECT w.class, w.rk, w.trial_id, t2.key, t2.point_json AS point, w.value FROM (
         SELECT t.class, t.id AS trial_id, m.value,
                row_number() OVER (PARTITION BY t.class ORDER BY m.value ${dir}, t.id ASC) AS rk,
                min(t.id) OVER (PARTITION BY t.class) AS class_first
         FROM trials t JOIN metrics m ON m.trial_id = t.id AND m.name = ? AND m.final = 1
         WHERE t.sweep_id = ?${f.sql}) w
       JOIN trials t2 ON t2.id = w.trial_id
       WHERE w.rk <= ? ORDER BY w.class_first, w.rk`,
    )
    .all(metric, sweepId, ...f.args, opts.top ?? 1) as {
    class: string;
    rk: number;
    trial_id: number;
    key: string;
    point: string;
    value: number;
  }[];
  return rows.map((r) => ({
    class: r.class,
    rank: r.rk,
    trialId: r.trial_id,
    key: r.key,
    point: r.point,
    params: JSON.parse(r.point) as Record<string, unknown>,
    value: r.value,
  }));
}

/** Entries ranked elsewhere (the in-memory index), completed with the trial key and parsed point as bestPerClass returns them. */
export function withTrialKeys(
  db: Db,
  entries: readonly { class: string; rank: number; trialId: number; point: string; value: number }[],
): ClassEntry[] {
  const key = db.prepare('SELECT key FROM trials WHERE id = ?').pluck();
  return entries.map((e) => ({
    class: e.class,
    rank: e.rank,
    trialId: e.trialId,
    key: key.get(e.trialId) as string,
    point: e.point,
    params: JSON.parse(e.point) as Record<string, unknown>,
    value: e.value,
  }));
}

export interface ClassValue {
  class: string;
  trialId: number;
  status: string;
  value: number | null;
}

/** One point's trials (one per class) with their value of `metric`, in expansion order. */
export function pointClassValues(db: Db, sweepId: number, point: string, metric: string): ClassValue[] {
  return db
    .prepare(
      `SELECT t.class, t.id AS trialId, t.status, m.value FROM trials t
       LEFT JOIN metrics m ON m.trial_id = t.id AND m.name = ? AND m.final = 1
       WHERE t.sweep_id = ? AND t.point_json = ? ORDER BY t.id`,
    )
    .all(metric, sweepId, point) as ClassValue[];
}

/** Values of `metric` for the given trials (absent when the trial has none). */
export function trialValues(db: Db, trialIds: readonly number[], metric: string): Map<number, number> {
  const get = db.prepare('SELECT value FROM metrics WHERE trial_id = ? AND name = ? AND final = 1');
  const out = new Map<number, number>();
  for (const id of trialIds) {
    const r = get.get(id, metric) as { value: number } | undefined;
    if (r) out.set(id, r.value);
  }
  return out;
}

export interface PointAggregate {
  mean: number;
  sum: number;
  classes: number;
}

/** Per point and metric: mean, sum and count of the final values (for export columns). */
export function pointAggregates(
  db: Db,
  sweepId: number,
  metrics: readonly string[],
  filters: readonly ParamFilter[] = [],
): Map<string, Map<string, PointAggregate>> {
  const f = filterSql(filters);
  const rows = db
    .prepare(
      `SELECT t.point_json AS point, m.name, avg(m.value) AS mean, sum(m.value) AS sum, count(*) AS classes
       FROM trials t JOIN metrics m ON m.trial_id = t.id AND m.final = 1 AND m.name IN (${metrics.map(() => '?').join(', ')})
       WHERE t.sweep_id = ?${f.sql} GROUP BY t.point_json, m.name`,
    )
    .all(...metrics, sweepId, ...f.args) as ({ point: string; name: string } & PointAggregate)[];
  const out = new Map<string, Map<string, PointAggregate>>();
  for (const r of rows) {
    let m = out.get(r.point);
    if (!m) out.set(r.point, (m = new Map<string, PointAggregate>()));
    m.set(r.name, { mean: r.mean, sum: r.sum, classes: r.classes });
  }
  return out;
}

/** Final metric names recorded in a sweep, most common first. */
export function metricNames(db: Db, sweepId: number): string[] {
  return (
    db
      .prepare(
        `SELECT m.name FROM metrics m JOIN trials t ON t.id = m.trial_id WHERE t.sweep_id = ? AND m.final = 1 GROUP BY m.name ORDER BY count(*) DESC, m.name`,
      )
      .all(sweepId) as { name: string }[]
  ).map((r) => r.name);
}

export interface TrialMetricsRow {
  key: string;
  class: string;
  status: string;
  attempts: number;
  /** halving: the rung that created the trial (null for other searches) */
  rung: number | null;
  params: Record<string, unknown>;
  /** every final metric of the trial (image/pixel AUROC, aupro, f1_max, per-defect AUROCs, timings, ...) */
  metrics: Record<string, number>;
}

/** One row per trial of the sweep (expansion order) with its parameters and all of its final metrics. */
export function trialMetricRows(db: Db, sweepId: number): TrialMetricsRow[] {
  const trials = db
    .prepare('SELECT id, key, class, status, attempts, rung, params_json FROM trials WHERE sweep_id = ? ORDER BY id')
    .all(sweepId) as {
    id: number;
    key: string;
    class: string;
    status: string;
    attempts: number;
    rung: number | null;
    params_json: string;
  }[];
  const metrics = db
    .prepare(
      'SELECT m.trial_id AS id, m.name, m.value FROM metrics m JOIN trials t ON t.id = m.trial_id WHERE t.sweep_id = ? AND m.final = 1',
    )
    .all(sweepId) as { id: number; name: string; value: number }[];
  const byTrial = new Map<number, Record<string, number>>();
  for (const m of metrics) (byTrial.get(m.id) ?? byTrial.set(m.id, {}).get(m.id)!)[m.name] = m.value;
  return trials.map((t) => ({
    key: t.key,
    class: t.class,
    status: t.status,
    attempts: t.attempts,
    rung: t.rung,
    params: JSON.parse(t.params_json) as Record<string, unknown>,
    metrics: byTrial.get(t.id) ?? {},
  }));
}
