/**
 * `wepadim leaderboard`: rank a sweep's grid points by the class mean of a metric (the paper's selection),
 * or list the best trials per class (the paper's per-class optimized numbers); plus marginal means per
 * parameter and, when trials used honest selection, the honest numbers beside the optimistic ones.
 */
import type { Db } from '../store/db.js';
import { sweepIdByName } from '../store/sweep-store.js';
import { UserError } from '../../shared/errors.js';
import type { ParamFilter } from './filters.js';
import { honestSummary, type HonestSummary } from './honest.js';
import { marginalMeans, type Marginal } from './marginals.js';
import { varyingKeys } from './params-view.js';
import { bestPerClass, defaultOrder, metricNames, rankPoints, type ClassEntry, type Order, type PointScore } from './queries.js';

export type LeaderboardMode = 'mean' | 'per-class';

export interface LeaderboardRequest {
  sweep: string;
  metric: string;
  mode: LeaderboardMode;
  /** points (mean mode) or trials per class (per-class mode); default 10 and 1 */
  top?: number;
  filters?: readonly ParamFilter[];
  completeOnly?: boolean;
  order?: Order;
}

export interface RankedPoint extends PointScore {
  rank: number;
}

export interface PerClassSummary {
  entries: ClassEntry[];
  /** mean over classes of each class's best value (the per-class optimized mean) */
  meanOfBest: number;
  classes: number;
}

export interface Leaderboard {
  sweep: string;
  metric: string;
  mode: LeaderboardMode;
  order: Order;
  /** parameters that vary among the ranked points */
  varying: string[];
  /** ranked points with a value; `points` holds the top ones */
  totalPoints: number;
  completePoints: number;
  points: RankedPoint[];
  perClass: PerClassSummary | null;
  marginals: Marginal[];
  honest: HonestSummary | null;
}

export function buildLeaderboard(db: Db, req: LeaderboardRequest): Leaderboard {
  const sweepId = sweepIdByName(db, req.sweep);
  const order = req.order ?? defaultOrder(req.metric);
  const opts = { filters: req.filters ?? [], completeOnly: req.completeOnly ?? false, order };
  const all = rankPoints(db, sweepId, req.metric, opts);
  if (all.length === 0) {
    const known = metricNames(db, sweepId);
    if (!known.includes(req.metric))
      throw new UserError(
        `sweep ${req.sweep} has no final metric '${req.metric}'${known.length ? `; recorded: ${known.join(', ')}` : ' (no trial has finished yet)'}`,
      );
  }
  const varying = varyingKeys(all.map((p) => p.params));
  const top = req.top ?? (req.mode === 'mean' ? 10 : 1);
  if (!Number.isInteger(top) || top < 1) throw new UserError(`--top must be a positive integer, got ${top}`);
  let perClass: PerClassSummary | null = null;
  if (req.mode === 'per-class') {
    const entries = bestPerClass(db, sweepId, req.metric, { ...opts, top });
    const firsts = entries.filter((e) => e.rank === 1);
    perClass = { entries, meanOfBest: firsts.reduce((a, e) => a + e.value, 0) / (firsts.length || 1), classes: firsts.length };
  }
  return {
    sweep: req.sweep,
    metric: req.metric,
    mode: req.mode,
    order,
    varying,
    totalPoints: all.length,
    completePoints: all.filter((p) => p.complete).length,
    points: req.mode === 'mean' ? all.slice(0, top).map((p, i) => ({ ...p, rank: i + 1 })) : [],
    perClass,
    marginals: marginalMeans(all, varying, order),
    honest: honestSummary(db, sweepId, req.metric, opts),
  };
}
