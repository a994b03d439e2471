/**
 * An in-memory copy of what the leaderboards read, for a long-lived reader (the dashboard): per sweep its trials
 * (id, grid point, class, ascending id) and per metric name every final value by trial id. It is brought up to date
 * before each read: new trials and metric rows are read past the last row ids seen (the store only appends
 * trials, and replaces a trial's final values by deleting and re-inserting them in one transaction); a count
 * per metric name that no longer matches, or row ids going back, mean something else happened and that part
 * is rebuilt from scratch. Halving sweeps (rungs) are not covered: callers fall back to SQL for them.
 * rank-indexed.ts computes rankPoints/bestPerClass from it, with results identical to the SQL reads.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../db.js';

export interface SweepTrials {
  /** trial ids, ascending (expansion order) */
  ids: number[];
  /** per trial (same index as ids): its grid point and class, as indexes into points / classes */
  point: number[];
  cls: number[];
  /** canonical JSON of each grid point, and its parsed params (deep-frozen, parsed on first use) */
  points: string[];
  params: (Readonly<Record<string, unknown>> | undefined)[];
  classes: string[];
  pointIndex: Map<string, number>;
  classIndex: Map<string, number>;
  maxId: number;
  /** false: a halving sweep (rungs), which the index does not rank */
  ranked: boolean;
}

/** Final values of one metric by trial id (every sweep; NaN: none), and how many there are. */
export class Column {
  values = new Float64Array(0);
  size = 0;
  constructor(public maxRowId: number) {}

  get(trialId: number): number {
    return trialId < this.values.length ? this.values[trialId] : NaN;
  }

  set(trialId: number, value: number): void {
    if (trialId >= this.values.length) {
      const grown = new Float64Array(Math.max(trialId + 1, this.values.length * 2)).fill(NaN);
      grown.set(this.values);
      this.values = grown;
    }
    if (Number.isNaN(this.values[trialId])) this.size++;
    this.values[trialId] = value;
  }
}

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object') {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

export function pointParams(s: SweepTrials, p: number): Readonly<Record<string, unknown>> {
  return (s.params[p] ??= deepFreeze(JSON.parse(s.points[p]) as Record<string, unknown>));
}

export class FinalMetricIndex {
  readonly #db: Db;
  readonly #sweeps = new Map<number, SweepTrials>();
  readonly #columns = new Map<string, Column>();
  /** data_version / max trial id at which each sweep / column was last brought up to date */
  readonly #synced = new Map<string, number>();
  #maxTrialId = -1;
  readonly #stmts: Record<string, Database.Statement<unknown[]>>;

  constructor(db: Db) {
    this.#db = db;
    this.#stmts = {
      version: db.prepare('PRAGMA data_version').pluck(),
      maxTrial: db.prepare('SELECT coalesce(max(id), 0) FROM trials').pluck(),
      // `+sweep_id`: walk the rowid range of the new trials, not the sweep's index
      trials: db
        .prepare(
          'SELECT id, class, point_json, rung IS NOT NULL OR search_point IS NOT NULL AS halving FROM trials WHERE id > ? AND +sweep_id = ? ORDER BY id',
        )
        .raw(),
      points: db
        .prepare('SELECT point_json, group_concat(id) FROM trials WHERE sweep_id = ? GROUP BY point_json')
        .raw(),
      classes: db.prepare('SELECT class, group_concat(id) FROM trials WHERE sweep_id = ? GROUP BY class').raw(),
      halving: db.prepare('SELECT 1 FROM trials WHERE search_point IS NOT NULL AND sweep_id = ? LIMIT 1').pluck(),
      plan: db.prepare('SELECT 1 FROM search_plans WHERE sweep_id = ?').pluck(),
      maxMetric: db.prepare('SELECT coalesce(max(id), 0) FROM metrics').pluck(),
      allFinal: db.prepare('SELECT trial_id, value FROM metrics WHERE name = ? AND final = 1').raw(),
      newFinal: db
        .prepare('SELECT trial_id, value FROM metrics WHERE id > ? AND +name = ? AND +final = 1 ORDER BY id')
        .raw(),
      countFinal: db.prepare('SELECT count(*) FROM metrics WHERE name = ? AND final = 1').pluck(),
      round: db.prepare('SELECT round(?, 12)').pluck(),
    };
  }

  /** SQLite's round(x, 12), which the SQL ranking orders by (its decimal rounding, not JavaScript's). */
  round12(x: number): number {
    return this.#stmts.round.get(x) as number;
  }

  /** The sweep's trials and the metric's values, up to date; null for a sweep the index does not rank. */
  view(sweepId: number, metric: string): { trials: SweepTrials; values: Column } | null {
    const trials = this.#sync(sweepId, metric);
    return trials.ranked ? { trials, values: this.#columns.get(metric)! } : null;
  }

  /** The sweep's distinct grid points (parsed, deep-frozen), up to date; null for a sweep the index does not rank. */
  gridPoints(sweepId: number): Readonly<Record<string, unknown>>[] | null {
    const s = this.#sync(sweepId, null);
    return s.ranked ? s.points.map((_, p) => pointParams(s, p)) : null;
  }

  #sync(sweepId: number, metric: string | null): SweepTrials {
    const version = this.#stmts.version.get() as number;
    const sKey = `s${sweepId}`;
    const cKey = metric === null ? sKey : `m${metric}`;
    if (this.#synced.get(sKey) !== version || this.#synced.get(cKey) !== version)
      this.#db.transaction(() => {
        this.#syncTrials(sweepId);
        if (metric !== null) this.#syncColumn(metric);
      })();
    this.#synced.set(sKey, version);
    this.#synced.set(cKey, version);
    return this.#sweeps.get(sweepId)!;
  }

  #syncTrials(sweepId: number): void {
    const maxTrial = this.#stmts.maxTrial.get() as number;
    if (maxTrial < this.#maxTrialId) {
      // trials are never deleted; a smaller max id is another database file: start again
      this.#sweeps.clear();
      this.#columns.clear();
      this.#synced.clear();
    }
    this.#maxTrialId = maxTrial;
    let s = this.#sweeps.get(sweepId);
    if (!s) {
      s = {
        ids: [],
        point: [],
        cls: [],
        points: [],
        params: [],
        classes: [],
        pointIndex: new Map(),
        classIndex: new Map(),
        maxId: 0,
        ranked: this.#stmts.plan.get(sweepId) === undefined,
      };
      this.#sweeps.set(sweepId, s);
    }
    if (s.maxId >= maxTrial) return;
    const rows =
      s.maxId === 0
        ? this.#allTrials(sweepId, maxTrial)
        : (this.#stmts.trials.all(s.maxId, sweepId) as [number, string, string, number][]);
    for (const [id, cls, point, halving] of rows) {
      if (halving) s.ranked = false;
      let p = s.pointIndex.get(point);
      if (p === undefined) {
        s.pointIndex.set(point, (p = s.points.length));
        s.points.push(point);
        s.params.push(undefined);
      }
      let c = s.classIndex.get(cls);
      if (c === undefined) {
        s.classIndex.set(cls, (c = s.classes.length));
        s.classes.push(cls);
      }
      s.ids.push(id);
      s.point.push(p);
      s.cls.push(c);
    }
    s.maxId = maxTrial;
  }

  /**
   * A sweep's trials, in bulk: ids grouped per grid point on the trials_by_point index (each point's JSON read
   * once, not recomputed per trial row) and per class on the covering trials_by_class index.
   */
  #allTrials(sweepId: number, maxTrial: number): [number, string, string, number][] {
    const halving = this.#stmts.halving.get(sweepId) !== undefined ? 1 : 0;
    const pointOf = new Int32Array(maxTrial + 1);
    const classOf = new Int32Array(maxTrial + 1);
    const points = this.#stmts.points.all(sweepId) as [string, string][];
    const classes = this.#stmts.classes.all(sweepId) as [string, string][];
    const ids: number[] = [];
    points.forEach(([, list], p) => {
      for (const x of list.split(',')) {
        const id = Number(x);
        pointOf[id] = p;
        ids.push(id);
      }
    });
    classes.forEach(([, list], c) => {
      for (const id of list.split(',')) classOf[Number(id)] = c;
    });
    const sorted = Float64Array.from(ids).sort();
    const out = new Array<[number, string, string, number]>(sorted.length);
    for (let t = 0; t < sorted.length; t++) {
      const id = sorted[t];
      out[t] = [id, classes[classOf[id]][0], points[pointOf[id]][0], halving];
    }
    return out;
  }

  #syncColumn(metric: string): void {
    const maxRow = this.#stmts.maxMetric.get() as number;
    let col = this.#columns.get(metric);
    if (col && maxRow > col.maxRowId) {
      for (const [trial, value] of this.#stmts.newFinal.all(col.maxRowId, metric) as [number, number][])
        col.set(trial, value);
    }
    // appends (and a trial's values replaced by new rows) keep the count equal to the values held; anything else rebuilds
    if (!col || maxRow < col.maxRowId || (this.#stmts.countFinal.get(metric) as number) !== col.size) {
      col = new Column(maxRow);
      for (const [trial, value] of this.#stmts.allFinal.iterate(metric) as Iterable<[number, number]>)
        col.set(trial, value);
      this.#columns.set(metric, col);
    }
    col.maxRowId = maxRow;
  }
}
