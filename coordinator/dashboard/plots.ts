/**
 * Data for the dashboard's grid plots, built on the leaderboard queries (rankPoints, bestPerClass,
 * pointClassValues) so every plotted number is a leaderboard number; one request per chart, so that each
 * answers within its own time budget:
 * - heatmap sigma x cov_reg per facet (every other varying parameter: wavelet, level, subbands, ...);
 * - parallel coordinates over every varying parameter plus the metric;
 * - class-mean image vs pixel AUROC per grid point, with the Pareto front (both higher is better);
 * - per class, the best trial's value against the best single configuration's value.
 */
import { parseFilters, type ParamFilter } from '../report/filters.js';
import { paramText, varyingKeys } from '../report/params-view.js';
import type { DashboardReads } from '../store/reads/dashboard.js';
import { defaultOrder, type Order } from '../store/reads/index.js';

export interface HeatCell {
  facet: string;
  sigma: string;
  cov_reg: string;
  value: number;
  classes: number;
  trials: number;
}

export interface GridPlots {
  sweep: string;
  metric: string;
  /** '' = class mean, else the class the values are for */
  class: string;
  order: Order;
  /** final metrics recorded in the sweep, and its classes (choices for the page) */
  metrics: string[];
  classes: string[];
  heatmap: { facets: string[]; facetKeys: string[]; sigma: string[]; cov_reg: string[]; cells: HeatCell[] };
  parallel: { dims: string[]; total: number; rows: { params: Record<string, string | number>; value: number }[] };
}

export interface ScatterPlot {
  points: { image: number; pixel: number; point: string; label: string; pareto: boolean }[];
}

export interface ClassBars {
  metric: string;
  classes: string[];
  best: (number | null)[];
  bestTrial: (number | null)[];
  single: (number | null)[];
  singleLabel: string;
}

export interface PlotsQuery {
  metric: string;
  class: string;
  where: string[];
  order?: Order;
}

export const PARALLEL_ROWS = 2000;

const num = (a: string, b: string): number => Number(a) - Number(b);

/** Indexes of the points not dominated by another (higher-or-equal in both, higher in one). */
export function paretoFront(xs: readonly { x: number; y: number }[]): Set<number> {
  const idx = xs.map((_, i) => i).sort((a, b) => xs[b].x - xs[a].x || xs[b].y - xs[a].y);
  const front = new Set<number>();
  let bestY = -Infinity;
  for (const i of idx) {
    if (xs[i].y > bestY) {
      front.add(i);
      bestY = xs[i].y;
    }
  }
  return front;
}

function label(params: Record<string, unknown>, keys: readonly string[]): string {
  return keys.map((k) => `${k}=${paramText(params[k])}`).join(' ');
}

/** Heatmap and parallel coordinates: one ranking of the grid points (class mean, or one class). */
export function gridPlots(store: DashboardReads, sweep: string, q: PlotsQuery): GridPlots {
  const sweepId = store.reads.sweepId(sweep);
  const order = q.order ?? defaultOrder(q.metric);
  const filters: ParamFilter[] = parseFilters(q.where);
  const points = store.reads.rankPoints(sweepId, q.metric, {
    filters: q.class ? [...filters, { key: 'class', values: [q.class] }] : filters,
    order,
  });
  const varying = varyingKeys(points.map((p) => p.params));
  const facetKeys = varying.filter((k) => k !== 'sigma' && k !== 'cov_reg');
  const cells: HeatCell[] = points.map((p) => ({
    facet: facetKeys.length ? facetKeys.map((k) => paramText(p.params[k])).join(' · ') : 'all',
    sigma: paramText(p.params.sigma),
    cov_reg: paramText(p.params.cov_reg),
    value: p.mean,
    classes: p.classes,
    trials: p.trials,
  }));
  return {
    sweep,
    metric: q.metric,
    class: q.class,
    order,
    metrics: store.sweepMetricNames(sweepId),
    classes: store.sweepClasses(sweepId),
    heatmap: {
      facets: [...new Set(cells.map((c) => c.facet))].sort(),
      facetKeys,
      sigma: [...new Set(cells.map((c) => c.sigma))].sort(num),
      cov_reg: [...new Set(cells.map((c) => c.cov_reg))].sort(num),
      cells,
    },
    parallel: {
      dims: varying,
      total: points.length,
      // the best PARALLEL_ROWS points: more lines than that are no longer readable
      rows: points
        .slice(0, PARALLEL_ROWS)
        .map((p) => ({ params: Object.fromEntries(varying.map((k) => [k, paramText(p.params[k])])), value: p.mean })),
    },
  };
}

/** Class-mean image vs pixel AUROC per grid point, and which points form the Pareto front. */
export function scatterPlot(store: DashboardReads, sweep: string, q: Pick<PlotsQuery, 'where'>): ScatterPlot {
  const sweepId = store.reads.sweepId(sweep);
  const pairs = store
    .pointMeans(sweepId, ['image_auroc', 'pixel_auroc'], parseFilters(q.where))
    .filter((p) => p.means[0] !== null && p.means[1] !== null)
    .map((p) => ({
      point: p.point,
      params: JSON.parse(p.point) as Record<string, unknown>,
      x: p.means[0]!,
      y: p.means[1]!,
    }));
  const keys = varyingKeys(pairs.map((p) => p.params));
  const front = paretoFront(pairs);
  return {
    points: pairs.map((p, i) => ({
      image: p.x,
      pixel: p.y,
      point: p.point,
      label: label(p.params, keys),
      pareto: front.has(i),
    })),
  };
}

/** Per class: its best trial's value, and the value of the best single configuration (the leaderboard's winner). */
export function classBars(store: DashboardReads, sweep: string, q: Omit<PlotsQuery, 'class'>): ClassBars {
  const sweepId = store.reads.sweepId(sweep);
  const order = q.order ?? defaultOrder(q.metric);
  const filters = parseFilters(q.where);
  const best = store.reads.bestPerClass(sweepId, q.metric, { filters, order, top: 1 });
  const overall = store.reads.rankPoints(sweepId, q.metric, { filters, order });
  const single = overall.length ? store.reads.pointClassValues(sweepId, overall[0].point, q.metric) : [];
  const classes = [...new Set([...best.map((b) => b.class), ...single.map((s) => s.class)])];
  return {
    metric: q.metric,
    classes,
    best: classes.map((c) => best.find((b) => b.class === c)?.value ?? null),
    bestTrial: classes.map((c) => best.find((b) => b.class === c)?.trialId ?? null),
    single: classes.map((c) => single.find((s) => s.class === c)?.value ?? null),
    singleLabel: overall.length ? label(overall[0].params, varyingKeys(overall.map((p) => p.params))) : '',
  };
}
