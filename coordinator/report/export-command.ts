/**
 * `wepadim export` for a command sweep: the sweep's own free parameters and final metrics as columns, not
 * the WE-PaDiM ones (backbone, wavelet, sigma, ...). ranked: one row per point, ranked by --metric, with
 * every other metric's mean beside it and, in a halving sweep, the point's rung (a step-halving point is
 * scored at its highest rung). trials: one row per trial with its budget and rung. The WE-PaDiM tables
 * (long, per-class, models) are refused.
 */
import { UserError } from '../../shared/errors.js';
import type { Row } from '../../shared/table.js';
import type { PointScore, RankOptions, StoreReads } from '../store/reads/index.js';
import type { Table } from './formats.js';
import { commandParamsOf, paramCell } from './params-view.js';

const namesOf = (rows: readonly Record<string, unknown>[]): string[] => [...new Set(rows.flatMap(Object.keys))];

export function commandExport(
  reads: StoreReads,
  sweepId: number,
  req: { sweep: string; table: string; metric: string; top?: number },
  opts: RankOptions,
  points: readonly PointScore[],
): Table {
  if (req.table === 'trials') return commandTrials(reads, sweepId, req.sweep);
  if (req.table !== 'ranked')
    throw new UserError(
      `export --table ${req.table} is a WE-PaDiM table (backbone, wavelet, sigma, classes); sweep ${req.sweep} is a command sweep: use --table ranked or --table trials`,
    );
  if (req.top !== undefined && (!Number.isInteger(req.top) || req.top < 1))
    throw new UserError(`--top must be a positive integer, got ${req.top}`);
  const shown = req.top === undefined ? points : points.slice(0, req.top);
  const others = reads.metricNames(sweepId).filter((m) => m !== req.metric);
  const means = new Map(
    others.map((m) => [
      m,
      new Map(reads.rankPoints(sweepId, m, { ...opts, order: undefined }).map((p) => [p.point, p.mean])),
    ]),
  );
  const free = shown.map((p) => commandParamsOf(p.params));
  const paramCols = namesOf(free);
  const rungs = shown.some((p) => p.rung !== null);
  const rows: Row[] = shown.map((p, i) => {
    const r: Row = { rank: i + 1 };
    for (const k of paramCols) r[k] = k in free[i] ? paramCell(free[i][k]) : null;
    if (rungs) r.rung = p.rung;
    r[req.metric] = p.mean;
    for (const m of others) r[m] = means.get(m)?.get(p.point) ?? null;
    return r;
  });
  return {
    title: `${req.sweep}: command sweep points ranked by ${req.metric}`,
    columns: ['rank', ...paramCols, ...(rungs ? ['rung'] : []), req.metric, ...others],
    rows,
  };
}

function commandTrials(reads: StoreReads, sweepId: number, sweep: string): Table {
  const trials = reads.trialMetricRows(sweepId);
  const free = trials.map((t) => commandParamsOf(t.params));
  const paramCols = namesOf(free);
  const rungs = trials.some((t) => t.rung !== null);
  const metricCols = [...new Set(trials.flatMap((t) => Object.keys(t.metrics)))].sort();
  return {
    title: `${sweep}: every trial of the command sweep with every final metric`,
    columns: ['trial', 'status', 'attempts', ...(rungs ? ['rung'] : []), ...paramCols, ...metricCols],
    rows: trials.map((t, i) => {
      const row: Row = { trial: t.key.slice(0, 12), status: t.status, attempts: t.attempts };
      if (rungs) row.rung = t.rung;
      for (const k of paramCols) row[k] = k in free[i] ? paramCell(free[i][k]) : null;
      for (const m of metricCols) row[m] = t.metrics[m] ?? null;
      return row;
    }),
  };
}
