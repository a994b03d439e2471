/**
 * `wepadim leaderboard`: rank a sweep's grid points by the class mean of a metric (the paper's selection),
 * or list the best trials per class (the paper's per-class optimized numbers); plus marginal means per
 * parameter and, when trials used honest selection, the honest numbers beside the optimistic ones.
 */
import type { StoreReads } from '../store/reads/index.js';
import { UserError } from '../../shared/errors.js';
import type { ParamFilter } from './filters.js';
import { honestSummary, type HonestSummary } from './honest.js';
import { marginalMeans, type Marginal } from './marginals.js';
import { commandParamsOf, varyingKeys } from './params-view.js';
import { defaultOrder, type ClassEntry, type Order, type PointScore } from '../store/reads/index.js';

function alsoMeans(
  reads: StoreReads,
  sweepId: number,
  point: string,
  metrics: readonly string[],
): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const m of metrics) {
    const xs = reads
      .pointClassValues(sweepId, point, m)
      .map((v) => v.value)
      .filter((v): v is number => v !== null);
    out[m] = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
  }
  return out;
}

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
  /** more metrics to show beside the ranking one (class mean per point, value per trial) */
  also?: readonly string[];
}

export interface RankedPoint extends PointScore {
  rank: number;
  /** class means of the `also` metrics, over the classes that have them (null: none has) */
  also: Record<string, number | null>;
}

export interface ClassRow extends ClassEntry {
  also: Record<string, number | null>;
}

export interface PerClassSummary {
  entries: ClassRow[];
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

/** Marginal means per varying parameter; a command sweep's per free parameter (lr, opt, ...), not per whole command. */
function marginalsOf(all: readonly PointScore[], varying: readonly string[], order: Order): Marginal[] {
  if (all[0]?.params.objective !== 'command') return marginalMeans(all, varying, order);
  const free = all.map((p) => ({ ...p, params: commandParamsOf(p.params) }));
  return marginalMeans(free, varyingKeys(free.map((p) => p.params)), order);
}

export function buildLeaderboard(reads: StoreReads, req: LeaderboardRequest): Leaderboard {
  const sweepId = reads.sweepId(req.sweep);
  const order = req.order ?? defaultOrder(req.metric);
  const opts = { filters: req.filters ?? [], completeOnly: req.completeOnly ?? false, order };
  const all = reads.rankPoints(sweepId, req.metric, opts);
  if (all.length === 0) {
    // an unknown metric is an error once something finished; before that the board is just empty
    const known = reads.metricNames(sweepId);
    if (known.length > 0 && !known.includes(req.metric))
      throw new UserError(`sweep ${req.sweep} has no final metric '${req.metric}'; recorded: ${known.join(', ')}`);
  }
  const varying = varyingKeys(all.map((p) => p.params));
  const top = req.top ?? (req.mode === 'mean' ? 10 : 1);
  if (!Number.isInteger(top) || top < 1) throw new UserError(`--top must be a positive integer, got ${top}`);
  const also = (req.also ?? []).filter((m) => m !== req.metric);
  let perClass: PerClassSummary | null = null;
  if (req.mode === 'per-class') {
    const best = reads.bestPerClass(sweepId, req.metric, { ...opts, top });
    const extra = also.map(
      (m) =>
        [
          m,
          reads.trialValues(
            best.map((e) => e.trialId),
            m,
          ),
        ] as const,
    );
    const entries: ClassRow[] = best.map((e) => ({
      ...e,
      also: Object.fromEntries(extra.map(([m, v]) => [m, v.get(e.trialId) ?? null])),
    }));
    const firsts = entries.filter((e) => e.rank === 1);
    perClass = {
      entries,
      meanOfBest: firsts.reduce((a, e) => a + e.value, 0) / (firsts.length || 1),
      classes: firsts.length,
    };
  }
  return {
    sweep: req.sweep,
    metric: req.metric,
    mode: req.mode,
    order,
    varying,
    totalPoints: all.length,
    completePoints: all.filter((p) => p.complete).length,
    points:
      req.mode === 'mean'
        ? all.slice(0, top).map((p, i) => ({ ...p, rank: i + 1, also: alsoMeans(reads, sweepId, p.point, also) }))
        : [],
    perClass,
    marginals: marginalsOf(all, varying, order),
    honest: honestSummary(reads, sweepId, req.metric, opts),
  };
}
