/**
 * How a sweep searches its space (`search:` in the sweep file): the full grid (default), `random` (n seeded
 * samples) or `halving` (successive halving / ASHA over a budget). Plain data, shared by the grid (which
 * parses it), the store (which runs the halving promotions) and the halving bench.
 */
import type { TrialParams } from '../../shared/trial.js';

export type Order = 'desc' | 'asc';

export interface GridSearch {
  kind: 'grid';
}

export interface RandomSearch {
  kind: 'random';
  /** how many distinct points to sample */
  n: number;
  seed: number;
}

/**
 * What a rung's budget is: `classes` (the wepadim/synthetic objectives: a point is scored on its first b
 * classes, in a seeded order the same for every point) or `steps` (commands: one trial per class with
 * `{budget}` = b in its params, scored at that rung alone).
 */
export type BudgetKind = 'classes' | 'steps';

export interface HalvingSearch {
  kind: 'halving';
  /** keep the top 1/eta of each rung */
  eta: number;
  budget: BudgetKind;
  /** rung 0's budget */
  minBudget: number;
  /** the last rung's budget; null = all classes of the point (budget: classes only) */
  maxBudget: number | null;
  /** promotions rank points by the mean of this final metric over the rung's trials */
  metric: string;
  order: Order;
  /** async = ASHA (promote as soon as a point is in the top 1/eta of what finished); sync = wait for the whole rung */
  mode: 'async' | 'sync';
  /** orders the classes (budget: classes) */
  seed: number;
}

export type SearchSpec = GridSearch | RandomSearch | HalvingSearch;

export const GRID_SEARCH: GridSearch = { kind: 'grid' };

/** A grid point of a halving search: one representative trial's params and every class it runs on, in budget order. */
export interface PlannedPoint {
  /** identity of the point within its sweep (hash of its params without class and budget) */
  key: string;
  stage: string;
  params: TrialParams;
  classes: string[];
}

/** What submit stores for a halving sweep: the spec and every point (rung 0's trials are derived from them). */
export interface HalvingPlan {
  spec: HalvingSearch;
  points: PlannedPoint[];
}
