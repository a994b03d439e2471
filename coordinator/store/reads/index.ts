/**
 * The store's typed read API: everything reports, `wepadim status` and the local run view read from the
 * database, as methods. Callers never see SQL or the connection (coordinator/store owns both).
 */
import type { Db } from '../db.js';
import { statusCountsById, sweepIdByName } from './sweeps.js';
import type { TrialStatus } from '../types.js';
import type { ParamFilter } from './filter-sql.js';
import * as results from './results.js';
import { FinalMetricIndex } from './final-index.js';
import { bestPerClassIndexed, pointMeansIndexed, rankIndexed } from './rank-indexed.js';
import { rungBudgets } from '../../search/halving.js';
import * as status from './status.js';
import { readCoordinatorLease, type LeaseHolder } from '../coordinator-lease.js';
import {
  mapJobCounts,
  mapJobRows,
  storedMaps,
  sweepWinners,
  type MapJobCounts,
  type MapJobRow,
  type StoredMap,
  type Winner,
} from './maps.js';

export type { MapJobRow, StoredMap, Winner } from './maps.js';
export { outstanding as mapJobOutstanding } from './maps.js';

export interface ResultProvenance {
  code_version: string;
  backend: string;
  weights: string;
  dataset_root: string;
}

export class StoreReads {
  readonly #db: Db;
  readonly #owned: boolean;
  #provenance: ReturnType<Db['prepare']> | null = null;
  /** a long-lived reader's in-memory copy of the final metrics (rankPoints, bestPerClass); null: SQL each time */
  readonly #index: FinalMetricIndex | null;

  /**
   * `owned`: close() closes the connection (a reader opened by openReads). `indexed`: keep the final metrics in
   * memory, updated from new rows before each read (the dashboard; a one-shot report reads SQL). Only for a
   * connection that does not write: the index sees changes through data_version, which moves with other
   * connections' commits.
   */
  constructor(db: Db, owned = false, indexed = false) {
    this.#db = db;
    this.#owned = owned;
    this.#index = indexed ? new FinalMetricIndex(db) : null;
  }

  /** true for a reader opened by openReads (reports never write) */
  get readonly(): boolean {
    return this.#db.readonly;
  }

  close(): void {
    if (this.#owned) this.#db.close();
  }

  /** The id of a sweep by name; a UserError listing the known sweeps when there is none. */
  sweepId(name: string): number {
    return sweepIdByName(this.#db, name);
  }

  statusCounts(sweepId: number): Record<TrialStatus, number> {
    return statusCountsById(this.#db, sweepId);
  }

  /** The coordinator serving this database (its lease row), or null when none holds it. */
  coordinatorLease(): LeaseHolder | null {
    return readCoordinatorLease(this.#db);
  }

  /** The sweep's maps jobs (per-class winners' and requested anomaly maps), with their stored map counts. */
  mapJobs(sweepId: number): MapJobRow[] {
    return mapJobRows(this.#db, sweepId);
  }

  /** The sweep's maps jobs by state. */
  mapJobCounts(sweepId: number): MapJobCounts {
    return mapJobCounts(this.#db, sweepId);
  }

  /** Each class's best trial by each leaderboard metric (image and pixel AUROC), per stage: the trials maps are made for. */
  mapWinners(sweepId: number): Winner[] {
    return sweepWinners(this.#db, sweepId);
  }

  /** The map PNGs stored at the coordinator for these trials (paths relative to the database's folder). */
  storedMaps(trialIds: readonly number[]): StoredMap[] {
    return storedMaps(this.#db, trialIds);
  }

  sweeps(): status.SweepRow[] {
    return status.listSweepRows(this.#db);
  }

  /** The YAML a sweep was submitted from, and its path. */
  sweepSource(sweepId: number): { path: string | null; yaml: string } {
    const row = this.#db.prepare('SELECT source_path, source_yaml FROM sweeps WHERE id = ?').get(sweepId) as {
      source_path: string | null;
      source_yaml: string;
    };
    return { path: row.source_path, yaml: row.source_yaml };
  }

  finishedBetween(sweepId: number, from: number, to: number): { first: number | null; n: number } {
    return status.finishedBetween(this.#db, sweepId, from, to);
  }

  firstStart(sweepId: number): number | null {
    return status.firstStart(this.#db, sweepId);
  }

  workers(sweepId: number): status.WorkerStatusRow[] {
    return status.workerStatusRows(this.#db, sweepId);
  }

  recentFailures(sweepId: number, limit = 5): status.FailureRow[] {
    return status.recentFailures(this.#db, sweepId, limit);
  }

  /** Distinct errors of the failed trials, with counts (most frequent first). */
  failureReasons(sweepId: number): status.FailureReason[] {
    return status.failureReasons(this.#db, sweepId);
  }

  workerActivity(sweepId: number): status.WorkerActivityRow[] {
    return status.workerActivity(this.#db, sweepId);
  }

  /** Distinct random weights specs ("random:SEED") of the sweep's trials, sorted (command trials use no weights). */
  randomWeights(sweepId: number): string[] {
    const rows = this.#db
      .prepare(
        `SELECT DISTINCT json_extract(params_json, '$.weights') AS w FROM trials
         WHERE sweep_id = ? AND json_extract(params_json, '$.weights') LIKE 'random:%'
           AND json_extract(params_json, '$.objective') <> 'command' ORDER BY w`,
      )
      .all(sweepId) as { w: string }[];
    return rows.map((r) => r.w);
  }

  /** True when any trial (of any sweep) has a final value of `metric`: a cheap index probe. */
  hasFinalMetric(metric: string): boolean {
    return this.#db.prepare('SELECT 1 FROM metrics WHERE name = ? AND final = 1 LIMIT 1').get(metric) !== undefined;
  }

  /** Where a trial's result came from, or null when it has none. */
  provenance(trialId: number): ResultProvenance | null {
    this.#provenance ??= this.#db.prepare(
      'SELECT code_version, backend, weights, dataset_root FROM results WHERE trial_id = ?',
    );
    return (this.#provenance.get(trialId) as ResultProvenance | undefined) ?? null;
  }

  rankPoints(sweepId: number, metric: string, opts: results.RankOptions = {}): results.PointScore[] {
    return (
      (this.#index && rankIndexed(this.#index, sweepId, metric, opts)) ??
      results.rankPoints(this.#db, sweepId, metric, opts)
    );
  }

  /** The sweep's distinct grid points from the in-memory index; null when this reader keeps none (or a halving sweep). */
  indexedGridPoints(sweepId: number): Readonly<Record<string, unknown>>[] | null {
    return this.#index?.gridPoints(sweepId) ?? null;
  }

  /** Class means of several metrics per grid point from the in-memory index; null: read them with SQL. */
  indexedPointMeans(
    sweepId: number,
    metrics: readonly string[],
    filters: readonly ParamFilter[],
  ): { point: string; means: (number | null)[] }[] | null {
    return this.#index && pointMeansIndexed(this.#index, sweepId, metrics, filters);
  }

  assertClassesUnambiguous(sweepId: number, filters: readonly ParamFilter[] = []): void {
    results.assertClassesUnambiguous(this.#db, sweepId, filters);
  }

  bestPerClass(
    sweepId: number,
    metric: string,
    opts: results.RankOptions & { top?: number } = {},
  ): results.ClassEntry[] {
    if (this.#index) {
      results.assertClassesUnambiguous(this.#db, sweepId, opts.filters);
      const best = bestPerClassIndexed(this.#index, sweepId, metric, opts);
      if (best) return results.withTrialKeys(this.#db, best);
    }
    return results.bestPerClass(this.#db, sweepId, metric, opts);
  }

  pointClassValues(sweepId: number, point: string, metric: string): results.ClassValue[] {
    return results.pointClassValues(this.#db, sweepId, point, metric);
  }

  trialValues(trialIds: readonly number[], metric: string): Map<number, number> {
    return results.trialValues(this.#db, trialIds, metric);
  }

  pointAggregates(
    sweepId: number,
    metrics: readonly string[],
    filters: readonly ParamFilter[] = [],
  ): Map<string, Map<string, results.PointAggregate>> {
    return results.pointAggregates(this.#db, sweepId, metrics, filters);
  }

  /** One row per trial with its parameters and every final metric (export --table trials). */
  trialMetricRows(sweepId: number): results.TrialMetricsRow[] {
    return results.trialMetricRows(this.#db, sweepId);
  }

  metricNames(sweepId: number): string[] {
    return results.metricNames(this.#db, sweepId);
  }

  /** The metric reports rank a sweep by when none is given: its halving search's, else image_auroc. */
  defaultMetric(sweep: string): string {
    const json = this.#db
      .prepare('SELECT p.spec_json FROM search_plans p JOIN sweeps s ON s.id = p.sweep_id WHERE s.name = ?')
      .pluck()
      .get(sweep) as string | undefined;
    return json === undefined ? 'image_auroc' : (JSON.parse(json) as { metric: string }).metric;
  }

  /** Is the sweep a command sweep (objective: command)? Its reports show its own parameters and metrics. */
  isCommandSweep(sweepId: number): boolean {
    return (
      this.#db.prepare("SELECT 1 FROM trials WHERE sweep_id = ? AND objective = 'command' LIMIT 1").get(sweepId) !==
      undefined
    );
  }

  /** The highest rung at which a point of a halving sweep has a finished trial (null: not a halving point). */
  pointRung(sweepId: number, point: string): number | null {
    const r = this.#db
      .prepare("SELECT max(rung) AS r FROM trials WHERE sweep_id = ? AND point_json = ? AND status = 'done'")
      .get(sweepId, point) as { r: number | null };
    return r.r;
  }

  /** The budgets of a halving sweep's rungs over steps (a command's {budget}), or null for other sweeps. */
  stepBudgets(sweepId: number): number[] | null {
    const json = this.#db
      .prepare(
        "SELECT spec_json FROM search_plans WHERE sweep_id = ? AND json_extract(spec_json, '$.budget') = 'steps'",
      )
      .pluck()
      .get(sweepId) as string | undefined;
    if (json === undefined) return null;
    const spec = JSON.parse(json) as { minBudget: number; maxBudget: number; eta: number };
    return rungBudgets(spec.minBudget, spec.maxBudget, spec.eta);
  }
}

export {
  defaultOrder,
  type ClassEntry,
  type ClassValue,
  type Order,
  type PointAggregate,
  type PointScore,
  type RankOptions,
} from './results.js';
export type { FailureReason, FailureRow, SweepRow, WorkerActivityRow, WorkerStatusRow } from './status.js';
export type { ParamFilter } from './filter-sql.js';
