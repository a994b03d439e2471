/**
 * Multi-objective views: the Pareto front of a sweep's grid points over several class-mean metrics
 * (`wepadim leaderboard --pareto image_auroc,pixel_auroc`, and `wepadim best --pareto` writes the front out).
 * A point is on the front when no other point is at least as good on every metric and better on one
 * (each metric in its own direction: higher is better except time.* and peak_rss_mb). Only points with
 * every metric on every one of their classes take part; in a halving sweep, only the points of the
 * highest rung reached (the others were measured on less budget).
 */
import { UserError } from '../../shared/errors.js';
import { renderTable } from '../../shared/table.js';
import { defaultOrder, type Order, type StoreReads } from '../store/reads/index.js';
import type { ParamFilter } from './filters.js';
import { paramText, varyingKeys } from './params-view.js';

/** Indices of the non-dominated rows of `values` (one row per point, one column per metric). */
export function paretoFront(values: readonly (readonly number[])[], orders: readonly Order[]): number[] {
  const better = (a: number, b: number, o: Order): boolean => (o === 'desc' ? a > b : a < b);
  const dominates = (a: readonly number[], b: readonly number[]): boolean =>
    a.every((x, j) => x === b[j] || better(x, b[j], orders[j])) && a.some((x, j) => better(x, b[j], orders[j]));
  return values.map((_, i) => i).filter((i) => !values.some((v, k) => k !== i && dominates(v, values[i])));
}

export interface ParetoPoint {
  point: string;
  params: Record<string, unknown>;
  /** class mean of each metric */
  values: Record<string, number>;
  classes: number;
  rung: number | null;
}

export interface ParetoResult {
  sweep: string;
  metrics: string[];
  orders: Order[];
  /** points that took part (complete on every metric) */
  considered: number;
  varying: string[];
  /** the non-dominated points, best first by the first metric */
  front: ParetoPoint[];
}

/** Parse `--pareto a,b[,c]`: at least two distinct metric names. */
export function parseParetoMetrics(text: string): string[] {
  const ms = text
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  if (ms.length < 2 || new Set(ms).size !== ms.length)
    throw new UserError(`--pareto needs two or more distinct metrics separated by commas, got "${text}"`);
  return ms;
}

export function buildPareto(
  reads: StoreReads,
  req: { sweep: string; metrics: readonly string[]; filters?: readonly ParamFilter[] },
): ParetoResult {
  const sweepId = reads.sweepId(req.sweep);
  const known = reads.metricNames(sweepId);
  for (const m of req.metrics) {
    if (known.length > 0 && !known.includes(m))
      throw new UserError(`sweep ${req.sweep} has no final metric '${m}'; recorded: ${known.join(', ')}`);
  }
  const filters = req.filters ?? [];
  let pts = reads.rankPoints(sweepId, req.metrics[0], { filters, completeOnly: true });
  const top = Math.max(...pts.map((p) => p.rung ?? 0));
  pts = pts.filter((p) => (p.rung ?? 0) === top);
  const agg = reads.pointAggregates(sweepId, req.metrics, filters);
  const rows: ParetoPoint[] = [];
  for (const p of pts) {
    const a = agg.get(p.point);
    if (!a || !req.metrics.every((m) => a.get(m)?.classes === p.trials)) continue;
    rows.push({
      point: p.point,
      params: p.params,
      values: Object.fromEntries(req.metrics.map((m) => [m, (a.get(m) as { mean: number }).mean])),
      classes: p.trials,
      rung: p.rung,
    });
  }
  const orders = req.metrics.map(defaultOrder);
  // means compared to 12 decimals, as the leaderboard's ties: (0.95 + 0.85) / 2 is 0.9 here
  const front = paretoFront(
    rows.map((r) => req.metrics.map((m) => Number(r.values[m].toFixed(12)))),
    orders,
  ).map((i) => rows[i]);
  return {
    sweep: req.sweep,
    metrics: [...req.metrics],
    orders,
    considered: rows.length,
    varying: varyingKeys(rows.map((r) => r.params)),
    front,
  };
}

export function paretoText(p: ParetoResult, digits = 4): string {
  const head =
    `Sweep ${p.sweep}: Pareto front over class-mean ${p.metrics.map((m, i) => `${m} (${p.orders[i] === 'desc' ? 'higher' : 'lower'} is better)`).join(', ')}: ` +
    `${p.front.length} non-dominated of ${p.considered} complete points`;
  if (p.front.length === 0) return `${head}\n(no complete point has all these metrics yet)\n`;
  const rows = p.front.map((f, i) => ({
    '#': i + 1,
    ...Object.fromEntries(p.metrics.map((m) => [m, f.values[m].toFixed(digits)])),
    classes: f.classes,
    ...(f.rung !== null ? { rung: f.rung } : {}),
    ...Object.fromEntries(p.varying.map((k) => [k, paramText(f.params[k])])),
  }));
  return `${head}\n${renderTable(rows)}\n`;
}
