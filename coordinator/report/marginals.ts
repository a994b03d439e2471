/**
 * Per-parameter marginal means: for every parameter that varies, the mean of the grid points' class
 * means over the points that share each value (the original staged probe's per_parameter_averages).
 */
import { paramCell } from './params-view.js';
import type { PointScore } from '../store/reads/index.js';

export interface Marginal {
  param: string;
  value: string | number;
  /** mean of the class means of the points with this value */
  mean: number;
  /** best class mean among them */
  best: number;
  points: number;
}

export function marginalMeans(
  points: readonly PointScore[],
  keys: readonly string[],
  order: 'asc' | 'desc' = 'desc',
): Marginal[] {
  const out: Marginal[] = [];
  for (const key of keys) {
    const groups = new Map<string, { value: string | number; sum: number; best: number; n: number }>();
    // points are ranked; regroup in first-seen order, then sort values by their mean
    for (const p of points) {
      const id = JSON.stringify(p.params[key]);
      const g = groups.get(id);
      if (!g) groups.set(id, { value: paramCell(p.params[key]), sum: p.mean, best: p.mean, n: 1 });
      else {
        g.sum += p.mean;
        g.n++;
        g.best = order === 'asc' ? Math.min(g.best, p.mean) : Math.max(g.best, p.mean);
      }
    }
    const rows = [...groups.values()].map((g) => ({
      param: key,
      value: g.value,
      mean: g.sum / g.n,
      best: g.best,
      points: g.n,
    }));
    rows.sort((a, b) => (order === 'asc' ? a.mean - b.mean : b.mean - a.mean));
    out.push(...rows);
  }
  return out;
}
